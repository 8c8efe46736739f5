import { describe, expect, it } from 'vitest';
import hgbReference from '../../../test/fixtures/ml/hgb-sklearn.json' with { type: 'json' };
import { UserError } from '../../domain/errors.js';
import { featureThresholds } from './binning.js';
import { seededRandom } from '../random.js';
import { GbdtModel, type GbdtOptions, trainGbdt } from './gbdt.js';
import { type Matrix, matrixFromRows } from './matrix.js';
import { accuracy } from './metrics.js';

const column = (values: readonly number[], name = 'x'): Matrix =>
  matrixFromRows(
    values.map((v) => [v]),
    [name],
  );

/** n rows of p uniform features on [0, 1) from a seeded generator. */
function uniformRows(n: number, p: number, seed: number): number[][] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: p }, () => rnd()));
}

const exact: Partial<GbdtOptions> = { earlyStopping: false, minSamplesLeaf: 1 };

describe('binning', () => {
  it('uses midpoints of distinct values, and midpoint percentiles beyond maxBins (NumPy method="midpoint")', () => {
    expect([...featureThresholds(Float64Array.of(3, 1, 2, 2, Number.NaN), 255)]).toEqual([1.5, 2.5]);
    // 10 values 0..9, maxBins 4: percentiles 25, 50, 75 → positions 2.25, 4.5, 6.75 → (2+3)/2, (4+5)/2, (6+7)/2.
    const t = featureThresholds(
      Float64Array.from({ length: 10 }, (_, i) => i),
      4,
    );
    expect([...t]).toEqual([2.5, 4.5, 6.5]);
  });
});

describe('trainGbdt: known answers', () => {
  it('fits one stump by hand (squared error)', () => {
    // x = 1..6, y = [1, 1, 1, 5, 5, 8]; baseline ȳ = 3.5, gradients f − y = [2.5, 2.5, 2.5, −1.5, −1.5, −4.5],
    // hessians 1, G = 0. Thresholds are the midpoints 1.5 … 5.5. Gains G_L²/H_L + G_R²/H_R − G²/H:
    // x ≤ 2.5: 25/2 + 25/4 = 18.75; x ≤ 3.5: 7.5²/3 + 7.5²/3 = 37.5 (best); x ≤ 4.5: 36/4 + 36/2 = 27.
    // Leaves −G/H × 0.1: left −7.5/3 × 0.1 = −0.25, right +0.25.
    const X = column([1, 2, 3, 4, 5, 6]);
    const y = [1, 1, 1, 5, 5, 8];
    const model = trainGbdt(X, y, { objective: 'regression', ...exact, maxIterations: 1, maxLeafNodes: 2 });
    const json = model.toJSON();
    expect(json.baseline).toEqual([3.5]);
    const tree = json.trees[0]?.[0];
    expect(tree?.feature).toEqual([0, -1, -1]);
    expect(tree?.threshold[0]).toBe(3.5);
    expect(tree?.gain[0]).toBeCloseTo(37.5, 12);
    expect(tree?.value[1]).toBeCloseTo(-0.25, 15);
    expect(tree?.value[2]).toBeCloseTo(0.25, 15);
    expect(tree?.count).toEqual([6, 3, 3]);
    expect([...model.predict(X)]).toEqual([3.25, 3.25, 3.25, 3.75, 3.75, 3.75]);
    // Half squared error of the baseline: (2.5²·3 + 1.5²·2 + 4.5²)/(2·6) = (18.75 + 4.5 + 20.25)/12 = 43.5/12.
    expect(model.history.train[0]).toBeCloseTo(43.5 / 12, 12);
  });

  it('applies the L2 penalty to leaves and gain', () => {
    // λ = 1: leaves −7.5/(3 + 1) × 0.1 = ∓0.1875; gain 2·7.5²/4 − 0 = 28.125.
    const model = trainGbdt(column([1, 2, 3, 4, 5, 6]), [1, 1, 1, 5, 5, 8], {
      objective: 'regression',
      ...exact,
      maxIterations: 1,
      maxLeafNodes: 2,
      l2Regularization: 1,
    });
    const tree = model.toJSON().trees[0]?.[0];
    expect(tree?.value[1]).toBeCloseTo(-0.1875, 15);
    expect(tree?.gain[0]).toBeCloseTo(28.125, 12);
  });

  it('fits one binary stump by hand (log loss)', () => {
    // y = [0, 0, 1, 1]: baseline log-odds 0, p = ½, gradients p − y = ±½, hessians p(1 − p) = ¼.
    // Split x ≤ 2.5: G_L = 1, H_L = ½ → leaf −1/½ × 0.1 = −0.2, right +0.2; gain 1/½ + 1/½ = 4.
    const X = column([1, 2, 3, 4]);
    const model = trainGbdt(X, [0, 0, 1, 1], { objective: 'binary', ...exact, maxIterations: 1 });
    const tree = model.toJSON().trees[0]?.[0];
    expect(model.toJSON().baseline).toEqual([0]);
    expect(tree?.threshold[0]).toBe(2.5);
    expect(tree?.gain[0]).toBeCloseTo(4, 12);
    expect(tree?.value.filter((v) => v !== 0)).toEqual([-0.2, 0.2].map((v) => expect.closeTo(v, 15)));
    const p = model.predict(X);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(0.2)), 15);
    expect(p[3]).toBeCloseTo(1 / (1 + Math.exp(-0.2)), 15);
    expect(model.classes).toEqual([0, 1]);
  });

  it('starts from the mean, the log-odds and the log class priors', () => {
    const X = column([1, 2, 3, 4]);
    expect(trainGbdt(X, [0, 0, 0, 1], { objective: 'binary', maxIterations: 0 }).toJSON().baseline).toEqual([
      Math.log(1 / 3),
    ]);
    const multi = trainGbdt(column([1, 2, 3, 4, 5]), [7, 7, 8, 9, 9], {
      objective: 'multiclass',
      maxIterations: 0,
    });
    expect(multi.toJSON().baseline).toEqual([Math.log(0.4), Math.log(0.2), Math.log(0.4)]);
    const proba = multi.predictProba(column([0]))[0];
    expect([...(proba ?? [])].map((v) => Number(v.toFixed(12)))).toEqual([0.4, 0.2, 0.4]);
    // Weighted mean: (3·0 + 1·10)/4 = 2.5.
    const weighted = trainGbdt(column([1, 2]), [0, 10], {
      objective: 'regression',
      maxIterations: 0,
      sampleWeight: [3, 1],
    });
    expect(weighted.toJSON().baseline).toEqual([2.5]);
  });

  it('treats an integer weight as repeated rows', () => {
    const rows = uniformRows(60, 2, 5);
    const y = rows.map((r) => 3 * (r[0] ?? 0) + ((r[1] ?? 0) > 0.5 ? 1 : 0));
    const w = rows.map((_, i) => 1 + (i % 3));
    const repeated = rows.flatMap((r, i) => Array.from({ length: w[i] ?? 1 }, () => r));
    const yRepeated = y.flatMap((v, i) => Array.from({ length: w[i] ?? 1 }, () => v));
    const options: GbdtOptions = { objective: 'regression', ...exact, maxIterations: 15, maxLeafNodes: 6 };
    const a = trainGbdt(matrixFromRows(rows, ['a', 'b']), y, { ...options, sampleWeight: w });
    const b = trainGbdt(matrixFromRows(repeated, ['a', 'b']), yRepeated, options);
    const test = matrixFromRows(uniformRows(20, 2, 6), ['a', 'b']);
    const pa = a.predict(test);
    const pb = b.predict(test);
    pa.forEach((v, i) => expect(v).toBeCloseTo(pb[i] ?? Number.NaN, 10));
  });
});

describe('trainGbdt: what it learns', () => {
  it('fits a step function', () => {
    const xs = Array.from({ length: 200 }, (_, i) => i / 200);
    const model = trainGbdt(
      column(xs),
      xs.map((x) => (x > 0.3 ? 5 : 1)),
      { objective: 'regression', earlyStopping: false },
    );
    const p = model.predict(column([0.1, 0.29, 0.31, 0.9]));
    // 100 iterations of shrinkage 0.1 leave 4·0.9¹⁰⁰ ≈ 1e-4 of the step unexplained.
    expect([...p].map((v) => Number(v.toFixed(2)))).toEqual([1, 1, 5, 5]);
  });

  it('learns XOR, which no single split can', () => {
    const rows = uniformRows(600, 2, 11);
    const xor = (r: readonly number[]): number => ((r[0] ?? 0) > 0.5 !== (r[1] ?? 0) > 0.5 ? 1 : 0);
    const model = trainGbdt(matrixFromRows(rows, ['a', 'b']), rows.map(xor), {
      objective: 'binary',
      earlyStopping: false,
    });
    const test = uniformRows(400, 2, 12).filter(
      (r) => Math.abs((r[0] ?? 0) - 0.5) > 0.05 && Math.abs((r[1] ?? 0) - 0.5) > 0.05,
    );
    const p = model.predict(matrixFromRows(test, ['a', 'b']));
    expect(
      accuracy(
        test.map(xor),
        Array.from(p, (v) => (v > 0.5 ? 1 : 0)),
      ),
    ).toBe(1);
  });

  it('classifies three classes with arbitrary integer labels, probabilities summing to 1', () => {
    const rows = uniformRows(450, 2, 21);
    const label = (r: readonly number[]): number =>
      (r[0] ?? 0) < 1 / 3 ? 10 : (r[0] ?? 0) < 2 / 3 ? 20 : 30;
    const model = trainGbdt(matrixFromRows(rows, ['a', 'b']), rows.map(label), {
      objective: 'multiclass',
      earlyStopping: false,
    });
    expect(model.classes).toEqual([10, 20, 30]);
    const test = uniformRows(200, 2, 22).filter(
      (r) => Math.abs((r[0] ?? 0) * 3 - Math.round((r[0] ?? 0) * 3)) > 0.05,
    );
    const Xt = matrixFromRows(test, ['a', 'b']);
    expect(accuracy(test.map(label), model.predict(Xt))).toBe(1);
    for (const row of model.predictProba(Xt)) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(model.toJSON().trees[0]).toHaveLength(3); // one tree per class per iteration
  });

  it('returns binary probabilities [1 − p, p]', () => {
    const rows = uniformRows(100, 1, 3);
    const model = trainGbdt(
      matrixFromRows(rows, ['a']),
      rows.map((r) => ((r[0] ?? 0) > 0.4 ? 1 : 0)),
      {
        objective: 'binary',
        maxIterations: 10,
      },
    );
    const X = matrixFromRows(rows.slice(0, 10), ['a']);
    const p = model.predict(X);
    model.predictProba(X).forEach((row, i) => {
      expect(row[1]).toBe(p[i]);
      expect((row[0] ?? 0) + (row[1] ?? 0)).toBeCloseTo(1, 15);
    });
  });

  it('learns where missing values go', () => {
    // NaN marks the rows with y = 5; known values (uniform) have y = 1. No threshold on the known values helps,
    // so the only useful split sends NaN one way.
    const rnd = seededRandom(4);
    const xs = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? Number.NaN : rnd()));
    const y = xs.map((x) => (Number.isNaN(x) ? 5 : 1));
    const model = trainGbdt(column(xs), y, { objective: 'regression', earlyStopping: false });
    const p = model.predict(column([Number.NaN, 0.2, 0.8]));
    expect([...p].map((v) => Number(v.toFixed(2)))).toEqual([5, 1, 1]);
  });

  it('sends unseen missing values to the larger child', () => {
    // Training has no NaN; x ≤ 0.3 → 1 (60 rows), else 5 (140 rows). A NaN at prediction follows the 140 rows.
    const xs = Array.from({ length: 200 }, (_, i) => i / 200);
    const model = trainGbdt(
      column(xs),
      xs.map((x) => (x >= 0.3 ? 5 : 1)),
      {
        objective: 'regression',
        earlyStopping: false,
        maxIterations: 30,
        maxLeafNodes: 2,
      },
    );
    const [atNaN, high] = model.predict(column([Number.NaN, 0.9]));
    expect(atNaN).toBe(high);
  });

  it('ranks an informative feature above noise', () => {
    const rows = uniformRows(500, 3, 31);
    const y = rows.map((r) => 4 * (r[1] ?? 0));
    const model = trainGbdt(matrixFromRows(rows, ['noise1', 'signal', 'noise2']), y, {
      objective: 'regression',
    });
    for (const kind of ['gain', 'split'] as const) {
      const imp = model.featureImportance(kind);
      expect(imp[0]?.feature).toBe('signal');
      expect(imp.reduce((s, v) => s + v.importance, 0)).toBeCloseTo(1, 12);
    }
    expect(model.featureImportance('gain')[0]?.importance).toBeGreaterThan(0.95);
  });
});

describe('trainGbdt: early stopping and progress', () => {
  const rows = uniformRows(600, 2, 41);
  const rnd = seededRandom(42);
  const y = rows.map((r) => (r[0] ?? 0) + 2 * rnd()); // mostly noise: the validation loss soon stops improving
  const X = matrixFromRows(rows, ['a', 'b']);
  const options: GbdtOptions = {
    objective: 'regression',
    earlyStopping: true,
    maxIterations: 300,
    learningRate: 0.3,
    minSamplesLeaf: 5,
    seed: 7,
  };

  it('stops when 10 iterations bring no improvement and keeps the best one', () => {
    const model = trainGbdt(X, y, options);
    const json = model.toJSON();
    const valid = json.history.valid ?? [];
    expect(json.iterationsRun).toBeLessThan(300);
    expect(json.iterationsRun - model.bestIteration).toBeGreaterThanOrEqual(10);
    expect(valid.indexOf(Math.min(...valid))).toBe(model.bestIteration);
    expect(json.trees).toHaveLength(model.bestIteration);
    // The kept model is the one trained for exactly bestIteration iterations on the same split.
    const again = trainGbdt(X, y, { ...options, maxIterations: model.bestIteration });
    expect(again.predict(X)).toEqual(model.predict(X));
  });

  it('keeps the trees past the best iteration with keepAllIterations, and the same first ones', () => {
    const best = trainGbdt(X, y, options);
    const all = trainGbdt(X, y, { ...options, keepAllIterations: true });
    const json = all.toJSON();
    expect(all.bestIteration).toBe(best.bestIteration);
    expect(json.trees).toHaveLength(json.iterationsRun);
    expect(json.iterationsRun).toBeGreaterThan(best.bestIteration);
    const head = GbdtModel.fromJSON({ ...json, trees: json.trees.slice(0, best.bestIteration) });
    expect(head.predict(X)).toEqual(best.predict(X));
  });

  it('is deterministic for a seed, and the seed draws the validation split', () => {
    const a = JSON.stringify(trainGbdt(X, y, options));
    expect(JSON.stringify(trainGbdt(X, y, options))).toBe(a);
    expect(JSON.stringify(trainGbdt(X, y, { ...options, seed: 8 }))).not.toBe(a);
  });

  it('is off by default for 10 000 rows or fewer, and uses an explicit validation set', () => {
    expect(trainGbdt(X, y, { objective: 'regression', maxIterations: 5 }).history.valid).toBeUndefined();
    const validation = { X: matrixFromRows(uniformRows(100, 2, 43), ['a', 'b']), y: Array(100).fill(0.5) };
    const model = trainGbdt(X, y, { objective: 'regression', maxIterations: 5, validation });
    expect(model.history.valid).toHaveLength(6);
  });

  it('reports progress once per iteration', () => {
    const seen: Array<{ iteration: number; trainLoss: number; validLoss?: number }> = [];
    const model = trainGbdt(X, y, { ...options, maxIterations: 4, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.iteration)).toEqual([1, 2, 3, 4]);
    expect(seen.map((p) => p.trainLoss)).toEqual(model.history.train.slice(1));
    expect(seen.map((p) => p.validLoss)).toEqual(model.history.valid?.slice(1));
    for (let k = 1; k < seen.length; k++)
      expect(seen[k]?.trainLoss).toBeLessThan(seen[k - 1]?.trainLoss ?? 0);
  });
});

describe('GbdtModel: JSON and inputs', () => {
  const rows = uniformRows(300, 3, 51);
  const y = rows.map((r) => ((r[0] ?? 0) + (r[2] ?? 0) > 1 ? 2 : (r[1] ?? 0) > 0.5 ? 1 : 0));
  const names = ['a', 'b', 'c'];
  const model = trainGbdt(matrixFromRows(rows, names), y, { objective: 'multiclass', maxIterations: 20 });

  it('round-trips through JSON text and predicts identically', () => {
    const text = JSON.stringify(model);
    const parsed: unknown = JSON.parse(text);
    expect(parsed).toMatchObject({
      format: 'gemba.gbdt',
      version: 1,
      objective: 'multiclass',
      features: names,
    });
    const back = GbdtModel.fromJSON(parsed);
    const X = matrixFromRows(uniformRows(50, 3, 52), names);
    expect(back.predictProba(X)).toEqual(model.predictProba(X));
    expect(back.predict(X)).toEqual(model.predict(X));
    expect(back.featureImportance()).toEqual(model.featureImportance());
    expect(JSON.stringify(back)).toBe(text);
  });

  it('refuses another format, an unknown version and malformed trees', () => {
    const json = model.toJSON();
    expect(() => GbdtModel.fromJSON({ ...json, format: 'gemba.linear' })).toThrow(/not a gemba.gbdt model/);
    expect(() => GbdtModel.fromJSON({ ...json, version: 2 })).toThrow(/unsupported gemba.gbdt version 2/);
    expect(() => GbdtModel.fromJSON(null)).toThrow(UserError);
    const broken = model.toJSON();
    const tree = broken.trees[0]?.[0];
    if (tree !== undefined) tree.left[0] = 0; // a cycle
    expect(() => GbdtModel.fromJSON(broken)).toThrow(/invalid children/);
  });

  it('refuses a matrix whose features differ, naming the first mismatch', () => {
    const X = matrixFromRows([[0.1, 0.2, 0.3]], ['a', 'x', 'c']);
    expect(() => model.predict(X)).toThrow(/column 1 is 'x' but the model expects 'b'/);
    expect(() => model.predict(matrixFromRows([[0.1, 0.2]], ['a', 'b']))).toThrow(/column 2 is nothing/);
  });

  it('refuses bad training input', () => {
    const X = column([1, 2, 3]);
    expect(() => trainGbdt(X, [0, 1, 2], { objective: 'binary' })).toThrow(/exactly 2 classes/);
    expect(() => trainGbdt(X, [0, 1], { objective: 'regression' })).toThrow(/3 rows but y has 2/);
    expect(() => trainGbdt(X, [0, 1, Number.NaN], { objective: 'regression' })).toThrow(/not finite/);
    expect(() => trainGbdt(column([1, Infinity, 3]), [0, 1, 2], { objective: 'regression' })).toThrow(
      /infinite/,
    );
    expect(() => trainGbdt(X, [0, 1, 2], { objective: 'regression', maxBins: 256 })).toThrow(/maxBins/);
    expect(() => model.predictProba(X)).toThrow(UserError);
  });
});

describe('trainGbdt against scikit-learn 1.2.1 HistGradientBoosting (test/fixtures/ml/hgb-sklearn.json)', () => {
  // The fixture comes from test/fixtures/ml/learners_reference.py: 400 rows, 4 features (x3 with 10 % NaN),
  // max_iter=20, early_stopping=False, other parameters at their defaults, which are ours too.
  const toMatrix = (rows: (number | null)[][]): Matrix =>
    matrixFromRows(
      rows.map((r) => r.map((v) => v ?? Number.NaN)),
      hgbReference.names,
    );
  const X = toMatrix(hgbReference.X);
  const Xtest = toMatrix(hgbReference.Xtest);

  it('predicts like HistGradientBoostingRegressor', () => {
    const ours = trainGbdt(X, hgbReference.y, {
      objective: 'regression',
      maxIterations: 20,
      earlyStopping: false,
    }).predict(Xtest);
    const theirs = hgbReference.regressionPred;
    const mean = hgbReference.y.reduce((s, v) => s + v, 0) / hgbReference.y.length;
    const sd = Math.sqrt(hgbReference.y.reduce((s, v) => s + (v - mean) ** 2, 0) / hgbReference.y.length);
    const diff = Math.sqrt(ours.reduce((s, v, i) => s + (v - (theirs[i] ?? 0)) ** 2, 0) / ours.length);
    // Same binning, same splits: they agree to ~1e-9 (sklearn keeps gradients in float32), far inside the 5 % of
    // the target's standard deviation we would accept for binning differences.
    expect(diff / sd).toBeLessThan(0.05);
    ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i] ?? Number.NaN, 6));
  });

  it('predicts like HistGradientBoostingClassifier, up to tie-breaking', () => {
    // In the first iteration every gradient is p − y with one p, so different subsets with the same count of each
    // class give exactly equal gains; which one wins depends on floating-point summation order, and from there the
    // trees drift apart a little. Mean absolute difference ≈ 0.02, 98 of 100 predicted classes equal.
    const ours = trainGbdt(X, hgbReference.yBinary, {
      objective: 'binary',
      maxIterations: 20,
      earlyStopping: false,
    }).predict(Xtest);
    const theirs = hgbReference.binaryProba;
    const meanAbs = ours.reduce((s, v, i) => s + Math.abs(v - (theirs[i] ?? 0)), 0) / ours.length;
    const agree = ours.filter((v, i) => v > 0.5 === (theirs[i] ?? 0) > 0.5).length;
    expect(meanAbs).toBeLessThan(0.03);
    expect(agree).toBeGreaterThanOrEqual(95);
  });
});
