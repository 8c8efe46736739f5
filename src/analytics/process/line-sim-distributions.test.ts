import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { type Distribution, distributionMean, makeSampler } from './line-sim-distributions.js';

function moments(d: Distribution, n = 200_000): { mean: number; sd: number; min: number } {
  const draw = makeSampler(d, seededRandom(17));
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
    min = Math.min(min, x);
  }
  const mean = s / n;
  return { mean, sd: Math.sqrt(s2 / n - mean * mean), min };
}

describe('line-sim distributions', () => {
  it('sample means and standard deviations match the parameters', () => {
    // Exponential: sd = mean; uniform: sd = width/√12; triangular(1, 2, 6): mean 3, variance (a²+b²+c²−ab−ac−bc)/18 = 7/6
    // (Law, Simulation Modeling and Analysis, 5th ed., §6.2.2); lognormal parameterised by its own mean and sd.
    const cases: [Distribution, number, number][] = [
      [{ kind: 'exponential', mean: 2 }, 2, 2],
      [{ kind: 'uniform', min: 1, max: 4 }, 2.5, 3 / Math.sqrt(12)],
      [{ kind: 'triangular', min: 1, mode: 2, max: 6 }, 3, Math.sqrt(7 / 6)],
      [{ kind: 'lognormal', mean: 5, sd: 2 }, 5, 2],
      [{ kind: 'normal', mean: 10, sd: 1 }, 10, 1],
      [{ kind: 'deterministic', value: 7 }, 7, 0],
    ];
    for (const [d, mean, sd] of cases) {
      const m = moments(d);
      expect(m.mean, d.kind).toBeCloseTo(mean, 1);
      expect(m.sd, d.kind).toBeCloseTo(sd, 1);
      expect(distributionMean(d)).toBeCloseTo(mean, 12);
    }
  });

  it('truncates the normal at 0 and resamples empirical values', () => {
    expect(moments({ kind: 'normal', mean: 0.5, sd: 1 }).min).toBeGreaterThanOrEqual(0);
    const draw = makeSampler({ kind: 'empirical', values: [1, 2, 6] }, seededRandom(2));
    const seen = new Set(Array.from({ length: 100 }, () => draw()));
    expect([...seen].sort()).toEqual([1, 2, 6]);
    expect(() => makeSampler({ kind: 'uniform', min: 3, max: 1 }, seededRandom(1))).toThrow(/uniform/);
  });
});
