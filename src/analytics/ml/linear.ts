/**
 * Linear learners: ridge regression (closed form on standardised features) and L2-regularised logistic regression
 * (binary and multinomial, fitted with L-BFGS), with the same predict / predictProba / versioned-JSON surface as the
 * gradient-boosted trees of gbdt.ts.
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import type { Matrix } from './matrix.js';
import { checkFeatureNames, parseSavedModel } from './model-format.js';
import { lbfgs } from './lbfgs.js';

export const LINEAR_FORMAT = 'gemba.linear';
export const LINEAR_VERSION = 1;

const linearSchema = z.object({
  format: z.literal(LINEAR_FORMAT),
  version: z.literal(LINEAR_VERSION),
  kind: z.enum(['ridge', 'logistic']),
  features: z.array(z.string()),
  classes: z.array(z.number()).optional(),
  /** One row per output (ridge and binary logistic: 1; multinomial: one per class), in original feature units. */
  coef: z.array(z.array(z.number())),
  intercept: z.array(z.number()),
  params: z.record(z.string(), z.union([z.number(), z.boolean()])),
});
export type LinearJson = z.infer<typeof linearSchema>;

export interface RidgeOptions {
  /** Penalty α on the standardised coefficients; default 1. */
  alpha?: number;
  /** Centre and scale each feature to unit (population) variance before fitting; default true. */
  standardize?: boolean;
}

export interface LogisticOptions {
  /** Inverse penalty strength, as sklearn's `C`: minimises Σ log-loss + ‖w‖²/(2C); default 1. */
  C?: number;
  /** L-BFGS iterations; default 1000. */
  maxIterations?: number;
  /** Stop when the largest gradient component is below tol·n; default 1e-10. */
  tol?: number;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** A fitted ridge or logistic model. */
export class LinearModel {
  readonly kind: 'ridge' | 'logistic';
  readonly features: readonly string[];
  readonly classes?: readonly number[];
  /** Coefficients per output, in the units of the original features. */
  readonly coef: readonly Float64Array[];
  readonly intercept: Float64Array;
  private readonly json: LinearJson;

  private constructor(json: LinearJson) {
    this.json = json;
    this.kind = json.kind;
    this.features = json.features;
    if (json.classes !== undefined) this.classes = json.classes;
    this.coef = json.coef.map((c) => Float64Array.from(c));
    this.intercept = Float64Array.from(json.intercept);
  }

  /** @internal Used by the fit functions. */
  static build(json: LinearJson): LinearModel {
    return new LinearModel(json);
  }

  /** Linear scores, n × outputs row-major. */
  private scores(X: Matrix): Float64Array {
    checkFeatureNames(X, this.features, 'predict');
    const k = this.coef.length;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < k; c++) {
        const w = this.coef[c] ?? new Float64Array(0);
        let s = this.intercept[c] ?? 0;
        for (let j = 0; j < X.cols; j++) s += (w[j] ?? 0) * (X.data[i * X.cols + j] ?? 0);
        out[i * k + c] = s;
      }
    }
    return out;
  }

  /** Ridge: the value; binary logistic: P(second class); multinomial: the predicted class label (as GbdtModel). */
  predict(X: Matrix): Float64Array {
    const s = this.scores(X);
    if (this.kind === 'ridge') return s;
    if (this.coef.length === 1) return s.map(sigmoid);
    return Float64Array.from(this.predictProba(X), (row) => {
      let best = 0;
      for (let c = 1; c < row.length; c++) if ((row[c] ?? 0) > (row[best] ?? 0)) best = c;
      return this.classes?.[best] ?? best;
    });
  }

  /** Per row, the probabilities of `classes` in order (binary: [1 − p, p]). */
  predictProba(X: Matrix): Float64Array[] {
    if (this.kind !== 'logistic') throw new UserError('invalid_input', 'predictProba needs a logistic model');
    const s = this.scores(X);
    const k = this.coef.length;
    const out: Float64Array[] = [];
    for (let i = 0; i < X.rows; i++) {
      if (k === 1) {
        const p = sigmoid(s[i] ?? 0);
        out.push(Float64Array.of(1 - p, p));
      } else {
        const row = softmaxRow(s, i * k, k);
        out.push(row);
      }
    }
    return out;
  }

  toJSON(): LinearJson {
    return structuredClone(this.json);
  }

  static fromJSON(json: unknown): LinearModel {
    const m = parseSavedModel(json, LINEAR_FORMAT, LINEAR_VERSION, linearSchema);
    const p = m.features.length;
    if (m.coef.length === 0 || m.coef.length !== m.intercept.length || m.coef.some((c) => c.length !== p)) {
      throw new UserError('invalid_input', `invalid ${LINEAR_FORMAT} model: coef must be outputs × ${p}`);
    }
    if (m.kind === 'logistic') {
      const k = m.classes?.length ?? 0;
      if (k < 2 || m.coef.length !== (k === 2 ? 1 : k)) {
        throw new UserError('invalid_input', `invalid ${LINEAR_FORMAT} model: classes and coef do not agree`);
      }
    }
    return new LinearModel(m);
  }
}

function softmaxRow(s: Float64Array, offset: number, k: number): Float64Array {
  const row = new Float64Array(k);
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, s[offset + c] ?? 0);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    row[c] = Math.exp((s[offset + c] ?? 0) - max);
    sum += row[c] ?? 0;
  }
  for (let c = 0; c < k; c++) row[c] = (row[c] ?? 0) / sum;
  return row;
}

/** Column means and (population) standard deviations; a constant column gets scale 1, as sklearn StandardScaler. */
function columnStats(X: Matrix): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(X.cols);
  const scale = new Float64Array(X.cols);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j] ?? Number.NaN;
      if (!Number.isFinite(v)) {
        throw new UserError(
          'invalid_input',
          `linear models need finite values; row ${i}, column ${j} is ${v}`,
        );
      }
      mean[j] = (mean[j] ?? 0) + v;
    }
  }
  for (let j = 0; j < X.cols; j++) mean[j] = (mean[j] ?? 0) / X.rows;
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++)
      scale[j] = (scale[j] ?? 0) + ((X.data[i * X.cols + j] ?? 0) - (mean[j] ?? 0)) ** 2;
  }
  for (let j = 0; j < X.cols; j++) {
    const sd = Math.sqrt((scale[j] ?? 0) / X.rows);
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

/**
 * Solves A·x = b for a symmetric positive-definite A (p × p, row-major) by Cholesky factorisation A = L·Lᵀ and two
 * triangular solves (Golub & Van Loan, Matrix Computations, 4th ed., Algorithm 4.2.1).
 */
export function solveSpd(A: Float64Array, b: Float64Array): Float64Array {
  const p = b.length;
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j] ?? 0;
    for (let k = 0; k < j; k++) d -= (L[j * p + k] ?? 0) ** 2;
    if (!(d > 1e-12 * Math.max(1, Math.abs(A[j * p + j] ?? 0)))) {
      throw new UserError(
        'invalid_input',
        'the normal equations are singular: use alpha > 0 or drop collinear features',
      );
    }
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (L[i * p + k] ?? 0) * (L[j * p + k] ?? 0);
      L[i * p + j] = s / ljj;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i] ?? 0;
    for (let k = 0; k < i; k++) s -= (L[i * p + k] ?? 0) * (z[k] ?? 0);
    z[i] = s / (L[i * p + i] ?? 1);
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i] ?? 0;
    for (let k = i + 1; k < p; k++) s -= (L[k * p + i] ?? 0) * (x[k] ?? 0);
    x[i] = s / (L[i * p + i] ?? 1);
  }
  return x;
}

function checkTarget(X: Matrix, y: ArrayLike<number>): void {
  checkFeatureNames(X, X.names, 'train');
  if (X.rows !== y.length)
    throw new UserError('invalid_input', `X has ${X.rows} rows but y has ${y.length} values`);
  if (X.rows < 2) throw new UserError('invalid_input', 'fitting needs at least 2 rows');
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i] ?? Number.NaN))
      throw new UserError('invalid_input', `target of row ${i} is not finite`);
  }
}

/**
 * Ridge regression: with Z the centred (and, by default, scaled) features, β = (ZᵀZ + αI)⁻¹ Zᵀ(y − ȳ) (Hoerl &
 * Kennard, "Ridge regression", Technometrics 12(1), 1970; Hastie, Tibshirani & Friedman, ESL 2nd ed., eq. 3.44),
 * the intercept unpenalised; coefficients are returned in original units (w = β/s, b = ȳ − Σ m·w).
 * @example fitRidge(X, y, { alpha: 1 }).predict(Xnew)
 */
export function fitRidge(X: Matrix, y: ArrayLike<number>, options: RidgeOptions = {}): LinearModel {
  checkTarget(X, y);
  const alpha = options.alpha ?? 1;
  if (!(alpha >= 0 && Number.isFinite(alpha)))
    throw new UserError('invalid_input', 'alpha must be a finite number ≥ 0');
  const standardize = options.standardize ?? true;
  const { mean, scale: sd } = columnStats(X);
  const scale = standardize ? sd : new Float64Array(X.cols).fill(1);
  const p = X.cols;
  let yMean = 0;
  for (let i = 0; i < X.rows; i++) yMean += y[i] ?? 0;
  yMean /= X.rows;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  const z = new Float64Array(p);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < p; j++) z[j] = ((X.data[i * p + j] ?? 0) - (mean[j] ?? 0)) / (scale[j] ?? 1);
    const r = (y[i] ?? 0) - yMean;
    for (let j = 0; j < p; j++) {
      const zj = z[j] ?? 0;
      b[j] = (b[j] ?? 0) + zj * r;
      for (let k = 0; k <= j; k++) A[j * p + k] = (A[j * p + k] ?? 0) + zj * (z[k] ?? 0);
    }
  }
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < j; k++) A[k * p + j] = A[j * p + k] ?? 0;
    A[j * p + j] = (A[j * p + j] ?? 0) + alpha;
  }
  const beta = p === 0 ? new Float64Array(0) : solveSpd(A, b);
  const coef = Array.from(beta, (v, j) => v / (scale[j] ?? 1));
  const intercept = yMean - coef.reduce((s, w, j) => s + w * (mean[j] ?? 0), 0);
  return LinearModel.build({
    format: LINEAR_FORMAT,
    version: LINEAR_VERSION,
    kind: 'ridge',
    features: [...X.names],
    coef: [coef],
    intercept: [intercept],
    params: { alpha, standardize },
  });
}

/**
 * L2-regularised logistic regression minimising Σᵢ −log p̂(yᵢ) + ‖w‖²/(2C) (the objective of sklearn
 * `LogisticRegression(penalty='l2')`, intercept unpenalised): binary with one coefficient vector and the sigmoid,
 * more classes with one vector per class and the softmax (multinomial; Hastie, Tibshirani & Friedman, ESL 2nd ed.,
 * §4.4). Fitted with L-BFGS on internally standardised features, the penalty rescaled so the optimum is that of the
 * original problem (a linear change of variables); coefficients are returned in original units.
 * @example fitLogistic(X, y, { C: 1 }).predictProba(Xnew)
 */
export function fitLogistic(X: Matrix, y: ArrayLike<number>, options: LogisticOptions = {}): LinearModel {
  checkTarget(X, y);
  const C = options.C ?? 1;
  if (!(C > 0 && Number.isFinite(C))) throw new UserError('invalid_input', 'C must be a finite number > 0');
  const maxIterations = options.maxIterations ?? 1000;
  const tol = options.tol ?? 1e-10;
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  if (classes.length < 2) throw new UserError('invalid_input', `logistic regression needs 2 or more classes`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const target = Int32Array.from(y, (v) => index.get(v) ?? 0);
  const { mean, scale } = columnStats(X);
  const n = X.rows;
  const p = X.cols;
  const Z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) Z[i * p + j] = ((X.data[i * p + j] ?? 0) - (mean[j] ?? 0)) / (scale[j] ?? 1);
  }
  const k = classes.length === 2 ? 1 : classes.length;
  const width = p + 1; // per output: p coefficients then the intercept
  const penalty = Float64Array.from(scale, (s) => 1 / (C * s * s)); // ‖w‖² = Σ βⱼ²/sⱼ² with β = s∘w
  const scores = new Float64Array(k);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = theta[c * width + p] ?? 0;
        for (let j = 0; j < p; j++) s += (theta[c * width + j] ?? 0) * (Z[i * p + j] ?? 0);
        scores[c] = s;
      }
      const yi = target[i] ?? 0;
      if (k === 1) {
        const s = scores[0] ?? 0;
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - yi * s;
        const r = sigmoid(s) - yi;
        for (let j = 0; j < p; j++) grad[j] = (grad[j] ?? 0) + r * (Z[i * p + j] ?? 0);
        grad[p] = (grad[p] ?? 0) + r;
      } else {
        const prob = softmaxRow(scores, 0, k);
        loss -= Math.log(Math.max(prob[yi] ?? 0, Number.MIN_VALUE));
        for (let c = 0; c < k; c++) {
          const r = (prob[c] ?? 0) - (c === yi ? 1 : 0);
          for (let j = 0; j < p; j++)
            grad[c * width + j] = (grad[c * width + j] ?? 0) + r * (Z[i * p + j] ?? 0);
          grad[c * width + p] = (grad[c * width + p] ?? 0) + r;
        }
      }
    }
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < p; j++) {
        const beta = theta[c * width + j] ?? 0;
        loss += 0.5 * (penalty[j] ?? 0) * beta * beta;
        grad[c * width + j] = (grad[c * width + j] ?? 0) + (penalty[j] ?? 0) * beta;
      }
    }
    return loss;
  };
  const theta = lbfgs(objective, new Float64Array(k * width), {
    maxIterations,
    tolerance: tol * n,
    memory: 10,
  }).x;
  const coef: number[][] = [];
  const intercept: number[] = [];
  for (let c = 0; c < k; c++) {
    const w = Array.from({ length: p }, (_, j) => (theta[c * width + j] ?? 0) / (scale[j] ?? 1));
    coef.push(w);
    intercept.push((theta[c * width + p] ?? 0) - w.reduce((s, v, j) => s + v * (mean[j] ?? 0), 0));
  }
  return LinearModel.build({
    format: LINEAR_FORMAT,
    version: LINEAR_VERSION,
    kind: 'logistic',
    features: [...X.names],
    classes,
    coef,
    intercept,
    params: { C, maxIterations, tol },
  });
}
