/**
 * Renders a capability study (capability.ts) as one self-contained SVG: a histogram of the values with the fitted
 * normal curves (overall σ solid, within σ dashed), the LSL/USL lines and the target, and a panel with the indices,
 * their confidence intervals, PPM and the normality test. Pure and deterministic, like plot.ts, whose helpers it uses.
 */
import { UserError } from '../../domain/errors.js';
import type { CapabilityResult, CapabilitySpec, Interval } from './capability.js';
import { normalPdf } from './normal.js';
import {
  coordinate as c,
  svgHead,
  plotSize,
  CHAR_PX,
  PLOT_COLORS,
  escapeXml,
  formatSignificant,
  niceTicks,
} from './svg.js';

export interface CapabilitySvgOptions {
  /** Document title (default "Process capability"). */
  readonly title?: string;
  /** Unit of the variable, added to the x label. */
  readonly unit?: string;
  /** Width of the document in px (default 960). */
  readonly width?: number;
  /** Height of the document in px (default 520). */
  readonly height?: number;
}

const COLORS = {
  ...PLOT_COLORS,
  bar: '#9ecae1',
  barStroke: '#3a78a8',
  overall: PLOT_COLORS.blue,
  within: PLOT_COLORS.orange,
  spec: PLOT_COLORS.red,
  target: PLOT_COLORS.green,
  panel: '#f7f7f7',
} as const;
const MARGIN = { left: 70, right: 280, top: 76, bottom: 92 } as const;
/** Right edge of the panel's value column, from the panel's left. */
const VALUE_COLUMN = 130;
/** Left edge of the panel's third column (intervals, how σ was estimated). */
const EXTRA_COLUMN = 140;
/** Points on each fitted curve. */
const CURVE_POINTS = 160;

export interface HistogramBin {
  /** Inclusive lower edge; the last bin also holds its upper edge. */
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/**
 * Histogram with a nice bin width: about Sturges' ⌈log₂ n⌉ + 1 bins (Sturges 1926), rounded to a 1-2-5 width.
 * @example histogram([1, 2, 2, 3]).map((b) => b.count) // [1, 0, 2, 0, 1] (bins of 0.5 from 1 to 3.5)
 */
export function histogram(values: readonly number[]): HistogramBin[] {
  if (values.length === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const { step } = niceTicks(lo, hi, Math.ceil(Math.log2(values.length)) + 1);
  const start = Math.floor(lo / step + 1e-9) * step;
  const count = Math.max(1, Math.floor((hi - start) / step + 1e-9) + 1);
  const counts = new Array<number>(count).fill(0);
  for (const v of values) {
    const k = Math.min(count - 1, Math.max(0, Math.floor((v - start) / step + 1e-9)));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts.map((n, k) => ({ from: start + k * step, to: start + (k + 1) * step, count: n }));
}

/** Labels along one row spread apart so that none overlaps the next (text width estimated per character). */
function spreadRow(items: { x: number; text: string }[], left: number, right: number) {
  const width = (t: string) => t.length * CHAR_PX + 8;
  const sorted = [...items].sort((a, b) => a.x - b.x);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1];
    const cur = sorted[k];
    if (prev === undefined || cur === undefined) continue;
    const gap = (width(prev.text) + width(cur.text)) / 2;
    if (cur.x - prev.x < gap) cur.x = prev.x + gap;
  }
  const last = sorted[sorted.length - 1];
  if (last !== undefined && last.x + width(last.text) / 2 > right) {
    const shift = last.x + width(last.text) / 2 - right;
    for (const item of sorted) item.x -= shift;
  }
  const first = sorted[0];
  if (first !== undefined && first.x - width(first.text) / 2 < left) {
    const shift = left - (first.x - width(first.text) / 2);
    for (const item of sorted) item.x += shift;
  }
  return sorted;
}

/** A limit as typed: 6 significant figures without trailing zeros (73.95, not 73.9500). */
const short = (v: number): string => String(Number(v.toPrecision(6)));
const index = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(3));
const interval = (i: Interval | undefined): string =>
  i === undefined ? '' : `[${i.lower.toFixed(2)}, ${i.upper.toFixed(2)}]`;
const ppm = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The text lines of the right-hand panel: [label, value, interval]. */
function panelLines(r: CapabilityResult): Array<readonly [string, string, string]> {
  return [
    ['n', String(r.n), ''],
    ['Mean', formatSignificant(r.mean), ''],
    ['σ within', formatSignificant(r.sigmaWithin, 4), r.sigmaWithinSource],
    ['σ overall', formatSignificant(r.sigmaOverall, 4), ''],
    ['', '', `${Math.round(r.confidence * 100)} % CI`],
    ['Cp', index(r.cp), interval(r.cpInterval)],
    ['Cpk', index(r.cpk), interval(r.cpkInterval)],
    ['Pp', index(r.pp), interval(r.ppInterval)],
    ['Ppk', index(r.ppk), interval(r.ppkInterval)],
    ['Cpm', index(r.cpm), ''],
    ['', '', ''],
    ['PPM expected (within)', ppm(r.expectedPpmWithin.total), ''],
    ['PPM expected (overall)', ppm(r.expectedPpmOverall.total), ''],
    ['PPM observed', ppm(r.observedPpm.total), ''],
    [
      'Anderson–Darling',
      r.normality === undefined
        ? 'n < 8'
        : r.normality.pValue < 0.001
          ? 'p < 0.001'
          : `p = ${r.normality.pValue.toFixed(3)}`,
      '',
    ],
  ];
}

/**
 * One SVG document: the histogram of `values` with the normal curves of `result` and the limits of `spec`.
 * @example renderCapabilitySvg(values, capability(values, spec), spec, { unit: 'mm' }).includes('class="spec lsl"')
 */
export function renderCapabilitySvg(
  values: readonly number[],
  result: CapabilityResult,
  spec: CapabilitySpec,
  options: CapabilitySvgOptions = {},
): string {
  const { width, height } = plotSize(options, { width: 960, height: 520 }, { width: 480, height: 300 });
  if (values.length === 0 || !values.every(Number.isFinite)) {
    throw new UserError('invalid_input', 'a capability plot needs finite values');
  }
  const bins = histogram(values);
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const sigmas = [result.sigmaOverall, result.sigmaWithin];
  const widest = Math.max(...sigmas);
  const firstBin = bins[0];
  const lastBin = bins[bins.length - 1];
  const lows = [firstBin?.from ?? result.mean, result.mean - 3.5 * widest];
  const highs = [lastBin?.to ?? result.mean, result.mean + 3.5 * widest];
  for (const v of [spec.lsl, spec.usl, spec.target]) {
    if (v !== undefined && Number.isFinite(v)) {
      lows.push(v);
      highs.push(v);
    }
  }
  const xRange = Math.max(...highs) - Math.min(...lows);
  const xTicks = niceTicks(Math.min(...lows) - xRange * 0.03, Math.max(...highs) + xRange * 0.03, 8);
  const x = (v: number): number => left + ((v - xTicks.min) / (xTicks.max - xTicks.min)) * (right - left);
  const binWidth = firstBin === undefined ? 1 : firstBin.to - firstBin.from;
  const density = (v: number, sigma: number): number =>
    (normalPdf((v - result.mean) / sigma) / sigma) * values.length * binWidth;
  const peak = Math.max(...bins.map((b) => b.count), ...sigmas.map((s) => density(result.mean, s)));
  const yTicks = niceTicks(0, peak * 1.05, 5);
  const y = (v: number): number => bottom - (v / yTicks.max) * (bottom - top);

  const title = options.title !== undefined && options.title !== '' ? options.title : 'Process capability';
  const out = svgHead(width, height, title);

  out.push(`<g class="grid" stroke="${COLORS.grid}" stroke-width="1">`);
  for (const t of yTicks.ticks)
    out.push(`<line x1="${c(left)}" y1="${c(y(t))}" x2="${c(right)}" y2="${c(y(t))}"/>`);
  out.push('</g>');

  out.push(`<g class="histogram" fill="${COLORS.bar}" stroke="${COLORS.barStroke}" stroke-width="1">`);
  for (const b of bins) {
    if (b.count === 0) continue;
    out.push(
      `<rect x="${c(x(b.from))}" y="${c(y(b.count))}" width="${c(x(b.to) - x(b.from))}" height="${c(bottom - y(b.count))}"><title>${escapeXml(`${formatSignificant(b.from)} – ${formatSignificant(b.to)}: ${b.count}`)}</title></rect>`,
    );
  }
  out.push('</g>');

  const curve = (sigma: number): string => {
    const parts: string[] = [];
    for (let k = 0; k <= CURVE_POINTS; k++) {
      const v = xTicks.min + ((xTicks.max - xTicks.min) * k) / CURVE_POINTS;
      parts.push(`${k === 0 ? 'M' : 'L'}${c(x(v))} ${c(y(density(v, sigma)))}`);
    }
    return parts.join(' ');
  };
  out.push(
    `<path class="curve overall" fill="none" stroke="${COLORS.overall}" stroke-width="2" d="${curve(result.sigmaOverall)}"/>`,
    `<path class="curve within" fill="none" stroke="${COLORS.within}" stroke-width="2" stroke-dasharray="7 4" d="${curve(result.sigmaWithin)}"/>`,
  );

  // Axes, ticks and labels.
  out.push(`<g class="axes" stroke="${COLORS.axis}" stroke-width="1" fill="none">`);
  out.push(`<path d="M${c(left)} ${c(top)} V${c(bottom)} H${c(right)}"/>`);
  for (const t of yTicks.ticks)
    out.push(`<line x1="${c(left - 5)}" y1="${c(y(t))}" x2="${c(left)}" y2="${c(y(t))}"/>`);
  for (const t of xTicks.ticks)
    out.push(`<line x1="${c(x(t))}" y1="${c(bottom)}" x2="${c(x(t))}" y2="${c(bottom + 5)}"/>`);
  out.push('</g>');
  out.push(`<g class="tick-labels" font-size="11" fill="${COLORS.axis}">`);
  for (const t of yTicks.ticks) {
    out.push(
      `<text x="${c(left - 8)}" y="${c(y(t) + 4)}" text-anchor="end">${escapeXml(t.toFixed(yTicks.decimals))}</text>`,
    );
  }
  for (const t of xTicks.ticks) {
    out.push(
      `<text x="${c(x(t))}" y="${c(bottom + 18)}" text-anchor="middle">${escapeXml(t.toFixed(xTicks.decimals))}</text>`,
    );
  }
  out.push('</g>');
  const unit = options.unit !== undefined && options.unit !== '' ? ` (${options.unit})` : '';
  const yMid = (top + bottom) / 2;
  out.push(
    `<text class="x-label" x="${c((left + right) / 2)}" y="${c(bottom + 38)}" text-anchor="middle" font-size="13" fill="${COLORS.text}">${escapeXml(`Value${unit}`)}</text>`,
    `<text class="y-label" x="20" y="${c(yMid)}" transform="rotate(-90 20 ${c(yMid)})" text-anchor="middle" font-size="13" fill="${COLORS.text}">Count</text>`,
  );

  // Specification limits and target: full-height lines, labelled in a row above the plot.
  const marks: { cls: string; value: number; label: string; color: string; dash: string }[] = [];
  if (spec.lsl !== undefined)
    marks.push({ cls: 'spec lsl', value: spec.lsl, label: 'LSL', color: COLORS.spec, dash: '6 3' });
  if (spec.target !== undefined)
    marks.push({ cls: 'target', value: spec.target, label: 'Target', color: COLORS.target, dash: '2 3' });
  if (spec.usl !== undefined)
    marks.push({ cls: 'spec usl', value: spec.usl, label: 'USL', color: COLORS.spec, dash: '6 3' });
  const labels = spreadRow(
    marks.map((m) => ({ x: x(m.value), text: `${m.label} ${short(m.value)}` })),
    left - 30,
    right + 30,
  );
  marks.forEach((m, k) => {
    out.push(
      `<line class="${m.cls}" x1="${c(x(m.value))}" y1="${c(top - 6)}" x2="${c(x(m.value))}" y2="${c(bottom)}" stroke="${m.color}" stroke-width="1.6" stroke-dasharray="${m.dash}"/>`,
    );
    const label = labels.find((l) => l.text === `${m.label} ${short(m.value)}`) ?? labels[k];
    if (label !== undefined) {
      out.push(
        `<text class="${m.cls}-label" x="${c(label.x)}" y="${c(top - 12)}" text-anchor="middle" font-size="12" font-weight="600" fill="${m.color}">${escapeXml(label.text)}</text>`,
      );
    }
  });

  // The panel of numbers.
  const panelX = right + 24;
  const lines = panelLines(result);
  const lineHeight = 18;
  out.push(
    `<rect class="panel" x="${c(panelX - 10)}" y="${c(top - 6)}" width="${c(width - panelX - 4)}" height="${c(lines.length * lineHeight + 12)}" fill="${COLORS.panel}" stroke="${COLORS.grid}"/>`,
  );
  out.push(`<g class="indices" font-size="12" fill="${COLORS.text}">`);
  lines.forEach(([label, value, extra], k) => {
    const ly = top + 10 + k * lineHeight;
    if (label !== '') out.push(`<text x="${c(panelX)}" y="${c(ly)}">${escapeXml(label)}</text>`);
    // Values line up in a column; those of the long labels (PPM, normality) line up at the panel's right edge.
    const long = label.length > 10 || label.length * 7 + value.length * 7.5 + 10 > VALUE_COLUMN;
    if (value !== '') {
      out.push(
        `<text x="${c(long ? width - 16 : panelX + VALUE_COLUMN)}" y="${c(ly)}" text-anchor="end" font-weight="600">${escapeXml(value)}</text>`,
      );
    }
    if (extra !== '') {
      out.push(
        `<text x="${c(panelX + EXTRA_COLUMN)}" y="${c(ly)}" fill="${COLORS.axis}">${escapeXml(extra)}</text>`,
      );
    }
  });
  out.push('</g>');

  // Legend under the x label.
  const items: Array<[string, string]> = [
    ['bar', 'Histogram'],
    ['overall', 'Normal, overall σ'],
    ['within', 'Normal, within σ'],
    ['spec', 'Spec limits'],
    ...(spec.target === undefined ? [] : ([['target', 'Target']] as Array<[string, string]>)),
  ];
  const legendY = height - 24;
  const itemWidths = items.map(([, text]) => 34 + text.length * CHAR_PX + 18);
  let lx = Math.max(8, (right + left - itemWidths.reduce((a, b) => a + b, 0)) / 2);
  out.push(`<g class="legend" font-size="11" fill="${COLORS.text}">`);
  items.forEach(([kind, text], k) => {
    const symbol =
      kind === 'bar'
        ? `<rect x="${c(lx)}" y="${c(legendY - 7)}" width="22" height="12" fill="${COLORS.bar}" stroke="${COLORS.barStroke}"/>`
        : `<line x1="${c(lx)}" y1="${c(legendY)}" x2="${c(lx + 22)}" y2="${c(legendY)}" stroke="${
            kind === 'overall'
              ? COLORS.overall
              : kind === 'within'
                ? COLORS.within
                : kind === 'spec'
                  ? COLORS.spec
                  : COLORS.target
          }" stroke-width="2"${kind === 'within' ? ' stroke-dasharray="7 4"' : kind === 'spec' ? ' stroke-dasharray="6 3"' : kind === 'target' ? ' stroke-dasharray="2 3"' : ''}/>`;
    out.push(symbol, `<text x="${c(lx + 28)}" y="${c(legendY + 4)}">${escapeXml(text)}</text>`);
    lx += itemWidths[k] ?? 0;
  });
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}
