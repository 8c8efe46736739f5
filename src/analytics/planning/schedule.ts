/**
 * Job-shop schedules on the disjunctive graph (Roy & Sussmann 1964): machine sequences fix an orientation, and the
 * earliest start times are longest paths from the source (heads), computed in topological order. Also validity,
 * critical path and critical blocks (Nowicki & Smutnicki, Management Science 42(6), 1996).
 */
import { UserError } from '../../domain/errors.js';
import { type JobShopInstance, type OperationRef } from './instance.js';

/**
 * An instance compiled to flat typed arrays for the solvers: operations are numbered job by job
 * (`id = jobStart[job] + index`); `-1` means "none" in the neighbour arrays.
 */
export interface FlatInstance {
  readonly name: string;
  readonly jobCount: number;
  readonly machineCount: number;
  readonly operationCount: number;
  readonly job: Int32Array;
  readonly index: Int32Array;
  readonly machine: Int32Array;
  readonly duration: Int32Array;
  /** jobCount + 1 offsets: job j's operations are jobStart[j] .. jobStart[j+1]-1. */
  readonly jobStart: Int32Array;
  readonly jobPrev: Int32Array;
  readonly jobNext: Int32Array;
  /** Operation ids that run on each machine, in id order. */
  readonly machineOps: readonly Int32Array[];
}

/** A schedule: start times per job and operation, the machine sequences they come from, and its makespan. */
export interface JobShopSchedule {
  readonly makespan: number;
  /** start[j][k]: start time of job j's k-th operation. */
  readonly start: readonly (readonly number[])[];
  /** machineSequences[m]: the operations on machine m in processing order. */
  readonly machineSequences: readonly (readonly OperationRef[])[];
}

/** A maximal run of consecutive critical operations on one machine. */
export interface CriticalBlock {
  readonly machine: number;
  readonly operations: readonly OperationRef[];
}

/** Compiles an instance to typed arrays (O(operations)). */
export function flattenInstance(instance: JobShopInstance): FlatInstance {
  const jobCount = instance.jobs.length;
  const jobStart = new Int32Array(jobCount + 1);
  for (let j = 0; j < jobCount; j++) jobStart[j + 1] = (jobStart[j] ?? 0) + (instance.jobs[j]?.length ?? 0);
  const n = jobStart[jobCount] ?? 0;
  const job = new Int32Array(n);
  const index = new Int32Array(n);
  const machine = new Int32Array(n);
  const duration = new Int32Array(n);
  const jobPrev = new Int32Array(n).fill(-1);
  const jobNext = new Int32Array(n).fill(-1);
  const perMachine: number[][] = Array.from({ length: instance.machineCount }, () => []);
  instance.jobs.forEach((ops, j) =>
    ops.forEach((op, k) => {
      const id = (jobStart[j] ?? 0) + k;
      job[id] = j;
      index[id] = k;
      machine[id] = op.machine;
      duration[id] = op.duration;
      if (k > 0) jobPrev[id] = id - 1;
      if (k < ops.length - 1) jobNext[id] = id + 1;
      perMachine[op.machine]?.push(id);
    }),
  );
  return {
    name: instance.name,
    jobCount,
    machineCount: instance.machineCount,
    operationCount: n,
    job,
    index,
    machine,
    duration,
    jobStart,
    jobPrev,
    jobNext,
    machineOps: perMachine.map((ids) => Int32Array.from(ids)),
  };
}

/** Scratch arrays for `headsAndTails`, allocated once per search. */
export interface GraphScratch {
  readonly heads: Int32Array;
  readonly tails: Int32Array;
  /** Topological order of the operations (filled by headsAndTails). */
  readonly order: Int32Array;
  readonly indegree: Int32Array;
}

export function graphScratch(operationCount: number): GraphScratch {
  return {
    heads: new Int32Array(operationCount),
    tails: new Int32Array(operationCount),
    order: new Int32Array(operationCount),
    indegree: new Int32Array(operationCount),
  };
}

/** The head of `o`: the latest end of its job and machine predecessors (0 for none). */
export function headFrom(flat: FlatInstance, machPrev: Int32Array, heads: Int32Array, o: number): number {
  const d = flat.duration;
  const jp = flat.jobPrev[o] as number;
  const mp = machPrev[o] as number;
  let r = 0;
  if (jp !== -1) r = (heads[jp] as number) + (d[jp] as number);
  if (mp !== -1) {
    const rm = (heads[mp] as number) + (d[mp] as number);
    if (rm > r) r = rm;
  }
  return r;
}

/** The tail of `o`: the longest of its job and machine successors' time plus tail (0 for none). */
export function tailFrom(flat: FlatInstance, machNext: Int32Array, tails: Int32Array, o: number): number {
  const d = flat.duration;
  const js = flat.jobNext[o] as number;
  const ms = machNext[o] as number;
  let q = 0;
  if (js !== -1) q = (tails[js] as number) + (d[js] as number);
  if (ms !== -1) {
    const qm = (tails[ms] as number) + (d[ms] as number);
    if (qm > q) q = qm;
  }
  return q;
}

/**
 * Heads (earliest start = longest path from the source) and tails (longest path after the operation's end to the
 * sink) of the graph given by job arcs and the machine arcs `machPrev`/`machNext`, by Kahn's topological sort.
 * Returns the makespan, or -1 when the machine arcs make a cycle (an infeasible orientation).
 */
export function headsAndTails(
  flat: FlatInstance,
  machPrev: Int32Array,
  machNext: Int32Array,
  s: GraphScratch,
): number {
  const n = flat.operationCount;
  const { jobPrev, jobNext, duration: d } = flat;
  const { heads, tails, order, indegree } = s;
  let tail = 0;
  for (let o = 0; o < n; o++) {
    const deg = (jobPrev[o] === -1 ? 0 : 1) + (machPrev[o] === -1 ? 0 : 1);
    indegree[o] = deg;
    if (deg === 0) order[tail++] = o;
  }
  let head = 0;
  while (head < tail) {
    const o = order[head++] as number;
    heads[o] = headFrom(flat, machPrev, heads, o);
    const js = jobNext[o] as number;
    if (js !== -1 && --(indegree[js] as number) === 0) order[tail++] = js;
    const ms = machNext[o] as number;
    if (ms !== -1) {
      indegree[ms] = (indegree[ms] as number) - 1;
      if (indegree[ms] === 0) order[tail++] = ms;
    }
  }
  if (tail < n) return -1;
  let makespan = 0;
  for (let i = n - 1; i >= 0; i--) {
    const o = order[i] as number;
    tails[o] = tailFrom(flat, machNext, tails, o);
    const end = (heads[o] as number) + (d[o] as number);
    if (end > makespan) makespan = end;
  }
  return makespan;
}

/** Machine arcs (`machPrev`, `machNext`) from machine sequences of operation ids. */
export function linkSequences(
  flat: FlatInstance,
  sequences: readonly ArrayLike<number>[],
): { machPrev: Int32Array; machNext: Int32Array } {
  const machPrev = new Int32Array(flat.operationCount).fill(-1);
  const machNext = new Int32Array(flat.operationCount).fill(-1);
  for (const seq of sequences) {
    for (let i = 1; i < seq.length; i++) {
      const a = seq[i - 1] as number;
      const b = seq[i] as number;
      machNext[a] = b;
      machPrev[b] = a;
    }
  }
  return { machPrev, machNext };
}

/** Machine sequences of operation ids read back from machine arcs. */
export function sequencesFromLinks(
  flat: FlatInstance,
  machPrev: Int32Array,
  machNext: Int32Array,
): Int32Array[] {
  return flat.machineOps.map((ops) => {
    const seq = new Int32Array(ops.length);
    let o = -1;
    for (const id of ops) if (machPrev[id] === -1) o = id;
    for (let i = 0; i < seq.length && o !== -1; i++) {
      seq[i] = o;
      o = machNext[o] as number;
    }
    return seq;
  });
}

/** The public schedule for machine sequences of operation ids whose heads are in `heads`. */
export function toSchedule(
  flat: FlatInstance,
  sequences: readonly Int32Array[],
  heads: Int32Array,
  makespan: number,
): JobShopSchedule {
  const start: number[][] = [];
  for (let j = 0; j < flat.jobCount; j++) {
    const row: number[] = [];
    for (let o = flat.jobStart[j] as number; o < (flat.jobStart[j + 1] as number); o++)
      row.push(heads[o] as number);
    start.push(row);
  }
  const machineSequences = sequences.map((seq) =>
    Array.from(seq, (o) => ({ job: flat.job[o] as number, index: flat.index[o] as number })),
  );
  return { makespan, start, machineSequences };
}

function checkSequences(
  instance: JobShopInstance,
  flat: FlatInstance,
  sequences: readonly (readonly OperationRef[])[],
): Int32Array[] {
  if (sequences.length !== instance.machineCount)
    throw new UserError(
      'invalid_input',
      `a schedule needs one sequence per machine: got ${sequences.length}, expected ${instance.machineCount}`,
    );
  const seen = new Uint8Array(flat.operationCount);
  return sequences
    .map((seq, m) =>
      Int32Array.from(seq, (ref, pos) => {
        const ops = instance.jobs[ref.job];
        const op = ops?.[ref.index];
        if (op === undefined)
          throw new UserError(
            'invalid_input',
            `machine ${m}, position ${pos}: no operation ${ref.index} in job ${ref.job}`,
          );
        if (op.machine !== m)
          throw new UserError(
            'invalid_input',
            `machine ${m}, position ${pos}: job ${ref.job} operation ${ref.index} runs on machine ${op.machine}`,
          );
        const id = (flat.jobStart[ref.job] as number) + ref.index;
        if (seen[id] === 1)
          throw new UserError(
            'invalid_input',
            `job ${ref.job} operation ${ref.index} appears twice in the sequences`,
          );
        seen[id] = 1;
        return id;
      }),
    )
    .map((seq, m) => {
      if (seq.length !== flat.machineOps[m]?.length)
        throw new UserError(
          'invalid_input',
          `machine ${m} sequences ${seq.length} operations, the instance has ${flat.machineOps[m]?.length ?? 0}`,
        );
      return seq;
    });
}

/**
 * The semi-active schedule of given machine sequences: every operation starts as early as its job and machine
 * predecessors allow. Throws a UserError when the sequences are incomplete or cyclic (no feasible schedule).
 */
export function scheduleFromSequences(
  instance: JobShopInstance,
  sequences: readonly (readonly OperationRef[])[],
): JobShopSchedule {
  const flat = flattenInstance(instance);
  const ids = checkSequences(instance, flat, sequences);
  const { machPrev, machNext } = linkSequences(flat, ids);
  const scratch = graphScratch(flat.operationCount);
  const makespan = headsAndTails(flat, machPrev, machNext, scratch);
  if (makespan < 0)
    throw new UserError('invalid_input', 'the machine sequences contradict the job routings (cycle)');
  return toSchedule(flat, ids, scratch.heads, makespan);
}

/**
 * Problems with a schedule's start times, empty when it is valid: every operation has a start time ≥ 0, starts no
 * earlier than its job predecessor ends, no two operations overlap on a machine, and the makespan is the last end.
 */
export function validateSchedule(
  instance: JobShopInstance,
  schedule: Pick<JobShopSchedule, 'start' | 'makespan'>,
): string[] {
  const problems: string[] = [];
  const byMachine: { job: number; index: number; start: number; end: number }[][] = Array.from(
    { length: instance.machineCount },
    () => [],
  );
  let last = 0;
  instance.jobs.forEach((ops, j) => {
    let ready = 0;
    ops.forEach((op, k) => {
      const s = schedule.start[j]?.[k];
      if (s === undefined || !Number.isFinite(s) || s < 0) {
        problems.push(`job ${j} operation ${k}: no valid start time`);
        return;
      }
      if (s < ready)
        problems.push(`job ${j} operation ${k} starts at ${s}, before its predecessor ends at ${ready}`);
      ready = s + op.duration;
      last = Math.max(last, ready);
      byMachine[op.machine]?.push({ job: j, index: k, start: s, end: ready });
    });
  });
  byMachine.forEach((ops, m) => {
    ops.sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < ops.length; i++) {
      const a = ops[i - 1];
      const b = ops[i];
      if (a !== undefined && b !== undefined && b.start < a.end)
        problems.push(
          `machine ${m}: job ${a.job} op ${a.index} [${a.start}, ${a.end}) overlaps job ${b.job} op ${b.index} [${b.start}, ${b.end})`,
        );
    }
  });
  if (schedule.makespan !== last)
    problems.push(`makespan ${schedule.makespan} differs from the last end ${last}`);
  return problems;
}

/**
 * One critical path of a valid schedule: a chain of operations from time 0 to the makespan, each starting when its
 * job or machine predecessor ends (ties prefer the machine predecessor, which makes blocks longer).
 */
export function criticalPath(instance: JobShopInstance, schedule: JobShopSchedule): OperationRef[] {
  const dur = (r: OperationRef) => instance.jobs[r.job]?.[r.index]?.duration ?? 0;
  const start = (r: OperationRef) => schedule.start[r.job]?.[r.index] ?? 0;
  const machPred = new Map<string, OperationRef>();
  for (const seq of schedule.machineSequences)
    for (let i = 1; i < seq.length; i++) {
      const a = seq[i - 1];
      const b = seq[i];
      if (a !== undefined && b !== undefined) machPred.set(`${b.job}:${b.index}`, a);
    }
  let current: OperationRef | undefined;
  instance.jobs.forEach((ops, j) =>
    ops.forEach((_, k) => {
      const r = { job: j, index: k };
      if (current === undefined && start(r) + dur(r) === schedule.makespan) current = r;
    }),
  );
  const path: OperationRef[] = [];
  while (current !== undefined) {
    path.push(current);
    const s = start(current);
    if (s === 0) break;
    const mp = machPred.get(`${current.job}:${current.index}`);
    const jp = current.index > 0 ? { job: current.job, index: current.index - 1 } : undefined;
    if (mp !== undefined && start(mp) + dur(mp) === s) current = mp;
    else if (jp !== undefined && start(jp) + dur(jp) === s) current = jp;
    else current = undefined; // idle time before a non-zero start: not a semi-active schedule
  }
  return path.reverse();
}

/** The critical blocks of a critical path: maximal runs of consecutive path operations on the same machine. */
export function criticalBlocks(instance: JobShopInstance, path: readonly OperationRef[]): CriticalBlock[] {
  const blocks: { machine: number; operations: OperationRef[] }[] = [];
  for (const r of path) {
    const m = instance.jobs[r.job]?.[r.index]?.machine ?? -1;
    const last = blocks.at(-1);
    if (last !== undefined && last.machine === m) last.operations.push(r);
    else blocks.push({ machine: m, operations: [r] });
  }
  return blocks;
}
