/**
 * Why a tree ensemble scored one row as it did: the decision-path attribution of Saabas ("Interpreting random
 * forests", 2014; the `treeinterpreter` method). Each node gets its expected value — a leaf its value, a split node
 * the mean of its children weighted by their training rows — and every split on the row's path credits the change
 * from the node's expected value to the child's to the feature it split on. Per tree, the credits sum to the leaf
 * value minus the root's expected value, so over the ensemble
 *   raw score = baseline + Σ_trees root value + Σ_features contribution,
 * which the tests check. Cheap (one pass down each tree), unlike exact TreeSHAP, and of the same sign on the
 * features that drive a score — enough to say which signals an alarm came from.
 */
import type { GbdtJson, GbdtTreeJson } from './gbdt.js';

interface ExplainedTree {
  readonly tree: GbdtTreeJson;
  /** Expected value of each node (its leaf value, or the row-weighted mean of its subtree's leaves). */
  readonly expected: Float64Array;
}

export interface RowExplanation {
  /** The raw score (regression: the prediction; binary: the log-odds). */
  readonly raw: number;
  /** The raw score expected before looking at the row: baseline + every tree's root expected value. */
  readonly bias: number;
  /** Per feature (model order), its share of raw − bias. */
  readonly contributions: Float64Array;
}

/** Explains rows of a regression or binary GBDT (the first class's trees of a multiclass one are not supported). */
export class PathExplainer {
  readonly features: readonly string[];
  readonly #trees: ExplainedTree[];
  readonly #bias: number;

  constructor(model: GbdtJson) {
    this.features = model.features;
    this.#trees = model.trees.flatMap((iteration) => {
      const tree = iteration[0];
      return tree === undefined ? [] : [{ tree, expected: expectedValues(tree) }];
    });
    this.#bias = (model.baseline[0] ?? 0) + this.#trees.reduce((s, t) => s + (t.expected[0] ?? 0), 0);
  }

  explain(row: ArrayLike<number>): RowExplanation {
    const contributions = new Float64Array(this.features.length);
    let raw = this.#bias;
    for (const { tree, expected } of this.#trees) {
      let node = 0;
      let f = tree.feature[0] ?? -1;
      while (f >= 0) {
        const x = row[f] ?? Number.NaN;
        const goLeft = Number.isNaN(x) ? tree.missingLeft[node] === 1 : x <= (tree.threshold[node] ?? 0);
        const child = (goLeft ? tree.left[node] : tree.right[node]) ?? 0;
        const delta = (expected[child] ?? 0) - (expected[node] ?? 0);
        contributions[f] = (contributions[f] ?? 0) + delta;
        raw += delta;
        node = child;
        f = tree.feature[node] ?? -1;
      }
    }
    return { raw, bias: this.#bias, contributions };
  }
}

/** Node expected values bottom-up; children always have larger indices than their parent in our trees. */
function expectedValues(tree: GbdtTreeJson): Float64Array {
  const n = tree.feature.length;
  const out = new Float64Array(n);
  for (let node = n - 1; node >= 0; node--) {
    if ((tree.feature[node] ?? -1) < 0) {
      out[node] = tree.value[node] ?? 0;
      continue;
    }
    const l = tree.left[node] ?? 0;
    const r = tree.right[node] ?? 0;
    const nl = tree.count[l] ?? 0;
    const nr = tree.count[r] ?? 0;
    out[node] = nl + nr > 0 ? ((out[l] ?? 0) * nl + (out[r] ?? 0) * nr) / (nl + nr) : 0;
  }
  return out;
}
