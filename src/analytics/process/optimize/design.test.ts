import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../random.js';
import {
  codedToBounds,
  fractionalFactorial,
  fullFactorial,
  latinHypercube,
  latinHypercubeIn,
  levelsToBounds,
  minDistance,
} from './design.js';

describe('fullFactorial', () => {
  it('has Π levels runs and each level of each factor equally often', () => {
    const rows = fullFactorial([2, 3, 4]);
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => r.join(','))).size).toBe(24);
    for (const [j, levels] of [2, 3, 4].entries()) {
      for (let v = 0; v < levels; v++) expect(rows.filter((r) => r[j] === v)).toHaveLength(24 / levels);
    }
  });

  it('maps levels onto bounds', () => {
    expect(levelsToBounds([[0, 2]], [2, 3], { lower: [10, 0], upper: [20, 1] })).toEqual([[10, 1]]);
  });
});

describe('fractionalFactorial', () => {
  it('builds the 2^(5−2) design with D = AB, E = AC (resolution III)', () => {
    const d = fractionalFactorial(5, ['D=AB', 'E=AC']);
    expect(d.runs).toHaveLength(8);
    for (const r of d.runs) {
      const [a = 0, b = 0, c = 0, dd = 0, e = 0] = r;
      expect(dd).toBe(a * b); // D is aliased with AB
      expect(e).toBe(a * c); // E is aliased with AC
    }
    // I = ABD = ACE = BCDE (Montgomery, DOE 9th ed., Example 8.x for the 2^(5−2)_III design).
    expect(d.definingRelation).toEqual(['ABD', 'ACE', 'BCDE']);
    expect(d.resolution).toBe(3);
    // Balance and orthogonality: every column sums to 0 and every pair of columns is orthogonal.
    for (let j = 0; j < 5; j++) {
      expect(d.runs.reduce((s, r) => s + (r[j] ?? 0), 0)).toBe(0);
      for (let k = j + 1; k < 5; k++)
        expect(d.runs.reduce((s, r) => s + (r[j] ?? 0) * (r[k] ?? 0), 0)).toBe(0);
    }
  });

  it('gives resolution IV for 2^(4−1) with D = ABC and V for 2^(5−1) with E = ABCD', () => {
    expect(fractionalFactorial(4, ['D=ABC']).resolution).toBe(4);
    expect(fractionalFactorial(5, ['E=ABCD']).resolution).toBe(5);
    expect(fractionalFactorial(3, []).runs).toHaveLength(8);
  });

  it('rejects a generator for the wrong factor', () => {
    expect(() => fractionalFactorial(5, ['E=AB', 'D=AC'])).toThrow(/must define D/);
  });

  it('maps coded levels onto bounds', () => {
    expect(codedToBounds([[-1, 1]], { lower: [100, 2], upper: [200, 4] })).toEqual([[100, 4]]);
  });
});

describe('latinHypercube', () => {
  it('puts exactly one point in each of the n strata of every dimension', () => {
    const n = 17;
    const rows = latinHypercube(n, 4, seededRandom(5));
    expect(rows).toHaveLength(n);
    for (let j = 0; j < 4; j++) {
      const strata = rows.map((r) => Math.floor((r[j] ?? 0) * n)).sort((a, b) => a - b);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('maximin keeps the design whose closest pair is farthest apart', () => {
    const random = latinHypercube(10, 2, seededRandom(9));
    const maximin = latinHypercube(10, 2, seededRandom(9), { criterion: 'maximin', candidates: 30 });
    expect(minDistance(maximin)).toBeGreaterThanOrEqual(minDistance(random));
    const strata = maximin.map((r) => Math.floor((r[0] ?? 0) * 10)).sort((a, b) => a - b);
    expect(strata).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('scales to bounds reproducibly', () => {
    const a = latinHypercubeIn({ lower: [-5, 0], upper: [10, 15] }, 6, 42);
    expect(a).toEqual(latinHypercubeIn({ lower: [-5, 0], upper: [10, 15] }, 6, 42));
    const strata = a.map((r) => Math.floor((((r[0] ?? 0) + 5) / 15) * 6)).sort((x, y) => x - y);
    expect(strata).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
