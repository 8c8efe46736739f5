/** Schedule searches in worker threads: valid results, the best of the seeds, and cancellation that returns early. */
import { describe, expect, it } from 'vitest';
import { checkPlanSchedule, planFromJobShop } from '../../src/analytics/planning/plan.js';
import { workerPlanSolver } from '../../src/server/plan-workers.js';
import { loadJobShopFixture } from '../helpers/jobshop-fixtures.js';

describe('workerPlanSolver', () => {
  const problem = planFromJobShop(loadJobShopFixture('ft06'));

  it('solves ft06 off the main thread to its optimum, 55', async () => {
    // One worker for a second: ft06 needs a few thousand moves, and the other test files need the cores.
    const r = await workerPlanSolver(1).solve(problem, { timeLimitMs: 1000, seed: 1 });
    expect(checkPlanSchedule(problem, r.schedule)).toEqual([]);
    expect(r.schedule.makespan).toBe(55);
  }, 30_000);

  it('keeps the event loop free while it searches, and stops early when cancelled', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    const big = planFromJobShop(loadJobShopFixture('ft10'));
    const r = await workerPlanSolver(2).solve(big, {
      timeLimitMs: 60_000,
      seed: 1,
      signal: controller.signal,
    });
    clearInterval(timer);
    expect(r.stopped).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(checkPlanSchedule(big, r.schedule)).toEqual([]);
    // The main thread kept running timers during the search.
    expect(ticks).toBeGreaterThan(10);
  }, 60_000);
});
