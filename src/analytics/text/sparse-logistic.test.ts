import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/text/logistic.sklearn.json' with { type: 'json' };
import { fitLogistic, predictLogistic, predictProbabilities } from './sparse-logistic.js';
import { denseToSparse } from './tfidf.js';

// 12 samples × 4 features (about half zero), 3 classes; sklearn 1.2.1 LogisticRegression(multinomial, newton-cg,
// tol=1e-10, the exact optimum) — see test/fixtures/text/make-fixtures.py. Sparse rows keep only the non-zero entries.
const rows = fixture.X.map((x) => {
  const indices = x.flatMap((v, j) => (v === 0 ? [] : [j]));
  return { indices: Int32Array.from(indices), values: Float64Array.from(indices, (j) => x[j] ?? NaN) };
});

describe('fitLogistic against scikit-learn', () => {
  for (const expected of fixture.cases) {
    it(expected.call, () => {
      const model = fitLogistic(rows, fixture.y, 4, {
        c: expected.c,
        classWeight: expected.classWeight === 'balanced' ? 'balanced' : 'none',
        tolerance: 1e-8,
      });
      expect(model.converged).toBe(true);
      expect(model.classes).toEqual(expected.classes);
      const K = model.classes.length;
      expected.coef.forEach((coefs, k) =>
        coefs.forEach((w, j) => expect(Math.abs((model.weights[j * K + k] ?? NaN) - w)).toBeLessThan(1e-5)),
      );
      expected.intercept.forEach((b, k) =>
        expect(Math.abs((model.intercepts[k] ?? NaN) - b)).toBeLessThan(1e-5),
      );
      predictProbabilities(model, rows).forEach((p, i) =>
        expected.proba[i]?.forEach((q, k) => expect(Math.abs((p[k] ?? NaN) - q)).toBeLessThan(1e-6)),
      );
    });
  }
  it('gives the same model for the same rows stored densely', () => {
    const a = fitLogistic(rows, fixture.y, 4);
    const b = fitLogistic(denseToSparse(fixture.X), fixture.y, 4);
    a.weights.forEach((w, d) => expect(b.weights[d]).toBeCloseTo(w, 6));
  });
});

describe('fitLogistic on separable text-like data', () => {
  it('learns which word marks which class', () => {
    const one = (j: number) => ({ indices: Int32Array.of(j), values: Float64Array.of(1) });
    const model = fitLogistic(
      [one(0), one(0), one(1), one(1), one(2)],
      ['leak', 'leak', 'fail', 'fail', 'none'],
      3,
      {
        c: 100,
      },
    );
    expect(predictLogistic(model, [one(1), one(0), one(2)])).toEqual(['fail', 'leak', 'none']);
    // unseen feature index: ignored at prediction time, so the prior (intercepts) decides
    expect(predictProbabilities(model, [one(7)])[0]?.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });
  it('rejects mismatched labels, a single class and out-of-range features', () => {
    const one = { indices: Int32Array.of(0), values: Float64Array.of(1) };
    expect(() => fitLogistic([one], ['a', 'b'], 1)).toThrow(/1 rows but 2 labels/);
    expect(() => fitLogistic([one, one], ['a', 'a'], 1)).toThrow(/two classes/);
    expect(() =>
      fitLogistic([one, { indices: Int32Array.of(3), values: Float64Array.of(1) }], ['a', 'b'], 2),
    ).toThrow(/outside/);
  });
});
