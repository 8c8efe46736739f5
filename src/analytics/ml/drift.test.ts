import { describe, expect, it } from 'vitest';
import { driftLevel, driftReference, populationStability } from './drift.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('population stability index', () => {
  it('cuts training values into deciles', () => {
    const ref = driftReference(range(100, (i) => i + 1));
    expect(ref.edges).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(ref.expected).toEqual(range(10, () => 0.1));
  });

  it('is 0 for the same distribution and matches a hand computation for a shifted one', () => {
    const ref = driftReference(range(100, (i) => i + 1));
    expect(
      populationStability(
        ref,
        range(100, (i) => i + 1),
      ).psi,
    ).toBe(0);
    // Recent values 51..150: bins 6-10 get 10 % each except the last, which gets 60 %; bins 1-5 are empty.
    // PSI = 5·(ε − 0.1)·ln(ε/0.1) + 4·0 + (0.6 − 0.1)·ln(0.6/0.1), ε = 0.0001.
    const expected = 5 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + 0.5 * Math.log(6);
    const shifted = populationStability(
      ref,
      range(100, (i) => i + 51),
    );
    expect(shifted.psi).toBeCloseTo(expected, 12);
    expect(shifted.psi).toBeCloseTo(4.3463, 4); // 3.4504 + 0.8959
    expect(shifted.level).toBe('significant');
    expect(shifted.actual).toEqual([0, 0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.6]);
  });

  it('merges tied quantiles for features with few values, and ignores NaN', () => {
    const ref = driftReference([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, Number.NaN]);
    expect(ref.edges).toEqual([0]);
    expect(ref.expected).toEqual([0.7, 0.3]);
    // 50/50 recent: (0.5 − 0.7)·ln(0.5/0.7) + (0.5 − 0.3)·ln(0.5/0.3)
    const psi = populationStability(ref, [0, 1, 0, 1]).psi;
    expect(psi).toBeCloseTo(-0.2 * Math.log(5 / 7) + 0.2 * Math.log(5 / 3), 12);
  });

  it('reads PSI as stable < 0.1 ≤ moderate ≤ 0.25 < significant', () => {
    expect([0.05, 0.1, 0.25, 0.2501].map(driftLevel)).toEqual([
      'stable',
      'moderate',
      'moderate',
      'significant',
    ]);
  });

  it('refuses too little data', () => {
    expect(() => driftReference([1])).toThrow(/at least 2/);
    expect(() => populationStability(driftReference([1, 2]), [Number.NaN])).toThrow(/at least one/);
  });
});
