/** Seeded synthetic plant problems (flexible routings, setup families, due dates) for tests, demos and benchmarks. */
import { seededRandom } from '../random.js';
import { type PlanProblem } from './plan-model.js';

export interface PlanGeneratorOptions {
  readonly seed: number;
  readonly jobs?: number;
  readonly operationsPerJob?: number;
  readonly machines?: number;
  /** Chance that an operation can also run on the next machine (with its own duration); default 0.6. */
  readonly flexibility?: number;
}

/**
 * A random flexible job shop: machines `M0..`, jobs `J0..` of operations `o0..`, each on a random machine and, with
 * probability `flexibility`, also on the next one; durations 2–10; families A–C with setups 2–4 between them; due
 * dates 30–69, weights 1–3; objective makespan + 0.5 · weighted tardiness. The same seed gives the same problem.
 * @example generatePlanProblem({ seed: 3 }).jobs.length; // 8
 */
export function generatePlanProblem(options: PlanGeneratorOptions): PlanProblem {
  const rnd = seededRandom(options.seed);
  const machines = options.machines ?? 4;
  const flexibility = options.flexibility ?? 0.6;
  const ids = Array.from({ length: machines }, (_, m) => `M${m}`);
  const families = ['A', 'B', 'C'];
  const duration = (): number => 2 + Math.floor(rnd() * 9);
  return {
    machines: ids.map((id) => ({ id })),
    jobs: Array.from({ length: options.jobs ?? 8 }, (_, j) => ({
      id: `J${j}`,
      due: 30 + Math.floor(rnd() * 40),
      weight: 1 + Math.floor(rnd() * 3),
      operations: Array.from({ length: options.operationsPerJob ?? 4 }, (_, k) => {
        const first = Math.floor(rnd() * machines);
        const alternatives = [{ machine: ids[first] ?? 'M0', duration: duration() }];
        if (machines > 1 && rnd() < flexibility)
          alternatives.push({ machine: ids[(first + 1) % machines] ?? 'M0', duration: duration() });
        return { id: `o${k}`, alternatives, family: families[Math.floor(rnd() * families.length)] ?? 'A' };
      }),
    })),
    setups: { A: { B: 3, C: 4 }, B: { A: 2, C: 3 }, C: { A: 4, B: 2 } },
    objective: { makespan: 1, tardiness: 0.5 },
  };
}
