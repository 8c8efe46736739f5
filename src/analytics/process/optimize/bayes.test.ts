import { describe, expect, it } from 'vitest';
import { seededNormal } from '../../random.js';
import { BayesianOptimizer, bayesianOptimize, expectedImprovement } from './bayes.js';
import { BRANIN, NOISY_CONSTRAINED_BRANIN } from './test-functions.js';

describe('expectedImprovement (Jones, Schonlau & Welch 1998, eq. 15)', () => {
  it('matches hand-computed values', () => {
    expect(expectedImprovement(0, 0, 1)).toBeCloseTo(0.3989422804014327, 12); // φ(0)
    // best − μ = 1, σ = 1: 1·Φ(1) + φ(1) = 0.8413447461 + 0.2419707245
    expect(expectedImprovement(1, 0, 1)).toBeCloseTo(1.0833154706, 9);
    // σ = 2, best − μ = −1: −1·Φ(−½) + 2φ(½) = −0.3085375387 + 2·0.3520653268
    expect(expectedImprovement(0, 1, 2)).toBeCloseTo(0.3955931149, 9);
    expect(expectedImprovement(1, 3, 0)).toBe(0);
  });
});

describe('bayesianOptimize', () => {
  it('finds Branin’s minimum within 50 evaluations', () => {
    const r = bayesianOptimize((x) => ({ value: BRANIN.f(x) }), BRANIN.bounds, {
      maxEvaluations: 50,
      seed: 1,
    });
    expect(r.history).toHaveLength(50);
    expect((r.best?.value ?? Infinity) - BRANIN.minimum).toBeLessThan(0.01);
    const opt = r.predictedOptimum;
    expect(opt).toBeDefined();
    expect(BRANIN.f(opt?.x ?? [])).toBeLessThan(BRANIN.minimum + 0.05);
    expect(Math.abs((opt?.mean ?? 0) - BRANIN.minimum)).toBeLessThan(3 * (opt?.sd ?? 0) + 0.05);
    for (const x of r.suggest(3)) {
      expect(x[0]).toBeGreaterThanOrEqual(-5);
      expect(x[1]).toBeLessThanOrEqual(15);
    }
  });

  it('respects a black-box constraint with noisy observations (Gardner et al. 2014)', () => {
    const noise = seededNormal(11);
    const tf = NOISY_CONSTRAINED_BRANIN;
    const g = tf.constraints?.[0] ?? (() => 0);
    const r = bayesianOptimize(
      (x) => ({ value: tf.f(x) + (tf.noiseSd ?? 0) * noise(), constraints: [g(x)] }),
      tf.bounds,
      { maxEvaluations: 40, seed: 2, constraintCount: 1 },
    );
    const rec = r.recommended?.x ?? [];
    expect(g(rec)).toBeLessThanOrEqual(0);
    // The only feasible minimiser is (π, 2.275); the true value there is within 1 (the noise sd) of 0.397887.
    expect(tf.f(rec) - tf.minimum).toBeLessThan(1);
    expect(r.predictedOptimum?.probabilityFeasible).toBeGreaterThan(0.5);
  });
});

describe('BayesianOptimizer.suggest', () => {
  it('starts with a Latin hypercube, then proposes distinct trials, deterministically', () => {
    const a = new BayesianOptimizer(BRANIN.bounds, { seed: 5, initialPoints: 6 });
    const b = new BayesianOptimizer(BRANIN.bounds, { seed: 5, initialPoints: 6 });
    const first = a.suggest(6);
    expect(first).toEqual(b.suggest(6));
    const strata = first.map((x) => Math.floor((((x[0] ?? 0) + 5) / 15) * 6)).sort((p, q) => p - q);
    expect(strata).toEqual([0, 1, 2, 3, 4, 5]);
    for (const x of first) {
      a.tell(x, BRANIN.f(x));
      b.tell(x, BRANIN.f(x));
    }
    const batch = a.suggest(3);
    expect(batch).toHaveLength(3);
    expect(batch).toEqual(b.suggest(3));
    expect(new Set(batch.map((x) => x.join(','))).size).toBe(3);
  });

  it('rejects a trial with the wrong number of constraint values', () => {
    const o = new BayesianOptimizer(BRANIN.bounds, { constraintCount: 1 });
    expect(() => o.tell([0, 0], 1)).toThrow(/constraint/);
  });
});
