/**
 * A Gantt chart as one self-contained SVG document: a lane per machine, a bar per operation coloured by its group
 * (usually the job), setup times and unavailable windows hatched, the makespan and "now" marked, moved and added
 * bars outlined, a time axis with nice ticks (plain numbers or UTC clock times) and a legend. Pure and
 * deterministic: the same chart gives the same bytes. Independent of the solver: any schedule maps onto it.
 */
import { UserError } from '../../domain/errors.js';
import {
  CHAR_PX,
  PLOT_COLORS,
  coordinate as c,
  escapeXml,
  niceTicks,
  plotSize,
  svgHead,
} from '../quality/svg.js';

export type GanttBarState = 'planned' | 'running' | 'done' | 'moved' | 'added';

export interface GanttBar {
  /** The id of the row (machine) the bar lies in. */
  readonly row: string;
  readonly start: number;
  readonly end: number;
  /** Drawn inside the bar when it fits (e.g. the job id). */
  readonly label?: string;
  /** Colour key: bars of one group share a colour (e.g. the job). */
  readonly group: string;
  /** Time units before `start` taken by a setup, drawn hatched in the group's colour. */
  readonly setup?: number;
  /** Shown on hover; default "label (group) on row: start–end". */
  readonly tooltip?: string;
  /** Done bars are faded, running ones framed; moved (dashed) and added (solid) bars are outlined. */
  readonly state?: GanttBarState;
}

export interface GanttWindow {
  readonly row: string;
  readonly start: number;
  readonly end: number;
  readonly label?: string;
}

export interface GanttChart {
  readonly title?: string;
  /** One lane per row, top to bottom in this order. */
  readonly rows: readonly { readonly id: string; readonly label: string }[];
  readonly bars: readonly GanttBar[];
  /** Windows a row cannot work (down, maintenance, closed), greyed and hatched. */
  readonly unavailable?: readonly GanttWindow[];
  /** The current time, drawn as a vertical line. */
  readonly now?: number;
  /** The unit of every time here ('ms', 's', 'min', 'h', 'd' for a clock axis; any word otherwise). */
  readonly timeUnit?: string;
  /** Epoch ms of time 0: the axis then shows UTC clock times (`timeUnit` defaults to 'min'). */
  readonly origin?: number;
  /** Document width in px (default 1200). */
  readonly width?: number;
}

/**
 * A qualitative palette: Tableau 10 (Stone, Tableau Software 2016) with its grey replaced by D3's olive, so that no
 * job looks like an unavailable window. Beyond ten groups the colours repeat with a pattern drawn over them.
 */
export const GANTT_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bcbd22',
] as const;

/** Overlays that tell apart groups that share a colour: none, stripes, dots, cross-hatch, horizontal lines. */
const OVERLAYS = [
  '',
  '<path d="M0 8L8 0" stroke="#ffffff" stroke-opacity="0.75" stroke-width="2"/>',
  '<circle cx="4" cy="4" r="1.6" fill="#ffffff" fill-opacity="0.8"/>',
  '<path d="M0 0L8 8M0 8L8 0" stroke="#ffffff" stroke-opacity="0.7" stroke-width="1.2"/>',
  '<path d="M0 4H8" stroke="#ffffff" stroke-opacity="0.75" stroke-width="2"/>',
] as const;

const TOP = 62;
const LANE = 30;
const BAR = 20;
const RIGHT = 28;
const LEGEND_ROW = 20;
const BAR_FONT_PX = 11;
const DONE_OPACITY = 0.45;
/** Estimated width of one character of 11 px bold DejaVu Sans. */
const BOLD_CHAR_PX = 7.3;
/** Most legend entries for groups; more are summarised in one "+N more" entry. */
const MAX_LEGEND_GROUPS = 60;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1e3, min: 6e4, h: 3.6e6, d: 8.64e7 };
/** Clock tick steps in ms: seconds, minutes, hours, days, a week. */
const CLOCK_STEPS = [1, 2, 5, 10, 15, 30]
  .flatMap((k) => [k * 1e3, k * 6e4])
  .concat(
    [1, 2, 3, 6, 12].map((k) => k * 3.6e6),
    [1, 2, 7].map((k) => k * 8.64e7),
  );

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly { readonly value: number; readonly text: string }[];
  readonly title: string;
}

/** A time as short text: integers as they are, other values to 3 decimals without trailing zeros. */
function timeText(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** The number axis: Heckbert's nice ticks, the domain rounded out to whole steps. */
function numberAxis(lo: number, hi: number, count: number, unit: string | undefined): Axis {
  const t = niceTicks(lo, hi, count);
  return {
    min: t.min,
    max: t.max,
    ticks: t.ticks.map((value) => ({ value, text: value.toFixed(t.decimals) })),
    title: unit === undefined ? 'time' : `time (${unit})`,
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The clock axis: ticks on whole clock steps (00:15, 01:00, midnight), dates where the day changes. */
function clockAxis(lo: number, end: number, count: number, origin: number, unitMs: number): Axis {
  // A little room after the last end, so that the makespan line does not fall on the frame.
  const hi = end > lo ? end + (end - lo) * 0.02 : lo + 1;
  const fromMs = origin + lo * unitMs;
  const toMs = origin + hi * unitMs;
  const step = CLOCK_STEPS.find((s) => s >= (toMs - fromMs) / count) ?? 7 * 8.64e7;
  const ticks: { value: number; text: string }[] = [];
  let lastDay = '';
  for (let ms = Math.ceil(fromMs / step) * step; ms <= toMs; ms += step) {
    const d = new Date(ms);
    const day = `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    const clock = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}${step < 6e4 ? `:${pad2(d.getUTCSeconds())}` : ''}`;
    const text = step >= 8.64e7 ? day : day !== lastDay ? `${day} ${clock}` : clock;
    lastDay = day;
    ticks.push({ value: (ms - origin) / unitMs, text });
  }
  const year = new Date(fromMs).getUTCFullYear();
  return { min: lo, max: hi, ticks, title: `time (UTC, ${year})` };
}

/** sRGB relative luminance (WCAG 2.1) of a #rrggbb colour, to pick dark or white text on it. */
function luminance(hex: string): number {
  const channel = (k: number) => {
    const v = parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** A #rrggbb colour as it looks at the opacity of a done bar (0.45) over white. */
function fade(hex: string): string {
  const mix = (k: number) =>
    Math.round(parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16) * DONE_OPACITY + 255 * (1 - DONE_OPACITY));
  return `#${[0, 1, 2].map((k) => mix(k).toString(16).padStart(2, '0')).join('')}`;
}

/** Text cut to `maxPx` (estimated), with an ellipsis when cut. */
function fit(text: string, maxPx: number, charPx: number): string {
  const room = Math.floor(maxPx / charPx);
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function check(chart: GanttChart): void {
  const ids = new Set<string>();
  for (const row of chart.rows) {
    if (ids.has(row.id)) throw new UserError('invalid_input', `Gantt row "${row.id}" appears twice`);
    ids.add(row.id);
  }
  if (ids.size === 0) throw new UserError('invalid_input', 'a Gantt chart needs at least one row');
  const spans = [
    ...chart.bars.map((span, i) => ({ what: `bar ${i + 1}`, span, setup: span.setup ?? 0 })),
    ...(chart.unavailable ?? []).map((span, i) => ({ what: `unavailable window ${i + 1}`, span, setup: 0 })),
  ];
  for (const { what, span, setup } of spans) {
    if (!ids.has(span.row))
      throw new UserError('invalid_input', `Gantt ${what} is on row "${span.row}", which is not a row`);
    if (!Number.isFinite(span.start) || !Number.isFinite(span.end) || span.end < span.start || !(setup >= 0))
      throw new UserError(
        'invalid_input',
        `Gantt ${what} on row "${span.row}" needs finite start ≤ end and setup ≥ 0, got ${span.start}–${span.end} (setup ${setup})`,
      );
  }
  if (chart.now !== undefined && !Number.isFinite(chart.now))
    throw new UserError('invalid_input', `Gantt "now" must be finite, got ${chart.now}`);
  if (chart.origin !== undefined && UNIT_MS[chart.timeUnit ?? 'min'] === undefined)
    throw new UserError(
      'invalid_input',
      `a clock-time Gantt axis needs timeUnit ms, s, min, h or d, got "${chart.timeUnit ?? ''}"`,
    );
}

interface LegendEntry {
  readonly symbol: string;
  readonly text: string;
}

/** Legend entries laid out left to right, wrapped to the width; returns the markup and its height. */
function legend(
  entries: readonly LegendEntry[],
  y: number,
  width: number,
): { markup: string; height: number } {
  // Fill rows left to right, then centre each row.
  const rows: { entry: LegendEntry; x: number; w: number }[][] = [[]];
  let x = 0;
  for (const entry of entries) {
    const w = 26 + entry.text.length * CHAR_PX + 14;
    if (x + w > width - 24 && x > 0) {
      rows.push([]);
      x = 0;
    }
    rows.at(-1)?.push({ entry, x, w });
    x += w;
  }
  const out = [`<g class="legend" font-size="11" fill="${PLOT_COLORS.text}">`];
  rows.forEach((items, r) => {
    const last = items.at(-1);
    const shift = last === undefined ? 0 : (width - (last.x + last.w - 14)) / 2;
    const cy = y + r * LEGEND_ROW + 10;
    for (const { entry, x: ex } of items)
      out.push(
        `<g transform="translate(${c(shift + ex)} ${c(cy - 6)})">${entry.symbol}</g>`,
        `<text x="${c(shift + ex + 24)}" y="${c(cy + 4)}">${escapeXml(entry.text)}</text>`,
      );
  });
  out.push('</g>');
  return { markup: out.join('\n'), height: entries.length === 0 ? 0 : rows.length * LEGEND_ROW };
}

/**
 * Renders a Gantt chart. Times are numbers in `timeUnit`; bars outside every row, reversed spans and unknown rows
 * are refused with a UserError.
 * @example renderGanttSvg({ rows: [{ id: 'm1', label: 'Mill' }], bars: [{ row: 'm1', start: 0, end: 5, group: 'J1', label: 'J1' }] }).includes('class="bar ') // true
 */
export function renderGanttSvg(chart: GanttChart): string {
  check(chart);
  const unavailable = chart.unavailable ?? [];
  const labelChars = Math.max(...chart.rows.map((r) => r.label.length));
  const left = Math.min(220, Math.max(56, labelChars * CHAR_PX + 20));
  const { width } = plotSize({ width: chart.width }, { width: 1200, height: 1 }, { width: 480, height: 1 });
  const plotWidth = width - left - RIGHT;
  // The domain: every bar with its setup, every window, and now.
  const starts = [...chart.bars.map((b) => b.start - (b.setup ?? 0)), ...unavailable.map((w) => w.start)];
  const ends = [...chart.bars.map((b) => b.end), ...unavailable.map((w) => w.end)];
  if (chart.now !== undefined) {
    starts.push(chart.now);
    ends.push(chart.now);
  }
  const lo = starts.length > 0 ? Math.min(...starts) : 0;
  const hi = ends.length > 0 ? Math.max(...ends) : 1;
  const tickCount = Math.max(2, Math.round(plotWidth / 110));
  const unit = chart.timeUnit ?? (chart.origin !== undefined ? 'min' : undefined);
  const axis =
    chart.origin !== undefined
      ? clockAxis(lo, hi, tickCount, chart.origin, UNIT_MS[unit ?? 'min'] ?? 6e4)
      : numberAxis(lo, hi, tickCount, unit);
  const x = (t: number) => left + ((t - axis.min) / (axis.max - axis.min)) * plotWidth;
  const rowIndex = new Map(chart.rows.map((r, i) => [r.id, i]));
  const laneTop = (row: string) => TOP + (rowIndex.get(row) ?? 0) * LANE;
  const plotBottom = TOP + chart.rows.length * LANE;

  // Groups in natural order (J2 before J10), each a colour and, past the palette, an overlay pattern.
  const collator = new Intl.Collator('en', { numeric: true });
  const groups = [...new Set(chart.bars.map((b) => b.group))].sort(collator.compare);
  const style = new Map(
    groups.map((g, i) => {
      const color = GANTT_PALETTE[i % GANTT_PALETTE.length] ?? PLOT_COLORS.blue;
      return [g, { color, overlay: Math.floor(i / GANTT_PALETTE.length) % OVERLAYS.length }];
    }),
  );
  const usedOverlays = [...new Set([...style.values()].map((s) => s.overlay))].filter((o) => o > 0);

  const legendEntries: LegendEntry[] = [];
  const swatch = (color: string, overlay: number, extra = '') =>
    `<rect width="18" height="12" fill="${color}"${extra}/>${overlay > 0 ? `<rect width="18" height="12" fill="url(#gantt-overlay-${overlay})"/>` : ''}`;
  for (const g of groups.slice(0, MAX_LEGEND_GROUPS)) {
    const s = style.get(g);
    if (s !== undefined) legendEntries.push({ symbol: swatch(s.color, s.overlay), text: g });
  }
  if (groups.length > MAX_LEGEND_GROUPS)
    legendEntries.push({ symbol: '', text: `+${groups.length - MAX_LEGEND_GROUPS} more` });
  const states = new Set(chart.bars.map((b) => b.state ?? 'planned'));
  const hasSetup = chart.bars.some((b) => (b.setup ?? 0) > 0);
  const neutral = '#90a4ae';
  if (hasSetup)
    legendEntries.push({
      symbol: `<rect width="18" height="12" fill="${neutral}"/><rect width="18" height="12" fill="url(#gantt-hatch)"/>`,
      text: 'setup',
    });
  if (unavailable.length > 0)
    legendEntries.push({
      symbol: `<rect width="18" height="12" fill="#e0e0e0"/><rect width="18" height="12" fill="url(#gantt-hatch)"/>`,
      text: 'unavailable',
    });
  if (states.has('done'))
    legendEntries.push({ symbol: swatch(neutral, 0, ` fill-opacity="${DONE_OPACITY}"`), text: 'done' });
  if (states.has('running'))
    legendEntries.push({ symbol: swatch(neutral, 0, ` stroke="${PLOT_COLORS.text}"`), text: 'running' });
  if (states.has('moved'))
    legendEntries.push({
      symbol: swatch(neutral, 0, ` stroke="${PLOT_COLORS.orange}" stroke-width="2.5" stroke-dasharray="4 2"`),
      text: 'moved',
    });
  if (states.has('added'))
    legendEntries.push({
      symbol: swatch(neutral, 0, ` stroke="${PLOT_COLORS.green}" stroke-width="2.5"`),
      text: 'added',
    });

  const legendTop = plotBottom + 50;
  const { markup: legendMarkup, height: legendHeight } = legend(legendEntries, legendTop, width);
  const height = legendTop + legendHeight + 10;
  const title = chart.title ?? 'Schedule';
  const out = svgHead(width, height, title);

  out.push(
    '<defs>',
    `<pattern id="gantt-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><path d="M0 0V6" stroke="#616161" stroke-opacity="0.7" stroke-width="1.5"/></pattern>`,
    ...usedOverlays.map(
      (o) =>
        `<pattern id="gantt-overlay-${o}" width="8" height="8" patternUnits="userSpaceOnUse">${OVERLAYS[o] ?? ''}</pattern>`,
    ),
    '</defs>',
  );

  // Lanes: alternate shading, the row labels, vertical grid lines at the ticks.
  out.push('<g class="lanes">');
  chart.rows.forEach((row, i) => {
    const y = TOP + i * LANE;
    out.push(
      `<rect class="lane" data-row="${escapeXml(row.id)}" x="${c(left)}" y="${c(y)}" width="${c(plotWidth)}" height="${LANE}" fill="${i % 2 === 0 ? '#f7f9fa' : '#ffffff'}"/>`,
      `<text class="row-label" x="${c(left - 8)}" y="${c(y + LANE / 2 + 4)}" text-anchor="end" font-size="12" fill="${PLOT_COLORS.text}">${escapeXml(fit(row.label, left - 16, CHAR_PX))}</text>`,
    );
  });
  for (const t of axis.ticks) {
    const tx = x(t.value);
    out.push(
      `<line class="grid" x1="${c(tx)}" y1="${TOP}" x2="${c(tx)}" y2="${plotBottom}" stroke="${PLOT_COLORS.grid}"/>`,
    );
  }
  out.push('</g>');

  // Unavailable windows, under the bars.
  out.push('<g class="unavailable">');
  for (const w of unavailable) {
    const x0 = x(w.start);
    const wpx = x(w.end) - x0;
    const y = laneTop(w.row) + 1;
    const tip = `${w.label ?? 'unavailable'}: ${timeText(w.start)}–${timeText(w.end)}`;
    out.push(
      `<rect class="window" x="${c(x0)}" y="${c(y)}" width="${c(wpx)}" height="${LANE - 2}" fill="#e0e0e0"><title>${escapeXml(tip)}</title></rect>`,
      `<rect x="${c(x0)}" y="${c(y)}" width="${c(wpx)}" height="${LANE - 2}" fill="url(#gantt-hatch)"/>`,
    );
    if (w.label !== undefined && w.label.length * CHAR_PX + 6 <= wpx)
      out.push(
        `<text x="${c(x0 + wpx / 2)}" y="${c(y + LANE / 2 + 3)}" text-anchor="middle" font-size="11" font-weight="700" fill="${PLOT_COLORS.text}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(w.label)}</text>`,
      );
  }
  out.push('</g>');

  // Bars: setup hatched before the bar, the bar, its overlay, its outline by state, its label when it fits.
  const rowLabel = new Map(chart.rows.map((r) => [r.id, r.label]));
  const labelCharPx = (CHAR_PX * BAR_FONT_PX) / 12;
  out.push(`<g class="bars" font-size="${BAR_FONT_PX}">`);
  for (const bar of chart.bars) {
    const s = style.get(bar.group) ?? { color: PLOT_COLORS.blue, overlay: 0 };
    const state = bar.state ?? 'planned';
    const y = laneTop(bar.row) + (LANE - BAR) / 2;
    const x0 = x(bar.start);
    const wpx = Math.max(0.5, x(bar.end) - x0);
    const setup = bar.setup ?? 0;
    if (setup > 0) {
      const sx = x(bar.start - setup);
      out.push(
        `<rect class="setup" x="${c(sx)}" y="${c(y)}" width="${c(x0 - sx)}" height="${BAR}" fill="${s.color}" fill-opacity="0.35"/>`,
        `<rect x="${c(sx)}" y="${c(y)}" width="${c(x0 - sx)}" height="${BAR}" fill="url(#gantt-hatch)"/>`,
      );
    }
    const outline =
      state === 'moved'
        ? ` stroke="${PLOT_COLORS.orange}" stroke-width="2.5" stroke-dasharray="4 2"`
        : state === 'added'
          ? ` stroke="${PLOT_COLORS.green}" stroke-width="2.5"`
          : state === 'running'
            ? ` stroke="${PLOT_COLORS.text}" stroke-width="1.5"`
            : ' stroke="#ffffff" stroke-width="1"';
    const tip =
      bar.tooltip ??
      `${bar.label === undefined || bar.label === bar.group ? bar.group : `${bar.label} (${bar.group})`} on ${rowLabel.get(bar.row) ?? bar.row}: ${timeText(bar.start)}–${timeText(bar.end)}`;
    out.push(
      `<rect class="bar ${state}" data-group="${escapeXml(bar.group)}" x="${c(x0)}" y="${c(y)}" width="${c(wpx)}" height="${BAR}" fill="${s.color}"${state === 'done' ? ` fill-opacity="${DONE_OPACITY}"` : ''}${outline}><title>${escapeXml(tip)}</title></rect>`,
    );
    if (s.overlay > 0)
      out.push(
        `<rect x="${c(x0)}" y="${c(y)}" width="${c(wpx)}" height="${BAR}" fill="url(#gantt-overlay-${s.overlay})" pointer-events="none"/>`,
      );
    if (bar.label !== undefined && bar.label.length * labelCharPx + 6 <= wpx) {
      const dark = state === 'done' || luminance(s.color) > 0.35;
      // Over a pattern, a halo in the bar's colour keeps the label readable.
      const under = state === 'done' ? fade(s.color) : s.color;
      const halo = s.overlay > 0 ? ` stroke="${under}" stroke-width="3" paint-order="stroke"` : '';
      out.push(
        `<text class="bar-label" x="${c(x0 + wpx / 2)}" y="${c(y + BAR / 2 + 4)}" text-anchor="middle" fill="${dark ? PLOT_COLORS.text : '#ffffff'}"${halo}>${escapeXml(bar.label)}</text>`,
      );
    }
  }
  out.push('</g>');

  // The frame, the time axis and its title.
  out.push(
    `<rect class="frame" x="${c(left)}" y="${TOP}" width="${c(plotWidth)}" height="${plotBottom - TOP}" fill="none" stroke="${PLOT_COLORS.axis}"/>`,
    `<g class="axis" font-size="11" fill="${PLOT_COLORS.axis}">`,
  );
  for (const t of axis.ticks) {
    const tx = x(t.value);
    out.push(
      `<line x1="${c(tx)}" y1="${plotBottom}" x2="${c(tx)}" y2="${plotBottom + 5}" stroke="${PLOT_COLORS.axis}"/>`,
      `<text class="tick" x="${c(tx)}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(t.text)}</text>`,
    );
  }
  out.push(
    '</g>',
    `<text class="axis-title" x="${c(left + plotWidth / 2)}" y="${plotBottom + 38}" text-anchor="middle" font-size="12" fill="${PLOT_COLORS.text}">${escapeXml(axis.title)}</text>`,
  );

  // Markers above the lanes: the makespan (last end) and now; their labels move apart when they would collide.
  const markers: { cls: string; at: number; text: string; color: string; dash: string }[] = [];
  if (chart.bars.length > 0) {
    const makespan = Math.max(...chart.bars.map((b) => b.end));
    markers.push({
      cls: 'makespan',
      at: makespan,
      text: `makespan ${timeText(makespan)}${unit === undefined ? '' : ` ${unit}`}`,
      color: PLOT_COLORS.axis,
      dash: ' stroke-dasharray="6 3"',
    });
  }
  if (chart.now !== undefined)
    markers.push({ cls: 'now', at: chart.now, text: 'now', color: PLOT_COLORS.red, dash: '' });
  const placed = markers.map((m) => {
    const w = m.text.length * BOLD_CHAR_PX;
    const mx = x(m.at);
    return { ...m, mx, w, lx: Math.min(width - 4 - w / 2, Math.max(4 + w / 2, mx)) };
  });
  const [first, second] = placed;
  if (
    first !== undefined &&
    second !== undefined &&
    Math.abs(first.lx - second.lx) < (first.w + second.w) / 2 + 6
  ) {
    // Put the earlier label's end and the later label's start on their lines.
    const [early, late] = first.mx <= second.mx ? [first, second] : [second, first];
    early.lx = early.mx - 3 - early.w / 2;
    late.lx = late.mx + 3 + late.w / 2;
  }
  for (const m of placed) {
    out.push(
      `<line class="${m.cls}" x1="${c(m.mx)}" y1="${TOP - 14}" x2="${c(m.mx)}" y2="${plotBottom}" stroke="${m.color}" stroke-width="1.6"${m.dash}/>`,
      `<text class="${m.cls}-label" x="${c(m.lx)}" y="${TOP - 18}" text-anchor="middle" font-size="11" font-weight="700" fill="${m.color}">${escapeXml(m.text)}</text>`,
    );
  }
  out.push(legendMarkup, '</svg>');
  return out.join('\n');
}
