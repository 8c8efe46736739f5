/** Maintenance work orders: create (or propose), list, read, and the steps of their life. */
import { z } from 'zod';
import {
  AssetPath,
  UserError,
  WORK_ORDER_STATUSES,
  WorkOrder,
  WorkOrderId,
  WorkOrderInput,
  type WorkOrderAction,
  applyWorkOrderStep,
} from '../../domain/index.js';
import { type OperationContext, type OperationPreview, defineOperation } from '../operation.js';
import { PositiveInt, listArg } from './common.js';

const Output = z.object({ workOrder: WorkOrder });

export const createWorkOrder = defineOperation({
  name: 'workorders.create',
  description:
    'Open a maintenance work order on an asset (corrective, preventive, predictive, inspection), linked to the events ' +
    'or prediction behind it. With proposed=true it waits for a person to approve it (workorders.approve).',
  input: WorkOrderInput,
  output: Output,
  permission: 'operator',
  http: { method: 'POST', path: '/workorders' },
  audit: true,
  handler: async (input, { services, principal }) => {
    if (!(await services.store.getAsset(input.asset))) {
      throw new UserError('not_found', `no asset "${input.asset}"`, { details: { asset: input.asset } });
    }
    const now = services.clock.now();
    const { proposed, ...fields } = input;
    const workOrder = await services.store.createWorkOrder({
      ...fields,
      status: proposed ? 'proposed' : 'open',
      createdAt: now,
      createdBy: principal.name,
      updatedAt: now,
      history: [{ ts: now, by: principal.name, action: 'created' }],
    });
    return { workOrder };
  },
  preview: async (input, { services }) => {
    const asset = await services.store.getAsset(input.asset);
    if (!asset)
      throw new UserError('not_found', `no asset "${input.asset}"`, { details: { asset: input.asset } });
    const { proposed, ...fields } = input;
    return {
      summary:
        `${proposed ? 'Propose' : 'Open'} a ${input.priority}-priority ${input.kind} work order on ` +
        `${asset.name} (${input.asset}): “${input.title}”`,
      preview: { workOrder: { ...fields, assetName: asset.name, status: proposed ? 'proposed' : 'open' } },
    };
  },
});

export const listWorkOrders = defineOperation({
  name: 'workorders.list',
  description: 'Work orders at or below an asset, newest first, optionally only some statuses.',
  input: z.object({
    under: AssetPath.optional(),
    status: listArg(z.enum(WORK_ORDER_STATUSES))
      .optional()
      .meta({ description: 'e.g. "open,assigned,in_progress"' }),
    limit: PositiveInt(10_000).default(200),
  }),
  output: z.object({ workOrders: z.array(WorkOrder) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/workorders' },
  audit: false,
  handler: async (input, { services }) => ({
    workOrders: await services.store.listWorkOrders({
      limit: input.limit,
      ...(input.under !== undefined && { assetPrefix: input.under }),
      ...(input.status !== undefined && { statuses: input.status }),
    }),
  }),
});

export const getWorkOrder = defineOperation({
  name: 'workorders.get',
  description: 'One work order with its whole history.',
  input: z.object({ id: WorkOrderId }),
  output: Output,
  permission: 'viewer',
  http: { method: 'GET', path: '/workorders/get' },
  audit: false,
  handler: async ({ id }, { services }) => ({ workOrder: await requireWorkOrder(services, id) }),
});

async function requireWorkOrder(services: OperationContext['services'], id: string): Promise<WorkOrder> {
  const found = await services.store.getWorkOrder(id);
  if (!found) throw new UserError('not_found', `no work order ${id}`, { details: { id } });
  return found;
}

/** One step of a work order's life as an operation: read, apply (pure, in the domain), store if unchanged since. */
function stepOperation(
  action: Exclude<WorkOrderAction, 'assign' | 'close'>,
  description: string,
  permission: 'operator' | 'engineer',
  noteDescription: string,
) {
  return defineOperation({
    name: `workorders.${action}`,
    description,
    input: z.object({
      id: WorkOrderId,
      note: z.string().max(4000).optional().meta({ description: noteDescription }),
    }),
    output: Output,
    permission,
    http: { method: 'POST', path: `/workorders/${action}` },
    audit: true,
    handler: async ({ id, note }, context) =>
      step(context, id, { action, ...(note !== undefined && { note }) }),
    preview: async ({ id, note }, context) =>
      previewStep(context, id, { action, ...(note !== undefined && { note }) }),
  });
}

async function step(
  { services, principal }: OperationContext,
  id: string,
  change: { action: WorkOrderAction; note?: string; assignee?: string; failureCode?: string },
): Promise<{ workOrder: WorkOrder }> {
  const current = await requireWorkOrder(services, id);
  const workOrder = applyWorkOrderStep(current, { ...change, by: principal.name, at: services.clock.now() });
  await services.store.updateWorkOrder(workOrder, current.updatedAt);
  return { workOrder };
}

const STEP_VERBS: Readonly<Record<WorkOrderAction, string>> = {
  approve: 'Approve',
  assign: 'Assign',
  start: 'Start',
  close: 'Close',
  cancel: 'Cancel',
  comment: 'Comment on',
};

/** A step worked out on the work order as it is now, not stored: its status before and after. */
async function previewStep(
  { services, principal }: OperationContext,
  id: string,
  change: { action: WorkOrderAction; note?: string; assignee?: string; failureCode?: string },
): Promise<OperationPreview> {
  const current = await requireWorkOrder(services, id);
  const next = applyWorkOrderStep(current, { ...change, by: principal.name, at: services.clock.now() });
  const to = next.assignee !== undefined && next.assignee !== current.assignee ? ` to ${next.assignee}` : '';
  return {
    summary:
      `${STEP_VERBS[change.action]} work order ${id} “${current.title}” on ${current.asset}${to}: ` +
      `${current.status} → ${next.status}`,
    preview: {
      workOrder: {
        id,
        title: current.title,
        asset: current.asset,
        kind: current.kind,
        priority: current.priority,
      },
      status: { from: current.status, to: next.status },
      ...(next.assignee !== current.assignee && {
        assignee: { from: current.assignee ?? null, to: next.assignee ?? null },
      }),
      ...(change.note !== undefined && { [change.action === 'close' ? 'resolution' : 'note']: change.note }),
      ...(change.failureCode !== undefined && { failureCode: change.failureCode }),
    },
  };
}

export const approveWorkOrder = stepOperation(
  'approve',
  'Approve a proposed work order (one a prediction or the assistant proposed), which opens it.',
  'engineer',
  'Why it is approved',
);
export const startWorkOrder = stepOperation('start', 'Start work on a work order.', 'operator', 'A remark');
export const cancelWorkOrder = stepOperation(
  'cancel',
  'Cancel a work order that is not done (a reason is required).',
  'engineer',
  'Why it is cancelled (required)',
);
export const commentWorkOrder = stepOperation(
  'comment',
  'Add a remark to a work order’s history.',
  'operator',
  'The remark (required)',
);

export const assignWorkOrder = defineOperation({
  name: 'workorders.assign',
  description: 'Give a work order to a person (or hand it over to another).',
  input: z.object({
    id: WorkOrderId,
    assignee: z.string().min(1).max(100),
    note: z.string().max(4000).optional(),
  }),
  output: Output,
  permission: 'operator',
  http: { method: 'POST', path: '/workorders/assign' },
  audit: true,
  handler: async ({ id, assignee, note }, context) =>
    step(context, id, { action: 'assign', assignee, ...(note !== undefined && { note }) }),
  preview: async ({ id, assignee, note }, context) =>
    previewStep(context, id, { action: 'assign', assignee, ...(note !== undefined && { note }) }),
});

export const closeWorkOrder = defineOperation({
  name: 'workorders.close',
  description: 'Close a work order as done, saying what was done and, for a failure, its code.',
  input: z.object({
    id: WorkOrderId,
    resolution: z.string().min(1).max(4000).meta({ description: 'What was done' }),
    failureCode: z.string().max(100).optional().meta({ example: 'bearing_worn' }),
  }),
  output: Output,
  permission: 'operator',
  http: { method: 'POST', path: '/workorders/close' },
  audit: true,
  handler: async ({ id, resolution, failureCode }, context) =>
    step(context, id, {
      action: 'close',
      note: resolution,
      ...(failureCode !== undefined && { failureCode }),
    }),
  preview: async ({ id, resolution, failureCode }, context) =>
    previewStep(context, id, {
      action: 'close',
      note: resolution,
      ...(failureCode !== undefined && { failureCode }),
    }),
});

export const WORK_ORDER_OPERATIONS = [
  createWorkOrder,
  listWorkOrders,
  getWorkOrder,
  approveWorkOrder,
  assignWorkOrder,
  startWorkOrder,
  closeWorkOrder,
  cancelWorkOrder,
  commentWorkOrder,
] as const;
