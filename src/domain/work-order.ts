/**
 * Maintenance work orders: a job on an asset, from a proposal (by a prediction or the assistant, which need a
 * person's approval) through assignment and work to done or cancelled, with every step kept in its history.
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { UserError } from './errors.js';
import { EpochMs } from './sample.js';

export const WORK_ORDER_STATUSES = [
  'proposed',
  'open',
  'assigned',
  'in_progress',
  'done',
  'cancelled',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const WORK_ORDER_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
/** EN 13306 flavoured: after a failure, on a schedule, from a condition or prediction, or an inspection. */
export const WORK_ORDER_KINDS = ['corrective', 'preventive', 'predictive', 'inspection'] as const;
export const WORK_ORDER_ACTIONS = ['approve', 'assign', 'start', 'close', 'cancel', 'comment'] as const;
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number];

export const WorkOrderId = z
  .string()
  .regex(/^WO-\d{6,}$/, 'a work order id looks like WO-000042')
  .meta({ example: 'WO-000042' });

/** What a work order points at: the events (alarms) that led to it, a model's prediction. */
export const WorkOrderLinks = z.object({
  events: z.array(z.string().max(100)).max(100).default([]),
  prediction: z
    .object({
      model: z.string().max(200),
      version: z.number().int().positive().optional(),
      ts: EpochMs.optional(),
      score: z.number().optional(),
      summary: z.string().max(500).optional(),
    })
    .optional(),
});

export const WorkOrderInput = z.object({
  asset: AssetPath,
  title: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  kind: z.enum(WORK_ORDER_KINDS).default('corrective'),
  priority: z.enum(WORK_ORDER_PRIORITIES).default('medium'),
  dueTs: EpochMs.optional(),
  /** A proposal waits for a person's approval before anyone works on it. */
  proposed: z.boolean().default(false),
  links: WorkOrderLinks.default({ events: [] }),
});
export type WorkOrderInput = z.input<typeof WorkOrderInput>;

export const WorkOrderHistoryEntry = z.object({
  ts: EpochMs,
  by: z.string(),
  action: z.enum(['created', ...WORK_ORDER_ACTIONS]),
  note: z.string().max(4000).optional(),
});
export type WorkOrderHistoryEntry = z.infer<typeof WorkOrderHistoryEntry>;

export const WorkOrder = z.object({
  id: WorkOrderId,
  asset: AssetPath,
  title: z.string(),
  description: z.string().optional(),
  kind: z.enum(WORK_ORDER_KINDS),
  priority: z.enum(WORK_ORDER_PRIORITIES),
  status: z.enum(WORK_ORDER_STATUSES),
  assignee: z.string().optional(),
  dueTs: EpochMs.optional(),
  createdAt: EpochMs,
  createdBy: z.string(),
  updatedAt: EpochMs,
  closedAt: EpochMs.optional(),
  resolution: z.string().optional(),
  failureCode: z.string().optional(),
  links: WorkOrderLinks,
  history: z.array(WorkOrderHistoryEntry),
});
export type WorkOrder = z.infer<typeof WorkOrder>;

/** A step on a work order: who, when, and what the step needs (an assignee, a resolution, a reason). */
export interface WorkOrderStep {
  readonly action: WorkOrderAction;
  readonly by: string;
  readonly at: number;
  readonly assignee?: string;
  readonly note?: string;
  readonly failureCode?: string;
}

/** From which statuses each action may be taken. */
const ALLOWED_FROM: Readonly<Record<WorkOrderAction, readonly WorkOrderStatus[]>> = {
  approve: ['proposed'],
  assign: ['open', 'assigned', 'in_progress'],
  start: ['open', 'assigned'],
  close: ['open', 'assigned', 'in_progress'],
  cancel: ['proposed', 'open', 'assigned', 'in_progress'],
  comment: WORK_ORDER_STATUSES,
};

/**
 * The work order after one step, or a UserError ('conflict' for a step its status does not allow, 'invalid_input'
 * for a missing assignee, resolution or reason). Pure: the caller stores the result.
 * @example applyWorkOrderStep(wo, { action: 'close', by: 'anna', at: now, note: 'bearing replaced' }).status // 'done'
 */
export function applyWorkOrderStep(wo: WorkOrder, step: WorkOrderStep): WorkOrder {
  if (!ALLOWED_FROM[step.action].includes(wo.status)) {
    throw new UserError(
      'conflict',
      `work order ${wo.id} is ${wo.status}; it cannot be ${pastTense(step.action)}`,
      {
        details: { id: wo.id, status: wo.status, action: step.action },
      },
    );
  }
  const note = step.note?.trim() || undefined;
  const history = [...wo.history, { ts: step.at, by: step.by, action: step.action, ...(note && { note }) }];
  // updatedAt only grows, even for two steps in one millisecond: the store compares it to detect a lost update.
  const base = { ...wo, updatedAt: Math.max(step.at, wo.updatedAt + 1), history };
  switch (step.action) {
    case 'approve':
      return { ...base, status: 'open' };
    case 'assign': {
      const assignee = step.assignee?.trim();
      if (!assignee) throw new UserError('invalid_input', 'assigning a work order needs an assignee');
      return { ...base, assignee, status: wo.status === 'in_progress' ? 'in_progress' : 'assigned' };
    }
    case 'start':
      return { ...base, status: 'in_progress' };
    case 'close':
      if (!note)
        throw new UserError('invalid_input', 'closing a work order needs a resolution: what was done');
      return {
        ...base,
        status: 'done',
        closedAt: step.at,
        resolution: note,
        ...(step.failureCode !== undefined && { failureCode: step.failureCode }),
      };
    case 'cancel':
      if (!note) throw new UserError('invalid_input', 'cancelling a work order needs a reason');
      return { ...base, status: 'cancelled', closedAt: step.at };
    case 'comment':
      if (!note) throw new UserError('invalid_input', 'a comment needs text');
      return base;
  }
}

function pastTense(action: WorkOrderAction): string {
  return {
    approve: 'approved',
    assign: 'assigned',
    start: 'started',
    close: 'closed',
    cancel: 'cancelled',
    comment: 'commented on',
  }[action];
}
