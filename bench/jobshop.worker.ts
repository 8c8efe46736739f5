/**
 * One seeded job-shop tabu search in a worker thread, for bench/jobshop.ts (which runs two at once, one per core,
 * and keeps the best). Posts { type: 'progress' } on each new best and { type: 'done' } with the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type JobShopInstance } from '../src/analytics/planning/instance.js';
import { solveJobShop } from '../src/analytics/planning/tabu.js';

export interface JobShopWorkerInput {
  readonly instance: JobShopInstance;
  readonly seed: number;
  readonly timeLimitMs: number;
  readonly target?: number;
}

const port = parentPort;
if (port !== null) {
  const input = workerData as JobShopWorkerInput;
  const result = solveJobShop(input.instance, {
    seed: input.seed,
    timeLimitMs: input.timeLimitMs,
    ...(input.target === undefined ? {} : { target: input.target }),
    progressEveryMs: 60_000,
    onProgress: (p) => port.postMessage({ type: 'progress', ...p }),
  });
  port.postMessage({
    type: 'done',
    makespan: result.makespan,
    lowerBound: result.lowerBound,
    iterations: result.iterations,
    elapsedMs: result.elapsedMs,
    timeToBestMs: result.timeToBestMs,
    stoppedBy: result.stoppedBy,
    start: result.schedule.start,
  });
}
