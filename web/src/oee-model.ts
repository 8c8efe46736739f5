/**
 * The OEE page, the pure part: the wire shapes of /api/v1/oee/report, /oee/live and /oee/machines (mirroring
 * src/app/operations/oee.ts), the scopes and windows a user picks from, how the figures read, and the geometry of the
 * loss waterfall and the trend. No DOM here.
 *
 * The time model and the losses are those of src/analytics/process/oee.ts: ISO 22400-2 time elements (planned busy
 * time, availability, effectiveness, quality ratio) and Nakajima's six big losses plus waiting. The waterfall starts
 * at the planned busy time and steps down by each loss to the valuable operating time, which it always reaches
 * exactly (the losses are reported unclamped; a negative "reduced speed" is a step up).
 */
import * as z from 'zod/mini';
import { formatCompact, formatFixed } from './format.js';
import type { Asset } from './model.js';
import { niceTicks } from './spc-model.js';

const optionalString = z.nullish(z.string());
const optionalRatio = z.nullish(z.number());

// ---- wire shapes ----

export const OeeLoss = z.object({
  /** One of OEE_LOSSES; kept open so a new loss shows as itself. */
  loss: z.string(),
  /** 'availability' | 'performance' | 'quality'. */
  factor: z.string(),
  timeMs: z.number(),
  /** timeMs / planned busy time; null when that is 0. */
  share: optionalRatio,
});
export type OeeLoss = z.infer<typeof OeeLoss>;

export const OeeReason = z.object({ state: z.string(), reason: z.string(), timeMs: z.number() });
export type OeeReason = z.infer<typeof OeeReason>;

export const OeeSummary = z.object({
  availability: optionalRatio,
  performance: optionalRatio,
  quality: optionalRatio,
  oee: optionalRatio,
  plannedBusyTimeMs: z.number(),
  runTimeMs: z.number(),
  producedQuantity: z.number(),
  goodQuantity: z.number(),
  rejectQuantity: z.number(),
  losses: z.array(OeeLoss),
  waterfall: z._default(z.array(z.object({ label: z.string(), timeMs: z.number() })), []),
  topReasons: z._default(z.array(OeeReason), []),
});
export type OeeSummary = z.infer<typeof OeeSummary>;

export const OeeMachineResult = z.object({
  asset: z.string(),
  name: optionalString,
  idealCycleTimeS: z.nullish(z.number()),
  result: OeeSummary,
});
export type OeeMachineResult = z.infer<typeof OeeMachineResult>;

export const OeePeriodResult = z.object({
  start: z.number(),
  end: z.number(),
  label: z.string(),
  total: OeeSummary,
});
export type OeePeriodResult = z.infer<typeof OeePeriodResult>;

export const OeeReport = z.object({
  window: z.object({ from: z.number(), to: z.number() }),
  asset: z.string(),
  total: OeeSummary,
  machines: z.array(OeeMachineResult),
  periods: z._default(z.array(OeePeriodResult), []),
});
export type OeeReport = z.infer<typeof OeeReport>;

export const OeeLive = z.extend(OeeReport, {
  shift: z.nullish(z.object({ label: z.string(), start: z.number(), end: z.number() })),
  updatedAt: z.nullish(z.number()),
});
export type OeeLive = z.infer<typeof OeeLive>;

/** A machine configured for OEE (oee.machines.list). */
export const OeeMachineConfig = z.object({
  asset: z.string(),
  name: optionalString,
  idealCycleTimeS: z.nullish(z.number()),
});
export type OeeMachineConfig = z.infer<typeof OeeMachineConfig>;
export const OeeMachinesResponse = z.object({ machines: z.array(OeeMachineConfig) });

// ---- scope and window ----

/** The stamping line: what the page opens on when it is configured. */
export const DEFAULT_SCOPE = 'acme/plant1/stamping/line1';

export interface ScopeOption {
  readonly path: string;
  readonly label: string;
  /** 'group' for a line or cell with configured machines under it, 'machine' for one machine. */
  readonly kind: 'group' | 'machine';
}

/** Levels whose assets group machines in the scope picker. */
const GROUP_LEVELS: ReadonlySet<string> = new Set(['line', 'cell']);

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/**
 * What the scope picker offers: each line or cell with configured machines, followed by those machines; a machine
 * under no line or cell on its own. Ordered by path.
 * @example scopeOptions([{ asset: 'a/l1/p1' }], [{ path: 'a/l1', level: 'line', name: 'Line 1' }])
 * // [{ path: 'a/l1', label: 'Line 1', kind: 'group' }, { path: 'a/l1/p1', label: 'p1', kind: 'machine' }]
 */
export function scopeOptions(
  machines: readonly Pick<OeeMachineConfig, 'asset' | 'name'>[],
  assets: readonly Pick<Asset, 'path' | 'level' | 'name'>[],
): ScopeOption[] {
  const byPath = new Map(assets.map((a) => [a.path, a]));
  const machineLabel = (m: Pick<OeeMachineConfig, 'asset' | 'name'>): string =>
    m.name ?? byPath.get(m.asset)?.name ?? lastSegment(m.asset);
  const sorted = [...machines].sort((a, b) => a.asset.localeCompare(b.asset, undefined, { numeric: true }));
  const groups = assets
    .filter(
      (a) => GROUP_LEVELS.has(a.level) && sorted.some((m) => m.asset !== a.path && isUnder(m.asset, a.path)),
    )
    .sort((a, b) => b.path.length - a.path.length); // the nearest group of a machine first
  const out: ScopeOption[] = [];
  const placed = new Set<string>();
  const groupOf = (asset: string) => groups.find((g) => asset !== g.path && isUnder(asset, g.path));
  const ordered = [...new Set(sorted.map((m) => groupOf(m.asset)?.path ?? m.asset))].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  for (const key of ordered) {
    const group = groups.find((g) => g.path === key);
    if (group) {
      out.push({ path: group.path, label: group.name, kind: 'group' });
      for (const m of sorted) {
        if (groupOf(m.asset)?.path !== group.path || placed.has(m.asset)) continue;
        placed.add(m.asset);
        out.push({ path: m.asset, label: machineLabel(m), kind: 'machine' });
      }
    } else {
      const m = sorted.find((x) => x.asset === key);
      if (m && !placed.has(m.asset)) {
        placed.add(m.asset);
        out.push({ path: m.asset, label: machineLabel(m), kind: 'machine' });
      }
    }
  }
  return out;
}

/** The scope to show: the one asked for when offered, else the stamping line, else the first offered. */
export function defaultScope(options: readonly ScopeOption[], wanted?: string): string | undefined {
  const has = (path: string | undefined) => path !== undefined && options.some((o) => o.path === path);
  if (has(wanted)) return wanted;
  if (has(DEFAULT_SCOPE)) return DEFAULT_SCOPE;
  return options[0]?.path;
}

export const OEE_WINDOWS = [
  { id: 'shift', label: 'Current shift' },
  { id: '24h', label: '24 h by shift' },
  { id: '7d', label: '7 days by day' },
] as const;
export type OeeWindowId = (typeof OEE_WINDOWS)[number]['id'];

export function isOeeWindow(value: string | undefined): value is OeeWindowId {
  return OEE_WINDOWS.some((w) => w.id === value);
}

const HOUR_MS = 3_600_000;

/** The oee.report query of a report window ending at `now` (epoch ms, whole seconds). */
export function reportQuery(
  window: Exclude<OeeWindowId, 'shift'>,
  asset: string,
  now: number,
): { asset: string; from: number; to: number; by: 'shift' | 'day' } {
  const to = Math.floor(now / 1000) * 1000;
  return window === '24h'
    ? { asset, from: to - 24 * HOUR_MS, to, by: 'shift' }
    : { asset, from: to - 7 * 24 * HOUR_MS, to, by: 'day' };
}

/** How often the current shift is fetched again while the page shows. */
export const LIVE_REFRESH_MS = 10_000;

// ---- how the figures read ----

/**
 * A ratio (0..1) as a percentage with one decimal; "—" for none.
 * @example [0.8534, 1, null].map(percentText) // ['85.3 %', '100.0 %', '—']
 */
export function percentText(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${formatFixed(ratio * 100, 1)} %`;
}

/**
 * A duration in hours and minutes (seconds below a minute), signed: a negative loss is a gain.
 * @example [7_500_000, 2_700_000, 42_000, 0, -180_000].map(hoursMinutes) // ['2 h 05 min', '45 min', '42 s', '0 min', '−3 min']
 */
export function hoursMinutes(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  const abs = Math.abs(ms);
  if (abs === 0) return '0 min';
  if (abs < 60_000) return `${sign}${Math.round(abs / 1000)} s`;
  const minutes = Math.round(abs / 60_000);
  if (minutes < 60) return `${sign}${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${sign}${h} h ${String(m).padStart(2, '0')} min`;
}

/** Minutes with one decimal, for the stop-reason table: 754_000 → "12.6". */
export function minutesText(ms: number): string {
  return formatFixed(ms / 60_000, 1);
}

/** A count of parts, grouped. */
export function countText(n: number): string {
  return formatFixed(n, 0);
}

const LOSS_LABELS: Readonly<Record<string, string>> = {
  breakdowns: 'Breakdowns',
  setupAndAdjustments: 'Setup and adjustments',
  waiting: 'Waiting',
  idlingAndMinorStops: 'Idling and minor stops',
  reducedSpeed: 'Reduced speed',
  processDefects: 'Process defects',
  reducedYield: 'Reduced yield',
};

/** A loss as the page names it; an unknown one as its code. */
export function lossLabel(loss: string): string {
  return LOSS_LABELS[loss] ?? loss;
}

const FACTOR_LABELS: Readonly<Record<string, string>> = {
  availability: 'Availability',
  performance: 'Performance',
  quality: 'Quality',
};

export function factorLabel(factor: string): string {
  return FACTOR_LABELS[factor] ?? factor;
}

const STATE_LABELS: Readonly<Record<string, string>> = {
  down: 'Down',
  setup: 'Setup',
  idle: 'Idle',
  planned_stop: 'Planned stop',
  off: 'Off',
  running: 'Running',
};

/** Machine states whose time is lost inside the planned busy time (src/analytics/process/oee.ts). */
const LOSS_STATES: ReadonlySet<string> = new Set(['down', 'setup', 'idle']);

export function stateLabel(state: string): string {
  return STATE_LABELS[state] ?? state;
}

/** A stop reason code as it reads: "bearing_overheat" → "bearing overheat"; none → "(no reason)". */
export function reasonLabel(reason: string): string {
  return reason === '' ? '(no reason)' : reason.replaceAll('_', ' ');
}

/**
 * Stops that cost planned busy time (down, setup, idle: the availability and minor-stop losses), longest first.
 * Running is no stop; `off` and `planned_stop` are planned down time, outside the planned busy time (ISO 22400-2),
 * so not a loss — the server lists them too (e.g. "off · no data" before a machine's history starts).
 */
export function stopReasons(reasons: readonly OeeReason[], limit = 8): OeeReason[] {
  return reasons
    .filter((r) => LOSS_STATES.has(r.state) && r.timeMs > 0)
    .sort((a, b) => b.timeMs - a.timeMs || a.state.localeCompare(b.state) || a.reason.localeCompare(b.reason))
    .slice(0, limit);
}

/** A machine's longest stop, "Down · bearing overheat (42 min)", or "—". */
export function topStopText(reasons: readonly OeeReason[]): string {
  const top = stopReasons(reasons, 1)[0];
  return top ? `${stateLabel(top.state)} · ${reasonLabel(top.reason)} (${hoursMinutes(top.timeMs)})` : '—';
}

/** The KPI tiles, in order: OEE and its three factors. */
export const KPIS = [
  { id: 'oee', label: 'OEE' },
  { id: 'availability', label: 'Availability' },
  { id: 'performance', label: 'Performance' },
  { id: 'quality', label: 'Quality' },
] as const;
export type KpiId = (typeof KPIS)[number]['id'];

/** Whether the window has anything to report: some planned busy time. */
export function hasData(summary: Pick<OeeSummary, 'plannedBusyTimeMs'>): boolean {
  return summary.plannedBusyTimeMs > 0;
}

// ---- the loss waterfall ----

export interface WaterfallStep {
  /** 'plannedBusyTime', a loss code, or 'valuableOperatingTime'. */
  readonly key: string;
  readonly label: string;
  readonly kind: 'start' | 'loss' | 'end';
  /** The loss's factor; none for the first and last bars. */
  readonly factor: string | undefined;
  /** The bar's length: the planned busy time, the loss, or the valuable operating time. */
  readonly timeMs: number;
  /** timeMs / planned busy time; null when that is 0. */
  readonly share: number | null;
  /** The level the bar spans, in ms: from `low` to `high`. */
  readonly low: number;
  readonly high: number;
}

/**
 * The waterfall of a summary: planned busy time, each loss stepping down from where the last one ended, and the
 * valuable operating time left (planned busy time − Σ losses, as src/analytics/process/oee.ts defines it).
 * @example waterfallSteps({ plannedBusyTimeMs: 100, losses: [{ loss: 'breakdowns', factor: 'availability', timeMs: 30 }] })
 * // start 0–100, breakdowns 70–100, end 0–70
 */
export function waterfallSteps(
  summary: Pick<OeeSummary, 'plannedBusyTimeMs'> & {
    readonly losses: readonly Pick<OeeLoss, 'loss' | 'factor' | 'timeMs'>[];
  },
): WaterfallStep[] {
  const pbt = summary.plannedBusyTimeMs;
  const share = (ms: number) => (pbt > 0 ? ms / pbt : null);
  const steps: WaterfallStep[] = [
    {
      key: 'plannedBusyTime',
      label: 'Planned busy time',
      kind: 'start',
      factor: undefined,
      timeMs: pbt,
      share: share(pbt),
      low: 0,
      high: pbt,
    },
  ];
  let level = pbt;
  for (const l of summary.losses) {
    const next = level - l.timeMs;
    steps.push({
      key: l.loss,
      label: lossLabel(l.loss),
      kind: 'loss',
      factor: l.factor,
      timeMs: l.timeMs,
      share: share(l.timeMs),
      low: Math.min(level, next),
      high: Math.max(level, next),
    });
    level = next;
  }
  steps.push({
    key: 'valuableOperatingTime',
    label: 'Valuable operating time',
    kind: 'end',
    factor: undefined,
    timeMs: level,
    share: share(level),
    low: Math.min(0, level),
    high: Math.max(0, level),
  });
  return steps;
}

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  };
}

export interface WaterfallBar extends WaterfallStep {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Centre of the bar's slot, for its label. */
  readonly cx: number;
}

export interface WaterfallGeometry {
  readonly bars: WaterfallBar[];
  /** Axis ticks in hours, with their y. */
  readonly ticks: { readonly hours: number; readonly y: number }[];
  /** The y of zero. */
  readonly baseline: number;
  /** Pixels per millisecond. */
  readonly scale: number;
}

/**
 * Pixel rectangles of the waterfall's bars in a box: one slot per step, bars 64 % of their slot, a linear time axis
 * from 0 (or below, for a negative level) to the first "nice" hour tick at or above the highest level. A bar's
 * height is its time × `scale`, so the loss bars' heights sum to the first bar's minus the last's (no rounding).
 */
export function waterfallGeometry(steps: readonly WaterfallStep[], box: ChartBox): WaterfallGeometry {
  const { margin } = box;
  const plotWidth = Math.max(1, box.width - margin.left - margin.right);
  const plotHeight = Math.max(1, box.height - margin.top - margin.bottom);
  const lowest = Math.min(0, ...steps.map((s) => s.low));
  const highest = Math.max(0, ...steps.map((s) => s.high));
  // Hour ticks at a 1-2-5 step; the axis ends at the first tick at or above the highest bar.
  const guess = niceTicks(lowest / HOUR_MS, highest / HOUR_MS || 1, 5);
  const stepHours = guess.length > 1 ? (guess[1] ?? 1) - (guess[0] ?? 0) : 1;
  const bottomHours = Math.floor(lowest / HOUR_MS / stepHours) * stepHours;
  const topHours = Math.max(stepHours, Math.ceil(highest / HOUR_MS / stepHours - 1e-9) * stepHours);
  const tickHours: number[] = [];
  for (let k = Math.round(bottomHours / stepHours); k <= Math.round(topHours / stepHours); k++) {
    tickHours.push(Number((k * stepHours).toFixed(6)));
  }
  const top = topHours * HOUR_MS;
  const bottom = bottomHours * HOUR_MS;
  const scale = plotHeight / (top - bottom);
  const y = (ms: number) => margin.top + (top - ms) * scale;
  const slot = plotWidth / Math.max(1, steps.length);
  const barWidth = slot * 0.64;
  const bars = steps.map((s, i) => ({
    ...s,
    x: margin.left + i * slot + (slot - barWidth) / 2,
    y: y(s.high),
    width: barWidth,
    height: (s.high - s.low) * scale,
    cx: margin.left + (i + 0.5) * slot,
  }));
  return {
    bars,
    ticks: tickHours.map((hours) => ({ hours, y: y(hours * HOUR_MS) })),
    baseline: y(0),
    scale,
  };
}

/** A tick of the waterfall's axis: "2 h", "1.5 h", "30 min". */
export function hoursTick(hours: number): string {
  if (hours !== 0 && Math.abs(hours) < 1) return `${formatCompact(hours * 60)} min`;
  return `${formatCompact(hours)} h`;
}

/** A waterfall bar's label: "1 h 12 min · 15.0 %". */
export function stepText(step: Pick<WaterfallStep, 'timeMs' | 'share'>): string {
  return `${hoursMinutes(step.timeMs)} · ${percentText(step.share)}`;
}

// ---- the trend ----

export const TREND_SERIES = [
  { id: 'oee', label: 'OEE' },
  { id: 'availability', label: 'Availability' },
  { id: 'performance', label: 'Performance' },
  { id: 'quality', label: 'Quality' },
] as const;
export type TrendSeriesId = (typeof TREND_SERIES)[number]['id'];

export interface TrendPoint {
  readonly period: number;
  readonly x: number;
  /** Null where the period had no planned busy time (a gap in the line). */
  readonly y: number | null;
  readonly value: number | null;
}

export interface TrendGeometry {
  /** Each series' points, one per period. */
  readonly series: Readonly<Record<TrendSeriesId, TrendPoint[]>>;
  /** Slot of each period on the x axis: its centre and width. */
  readonly slots: { readonly cx: number; readonly width: number; readonly label: string }[];
  /** Percentage ticks with their y. */
  readonly ticks: { readonly percent: number; readonly y: number }[];
  readonly baseline: number;
  /** y of a ratio. */
  readonly y: (ratio: number) => number;
}

/**
 * Positions of the trend chart: one equal slot per period (shifts and days side by side, like a bar chart), the
 * y axis from 0 to 100 % (or higher when a performance above 100 % is reported), a tick every 20 %.
 */
export function trendGeometry(
  periods: readonly Pick<OeePeriodResult, 'label' | 'total'>[],
  box: ChartBox,
): TrendGeometry {
  const { margin } = box;
  const plotWidth = Math.max(1, box.width - margin.left - margin.right);
  const plotHeight = Math.max(1, box.height - margin.top - margin.bottom);
  const values = periods.flatMap((p) => TREND_SERIES.map((s) => p.total[s.id] ?? 0));
  const topPercent = Math.max(100, Math.ceil((Math.max(0, ...values) * 100) / 20) * 20);
  const y = (ratio: number) => margin.top + (1 - (ratio * 100) / topPercent) * plotHeight;
  const slot = plotWidth / Math.max(1, periods.length);
  const slots = periods.map((p, i) => ({ cx: margin.left + (i + 0.5) * slot, width: slot, label: p.label }));
  const seriesOf = (id: TrendSeriesId): TrendPoint[] =>
    periods.map((p, i) => {
      const value = p.total[id] ?? null;
      return { period: i, x: margin.left + (i + 0.5) * slot, y: value === null ? null : y(value), value };
    });
  const ticks: { percent: number; y: number }[] = [];
  for (let percent = 0; percent <= topPercent; percent += 20) ticks.push({ percent, y: y(percent / 100) });
  return {
    series: {
      oee: seriesOf('oee'),
      availability: seriesOf('availability'),
      performance: seriesOf('performance'),
      quality: seriesOf('quality'),
    },
    slots,
    ticks,
    baseline: y(0),
    y,
  };
}

/**
 * The runs of a series without gaps, as SVG path data ("M x y L x y …"); a lone point is a run of one.
 * @example linePath([{ x: 1, y: 2 }, { x: 3, y: null }, { x: 5, y: 6 }, { x: 7, y: 8 }]) // 'M1 2 M5 6 L7 8'
 */
export function linePath(points: readonly { readonly x: number; readonly y: number | null }[]): string {
  const parts: string[] = [];
  let open = false;
  for (const p of points) {
    if (p.y === null) {
      open = false;
      continue;
    }
    parts.push(`${open ? 'L' : 'M'}${round2(p.x)} ${round2(p.y)}`);
    open = true;
  }
  return parts.join(' ');
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** A period's short label on the trend axis: "2026-11-23 early" → "23 early"; a day → "Nov 23"-like "11-23". */
export function periodTick(label: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?: (.+))?$/.exec(label);
  if (!m) return label;
  return m[4] ? `${m[3]} ${m[4]}` : `${m[2]}-${m[3]}`;
}
