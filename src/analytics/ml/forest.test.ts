import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/ml/forest-sklearn.json' with { type: 'json' };
import { UserError } from '../../domain/errors.js';
import { ForestModel, type ForestOptions, trainForest } from './forest.js';
import { matrixFromRows } from './matrix.js';
import { rocAuc } from './metrics.js';

const X = matrixFromRows(reference.X, reference.names);
const Xtest = matrixFromRows(reference.Xtest, reference.names);
const leaves = (model: ForestModel, tree = 0) =>
  model.toJSON().trees[tree]?.feature.filter((f) => f === -1).length ?? 0;
/** Share of rows where two predictions agree to 1e-9. */
const agreement = (a: ArrayLike<number>, b: readonly number[]) =>
  b.filter((v, i) => Math.abs((a[i] ?? 0) - v) < 1e-9).length / b.length;
const single: Partial<ForestOptions> = { nTrees: 1, bootstrap: false, maxFeatures: 'all' };

describe('trainForest: known answers', () => {
  it('grows a stump by hand: the first split separates the classes, leaves hold the positive share', () => {
    // x = 1..6, y = [0, 0, 0, 1, 1, 0]. Squared-error gains Σ_children G²/H − G²/H with G = −Σy: x ≤ 3.5 gives
    // 0 + 4/3 − 4/6 = 2/3, x ≤ 4.5 gives 1/4 + 1/2 − 2/3 = 1/12, x ≤ 5.5 gives 4/5 + 0 − 2/3 = 2/15: 3.5 wins.
    const stump = trainForest(matrixFromRows([[1], [2], [3], [4], [5], [6]], ['x']), [0, 0, 0, 1, 1, 0], {
      objective: 'binary',
      ...single,
      maxDepth: 1,
    });
    const tree = stump.toJSON().trees[0];
    expect(tree?.feature).toEqual([0, -1, -1]);
    expect(tree?.threshold[0]).toBe(3.5);
    expect(tree?.gain[0]).toBeCloseTo(2 / 3, 12);
    expect(
      [...stump.predict(matrixFromRows([[2], [5]], ['x']))].map((p) => Math.round(p * 1e9) / 1e9),
    ).toEqual([0, 2 / 3].map((p) => Math.round(p * 1e9) / 1e9));
  });
});

describe('trainForest against scikit-learn 1.2.1 (test/fixtures/ml/forest-sklearn.json)', () => {
  // The fixture comes from test/fixtures/ml/forest_reference.py: 300 rows, 4 features with 4-decimal values, so
  // every feature has fewer distinct values than our bins and the bin edges are sklearn's midpoints. The trees then
  // send every training row to the same leaf; new rows between two training values of a feature may differ (sklearn
  // splits midway between the node's neighbouring values, we midway between the training set's).
  it('grows the same classification tree as sklearn without bootstrap or feature sampling (Gini ≡ squared error)', () => {
    const model = trainForest(X, reference.yBinary, { objective: 'binary', ...single, minSamplesLeaf: 3 });
    expect(leaves(model)).toBe(reference.singleTreeLeaves);
    // With 0/1 labels two splits can have exactly the same gain; sklearn breaks such ties by its shuffled feature
    // order, we by the first feature and bin, so a few rows (12 of 300 here) may end in another leaf.
    expect(agreement(model.predict(X), reference.singleTreeProbaTrain)).toBeGreaterThan(0.95);
    expect(agreement(model.predict(Xtest), reference.singleTreeProba)).toBeGreaterThan(0.85);
  });

  it('grows the same regression tree as sklearn', () => {
    const model = trainForest(X, reference.yRegression, {
      objective: 'regression',
      ...single,
      minSamplesLeaf: 5,
    });
    expect(leaves(model)).toBe(reference.singleRegressionLeaves);
    const p = model.predict(X);
    reference.singleTreeRegressionTrain.forEach((want, i) => expect(p[i]).toBeCloseTo(want, 9));
    expect(agreement(model.predict(Xtest), reference.singleTreeRegression)).toBeGreaterThan(0.9);
  });

  it('matches a default 300-tree sklearn forest in ROC-AUC and in its probabilities', () => {
    const model = trainForest(X, reference.yBinary, { objective: 'binary', nTrees: 300, seed: 3 });
    const p = model.predict(Xtest);
    const auc = rocAuc(reference.yBinaryTest, p);
    // Different random draws: the forests agree in distribution, not tree by tree.
    expect(Math.abs(auc - reference.forestAuc)).toBeLessThan(0.02);
    const meanGap =
      reference.forestProba.reduce((s, want, i) => s + Math.abs((p[i] ?? 0) - want), 0) / p.length;
    expect(meanGap).toBeLessThan(0.05);
  });
});

describe('trainForest: behaviour', () => {
  const small = { objective: 'binary', nTrees: 20 } as const;

  it('is deterministic for a seed and differs between seeds', () => {
    const a = trainForest(X, reference.yBinary, { ...small, seed: 7 }).predict(Xtest);
    const b = trainForest(X, reference.yBinary, { ...small, seed: 7 }).predict(Xtest);
    const c = trainForest(X, reference.yBinary, { ...small, seed: 8 }).predict(Xtest);
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });

  it('looks at one random feature per split with maxFeatures 1, so roots vary between trees', () => {
    const model = trainForest(X, reference.yBinary, { ...small, maxFeatures: 1, seed: 1 });
    const roots = new Set(model.toJSON().trees.map((t) => t.feature[0]));
    expect(roots.size).toBeGreaterThan(2);
    const all = trainForest(X, reference.yBinary, { ...small, bootstrap: false, maxFeatures: 'all' });
    expect(new Set(all.toJSON().trees.map((t) => t.feature[0])).size).toBe(1);
  });

  it('saves and loads a versioned JSON model that predicts the same', () => {
    const model = trainForest(X, reference.yBinary, { ...small, seed: 2 });
    const json = JSON.parse(JSON.stringify(model)) as unknown;
    const loaded = ForestModel.fromJSON(json);
    expect([...loaded.predict(Xtest)]).toEqual([...model.predict(Xtest)]);
    expect(loaded.classes).toEqual([0, 1]);
    expect(loaded.size).toBe(20);
    expect(() => ForestModel.fromJSON({ ...model.toJSON(), version: 2 })).toThrow(/version 2/);
    expect(() => ForestModel.fromJSON({ ...model.toJSON(), format: 'gemba.gbdt' })).toThrow(/gemba\.forest/);
    expect(() => ForestModel.fromJSON({ ...model.toJSON(), classes: undefined })).toThrow(UserError);
  });

  it('refuses bad input with a UserError', () => {
    expect(() => trainForest(X, reference.yRegression, { objective: 'binary' })).toThrow(/exactly 2 classes/);
    expect(() => trainForest(X, [0, 1], { objective: 'binary' })).toThrow(/rows/);
    expect(() => trainForest(X, reference.yBinary, { ...small, nTrees: 0 })).toThrow(/nTrees/);
    expect(() => trainForest(X, reference.yBinary, { ...small, maxBins: 5000 })).toThrow(/maxBins/);
    const model = trainForest(X, reference.yBinary, small);
    expect(() => model.predict(matrixFromRows([[1, 2, 3, 4]], ['a', 'b', 'c', 'd']))).toThrow(UserError);
  });
});
