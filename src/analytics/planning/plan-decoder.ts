/**
 * The plan problem compiled to flat arrays, and the decoder from (machine assignment, machine sequences) to a
 * semi-active schedule: every operation starts as early as its job, its machine (setup included), the machine's
 * calendar, its release and — when rescheduling — the present allow, in the given sequences.
 */
import {
  type PlanProblem,
  type PlanSchedule,
  type PlannedOperation,
  objectiveWeights,
  setupTime,
} from './plan-model.js';

/** An operation already placed that the search must keep (done, or running when rescheduling). */
export interface FixedPlacement {
  readonly machine: number;
  readonly start: number;
  readonly end: number;
  readonly setup: number;
}

/** What a rescheduling adds to a problem: the present, what is fixed, and the old plan to stay close to. */
export interface PlanContext {
  /** No setup or operation that is not fixed may start before this. */
  readonly now: number;
  /** Per operation (flat index): its fixed placement, or undefined. */
  readonly fixed: readonly (FixedPlacement | undefined)[];
  /** Per operation: its start in the old plan (NaN for a new operation); also the anchor start of the repair. */
  readonly oldStart: Float64Array;
  /** Per operation: its machine in the old plan (−1 for a new operation). */
  readonly oldMachine: Int32Array;
  readonly movedWeight: number;
  readonly machineChangeWeight: number;
}

export interface CompiledPlan {
  readonly problem: PlanProblem;
  readonly opCount: number;
  readonly machineCount: number;
  readonly jobCount: number;
  readonly machineIds: readonly string[];
  readonly machineIndex: ReadonlyMap<string, number>;
  /** Merged, sorted unavailability windows per machine, as [start0, end0, start1, end1, …]. */
  readonly windows: readonly Float64Array[];
  readonly opJob: Int32Array;
  /** Position of each operation in its job's routing. */
  readonly opPosition: Int32Array;
  /** First flat operation of each job; jobStart[jobCount] = opCount. */
  readonly jobStart: Int32Array;
  /** duration[o * machineCount + m], or −1 where m cannot run o. */
  readonly duration: Float64Array;
  readonly alternatives: readonly Int32Array[];
  readonly minDuration: Float64Array;
  readonly family: Int32Array;
  readonly familyCount: number;
  /** setup[m][fa * familyCount + fb]. */
  readonly setup: readonly Float64Array[];
  readonly release: Float64Array;
  readonly due: Float64Array;
  readonly weight: Float64Array;
  readonly wMakespan: number;
  readonly wTardiness: number;
  readonly context: PlanContext | undefined;
  /** context.now, or −Infinity when not rescheduling. */
  readonly now: number;
  /** 1 for an operation the context fixes. */
  readonly isFixed: Uint8Array;
}

function mergedWindows(list: readonly { start: number; end: number }[]): Float64Array {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: number[] = [];
  for (const w of sorted) {
    const last = out.length - 1;
    if (last > 0 && w.start <= (out[last] as number)) out[last] = Math.max(out[last] as number, w.end);
    else out.push(w.start, w.end);
  }
  return Float64Array.from(out);
}

/** Flattens a validated problem; `context` adds the present and the old plan when rescheduling. */
export function compilePlan(problem: PlanProblem, context?: PlanContext): CompiledPlan {
  const machineIds = problem.machines.map((m) => m.id);
  const machineIndex = new Map(machineIds.map((m, i) => [m, i]));
  const M = machineIds.length;
  const families: string[] = [];
  const familyIndex = new Map<string, number>();
  const jobStart = new Int32Array(problem.jobs.length + 1);
  let n = 0;
  problem.jobs.forEach((job, j) => {
    jobStart[j] = n;
    n += job.operations.length;
    for (const op of job.operations)
      if (op.family !== undefined && !familyIndex.has(op.family)) {
        familyIndex.set(op.family, families.length);
        families.push(op.family);
      }
  });
  jobStart[problem.jobs.length] = n;
  const F = families.length;
  const opJob = new Int32Array(n);
  const opPosition = new Int32Array(n);
  const duration = new Float64Array(n * M).fill(-1);
  const minDuration = new Float64Array(n);
  const family = new Int32Array(n).fill(-1);
  const release = new Float64Array(n);
  const alternatives: Int32Array[] = [];
  const due = new Float64Array(problem.jobs.length).fill(Infinity);
  const weight = new Float64Array(problem.jobs.length);
  let o = 0;
  problem.jobs.forEach((job, j) => {
    due[j] = job.due ?? Infinity;
    weight[j] = job.weight ?? 1;
    job.operations.forEach((op, k) => {
      opJob[o] = j;
      opPosition[o] = k;
      release[o] = job.release ?? 0;
      family[o] = op.family === undefined ? -1 : (familyIndex.get(op.family) ?? -1);
      let min = Infinity;
      const alts: number[] = [];
      for (const a of op.alternatives) {
        const m = machineIndex.get(a.machine) ?? -1;
        duration[o * M + m] = a.duration;
        alts.push(m);
        min = Math.min(min, a.duration);
      }
      alternatives.push(Int32Array.from(alts));
      minDuration[o] = min;
      o++;
    });
  });
  const setup = machineIds.map((m) => {
    const table = new Float64Array(F * F);
    for (let a = 0; a < F; a++)
      for (let b = 0; b < F; b++) table[a * F + b] = setupTime(problem, m, families[a], families[b]);
    return table;
  });
  const weights = objectiveWeights(problem);
  return {
    problem,
    opCount: n,
    machineCount: M,
    jobCount: problem.jobs.length,
    machineIds,
    machineIndex,
    windows: problem.machines.map((m) => mergedWindows(m.unavailable ?? [])),
    opJob,
    opPosition,
    jobStart,
    duration,
    alternatives,
    minDuration,
    family,
    familyCount: F,
    setup,
    release,
    due,
    weight,
    wMakespan: weights.makespan,
    wTardiness: weights.tardiness,
    context,
    now: context?.now ?? -Infinity,
    isFixed: Uint8Array.from({ length: n }, (_, o) => (context?.fixed[o] === undefined ? 0 : 1)),
  };
}

/** Why an operation starts when it does: the operation it waits for, or a calendar/release/anchor/fixed bound. */
export const BOUND_NONE = -1;

/** Scratch for one placement, reused to avoid allocation. */
export interface Placement {
  start: number;
  end: number;
  setup: number;
  /**
   * The operation whose end set the start (job or machine predecessor), or BOUND_NONE; when a calendar window then
   * delayed it, still the operation that pushed it into the window.
   */
  bind: number;
  /** True when the anchor (old start) set the start. */
  anchorBound: boolean;
}

/**
 * Places operation `o` on machine `m` after `prev` (the previous operation on m, or −1, ending at `prevEnd`), once
 * its job predecessor `jobPred` (or −1) ends at `jobReady`; `anchor` is a start it may not precede (−Infinity for
 * none). The setup and the operation together go into the first gap of the machine's calendar.
 */
export function place(
  c: CompiledPlan,
  o: number,
  m: number,
  prev: number,
  prevEnd: number,
  jobPred: number,
  jobReady: number,
  anchor: number,
  out: Placement,
): void {
  const d = c.duration[o * c.machineCount + m] as number;
  const fp = prev >= 0 ? (c.family[prev] as number) : -1;
  const fo = c.family[o] as number;
  const s = fp >= 0 && fo >= 0 ? ((c.setup[m] as Float64Array)[fp * c.familyCount + fo] as number) : 0;
  const release = c.release[o] as number;
  // u is the setup's start
  let u = prev >= 0 ? prevEnd : 0;
  let bind = prev >= 0 ? prev : BOUND_NONE;
  let anchorBound = false;
  const ready = Math.max(jobReady, release);
  if (ready - s > u) {
    u = ready - s;
    bind = jobPred >= 0 && jobReady >= release ? jobPred : BOUND_NONE;
  }
  const now = c.now;
  if (now > u) {
    u = now;
    bind = BOUND_NONE;
  }
  if (anchor - s > u) {
    u = anchor - s;
    bind = BOUND_NONE;
    anchorBound = true;
  }
  const w = c.windows[m] as Float64Array;
  for (let i = 0; i < w.length; i += 2) {
    const ws = w[i] as number;
    const we = w[i + 1] as number;
    if (we <= u) continue;
    if (ws >= u + s + d) break;
    // bind stays: what pushed the operation into the window is what a move should change
    u = we;
  }
  out.start = u + s;
  out.end = u + s + d;
  out.setup = s;
  out.bind = bind;
  out.anchorBound = anchorBound;
}

/** A solution the search works on: a machine per operation and the order of operations on each machine. */
export interface PlanSolution {
  readonly assign: Int32Array;
  readonly sequences: number[][];
  /** Per operation: 1 while the anchor (old start) holds it, when rescheduling. */
  readonly anchored: Uint8Array;
}

export function cloneSolution(s: PlanSolution): PlanSolution {
  return {
    assign: s.assign.slice(),
    sequences: s.sequences.map((q) => q.slice()),
    anchored: s.anchored.slice(),
  };
}

/** The decoded schedule of a solution, in flat arrays, with its objective and (when rescheduling) disruption. */
export class Decoded {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly setup: Float64Array;
  readonly bind: Int32Array;
  readonly anchorBound: Uint8Array;
  readonly machPrev: Int32Array;
  feasible = false;
  makespan = 0;
  /** An operation that ends at the makespan. */
  lastOp = -1;
  weightedTardiness = 0;
  objective = 0;
  disruption = 0;
  /** objective + disruption: what the search minimises. */
  total = Infinity;
  private readonly machNext: Int32Array;
  private readonly indegree: Int32Array;
  private readonly stack: Int32Array;
  private readonly scratch: Placement = { start: 0, end: 0, setup: 0, bind: -1, anchorBound: false };

  constructor(readonly c: CompiledPlan) {
    const n = c.opCount;
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.setup = new Float64Array(n);
    this.bind = new Int32Array(n);
    this.anchorBound = new Uint8Array(n);
    this.machPrev = new Int32Array(n);
    this.machNext = new Int32Array(n);
    this.indegree = new Int32Array(n);
    this.stack = new Int32Array(n);
  }

  /** Decodes `sol`; returns false (and total = Infinity) when the sequences contradict the routings (a cycle). */
  decode(sol: PlanSolution): boolean {
    const c = this.c;
    const n = c.opCount;
    const { machPrev, machNext, indegree, stack, start, end, setup, bind, anchorBound } = this;
    machPrev.fill(-1);
    machNext.fill(-1);
    for (const seq of sol.sequences)
      for (let i = 0; i < seq.length; i++) {
        const o = seq[i] as number;
        if (i > 0) machPrev[o] = seq[i - 1] as number;
        if (i + 1 < seq.length) machNext[o] = seq[i + 1] as number;
      }
    let top = 0;
    for (let o = 0; o < n; o++) {
      const jobPred = (c.opPosition[o] as number) > 0 ? 1 : 0;
      indegree[o] = jobPred + ((machPrev[o] as number) >= 0 ? 1 : 0);
      if (indegree[o] === 0) stack[top++] = o;
    }
    const ctx = c.context;
    const p = this.scratch;
    let done = 0;
    while (top > 0) {
      const o = stack[--top] as number;
      done++;
      const fixed = c.isFixed[o] === 1 ? ctx?.fixed[o] : undefined;
      if (fixed !== undefined) {
        start[o] = fixed.start;
        end[o] = fixed.end;
        setup[o] = fixed.setup;
        bind[o] = BOUND_NONE;
        anchorBound[o] = 0;
      } else {
        const prev = machPrev[o] as number;
        const jp = (c.opPosition[o] as number) > 0 ? o - 1 : -1;
        const anchor = ctx !== undefined && sol.anchored[o] === 1 ? (ctx.oldStart[o] as number) : -Infinity;
        place(
          c,
          o,
          sol.assign[o] as number,
          prev,
          prev >= 0 ? (end[prev] as number) : 0,
          jp,
          jp >= 0 ? (end[jp] as number) : -Infinity,
          Number.isNaN(anchor) ? -Infinity : anchor,
          p,
        );
        start[o] = p.start;
        end[o] = p.end;
        setup[o] = p.setup;
        bind[o] = p.bind;
        anchorBound[o] = p.anchorBound ? 1 : 0;
      }
      const js = o + 1 < n && c.opJob[o + 1] === c.opJob[o] ? o + 1 : -1;
      if (js >= 0) {
        indegree[js] = (indegree[js] as number) - 1;
        if (indegree[js] === 0) stack[top++] = js;
      }
      const ms = machNext[o] as number;
      if (ms >= 0) {
        indegree[ms] = (indegree[ms] as number) - 1;
        if (indegree[ms] === 0) stack[top++] = ms;
      }
    }
    this.feasible = done === n;
    if (!this.feasible) {
      this.total = Infinity;
      return false;
    }
    this.evaluate(sol);
    return true;
  }

  private evaluate(sol: PlanSolution): void {
    const c = this.c;
    let makespan = 0;
    let lastOp = -1;
    for (let o = 0; o < c.opCount; o++)
      if ((this.end[o] as number) >= makespan) {
        makespan = this.end[o] as number;
        lastOp = o;
      }
    let tardiness = 0;
    for (let j = 0; j < c.jobCount; j++) {
      const last = (c.jobStart[j + 1] as number) - 1;
      const late = (this.end[last] as number) - (c.due[j] as number);
      if (late > 0) tardiness += (c.weight[j] as number) * late;
    }
    this.makespan = makespan;
    this.lastOp = lastOp;
    this.weightedTardiness = tardiness;
    this.objective = c.wMakespan * makespan + c.wTardiness * tardiness;
    let disruption = 0;
    const ctx = c.context;
    if (ctx !== undefined)
      for (let o = 0; o < c.opCount; o++) {
        const om = ctx.oldMachine[o] as number;
        if (om < 0) continue;
        if (this.start[o] !== ctx.oldStart[o]) disruption += ctx.movedWeight;
        if (sol.assign[o] !== om) disruption += ctx.machineChangeWeight;
      }
    this.disruption = disruption;
    this.total = this.objective + disruption;
  }

  /** The decoded schedule in the problem's words, operations in job order. */
  toSchedule(sol: PlanSolution): PlanSchedule {
    const c = this.c;
    const operations: PlannedOperation[] = [];
    c.problem.jobs.forEach((job, j) =>
      job.operations.forEach((op, k) => {
        const o = (c.jobStart[j] as number) + k;
        operations.push({
          job: job.id,
          operation: op.id,
          machine: c.machineIds[sol.assign[o] as number] as string,
          start: this.start[o] as number,
          end: this.end[o] as number,
          setup: this.setup[o] as number,
        });
      }),
    );
    return {
      operations,
      makespan: this.makespan,
      weightedTardiness: this.weightedTardiness,
      objective: this.objective,
    };
  }
}
