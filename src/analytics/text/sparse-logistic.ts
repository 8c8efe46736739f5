/**
 * Multinomial (softmax) logistic regression with an L2 penalty on sparse rows, fitted by L-BFGS: the classifier
 * behind TF-IDF text features and the head on sentence embeddings.
 */
import { UserError } from '../../domain/errors.js';
import type { SparseVector } from './tfidf.js';
import { lbfgs } from '../ml/lbfgs.js';

export interface LogisticOptions {
  /**
   * Inverse regularisation strength, as scikit-learn's `C`: the objective is
   * C · Σᵢ sᵢ · (−log pᵢ,yᵢ) + ½‖W‖² (intercepts not penalised). Default 1.
   */
  readonly c?: number;
  /** 'balanced' weighs each sample by n / (K · n_class), as sklearn's `class_weight='balanced'`. Default none. */
  readonly classWeight?: 'balanced' | 'none';
  /** Stop when the largest gradient component of the objective divided by n·C is below this. Default 1e-6. */
  readonly tolerance?: number;
  /** Default 1000. */
  readonly maxIterations?: number;
  /** Pairs kept by L-BFGS. Default 10. */
  readonly memory?: number;
}

/** A fitted model: class k scores b[k] + Σⱼ x_j · weights[j·K + k]. */
export interface LogisticModel {
  readonly classes: readonly string[];
  readonly features: number;
  /** Feature-major: the weight of feature j for class k is weights[j * classes.length + k]. */
  readonly weights: Float64Array;
  /** One per class, centred to sum to 0 (softmax is unchanged by a common shift). */
  readonly intercepts: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Fits the multinomial model by minimising C · Σᵢ sᵢ ℓᵢ + ½‖W‖², the objective of scikit-learn's
 * `LogisticRegression(penalty='l2', multi_class='multinomial')` (user guide §1.1.11.3, "Multinomial case";
 * https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression). The optimiser is L-BFGS
 * (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.4 two-loop recursion) with a backtracking
 * Armijo line search from zero weights — fully deterministic, no seed needed. The objective is convex, so the
 * weights match any other solver's at convergence. Binary problems are fitted as two-class softmax too: the
 * probabilities equal binary logistic regression's with C doubled.
 * @example
 * const m = fitLogistic([{ indices: Int32Array.of(0), values: Float64Array.of(1) }, { indices: Int32Array.of(1), values: Float64Array.of(1) }], ['leak', 'fail'], 2);
 * predictLogistic(m, [{ indices: Int32Array.of(0), values: Float64Array.of(1) }]) // ['leak']
 */
export function fitLogistic(
  rows: readonly SparseVector[],
  labels: readonly string[],
  features: number,
  options: LogisticOptions = {},
): LogisticModel {
  if (rows.length !== labels.length) {
    throw new UserError('invalid_input', `${rows.length} rows but ${labels.length} labels`);
  }
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2)
    throw new UserError('invalid_input', 'logistic regression needs at least two classes');
  const c = options.c ?? 1;
  if (!(c > 0)) throw new UserError('invalid_input', `C must be positive, got ${c}`);
  for (const row of rows) {
    for (const j of row.indices) {
      if (!(j >= 0 && j < features))
        throw new UserError('invalid_input', `feature index ${j} outside 0..${features - 1}`);
    }
  }
  const K = classes.length;
  const n = rows.length;
  const y = Int32Array.from(labels, (l) => classes.indexOf(l));
  const sampleWeight = new Float64Array(n).fill(1);
  if (options.classWeight === 'balanced') {
    const counts = new Float64Array(K);
    for (const k of y) counts[k] = (counts[k] ?? 0) + 1;
    for (let i = 0; i < n; i++) sampleWeight[i] = n / (K * (counts[y[i] ?? 0] ?? 1));
  }
  const dims = features * K + K;
  // Scaled objective f = (1/(nC)) · (C Σ sᵢℓᵢ + ½‖W‖²): same minimiser, gradients of order one.
  const scale = 1 / n;
  const penalty = 1 / (n * c);
  const probs = new Float64Array(K);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i] as SparseVector;
      scores(theta, row, features, K, probs);
      const logZ = softmaxInPlace(probs);
      const yi = y[i] ?? 0;
      const si = (sampleWeight[i] ?? 1) * scale;
      loss += si * (logZ - (scoreOf(theta, row, features, K, yi) ?? 0));
      for (let k = 0; k < K; k++) {
        const r = si * ((probs[k] ?? 0) - (k === yi ? 1 : 0));
        grad[features * K + k] = (grad[features * K + k] ?? 0) + r;
        for (let t = 0; t < row.indices.length; t++) {
          const idx = (row.indices[t] ?? 0) * K + k;
          grad[idx] = (grad[idx] ?? 0) + r * (row.values[t] ?? 0);
        }
      }
    }
    for (let d = 0; d < features * K; d++) {
      const w = theta[d] ?? 0;
      loss += 0.5 * penalty * w * w;
      grad[d] = (grad[d] ?? 0) + penalty * w;
    }
    return loss;
  };
  const { x, iterations, converged } = lbfgs(objective, new Float64Array(dims), {
    tolerance: options.tolerance ?? 1e-6,
    maxIterations: options.maxIterations ?? 1000,
    memory: options.memory ?? 10,
  });
  const intercepts = x.slice(features * K);
  let mean = 0;
  for (const b of intercepts) mean += b / K;
  for (let k = 0; k < K; k++) intercepts[k] = (intercepts[k] ?? 0) - mean;
  return { classes, features, weights: x.slice(0, features * K), intercepts, iterations, converged };
}

/** Class probabilities, one Float64Array per row in `model.classes` order. */
export function predictProbabilities(model: LogisticModel, rows: readonly SparseVector[]): Float64Array[] {
  const K = model.classes.length;
  const theta = new Float64Array(model.weights.length + K);
  theta.set(model.weights);
  theta.set(model.intercepts, model.weights.length);
  return rows.map((row) => {
    const p = new Float64Array(K);
    scores(theta, row, model.features, K, p, true);
    softmaxInPlace(p);
    return p;
  });
}

/** The most probable class of each row (ties go to the class first in `model.classes`). */
export function predictLogistic(model: LogisticModel, rows: readonly SparseVector[]): string[] {
  return predictProbabilities(model, rows).map((p) => {
    let best = 0;
    for (let k = 1; k < p.length; k++) if ((p[k] ?? 0) > (p[best] ?? 0)) best = k;
    return model.classes[best] ?? '';
  });
}

function scores(
  theta: Float64Array,
  row: SparseVector,
  features: number,
  K: number,
  out: Float64Array,
  skipUnknown = false,
): void {
  for (let k = 0; k < K; k++) out[k] = theta[features * K + k] ?? 0;
  for (let t = 0; t < row.indices.length; t++) {
    const j = row.indices[t] ?? 0;
    if (skipUnknown && (j < 0 || j >= features)) continue;
    const v = row.values[t] ?? 0;
    for (let k = 0; k < K; k++) out[k] = (out[k] ?? 0) + v * (theta[j * K + k] ?? 0);
  }
}

function scoreOf(theta: Float64Array, row: SparseVector, features: number, K: number, k: number): number {
  let s = theta[features * K + k] ?? 0;
  for (let t = 0; t < row.indices.length; t++)
    s += (row.values[t] ?? 0) * (theta[(row.indices[t] ?? 0) * K + k] ?? 0);
  return s;
}

/** Turns scores into probabilities in place and returns log Σ exp(score), computed stably. */
function softmaxInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] ?? 0) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) / sum;
  return max + Math.log(sum);
}
