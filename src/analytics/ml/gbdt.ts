/**
 * Histogram-based gradient-boosted trees for regression, binary and multiclass classification, modelled on
 * scikit-learn's `HistGradientBoostingRegressor/Classifier` (itself after LightGBM, Ke et al., NeurIPS 2017):
 * quantile-binned features (binning.ts), leaf-wise trees from gradient/hessian histograms (tree.ts), Newton leaf
 * values (Friedman, "Greedy function approximation: a gradient boosting machine", Ann. Statist. 29(5), 2001;
 * Chen & Guestrin, "XGBoost", KDD 2016), early stopping on a held-out set, and a versioned JSON form.
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import { binMatrix, fitBins, MAX_BINS_LIMIT } from './binning.js';
import { holdOutSplit, pick } from './cv.js';
import { type Matrix, selectRows } from './matrix.js';
import { checkFeatureNames, parseSavedModel } from './model-format.js';
import { predictRow, type Tree, TreeGrower } from './tree.js';

export type GbdtObjective = 'regression' | 'binary' | 'multiclass';

export interface GbdtProgress {
  /** 1-based boosting iteration just finished. */
  iteration: number;
  /** Loss on the training rows (see `GbdtModel.history`). */
  trainLoss: number;
  /** Loss on the validation rows, when there are some. */
  validLoss?: number;
}

export interface GbdtOptions {
  objective: GbdtObjective;
  /** Shrinkage of each tree's leaf values; default 0.1. */
  learningRate?: number;
  /** Boosting iterations (trees per class); default 100. */
  maxIterations?: number;
  /** Leaves per tree; default 31. */
  maxLeafNodes?: number;
  /** Edges from the root to a leaf; default none. */
  maxDepth?: number;
  /** Fewest training rows in a leaf; default 20. */
  minSamplesLeaf?: number;
  /** λ, the L2 penalty on leaf values; default 0. */
  l2Regularization?: number;
  /** Bins for the non-missing values of a feature, 2..255; default 255 (NaN gets one more). */
  maxBins?: number;
  /** 'auto' (default): on when there are more than 10 000 rows or an explicit `validation` set. */
  earlyStopping?: boolean | 'auto';
  /** Share of rows held out (stratified for classification) when early stopping has no `validation`; 0.1. */
  validationFraction?: number;
  /** An explicit validation set; all of X is then used for training. */
  validation?: { X: Matrix; y: ArrayLike<number> };
  /** Stop after this many iterations without improving the best validation loss by more than `tol`; 10. */
  nIterNoChange?: number;
  /** Default 1e-7. */
  tol?: number;
  /**
   * Keep every tree grown, not only those up to `bestIteration` (default false), so that a caller can score any
   * iteration count up to `iterationsRun` (e.g. one chosen on the average of several cross-validation curves).
   */
  keepAllIterations?: boolean;
  /** Non-negative weight per training row (default 1). */
  sampleWeight?: ArrayLike<number>;
  /** Seeds the validation split; default 0. */
  seed?: number;
  onProgress?: (p: GbdtProgress) => void;
}

export const treeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number()),
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  left: z.array(z.number().int().min(-1)),
  right: z.array(z.number().int().min(-1)),
  value: z.array(z.number()),
  gain: z.array(z.number()),
  count: z.array(z.number().int().min(0)),
});
export type GbdtTreeJson = z.infer<typeof treeSchema>;

const gbdtSchema = z.object({
  format: z.literal('gemba.gbdt'),
  version: z.literal(1),
  objective: z.enum(['regression', 'binary', 'multiclass']),
  features: z.array(z.string()),
  classes: z.array(z.number()).optional(),
  baseline: z.array(z.number()),
  learningRate: z.number(),
  bestIteration: z.number().int().min(0),
  iterationsRun: z.number().int().min(0),
  params: z.object({
    maxLeafNodes: z.number().int(),
    maxDepth: z.number().int().nullable(),
    minSamplesLeaf: z.number().int(),
    l2Regularization: z.number(),
    maxBins: z.number().int(),
  }),
  history: z.object({ train: z.array(z.number()), valid: z.array(z.number()).optional() }),
  trees: z.array(z.array(treeSchema)),
});
export type GbdtJson = z.infer<typeof gbdtSchema>;

export const GBDT_FORMAT = 'gemba.gbdt';
export const GBDT_VERSION = 1;

export function treeToJson(t: Tree): GbdtTreeJson {
  return {
    feature: [...t.feature],
    threshold: [...t.threshold],
    missingLeft: [...t.missingLeft].map((v) => (v === 1 ? 1 : 0)),
    left: [...t.left],
    right: [...t.right],
    value: [...t.value],
    gain: [...t.gain],
    count: [...t.count],
  };
}

export function treeFromJson(t: GbdtTreeJson, nFeatures: number, where: string): Tree {
  const n = t.feature.length;
  const lengths = [t.threshold, t.missingLeft, t.left, t.right, t.value, t.gain, t.count].map(
    (a) => a.length,
  );
  if (n === 0 || lengths.some((l) => l !== n)) {
    throw new UserError('invalid_input', `${where}: node arrays must be non-empty and of equal length`);
  }
  for (let i = 0; i < n; i++) {
    const f = t.feature[i] ?? -1;
    if (f >= nFeatures)
      throw new UserError('invalid_input', `${where}: node ${i} splits on unknown feature ${f}`);
    // Children come after their parent, so prediction always terminates.
    const children = [t.left[i] ?? -1, t.right[i] ?? -1];
    if (f >= 0 && children.some((c) => c <= i || c >= n)) {
      throw new UserError('invalid_input', `${where}: node ${i} has invalid children`);
    }
  }
  return {
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    missingLeft: Uint8Array.from(t.missingLeft),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
    gain: Float64Array.from(t.gain),
    count: Int32Array.from(t.count),
  };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Softmax of raw[offset .. offset + k) into out[0 .. k), shifted by the maximum for stability. */
function softmax(raw: Float64Array, offset: number, k: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, raw[offset + c] ?? 0);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp((raw[offset + c] ?? 0) - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) out[c] = (out[c] ?? 0) / sum;
}

/**
 * Mean losses, as sklearn's loss classes (sklearn/_loss/loss.py): regression ½(y − f)² (`HalfSquaredError`),
 * binary log(1 + eᶠ) − y·f (`HalfBinomialLoss`, the log loss), multiclass log Σₖ e^{fₖ} − f_y
 * (`HalfMultinomialLoss`), each weighted by the sample weights.
 */
function meanLoss(
  objective: GbdtObjective,
  raw: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  k: number,
): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : (w[i] ?? 0);
    const yi = y[i] ?? 0;
    let l: number;
    if (objective === 'regression') {
      l = 0.5 * (yi - (raw[i] ?? 0)) ** 2;
    } else if (objective === 'binary') {
      const f = raw[i] ?? 0;
      l = (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - yi * f;
    } else {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c] ?? 0);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp((raw[i * k + c] ?? 0) - max);
      l = max + Math.log(sum) - (raw[i * k + yi] ?? 0);
    }
    s += wi * l;
    ws += wi;
  }
  return s / ws;
}

/** A fitted gradient-boosted tree ensemble. Immutable; predicts on matrices with the training feature names. */
export class GbdtModel {
  readonly objective: GbdtObjective;
  readonly features: readonly string[];
  readonly classes?: readonly number[];
  /** Boosting iterations kept (the one with the lowest validation loss under early stopping). */
  readonly bestIteration: number;
  /** Per-iteration losses (index 0: the baseline), train and, when there was one, validation. */
  readonly history: { readonly train: readonly number[]; readonly valid?: readonly number[] | undefined };
  private readonly json: GbdtJson;
  private readonly trees: Tree[][];
  private readonly baseline: Float64Array;

  private constructor(json: GbdtJson, trees: Tree[][]) {
    this.json = json;
    this.objective = json.objective;
    this.features = json.features;
    if (json.classes !== undefined) this.classes = json.classes;
    this.bestIteration = json.bestIteration;
    this.history = json.history;
    this.trees = trees;
    this.baseline = Float64Array.from(json.baseline);
  }

  /** @internal Used by `trainGbdt`. */
  static build(json: Omit<GbdtJson, 'trees'>, trees: Tree[][]): GbdtModel {
    return new GbdtModel({ ...json, trees: trees.map((it) => it.map(treeToJson)) }, trees);
  }

  /** Raw scores, n × K row-major (K = 1 for regression and binary). */
  private raw(X: Matrix): { raw: Float64Array; k: number } {
    checkFeatureNames(X, this.features, 'predict');
    const k = this.baseline.length;
    const raw = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      const offset = i * X.cols;
      for (let c = 0; c < k; c++) {
        let s = this.baseline[c] ?? 0;
        for (const iteration of this.trees) {
          const tree = iteration[c];
          if (tree !== undefined) s += predictRow(tree, X.data, offset);
        }
        raw[i * k + c] = s;
      }
    }
    return { raw, k };
  }

  /** Regression: the value; binary: P(second class); multiclass: the predicted class label. */
  predict(X: Matrix): Float64Array {
    const { raw, k } = this.raw(X);
    if (this.objective === 'regression') return raw;
    if (this.objective === 'binary') return raw.map(sigmoid);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if ((raw[i * k + c] ?? 0) > (raw[i * k + best] ?? 0)) best = c;
      out[i] = this.classes?.[best] ?? best;
    }
    return out;
  }

  /** Per row, the probabilities of `classes` in order (binary: [1 − p, p]). */
  predictProba(X: Matrix): Float64Array[] {
    if (this.objective === 'regression') {
      throw new UserError('invalid_input', 'predictProba needs a binary or multiclass model');
    }
    const { raw, k } = this.raw(X);
    const out: Float64Array[] = [];
    for (let i = 0; i < X.rows; i++) {
      if (this.objective === 'binary') {
        const p = sigmoid(raw[i] ?? 0);
        out.push(Float64Array.of(1 - p, p));
      } else {
        const row = new Float64Array(k);
        softmax(raw, i * k, k, row);
        out.push(row);
      }
    }
    return out;
  }

  /**
   * Per feature, the total split gain ('gain', as LightGBM's `importance_type='gain'`) or the number of splits
   * ('split'), normalised to sum 1 (all 0 for a model without splits), largest first.
   */
  featureImportance(kind: 'gain' | 'split' = 'gain'): Array<{ feature: string; importance: number }> {
    const totals = new Float64Array(this.features.length);
    for (const iteration of this.trees) {
      for (const tree of iteration) {
        tree.feature.forEach((f, node) => {
          if (f >= 0) totals[f] = (totals[f] ?? 0) + (kind === 'gain' ? (tree.gain[node] ?? 0) : 1);
        });
      }
    }
    const sum = totals.reduce((s, v) => s + v, 0);
    return this.features
      .map((feature, j) => ({ feature, importance: sum > 0 ? (totals[j] ?? 0) / sum : 0 }))
      .sort((a, b) => b.importance - a.importance);
  }

  toJSON(): GbdtJson {
    return structuredClone(this.json);
  }

  /** Reads a model saved by `toJSON`; refuses another format or version, and malformed trees. */
  static fromJSON(json: unknown): GbdtModel {
    const m = parseSavedModel(json, GBDT_FORMAT, GBDT_VERSION, gbdtSchema);
    const k = m.objective === 'multiclass' ? (m.classes?.length ?? 0) : 1;
    if (m.baseline.length !== k || (m.objective !== 'regression' && m.classes === undefined)) {
      throw new UserError('invalid_input', `invalid ${GBDT_FORMAT} model: baseline and classes do not agree`);
    }
    const trees = m.trees.map((iteration, it) => {
      if (iteration.length !== k) {
        throw new UserError(
          'invalid_input',
          `invalid ${GBDT_FORMAT} model: iteration ${it} needs ${k} trees`,
        );
      }
      return iteration.map((t, c) => treeFromJson(t, m.features.length, `tree ${it}/${c}`));
    });
    return new GbdtModel(m, trees);
  }
}

export function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min)
    throw new UserError('invalid_input', `${name} must be an integer ≥ ${min}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0))
    throw new UserError('invalid_input', `${name} must be a finite number ≥ 0`);
  return v;
}

/** Targets encoded for training: regression values, or class indices 0..K−1 with the sorted class labels. */
export function encodeTargets(
  objective: GbdtObjective,
  y: ArrayLike<number>,
  classes: readonly number[] | undefined,
  what: string,
): { y: Float64Array; classes?: number[] } {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i] ?? Number.NaN;
    if (!Number.isFinite(v))
      throw new UserError('invalid_input', `${what}: target of row ${i} is not finite`);
    out[i] = v;
  }
  if (objective === 'regression') return { y: out };
  const labels = classes ?? [...new Set(out)].sort((a, b) => a - b);
  if (objective === 'binary' && labels.length !== 2) {
    throw new UserError('invalid_input', `binary objective needs exactly 2 classes, found ${labels.length}`);
  }
  if (objective === 'multiclass' && labels.length < 2) {
    throw new UserError(
      'invalid_input',
      `multiclass objective needs at least 2 classes, found ${labels.length}`,
    );
  }
  const index = new Map(labels.map((l, c) => [l, c]));
  for (let i = 0; i < out.length; i++) {
    const c = index.get(out[i] ?? 0);
    if (c === undefined) throw new UserError('invalid_input', `${what}: class ${out[i]} was not in training`);
    out[i] = c;
  }
  return { y: out, classes: [...labels] };
}

/**
 * Fits gradient-boosted trees. Deterministic: the same data, options and seed give the same model (the seed only
 * draws the validation split).
 * @example trainGbdt(X, y, { objective: 'regression', maxIterations: 200, seed: 1 }).predict(Xtest)
 */
export function trainGbdt(X: Matrix, y: ArrayLike<number>, options: GbdtOptions): GbdtModel {
  const { objective } = options;
  const learningRate = options.learningRate ?? 0.1;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new UserError('invalid_input', 'learningRate must be > 0');
  }
  const maxIterations = positiveInt('maxIterations', options.maxIterations ?? 100, 0);
  const maxLeafNodes = positiveInt('maxLeafNodes', options.maxLeafNodes ?? 31, 2);
  const maxDepth = options.maxDepth === undefined ? Infinity : positiveInt('maxDepth', options.maxDepth);
  const minSamplesLeaf = positiveInt('minSamplesLeaf', options.minSamplesLeaf ?? 20);
  const l2Regularization = nonNegative('l2Regularization', options.l2Regularization ?? 0);
  const maxBins = options.maxBins ?? MAX_BINS_LIMIT;
  const nIterNoChange = positiveInt('nIterNoChange', options.nIterNoChange ?? 10);
  const tol = nonNegative('tol', options.tol ?? 1e-7);
  if (X.rows !== y.length)
    throw new UserError('invalid_input', `X has ${X.rows} rows but y has ${y.length} values`);
  if (X.rows < 2) throw new UserError('invalid_input', 'training needs at least 2 rows');
  checkFeatureNames(X, X.names, 'train');
  for (let j = 0; j < X.data.length; j++) {
    const v = X.data[j] ?? 0;
    if (v === Infinity || v === -Infinity) {
      throw new UserError('invalid_input', `X has an infinite value at row ${Math.floor(j / X.cols)}`);
    }
  }

  const encoded = encodeTargets(objective, y, undefined, 'train');
  const classes = encoded.classes;
  const k = objective === 'multiclass' ? (classes?.length ?? 2) : 1;
  let weights: Float64Array | undefined;
  if (options.sampleWeight !== undefined) {
    if (options.sampleWeight.length !== X.rows) {
      throw new UserError(
        'invalid_input',
        `sampleWeight has ${options.sampleWeight.length} values for ${X.rows} rows`,
      );
    }
    weights = Float64Array.from({ length: X.rows }, (_, i) =>
      nonNegative('sampleWeight', options.sampleWeight?.[i] ?? 0),
    );
  }

  const earlyStopping =
    options.earlyStopping === 'auto' || options.earlyStopping === undefined
      ? X.rows > 10_000 || options.validation !== undefined
      : options.earlyStopping;
  let Xt = X;
  let yt = encoded.y;
  let wt = weights;
  let validation: { X: Matrix; y: Float64Array; w: Float64Array | undefined } | undefined;
  if (options.validation !== undefined) {
    checkFeatureNames(options.validation.X, X.names, 'validation');
    if (options.validation.X.rows !== options.validation.y.length) {
      throw new UserError('invalid_input', 'validation X and y have different lengths');
    }
    const yv = encodeTargets(objective, options.validation.y, classes, 'validation').y;
    validation = { X: options.validation.X, y: yv, w: undefined };
  } else if (earlyStopping) {
    // sklearn: train_test_split(..., test_size=validation_fraction, stratify=y if classifier, random_state=seed).
    const split = holdOutSplit(encoded.y, options.validationFraction ?? 0.1, {
      seed: options.seed ?? 0,
      stratify: objective !== 'regression',
    });
    Xt = selectRows(X, split.train);
    yt = pick(encoded.y, split.train);
    wt = weights === undefined ? undefined : pick(weights, split.train);
    validation = {
      X: selectRows(X, split.test),
      y: pick(encoded.y, split.test),
      w: weights === undefined ? undefined : pick(weights, split.test),
    };
  }
  const n = Xt.rows;

  // Baseline: the constant minimising the loss (sklearn `fit_intercept_only`): the weighted mean, the log-odds of
  // the weighted positive share, or the log of each class's weighted prior, shares clipped to [ε, 1 − ε].
  const baseline = new Float64Array(k);
  {
    const eps = Number.EPSILON;
    const sums = new Float64Array(objective === 'multiclass' ? k : 1);
    let ws = 0;
    for (let i = 0; i < n; i++) {
      const wi = wt === undefined ? 1 : (wt[i] ?? 0);
      const yi = yt[i] ?? 0;
      if (objective === 'multiclass') sums[yi] = (sums[yi] ?? 0) + wi;
      else sums[0] = (sums[0] ?? 0) + wi * yi;
      ws += wi;
    }
    if (!(ws > 0)) throw new UserError('invalid_input', 'the sample weights sum to 0');
    if (objective === 'regression') baseline[0] = (sums[0] ?? 0) / ws;
    else if (objective === 'binary') {
      const p = Math.min(1 - eps, Math.max(eps, (sums[0] ?? 0) / ws));
      baseline[0] = Math.log(p / (1 - p));
    } else {
      for (let c = 0; c < k; c++)
        baseline[c] = Math.log(Math.min(1 - eps, Math.max(eps, (sums[c] ?? 0) / ws)));
    }
  }

  const edges = fitBins(Xt, maxBins);
  const grower = new TreeGrower(binMatrix(Xt, edges), n, edges, {
    maxLeafNodes,
    maxDepth,
    minSamplesLeaf,
    l2Regularization,
    learningRate,
  });

  const raw = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) raw[i * k + c] = baseline[c] ?? 0;
  const validRaw = validation === undefined ? undefined : new Float64Array(validation.X.rows * k);
  if (validRaw !== undefined) for (let i = 0; i < validRaw.length; i++) validRaw[i] = baseline[i % k] ?? 0;

  const gradients = new Float64Array(n * k);
  const hessians = new Float64Array(n * k);
  const constantHessian = objective === 'regression' && wt === undefined;
  if (constantHessian) hessians.fill(1);
  const proba = new Float64Array(k);

  const trainHistory = [meanLoss(objective, raw, yt, wt, k)];
  const validHistory =
    validation === undefined || validRaw === undefined
      ? undefined
      : [meanLoss(objective, validRaw, validation.y, validation.w, k)];
  const trees: Tree[][] = [];

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // Gradients and hessians of the loss with respect to the raw score, per class (sklearn `gradient_hessian`).
    for (let i = 0; i < n; i++) {
      const wi = wt === undefined ? 1 : (wt[i] ?? 0);
      const yi = yt[i] ?? 0;
      if (objective === 'regression') {
        gradients[i] = wi * ((raw[i] ?? 0) - yi);
        if (!constantHessian) hessians[i] = wi;
      } else if (objective === 'binary') {
        const p = sigmoid(raw[i] ?? 0);
        gradients[i] = wi * (p - yi);
        hessians[i] = wi * p * (1 - p);
      } else {
        softmax(raw, i * k, k, proba);
        for (let c = 0; c < k; c++) {
          const p = proba[c] ?? 0;
          gradients[c * n + i] = wi * (p - (c === yi ? 1 : 0));
          hessians[c * n + i] = wi * p * (1 - p);
        }
      }
    }
    const iterationTrees: Tree[] = [];
    for (let c = 0; c < k; c++) {
      const tree = grower.grow(
        gradients.subarray(c * n, (c + 1) * n),
        hessians.subarray(c * n, (c + 1) * n),
        constantHessian,
      );
      grower.addToRaw(raw, k, c);
      if (validation !== undefined && validRaw !== undefined) {
        const v = validation.X;
        for (let i = 0; i < v.rows; i++) {
          validRaw[i * k + c] = (validRaw[i * k + c] ?? 0) + predictRow(tree, v.data, i * v.cols);
        }
      }
      iterationTrees.push(tree);
    }
    trees.push(iterationTrees);
    const trainLoss = meanLoss(objective, raw, yt, wt, k);
    trainHistory.push(trainLoss);
    let validLoss: number | undefined;
    if (validHistory !== undefined && validation !== undefined && validRaw !== undefined) {
      validLoss = meanLoss(objective, validRaw, validation.y, validation.w, k);
      validHistory.push(validLoss);
    }
    options.onProgress?.(
      validLoss === undefined ? { iteration, trainLoss } : { iteration, trainLoss, validLoss },
    );
    // sklearn `_should_stop`: stop when none of the last nIterNoChange losses beats the one before them by > tol.
    if (earlyStopping && validHistory !== undefined && validHistory.length > nIterNoChange) {
      const reference = validHistory[validHistory.length - 1 - nIterNoChange] ?? Infinity;
      const recent = validHistory.slice(-nIterNoChange);
      if (!recent.some((l) => l < reference - tol)) break;
    }
  }

  const iterationsRun = trees.length;
  let bestIteration = iterationsRun;
  if (earlyStopping && validHistory !== undefined) {
    // Keep the iteration with the lowest validation loss (0: the baseline alone).
    bestIteration = 0;
    validHistory.forEach((l, it) => {
      if (l < (validHistory[bestIteration] ?? Infinity)) bestIteration = it;
    });
  }
  const kept = options.keepAllIterations === true ? trees : trees.slice(0, bestIteration);
  return GbdtModel.build(
    {
      format: GBDT_FORMAT,
      version: GBDT_VERSION,
      objective,
      features: [...X.names],
      ...(classes === undefined ? {} : { classes }),
      baseline: [...baseline],
      learningRate,
      bestIteration,
      iterationsRun,
      params: {
        maxLeafNodes,
        maxDepth: Number.isFinite(maxDepth) ? maxDepth : null,
        minSamplesLeaf,
        l2Regularization,
        maxBins,
      },
      history: { train: trainHistory, ...(validHistory === undefined ? {} : { valid: validHistory }) },
    },
    kept,
  );
}
