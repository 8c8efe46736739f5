import { describe, expect, it } from 'vitest';
import { BRANIN, HARTMANN6, NOISY_CONSTRAINED_BRANIN, branin, hartmann6 } from './test-functions.js';

describe('test functions at their known optima (Surjanovic & Bingham, VLSE)', () => {
  it('Branin is 0.397887 at its three minimisers and larger nearby', () => {
    for (const x of BRANIN.minimizers) {
      expect(branin(x)).toBeCloseTo(0.397887, 5);
      expect(branin([(x[0] ?? 0) + 0.1, x[1] ?? 0])).toBeGreaterThan(branin(x));
    }
    expect(branin([0, 0])).toBeCloseTo(55.6021, 3); // (−6)² + 10(1 − 1/(8π)) + 10
  });

  it('Hartmann-6 is −3.32237 at its minimiser', () => {
    const x = HARTMANN6.minimizers[0] ?? [];
    expect(hartmann6(x)).toBeCloseTo(-3.32237, 5);
    expect(HARTMANN6.minimum).toBeCloseTo(-3.32237, 5);
    for (let j = 0; j < 6; j++) {
      const moved = [...x];
      moved[j] = (moved[j] ?? 0) + 0.02;
      expect(hartmann6(moved)).toBeGreaterThan(hartmann6(x));
    }
  });

  it('the constrained Branin keeps only (π, 2.275) feasible', () => {
    const g = NOISY_CONSTRAINED_BRANIN.constraints?.[0] ?? (() => Number.NaN);
    const feasible = BRANIN.minimizers.map((x) => g(x) <= 0);
    expect(feasible).toEqual([false, true, false]);
    expect(NOISY_CONSTRAINED_BRANIN.f(NOISY_CONSTRAINED_BRANIN.minimizers[0] ?? [])).toBeCloseTo(0.397887, 5);
  });
});
