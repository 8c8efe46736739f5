/** The plant scheduling model (flexible job shop with setups, calendars, releases and due dates): types, validation, checking. */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import { type JobShopInstance } from './instance.js';

/** Times are integer minutes from the plan's origin (the app converts epoch ms). */
export interface PlanMachine {
  readonly id: string;
  readonly name?: string;
  /**
   * Windows when the machine cannot work (maintenance, breakdown, no shift); an operation may not overlap one
   * (non-preemptive: it waits until after). Neither may the setup before it: a machine that is down is not set up.
   */
  readonly unavailable?: readonly { start: number; end: number; reason?: string }[];
}

export interface PlanAlternative {
  readonly machine: string;
  readonly duration: number;
}

export interface PlanOperation {
  readonly id: string;
  /** ≥ 1 machines that can run it, each with its own duration (flexible job shop). */
  readonly alternatives: readonly PlanAlternative[];
  /** Setup family (e.g. die or material); sequence-dependent setups come from PlanProblem.setups. */
  readonly family?: string;
}

export interface PlanJob {
  readonly id: string;
  readonly operations: readonly PlanOperation[];
  /** earliest start */
  readonly release?: number;
  readonly due?: number;
  /** tardiness weight, default 1 */
  readonly weight?: number;
}

export interface PlanProblem {
  readonly machines: readonly PlanMachine[];
  readonly jobs: readonly PlanJob[];
  /**
   * Setup time on a machine when switching from family a to family b: setups[a][b] (missing = 0; same family = 0
   * unless given). Optionally per machine: machineSetups[machineId][a][b] overrides. The first operation on a
   * machine, and any operation with no family or after one with no family, needs no setup.
   */
  readonly setups?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly machineSetups?: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>
  >;
  /** objective = makespan·wMakespan + Σ weight·max(0, end − due)·wTardiness; default { makespan: 1, tardiness: 0 } */
  readonly objective?: { readonly makespan?: number; readonly tardiness?: number };
}

export interface PlannedOperation {
  readonly job: string;
  readonly operation: string;
  readonly machine: string;
  readonly start: number;
  readonly end: number;
  /** setup minutes before start on this machine */
  readonly setup: number;
}

export interface PlanSchedule {
  readonly operations: readonly PlannedOperation[];
  readonly makespan: number;
  readonly weightedTardiness: number;
  readonly objective: number;
}

const time = z.number().int();
const minutes = z.number().int().nonnegative();
const id = z.string().min(1);
const setupMatrix = z.record(z.string(), z.record(z.string(), minutes));

const PlanProblemSchema = z.object({
  machines: z
    .array(
      z.object({
        id,
        name: z.string().optional(),
        unavailable: z
          .array(
            z
              .object({ start: time, end: time, reason: z.string().optional() })
              .refine((w) => w.end > w.start, {
                message: 'an unavailability window must end after it starts',
              }),
          )
          .optional(),
      }),
    )
    .min(1),
  jobs: z.array(
    z.object({
      id,
      operations: z
        .array(
          z.object({
            id,
            alternatives: z
              .array(z.object({ machine: id, duration: minutes }))
              .min(1, { message: 'an operation needs at least one alternative machine' }),
            family: z.string().optional(),
          }),
        )
        .min(1, { message: 'a job needs at least one operation' }),
      release: minutes.optional(),
      due: time.optional(),
      weight: z.number().nonnegative().optional(),
    }),
  ),
  setups: setupMatrix.optional(),
  machineSetups: z.record(z.string(), setupMatrix).optional(),
  objective: z
    .object({ makespan: z.number().nonnegative().optional(), tardiness: z.number().nonnegative().optional() })
    .optional(),
});

/** A zod issue path in the problem's own words: `job "J1" operation "cut" alternatives.0.duration`. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  const words: string[] = [];
  let node: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const next: unknown =
      node !== null && typeof node === 'object' && key !== undefined
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined;
    const parent = path[i - 1];
    const label =
      parent === 'jobs'
        ? 'job'
        : parent === 'operations'
          ? 'operation'
          : parent === 'machines'
            ? 'machine'
            : '';
    const named = next !== null && typeof next === 'object' ? (next as { id?: unknown }).id : undefined;
    if (label !== '' && typeof named === 'string') words[words.length - 1] = `${label} "${named}"`;
    else words.push(String(key));
    node = next;
  }
  return words.join(' ');
}

function fail(message: string): never {
  throw new UserError('invalid_input', `invalid plan: ${message}`);
}

function duplicate(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const x of ids) {
    if (seen.has(x)) return x;
    seen.add(x);
  }
  return undefined;
}

/**
 * Validates an untrusted value as a plan problem: shape (zod), then references. A UserError names the job,
 * operation or machine that is wrong (unknown machine, no alternatives, negative duration, duplicate id).
 * @example validatePlanProblem({ machines: [{ id: 'M1' }], jobs: [{ id: 'J1', operations: [{ id: 'cut', alternatives: [{ machine: 'M1', duration: 5 }] }] }] });
 */
export function validatePlanProblem(problem: unknown): PlanProblem {
  const parsed = PlanProblemSchema.safeParse(problem);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${describePath(problem, i.path)}: ${i.message}`);
    throw new UserError('invalid_input', `invalid plan: ${issues.join('; ')}`, {
      details: { issues: parsed.error.issues.slice(0, 20) },
    });
  }
  const p = parsed.data;
  const dupMachine = duplicate(p.machines.map((m) => m.id));
  if (dupMachine !== undefined) fail(`machine "${dupMachine}" is defined twice`);
  const dupJob = duplicate(p.jobs.map((j) => j.id));
  if (dupJob !== undefined) fail(`job "${dupJob}" is defined twice`);
  const machineIds = new Set(p.machines.map((m) => m.id));
  for (const job of p.jobs) {
    const dupOp = duplicate(job.operations.map((o) => o.id));
    if (dupOp !== undefined) fail(`job "${job.id}": operation "${dupOp}" is defined twice`);
    for (const op of job.operations) {
      for (const alt of op.alternatives)
        if (!machineIds.has(alt.machine))
          fail(`job "${job.id}" operation "${op.id}": unknown machine "${alt.machine}"`);
      const dupAlt = duplicate(op.alternatives.map((a) => a.machine));
      if (dupAlt !== undefined)
        fail(`job "${job.id}" operation "${op.id}": machine "${dupAlt}" is listed twice`);
    }
  }
  for (const m of Object.keys(p.machineSetups ?? {}))
    if (!machineIds.has(m)) fail(`machineSetups: unknown machine "${m}"`);
  // Rebuild without undefined optional keys (exactOptionalPropertyTypes).
  return {
    machines: p.machines.map((m) => ({
      id: m.id,
      ...(m.name === undefined ? {} : { name: m.name }),
      ...(m.unavailable === undefined
        ? {}
        : {
            unavailable: m.unavailable.map((w) => ({
              start: w.start,
              end: w.end,
              ...(w.reason === undefined ? {} : { reason: w.reason }),
            })),
          }),
    })),
    jobs: p.jobs.map((j) => ({
      id: j.id,
      operations: j.operations.map((o) => ({
        id: o.id,
        alternatives: o.alternatives.map((a) => ({ machine: a.machine, duration: a.duration })),
        ...(o.family === undefined ? {} : { family: o.family }),
      })),
      ...(j.release === undefined ? {} : { release: j.release }),
      ...(j.due === undefined ? {} : { due: j.due }),
      ...(j.weight === undefined ? {} : { weight: j.weight }),
    })),
    ...(p.setups === undefined ? {} : { setups: p.setups }),
    ...(p.machineSetups === undefined ? {} : { machineSetups: p.machineSetups }),
    ...(p.objective === undefined
      ? {}
      : {
          objective: {
            ...(p.objective.makespan === undefined ? {} : { makespan: p.objective.makespan }),
            ...(p.objective.tardiness === undefined ? {} : { tardiness: p.objective.tardiness }),
          },
        }),
  };
}

/**
 * A classical job-shop instance as a plan problem: machines `m0..`, jobs `j0..`, operations `o0..` in routing
 * order, one alternative each, makespan objective.
 * @example planFromJobShop(parseJobShop(text)).jobs[0].operations[0]; // { id: 'o0', alternatives: [{ machine: 'm2', duration: 1 }] }
 */
export function planFromJobShop(instance: JobShopInstance): PlanProblem {
  return {
    machines: Array.from({ length: instance.machineCount }, (_, m) => ({ id: `m${m}` })),
    jobs: instance.jobs.map((ops, j) => ({
      id: `j${j}`,
      operations: ops.map((op, k) => ({
        id: `o${k}`,
        alternatives: [{ machine: `m${op.machine}`, duration: op.duration }],
      })),
    })),
    objective: { makespan: 1, tardiness: 0 },
  };
}

/** Setup minutes on `machine` between an operation of family `from` and one of family `to` (0 when either has none). */
export function setupTime(problem: PlanProblem, machine: string, from?: string, to?: string): number {
  if (from === undefined || to === undefined) return 0;
  const own = problem.machineSetups?.[machine]?.[from]?.[to];
  if (own !== undefined) return own;
  return problem.setups?.[from]?.[to] ?? 0;
}

/** The objective's weights with their defaults. */
export function objectiveWeights(problem: PlanProblem): { makespan: number; tardiness: number } {
  return { makespan: problem.objective?.makespan ?? 1, tardiness: problem.objective?.tardiness ?? 0 };
}

/** Makespan, weighted tardiness and objective of a set of planned operations (jobs with no planned operation count 0). */
export function evaluatePlan(
  problem: PlanProblem,
  operations: readonly PlannedOperation[],
): { makespan: number; weightedTardiness: number; objective: number } {
  let makespan = 0;
  const jobEnd = new Map<string, number>();
  for (const op of operations) {
    makespan = Math.max(makespan, op.end);
    jobEnd.set(op.job, Math.max(jobEnd.get(op.job) ?? -Infinity, op.end));
  }
  let weightedTardiness = 0;
  for (const job of problem.jobs) {
    const end = jobEnd.get(job.id);
    if (end !== undefined && job.due !== undefined)
      weightedTardiness += (job.weight ?? 1) * Math.max(0, end - job.due);
  }
  const w = objectiveWeights(problem);
  return { makespan, weightedTardiness, objective: w.makespan * makespan + w.tardiness * weightedTardiness };
}

const key = (job: string, operation: string): string => `${job}\u0000${operation}`;

/**
 * Every way a schedule breaks the problem: missing, unknown or repeated operations, a machine that cannot run an
 * operation, a wrong duration, a start before the job's release or its previous operation's end, two operations
 * (setup included) overlapping on a machine, a setup shorter than the family change needs, an operation or its
 * setup overlapping an unavailability window, and totals that do not match. `[]` when the schedule is valid.
 * @example checkPlanSchedule(problem, solvePlan(problem).schedule); // []
 */
export function checkPlanSchedule(problem: PlanProblem, schedule: PlanSchedule): string[] {
  const out: string[] = [];
  const planned = new Map<string, PlannedOperation>();
  for (const op of schedule.operations) {
    const k = key(op.job, op.operation);
    if (planned.has(k)) out.push(`job "${op.job}" operation "${op.operation}" is planned twice`);
    planned.set(k, op);
  }
  const families = new Map<string, string | undefined>();
  const windows = new Map(problem.machines.map((m) => [m.id, m.unavailable ?? []]));
  const known = new Set<string>();
  for (const job of problem.jobs) {
    let prevEnd = job.release ?? 0;
    let prevName = job.release === undefined ? 'the origin' : `its release ${job.release}`;
    for (const op of job.operations) {
      const k = key(job.id, op.id);
      known.add(k);
      families.set(k, op.family);
      const p = planned.get(k);
      const name = `job "${job.id}" operation "${op.id}"`;
      if (p === undefined) {
        out.push(`${name} is not planned`);
        continue;
      }
      const alt = op.alternatives.find((a) => a.machine === p.machine);
      if (alt === undefined) out.push(`${name} cannot run on machine "${p.machine}"`);
      else if (p.end - p.start !== alt.duration)
        out.push(`${name} lasts ${p.end - p.start} on "${p.machine}", expected ${alt.duration}`);
      if (p.setup < 0) out.push(`${name} has a negative setup ${p.setup}`);
      if (p.start < prevEnd) out.push(`${name} starts at ${p.start}, before ${prevName} (${prevEnd})`);
      prevEnd = p.end;
      prevName = `the end of operation "${op.id}"`;
      for (const w of windows.get(p.machine) ?? [])
        if (w.start < p.end && w.end > p.start - p.setup)
          out.push(
            `${name} on "${p.machine}" (${p.start - p.setup}..${p.end} with setup) overlaps unavailability ${w.start}..${w.end}`,
          );
    }
  }
  for (const op of schedule.operations)
    if (!known.has(key(op.job, op.operation)))
      out.push(`job "${op.job}" operation "${op.operation}" is not in the problem`);
  const byMachine = new Map<string, PlannedOperation[]>();
  for (const op of schedule.operations) {
    const list = byMachine.get(op.machine) ?? [];
    list.push(op);
    byMachine.set(op.machine, list);
  }
  for (const [machine, ops] of byMachine) {
    ops.sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < ops.length; i++) {
      const a = ops[i - 1] as PlannedOperation;
      const b = ops[i] as PlannedOperation;
      const names = `"${a.job}/${a.operation}" and "${b.job}/${b.operation}" on "${machine}"`;
      if (b.start - b.setup < a.end)
        out.push(`${names} overlap (${a.start}..${a.end} and ${b.start - b.setup}..${b.end} with setup)`);
      const need = setupTime(
        problem,
        machine,
        families.get(key(a.job, a.operation)),
        families.get(key(b.job, b.operation)),
      );
      if (b.setup < need)
        out.push(`${names}: setup ${b.setup} is shorter than the ${need} the family change needs`);
    }
  }
  const totals = evaluatePlan(problem, schedule.operations);
  if (totals.makespan !== schedule.makespan)
    out.push(`makespan is reported as ${schedule.makespan}, the operations give ${totals.makespan}`);
  if (Math.abs(totals.weightedTardiness - schedule.weightedTardiness) > 1e-9)
    out.push(
      `weighted tardiness is reported as ${schedule.weightedTardiness}, the operations give ${totals.weightedTardiness}`,
    );
  if (Math.abs(totals.objective - schedule.objective) > 1e-9)
    out.push(`objective is reported as ${schedule.objective}, the operations give ${totals.objective}`);
  return out;
}
