/** The plant scheduler: lower bound, dispatching-rule construction, and the anytime tabu search (`solvePlan`). */
import { seededRandom } from '../random.js';
import {
  type CompiledPlan,
  type Placement,
  type PlanSolution,
  Decoded,
  compilePlan,
  place,
} from './plan-decoder.js';
import { type PlanProblem, type PlanSchedule } from './plan-model.js';
import { type PlanSolveOptions, type PlanStopReason, runPlanSearch } from './plan-search.js';

export interface PlanSolveResult {
  readonly schedule: PlanSchedule;
  /**
   * A lower bound on the objective (makespan part and tardiness part together): see `planLowerBound`.
   * `schedule.objective === lowerBound` proves the schedule optimal.
   */
  readonly lowerBound: number;
  readonly iterations: number;
  readonly elapsedMs: number;
  /** Every improvement of the best objective, in order; the first is the best dispatching rule. */
  readonly history: readonly { elapsedMs: number; best: number }[];
  readonly stopped: PlanStopReason;
}

/** Sum of minimum durations of each job's operations from position k on (tail[o] excludes o). */
function tails(c: CompiledPlan): Float64Array {
  const tail = new Float64Array(c.opCount);
  for (let j = 0; j < c.jobCount; j++) {
    let acc = 0;
    for (let o = (c.jobStart[j + 1] as number) - 1; o >= (c.jobStart[j] as number); o--) {
      tail[o] = acc;
      acc += c.minDuration[o] as number;
    }
  }
  return tail;
}

/**
 * A lower bound on the objective, ignoring setups and calendars (both only delay): wMakespan · Cmax_LB +
 * wTardiness · Σ_j weight_j · max(0, release_j + Σ min durations − due_j), where Cmax_LB is the largest of
 * (1) each job's release plus the sum of its operations' shortest durations, (2) for each machine, over the
 * operations only it can run: the least head (release + shortest durations before) + their total duration + the
 * least tail (shortest durations after) — the classical one-machine bound relaxed to non-overlap only
 * (Carlier, EJOR 11(1), 1982), and (3) the total of all shortest durations divided by the number of machines.
 */
export function planLowerBound(problem: PlanProblem): number {
  return compiledLowerBound(compilePlan(problem));
}

function compiledLowerBound(c: CompiledPlan): number {
  const tail = tails(c);
  let cmax = 0;
  let tardiness = 0;
  let work = 0;
  const load = new Float64Array(c.machineCount);
  const minHead = new Float64Array(c.machineCount).fill(Infinity);
  const minTail = new Float64Array(c.machineCount).fill(Infinity);
  for (let j = 0; j < c.jobCount; j++) {
    const first = c.jobStart[j] as number;
    const length = (c.release[first] ?? 0) + (c.minDuration[first] ?? 0) + (tail[first] ?? 0);
    cmax = Math.max(cmax, length);
    tardiness += (c.weight[j] as number) * Math.max(0, length - (c.due[j] as number));
    let head = c.release[first] ?? 0;
    for (let o = first; o < (c.jobStart[j + 1] as number); o++) {
      const alts = c.alternatives[o] as Int32Array;
      work += c.minDuration[o] as number;
      if (alts.length === 1) {
        const m = alts[0] as number;
        load[m] = (load[m] as number) + (c.minDuration[o] as number);
        minHead[m] = Math.min(minHead[m] as number, head);
        minTail[m] = Math.min(minTail[m] as number, tail[o] as number);
      }
      head += c.minDuration[o] as number;
    }
  }
  for (let m = 0; m < c.machineCount; m++)
    if ((load[m] as number) > 0)
      cmax = Math.max(cmax, (minHead[m] as number) + (load[m] as number) + (minTail[m] as number));
  if (c.machineCount > 0) cmax = Math.max(cmax, Math.ceil(work / c.machineCount));
  return c.wMakespan * cmax + c.wTardiness * tardiness;
}

type Rule = 'ect' | 'mwkr' | 'spt' | 'atc' | 'edd' | 'noisy';

/**
 * Giffler & Thompson's active-schedule generation (Oper. Res. 8(4), 1960) extended to alternative machines: the
 * (operation, machine) pair that can finish first fixes the machine; among the ready operations that could start
 * on it before that, the rule picks one. Rules: earliest completion, most work remaining, shortest processing
 * time, apparent tardiness cost (Vepsalainen & Morton, Mgmt Sci. 33(8), 1987, k = 2), earliest due date, and
 * most-work-remaining with noise (for diversity).
 */
function dispatch(c: CompiledPlan, rule: Rule, random: () => number): PlanSolution {
  const n = c.opCount;
  const M = c.machineCount;
  const tail = tails(c);
  const next = Int32Array.from({ length: c.jobCount }, (_, j) => c.jobStart[j] as number);
  const jobReady = new Float64Array(c.jobCount).fill(-Infinity);
  const machLast = new Int32Array(M).fill(-1);
  const machEnd = new Float64Array(M);
  const assign = new Int32Array(n);
  const sequences: number[][] = Array.from({ length: M }, () => []);
  let meanDuration = 0;
  for (let o = 0; o < n; o++) meanDuration += (c.minDuration[o] as number) / Math.max(1, n);
  const p: Placement = { start: 0, end: 0, setup: 0, bind: -1, anchorBound: false };
  const at = (o: number, m: number): Placement => {
    const j = c.opJob[o] as number;
    place(c, o, m, machLast[m] as number, machEnd[m] as number, -1, jobReady[j] as number, -Infinity, p);
    return p;
  };
  for (let placed = 0; placed < n; placed++) {
    let bestEnd = Infinity;
    let bestMachine = -1;
    for (let j = 0; j < c.jobCount; j++) {
      const o = next[j] as number;
      if (o >= (c.jobStart[j + 1] as number)) continue;
      for (const m of c.alternatives[o] as Int32Array) {
        const end = at(o, m).end;
        if (end < bestEnd) {
          bestEnd = end;
          bestMachine = m;
        }
      }
    }
    const m = bestMachine;
    let chosen = -1;
    let chosenPriority = -Infinity;
    for (let j = 0; j < c.jobCount; j++) {
      const o = next[j] as number;
      if (o >= (c.jobStart[j + 1] as number)) continue;
      const d = c.duration[o * M + m] as number;
      if (d < 0) continue;
      const pl = at(o, m);
      if (pl.start >= bestEnd && !(pl.end === bestEnd)) continue;
      const remaining = d + (tail[o] as number);
      const due = c.due[j] as number;
      const slack = due - pl.start - remaining;
      const priority =
        rule === 'ect'
          ? -pl.end
          : rule === 'mwkr'
            ? remaining
            : rule === 'spt'
              ? -d
              : rule === 'edd'
                ? -(due - remaining)
                : rule === 'atc'
                  ? ((c.weight[j] as number) / Math.max(d, 1e-9)) *
                    Math.exp(-Math.max(0, slack) / (2 * Math.max(meanDuration, 1e-9)))
                  : remaining * (0.7 + 0.6 * random());
      if (chosen < 0 || priority > chosenPriority) {
        chosenPriority = priority;
        chosen = o;
      }
    }
    const j = c.opJob[chosen] as number;
    const end = at(chosen, m).end;
    assign[chosen] = m;
    (sequences[m] as number[]).push(chosen);
    machLast[m] = chosen;
    machEnd[m] = end;
    jobReady[j] = end;
    next[j] = chosen + 1;
  }
  return { assign, sequences, anchored: new Uint8Array(n) };
}

/** The best of the dispatching rules (and a few noisy runs), by objective. */
function bestDispatch(c: CompiledPlan, random: () => number): PlanSolution {
  const rules: Rule[] = ['ect', 'mwkr', 'spt', 'atc', 'edd', 'noisy', 'noisy', 'noisy', 'noisy'];
  const decoded = new Decoded(c);
  let best: PlanSolution | undefined;
  let bestTotal = Infinity;
  for (const rule of rules) {
    const sol = dispatch(c, rule, random);
    decoded.decode(sol);
    if (best === undefined || decoded.total < bestTotal) {
      best = sol;
      bestTotal = decoded.total;
    }
  }
  return best ?? dispatch(c, 'ect', random);
}

/**
 * Schedules a plan problem: the best dispatching rule, improved by tabu search until the time or iteration limit
 * (`defaultPlanIterations` when neither is given), cancellation, or a proof of optimality (objective = lower bound).
 * Deterministic for a seed when bounded by iterations only.
 * @example solvePlan(planFromJobShop(ft06), { maxIterations: 3000, seed: 1 }).schedule.makespan; // 55
 */
export function solvePlan(problem: PlanProblem, options: PlanSolveOptions = {}): PlanSolveResult {
  const c = compilePlan(problem);
  const lowerBound = compiledLowerBound(c);
  const initial = bestDispatch(c, seededRandom((options.seed ?? 1) ^ 0x5bd1e995));
  const out = runPlanSearch(c, initial, options, lowerBound);
  return {
    schedule: out.decoded.toSchedule(out.solution),
    lowerBound,
    iterations: out.iterations,
    elapsedMs: out.elapsedMs,
    history: out.history,
    stopped: out.stopped,
  };
}
