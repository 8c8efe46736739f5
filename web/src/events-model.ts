/**
 * The plant view's events panel, the pure part: the wire shape of /api/v1/events, merging what the API listed with
 * what the stream delivers, active alarms versus history, and how an event reads (asset, state, highlights).
 */
import * as z from 'zod/mini';
import { formatCompact } from './format.js';
import { isUnder } from './model.js';
import { PlantEvent, alarmText } from './spc-model.js';

/** A plant event with what a machine-state change adds: its reason code ("tool_change", "bearing_overheat"). */
export const EventRecord = z.extend(PlantEvent, { reason: z.nullish(z.string()) });
export type EventRecord = z.infer<typeof EventRecord>;
export const EventListResponse = z.object({ events: z.array(EventRecord) });

/** How far back the panel looks, and how many events it asks for. */
export const EVENTS_FROM = 'now-24h';
export const EVENTS_LIMIT = 200;
/** What the panel keeps as live events pile up on top of a listing. */
export const EVENTS_KEPT = 500;

export const EVENT_FILTERS = [
  { id: 'all', label: 'All' },
  { id: 'alarm', label: 'Alarms' },
  { id: 'machine_state', label: 'Machine states' },
] as const;
export type EventFilter = (typeof EVENT_FILTERS)[number]['id'];

export function isEventFilter(value: string | undefined): value is EventFilter {
  return EVENT_FILTERS.some((f) => f.id === value);
}

export function matchesFilter(event: Pick<EventRecord, 'kind'>, filter: EventFilter): boolean {
  return filter === 'all' || event.kind === filter;
}

/** Newest first; events of the same millisecond in a stable order (by id, newest id first). */
function newestFirst(a: EventRecord, b: EventRecord): number {
  return b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Events of both lists, each id once (the later list wins: a refetch may know more than the stream said), newest
 * first and at most `limit`.
 * @example mergeEvents(listed, streamed) // streamed events on top, duplicates of listed ones dropped
 */
export function mergeEvents(
  current: readonly EventRecord[],
  incoming: readonly EventRecord[],
  limit = EVENTS_KEPT,
): EventRecord[] {
  const byId = new Map<string, EventRecord>();
  for (const event of current) byId.set(event.id, event);
  for (const event of incoming) byId.set(event.id, event);
  return [...byId.values()].sort(newestFirst).slice(0, limit);
}

/** The events at or below an asset (the stream may deliver others, e.g. for a charted tag elsewhere). */
export function eventsUnder<E extends Pick<EventRecord, 'asset'>>(events: readonly E[], under: string): E[] {
  return events.filter((e) => isUnder(e.asset, under));
}

/**
 * What makes two alarm events the same alarm: its asset, its source (the SPC chart or the model that raised it),
 * the statistic for SPC (a chart alarms on X̄ and on R independently) and its code. Undefined for other events.
 */
export function alarmKey(event: EventRecord): string | undefined {
  if (event.kind !== 'alarm' || !event.code) return undefined;
  const data = event.data ?? {};
  const source = stringField(data, 'chart') ?? stringField(data, 'model') ?? '';
  const statistic = stringField(data, 'statistic') ?? '';
  return [event.asset, source, statistic, event.code].join('\u0000');
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface ActiveAndHistory {
  /** Alarms whose latest event is a raise: most severe first, then newest. */
  readonly active: EventRecord[];
  /** Everything else, newest first (the raises listed as active are not repeated). */
  readonly history: EventRecord[];
}

/**
 * Splits events into the alarms still standing and the rest. An alarm stands when its last event (by time) in the
 * list is `raised`: a raise older than the listing's window, or cleared before it, is not seen.
 */
export function splitActive(events: readonly EventRecord[]): ActiveAndHistory {
  const latest = new Map<string, EventRecord>();
  for (const event of [...events].sort(newestFirst).reverse()) {
    const key = alarmKey(event);
    if (key !== undefined && (event.state === 'raised' || event.state === 'cleared')) latest.set(key, event);
  }
  const active = [...latest.values()]
    .filter((e) => e.state === 'raised')
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || newestFirst(a, b));
  const activeIds = new Set(active.map((e) => e.id));
  const history = events.filter((e) => !activeIds.has(e.id)).sort(newestFirst);
  return { active, history };
}

function severityRank(severity: string | null | undefined): number {
  return SEVERITY_RANK[severity ?? ''] ?? 4;
}

/** How many events each filter chip would show. */
export function filterCounts(events: readonly EventRecord[]): Record<EventFilter, number> {
  const counts: Record<EventFilter, number> = { all: events.length, alarm: 0, machine_state: 0 };
  for (const event of events) {
    if (event.kind === 'alarm') counts.alarm += 1;
    else if (event.kind === 'machine_state') counts.machine_state += 1;
  }
  return counts;
}

/**
 * Where an event happened, relative to the selected asset: '' for the asset itself, else the path below it.
 * @example relativeAsset('acme/plant1/line1/press1', 'acme/plant1/line1') // 'press1'
 */
export function relativeAsset(asset: string, under: string): string {
  if (asset === under) return '';
  return isUnder(asset, under) ? asset.slice(under.length + 1) : asset;
}

/** The kind as a badge says it. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'alarm':
      return 'Alarm';
    case 'machine_state':
      return 'State';
    case 'note':
      return 'Note';
    default:
      return kind;
  }
}

/**
 * A machine state as words: 'planned_stop' → 'planned stop'.
 * @example codeWords('bearing_overheat') // 'bearing overheat'
 */
export function codeWords(code: string): string {
  return code.replaceAll('_', ' ');
}

/** The message without the tag path an SPC alarm starts it with (the row says where it happened already). */
export function eventText(event: EventRecord): string {
  const message = event.message ?? '';
  return event.tag ? alarmText(message, event.tag) : message;
}

/**
 * A numeric map named `contributions` (feature → share of an anomaly score) as text, largest first. Shares that are
 * all within [0, 1] read as percentages, other numbers as they are; non-numeric entries are skipped.
 * @example contributionsText({ contributions: { motor_temp: 0.22, vibration_rms: 0.61 } })
 * // 'vibration_rms 61 %, motor_temp 22 %'
 */
export function contributionsText(
  data: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  const raw = data?.['contributions'];
  if (!isRecord(raw)) return undefined;
  const entries = Object.entries(raw).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
  );
  if (entries.length === 0) return undefined;
  const shares = entries.every(([, v]) => v >= 0 && v <= 1);
  return entries
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]))
    .map(([name, v]) => `${name} ${shares ? `${Math.round(v * 100)} %` : formatCompact(v)}`)
    .join(', ');
}

/** A short fact of an alarm's data, shown under its message. */
export interface Highlight {
  readonly label: string;
  readonly text: string;
}

/**
 * What an alarm's `data` adds to its message: the SPC chart or model that raised it, its score against the
 * threshold, and the features' contributions. Other events have none.
 * @example alarmHighlights({ kind: 'alarm', data: { model: 'press3-anomaly', score: 0.93, threshold: 0.8 }, … })
 * // [{ label: 'model', text: 'press3-anomaly' }, { label: 'score', text: '0.93 (threshold 0.8)' }]
 */
export function alarmHighlights(event: EventRecord): Highlight[] {
  if (event.kind !== 'alarm') return [];
  const data = event.data ?? {};
  const out: Highlight[] = [];
  const chart = stringField(data, 'chart');
  if (chart) out.push({ label: 'chart', text: chart });
  const model = stringField(data, 'model');
  if (model) {
    const version = data['version'];
    out.push({ label: 'model', text: typeof version === 'number' ? `${model} v${version}` : model });
  }
  const score = numberField(data, 'score');
  const threshold = numberField(data, 'threshold');
  if (score !== undefined) {
    const limit = threshold !== undefined ? ` (threshold ${formatCompact(threshold)})` : '';
    out.push({ label: 'score', text: `${formatCompact(score)}${limit}` });
  }
  const contributions = contributionsText(data);
  if (contributions) out.push({ label: 'contributions', text: contributions });
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(data: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(data: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = data[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
