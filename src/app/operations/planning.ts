/**
 * Production orders and their schedule: create and list orders, solve the open ones into the active schedule,
 * propose repairs (by hand, or automatically when a machine goes down), and approve or reject proposals. Changing
 * the plan needs the planner role (engineers and admins have it too); every change is audited.
 */
import { z } from 'zod';
import {
  ORDER_STATUSES,
  OrderId,
  ProductionOrder,
  ProductionOrderInput,
  SCHEDULE_STATUSES,
  Schedule,
  ScheduleId,
  ScheduleObjective,
  UserError,
  checkRouting,
} from '../../domain/index.js';
import { activeSchedule, decideProposal, proposeReschedule, solveActive } from '../planning/planner.js';
import { renderGanttSvg } from '../../analytics/planning/gantt.js';
import { type OperationContext, type OperationPreview, defineOperation } from '../operation.js';
import { PositiveInt, TimeArg, listArg, resolveTime, resolveWindow } from './common.js';

async function checkMachines(
  { services }: OperationContext,
  orders: readonly { id: string; operations: ProductionOrder['operations'] }[],
): Promise<void> {
  const seen = new Set<string>();
  for (const order of orders) {
    checkRouting(order);
    for (const step of order.operations) {
      for (const { machine } of step.alternatives) {
        if (seen.has(machine)) continue;
        if (!(await services.store.getAsset(machine))) {
          throw new UserError(
            'not_found',
            `order ${order.id}, step ${step.id}: no machine (asset) "${machine}"`,
            { details: { asset: machine } },
          );
        }
        seen.add(machine);
      }
    }
  }
}

export const createOrders = defineOperation({
  name: 'orders.create',
  description:
    'Add production orders: an id, optional item, quantity, release and due times, a tardiness weight, and the ' +
    'routing — steps in order, each with the machines (assets) that can run it and its minutes on each, and an ' +
    'optional setup family. All or none are stored.',
  input: z.object({ orders: z.array(ProductionOrderInput).min(1).max(10_000) }),
  output: z.object({ orders: z.array(ProductionOrder) }),
  permission: 'planner',
  http: { method: 'POST', path: '/orders' },
  audit: true,
  handler: async (input, context) => {
    await checkMachines(context, input.orders);
    const ids = new Set<string>();
    for (const order of input.orders) {
      if (ids.has(order.id)) throw new UserError('invalid_input', `order ${order.id} appears twice`);
      ids.add(order.id);
      if (await context.services.store.getOrder(order.id)) {
        throw new UserError('already_exists', `order ${order.id} already exists`, {
          details: { id: order.id },
        });
      }
    }
    const now = context.services.clock.now();
    const created = input.orders.map((order) => ({
      ...order,
      status: 'planned' as const,
      createdAt: now,
      updatedAt: now,
    }));
    for (const order of created) await context.services.store.createOrder(order);
    return { orders: created };
  },
});

export const listOrders = defineOperation({
  name: 'orders.list',
  description: 'Production orders, oldest first, optionally only some statuses (planned, done, cancelled).',
  input: z.object({
    status: listArg(z.enum(ORDER_STATUSES)).optional(),
    limit: PositiveInt(10_000).default(1000),
  }),
  output: z.object({ orders: z.array(ProductionOrder) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/orders' },
  audit: false,
  handler: async (input, { services }) => ({
    orders: await services.store.listOrders({
      ...(input.status !== undefined && { statuses: input.status }),
      limit: input.limit,
    }),
  }),
});

export const closeOrder = defineOperation({
  name: 'orders.close',
  description: 'Mark an order done or cancelled: the next schedule leaves it out.',
  input: z.object({ id: OrderId, status: z.enum(['done', 'cancelled']) }),
  output: z.object({ order: ProductionOrder }),
  permission: 'planner',
  http: { method: 'POST', path: '/orders/close' },
  audit: true,
  handler: async (input, { services }) => {
    const order = await services.store.getOrder(input.id);
    if (!order) throw new UserError('not_found', `no order ${input.id}`);
    const closed = { ...order, status: input.status, updatedAt: services.clock.now() };
    await services.store.updateOrder(closed);
    return { order: closed };
  },
});

const Budget = {
  timeLimit: z.coerce.number().positive().max(600).default(5).meta({ description: 'Search time, seconds' }),
  seed: z.coerce.number().int().min(0).default(1),
};

export const solveSchedule = defineOperation({
  name: 'schedule.solve',
  description:
    'Schedule every open order from a start time (default now): the routing steps on their machines, releases, ' +
    'setups between families, machine windows closed to work; minimising weighted makespan + weighted tardiness ' +
    '(minutes). The result becomes the active schedule (the planner’s own decision); the previous one is superseded.',
  input: z.object({
    from: TimeArg.default('now').meta({ description: 'Time zero of the plan' }),
    objective: ScheduleObjective.default({ makespan: 1, tardiness: 0 }),
    setups: z
      .record(z.string(), z.record(z.string(), z.number().nonnegative()))
      .optional()
      .meta({ description: 'Setup minutes from family to family, e.g. {"A": {"B": 20}}' }),
    unavailable: z
      .array(
        z.object({ machine: z.string(), from: TimeArg, to: TimeArg, reason: z.string().max(200).optional() }),
      )
      .default([]),
    ...Budget,
  }),
  output: z.object({ schedule: Schedule }),
  permission: 'planner',
  http: { method: 'POST', path: '/schedule/solve' },
  audit: true,
  handler: async (input, { services, principal, signal }) => {
    const now = services.clock.now();
    const origin = resolveTime(input.from, now);
    const unavailable = input.unavailable.map((u) => {
      const w = resolveWindow(u.from, u.to, now);
      return {
        machine: u.machine,
        start: w.from,
        end: w.to,
        ...(u.reason !== undefined && { reason: u.reason }),
      };
    });
    const schedule = await solveActive(services, {
      origin,
      objective: input.objective,
      ...(input.setups !== undefined && { setups: input.setups }),
      unavailable,
      timeLimitMs: input.timeLimit * 1000,
      seed: input.seed,
      by: principal.name,
      ...(signal !== undefined && { signal }),
    });
    return { schedule };
  },
});

export const getSchedule = defineOperation({
  name: 'schedule.get',
  description: 'One schedule by id, or the active one.',
  input: z.object({ id: ScheduleId.optional() }),
  output: z.object({ schedule: Schedule }),
  permission: 'viewer',
  http: { method: 'GET', path: '/schedule' },
  audit: false,
  handler: async (input, { services }) => {
    const schedule =
      input.id === undefined
        ? await activeSchedule(services.store)
        : await services.store.getSchedule(input.id);
    if (!schedule) {
      throw new UserError(
        'not_found',
        input.id === undefined ? 'there is no active schedule' : `no schedule ${input.id}`,
      );
    }
    return { schedule };
  },
});

export const listSchedules = defineOperation({
  name: 'schedule.list',
  description: 'Schedules newest first, e.g. the proposals waiting for a decision (status=proposed).',
  input: z.object({
    status: listArg(z.enum(SCHEDULE_STATUSES)).optional(),
    limit: PositiveInt(1000).default(50),
  }),
  output: z.object({ schedules: z.array(Schedule) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/schedules' },
  audit: false,
  handler: async (input, { services }) => ({
    schedules: await services.store.listSchedules({
      ...(input.status !== undefined && { statuses: input.status }),
      limit: input.limit,
    }),
  }),
});

export const rescheduleProposal = defineOperation({
  name: 'schedule.reschedule',
  description:
    'Propose a repair of the active schedule for a disruption — machine_down (asset, from, to), overrun (order, ' +
    'operation, extraMinutes) or rush_order (an order id already created) — that moves as little as it can. The ' +
    'proposal waits for schedule.approve.',
  input: z.object({
    kind: z.enum(['machine_down', 'overrun', 'rush_order']),
    asset: z.string().optional(),
    from: TimeArg.default('now'),
    to: TimeArg.optional(),
    order: OrderId.optional(),
    operation: z.string().optional(),
    extraMinutes: z.coerce.number().positive().optional(),
    ...Budget,
  }),
  output: z.object({ schedule: Schedule }),
  permission: 'planner',
  http: { method: 'POST', path: '/schedule/reschedule' },
  audit: true,
  handler: async (input, { services, principal }) => {
    const now = services.clock.now();
    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new UserError('invalid_input', `${input.kind} needs ${what}`);
      return value;
    };
    let disruption: Parameters<typeof proposeReschedule>[1]['disruption'];
    let at = now;
    let summary: string;
    if (input.kind === 'machine_down') {
      const w = resolveWindow(input.from, need(input.to, 'to (when it is expected back)'), now);
      at = w.from;
      const machine = need(input.asset, 'an asset');
      disruption = { kind: 'machine_down', machine, start: w.from, end: w.to };
      summary = `${machine} unavailable ${new Date(w.from).toISOString()} – ${new Date(w.to).toISOString()}`;
    } else if (input.kind === 'overrun') {
      const order = need(input.order, 'an order');
      const operation = need(input.operation, 'an operation');
      const extraMinutes = need(input.extraMinutes, 'extraMinutes');
      disruption = { kind: 'overrun', order, operation, extraMinutes };
      summary = `${order} ${operation} runs ${extraMinutes} min longer`;
    } else {
      const id = need(input.order, 'an order (create it first with orders.create)');
      const order = await services.store.getOrder(id);
      if (!order) throw new UserError('not_found', `no order ${id}`);
      disruption = { kind: 'rush_order', order };
      summary = `rush order ${id}`;
    }
    const schedule = await proposeReschedule(services, {
      disruption,
      at,
      by: principal.name,
      summary,
      timeLimitMs: input.timeLimit * 1000,
      seed: input.seed,
    });
    return { schedule };
  },
});

export const scheduleGantt = defineOperation({
  name: 'schedule.gantt',
  description:
    'A schedule (by id, or the active one) drawn as a Gantt chart, SVG: a lane per machine, a colour per order, ' +
    'setups hatched, the time now; for a proposal, the moved and added operations outlined and the downtime that ' +
    'prompted it greyed.',
  input: z.object({
    id: ScheduleId.optional(),
    width: z.coerce.number().int().min(400).max(4000).default(1200),
  }),
  output: z.object({ id: ScheduleId, svg: z.string() }),
  permission: 'viewer',
  http: { method: 'GET', path: '/schedule/gantt' },
  audit: false,
  handler: async (input, { services }) => {
    const schedule =
      input.id === undefined
        ? await activeSchedule(services.store)
        : await services.store.getSchedule(input.id);
    if (!schedule) {
      throw new UserError(
        'not_found',
        input.id === undefined ? 'there is no active schedule' : `no schedule ${input.id}`,
      );
    }
    const assets = new Map((await services.store.listAssets()).map((a) => [a.path, a.name]));
    return { id: schedule.id, svg: ganttOf(schedule, assets, services.clock.now(), input.width) };
  },
});

const Decision = z.object({ id: ScheduleId, note: z.string().max(2000).optional() });

export const approveSchedule = defineOperation({
  name: 'schedule.approve',
  description: 'Approve a proposal: it becomes the active schedule, superseding the one it repaired.',
  input: Decision,
  output: z.object({ schedule: Schedule }),
  permission: 'planner',
  http: { method: 'POST', path: '/schedule/approve' },
  audit: true,
  handler: async (input, { services, principal }) => ({
    schedule: await decideProposal(services, input.id, 'approved', principal.name, input.note),
  }),
  preview: async (input, { services }) => previewDecision(services, input.id, 'approved'),
});

export const rejectSchedule = defineOperation({
  name: 'schedule.reject',
  description: 'Reject a proposal: the active schedule stays.',
  input: Decision,
  output: z.object({ schedule: Schedule }),
  permission: 'planner',
  http: { method: 'POST', path: '/schedule/reject' },
  audit: true,
  handler: async (input, { services, principal }) => ({
    schedule: await decideProposal(services, input.id, 'rejected', principal.name, input.note),
  }),
  preview: async (input, { services }) => previewDecision(services, input.id, 'rejected'),
});

/** A schedule's figures, for a preview. */
function figures(schedule: Schedule) {
  return {
    id: schedule.id,
    makespanMinutes: schedule.makespanMinutes,
    weightedTardinessMinutes: schedule.weightedTardinessMinutes,
    value: schedule.value,
    endTs: schedule.endTs,
    operations: schedule.operations.length,
  };
}

const figuresText = (s: Schedule) =>
  `makespan ${s.makespanMinutes} min, weighted tardiness ${s.weightedTardinessMinutes} min`;

/** What deciding a schedule proposal would do, refused for the reasons the decision itself would be. */
async function previewDecision(
  services: OperationContext['services'],
  id: string,
  verdict: 'approved' | 'rejected',
): Promise<OperationPreview> {
  const schedule = await services.store.getSchedule(id);
  if (!schedule) throw new UserError('not_found', `no schedule ${id}`);
  if (schedule.status !== 'proposed') {
    throw new UserError(
      'conflict',
      `schedule ${id} is ${schedule.status}, not a proposal waiting for a decision`,
    );
  }
  const active = await activeSchedule(services.store);
  const because = schedule.trigger ? ` — ${schedule.trigger.summary}` : '';
  if (verdict === 'rejected') {
    return {
      summary: `Reject schedule ${id}${because}; ${active ? `${active.id} stays active` : 'no schedule is active'}`,
      preview: {
        schedule: { ...figures(schedule), status: { from: 'proposed', to: 'rejected' } },
        ...(active && { active: figures(active) }),
      },
    };
  }
  if (active && active.id !== schedule.baseId) {
    throw new UserError(
      'conflict',
      `proposal ${id} repairs ${schedule.baseId ?? 'no schedule'}, but the active schedule is now ${active.id}: reschedule again`,
    );
  }
  return {
    summary:
      `Make schedule ${id} active (${figuresText(schedule)})` +
      `${active ? `, superseding ${active.id} (${figuresText(active)})` : ''}${because}`,
    preview: {
      schedule: {
        ...figures(schedule),
        status: { from: 'proposed', to: 'active' },
        changes: schedule.changes?.length ?? 0,
        ...(schedule.trigger && { trigger: schedule.trigger.summary }),
        ...(schedule.comparison && { comparison: schedule.comparison }),
      },
      ...(active && { supersedes: { ...figures(active), status: { from: 'active', to: 'superseded' } } }),
    },
  };
}

export const PLANNING_OPERATIONS = [
  createOrders,
  listOrders,
  closeOrder,
  solveSchedule,
  getSchedule,
  listSchedules,
  rescheduleProposal,
  approveSchedule,
  rejectSchedule,
  scheduleGantt,
];

/** The Gantt chart of a schedule, in minutes from its origin. */
function ganttOf(schedule: Schedule, names: ReadonlyMap<string, string>, now: number, width: number): string {
  const minutes = (ts: number) => (ts - schedule.origin) / 60_000;
  const changed = new Map((schedule.changes ?? []).map((c) => [`${c.order}\u0000${c.operation}`, c.kind]));
  const machines = [...new Set(schedule.operations.map((o) => o.machine))].sort();
  const trigger = schedule.trigger;
  return renderGanttSvg({
    title: `${schedule.id} (${schedule.status}): makespan ${schedule.makespanMinutes} min, weighted tardiness ${schedule.weightedTardinessMinutes} min`,
    rows: machines.map((id) => ({ id, label: names.get(id) ?? id.split('/').at(-1) ?? id })),
    bars: schedule.operations.map((o) => {
      const kind = changed.get(`${o.order}\u0000${o.operation}`);
      return {
        row: o.machine,
        start: minutes(o.start),
        end: minutes(o.end),
        label: o.order,
        group: o.order,
        setup: o.setupMs / 60_000,
        tooltip: `${o.order} ${o.operation} on ${names.get(o.machine) ?? o.machine}: ${new Date(o.start).toISOString().slice(11, 16)}–${new Date(o.end).toISOString().slice(11, 16)} UTC`,
        ...(kind !== undefined && { state: kind === 'added' ? ('added' as const) : ('moved' as const) }),
      };
    }),
    ...(trigger?.asset !== undefined &&
      trigger.until !== undefined && {
        unavailable: [
          { row: trigger.asset, start: minutes(trigger.ts), end: minutes(trigger.until), label: 'down' },
        ],
      }),
    now: minutes(now),
    origin: schedule.origin,
    timeUnit: 'min',
    width,
  });
}
