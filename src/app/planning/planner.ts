/**
 * Scheduling the plant's orders: plan problems built from the stored orders (whole minutes from an origin), solved
 * schedules stored in epoch ms, and rescheduling proposals when something happens — a machine goes down, a rush
 * order, an overrun. `LiveRescheduler` watches the machine-state events: when a machine of the active plan goes
 * down with work still ahead of it, it stores a proposal (the plan repaired around the expected downtime) and a
 * note event saying so. A proposal changes nothing until a planner approves it (schedule.approve).
 */
import {
  type PlanDisruption,
  type PlanProblem,
  type PlanSchedule,
  type PlanSolveResult,
  type RescheduleOptions,
  type RescheduleResult,
  reschedulePlan,
  solvePlan,
} from '../../analytics/planning/plan.js';
import type {
  Clock,
  EventInput,
  PlantEvent,
  ProductionOrder,
  ProductionRepository,
  Schedule,
  ScheduleChange,
  ScheduledOperation,
} from '../../domain/index.js';
import { UserError } from '../../domain/index.js';
import { WriteQueue } from '../stream-processor.js';

const MIN = 60_000;

export interface PlanSettings {
  readonly objective: { makespan: number; tardiness: number };
  readonly setups?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Machine windows closed to work, epoch ms. */
export interface Unavailability {
  readonly machine: string;
  readonly start: number;
  readonly end: number;
  readonly reason?: string;
}

const toMinutes = (ts: number, origin: number) => Math.round((ts - origin) / MIN);

/** The plan problem of the open orders, in whole minutes from `origin` (releases before it are at 0). */
export function planProblem(
  orders: readonly ProductionOrder[],
  origin: number,
  settings: PlanSettings,
  unavailable: readonly Unavailability[] = [],
): PlanProblem {
  const machines = new Set<string>();
  for (const order of orders) {
    for (const step of order.operations) for (const a of step.alternatives) machines.add(a.machine);
  }
  return {
    machines: [...machines].sort().map((id) => ({
      id,
      unavailable: unavailable
        .filter((u) => u.machine === id && u.end > origin)
        .map((u) => ({
          start: Math.max(0, Math.floor((u.start - origin) / MIN)),
          end: Math.ceil((u.end - origin) / MIN),
          ...(u.reason !== undefined && { reason: u.reason }),
        })),
    })),
    jobs: orders.map((order) => ({
      id: order.id,
      ...(order.releaseTs !== undefined && {
        release: Math.max(0, Math.ceil((order.releaseTs - origin) / MIN)),
      }),
      ...(order.dueTs !== undefined && { due: toMinutes(order.dueTs, origin) }),
      weight: order.weight,
      operations: order.operations.map((step) => ({
        id: step.id,
        ...(step.family !== undefined && { family: step.family }),
        alternatives: step.alternatives.map((a) => ({
          machine: a.machine,
          duration: Math.max(1, Math.round(a.minutes)),
        })),
      })),
    })),
    ...(settings.setups !== undefined && { setups: settings.setups }),
    objective: settings.objective,
  };
}

/** A plan schedule in epoch ms. */
export function scheduledOperations(plan: PlanSchedule, origin: number): ScheduledOperation[] {
  return plan.operations.map((op) => ({
    order: op.job,
    operation: op.operation,
    machine: op.machine,
    start: origin + op.start * MIN,
    end: origin + op.end * MIN,
    setupMs: op.setup * MIN,
  }));
}

/** A stored schedule back in plan minutes from its origin. */
export function planScheduleOf(schedule: Schedule): PlanSchedule {
  return {
    operations: schedule.operations.map((op) => ({
      job: op.order,
      operation: op.operation,
      machine: op.machine,
      start: toMinutes(op.start, schedule.origin),
      end: toMinutes(op.end, schedule.origin),
      setup: Math.round(op.setupMs / MIN),
    })),
    makespan: schedule.makespanMinutes,
    weightedTardiness: schedule.weightedTardinessMinutes,
    objective: schedule.value,
  };
}

/**
 * Where searches run. In process, a search holds the event loop for its whole time limit; the server runs them in
 * worker threads instead (src/server/plan-workers.ts: one seed per core, the best kept).
 */
export interface PlanSolver {
  solve(
    problem: PlanProblem,
    options: { timeLimitMs: number; seed: number; signal?: AbortSignal },
  ): Promise<PlanSolveResult>;
  reschedule(
    problem: PlanProblem,
    current: PlanSchedule,
    now: number,
    disruption: PlanDisruption,
    options: RescheduleOptions,
  ): Promise<RescheduleResult>;
}

/** The searches run right here, on the caller's thread. */
export const IN_PROCESS_PLAN_SOLVER: PlanSolver = {
  solve: (problem, options) => Promise.resolve(solvePlan(problem, options)),
  reschedule: (problem, current, now, disruption, options) =>
    Promise.resolve(reschedulePlan(problem, current, now, disruption, options)),
};

export interface PlannerDeps {
  readonly store: ProductionRepository;
  readonly clock: Clock;
  readonly planSolver: PlanSolver;
}

export interface SolveRequest extends PlanSettings {
  readonly origin: number;
  readonly timeLimitMs: number;
  readonly seed: number;
  readonly by: string;
  readonly unavailable?: readonly Unavailability[];
  readonly signal?: AbortSignal;
}

/** The orders still to make, oldest first. */
export async function openOrders(store: ProductionRepository): Promise<ProductionOrder[]> {
  return store.listOrders({ statuses: ['planned'], limit: 10_000 });
}

export async function activeSchedule(store: ProductionRepository): Promise<Schedule | undefined> {
  return (await store.listSchedules({ statuses: ['active'], limit: 1 }))[0];
}

/** Solves the open orders into a new active schedule (the planner's own action), superseding the active one. */
export async function solveActive(deps: PlannerDeps, request: SolveRequest): Promise<Schedule> {
  const orders = await openOrders(deps.store);
  if (orders.length === 0) throw new UserError('invalid_input', 'there are no open orders to schedule');
  const settings: PlanSettings = {
    objective: request.objective,
    ...(request.setups !== undefined && { setups: request.setups }),
  };
  const problem = planProblem(orders, request.origin, settings, request.unavailable);
  const result = await deps.planSolver.solve(problem, {
    timeLimitMs: request.timeLimitMs,
    seed: request.seed,
    ...(request.signal !== undefined && { signal: request.signal }),
  });
  const previous = await activeSchedule(deps.store);
  const now = deps.clock.now();
  const created = await deps.store.createSchedule({
    ...scheduleFields(result.schedule, request.origin, settings),
    status: 'active',
    createdAt: now,
    createdBy: request.by,
    updatedAt: now,
    lowerBound: result.lowerBound,
  });
  if (previous)
    await deps.store.updateSchedule(
      { ...previous, status: 'superseded', updatedAt: now },
      previous.updatedAt,
    );
  return created;
}

function scheduleFields(plan: PlanSchedule, origin: number, settings: PlanSettings) {
  const operations = scheduledOperations(plan, origin);
  return {
    origin,
    objective: settings.objective,
    ...(settings.setups !== undefined && { setups: settings.setups }),
    operations,
    endTs: Math.max(origin, ...operations.map((o) => o.end)),
    makespanMinutes: plan.makespan,
    weightedTardinessMinutes: plan.weightedTardiness,
    value: plan.objective,
  };
}

export interface ProposalRequest {
  readonly disruption:
    | { kind: 'machine_down'; machine: string; start: number; end: number; reason?: string }
    | { kind: 'rush_order'; order: ProductionOrder }
    | { kind: 'overrun'; order: string; operation: string; extraMinutes: number };
  /** When it happened (nothing may move before it). */
  readonly at: number;
  readonly by: string;
  readonly summary: string;
  readonly eventId?: string;
  readonly timeLimitMs: number;
  readonly seed: number;
}

/** Repairs the active schedule around a disruption and stores the result as a proposal. */
export async function proposeReschedule(deps: PlannerDeps, request: ProposalRequest): Promise<Schedule> {
  const active = await activeSchedule(deps.store);
  if (!active) throw new UserError('invalid_input', 'there is no active schedule to repair; solve one first');
  const orders = await openOrders(deps.store);
  const d = request.disruption;
  const settings: PlanSettings = {
    objective: active.objective,
    ...(active.setups !== undefined && { setups: active.setups }),
  };
  const planned = new Set(active.operations.map((o) => o.order));
  const inPlan = orders.filter((o) => planned.has(o.id));
  const problem = planProblem(inPlan, active.origin, settings);
  const origin = active.origin;
  const disruption: PlanDisruption =
    d.kind === 'machine_down'
      ? {
          kind: 'machine_down',
          machine: d.machine,
          start: Math.max(0, Math.floor((d.start - origin) / MIN)),
          end: Math.ceil((d.end - origin) / MIN),
          ...(d.reason !== undefined && { reason: d.reason }),
        }
      : d.kind === 'rush_order'
        ? {
            kind: 'rush_order',
            job: planProblem([d.order], origin, settings).jobs[0] ?? failNoJob(d.order.id),
          }
        : {
            kind: 'overrun',
            job: d.order,
            operation: d.operation,
            extra: Math.max(1, Math.round(d.extraMinutes)),
          };
  const result = await deps.planSolver.reschedule(
    problem,
    planScheduleOf(active),
    toMinutes(request.at, origin),
    disruption,
    {
      timeLimitMs: request.timeLimitMs,
      seed: request.seed,
    },
  );
  const now = deps.clock.now();
  const changes: ScheduleChange[] = result.changes.map((c) => ({
    order: c.job,
    operation: c.operation,
    kind: c.kind,
    ...(c.from !== undefined && {
      from: { machine: c.from.machine, start: origin + c.from.start * MIN, end: origin + c.from.end * MIN },
    }),
    to: { machine: c.to.machine, start: origin + c.to.start * MIN, end: origin + c.to.end * MIN },
  }));
  return deps.store.createSchedule({
    ...scheduleFields(result.schedule, origin, settings),
    status: 'proposed',
    createdAt: now,
    createdBy: request.by,
    updatedAt: now,
    trigger: {
      kind: d.kind,
      summary: request.summary,
      ts: request.at,
      ...(d.kind === 'machine_down' && { asset: d.machine, until: d.end }),
      ...(request.eventId !== undefined && { eventId: request.eventId }),
    },
    baseId: active.id,
    changes,
    comparison: {
      before: result.objectiveBefore,
      after: result.objectiveAfter,
      disruption: result.disruption,
    },
  });
}

function failNoJob(id: string): never {
  throw new UserError('invalid_input', `order ${id} has no operations to plan`);
}

/**
 * Approves or rejects a proposal. Approving makes it the active schedule and supersedes the one it was made from,
 * which must still be the active one (else: conflict, reschedule again).
 */
export async function decideProposal(
  deps: PlannerDeps,
  id: string,
  verdict: 'approved' | 'rejected',
  by: string,
  note: string | undefined,
): Promise<Schedule> {
  const proposal = await deps.store.getSchedule(id);
  if (!proposal) throw new UserError('not_found', `no schedule ${id}`);
  if (proposal.status !== 'proposed') {
    throw new UserError(
      'conflict',
      `schedule ${id} is ${proposal.status}, not a proposal waiting for a decision`,
    );
  }
  const now = deps.clock.now();
  const decision = { by, at: now, verdict, ...(note !== undefined && { note }) };
  if (verdict === 'rejected') {
    const rejected: Schedule = { ...proposal, status: 'rejected', updatedAt: now, decision };
    await deps.store.updateSchedule(rejected, proposal.updatedAt);
    return rejected;
  }
  const active = await activeSchedule(deps.store);
  if (active && active.id !== proposal.baseId) {
    throw new UserError(
      'conflict',
      `proposal ${id} repairs ${proposal.baseId ?? 'no schedule'}, but the active schedule is now ${active.id}: reschedule again`,
    );
  }
  const approved: Schedule = { ...proposal, status: 'active', updatedAt: now, decision };
  await deps.store.updateSchedule(approved, proposal.updatedAt);
  if (active)
    await deps.store.updateSchedule({ ...active, status: 'superseded', updatedAt: now }, active.updatedAt);
  return approved;
}

export interface LiveReschedulerDeps extends PlannerDeps {
  readonly onEvents: (listener: (events: readonly PlantEvent[]) => void) => () => void;
  readonly emitEvents: (events: EventInput[]) => Promise<unknown>;
  readonly onError: (error: unknown) => void;
  /** Expected downtime when a machine goes down, ms (the window the proposal keeps it free). */
  readonly downtimeMs: number;
  /** Search budget per proposal, ms. */
  readonly timeLimitMs: number;
}

/** Proposes a repaired schedule whenever a machine of the active plan goes down with work still ahead of it. */
export class LiveRescheduler implements AsyncDisposable {
  readonly #deps: LiveReschedulerDeps;
  readonly #queue: WriteQueue;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: LiveReschedulerDeps) {
    this.#deps = deps;
    this.#queue = new WriteQueue(deps.onError);
  }

  start(): void {
    this.#unsubscribe = this.#deps.onEvents((events) => {
      for (const event of events) {
        if (event.kind === 'machine_state' && event.state === 'down')
          this.#queue.push(() => this.#onDown(event));
      }
    });
  }

  /** Resolves once every proposal prompted so far is stored. */
  settled(): Promise<void> {
    return this.#queue.settled();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.settled();
  }

  async #onDown(event: Extract<PlantEvent, { kind: 'machine_state' }>): Promise<void> {
    const active = await activeSchedule(this.#deps.store);
    // A stop before the plan began was known when it was made (or is history being loaded).
    if (!active || event.ts < active.origin) return;
    const ahead = active.operations.filter((o) => o.machine === event.asset && o.end > event.ts);
    if (ahead.length === 0) return;
    const reason = event.reason ?? 'down';
    const proposal = await proposeReschedule(this.#deps, {
      disruption: {
        kind: 'machine_down',
        machine: event.asset,
        start: event.ts,
        end: event.ts + this.#deps.downtimeMs,
        reason,
      },
      at: event.ts,
      by: 'system',
      summary: `${event.asset} went down (${reason}) with ${ahead.length} operation(s) planned on it`,
      eventId: event.id,
      timeLimitMs: this.#deps.timeLimitMs,
      seed: 1,
    });
    const moved = proposal.changes?.length ?? 0;
    await this.#deps.emitEvents([
      {
        kind: 'note',
        ts: event.ts,
        asset: event.asset,
        data: { schedule: proposal.id, base: proposal.baseId, changes: moved },
        message:
          `Rescheduling proposal ${proposal.id}: ${event.asset} down (${reason}); ${moved} operation(s) change, ` +
          `objective ${proposal.comparison?.before ?? '?'} → ${proposal.comparison?.after ?? '?'} min; waiting for a planner's approval`,
      },
    ]);
  }
}
