/**
 * One regression tree grown leaf-wise on binned features from gradient and hessian histograms: the tree learner of
 * the histogram gradient boosting in gbdt.ts, modelled on scikit-learn's `TreeGrower` and `Splitter`
 * (sklearn/ensemble/_hist_gradient_boosting/grower.py, splitting.pyx) and LightGBM (Ke et al., "LightGBM: A highly
 * efficient gradient boosting decision tree", NeurIPS 2017).
 */
import type { BinEdges } from './binning.js';
import { shuffleInPlace } from './cv.js';

/** A fitted tree as parallel arrays; node 0 is the root, a leaf has feature −1. */
export interface Tree {
  /** Split feature (column index), −1 for a leaf. */
  readonly feature: Int32Array;
  /** Rows with x ≤ threshold go left (Number.MAX_VALUE: every non-missing value goes left). */
  readonly threshold: Float64Array;
  /** 1 when missing values (NaN) go left. */
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf value (already multiplied by the learning rate); 0 for split nodes. */
  readonly value: Float64Array;
  /** Split gain (for feature importance); 0 for leaves. */
  readonly gain: Float64Array;
  /** Training rows that reached the node. */
  readonly count: Int32Array;
}

/** The leaf value of one row of a row-major table, starting at `offset`. */
export function predictRow(tree: Tree, data: Float64Array, offset: number): number {
  let node = 0;
  let f = tree.feature[0] ?? -1;
  while (f >= 0) {
    const x = data[offset + f] ?? Number.NaN;
    const goLeft = Number.isNaN(x) ? tree.missingLeft[node] === 1 : x <= (tree.threshold[node] ?? 0);
    node = (goLeft ? tree.left[node] : tree.right[node]) ?? 0;
    f = tree.feature[node] ?? -1;
  }
  return tree.value[node] ?? 0;
}

export interface GrowerParams {
  readonly maxLeafNodes: number;
  /** Infinity for no limit. */
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly learningRate: number;
  /**
   * Random-forest feature subsampling (Breiman, "Random forests", Mach. Learn. 45, 2001): each node looks at
   * features in a random order until it has scanned this many that are not constant in the node (sklearn's
   * `BestSplitter`, which also goes on past `max_features` when those are all constant). Default: every feature.
   */
  readonly featuresPerSplit?: number;
  /** Uniform [0, 1) draws for `featuresPerSplit`; required with it. */
  readonly random?: () => number;
}

/** sklearn's `min_hessian_to_split` default: a child needs at least this hessian sum. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;
/** Values per histogram bin: gradient sum, hessian sum, row count. */
const BIN_WIDTH = 3;

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  gLeft: number;
  hLeft: number;
  nLeft: number;
}

interface GrowingNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | undefined;
  split: Split | undefined;
}

/**
 * Grows trees on one binned training set; buffers (partition, histograms) are allocated once and reused by every
 * tree. Not safe to share between concurrent trainings.
 */
export class TreeGrower {
  private readonly n: number;
  private readonly p: number;
  private readonly featureStride: number;
  private readonly nBins: Int32Array;
  /** Row indices; each node owns a contiguous slice [start, end). */
  private readonly partition: Int32Array;
  private readonly scratch: Int32Array;
  private readonly orderedG: Float64Array;
  private readonly orderedH: Float64Array;
  private readonly pool: Float64Array[] = [];
  private leaves: GrowingNode[] = [];
  private lastValues: Float64Array = new Float64Array(0);

  /** `binned` is column-major (feature j of row i at j·n + i), as `binMatrix` returns. */
  constructor(
    private readonly binned: Uint8Array | Uint16Array,
    n: number,
    private readonly edges: BinEdges,
    private readonly params: GrowerParams,
  ) {
    this.n = n;
    this.p = edges.thresholds.length;
    this.featureStride = (edges.missingBin + 1) * BIN_WIDTH;
    this.nBins = Int32Array.from(edges.thresholds, (t) => t.length + 1);
    this.partition = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.orderedG = new Float64Array(n);
    this.orderedH = new Float64Array(n);
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.p * this.featureStride);
  }

  private release(node: GrowingNode): void {
    if (node.hist !== undefined) this.pool.push(node.hist);
    node.hist = undefined;
  }

  /**
   * Grows one tree for the given per-row gradients and hessians. With `constantHessian` the hessian of every row is
   * hessians[0] (squared error without weights) and is not summed per bin.
   */
  grow(gradients: Float64Array, hessians: Float64Array, constantHessian: boolean): Tree {
    const { n } = this;
    for (let i = 0; i < n; i++) this.partition[i] = i;
    let g = 0;
    let h = 0;
    for (let i = 0; i < n; i++) g += gradients[i] ?? 0;
    if (constantHessian) h = n * (hessians[0] ?? 1);
    else for (let i = 0; i < n; i++) h += hessians[i] ?? 0;

    const nodes = { feature: [] as number[], threshold: [] as number[], missingLeft: [] as number[] };
    const links = {
      left: [] as number[],
      right: [] as number[],
      value: [] as number[],
      gain: [] as number[],
    };
    const counts: number[] = [];
    const addNode = (count: number): number => {
      nodes.feature.push(-1);
      nodes.threshold.push(0);
      nodes.missingLeft.push(0);
      links.left.push(-1);
      links.right.push(-1);
      links.value.push(0);
      links.gain.push(0);
      counts.push(count);
      return counts.length - 1;
    };

    const root: GrowingNode = {
      id: addNode(n),
      start: 0,
      end: n,
      depth: 0,
      g,
      h,
      hist: undefined,
      split: undefined,
    };
    this.leaves = [];
    const splittable: GrowingNode[] = [];
    if (this.canSplit(root)) {
      root.hist = this.acquire();
      this.buildHistogram(root, gradients, hessians, constantHessian);
      root.split = this.findSplit(root);
      if (root.split === undefined) this.release(root);
      else splittable.push(root);
    }
    if (root.split === undefined) this.leaves.push(root);

    let nLeaves = 1;
    while (splittable.length > 0 && nLeaves < this.params.maxLeafNodes) {
      // Leaf-wise (best-first) growth: split the leaf with the largest gain (Shi 2007; LightGBM; sklearn grower).
      let best = 0;
      for (let k = 1; k < splittable.length; k++) {
        if ((splittable[k]?.split?.gain ?? 0) > (splittable[best]?.split?.gain ?? 0)) best = k;
      }
      const node = splittable.splice(best, 1)[0];
      const split = node?.split;
      if (node === undefined || split === undefined) break;
      nLeaves++;
      const mid = this.applySplit(node, split);
      const thresholds = this.edges.thresholds[split.feature] ?? new Float64Array(0);
      nodes.feature[node.id] = split.feature;
      nodes.threshold[node.id] =
        split.bin < thresholds.length ? (thresholds[split.bin] ?? 0) : Number.MAX_VALUE;
      nodes.missingLeft[node.id] = split.missingLeft ? 1 : 0;
      links.gain[node.id] = split.gain;
      const depth = node.depth + 1;
      const leftNode: GrowingNode = {
        id: addNode(mid - node.start),
        start: node.start,
        end: mid,
        depth,
        g: split.gLeft,
        h: split.hLeft,
        hist: undefined,
        split: undefined,
      };
      const rightNode: GrowingNode = {
        id: addNode(node.end - mid),
        start: mid,
        end: node.end,
        depth,
        g: node.g - split.gLeft,
        h: node.h - split.hLeft,
        hist: undefined,
        split: undefined,
      };
      links.left[node.id] = leftNode.id;
      links.right[node.id] = rightNode.id;
      const children = [leftNode, rightNode];
      const wanted = nLeaves < this.params.maxLeafNodes && children.some((c) => this.canSplit(c));
      if (wanted && node.hist !== undefined) {
        // The subtraction trick (LightGBM §2; sklearn grower): build the smaller child's histogram, and get the
        // larger one's as parent − smaller, in the parent's buffer.
        const [small, large] =
          leftNode.end - leftNode.start <= rightNode.end - rightNode.start
            ? [leftNode, rightNode]
            : [rightNode, leftNode];
        small.hist = this.acquire();
        this.buildHistogram(small, gradients, hessians, constantHessian);
        const parent = node.hist;
        const child = small.hist;
        for (let j = 0; j < parent.length; j++) parent[j] = (parent[j] ?? 0) - (child[j] ?? 0);
        large.hist = parent;
        node.hist = undefined;
      } else {
        this.release(node);
      }
      for (const c of children) {
        if (c.hist !== undefined && this.canSplit(c)) c.split = this.findSplit(c);
        if (c.split === undefined) {
          this.release(c);
          this.leaves.push(c);
        } else {
          splittable.push(c);
        }
      }
    }
    for (const node of splittable) {
      this.release(node);
      node.split = undefined;
      this.leaves.push(node);
    }

    const { l2Regularization: lambda, learningRate } = this.params;
    this.lastValues = new Float64Array(this.leaves.length);
    this.leaves.forEach((leaf, k) => {
      // Newton step of the leaf: −G/(H + λ) (Chen & Guestrin, "XGBoost", KDD 2016, eq. 5), shrunk by the learning
      // rate; the 1e-15 guards H = 0 as in sklearn's `compute_node_value`.
      const v = (-leaf.g / (leaf.h + lambda + 1e-15)) * learningRate;
      links.value[leaf.id] = v;
      this.lastValues[k] = v;
    });
    return {
      feature: Int32Array.from(nodes.feature),
      threshold: Float64Array.from(nodes.threshold),
      missingLeft: Uint8Array.from(nodes.missingLeft),
      left: Int32Array.from(links.left),
      right: Int32Array.from(links.right),
      value: Float64Array.from(links.value),
      gain: Float64Array.from(links.gain),
      count: Int32Array.from(counts),
    };
  }

  /** Adds the last tree's leaf values to raw[i·stride + offset] for every training row i. */
  addToRaw(raw: Float64Array, stride: number, offset: number): void {
    this.leaves.forEach((leaf, k) => {
      const v = this.lastValues[k] ?? 0;
      for (let s = leaf.start; s < leaf.end; s++) {
        const at = (this.partition[s] ?? 0) * stride + offset;
        raw[at] = (raw[at] ?? 0) + v;
      }
    });
  }

  private canSplit(node: GrowingNode): boolean {
    return (
      node.depth < this.params.maxDepth &&
      node.end - node.start >= 2 * this.params.minSamplesLeaf &&
      node.h >= 2 * MIN_HESSIAN_TO_SPLIT
    );
  }

  /** Sums gradient, hessian and count per (feature, bin) over the node's rows. */
  private buildHistogram(
    node: GrowingNode,
    gradients: Float64Array,
    hessians: Float64Array,
    constant: boolean,
  ): void {
    const hist = node.hist;
    if (hist === undefined) return;
    hist.fill(0);
    const { n, p, binned, featureStride, partition, orderedG, orderedH } = this;
    const m = node.end - node.start;
    const isRoot = m === n;
    if (!isRoot) {
      // Gather the node's gradients once so the per-feature loops read them sequentially (as sklearn's
      // `ordered_gradients`).
      for (let k = 0; k < m; k++) {
        const i = partition[node.start + k] ?? 0;
        orderedG[k] = gradients[i] ?? 0;
        if (!constant) orderedH[k] = hessians[i] ?? 0;
      }
    }
    const gs = isRoot ? gradients : orderedG;
    const hs = isRoot ? hessians : orderedH;
    for (let f = 0; f < p; f++) {
      const col = f * n;
      const base = f * featureStride;
      if (isRoot) {
        if (constant) {
          for (let i = 0; i < n; i++) {
            const j = base + (binned[col + i] ?? 0) * BIN_WIDTH;
            hist[j] = (hist[j] ?? 0) + (gs[i] ?? 0);
            hist[j + 2] = (hist[j + 2] ?? 0) + 1;
          }
        } else {
          for (let i = 0; i < n; i++) {
            const j = base + (binned[col + i] ?? 0) * BIN_WIDTH;
            hist[j] = (hist[j] ?? 0) + (gs[i] ?? 0);
            hist[j + 1] = (hist[j + 1] ?? 0) + (hs[i] ?? 0);
            hist[j + 2] = (hist[j + 2] ?? 0) + 1;
          }
        }
      } else if (constant) {
        for (let k = 0; k < m; k++) {
          const j = base + (binned[col + (partition[node.start + k] ?? 0)] ?? 0) * BIN_WIDTH;
          hist[j] = (hist[j] ?? 0) + (gs[k] ?? 0);
          hist[j + 2] = (hist[j + 2] ?? 0) + 1;
        }
      } else {
        for (let k = 0; k < m; k++) {
          const j = base + (binned[col + (partition[node.start + k] ?? 0)] ?? 0) * BIN_WIDTH;
          hist[j] = (hist[j] ?? 0) + (gs[k] ?? 0);
          hist[j + 1] = (hist[j + 1] ?? 0) + (hs[k] ?? 0);
          hist[j + 2] = (hist[j + 2] ?? 0) + 1;
        }
      }
    }
    if (constant) {
      const hc = hessians[0] ?? 1;
      for (let j = 0; j < hist.length; j += BIN_WIDTH) hist[j + 1] = (hist[j + 2] ?? 0) * hc;
    }
  }

  /**
   * The best split of a node over all features and bin thresholds, or undefined when none has a positive gain.
   * Gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ): the loss reduction of XGBoost (Chen & Guestrin 2016,
   * eq. 7) without its factor ½ and γ, as sklearn's `_split_gain`. Each feature is scanned twice when the node has
   * missing values: left to right with missing values on the right (including the split "all non-missing left"),
   * then right to left with them on the left (sklearn `_find_best_bin_to_split_{left_to_right,right_to_left}`).
   * Without missing values in the node, they are sent to the child with more rows.
   */
  private findSplit(node: GrowingNode): Split | undefined {
    const hist = node.hist;
    if (hist === undefined) return undefined;
    const { minSamplesLeaf: msl, l2Regularization: lambda } = this.params;
    const nNode = node.end - node.start;
    const { g: gTotal, h: hTotal } = node;
    const parentScore = (gTotal * gTotal) / (hTotal + lambda);
    const missingOffset = this.edges.missingBin * BIN_WIDTH;
    let best: Split | undefined;
    let bestGain = 0;
    const order = this.featureOrder();
    let informative = 0;
    for (let k = 0; k < this.p; k++) {
      const f = order === undefined ? k : (order[k] ?? 0);
      const base = f * this.featureStride;
      const nb = this.nBins[f] ?? 1;
      if (order !== undefined) {
        if (this.isConstant(hist, base, nNode)) continue;
        if (informative++ === (this.params.featuresPerSplit ?? this.p)) break;
      }
      const nMissing = hist[base + missingOffset + 2] ?? 0;
      const lastBin = nMissing > 0 ? nb - 1 : nb - 2;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b <= lastBin; b++) {
        const j = base + b * BIN_WIDTH;
        gl += hist[j] ?? 0;
        hl += hist[j + 1] ?? 0;
        cl += hist[j + 2] ?? 0;
        if (cl < msl || hl < MIN_HESSIAN_TO_SPLIT) continue;
        const hr = hTotal - hl;
        if (nNode - cl < msl || hr < MIN_HESSIAN_TO_SPLIT) break;
        const gr = gTotal - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          best = {
            gain,
            feature: f,
            bin: b,
            missingLeft: nMissing === 0 && cl > nNode - cl,
            gLeft: gl,
            hLeft: hl,
            nLeft: cl,
          };
        }
      }
      if (nMissing === 0) continue;
      let gr = 0;
      let hr = 0;
      let cr = 0;
      for (let b = nb - 1; b >= 1; b--) {
        const j = base + b * BIN_WIDTH;
        gr += hist[j] ?? 0;
        hr += hist[j + 1] ?? 0;
        cr += hist[j + 2] ?? 0;
        if (cr < msl || hr < MIN_HESSIAN_TO_SPLIT) continue;
        const hLeft = hTotal - hr;
        if (nNode - cr < msl || hLeft < MIN_HESSIAN_TO_SPLIT) break;
        const gLeft = gTotal - gr;
        const gain = (gLeft * gLeft) / (hLeft + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          best = { gain, feature: f, bin: b - 1, missingLeft: true, gLeft, hLeft, nLeft: nNode - cr };
        }
      }
    }
    return best;
  }

  /** A random order of every feature when subsampling them: constant ones may have to be skipped past. */
  private featureOrder(): Int32Array | undefined {
    const { featuresPerSplit, random } = this.params;
    if (featuresPerSplit === undefined || featuresPerSplit >= this.p || random === undefined)
      return undefined;
    return shuffleInPlace(
      Int32Array.from({ length: this.p }, (_, f) => f),
      random,
    );
  }

  /** Whether all of the node's rows fall in one bin of the feature whose histogram starts at `base`. */
  private isConstant(hist: Float64Array, base: number, nNode: number): boolean {
    for (let j = base + 2; j < base + this.featureStride; j += BIN_WIDTH) {
      const c = hist[j] ?? 0;
      if (c > 0) return c === nNode;
    }
    return true;
  }

  /** Reorders the node's slice of the partition, left rows first (stable); returns where the right rows start. */
  private applySplit(node: GrowingNode, split: Split): number {
    const { partition, scratch, binned } = this;
    const col = split.feature * this.n;
    const missingBin = this.edges.missingBin;
    let l = node.start;
    let r = 0;
    for (let s = node.start; s < node.end; s++) {
      const i = partition[s] ?? 0;
      const b = binned[col + i] ?? 0;
      if (b === missingBin ? split.missingLeft : b <= split.bin) partition[l++] = i;
      else scratch[r++] = i;
    }
    partition.set(scratch.subarray(0, r), l);
    return l;
  }
}
