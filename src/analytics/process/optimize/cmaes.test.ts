import { describe, expect, it } from 'vitest';
import { cmaEs, nelderMeadInBox, symmetricEigen } from './cmaes.js';
import { BRANIN, HARTMANN6 } from './test-functions.js';

describe('symmetricEigen', () => {
  it('decomposes [[2, 1], [1, 2]] into eigenvalues 1 and 3', () => {
    const { values } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });
});

describe('cmaEs (Hansen 2016 defaults)', () => {
  it('minimises the Rosenbrock function to its optimum (1, 1, 1, 1)', () => {
    const rosen = (x: readonly number[]) => {
      let s = 0;
      for (let i = 0; i + 1 < x.length; i++)
        s += 100 * ((x[i + 1] ?? 0) - (x[i] ?? 0) ** 2) ** 2 + (1 - (x[i] ?? 0)) ** 2;
      return s;
    };
    const r = cmaEs(
      rosen,
      { lower: [-2, -2, -2, -2], upper: [2, 2, 2, 2] },
      { seed: 3, maxEvaluations: 8000 },
    );
    expect(r.value).toBeLessThan(1e-8);
    for (const v of r.x) expect(v).toBeCloseTo(1, 3);
  });

  it('finds Branin’s minimum 0.397887 and Hartmann-6’s −3.32237', () => {
    expect(cmaEs(BRANIN.f, BRANIN.bounds, { seed: 1, maxEvaluations: 2000 }).value).toBeCloseTo(0.397887, 5);
    const h = cmaEs(HARTMANN6.f, HARTMANN6.bounds, {
      seed: 1,
      maxEvaluations: 4000,
      x0: [0.3, 0.3, 0.5, 0.3, 0.3, 0.6],
    });
    expect(h.value).toBeCloseTo(-3.32237, 4);
  });

  it('stays in the bounds and finds a minimum on the boundary', () => {
    const r = cmaEs(
      (x) => (x[0] ?? 0) + 2 * (x[1] ?? 0),
      { lower: [1, -3], upper: [4, 5] },
      { seed: 2, maxEvaluations: 600 },
    );
    for (const h of r.history) {
      expect(h.x[0]).toBeGreaterThanOrEqual(1);
      expect(h.x[1]).toBeLessThanOrEqual(5);
    }
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(-3, 6);
    expect(r.evaluations).toBeLessThanOrEqual(600);
  });

  it('is reproducible for a seed', () => {
    const a = cmaEs(BRANIN.f, BRANIN.bounds, { seed: 7, maxEvaluations: 50 });
    const b = cmaEs(BRANIN.f, BRANIN.bounds, { seed: 7, maxEvaluations: 50 });
    expect(a.x).toEqual(b.x);
    expect(a.evaluations).toBe(50);
  });
});

describe('nelderMeadInBox', () => {
  it('reuses supply/optim.ts Nelder–Mead inside bounds', () => {
    const r = nelderMeadInBox((x) => ((x[0] ?? 0) - 3) ** 2 + ((x[1] ?? 0) + 1) ** 2, {
      lower: [0, -2],
      upper: [5, 2],
    });
    expect(r.x[0]).toBeCloseTo(3, 4);
    expect(r.x[1]).toBeCloseTo(-1, 4);
    const edge = nelderMeadInBox((x) => -(x[0] ?? 0), { lower: [0], upper: [2] });
    expect(edge.x[0]).toBeCloseTo(2, 4);
  });
});
