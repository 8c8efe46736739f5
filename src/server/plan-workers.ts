/**
 * Schedule searches in worker threads, so a search of several seconds does not hold the server's event loop (ingest,
 * the API, the WebSocket) — and on more than one core: each worker searches with its own seed and the best result
 * is kept (for a reschedule, the lowest objective + disruption penalty). Under tsx (tests, `npm run dev`) the worker
 * loads the TypeScript source through tsx's loader; from dist it loads the compiled file.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type {
  PlanDisruption,
  PlanProblem,
  PlanSchedule,
  PlanSolveResult,
  RescheduleOptions,
  RescheduleResult,
} from '../analytics/planning/plan.js';
import type { PlanSolver } from '../app/planning/planner.js';
import { OperationalError } from '../domain/index.js';

type Options = { timeLimitMs?: number; seed?: number; maxIterations?: number } & Omit<
  RescheduleOptions,
  'signal' | 'onProgress' | 'now'
>;

export type PlanWorkerInput = { readonly cancel: SharedArrayBuffer; readonly options: Options } & (
  | { readonly kind: 'solve'; readonly problem: PlanProblem }
  | {
      readonly kind: 'reschedule';
      readonly problem: PlanProblem;
      readonly current: PlanSchedule;
      readonly now: number;
      readonly disruption: PlanDisruption;
    }
);

function startWorker(input: PlanWorkerInput): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const api = import.meta.resolve('tsx/esm/api');
    const file = new URL('./plan-worker.ts', here).href;
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`;
    return new Worker(code, { eval: true, workerData: input });
  }
  return new Worker(new URL('./plan-worker.js', here), { workerData: input });
}

function run<T>(input: PlanWorkerInput, signal: AbortSignal | undefined): Promise<T> {
  const flag = new Int32Array(input.cancel);
  const cancel = () => Atomics.store(flag, 0, 1);
  signal?.addEventListener('abort', cancel, { once: true });
  const worker = startWorker(input);
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (result: T) => resolve(result));
    worker.once('error', (error) => reject(error));
    worker.once('exit', (code) => {
      if (code !== 0)
        reject(new OperationalError('unavailable', `a schedule search worker stopped with code ${code}`));
    });
  }).finally(() => {
    signal?.removeEventListener('abort', cancel);
    void worker.terminate();
  });
}

/** A PlanSolver that runs `workers` seeds (seed, seed + 1, …) in parallel threads; default: one per core, at most 4. */
export function workerPlanSolver(workers = Math.min(4, availableParallelism())): PlanSolver {
  const seeds = (seed: number) => Array.from({ length: Math.max(1, workers) }, (_, k) => seed + k);
  return {
    async solve(problem, { signal, ...options }) {
      const results = await Promise.all(
        seeds(options.seed).map((seed) =>
          run<PlanSolveResult>(
            { kind: 'solve', problem, options: { ...options, seed }, cancel: new SharedArrayBuffer(4) },
            signal,
          ),
        ),
      );
      return results.reduce((best, r) => (r.schedule.objective < best.schedule.objective ? r : best));
    },
    async reschedule(problem, current, now, disruption, { signal, onProgress: _p, now: _clock, ...options }) {
      const results = await Promise.all(
        seeds(options.seed ?? 1).map((seed) =>
          run<RescheduleResult>(
            {
              kind: 'reschedule',
              problem,
              current,
              now,
              disruption,
              options: { ...options, seed },
              cancel: new SharedArrayBuffer(4),
            },
            signal,
          ),
        ),
      );
      const cost = (r: RescheduleResult) => r.objectiveAfter + r.disruption;
      return results.reduce((best, r) => (cost(r) < cost(best) ? r : best));
    },
  };
}
