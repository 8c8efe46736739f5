/**
 * Lower bounds on the optimal makespan of a job-shop instance: the longest job, the busiest machine, and the
 * one-machine relaxation with heads and tails solved exactly with preemption by Jackson's preemptive schedule
 * (Carlier, EJOR 11(1), 1982; Carlier & Pinson, Management Science 35(2), 1989).
 */
import { type JobShopInstance } from './instance.js';

/** The three bounds and their maximum, the one to report. */
export interface LowerBounds {
  /** The longest job: the sum of its processing times. */
  readonly job: number;
  /** The busiest machine: the sum of the processing times on it. */
  readonly machine: number;
  /** max over machines of the preemptive one-machine bound 1|r_j, pmtn, q_j|Cmax with job heads and tails. */
  readonly oneMachine: number;
  readonly value: number;
}

/**
 * The optimal value of 1|r_j, pmtn, q_j|Cmax: at each moment run the released operation with the largest tail,
 * preempting when one with a larger tail is released (Jackson's preemptive schedule, Carlier 1982); the bound is the
 * largest completion time plus tail. O(k²) for k operations, enough for benchmark sizes (k ≤ 100).
 */
export function jacksonPreemptiveBound(
  heads: readonly number[],
  durations: readonly number[],
  tails: readonly number[],
): number {
  const k = heads.length;
  const byRelease = Array.from({ length: k }, (_, i) => i).sort((a, b) => (heads[a] ?? 0) - (heads[b] ?? 0));
  const remaining = durations.slice();
  const ready: number[] = [];
  let next = 0;
  let t = 0;
  let bound = 0;
  while (next < k || ready.length > 0) {
    if (ready.length === 0) t = Math.max(t, heads[byRelease[next] ?? 0] ?? 0);
    while (next < k && (heads[byRelease[next] ?? 0] ?? 0) <= t) ready.push(byRelease[next++] ?? 0);
    let pick = 0;
    for (let i = 1; i < ready.length; i++)
      if ((tails[ready[i] ?? 0] ?? 0) > (tails[ready[pick] ?? 0] ?? 0)) pick = i;
    const op = ready[pick] ?? 0;
    const release = next < k ? (heads[byRelease[next] ?? 0] ?? 0) : Infinity;
    const run = Math.min(remaining[op] ?? 0, release - t);
    t += run;
    remaining[op] = (remaining[op] ?? 0) - run;
    if (remaining[op] === 0) {
      bound = Math.max(bound, t + (tails[op] ?? 0));
      ready.splice(pick, 1);
    }
  }
  return bound;
}

/**
 * Lower bounds of an instance. Heads are the sums of the job predecessors' times, tails those of the successors.
 * @example lowerBounds(ft06).value; // 55 (ft06's optimum)
 */
export function lowerBounds(instance: JobShopInstance): LowerBounds {
  const perMachine = Array.from({ length: instance.machineCount }, () => ({
    heads: [] as number[],
    durations: [] as number[],
    tails: [] as number[],
  }));
  let job = 0;
  for (const ops of instance.jobs) {
    const total = ops.reduce((s, o) => s + o.duration, 0);
    job = Math.max(job, total);
    let before = 0;
    for (const op of ops) {
      const m = perMachine[op.machine];
      m?.heads.push(before);
      m?.durations.push(op.duration);
      m?.tails.push(total - before - op.duration);
      before += op.duration;
    }
  }
  let machine = 0;
  let oneMachine = 0;
  for (const m of perMachine) {
    machine = Math.max(
      machine,
      m.durations.reduce((s, p) => s + p, 0),
    );
    if (m.durations.length > 0)
      oneMachine = Math.max(oneMachine, jacksonPreemptiveBound(m.heads, m.durations, m.tails));
  }
  return { job, machine, oneMachine, value: Math.max(job, machine, oneMachine) };
}
