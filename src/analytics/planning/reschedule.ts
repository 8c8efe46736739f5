/**
 * Rescheduling a plan in progress after a disruption (machine down, rush order, overrun): the right-shift repair
 * as the baseline, then the tabu search on objective + disruption penalty, and the diff of what changed.
 */
import { UserError } from '../../domain/errors.js';
import {
  type FixedPlacement,
  type PlanContext,
  type PlanSolution,
  Decoded,
  compilePlan,
} from './plan-decoder.js';
import {
  type PlanJob,
  type PlanProblem,
  type PlanSchedule,
  type PlannedOperation,
  validatePlanProblem,
} from './plan-model.js';
import { type PlanSolveOptions, runPlanSearch } from './plan-search.js';

export type PlanDisruption =
  | { kind: 'machine_down'; machine: string; start: number; end: number; reason?: string }
  | { kind: 'rush_order'; job: PlanJob }
  | { kind: 'overrun'; job: string; operation: string; extra: number };

export interface RescheduleOptions extends PlanSolveOptions {
  /** penalty per operation whose start moves (default 1, in objective units per operation), and per machine change (default 5) */
  movedWeight?: number;
  machineChangeWeight?: number;
}

export interface PlanChange {
  readonly job: string;
  readonly operation: string;
  readonly from?: { machine: string; start: number; end: number };
  readonly to: { machine: string; start: number; end: number };
  readonly kind: 'moved' | 'machine_changed' | 'added';
}

export interface RescheduleResult {
  readonly schedule: PlanSchedule;
  /**
   * Every operation whose machine, start or end differs from the current schedule ('machine_changed' wins over
   * 'moved'; an overrun operation that keeps its start is 'moved' by its end), and every operation of a rush order
   * ('added'), in job order.
   */
  readonly changes: readonly PlanChange[];
  /** the old schedule's objective on the new problem, repaired minimally (right-shift), for comparison */
  readonly objectiveBefore: number;
  readonly objectiveAfter: number;
  /** movedWeight · (operations whose start changed) + machineChangeWeight · (operations whose machine changed). */
  readonly disruption: number;
  /** the problem with the disruption applied */
  readonly problem: PlanProblem;
}

const key = (job: string, operation: string): string => `${job}\u0000${operation}`;

/**
 * The problem after the disruption: a machine_down adds its window, clipped to start no earlier than `now` (the
 * past cannot be rescheduled; a window wholly in the past adds nothing); a rush order adds its job; an overrun
 * lengthens the operation by `extra` minutes on every machine that can run it (its work content grew).
 */
function applyDisruption(problem: PlanProblem, now: number, disruption: PlanDisruption): PlanProblem {
  switch (disruption.kind) {
    case 'machine_down': {
      if (!problem.machines.some((m) => m.id === disruption.machine))
        throw new UserError('not_found', `machine_down: unknown machine "${disruption.machine}"`);
      if (!(disruption.end > disruption.start))
        throw new UserError(
          'invalid_input',
          `machine_down on "${disruption.machine}": the window must end after it starts`,
        );
      const start = Math.max(disruption.start, now);
      if (disruption.end <= start) return problem;
      const window = {
        start,
        end: disruption.end,
        ...(disruption.reason === undefined ? {} : { reason: disruption.reason }),
      };
      return {
        ...problem,
        machines: problem.machines.map((m) =>
          m.id === disruption.machine ? { ...m, unavailable: [...(m.unavailable ?? []), window] } : m,
        ),
      };
    }
    case 'rush_order': {
      if (problem.jobs.some((j) => j.id === disruption.job.id))
        throw new UserError('already_exists', `rush_order: job "${disruption.job.id}" already exists`);
      return validatePlanProblem({ ...problem, jobs: [...problem.jobs, disruption.job] });
    }
    case 'overrun': {
      const job = problem.jobs.find((j) => j.id === disruption.job);
      const op = job?.operations.find((o) => o.id === disruption.operation);
      if (job === undefined || op === undefined)
        throw new UserError(
          'not_found',
          `overrun: unknown job "${disruption.job}" operation "${disruption.operation}"`,
        );
      if (!Number.isInteger(disruption.extra) || disruption.extra < 0)
        throw new UserError(
          'invalid_input',
          `overrun of job "${job.id}" operation "${op.id}": extra must be a non-negative integer, got ${disruption.extra}`,
        );
      return {
        ...problem,
        jobs: problem.jobs.map((j) =>
          j !== job
            ? j
            : {
                ...j,
                operations: j.operations.map((o) =>
                  o !== op
                    ? o
                    : {
                        ...o,
                        alternatives: o.alternatives.map((a) => ({
                          ...a,
                          duration: a.duration + disruption.extra,
                        })),
                      },
                ),
              },
        ),
      };
    }
  }
}

/**
 * Repairs `current` after `disruption` at time `now`, then searches for a schedule that minimises objective +
 * movedWeight · (operations whose start changed) + machineChangeWeight · (operations whose machine changed).
 * Operations that ended at or before `now` stay; one running at `now` stays on its machine at its start unless a
 * machine_down window overlaps what remains of it — then it is rerun from scratch, after `now`, on any machine
 * that can run it. Nothing else starts (setup included) before `now`. An operation counts as running or done only
 * if its job's previous operation and its machine's previous one (both kept) end before it starts; otherwise (an
 * overrun pushed into it) it is rescheduled too. Kept operations keep their times from `current` (an overrun adds
 * its extra minutes to the end). `onProgress` and the search's history report objective + disruption.
 *
 * The baseline (`objectiveBefore`, and the search's start) is the right-shift repair: same machines, same order on
 * each machine, every operation at its old start or later, a rush order's operations appended at the end of their
 * fastest machines. The search may then move operations earlier. The search keeps the best of objective +
 * penalty, so `objectiveAfter + disruption` never exceeds the repair's; `objectiveAfter` alone can exceed
 * `objectiveBefore` only when the repair moved more operations than the objective gained.
 * @example reschedulePlan(problem, plan.schedule, 30, { kind: 'machine_down', machine: 'M1', start: 30, end: 90 }).changes;
 */
export function reschedulePlan(
  problem: PlanProblem,
  current: PlanSchedule,
  now: number,
  disruption: PlanDisruption,
  options: RescheduleOptions = {},
): RescheduleResult {
  const next = applyDisruption(problem, now, disruption);
  const base = compilePlan(next);
  const n = base.opCount;
  const planned = new Map<string, PlannedOperation>(
    current.operations.map((p) => [key(p.job, p.operation), p]),
  );
  const rushJob = disruption.kind === 'rush_order' ? disruption.job.id : undefined;
  const old: (PlannedOperation | undefined)[] = [];
  const oldMachine = new Int32Array(n).fill(-1);
  const oldStart = new Float64Array(n).fill(Number.NaN);
  next.jobs.forEach((job, j) =>
    job.operations.forEach((op, k) => {
      const o = (base.jobStart[j] as number) + k;
      const p = job.id === rushJob ? undefined : planned.get(key(job.id, op.id));
      if (p === undefined && job.id !== rushJob)
        throw new UserError(
          'invalid_input',
          `the current schedule has no job "${job.id}" operation "${op.id}"`,
        );
      old.push(p);
      if (p === undefined) return;
      const m = base.machineIndex.get(p.machine);
      if (m === undefined || (base.duration[o * base.machineCount + m] as number) < 0)
        throw new UserError(
          'invalid_input',
          `the current schedule puts job "${job.id}" operation "${op.id}" on machine "${p.machine}", which cannot run it`,
        );
      oldMachine[o] = m;
      oldStart[o] = p.start;
    }),
  );

  // Which operations are kept where they are: done, or running and not interrupted.
  const fixed: (FixedPlacement | undefined)[] = new Array<FixedPlacement | undefined>(n).fill(undefined);
  // Old operations by start, made consistent with the routings (a start never sorts before its job's previous
  // one) so that the repair's sequences are acyclic even if the current schedule breaks a precedence.
  const sortKey = new Float64Array(n).fill(Infinity);
  for (let o = 0; o < n; o++)
    if (old[o] !== undefined)
      sortKey[o] = Math.max(
        oldStart[o] as number,
        (base.opPosition[o] as number) > 0 ? (sortKey[o - 1] as number) : -Infinity,
      );
  const byStart = [...Array(n).keys()]
    .filter((o) => old[o] !== undefined)
    .sort((a, b) => (sortKey[a] as number) - (sortKey[b] as number) || a - b);
  const machineFreeAt = new Float64Array(base.machineCount).fill(-Infinity);
  for (const o of byStart) {
    const p = old[o] as PlannedOperation;
    const m = oldMachine[o] as number;
    const extra =
      disruption.kind === 'overrun' && disruption.job === p.job && disruption.operation === p.operation;
    const end = p.end + (extra ? disruption.extra : 0);
    if (p.start >= now) continue;
    const down = disruption.kind === 'machine_down' && disruption.machine === p.machine;
    const interrupted = down && end > now && Math.max(disruption.start, now) < end && disruption.end > now;
    const jobPred = (base.opPosition[o] as number) > 0 ? fixed[o - 1] : undefined;
    const jobOk = (base.opPosition[o] as number) === 0 || (jobPred !== undefined && jobPred.end <= p.start);
    if (interrupted || !jobOk || (machineFreeAt[m] as number) > p.start - p.setup) continue;
    fixed[o] = { machine: m, start: p.start, end, setup: p.setup };
    machineFreeAt[m] = end;
  }

  const context: PlanContext = {
    now,
    fixed,
    oldStart,
    oldMachine,
    movedWeight: options.movedWeight ?? 1,
    machineChangeWeight: options.machineChangeWeight ?? 5,
  };
  const c = compilePlan(next, context);

  // The right-shift repair: kept operations first, then the others in their old order, then the rush order.
  const assign = new Int32Array(n);
  const anchored = new Uint8Array(n);
  const rank = (o: number): number => (fixed[o] !== undefined ? 0 : old[o] !== undefined ? 1 : 2);
  const order = [...Array(n).keys()].sort(
    (a, b) =>
      rank(a) - rank(b) || (rank(a) === 2 ? 0 : (sortKey[a] as number) - (sortKey[b] as number)) || a - b,
  );
  const sequences: number[][] = Array.from({ length: c.machineCount }, () => []);
  for (const o of order) {
    let m = oldMachine[o] as number;
    if (m < 0) {
      let best = Infinity;
      for (const alt of c.alternatives[o] as Int32Array) {
        const d = c.duration[o * c.machineCount + alt] as number;
        if (d < best) {
          best = d;
          m = alt;
        }
      }
    }
    assign[o] = m;
    anchored[o] = old[o] !== undefined && fixed[o] === undefined ? 1 : 0;
    (sequences[m] as number[]).push(o);
  }
  const repair: PlanSolution = { assign, sequences, anchored };
  const repaired = new Decoded(c);
  repaired.decode(repair);

  const out = runPlanSearch(c, repair, options, -Infinity);
  const schedule = out.decoded.toSchedule(out.solution);
  const changes: PlanChange[] = [];
  schedule.operations.forEach((to, o) => {
    const from = old[o];
    const target = { machine: to.machine, start: to.start, end: to.end };
    if (from === undefined) changes.push({ job: to.job, operation: to.operation, to: target, kind: 'added' });
    else if (from.machine !== to.machine || from.start !== to.start || from.end !== to.end)
      changes.push({
        job: to.job,
        operation: to.operation,
        from: { machine: from.machine, start: from.start, end: from.end },
        to: target,
        kind: from.machine !== to.machine ? 'machine_changed' : 'moved',
      });
  });
  return {
    schedule,
    changes,
    objectiveBefore: repaired.objective,
    objectiveAfter: schedule.objective,
    disruption: out.decoded.disruption,
    problem: next,
  };
}
