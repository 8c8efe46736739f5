/**
 * Renders control charts (types.ts) as one self-contained SVG document: the charts stacked vertically (X̄ above R),
 * each with the plotted statistic, centre line, step control limits (per-point limits), ±1σ/±2σ zone bands, flagged
 * points (beyond limits in red, other run rules in orange with the rule numbers), excluded points hollow, a phase II
 * separator, limit labels in the right margin, nice-number axes and a legend. Pure and deterministic: the same
 * charts give the same bytes (no ids, no dates, no fonts or CSS from outside).
 */
import { UserError } from '../../domain/errors.js';
import { PLOT_FONT, coordinate as c, escapeXml, formatSignificant, niceNumber, niceTicks } from './svg.js';
import type { ChartPoint, ControlChart } from './types.js';

export interface ControlChartSvgOptions {
  /** Document title, drawn above the charts. */
  readonly title?: string;
  /** Unit of the measured variable, added to the y label of variables charts (X̄, R, S, I, MR, EWMA, CUSUM). */
  readonly unit?: string;
  /** Width of the document in px (default 960). */
  readonly width?: number;
  /** Height of each chart panel in px (default 320). */
  readonly heightPerChart?: number;
  /** X-axis labels by point index (subgroup numbers, times, …); default index + 1. */
  readonly labels?: readonly string[];
}

const FONT = PLOT_FONT;
const COLORS = {
  line: '#1f4e79',
  point: '#1f4e79',
  center: '#2e7d32',
  limit: '#c62828',
  red: '#d62728',
  orange: '#ef8a00',
  excluded: '#9e9e9e',
  axis: '#424242',
  grid: '#ececec',
  text: '#212121',
  zoneA: '#fbe3e3',
  zoneB: '#fdf3d7',
  zoneC: '#e6f4e6',
} as const;

const MARGIN = { left: 78, right: 118, top: 34, bottom: 38 } as const;
const TITLE_HEIGHT = 36;
const LEGEND_HEIGHT = 34;

/** Readable names of the plotted statistics. */
const STATISTIC_NAMES: Readonly<Record<string, string>> = {
  xbar: 'X̄',
  r: 'R',
  s: 'S',
  i: 'I',
  mr: 'MR',
  p: 'p',
  np: 'np',
  c: 'c',
  u: 'u',
  ewma: 'EWMA',
  'cusum+': 'CUSUM+',
  'cusum-': 'CUSUM−',
  cusum: 'CUSUM',
};
/** Statistics measured in the unit of the variable (attribute charts plot counts and rates). */
const UNIT_STATISTICS = new Set(['xbar', 'r', 's', 'i', 'mr', 'ewma', 'cusum+', 'cusum-', 'cusum']);

/** "nelson.2" → "2", "we.4" → "W4", anything else as given. */
function ruleLabel(rule: string): string {
  const match = /^(nelson|we)\.(\d+)$/.exec(rule);
  if (match === null) return rule;
  return match[1] === 'we' ? `W${match[2]}` : (match[2] ?? rule);
}

const isRuleOne = (rule: string): boolean => /^(nelson|we)\.1$/.test(rule);

function statisticName(statistic: string): string {
  return STATISTIC_NAMES[statistic] ?? statistic;
}

interface Frame {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly x: (index: number) => number;
  readonly y: (value: number) => number;
}

type Side = 'upper' | 'lower';

/** σ of one side of a point, as rules.ts reads zones: a clamped LCL uses the upper-side σ. */
function sideSigma(p: ChartPoint, nsigmas: number, side: Side): number {
  const upper = (p.ucl - p.center) / nsigmas;
  if (side === 'upper') return upper;
  const lower = (p.center - p.lcl) / nsigmas;
  return clamped(p) ? upper : lower;
}

function clamped(p: ChartPoint): boolean {
  return p.lcl === 0 && p.center - p.lcl < p.ucl - p.center;
}

const finite = (...values: number[]): boolean => values.every((v) => Number.isFinite(v));

/**
 * A step path through per-point levels: a horizontal run over each point's slot, vertical joins where the level
 * changes, and a break (new subpath) where a level is not finite.
 */
function stepPath(points: readonly ChartPoint[], level: (p: ChartPoint) => number, frame: Frame): string {
  const parts: string[] = [];
  let previous: number | undefined;
  for (const p of points) {
    const value = level(p);
    if (!Number.isFinite(value)) {
      previous = undefined;
      continue;
    }
    const y = frame.y(value);
    const x0 = frame.x(p.index - 0.5);
    const x1 = frame.x(p.index + 0.5);
    if (previous === undefined) parts.push(`M${c(x0)} ${c(y)}`);
    else if (c(previous) !== c(y)) parts.push(`V${c(y)}`);
    parts.push(`H${c(x1)}`);
    previous = y;
  }
  return parts.join(' ');
}

/** A closed band between two per-point levels (outer edge forwards, inner edge backwards), stepped like the limits. */
function bandPath(
  points: readonly ChartPoint[],
  outer: (p: ChartPoint) => number,
  inner: (p: ChartPoint) => number,
  frame: Frame,
): string {
  const runs: ChartPoint[][] = [];
  let run: ChartPoint[] = [];
  for (const p of points) {
    const o = outer(p);
    const i = inner(p);
    if (finite(o, i) && o !== i) run.push(p);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs
    .map((r) => {
      const forward: string[] = [];
      for (const p of r) {
        const y = c(frame.y(outer(p)));
        forward.push(`${c(frame.x(p.index - 0.5))} ${y}`, `${c(frame.x(p.index + 0.5))} ${y}`);
      }
      const backward: string[] = [];
      for (const p of [...r].reverse()) {
        const y = c(frame.y(inner(p)));
        backward.push(`${c(frame.x(p.index + 0.5))} ${y}`, `${c(frame.x(p.index - 0.5))} ${y}`);
      }
      return `M${[...forward, ...backward].join(' L')} Z`;
    })
    .join(' ');
}

function checkSize(value: number | undefined, fallback: number, min: number, name: string): number {
  const size = value ?? fallback;
  if (!Number.isFinite(size) || size < min || size > 100_000) {
    throw new UserError(
      'invalid_input',
      `${name} must be a number of pixels between ${min} and 100000, got ${size}`,
    );
  }
  return size;
}

/** Values that set a chart's y range: statistic, limits, centre (finite only). */
function yExtent(chart: ControlChart): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const take = (v: number): void => {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  };
  for (const p of chart.points) {
    take(p.value);
    take(p.lcl);
    take(p.ucl);
    take(p.center);
  }
  take(chart.center);
  if (!Number.isFinite(lo)) return [0, 1];
  return [lo, hi];
}

interface PointStyle {
  readonly fill: string;
  readonly stroke: string;
  readonly kind: 'normal' | 'beyond' | 'rule' | 'excluded';
}

function pointStyle(p: ChartPoint): PointStyle {
  const beyond = p.outOfControl || p.violations.some((v) => isRuleOne(v.rule));
  const rule = !beyond && p.violations.length > 0;
  const color = beyond ? COLORS.red : rule ? COLORS.orange : COLORS.point;
  if (p.excluded)
    return { fill: '#ffffff', stroke: beyond || rule ? color : COLORS.excluded, kind: 'excluded' };
  return { fill: color, stroke: color, kind: beyond ? 'beyond' : rule ? 'rule' : 'normal' };
}

/** Index of the first phase II point that follows a phase I point, if the series switches phase. */
function phaseSwitches(points: readonly ChartPoint[]): number[] {
  const at: number[] = [];
  for (let k = 1; k < points.length; k++) {
    const before = points[k - 1];
    const here = points[k];
    if (before !== undefined && here !== undefined && (before.phase ?? 'I') === 'I' && here.phase === 'II') {
      at.push(here.index);
    }
  }
  return at;
}

/** X ticks: whole point indices at a nice step, few enough that their labels fit. */
function xTicks(minIndex: number, maxIndex: number, width: number, label: (i: number) => string): number[] {
  let longest = 1;
  for (let i = minIndex; i <= maxIndex; i++) longest = Math.max(longest, label(i).length);
  const fit = Math.max(1, Math.floor(width / (longest * 7 + 14)));
  const span = maxIndex - minIndex + 1;
  const step = Math.max(1, Math.ceil(niceNumber(Math.max(1, span / Math.min(fit, 12)), true)));
  const ticks: number[] = [];
  // Start at a label that is a multiple of the step in 1-based numbering (1, 5, 10, … reads better than 0, 4, 9).
  const first = step === 1 ? minIndex : Math.max(minIndex, Math.ceil((minIndex + 1) / step) * step - 1);
  if (first > minIndex && step > 1) ticks.push(minIndex);
  for (let i = first; i <= maxIndex; i += step) if (!ticks.includes(i)) ticks.push(i);
  return ticks;
}

/** Right-margin labels spread apart so they never overlap (at least `gap` px between baselines). */
function spreadLabels(
  items: { y: number; text: string; color: string }[],
  gap: number,
  top: number,
  bottom: number,
) {
  const sorted = [...items].sort((a, b) => a.y - b.y);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1];
    const cur = sorted[k];
    if (prev !== undefined && cur !== undefined && cur.y - prev.y < gap) cur.y = prev.y + gap;
  }
  const last = sorted[sorted.length - 1];
  if (last !== undefined && last.y > bottom) {
    const shift = last.y - bottom;
    for (const item of sorted) item.y -= shift;
  }
  const firstItem = sorted[0];
  if (firstItem !== undefined && firstItem.y < top) {
    const shift = top - firstItem.y;
    for (const item of sorted) item.y += shift;
  }
  return sorted;
}

function renderChart(
  chart: ControlChart,
  offsetY: number,
  width: number,
  height: number,
  xDomain: readonly [number, number],
  label: (i: number) => string,
  unit: string | undefined,
): string {
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = offsetY + MARGIN.top;
  const bottom = offsetY + height - MARGIN.bottom;
  const [lo, hi] = yExtent(chart);
  const pad = (hi - lo) * 0.06;
  // A non-negative statistic (R, S, MR, counts, rates) keeps 0 as the floor of its axis.
  const floor = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  const ticks = niceTicks(floor, hi + pad, Math.max(2, Math.round((bottom - top) / 55)));
  const [x0, x1] = xDomain;
  const frame: Frame = {
    left,
    right,
    top,
    bottom,
    x: (i) => left + ((i - (x0 - 0.5)) / (x1 - x0 + 1)) * (right - left),
    y: (v) => bottom - ((v - ticks.min) / (ticks.max - ticks.min)) * (bottom - top),
  };
  const points = chart.points;
  const nsigmas = chart.nsigmas > 0 && Number.isFinite(chart.nsigmas) ? chart.nsigmas : 3;
  const name = statisticName(chart.statistic);
  const out: string[] = [];
  out.push(`<g class="chart" data-statistic="${escapeXml(chart.statistic)}">`);
  out.push(
    `<text x="${c(left)}" y="${c(offsetY + 22)}" font-size="15" font-weight="600" fill="${COLORS.text}">${escapeXml(`${name} chart`)}</text>`,
  );
  // Grid and y axis.
  out.push(`<g class="grid" stroke="${COLORS.grid}" stroke-width="1">`);
  for (const t of ticks.ticks)
    out.push(`<line x1="${c(left)}" y1="${c(frame.y(t))}" x2="${c(right)}" y2="${c(frame.y(t))}"/>`);
  out.push('</g>');

  // Zone bands (C: centre to 1σ, B: 1σ to 2σ, A: 2σ to the limit), per point, on each side.
  const level = (p: ChartPoint, side: Side, k: number): number => {
    const sigma = sideSigma(p, nsigmas, side);
    const v = side === 'upper' ? p.center + k * sigma : p.center - k * sigma;
    // A clamped LCL: the lower bands stop at 0 (nothing is drawn below it).
    return side === 'lower' && clamped(p) ? Math.max(0, v) : v;
  };
  const limitOf = (p: ChartPoint, side: Side): number => (side === 'upper' ? p.ucl : p.lcl);
  out.push('<g class="zones" stroke="none">');
  for (const side of ['upper', 'lower'] as const) {
    const bands: [string, string, (p: ChartPoint) => number, (p: ChartPoint) => number][] = [
      ['C', COLORS.zoneC, (p) => level(p, side, 1), (p) => p.center],
      ['B', COLORS.zoneB, (p) => level(p, side, 2), (p) => level(p, side, 1)],
      ['A', COLORS.zoneA, (p) => limitOf(p, side), (p) => level(p, side, 2)],
    ];
    for (const [zone, color, outer, inner] of bands) {
      const d = bandPath(points, outer, inner, frame);
      if (d !== '')
        out.push(`<path class="zone zone-${zone}" data-side="${side}" fill="${color}" d="${d}"/>`);
    }
  }
  out.push('</g>');

  // Axes.
  out.push(`<g class="axes" stroke="${COLORS.axis}" stroke-width="1" fill="none">`);
  out.push(`<path d="M${c(left)} ${c(top)} V${c(bottom)} H${c(right)}"/>`);
  for (const t of ticks.ticks)
    out.push(`<line x1="${c(left - 5)}" y1="${c(frame.y(t))}" x2="${c(left)}" y2="${c(frame.y(t))}"/>`);
  const xt = xTicks(x0, x1, right - left, label);
  for (const i of xt)
    out.push(`<line x1="${c(frame.x(i))}" y1="${c(bottom)}" x2="${c(frame.x(i))}" y2="${c(bottom + 5)}"/>`);
  out.push('</g>');
  out.push(`<g class="tick-labels" font-size="11" fill="${COLORS.axis}">`);
  for (const t of ticks.ticks) {
    out.push(
      `<text x="${c(left - 8)}" y="${c(frame.y(t) + 4)}" text-anchor="end">${escapeXml(t.toFixed(ticks.decimals))}</text>`,
    );
  }
  for (const i of xt) {
    out.push(
      `<text x="${c(frame.x(i))}" y="${c(bottom + 18)}" text-anchor="middle">${escapeXml(label(i))}</text>`,
    );
  }
  out.push('</g>');
  const yLabel =
    unit !== undefined && unit !== '' && UNIT_STATISTICS.has(chart.statistic) ? `${name} (${unit})` : name;
  const yMid = (top + bottom) / 2;
  out.push(
    `<text class="y-label" x="${c(20)}" y="${c(yMid)}" transform="rotate(-90 ${c(20)} ${c(yMid)})" text-anchor="middle" font-size="13" fill="${COLORS.text}">${escapeXml(yLabel)}</text>`,
  );

  // Centre and limit lines (steps where the limits vary by point).
  const lines: [string, string, string, (p: ChartPoint) => number][] = [
    ['center', COLORS.center, '', (p) => p.center],
    ['ucl', COLORS.limit, ' stroke-dasharray="6 3"', (p) => p.ucl],
    ['lcl', COLORS.limit, ' stroke-dasharray="6 3"', (p) => p.lcl],
  ];
  for (const [cls, color, dash, at] of lines) {
    const d = stepPath(points, at, frame);
    if (d !== '') {
      out.push(`<path class="${cls}" fill="none" stroke="${color}" stroke-width="1.4"${dash} d="${d}"/>`);
    }
  }

  // Phase II separators.
  for (const index of phaseSwitches(points)) {
    const x = frame.x(index - 0.5);
    out.push(
      `<line class="phase-separator" x1="${c(x)}" y1="${c(top)}" x2="${c(x)}" y2="${c(bottom)}" stroke="${COLORS.axis}" stroke-width="1.2" stroke-dasharray="4 4"/>`,
    );
    out.push(
      `<text class="phase-label" x="${c(x + 5)}" y="${c(top + 12)}" font-size="11" font-style="italic" fill="${COLORS.axis}">Phase II</text>`,
    );
  }

  // The statistic: a line (broken at non-finite values) and one marker per point.
  const segments: string[] = [];
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.value)) {
      pen = false;
      continue;
    }
    segments.push(`${pen ? 'L' : 'M'}${c(frame.x(p.index))} ${c(frame.y(p.value))}`);
    pen = true;
  }
  if (segments.length > 0) {
    out.push(
      `<path class="statistic" fill="none" stroke="${COLORS.line}" stroke-width="1.5" d="${segments.join(' ')}"/>`,
    );
  }
  out.push('<g class="points">');
  const ruleTexts: string[] = [];
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const style = pointStyle(p);
    const x = frame.x(p.index);
    const y = frame.y(p.value);
    const rules = p.violations.filter((v) => !isRuleOne(v.rule));
    const tip = [
      `${label(p.index)}: ${formatSignificant(p.value)}`,
      ...(p.outOfControl ? ['beyond the control limits'] : []),
      ...p.violations.map((v) => `${v.rule}: ${v.description}`),
      ...(p.excluded ? ['excluded from the limits'] : []),
    ].join('\n');
    out.push(
      `<circle class="point ${style.kind}" data-index="${p.index}" cx="${c(x)}" cy="${c(y)}" r="3.6" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${style.kind === 'excluded' ? 1.6 : 1}"><title>${escapeXml(tip)}</title></circle>`,
    );
    if (rules.length > 0) {
      const text = [...new Set(rules.map((v) => ruleLabel(v.rule)))].join(',');
      const above = y - 8 > top + 4;
      // Near the plot's edges the label is anchored inside, clear of the axis and the right-margin labels.
      const anchor = x > right - 14 ? 'end' : x < left + 14 ? 'start' : 'middle';
      out.push(
        `<text class="rule-label" x="${c(x)}" y="${c(above ? y - 8 : y + 16)}" text-anchor="${anchor}" font-size="10" font-weight="600" fill="${COLORS.orange}">${escapeXml(text)}</text>`,
      );
      ruleTexts.push(text);
    }
  }
  out.push('</g>');

  // Limit labels in the right margin, at the last point's limits (the nominal ones if there are no points).
  const last = points[points.length - 1];
  const limits = last ?? chart.limits;
  const labels = [
    { text: `UCL ${formatSignificant(limits.ucl)}`, value: limits.ucl, color: COLORS.limit },
    { text: `CL ${formatSignificant(limits.center)}`, value: limits.center, color: COLORS.center },
    { text: `LCL ${formatSignificant(limits.lcl)}`, value: limits.lcl, color: COLORS.limit },
  ]
    .filter((l) => Number.isFinite(l.value))
    .map((l) => ({ y: frame.y(l.value) + 4, text: l.text, color: l.color }));
  out.push('<g class="limit-labels" font-size="12">');
  for (const l of spreadLabels(labels, 13, top + 4, bottom + 4)) {
    out.push(`<text x="${c(right + 6)}" y="${c(l.y)}" fill="${l.color}">${escapeXml(l.text)}</text>`);
  }
  out.push('</g>');
  out.push('</g>');
  return out.join('\n');
}

function renderLegend(y: number, width: number): string {
  const items: [string, string][] = [
    ['statistic', 'Statistic'],
    ['center', 'Centre line'],
    ['limit', 'Control limits'],
    ['zones', '±1σ / ±2σ zones'],
    ['beyond', 'Beyond limits'],
    ['rule', 'Run rule (test no.)'],
    ['excluded', 'Excluded'],
  ];
  const out: string[] = [`<g class="legend" font-size="11" fill="${COLORS.text}">`];
  const widths = items.map(([, text]) => 30 + text.length * 6.3 + 14);
  const total = widths.reduce((a, b) => a + b, 0);
  let x = Math.max(8, (width - total) / 2);
  items.forEach(([kind, text], k) => {
    const cy = y + 12;
    const sym = (() => {
      switch (kind) {
        case 'statistic':
          return `<line x1="${c(x)}" y1="${c(cy)}" x2="${c(x + 22)}" y2="${c(cy)}" stroke="${COLORS.line}" stroke-width="1.5"/><circle class="legend-marker" cx="${c(x + 11)}" cy="${c(cy)}" r="3.6" fill="${COLORS.point}"/>`;
        case 'center':
          return `<line x1="${c(x)}" y1="${c(cy)}" x2="${c(x + 22)}" y2="${c(cy)}" stroke="${COLORS.center}" stroke-width="1.4"/>`;
        case 'limit':
          return `<line x1="${c(x)}" y1="${c(cy)}" x2="${c(x + 22)}" y2="${c(cy)}" stroke="${COLORS.limit}" stroke-width="1.4" stroke-dasharray="6 3"/>`;
        case 'zones':
          return `<rect x="${c(x)}" y="${c(cy - 7)}" width="7.33" height="14" fill="${COLORS.zoneC}"/><rect x="${c(x + 7.33)}" y="${c(cy - 7)}" width="7.33" height="14" fill="${COLORS.zoneB}"/><rect x="${c(x + 14.67)}" y="${c(cy - 7)}" width="7.33" height="14" fill="${COLORS.zoneA}"/>`;
        case 'beyond':
          return `<circle class="legend-marker" cx="${c(x + 11)}" cy="${c(cy)}" r="3.6" fill="${COLORS.red}"/>`;
        case 'rule':
          return `<circle class="legend-marker" cx="${c(x + 11)}" cy="${c(cy)}" r="3.6" fill="${COLORS.orange}"/>`;
        default:
          return `<circle class="legend-marker" cx="${c(x + 11)}" cy="${c(cy)}" r="3.6" fill="#ffffff" stroke="${COLORS.excluded}" stroke-width="1.6"/>`;
      }
    })();
    out.push(sym, `<text x="${c(x + 28)}" y="${c(cy + 4)}">${escapeXml(text)}</text>`);
    x += widths[k] ?? 0;
  });
  out.push('</g>');
  return out.join('\n');
}

/**
 * One SVG document drawing `charts` stacked vertically (e.g. `[xbar, r]` from `xbarRChart`). Points are placed by
 * their `index`, so charts of one data set line up (the MR chart's first point sits under the I chart's second).
 * @example renderControlChartSvg([xbar, r], { title: 'Piston rings', unit: 'mm' }).startsWith('<svg') // true
 */
export function renderControlChartSvg(
  charts: readonly ControlChart[],
  options: ControlChartSvgOptions = {},
): string {
  const given: unknown = charts;
  if (!Array.isArray(given) || charts.length === 0) {
    throw new UserError('invalid_input', 'at least one control chart is needed to render');
  }
  const width = checkSize(options.width, 960, 320, 'width');
  const heightPerChart = checkSize(options.heightPerChart, 320, 140, 'heightPerChart');
  const labels = options.labels;
  const label = (i: number): string => labels?.[i] ?? String(i + 1);
  let minIndex = Number.POSITIVE_INFINITY;
  let maxIndex = Number.NEGATIVE_INFINITY;
  for (const chart of charts) {
    for (const p of chart.points) {
      if (Number.isFinite(p.index)) {
        minIndex = Math.min(minIndex, p.index);
        maxIndex = Math.max(maxIndex, p.index);
      }
    }
  }
  if (!Number.isFinite(minIndex)) {
    minIndex = 0;
    maxIndex = 0;
  }
  const title = options.title;
  const titleHeight = title !== undefined && title !== '' ? TITLE_HEIGHT : 8;
  const height = titleHeight + charts.length * heightPerChart + LEGEND_HEIGHT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" role="img">`,
  ];
  const names = charts.map((ch) => statisticName(ch.statistic)).join('-');
  out.push(
    `<title>${escapeXml(title !== undefined && title !== '' ? title : `${names} control chart`)}</title>`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined && title !== '') {
    out.push(
      `<text class="title" x="${c(width / 2)}" y="24" text-anchor="middle" font-size="17" font-weight="700" fill="${COLORS.text}">${escapeXml(title)}</text>`,
    );
  }
  charts.forEach((chart, k) => {
    out.push(
      renderChart(
        chart,
        titleHeight + k * heightPerChart,
        width,
        heightPerChart,
        [minIndex, maxIndex],
        label,
        options.unit,
      ),
    );
  });
  out.push(renderLegend(titleHeight + charts.length * heightPerChart, width));
  out.push('</svg>');
  return out.join('\n');
}
