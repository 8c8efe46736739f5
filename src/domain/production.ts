/**
 * Production orders and the schedules that place their operations on machines. An order has a routing: operations
 * in order, each runnable on one or more machines (assets) with its own minutes there. A schedule is either the
 * active plan, or a proposal (a rescheduling after a machine went down, a rush order) that waits for a planner's
 * approval; approving it supersedes the active one. Nothing changes the active plan without a person.
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { UserError } from './errors.js';
import { EpochMs } from './sample.js';

export const ORDER_STATUSES = ['planned', 'done', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const SCHEDULE_STATUSES = ['active', 'proposed', 'superseded', 'rejected'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

export const OrderId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-" and ".", at most 64')
  .meta({ example: 'SO-1001' });

export const RoutingStep = z.object({
  id: z.string().min(1).max(64).meta({ example: 'press' }),
  /** The machines that can run the step, each with its minutes there (processing, per order). */
  alternatives: z
    .array(z.object({ machine: AssetPath, minutes: z.number().positive().max(1e6) }))
    .min(1)
    .max(50),
  /** Setup family (die, material, colour): changing family on a machine costs the setup minutes. */
  family: z.string().max(64).optional(),
});
export type RoutingStep = z.infer<typeof RoutingStep>;

export const ProductionOrderInput = z.object({
  id: OrderId,
  item: z.string().max(200).optional(),
  quantity: z.number().positive().optional(),
  /** Not before. */
  releaseTs: EpochMs.optional(),
  dueTs: EpochMs.optional(),
  /** Weight of its tardiness (priority); default 1. */
  weight: z.number().positive().max(1000).default(1),
  operations: z.array(RoutingStep).min(1).max(200),
});
export type ProductionOrderInput = z.input<typeof ProductionOrderInput>;

export const ProductionOrder = ProductionOrderInput.extend({
  status: z.enum(ORDER_STATUSES),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type ProductionOrder = z.infer<typeof ProductionOrder>;

/** Checks what a schema cannot: step ids unique within the order. */
export function checkRouting(order: { id: string; operations: readonly RoutingStep[] }): void {
  const seen = new Set<string>();
  for (const step of order.operations) {
    if (seen.has(step.id)) {
      throw new UserError(
        'invalid_input',
        `order ${order.id}: step "${step.id}" appears twice in its routing`,
      );
    }
    seen.add(step.id);
  }
}

export const ScheduledOperation = z.object({
  order: z.string(),
  operation: z.string(),
  machine: AssetPath,
  start: EpochMs,
  end: EpochMs,
  /** Setup before `start` on this machine, ms. */
  setupMs: z.number().nonnegative(),
});
export type ScheduledOperation = z.infer<typeof ScheduledOperation>;

export const ScheduleChange = z.object({
  order: z.string(),
  operation: z.string(),
  kind: z.enum(['moved', 'machine_changed', 'added']),
  from: z.object({ machine: z.string(), start: EpochMs, end: EpochMs }).optional(),
  to: z.object({ machine: z.string(), start: EpochMs, end: EpochMs }),
});
export type ScheduleChange = z.infer<typeof ScheduleChange>;

export const ScheduleObjective = z.object({
  /** Weight of the makespan (minutes). */
  makespan: z.number().nonnegative().default(1),
  /** Weight of the total weighted tardiness (minutes). */
  tardiness: z.number().nonnegative().default(0),
});

export const ScheduleId = z
  .string()
  .regex(/^SCH-\d{6,}$/, 'a schedule id looks like SCH-000042')
  .meta({ example: 'SCH-000042' });

export const Schedule = z.object({
  id: ScheduleId,
  status: z.enum(SCHEDULE_STATUSES),
  createdAt: EpochMs,
  createdBy: z.string(),
  updatedAt: EpochMs,
  /** Time zero of the plan (its times are whole minutes from here). */
  origin: EpochMs,
  objective: ScheduleObjective,
  /** Setup minutes on changing family, from → to (the same for every machine). */
  setups: z.record(z.string(), z.record(z.string(), z.number().nonnegative())).optional(),
  operations: z.array(ScheduledOperation),
  /** Finish of the last operation. */
  endTs: EpochMs,
  makespanMinutes: z.number().nonnegative(),
  weightedTardinessMinutes: z.number().nonnegative(),
  /** The objective value (weighted makespan + weighted tardiness, minutes) and its lower bound. */
  value: z.number().nonnegative(),
  lowerBound: z.number().nonnegative().optional(),
  /** A proposal: what prompted it, the plan it would replace and what it changes. */
  trigger: z
    .object({
      kind: z.enum(['machine_down', 'rush_order', 'overrun', 'manual']),
      summary: z.string().max(500),
      asset: z.string().optional(),
      eventId: z.string().optional(),
      ts: EpochMs,
      /** machine_down: when the machine is expected back. */
      until: EpochMs.optional(),
    })
    .optional(),
  baseId: ScheduleId.optional(),
  changes: z.array(ScheduleChange).optional(),
  /** A proposal's objective: the old plan repaired (right-shifted) vs this one, and its disruption penalty. */
  comparison: z.object({ before: z.number(), after: z.number(), disruption: z.number() }).optional(),
  decision: z
    .object({
      by: z.string(),
      at: EpochMs,
      verdict: z.enum(['approved', 'rejected']),
      note: z.string().max(2000).optional(),
    })
    .optional(),
});
export type Schedule = z.infer<typeof Schedule>;
