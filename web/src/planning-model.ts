/**
 * The Planning page, the pure part: the wire shapes of /api/v1/schedule(s), /schedule/gantt and /orders (mirroring
 * Schedule and ProductionOrder in src/domain/production.ts), and how a schedule and a proposal's changes read. No
 * DOM here.
 */
import * as z from 'zod/mini';
import { formatCompact } from './format.js';

// As in model.ts: optional fields accept null, and enumerations a newer server may extend (statuses, change kinds,
// trigger kinds) stay open strings, so a new value shows as itself instead of blanking the page.
const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

export const ScheduledOperation = z.object({
  order: z.string(),
  operation: z.string(),
  machine: z.string(),
  start: z.number(),
  end: z.number(),
  setupMs: z.number(),
});
export type ScheduledOperation = z.infer<typeof ScheduledOperation>;

const Placement = z.object({ machine: z.string(), start: z.number(), end: z.number() });
export type Placement = z.infer<typeof Placement>;

export const ScheduleChange = z.object({
  order: z.string(),
  operation: z.string(),
  /** 'moved' | 'machine_changed' | 'added' today. */
  kind: z.string(),
  from: z.nullish(Placement),
  to: Placement,
});
export type ScheduleChange = z.infer<typeof ScheduleChange>;

export const Schedule = z.object({
  id: z.string(),
  /** 'active' | 'proposed' | 'superseded' | 'rejected' today. */
  status: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  updatedAt: z.number(),
  origin: z.number(),
  operations: z.array(ScheduledOperation),
  endTs: z.number(),
  makespanMinutes: z.number(),
  weightedTardinessMinutes: z.number(),
  value: z.number(),
  trigger: z.nullish(
    z.object({
      /** 'machine_down' | 'rush_order' | 'overrun' | 'manual' today. */
      kind: z.string(),
      summary: z.string(),
      asset: optionalString,
      eventId: optionalString,
      ts: z.number(),
      until: optionalNumber,
    }),
  ),
  baseId: optionalString,
  changes: z.nullish(z.array(ScheduleChange)),
  comparison: z.nullish(z.object({ before: z.number(), after: z.number(), disruption: z.number() })),
  decision: z.nullish(
    z.object({ by: z.string(), at: z.number(), verdict: z.string(), note: optionalString }),
  ),
});
export type Schedule = z.infer<typeof Schedule>;
export const ScheduleResponse = z.object({ schedule: Schedule });
export const SchedulesResponse = z.object({ schedules: z.array(Schedule) });
export const GanttResponse = z.object({ id: z.string(), svg: z.string() });
export type GanttResponse = z.infer<typeof GanttResponse>;

export const ProductionOrder = z.object({
  id: z.string(),
  item: optionalString,
  quantity: optionalNumber,
  releaseTs: optionalNumber,
  dueTs: optionalNumber,
  weight: optionalNumber,
  status: z.string(),
});
export type ProductionOrder = z.infer<typeof ProductionOrder>;
export const OrdersResponse = z.object({ orders: z.array(ProductionOrder) });

/** A planner's verdict on a proposal: the endpoint it is posted to. */
export type Verdict = 'approve' | 'reject';

/** How often the page (and the tab's count of waiting proposals) is refreshed. */
export const PLANNING_POLL_MS = 30_000;
/** The bounds the server puts on a Gantt chart's width, px. */
export const GANTT_MIN_WIDTH = 400;
export const GANTT_MAX_WIDTH = 4000;

/**
 * The width to ask the server's Gantt for: the space it will fill, within the server's bounds; 1200 when unknown
 * (the panel is not laid out yet).
 * @example ganttWidth(930) // 930
 */
export function ganttWidth(available: number): number {
  if (!Number.isFinite(available) || available <= 0) return 1200;
  return Math.min(GANTT_MAX_WIDTH, Math.max(GANTT_MIN_WIDTH, Math.floor(available)));
}

/**
 * A machine (asset path) by its last segment, as the Gantt's lanes are named.
 * @example machineName('acme/plant1/stamping/line1/press3') // 'press3'
 */
export function machineName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/**
 * A text with every asset path in it (three or more segments) shortened to "…/" and its last segment.
 * @example shortenPaths('acme/plant1/stamping/line1/press3 went down') // '…/press3 went down'
 */
export function shortenPaths(text: string): string {
  return text.replaceAll(/[\w.-]+(?:\/[\w.-]+){2,}/g, (path) => `…/${machineName(path)}`);
}

/**
 * What prompted a proposal, as its card says it: asset paths shortened, ISO-8601 instants as UTC clock times (the
 * Gantt's axis), "(UTC)" added when there were some.
 * @example triggerText('a/b/press3 unavailable 2026-06-01T08:00:00.000Z – 2026-06-01T09:00:00.000Z', origin)
 * // '…/press3 unavailable 08:00 – 09:00 (UTC)'
 */
export function triggerText(summary: string, origin: number): string {
  let times = 0;
  const text = shortenPaths(summary).replaceAll(
    /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g,
    (iso) => {
      const ts = Date.parse(iso);
      if (!Number.isFinite(ts)) return iso;
      times += 1;
      return utcClock(ts, origin);
    },
  );
  return times > 0 ? `${text} (UTC)` : text;
}

/**
 * A change kind as words: 'machine_changed' → 'machine changed'.
 * @example changeKindLabel('added') // 'added'
 */
export function changeKindLabel(kind: string): string {
  return kind.replaceAll('_', ' ');
}

/**
 * An instant as the Gantt's axis shows it: the UTC clock time, with the day when it is not the day of `origin`.
 * @example utcClock(Date.parse('2026-06-01T14:05:00Z'), Date.parse('2026-06-01T08:00:00Z')) // '14:05'
 */
export function utcClock(ts: number, origin: number): string {
  const iso = new Date(ts).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(origin).toISOString().slice(0, 10);
  return sameDay ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** One row of a proposal's table of changes. */
export interface ChangeRow {
  readonly order: string;
  readonly operation: string;
  readonly kind: string;
  /** "press3 08:40–09:20", or '' for an added operation. */
  readonly from: string;
  readonly to: string;
  /** The machines' full paths, for a tooltip. */
  readonly fromMachine: string | undefined;
  readonly toMachine: string;
}

/**
 * A proposal's changes as rows, in the order they now start; times as on the Gantt (UTC, relative to the plan's
 * origin day).
 * @example changeRows(proposal)[0] // { order: 'SO-1003', operation: 'stamp', kind: 'machine changed', from: 'press3 08:40–09:20', to: 'press1 08:40–09:13', … }
 */
export function changeRows(schedule: Pick<Schedule, 'changes' | 'origin'>): ChangeRow[] {
  const place = (p: Placement) =>
    `${machineName(p.machine)} ${utcClock(p.start, schedule.origin)}–${utcClock(p.end, schedule.origin)}`;
  return [...(schedule.changes ?? [])]
    .sort(
      (a, b) =>
        a.to.start - b.to.start ||
        collator.compare(a.order, b.order) ||
        collator.compare(a.operation, b.operation),
    )
    .map((c) => ({
      order: c.order,
      operation: c.operation,
      kind: changeKindLabel(c.kind),
      from: c.from ? place(c.from) : '',
      to: place(c.to),
      fromMachine: c.from?.machine,
      toMachine: c.to.machine,
    }));
}

/** A proposal's objective (weighted makespan + weighted tardiness, minutes) against the repaired old plan. */
export interface ObjectiveComparison {
  /** "812 → 790 min". */
  readonly text: string;
  /** after − before, minutes: negative is better. */
  readonly delta: number;
  /** "−22 min", "+4 min" or "±0 min". */
  readonly deltaText: string;
  /** The penalty the search paid for moving operations (not minutes of the plan). */
  readonly disruption: string;
}

/**
 * How a proposal compares with the old plan repaired in place (right-shifted around the disruption).
 * @example compareObjective({ before: 812, after: 790, disruption: 35 }) // { text: '812 → 790 min', delta: -22, deltaText: '−22 min', disruption: '35' }
 */
export function compareObjective(comparison: Schedule['comparison']): ObjectiveComparison | undefined {
  if (!comparison) return undefined;
  const delta = comparison.after - comparison.before;
  const size = formatCompact(Math.abs(delta));
  return {
    text: `${formatCompact(comparison.before)} → ${formatCompact(comparison.after)} min`,
    delta,
    deltaText: delta === 0 ? '±0 min' : `${delta < 0 ? '−' : '+'}${size} min`,
    disruption: formatCompact(comparison.disruption),
  };
}

/** An order of the plan that finishes after its due time. */
export interface LateOrder {
  readonly id: string;
  readonly lateMinutes: number;
}

/**
 * The orders of a schedule that finish after their due time, the latest first. Orders without a due time, or not
 * in the listing, are never late.
 * @example lateOrders(schedule, orders) // [{ id: 'SO-1007', lateMinutes: 42 }]
 */
export function lateOrders(
  schedule: Pick<Schedule, 'operations'>,
  orders: readonly Pick<ProductionOrder, 'id' | 'dueTs'>[],
): LateOrder[] {
  const finish = new Map<string, number>();
  for (const op of schedule.operations)
    finish.set(op.order, Math.max(finish.get(op.order) ?? op.end, op.end));
  const late: LateOrder[] = [];
  for (const order of orders) {
    const end = finish.get(order.id);
    if (end === undefined || order.dueTs == null || end <= order.dueTs) continue;
    late.push({ id: order.id, lateMinutes: Math.round((end - order.dueTs) / 60_000) });
  }
  return late.sort((a, b) => b.lateMinutes - a.lateMinutes || collator.compare(a.id, b.id));
}

/** The orders a schedule places, counted once each. */
export function orderCount(schedule: Pick<Schedule, 'operations'>): number {
  return new Set(schedule.operations.map((o) => o.order)).size;
}

/**
 * The note the live rescheduler emits when it stored a proposal (src/app/planning/planner.ts): the page reloads on
 * it instead of waiting for its next poll.
 * @example isProposalNote({ kind: 'note', message: 'Rescheduling proposal SCH-000002: …' }) // true
 */
export function isProposalNote(event: {
  readonly kind: string;
  readonly message?: string | null | undefined;
}): boolean {
  return event.kind === 'note' && (event.message ?? '').startsWith('Rescheduling proposal');
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
