import { loadJobShopFixture } from '../../../test/helpers/jobshop-fixtures.js';
import { describe, expect, it } from 'vitest';
import { scheduleFromSequences, validateSchedule } from './schedule.js';
import { solveJobShop, solveJobShopAsync } from './tabu.js';

const load = loadJobShopFixture;
const ft06 = load('ft06');

describe('solveJobShop', () => {
  it('finds the ft06 optimum 55 with a valid schedule', () => {
    for (const seed of [1, 2, 3]) {
      const r = solveJobShop(ft06, { seed, maxIterations: 20_000, target: 55 });
      expect(r.makespan).toBe(55);
      expect(r.stoppedBy).toBe('target');
      expect(validateSchedule(ft06, r.schedule)).toEqual([]);
      // the sequences reproduce the start times
      expect(scheduleFromSequences(ft06, r.schedule.machineSequences).start).toEqual(r.schedule.start);
      expect(r.lowerBound).toBe(52);
    }
  });

  it('solves la01 to 666 and stops on the matching lower bound', () => {
    const la01 = load('la01');
    const r = solveJobShop(la01, { seed: 7, maxIterations: 50_000 });
    expect(r.makespan).toBe(666);
    expect(r.stoppedBy).toBe('optimal');
    expect(validateSchedule(la01, r.schedule)).toEqual([]);
  });

  it('is deterministic for a seed when limited by iterations', () => {
    const ft10 = load('ft10');
    const a = solveJobShop(ft10, { seed: 11, maxIterations: 5_000 });
    const b = solveJobShop(ft10, { seed: 11, maxIterations: 5_000 });
    expect(a.iterations).toBe(5_000);
    expect(a.stoppedBy).toBe('iterations');
    expect(b.schedule).toEqual(a.schedule);
    expect(b.history.map((h) => [h.iteration, h.makespan])).toEqual(
      a.history.map((h) => [h.iteration, h.makespan]),
    );
    // improves on the constructive start and stays valid
    expect(a.makespan).toBeLessThan(a.history[0]?.makespan ?? 0);
    expect(validateSchedule(ft10, a.schedule)).toEqual([]);
  });

  it('reports progress and honours an aborted signal with the best schedule so far', () => {
    const seen: number[] = [];
    const controller = new AbortController();
    controller.abort();
    const r = solveJobShop(load('ft10'), {
      seed: 1,
      maxIterations: 1_000_000,
      signal: controller.signal,
      onProgress: (p) => seen.push(p.makespan),
    });
    expect(r.stoppedBy).toBe('cancelled');
    expect(r.iterations).toBe(0);
    expect(seen[0]).toBe(r.makespan);
    expect(validateSchedule(load('ft10'), r.schedule)).toEqual([]);
  });

  it('starts from given machine sequences', () => {
    const first = solveJobShop(ft06, { seed: 1, maxIterations: 20_000, target: 55 });
    const warm = solveJobShop(ft06, { initial: first.schedule.machineSequences, maxIterations: 10 });
    expect(warm.history[0]?.makespan).toBe(55);
  });
});

describe('solveJobShopAsync', () => {
  it('yields between slices so that an abort from a timer stops it', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const r = await solveJobShopAsync(load('ft10'), {
      seed: 3,
      sliceMs: 5,
      signal: controller.signal,
      maxIterations: 1e9,
    });
    expect(r.stoppedBy).toBe('cancelled');
    await expect(
      solveJobShopAsync(ft06, { signal: AbortSignal.abort(), rejectOnAbort: true }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('matches the synchronous search for the same seed and iterations', async () => {
    const sync = solveJobShop(ft06, { seed: 5, maxIterations: 3_000 });
    const async = await solveJobShopAsync(ft06, { seed: 5, maxIterations: 3_000, sliceMs: 1 });
    expect(async.schedule).toEqual(sync.schedule);
  });
});
