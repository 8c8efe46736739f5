/**
 * Constructive schedules: Giffler & Thompson's active-schedule generation (Operations Research 8(4), 1960) with
 * priority dispatching rules (Panwalkar & Iskander, Operations Research 25(1), 1977), the start of the local search.
 */
import { type JobShopInstance } from './instance.js';
import {
  type FlatInstance,
  type JobShopSchedule,
  flattenInstance,
  graphScratch,
  headsAndTails,
  linkSequences,
  toSchedule,
} from './schedule.js';

/**
 * Priority rules, applied among the operations that conflict on the machine of the earliest completion:
 * `mwkr` most work remaining in the job, `mor` most operations remaining, `spt` shortest processing time,
 * `lpt` longest processing time, `random` uniform (needs a random source).
 */
export const DISPATCH_RULES = ['mwkr', 'mor', 'spt', 'lpt', 'random'] as const;
export type DispatchRule = (typeof DISPATCH_RULES)[number];

/** Machine sequences (operation ids) of one Giffler–Thompson active schedule and its makespan. */
export interface DispatchResult {
  readonly rule: DispatchRule;
  readonly sequences: Int32Array[];
  readonly makespan: number;
}

/**
 * One active schedule by Giffler–Thompson: repeatedly take the schedulable operation with the earliest completion
 * C*, and among the operations on its machine that could start before C*, schedule the one the rule prefers.
 * Ties go to the lower job index, or are broken at random when `random` is given.
 */
export function dispatchFlat(flat: FlatInstance, rule: DispatchRule, random?: () => number): DispatchResult {
  const { jobCount: nj, machineCount: nm, duration: d, machine: mach, jobStart } = flat;
  const next = new Int32Array(nj);
  const jobReady = new Float64Array(nj);
  const machReady = new Float64Array(nm);
  const work = new Float64Array(nj);
  for (let j = 0; j < nj; j++) {
    next[j] = jobStart[j] as number;
    for (let o = jobStart[j] as number; o < (jobStart[j + 1] as number); o++)
      work[j] = (work[j] as number) + (d[o] as number);
  }
  const sequences: number[][] = Array.from({ length: nm }, () => []);
  const end = (j: number) => jobStart[j + 1] as number;
  for (let step = 0; step < flat.operationCount; step++) {
    let best = Infinity;
    let bestMachine = -1;
    for (let j = 0; j < nj; j++) {
      const o = next[j] as number;
      if (o >= end(j)) continue;
      const m = mach[o] as number;
      const c = Math.max(jobReady[j] as number, machReady[m] as number) + (d[o] as number);
      if (c < best) {
        best = c;
        bestMachine = m;
      }
    }
    let chosen = -1;
    let chosenKey = -Infinity;
    let ties = 0;
    for (let j = 0; j < nj; j++) {
      const o = next[j] as number;
      if (o >= end(j) || mach[o] !== bestMachine) continue;
      if (Math.max(jobReady[j] as number, machReady[bestMachine] as number) >= best) continue;
      const key =
        rule === 'mwkr'
          ? (work[j] as number)
          : rule === 'mor'
            ? end(j) - o
            : rule === 'spt'
              ? -(d[o] as number)
              : rule === 'lpt'
                ? (d[o] as number)
                : (random?.() ?? 0);
      if (key > chosenKey) {
        chosen = j;
        chosenKey = key;
        ties = 1;
      } else if (key === chosenKey && random !== undefined && random() * ++ties < 1) chosen = j;
    }
    const o = next[chosen] as number;
    const start = Math.max(jobReady[chosen] as number, machReady[bestMachine] as number);
    jobReady[chosen] = start + (d[o] as number);
    machReady[bestMachine] = start + (d[o] as number);
    work[chosen] = (work[chosen] as number) - (d[o] as number);
    next[chosen] = o + 1;
    sequences[bestMachine]?.push(o);
  }
  let makespan = 0;
  for (let m = 0; m < nm; m++) makespan = Math.max(makespan, machReady[m] as number);
  return { rule, sequences: sequences.map((s) => Int32Array.from(s)), makespan };
}

/** The best of the deterministic rules, plus `randomRuns` randomised-tie runs of each when `random` is given. */
export function bestDispatchFlat(
  flat: FlatInstance,
  options: { rules?: readonly DispatchRule[]; random?: () => number; randomRuns?: number } = {},
): DispatchResult {
  const rules = options.rules ?? DISPATCH_RULES.filter((r) => r !== 'random');
  let best: DispatchResult | undefined;
  const consider = (r: DispatchResult) => {
    if (best === undefined || r.makespan < best.makespan) best = r;
  };
  for (const rule of rules) {
    consider(dispatchFlat(flat, rule));
    if (options.random !== undefined)
      for (let i = 0; i < (options.randomRuns ?? 0); i++) consider(dispatchFlat(flat, rule, options.random));
  }
  return best ?? dispatchFlat(flat, 'mwkr');
}

/**
 * An active schedule of an instance by a dispatching rule (default: the best of mwkr, mor, spt, lpt).
 * @example dispatchSchedule(ft06, 'mwkr').makespan;
 */
export function dispatchSchedule(
  instance: JobShopInstance,
  rule?: DispatchRule,
): JobShopSchedule & { rule: DispatchRule } {
  const flat = flattenInstance(instance);
  const result = rule === undefined ? bestDispatchFlat(flat) : dispatchFlat(flat, rule);
  const { machPrev, machNext } = linkSequences(flat, result.sequences);
  const scratch = graphScratch(flat.operationCount);
  const makespan = headsAndTails(flat, machPrev, machNext, scratch);
  return { ...toSchedule(flat, result.sequences, scratch.heads, makespan), rule: result.rule };
}
