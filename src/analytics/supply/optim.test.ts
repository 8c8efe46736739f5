import { describe, expect, it } from 'vitest';
import { nelderMead } from './optim.js';

describe('Nelder–Mead', () => {
  it("finds Rosenbrock's minimum (1, 1) from the classical start (−1.2, 1)", () => {
    const rosenbrock = (x: Float64Array) =>
      100 * ((x[1] ?? 0) - (x[0] ?? 0) ** 2) ** 2 + (1 - (x[0] ?? 0)) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { relativeTolerance: 1e-14, maxIterations: 5000 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('respects a constraint expressed as +Infinity: min (x − 2)² on x ≤ 1 is at the bound', () => {
    const result = nelderMead(
      (x) => ((x[0] ?? 0) > 1 ? Number.POSITIVE_INFINITY : ((x[0] ?? 0) - 2) ** 2),
      [0],
      {
        step: [0.1],
      },
    );
    expect(result.x[0]).toBeCloseTo(1, 6);
  });
});
