import { describe, expect, it } from 'vitest';
import { seededNormal } from '../random.js';
import { PathExplainer } from './explain.js';
import { trainGbdt } from './gbdt.js';
import type { Matrix } from './matrix.js';

function data(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const normal = seededNormal(seed);
  const X: Matrix = { rows: n, cols: 3, data: new Float64Array(n * 3), names: ['load', 'noise', 'temp'] };
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const load = normal();
    const noise = normal();
    const temp = normal();
    X.data.set([load, noise, temp], i * 3);
    y[i] = 3 * load + 0.5 * temp * temp + 0.1 * normal();
  }
  return { X, y };
}

describe('PathExplainer', () => {
  it('splits a regression prediction exactly into bias + per-feature credits', () => {
    const { X, y } = data(2000, 3);
    const model = trainGbdt(X, y, { objective: 'regression', maxIterations: 60, seed: 1 });
    const explainer = new PathExplainer(model.toJSON());
    const predicted = model.predict(X);
    for (const i of [0, 17, 555, 1999]) {
      const e = explainer.explain(X.data.subarray(i * 3, i * 3 + 3));
      const total = e.bias + e.contributions.reduce((s, v) => s + v, 0);
      expect(e.raw).toBeCloseTo(predicted[i] ?? 0, 9);
      expect(total).toBeCloseTo(predicted[i] ?? 0, 9);
    }
    // The bias is the mean training prediction's starting point: the target mean, near 0.5 here (E[0.5·z²] = 0.5).
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    expect(explainer.explain([0, 0, 0]).bias).toBeCloseTo(mean, 6);
  });

  it('credits the feature that moved the score', () => {
    const { X, y } = data(2000, 4);
    const model = trainGbdt(X, y, { objective: 'regression', maxIterations: 60, seed: 1 });
    const explainer = new PathExplainer(model.toJSON());
    const high = explainer.explain([2.5, 0, 0]).contributions;
    expect(high[0]).toBeGreaterThan(5);
    expect(Math.abs(high[1] ?? 0)).toBeLessThan(0.5);
    const low = explainer.explain([-2.5, 0, 0]).contributions;
    expect(low[0]).toBeLessThan(-5);
  });

  it('explains the log-odds of a binary model', () => {
    const { X, y } = data(2000, 5);
    const labels = y.map((v) => (v > 1.5 ? 1 : 0));
    const model = trainGbdt(X, labels, { objective: 'binary', maxIterations: 40, seed: 1 });
    const explainer = new PathExplainer(model.toJSON());
    const p = model.predict({ ...X, rows: 1, data: X.data.subarray(0, 3) })[0] ?? 0;
    const e = explainer.explain(X.data.subarray(0, 3));
    expect(1 / (1 + Math.exp(-e.raw))).toBeCloseTo(p, 9);
  });
});
