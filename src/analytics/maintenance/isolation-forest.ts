/**
 * Isolation forest (Liu, Ting & Zhou 2008, "Isolation Forest", ICDM, 413–422): anomalies are few and different, so
 * random axis-parallel splits isolate them in fewer steps than normal points. Seeded, so a fit is reproducible.
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import { type Matrix } from '../ml/matrix.js';
import { parseSavedModel } from '../ml/model-format.js';

/** Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n), the average path length of an unsuccessful search in a binary search tree of n points, which normalises
 * path lengths: c(n) = 2H(n − 1) − 2(n − 1)/n with H(i) ≈ ln(i) + γ (Liu, Ting & Zhou 2008, eq. 1), c(2) = 1 and
 * c(n ≤ 1) = 0 (as scikit-learn's `_average_path_length`, since the approximation of H is poor at i = 1).
 * @example averagePathLength(256) // 10.244770920119298
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export interface IsolationForestOptions {
  /** Trees in the forest (paper: 100). */
  readonly trees?: number;
  /** Rows drawn without replacement for each tree (paper: ψ = 256). */
  readonly sampleSize?: number;
  readonly seed?: number;
  /** Alarm when the score s exceeds this (default 0.6; calibrate it with `calibrateThreshold`). */
  readonly threshold?: number;
}

export interface IsolationScore {
  /** s(x, ψ) = 2^(−E[h(x)]/c(ψ)) in (0, 1]: near 1 is anomalous, well below 0.5 is normal (paper, eq. 2). */
  readonly score: number;
  readonly threshold: number;
  readonly anomalous: boolean;
  /** E[h(x)], the mean path length over the trees. */
  readonly meanPathLength: number;
  /**
   * Share of the isolation attributed to each feature (sums to 1, all 0 if x never left the root): every split on
   * x's path credits its feature with log₂(node size / size of the child x went to), the bits of isolation it
   * gained, summed over the trees. A split that cuts x off from almost all points earns the most; one that halves
   * the node earns 1 bit. In the spirit of DIFFI's split-based importance (Carletti, Terzi & Susto 2023, Eng. Appl.
   * of AI 119), simplified to one point.
   */
  readonly contributions: Float64Array;
}

/**
 * One tree in flat arrays, nodes in preorder (root 0, a node's left child right after it): an internal node has
 * feature ≥ 0 and sends a row left when its value is < split; a leaf has feature −1. `size` is the number of the
 * tree's training rows that reached the node.
 */
export interface IsolationTree {
  readonly feature: Int32Array;
  readonly split: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly size: Int32Array;
}

export interface IsolationForest {
  readonly names: readonly string[];
  readonly sampleSize: number;
  readonly trees: number;
  readonly forest: readonly IsolationTree[];
  threshold: number;
  score(row: ArrayLike<number>): IsolationScore;
}

/** What a fitted forest is made of: everything `score` needs, and what `isolationForestToJSON` saves. */
export type IsolationForestParameters = Pick<
  IsolationForest,
  'names' | 'sampleSize' | 'forest' | 'threshold'
>;

/** SplitMix32-seeded SFC32 (Doty-Humphrey, PractRand): a small, fast, well-tested 32-bit generator in [0, 1). */
function sfc32(seed: number): () => number {
  let s = seed >>> 0;
  const mix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = 1;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

function buildTree(x: Matrix, rows: Int32Array, heightLimit: number, rand: () => number): IsolationTree {
  const p = x.cols;
  const cap = 2 * rows.length;
  const tree = {
    feature: new Int32Array(cap).fill(-1),
    split: new Float64Array(cap),
    left: new Int32Array(cap),
    right: new Int32Array(cap),
    size: new Int32Array(cap),
  };
  let nodes = 0;
  const grow = (lo: number, hi: number, depth: number): number => {
    const id = nodes++;
    const size = hi - lo;
    tree.size[id] = size;
    if (depth >= heightLimit || size <= 1) return id;
    // Draw a feature that is not constant in this node (a constant one cannot split), at most p tries in order.
    const start = Math.floor(rand() * p);
    for (let t = 0; t < p; t++) {
      const f = (start + t) % p;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let r = lo; r < hi; r++) {
        const v = x.data[(rows[r] ?? 0) * p + f] ?? 0;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (!(max > min)) continue;
      const split = min + rand() * (max - min);
      let i = lo;
      let j = hi - 1;
      while (i <= j) {
        if ((x.data[(rows[i] ?? 0) * p + f] ?? 0) < split) i++;
        else {
          const tmp = rows[i] ?? 0;
          rows[i] = rows[j] ?? 0;
          rows[j] = tmp;
          j--;
        }
      }
      tree.feature[id] = f;
      tree.split[id] = split;
      tree.left[id] = grow(lo, i, depth + 1);
      tree.right[id] = grow(i, hi, depth + 1);
      return id;
    }
    return id;
  };
  grow(0, rows.length, 0);
  return {
    feature: tree.feature.slice(0, nodes),
    split: tree.split.slice(0, nodes),
    left: tree.left.slice(0, nodes),
    right: tree.right.slice(0, nodes),
    size: tree.size.slice(0, nodes),
  };
}

/**
 * Fits an isolation forest on (mostly) normal rows: each tree is grown on ψ rows drawn without replacement to the
 * height limit ⌈log₂ ψ⌉ (paper, Algorithms 1–2); rows with a NaN are rejected.
 * @example
 * const forest = fitIsolationForest(train, { seed: 7 });
 * forest.score([48, 70, 180, 6.5]).score // well above 0.5 for a point far from the training cloud
 */
export function fitIsolationForest(x: Matrix, options: IsolationForestOptions = {}): IsolationForest {
  const trees = options.trees ?? 100;
  const psi = Math.min(options.sampleSize ?? 256, x.rows);
  const p = x.cols;
  if (x.rows < 2 || p < 1)
    throw new UserError('invalid_input', 'an isolation forest needs at least 2 rows and 1 column');
  if (!Number.isInteger(trees) || trees < 1)
    throw new UserError('invalid_input', `trees must be ≥ 1, got ${trees}`);
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i] ?? Number.NaN)) {
      throw new UserError(
        'invalid_input',
        `training row ${Math.floor(i / p)} has a missing or infinite value`,
      );
    }
  }
  const rand = sfc32(options.seed ?? 1);
  const heightLimit = Math.ceil(Math.log2(psi));
  const forest: IsolationTree[] = [];
  const all = Int32Array.from({ length: x.rows }, (_, i) => i);
  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: the first ψ entries become a uniform sample without replacement.
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(rand() * (x.rows - i));
      const tmp = all[i] ?? 0;
      all[i] = all[j] ?? 0;
      all[j] = tmp;
    }
    forest.push(buildTree(x, all.slice(0, psi), heightLimit, rand));
  }
  return isolationForest({ names: x.names, sampleSize: psi, forest, threshold: options.threshold ?? 0.6 });
}

/** A forest from its parameters (as `fitIsolationForest` grew them, or as saved). */
export function isolationForest(params: IsolationForestParameters): IsolationForest {
  const { forest } = params;
  const p = params.names.length;
  const cPsi = averagePathLength(params.sampleSize);
  const model: IsolationForest = {
    names: params.names,
    sampleSize: params.sampleSize,
    trees: forest.length,
    forest,
    threshold: params.threshold,
    score(row: ArrayLike<number>): IsolationScore {
      // A NaN compares false with every split, so a missing value follows the right branch.
      if (row.length !== p)
        throw new UserError('invalid_input', `row has ${row.length} values; the forest has ${p}`);
      const credit = new Float64Array(p);
      let total = 0;
      for (const tree of forest) {
        let node = 0;
        let depth = 0;
        for (;;) {
          const f = tree.feature[node] ?? -1;
          if (f < 0) break;
          const next =
            (row[f] ?? Number.NaN) < (tree.split[node] ?? 0)
              ? (tree.left[node] ?? 0)
              : (tree.right[node] ?? 0);
          credit[f] =
            (credit[f] ?? 0) + Math.log2((tree.size[node] ?? 1) / Math.max(1, tree.size[next] ?? 1));
          node = next;
          depth++;
        }
        total += depth + averagePathLength(tree.size[node] ?? 1);
      }
      const meanPathLength = total / forest.length;
      const score = 2 ** (-meanPathLength / cPsi);
      const sum = credit.reduce((acc, v) => acc + v, 0);
      const contributions = credit.map((v) => (sum > 0 ? v / sum : 0));
      return {
        score,
        threshold: model.threshold,
        anomalous: score > model.threshold,
        meanPathLength,
        contributions,
      };
    },
  };
  return model;
}

const IFOREST_FORMAT = 'gemba.iforest';
const IFOREST_VERSION = 1;
/**
 * A tree as saved: its nodes in preorder, `feature` −1 for a leaf, `value` the split of an internal node or the row
 * count of a leaf. The children and inner sizes follow from the order (left child next, size = sum of the children's),
 * so two arrays carry the tree exactly.
 */
const SavedTree = z.object({
  feature: z.array(z.number().int().min(-1)).min(1),
  value: z.array(z.number()).min(1),
});
const SavedIsolationForest = z.object({
  format: z.literal(IFOREST_FORMAT),
  version: z.literal(IFOREST_VERSION),
  names: z.array(z.string()).min(1),
  sampleSize: z.number().int().min(2),
  threshold: z.number(),
  trees: z.array(SavedTree).min(1),
});

/** The forest as versioned JSON. */
export function isolationForestToJSON(model: IsolationForest): z.infer<typeof SavedIsolationForest> {
  return {
    format: IFOREST_FORMAT,
    version: IFOREST_VERSION,
    names: [...model.names],
    sampleSize: model.sampleSize,
    threshold: model.threshold,
    trees: model.forest.map((tree) => ({
      feature: [...tree.feature],
      value: Array.from(tree.feature, (f, id) => (f < 0 ? (tree.size[id] ?? 0) : (tree.split[id] ?? 0))),
    })),
  };
}

/** Rebuilds one saved tree's child links and sizes; refuses a node list that is not one whole preorder tree. */
function treeFromSaved(
  saved: z.infer<typeof SavedTree>,
  shape: { features: number; sampleSize: number },
  t: number,
): IsolationTree {
  const { features: p, sampleSize } = shape;
  const n = saved.feature.length;
  const bad = (why: string): UserError =>
    new UserError('invalid_input', `invalid gemba.iforest model at trees.${t}: ${why}`);
  if (saved.value.length !== n) throw bad(`${n} features but ${saved.value.length} values`);
  const tree = {
    feature: Int32Array.from(saved.feature),
    split: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    size: new Int32Array(n),
  };
  // Internal nodes whose right child has not come yet: after a leaf, the next node is the right child of the last.
  const open: number[] = [];
  for (let id = 0; id < n; id++) {
    const f = saved.feature[id] ?? -1;
    const value = saved.value[id] ?? 0;
    if (id > 0) {
      if ((saved.feature[id - 1] ?? -1) >= 0) tree.left[id - 1] = id;
      else {
        const parent = open.pop();
        if (parent === undefined) throw bad(`node ${id} is past the end of the tree`);
        tree.right[parent] = id;
      }
    }
    if (f >= p) throw bad(`node ${id} splits on feature ${f} of ${p}`);
    if (f >= 0) {
      tree.split[id] = value;
      open.push(id);
    } else {
      if (!Number.isInteger(value) || value < 0 || value > sampleSize)
        throw bad(`leaf ${id} has row count ${value}`);
      tree.size[id] = value;
    }
  }
  if (open.length > 0) throw bad(`node ${open[open.length - 1] ?? 0} has no right child`);
  // Children come after their parent in preorder, so one backward pass sums the sizes.
  for (let id = n - 1; id >= 0; id--) {
    if ((tree.feature[id] ?? -1) >= 0)
      tree.size[id] = (tree.size[tree.left[id] ?? 0] ?? 0) + (tree.size[tree.right[id] ?? 0] ?? 0);
  }
  if (tree.size[0] !== sampleSize)
    throw bad(`its leaves hold ${tree.size[0]} rows, not the sample size ${sampleSize}`);
  return tree;
}

/**
 * A saved forest back, scoring exactly as the one saved; refuses another format or version and malformed trees.
 * @example isolationForestFromJSON(JSON.parse(JSON.stringify(isolationForestToJSON(forest)))).score(row)
 */
export function isolationForestFromJSON(json: unknown): IsolationForest {
  const saved = parseSavedModel(json, IFOREST_FORMAT, IFOREST_VERSION, SavedIsolationForest);
  return isolationForest({
    names: saved.names,
    sampleSize: saved.sampleSize,
    threshold: saved.threshold,
    forest: saved.trees.map((tree, t) =>
      treeFromSaved(tree, { features: saved.names.length, sampleSize: saved.sampleSize }, t),
    ),
  });
}
