import { describe, expect, it } from 'vitest';
import logisticReference from '../../../test/fixtures/ml/logistic-sklearn.json' with { type: 'json' };
import ridgeReference from '../../../test/fixtures/ml/ridge-numpy.json' with { type: 'json' };
import { UserError } from '../../domain/errors.js';
import { fitLogistic, fitRidge, LinearModel, solveSpd } from './linear.js';
import { matrixFromRows } from './matrix.js';

describe('solveSpd', () => {
  it('solves a 2 × 2 system by hand', () => {
    // [[4, 2], [2, 3]]·x = [2, 1] → x = [1/2, 0] (det 8: x₁ = (2·3 − 2·1)/8, x₂ = (4·1 − 2·2)/8).
    expect([...solveSpd(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1))]).toEqual([0.5, 0]);
  });
});

describe('fitRidge', () => {
  it('solves one standardised feature by hand', () => {
    // x = [1, 2, 3], y = [1, 3, 2]: x̄ = ȳ = 2, population sd √(2/3), z = [−1, 0, 1]·√1.5, y − ȳ = [−1, 1, 0].
    // ZᵀZ = 3, Zᵀ(y − ȳ) = √1.5; with α = 1: β = √1.5/4, slope w = β/sd = √1.5·√1.5/4 = 0.375;
    // intercept ȳ − w·x̄ = 2 − 0.75 = 1.25.
    const model = fitRidge(matrixFromRows([[1], [2], [3]], ['x']), [1, 3, 2], { alpha: 1 });
    expect(model.coef[0]?.[0]).toBeCloseTo(0.375, 14);
    expect(model.intercept[0]).toBeCloseTo(1.25, 14);
    // α = 0 is ordinary least squares: slope 0.5, intercept 1.
    const ols = fitRidge(matrixFromRows([[1], [2], [3]], ['x']), [1, 3, 2], { alpha: 0 });
    expect(ols.coef[0]?.[0]).toBeCloseTo(0.5, 14);
    expect([...ols.predict(matrixFromRows([[4]], ['x']))][0]).toBeCloseTo(3, 14);
  });

  it('matches the NumPy closed form (test/fixtures/ml/ridge-numpy.json)', () => {
    const model = fitRidge(matrixFromRows(ridgeReference.X, ridgeReference.names), ridgeReference.y, {
      alpha: ridgeReference.alpha,
    });
    model.coef[0]?.forEach((w, j) => expect(w).toBeCloseTo(ridgeReference.coef[j] ?? Number.NaN, 12));
    expect(model.intercept[0]).toBeCloseTo(ridgeReference.intercept, 12);
  });

  it('without standardisation penalises raw coefficients', () => {
    // x = [0, 2], y = [0, 2]: centred x = [−1, 1], ZᵀZ = 2, Zᵀy = 2; α = 2 → w = 2/(2 + 2) = 0.5.
    const model = fitRidge(matrixFromRows([[0], [2]], ['x']), [0, 2], { alpha: 2, standardize: false });
    expect(model.coef[0]?.[0]).toBeCloseTo(0.5, 15);
    expect(model.intercept[0]).toBeCloseTo(0.5, 15);
  });

  it('refuses collinear features without a penalty', () => {
    const X = matrixFromRows(
      [
        [1, 2],
        [2, 4],
        [3, 6],
      ],
      ['a', 'b'],
    );
    expect(() => fitRidge(X, [1, 2, 3], { alpha: 0 })).toThrow(/singular/);
    expect(() => fitRidge(matrixFromRows([[Number.NaN], [1]], ['a']), [1, 2])).toThrow(/finite/);
  });
});

describe('fitLogistic against scikit-learn 1.2.1 (test/fixtures/ml/logistic-sklearn.json)', () => {
  const X = matrixFromRows(logisticReference.X, logisticReference.names);

  it('finds the binary coefficients of LogisticRegression(C=1)', () => {
    const ref = logisticReference.binary;
    const model = fitLogistic(X, logisticReference.yBinary, { C: ref.C });
    expect(model.coef).toHaveLength(1);
    model.coef[0]?.forEach((w, j) => expect(w).toBeCloseTo(ref.coef[0]?.[j] ?? Number.NaN, 6));
    expect(model.intercept[0]).toBeCloseTo(ref.intercept[0] ?? Number.NaN, 6);
    const proba = model.predictProba(
      matrixFromRows(logisticReference.X.slice(0, 5), logisticReference.names),
    );
    proba.forEach((row, i) =>
      row.forEach((p, c) => expect(p).toBeCloseTo(ref.proba[i]?.[c] ?? Number.NaN, 6)),
    );
    expect(model.classes).toEqual([0, 1]);
  });

  it('finds the multinomial coefficients of LogisticRegression(C=0.5)', () => {
    const ref = logisticReference.multinomial;
    const model = fitLogistic(X, logisticReference.yMulti, { C: ref.C });
    expect(model.coef).toHaveLength(3);
    model.coef.forEach((w, c) =>
      w.forEach((v, j) => expect(v).toBeCloseTo(ref.coef[c]?.[j] ?? Number.NaN, 6)),
    );
    model.intercept.forEach((b, c) => expect(b).toBeCloseTo(ref.intercept[c] ?? Number.NaN, 6));
    const proba = model.predictProba(
      matrixFromRows(logisticReference.X.slice(0, 5), logisticReference.names),
    );
    proba.forEach((row, i) =>
      row.forEach((p, c) => expect(p).toBeCloseTo(ref.proba[i]?.[c] ?? Number.NaN, 6)),
    );
    const labels = model.predict(X);
    expect(labels.every((l) => [0, 1, 2].includes(l))).toBe(true);
  });
});

describe('LinearModel JSON', () => {
  it('round-trips ridge and logistic models and refuses other formats', () => {
    const X = matrixFromRows(logisticReference.X, logisticReference.names);
    for (const model of [fitRidge(X, logisticReference.yBinary), fitLogistic(X, logisticReference.yMulti)]) {
      const back = LinearModel.fromJSON(JSON.parse(JSON.stringify(model)));
      expect(back.predict(X)).toEqual(model.predict(X));
      expect(back.toJSON()).toEqual(model.toJSON());
    }
    const json = fitRidge(X, logisticReference.yBinary).toJSON();
    expect(json).toMatchObject({ format: 'gemba.linear', version: 1, kind: 'ridge' });
    expect(() => LinearModel.fromJSON({ ...json, version: 3 })).toThrow(/unsupported gemba.linear version 3/);
    expect(() => LinearModel.fromJSON({ ...json, format: 'gemba.gbdt' })).toThrow(/not a gemba.linear model/);
    expect(() => LinearModel.fromJSON({ ...json, coef: [[1]] })).toThrow(UserError);
  });

  it('refuses a matrix with other features', () => {
    const model = fitRidge(matrixFromRows([[1], [2], [3]], ['x']), [1, 3, 2]);
    expect(() => model.predict(matrixFromRows([[1]], ['y']))).toThrow(
      /column 0 is 'y' but the model expects 'x'/,
    );
    expect(() => model.predictProba(matrixFromRows([[1]], ['x']))).toThrow(/logistic/);
  });
});
