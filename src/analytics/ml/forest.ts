/**
 * Random forests for binary classification and regression (Breiman, "Random forests", Mach. Learn. 45(1), 2001):
 * fully grown trees on bootstrap samples, each split chosen among a random subset of the features, predictions
 * averaged. The trees are the histogram trees of tree.ts on quantile-binned features (binning.ts), grown on the
 * squared error of the target: for 0/1 labels its reduction is half the weighted Gini decrease of scikit-learn's
 * `RandomForestClassifier`, so the splits are the same, and a leaf's value is the share of positives in it. Where a
 * feature has at most `maxBins` distinct values the bin edges are the midpoints sklearn's exact splitter uses.
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import { seededRandom } from '../random.js';
import { binMatrixWide, fitBins, MAX_WIDE_BINS } from './binning.js';
import { encodeTargets, positiveInt, treeFromJson, treeSchema, treeToJson } from './gbdt.js';
import type { Matrix } from './matrix.js';
import { checkFeatureNames, parseSavedModel } from './model-format.js';
import { predictRow, type Tree, TreeGrower } from './tree.js';

export type ForestObjective = 'binary' | 'regression';

export interface ForestOptions {
  objective: ForestObjective;
  /** Trees in the forest; default 100. */
  nTrees?: number;
  /**
   * Features tried at each split: 'sqrt' (⌊√p⌋ at least 1; the default for 'binary', as sklearn), 'log2', 'all' (the
   * default for 'regression', as sklearn ≥ 1.1) or a count.
   */
  maxFeatures?: 'sqrt' | 'log2' | 'all' | number;
  /** Fewest rows (bootstrap draws) in a leaf; default 1. */
  minSamplesLeaf?: number;
  /** Edges from the root to a leaf; default none. */
  maxDepth?: number;
  /** Leaves per tree; default none. */
  maxLeafNodes?: number;
  /** Grow each tree on n rows drawn with replacement (default true), else on every row. */
  bootstrap?: boolean;
  /**
   * Bins for the non-missing values of a feature, 2..4095 (binning.ts `MAX_WIDE_BINS`); default 1023, near the
   * exact splits of sklearn's trees on up to ~10⁵ rows (and exact on features with fewer distinct values).
   */
  maxBins?: number;
  /** Seeds the bootstrap draws and the feature subsets; default 0. */
  seed?: number;
  /** Called after each tree with the number grown so far. */
  onProgress?: (treesGrown: number) => void;
}

const forestSchema = z.object({
  format: z.literal('gemba.forest'),
  version: z.literal(1),
  objective: z.enum(['binary', 'regression']),
  features: z.array(z.string()),
  classes: z.array(z.number()).length(2).optional(),
  params: z.object({
    maxFeatures: z.number().int().min(1),
    minSamplesLeaf: z.number().int().min(1),
    maxDepth: z.number().int().nullable(),
    maxLeafNodes: z.number().int().nullable(),
    bootstrap: z.boolean(),
    maxBins: z.number().int(),
    seed: z.number(),
  }),
  trees: z.array(treeSchema).min(1),
});
export type ForestJson = z.infer<typeof forestSchema>;

export const FOREST_FORMAT = 'gemba.forest';
export const FOREST_VERSION = 1;

/** A fitted random forest. Immutable; predicts on matrices with the training feature names. */
export class ForestModel {
  readonly objective: ForestObjective;
  readonly features: readonly string[];
  /** The two class labels of a binary forest, in order; `predict` gives P(classes[1]). */
  readonly classes?: readonly number[];
  private readonly json: ForestJson;
  private readonly trees: Tree[];

  private constructor(json: ForestJson, trees: Tree[]) {
    this.json = json;
    this.objective = json.objective;
    this.features = json.features;
    if (json.classes !== undefined) this.classes = json.classes;
    this.trees = trees;
  }

  /** @internal Used by `trainForest`. */
  static build(json: Omit<ForestJson, 'trees'>, trees: Tree[]): ForestModel {
    return new ForestModel({ ...json, trees: trees.map(treeToJson) }, trees);
  }

  /** The number of trees. */
  get size(): number {
    return this.trees.length;
  }

  /** Regression: the mean of the trees' values; binary: the mean share of the second class in the rows' leaves. */
  predict(X: Matrix): Float64Array {
    checkFeatureNames(X, this.features, 'predict');
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (const tree of this.trees) s += predictRow(tree, X.data, i * X.cols);
      out[i] = s / this.trees.length;
    }
    return out;
  }

  toJSON(): ForestJson {
    return structuredClone(this.json);
  }

  /** Reads a model saved by `toJSON`; refuses another format or version, and malformed trees. */
  static fromJSON(json: unknown): ForestModel {
    const m = parseSavedModel(json, FOREST_FORMAT, FOREST_VERSION, forestSchema);
    if ((m.objective === 'binary') !== (m.classes !== undefined)) {
      throw new UserError(
        'invalid_input',
        `invalid ${FOREST_FORMAT} model: a binary forest needs its 2 classes`,
      );
    }
    const trees = m.trees.map((t, k) => treeFromJson(t, m.features.length, `tree ${k}`));
    return new ForestModel(m, trees);
  }
}

function featuresPerSplit(
  maxFeatures: ForestOptions['maxFeatures'],
  objective: ForestObjective,
  p: number,
): number {
  const rule = maxFeatures ?? (objective === 'binary' ? 'sqrt' : 'all');
  if (rule === 'all') return p;
  if (rule === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(p)));
  if (rule === 'log2') return Math.max(1, Math.floor(Math.log2(p)));
  return Math.min(p, positiveInt('maxFeatures', rule));
}

/**
 * Fits a random forest. Deterministic: the same data, options and seed give the same forest.
 * @example trainForest(X, y, { objective: 'binary', nTrees: 500, seed: 1 }).predict(Xtest) // P(y = 1)
 */
export function trainForest(X: Matrix, y: ArrayLike<number>, options: ForestOptions): ForestModel {
  const { objective } = options;
  const nTrees = positiveInt('nTrees', options.nTrees ?? 100);
  const minSamplesLeaf = positiveInt('minSamplesLeaf', options.minSamplesLeaf ?? 1);
  const maxDepth = options.maxDepth === undefined ? null : positiveInt('maxDepth', options.maxDepth);
  const maxLeafNodes =
    options.maxLeafNodes === undefined ? null : positiveInt('maxLeafNodes', options.maxLeafNodes, 2);
  const maxBins = options.maxBins ?? 1023;
  const bootstrap = options.bootstrap ?? true;
  const seed = options.seed ?? 0;
  if (X.rows !== y.length)
    throw new UserError('invalid_input', `X has ${X.rows} rows but y has ${y.length} values`);
  if (X.rows < 2) throw new UserError('invalid_input', 'training needs at least 2 rows');
  checkFeatureNames(X, X.names, 'train');
  if (X.data.some((v) => v === Infinity || v === -Infinity)) {
    throw new UserError('invalid_input', 'X has an infinite value');
  }
  const encoded = encodeTargets(objective, y, undefined, 'train');
  const maxFeatures = featuresPerSplit(options.maxFeatures, objective, X.cols);

  const edges = fitBins(X, maxBins, MAX_WIDE_BINS);
  const binned = binMatrixWide(X, edges);
  const n = X.rows;
  const random = seededRandom(seed);
  const sample = new Int32Array(n);
  const treeBins = new Uint16Array(binned.length);
  // Squared error from a zero start: gradient −y and hessian 1 make a leaf's Newton value −G/H the mean of y in it.
  const gradients = new Float64Array(n);
  const hessians = Float64Array.of(1);
  const trees: Tree[] = [];
  for (let t = 0; t < nTrees; t++) {
    for (let i = 0; i < n; i++) sample[i] = bootstrap ? Math.floor(random() * n) : i;
    for (let j = 0; j < X.cols; j++) {
      for (let i = 0; i < n; i++) treeBins[j * n + i] = binned[j * n + (sample[i] ?? 0)] ?? 0;
    }
    for (let i = 0; i < n; i++) gradients[i] = -(encoded.y[sample[i] ?? 0] ?? 0);
    const grower = new TreeGrower(treeBins, n, edges, {
      maxLeafNodes: maxLeafNodes ?? Infinity,
      maxDepth: maxDepth ?? Infinity,
      minSamplesLeaf,
      l2Regularization: 0,
      learningRate: 1,
      featuresPerSplit: maxFeatures,
      random,
    });
    trees.push(grower.grow(gradients, hessians, true));
    options.onProgress?.(t + 1);
  }
  return ForestModel.build(
    {
      format: FOREST_FORMAT,
      version: FOREST_VERSION,
      objective,
      features: [...X.names],
      ...(encoded.classes === undefined ? {} : { classes: encoded.classes }),
      params: { maxFeatures, minSamplesLeaf, maxDepth, maxLeafNodes, bootstrap, maxBins, seed },
    },
    trees,
  );
}
