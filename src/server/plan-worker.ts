/**
 * A worker thread's side of `workerPlanSolver`: runs one schedule search (solve or reschedule) with the seed it is
 * given and posts the result back. A shared flag, set by the main thread, cancels it (the search reads
 * `signal.aborted` between moves).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reschedulePlan, solvePlan } from '../analytics/planning/plan.js';
import type { PlanWorkerInput } from './plan-workers.js';

const input = workerData as PlanWorkerInput;
const flag = new Int32Array(input.cancel);
const signal = {
  get aborted() {
    return Atomics.load(flag, 0) === 1;
  },
} as AbortSignal;
const options = { ...input.options, signal };
const result =
  input.kind === 'solve'
    ? solvePlan(input.problem, options)
    : reschedulePlan(input.problem, input.current, input.now, input.disruption, options);
parentPort?.postMessage(result);
