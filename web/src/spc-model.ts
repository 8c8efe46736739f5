/**
 * Live SPC on the dashboard, the pure part: the wire shapes of /api/v1/spc/* (mirroring src/domain/spc.ts), and how
 * a chart's points become zones, limit runs, flagged points, axis ticks and alarm lists. No DOM here.
 */
import * as z from 'zod/mini';
import { formatDuration, formatFixed, formatNumber } from './format.js';

// Optional fields accept null too, as in model.ts: a server that serialises a missing field as null must not blank
// the page. Enumerations a newer server may extend (chart types, severities) stay open strings.
const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

export const SubgroupPolicy = z.discriminatedUnion('by', [
  z.object({ by: z.literal('count'), size: z.number() }),
  z.object({ by: z.literal('time'), windowMs: z.number(), minSize: optionalNumber }),
]);
export type SubgroupPolicy = z.infer<typeof SubgroupPolicy>;

const RuleTestSetting = z.object({ enabled: z.boolean(), k: optionalNumber });
export const RuleSettings = z.object({
  preset: optionalString,
  tests: z.nullish(z.record(z.string(), RuleTestSetting)),
});
export type RuleSettings = z.infer<typeof RuleSettings>;

export const ChartLimits = z.object({
  center: z.number(),
  sigma: z.number(),
  nsigmas: optionalNumber,
  source: z.string(),
  estimatedFrom: z.nullish(
    z.object({ from: z.number(), to: z.number(), subgroups: z.number(), excluded: z.number() }),
  ),
});
export type ChartLimits = z.infer<typeof ChartLimits>;

export const SpcChartConfig = z.object({
  id: z.string(),
  tag: z.string(),
  /** 'xbar-r' | 'xbar-s' | 'i-mr' today. */
  type: z.string(),
  subgroup: SubgroupPolicy,
  limits: ChartLimits,
  rules: z.nullish(RuleSettings),
  severity: z.string(),
  clearAfter: optionalNumber,
  description: optionalString,
  createdAt: optionalNumber,
});
export type SpcChartConfig = z.infer<typeof SpcChartConfig>;

export const ActiveAlarm = z.object({
  code: z.string(),
  rule: z.string(),
  statistic: z.string(),
  description: z.string(),
  severity: z.string(),
  since: z.number(),
  /** Every rule that fired while the alarm stood, the one that raised it first. */
  rules: z.nullish(z.array(z.string())),
});
export type ActiveAlarm = z.infer<typeof ActiveAlarm>;

export const ChartStatus = z.object({
  subgroups: z.number(),
  lastSubgroupTs: optionalNumber,
  pending: z.number(),
  activeAlarms: z.array(ActiveAlarm),
});
export type ChartStatus = z.infer<typeof ChartStatus>;

export const ChartEntry = z.object({ config: SpcChartConfig, status: ChartStatus });
export type ChartEntry = z.infer<typeof ChartEntry>;
export const ChartsResponse = z.object({ charts: z.array(ChartEntry) });

export const Violation = z.object({ rule: z.string(), description: z.string() });
export type Violation = z.infer<typeof Violation>;

/** One statistic of a subgroup (X̄, R, S, I or MR) with the limits it was judged against. */
export const PlottedValue = z.object({
  value: z.number(),
  center: z.number(),
  lcl: z.number(),
  ucl: z.number(),
  violations: z.array(Violation),
});
export type PlottedValue = z.infer<typeof PlottedValue>;

export const SpcPoint = z.object({
  /** Time of the subgroup's last sample, epoch ms. */
  ts: z.number(),
  /** Time of its first sample. */
  start: z.number(),
  n: z.number(),
  quality: z.string(),
  level: PlottedValue,
  /** Absent on the first point of an I-MR chart (a moving range needs two values). */
  dispersion: z.nullish(PlottedValue),
});
export type SpcPoint = z.infer<typeof SpcPoint>;

/** A plant event as the API and the stream send it; only alarms matter here, the rest passes through. */
export const PlantEvent = z.object({
  id: z.string(),
  kind: z.string(),
  ts: z.number(),
  asset: z.string(),
  tag: optionalString,
  code: optionalString,
  severity: optionalString,
  state: optionalString,
  message: optionalString,
  reason: optionalString,
  data: z.nullish(z.record(z.string(), z.unknown())),
});
export type PlantEvent = z.infer<typeof PlantEvent>;
export const EventsResponse = z.object({ events: z.array(PlantEvent) });
/** `{type:'events'}` on the stream; its events are validated one by one (see stream.ts). */
export const EventsStreamMessage = z.object({ type: z.literal('events'), events: z.array(z.unknown()) });

export const PointsResponse = z.object({
  chart: SpcChartConfig,
  statistics: z.object({ level: z.string(), dispersion: z.string() }),
  points: z.array(SpcPoint),
  alarms: z.array(PlantEvent),
});
export type PointsResponse = z.infer<typeof PointsResponse>;

export type PlotPart = 'level' | 'dispersion';

// ---- windows ----

export const SPC_WINDOWS = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 24 * 3_600_000 },
] as const;
export type SpcWindowId = (typeof SPC_WINDOWS)[number]['id'];
export const DEFAULT_SPC_WINDOW: SpcWindowId = '8h';

export function isSpcWindow(value: string | undefined): value is SpcWindowId {
  return SPC_WINDOWS.some((w) => w.id === value);
}

export function spcWindowMs(id: SpcWindowId): number {
  return SPC_WINDOWS.find((w) => w.id === id)?.ms ?? 8 * 3_600_000;
}

// ---- names ----

const CHART_TYPE_LABELS: Readonly<Record<string, string>> = {
  'xbar-r': 'X̄-R',
  'xbar-s': 'X̄-S',
  'i-mr': 'I-MR',
};

/** "xbar-r" → "X̄-R"; an unknown type reads as itself. */
export function chartTypeLabel(type: string): string {
  return CHART_TYPE_LABELS[type] ?? type;
}

const STATISTIC_LABELS: Readonly<Record<string, string>> = {
  xbar: 'X̄',
  r: 'R',
  s: 'S',
  i: 'I',
  mr: 'MR',
};

/** "xbar" → "X̄", "mr" → "MR". */
export function statisticLabel(statistic: string): string {
  return STATISTIC_LABELS[statistic] ?? statistic.toUpperCase();
}

/** The last segment of a tag path, which is its name. */
export function tagName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** "5 samples per subgroup", or "1 min windows (≥ 2 samples)" for subgroups formed by time. */
export function formatSubgroupPolicy(policy: SubgroupPolicy): string {
  if (policy.by === 'count')
    return policy.size === 1 ? 'individual samples' : `${policy.size} samples per subgroup`;
  return `${formatPeriod(policy.windowMs)} windows (≥ ${policy.minSize ?? 2} samples)`;
}

const PERIOD_UNITS = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
] as const;

/** A configured period in its largest whole unit ("1 min", "90 s", "8 h"), else as format.ts shows durations. */
export function formatPeriod(ms: number): string {
  for (const [unit, name] of PERIOD_UNITS) if (ms >= unit && ms % unit === 0) return `${ms / unit} ${name}`;
  return formatDuration(ms);
}

/** Width of the limits in σ: the chart's own, 3 when it does not say. */
export function chartNsigmas(limits: Pick<ChartLimits, 'nsigmas'>): number {
  const n = limits.nsigmas;
  return n != null && Number.isFinite(n) && n > 0 ? n : 3;
}

export interface RuleTestView {
  /** "1" … "8" (Nelson) or "1" … "4" (Western Electric). */
  readonly test: string;
  readonly enabled: boolean;
  /** K when the chart overrides the preset's default. */
  readonly k?: number;
}

export interface RulesView {
  readonly preset: string;
  readonly tests: readonly RuleTestView[];
}

/**
 * The tests a chart applies: every test of its preset (Nelson 1–8 or Western Electric 1–4, see
 * src/analytics/quality/rules.ts), with the chart's overrides; a test not named keeps the preset's default.
 * @example describeRules({ tests: { '7': { enabled: false } } }).tests[6] // { test: '7', enabled: false }
 */
export function describeRules(rules: RuleSettings | null | undefined): RulesView {
  const western = rules?.preset === 'western-electric';
  const count = western ? 4 : 8;
  const tests: RuleTestView[] = [];
  for (let i = 1; i <= count; i++) {
    const test = String(i);
    const setting = rules?.tests?.[test];
    tests.push({
      test,
      enabled: setting?.enabled ?? true,
      ...(setting?.k != null ? { k: setting.k } : {}),
    });
  }
  return { preset: western ? 'Western Electric' : 'Nelson', tests };
}

// ---- zones, limits and flagged points ----

export interface ZoneLines {
  readonly center: number;
  readonly ucl: number;
  readonly lcl: number;
  /** center + 1σ and center + 2σ. */
  readonly plus1: number;
  readonly plus2: number;
  /** center − 1σ and center − 2σ. */
  readonly minus1: number;
  readonly minus2: number;
}

/**
 * The ±1σ and ±2σ lines between a point's limits: σ above the centre is (ucl − center)/nsigmas, below it
 * (center − lcl)/nsigmas, the zones the run rules judge by (Montgomery §5.3.6; src/analytics/quality/rules.ts).
 * @example zoneLines({ center: 12, ucl: 12.03, lcl: 11.97 }, 3).plus2 // 12.02
 */
export function zoneLines(limits: Pick<PlottedValue, 'center' | 'ucl' | 'lcl'>, nsigmas: number): ZoneLines {
  const { center, ucl, lcl } = limits;
  const up = (ucl - center) / nsigmas;
  const down = (center - lcl) / nsigmas;
  return {
    center,
    ucl,
    lcl,
    plus1: center + up,
    plus2: center + 2 * up,
    minus1: center - down,
    minus2: center - 2 * down,
  };
}

/** A stretch of the time axis over which a chart's limits did not change. */
export interface LimitRun {
  /** Start and end on the time axis; the first run starts at −∞ and the last ends at +∞ (clip to the window). */
  readonly from: number;
  readonly to: number;
  readonly center: number;
  readonly ucl: number;
  readonly lcl: number;
}

/**
 * Limits as steps: consecutive points with the same limits form one run, and a change of limits (time-based
 * subgroups of another size) steps halfway between the two points. Limits are frozen for the chart, so they
 * extend to both ends of the window.
 */
export function limitRuns(points: readonly SpcPoint[], part: PlotPart): LimitRun[] {
  const runs: { from: number; to: number; center: number; ucl: number; lcl: number }[] = [];
  let previousTs: number | undefined;
  for (const point of points) {
    const p = point[part];
    if (!p) continue;
    const last = runs[runs.length - 1];
    if (last && last.center === p.center && last.ucl === p.ucl && last.lcl === p.lcl) {
      previousTs = point.ts;
      continue;
    }
    const boundary = previousTs === undefined ? -Infinity : (previousTs + point.ts) / 2;
    if (last) last.to = boundary;
    runs.push({ from: boundary, to: Infinity, center: p.center, ucl: p.ucl, lcl: p.lcl });
    previousTs = point.ts;
  }
  return runs;
}

/** "nelson.2: 9 points in a row on one side of the centre line", one line per rule that fired. */
export function violationText(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.rule}: ${v.description}`).join('\n');
}

/** How many plotted points of a part had a rule fire. */
export function countFlagged(points: readonly SpcPoint[], part: PlotPart): number {
  let n = 0;
  for (const point of points) if ((point[part]?.violations.length ?? 0) > 0) n++;
  return n;
}

/**
 * Spacing beyond which two subgroups are not joined by the line (the platform was stopped, the tag went quiet):
 * three times the median spacing, and never less than a minute.
 */
export function gapThreshold(times: readonly number[]): number {
  if (times.length < 3) return Infinity;
  const deltas: number[] = [];
  for (let i = 1; i < times.length; i++) deltas.push((times[i] ?? 0) - (times[i - 1] ?? 0));
  deltas.sort((a, b) => a - b);
  const median = deltas[Math.floor(deltas.length / 2)] ?? 0;
  return Math.max(3 * median, 60_000);
}

/** The value range a part needs: its values and its limits, with 6 % headroom so nothing sits on the frame. */
export function valueRange(points: readonly SpcPoint[], part: PlotPart): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const point of points) {
    const p = point[part];
    if (!p) continue;
    lo = Math.min(lo, p.value, p.lcl);
    hi = Math.max(hi, p.value, p.ucl);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * 0.06, hi + span * 0.06];
}

// ---- axes and labels ----

/**
 * Round tick values within [min, max], about `target` of them, stepped by 1, 2 or 5 × 10ⁿ.
 * @example niceTicks(11.96, 12.04, 5) // [11.96, 11.98, 12, 12.02, 12.04]
 */
export function niceTicks(min: number, max: number, target: number): number[] {
  if (!(max > min) || target < 1) return [];
  const raw = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step whose tick count comes nearest the target.
  const span = max - min;
  const count = (m: number): number => Math.abs(span / (m * magnitude) - target);
  const step = [1, 2, 5, 10].reduce((best, m) => (count(m) < count(best) ? m : best)) * magnitude;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toFixed(decimals)));
  }
  return ticks;
}

const TIME_STEPS_MS = [
  60_000,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3_600_000,
  2 * 3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
] as const;

/**
 * Time-axis ticks at round local times (14:00, 14:15, …), at most `maxTicks` of them.
 * @example timeTicks(from, from + 3_600_000, 6).stepMs // 15 min
 */
export function timeTicks(from: number, to: number, maxTicks: number): { ticks: number[]; stepMs: number } {
  const span = to - from;
  const stepMs = TIME_STEPS_MS.find((s) => span / s <= maxTicks) ?? 24 * 3_600_000;
  // Align to the local clock: the zone offset is the same for every tick but across a DST change.
  const offset = -new Date(from).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / stepMs) * stepMs - offset; t <= to; t += stepMs) ticks.push(t);
  return { ticks, stepMs };
}

/**
 * Moves labels apart so that none is closer than `gap` to the next, keeping their order and staying as near as
 * possible to where they belong; positions are pixels, e.g. the y of UCL, CL and LCL labels.
 * @example spreadLabels([100, 104, 200], 12) // [96, 108, 200]
 */
export function spreadLabels(positions: readonly number[], gap: number): number[] {
  const order = positions.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  // Clusters of labels that overlap are centred on their mean and spaced by `gap`; merging repeats until stable.
  type Cluster = { start: number; members: { y: number; i: number }[] };
  const clusters: Cluster[] = [];
  for (const item of order) {
    clusters.push({ start: item.y, members: [item] });
    for (;;) {
      const last = clusters[clusters.length - 1];
      const before = clusters[clusters.length - 2];
      if (!last || !before || before.start + before.members.length * gap <= last.start) break;
      const members = [...before.members, ...last.members];
      const mean = members.reduce((s, m) => s + m.y, 0) / members.length;
      clusters.splice(clusters.length - 2, 2, { start: mean - ((members.length - 1) * gap) / 2, members });
    }
  }
  const out = new Array<number>(positions.length).fill(0);
  for (const cluster of clusters) cluster.members.forEach((m, k) => (out[m.i] = cluster.start + k * gap));
  return out;
}

/**
 * Decimals that resolve a chart's values: one more than its tick step shows, so limits 0.01 apart read
 * "12.027" and "11.973" on a chart ticked every 0.01.
 * @example valueDecimals([11.97, 11.98, 11.99]) // 3
 */
export function valueDecimals(ticks: readonly number[]): number {
  const step = ticks.length > 1 ? Math.abs((ticks[1] ?? 0) - (ticks[0] ?? 0)) : 0;
  if (!(step > 0)) return 3;
  return Math.min(8, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) + 1);
}

/** Decimals of a tick label: as many as the step needs ("0.08", not "0.08000"). */
export function tickDecimals(ticks: readonly number[]): number {
  return Math.max(0, valueDecimals(ticks) - 1);
}

/** Decimals for a chart's centre and σ: σ to three significant digits, e.g. σ 0.0213 → 4 decimals. */
export function sigmaDecimals(sigma: number): number {
  if (!(sigma > 0) || !Number.isFinite(sigma)) return 3;
  return Math.min(8, Math.max(0, 2 - Math.floor(Math.log10(sigma))));
}

// ---- alarms ----

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Active alarms, most severe first, then the longest standing. */
export function sortActiveAlarms(alarms: readonly ActiveAlarm[]): ActiveAlarm[] {
  return [...alarms].sort(
    (a, b) => (SEVERITY_RANK[a.severity] ?? 4) - (SEVERITY_RANK[b.severity] ?? 4) || a.since - b.since,
  );
}

/** An SPC alarm event (raised or cleared) of one chart, read from a plant event. */
export interface SpcAlarmEvent {
  readonly id: string;
  readonly ts: number;
  readonly chart: string;
  readonly code: string;
  readonly rule: string;
  readonly statistic: string;
  readonly severity: string;
  readonly state: 'raised' | 'cleared';
  readonly message: string;
  readonly value?: number;
}

/** The SPC alarm an event is, or undefined for any other event (another kind, another alarm source). */
export function toSpcAlarm(event: PlantEvent): SpcAlarmEvent | undefined {
  if (event.kind !== 'alarm' || !event.code?.startsWith('spc.')) return undefined;
  if (event.state !== 'raised' && event.state !== 'cleared') return undefined;
  const data = event.data ?? {};
  const chart = data['chart'];
  if (typeof chart !== 'string') return undefined;
  const rule = typeof data['rule'] === 'string' ? data['rule'] : event.code.slice('spc.'.length);
  const value = data['value'];
  return {
    id: event.id,
    ts: event.ts,
    chart,
    code: event.code,
    rule,
    statistic: typeof data['statistic'] === 'string' ? data['statistic'] : '',
    severity: event.severity ?? 'medium',
    state: event.state,
    message: event.message ?? rule,
    ...(typeof value === 'number' ? { value } : {}),
  };
}

/**
 * A chart's alarm history, newest first and without duplicates: what a points request listed (oldest first),
 * merged with what the stream delivered since.
 */
export function alarmHistory(events: readonly PlantEvent[], chartId: string, limit = 200): SpcAlarmEvent[] {
  const byId = new Map<string, SpcAlarmEvent>();
  for (const event of events) {
    const alarm = toSpcAlarm(event);
    if (alarm && alarm.chart === chartId) byId.set(alarm.id, alarm);
  }
  return [...byId.values()].sort((a, b) => b.ts - a.ts || b.id.localeCompare(a.id)).slice(0, limit);
}

/**
 * An alarm message without the tag path it starts with (the page already says which chart it is).
 * @example alarmText('a/b/flange_height: 9 points in a row …', 'a/b/flange_height') // '9 points in a row …'
 */
export function alarmText(message: string, tagPath: string): string {
  const prefix = `${tagPath}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** Active alarms over all charts: the number in the header. */
export function activeAlarmTotal(charts: readonly ChartEntry[]): number {
  return charts.reduce((n, c) => n + c.status.activeAlarms.length, 0);
}

/** Charts sorted by tag path (naturally: press2 before press10), then id. */
export function sortCharts(charts: readonly ChartEntry[]): ChartEntry[] {
  return [...charts].sort(
    (a, b) => collator.compare(a.config.tag, b.config.tag) || collator.compare(a.config.id, b.config.id),
  );
}

/** A value with its unit ("12.0000 mm"), `decimals` fixed or about four significant digits. */
export function formatMeasure(value: number, unit: string, decimals?: number): string {
  const text = decimals === undefined ? formatNumber(value) : formatFixed(value, decimals);
  return unit ? `${text} ${unit}` : text;
}

const sameDayTime = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const otherDayTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** When an alarm happened, as short as is unambiguous: "14:03:12" today, "Nov 22, 23:58:01" another day. */
export function formatWhen(ts: number, now: number): string {
  const day = (t: number): string => new Date(t).toDateString();
  return (day(ts) === day(now) ? sameDayTime : otherDayTime).format(new Date(ts));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
