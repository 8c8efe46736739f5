/**
 * A surrogate y = f(u, x) of a process output from its history: a Gaussian process (Matérn 5/2, ARD, fitted by
 * marginal likelihood) on the residuals of a ridge quadratic trend — a GP with an explicit quadratic mean, in the
 * spirit of Rasmussen & Williams §2.7 with the trend's coefficients estimated rather than integrated out — or on a
 * constant mean, whichever predicts held-out rows better. The sd of a prediction adds the trend's least-squares
 * prediction variance to the GP's posterior variance (the two treated as independent). The quadratic trend is the response-surface model of Box &
 * Wilson (1951); it lets the surrogate extrapolate a bowl a little beyond the data, where a constant-mean GP falls
 * back to the average. Cross-validated R² and RMSE are reported, with a ridge quadratic alone and gradient-boosted
 * trees on the same folds for comparison.
 */
import { kFold } from '../../analytics/ml/cv.js';
import { trainGbdt } from '../../analytics/ml/gbdt.js';
import { solveSpd } from '../../analytics/ml/linear.js';
import type { Matrix } from '../../analytics/ml/matrix.js';
import { r2, rmse } from '../../analytics/ml/metrics.js';
import { type GaussianProcess, type GpHyperparameters, fitGp } from '../../analytics/process/optimize/gp.js';
import { UserError } from '../../domain/index.js';

export type Trend = 'quadratic' | 'constant';

export interface SurrogatePrediction {
  readonly mean: number;
  /** sd of the mean output f(u, x) (not of one noisy part): the GP's posterior and the trend's prediction variance. */
  readonly sd: number;
}

export interface FitScore {
  readonly model: 'gp+quadratic' | 'gp' | 'ridge-quadratic' | 'gbdt';
  /** Out-of-fold R² and RMSE over all rows. */
  readonly r2: number;
  readonly rmse: number;
}

export interface Surrogate {
  readonly trend: Trend;
  readonly hyperparameters: GpHyperparameters;
  /** sd of the noise around the surrogate (√ of the GP noise variance, output units). */
  readonly noiseSd: number;
  readonly predict: (row: readonly number[]) => SurrogatePrediction;
  /** The chosen model's cross-validated score, and every candidate's. */
  readonly fit: { readonly folds: number; readonly r2: number; readonly rmse: number };
  readonly candidates: readonly FitScore[];
}

export interface SurrogateOptions {
  /** Box of each input for scaling (controls: their bounds; context: the data's range). */
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  readonly seed?: number;
  /** Folds of the cross-validation (default 5). */
  readonly folds?: number;
  /** Compare with gradient-boosted trees too (default true). */
  readonly compareGbdt?: boolean;
  /** Force a trend instead of choosing the better one by cross-validation. */
  readonly trend?: Trend;
}

/** Quadratic features of a unit-box row: x_j, x_j², x_j·x_k (j < k). */
function quadraticFeatures(u: readonly number[]): number[] {
  const f: number[] = [...u];
  for (let j = 0; j < u.length; j++) f.push((u[j] ?? 0) ** 2);
  for (let j = 0; j < u.length; j++) for (let k = j + 1; k < u.length; k++) f.push((u[j] ?? 0) * (u[k] ?? 0));
  return f;
}

function matrix(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { rows: rows.length, cols, data, names: Array.from({ length: cols }, (_, j) => `f${j}`) };
}

interface TrendFit {
  readonly mean: (u: readonly number[]) => number;
  /** Variance of the fitted trend at u: s²·f(u)ᵀ(FᵀF + λI)⁻¹f(u) (the usual least-squares prediction variance). */
  readonly variance: (u: readonly number[]) => number;
}

/**
 * A least-squares quadratic on unit-box rows with a tiny ridge λ = 1e-6·n (it only steadies collinear terms) and its
 * prediction variance, which grows away from the data — the GP's own sd does not, where it reverts to the trend.
 */
function fitQuadratic(U: readonly (readonly number[])[], y: readonly number[]): TrendFit {
  const features = (u: readonly number[]) => [1, ...quadraticFeatures(u)];
  const F = U.map(features);
  const p = F[0]?.length ?? 1;
  const n = U.length;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  F.forEach((f, i) => {
    for (let j = 0; j < p; j++) {
      b[j] = (b[j] ?? 0) + (f[j] ?? 0) * (y[i] ?? 0);
      for (let k = 0; k < p; k++) A[j * p + k] = (A[j * p + k] ?? 0) + (f[j] ?? 0) * (f[k] ?? 0);
    }
  });
  for (let j = 0; j < p; j++) A[j * p + j] = (A[j * p + j] ?? 0) + 1e-6 * n;
  const beta = solveSpd(A, b);
  const dot = (f: readonly number[], w: ArrayLike<number>) => f.reduce((s, v, j) => s + v * (w[j] ?? 0), 0);
  let rss = 0;
  F.forEach((f, i) => (rss += ((y[i] ?? 0) - dot(f, beta)) ** 2));
  const s2 = rss / Math.max(1, n - p);
  return {
    mean: (u) => dot(features(u), beta),
    variance: (u) => {
      const f = features(u);
      return s2 * dot(f, solveSpd(A, Float64Array.from(f)));
    },
  };
}

interface Fitted {
  readonly predict: (u: readonly number[]) => SurrogatePrediction;
  readonly gp: GaussianProcess;
}

function fitWithTrend(
  U: readonly (readonly number[])[],
  y: readonly number[],
  trend: Trend,
  hyper: { fixed?: GpHyperparameters; seed: number },
): Fitted {
  const fit: TrendFit = trend === 'quadratic' ? fitQuadratic(U, y) : { mean: () => 0, variance: () => 0 };
  const residuals = y.map((v, i) => v - fit.mean(U[i] ?? []));
  const d = U[0]?.length ?? 0;
  const box = { lower: new Array<number>(d).fill(0), upper: new Array<number>(d).fill(1) };
  const gp = fitGp(U, residuals, {
    kernel: 'matern52',
    bounds: box,
    seed: hyper.seed,
    restarts: 1,
    ...(hyper.fixed !== undefined && { hyperparameters: hyper.fixed }),
  });
  return {
    gp,
    predict: (u) => {
      const p = gp.predict(u);
      return { mean: fit.mean(u) + p.mean, sd: Math.sqrt(p.variance + fit.variance(u)) };
    },
  };
}

/** Out-of-fold predictions of a learner over k folds. */
function outOfFold(
  n: number,
  folds: ReturnType<typeof kFold>,
  fit: (train: readonly number[]) => (row: number) => number,
): Float64Array {
  const pred = new Float64Array(n).fill(Number.NaN);
  for (const fold of folds) {
    const predict = fit(Array.from(fold.train));
    for (const i of fold.test) pred[i] = predict(i);
  }
  return pred;
}

/**
 * Fits the surrogate to rows X (inputs in the order of `lower`/`upper`) and outputs y. Hyperparameters are fitted
 * once on all rows by marginal likelihood; the cross-validation refits the trend and the GP's posterior on each
 * fold's training rows with those hyperparameters (slightly optimistic, but n refits of the likelihood would cost
 * seconds each).
 * @example fitSurrogate(rows, y, { lower: [200, 20, 1.3], upper: [600, 120, 1.7] }).predict([400, 80, 1.5])
 */
export function fitSurrogate(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: SurrogateOptions,
): Surrogate {
  const n = X.length;
  const d = options.lower.length;
  const k = Math.min(options.folds ?? 5, n);
  if (n < 8 || n !== y.length)
    throw new UserError(
      'invalid_input',
      `too little history to fit a surrogate: ${n} aligned rows (need at least 8); widen the window or shorten the bucket`,
    );
  const toUnit = (row: readonly number[]) =>
    Array.from({ length: d }, (_, j) => {
      const lo = options.lower[j] ?? 0;
      const hi = options.upper[j] ?? 1;
      return ((row[j] ?? 0) - lo) / (hi > lo ? hi - lo : 1);
    });
  const U = X.map(toUnit);
  const seed = options.seed ?? 1;
  const folds = kFold(n, k, { shuffle: true, seed });
  const pick = <T>(a: readonly T[], idx: readonly number[]) => idx.map((i) => a[i] as T);
  // Quadratic terms need enough rows: 1 + 2d + d(d−1)/2 coefficients, and a few rows per coefficient.
  const quadraticTerms = 1 + 2 * d + (d * (d - 1)) / 2;
  const trends: Trend[] =
    options.trend !== undefined
      ? [options.trend]
      : n >= 3 * quadraticTerms
        ? ['quadratic', 'constant']
        : ['constant'];
  const candidates: (FitScore & { trend?: Trend; fitted?: Fitted })[] = [];
  for (const trend of trends) {
    const fitted = fitWithTrend(U, y, trend, { seed });
    const pred = outOfFold(n, folds, (train) => {
      const f = fitWithTrend(pick(U, train), pick(y, train), trend, {
        fixed: fitted.gp.hyperparameters,
        seed,
      });
      return (i) => f.predict(U[i] ?? []).mean;
    });
    candidates.push({
      model: trend === 'quadratic' ? 'gp+quadratic' : 'gp',
      r2: r2(y, pred),
      rmse: rmse(y, pred),
      trend,
      fitted,
    });
  }
  if (n >= quadraticTerms + 2) {
    const pred = outOfFold(n, folds, (train) => {
      const f = fitQuadratic(pick(U, train), pick(y, train));
      return (i) => f.mean(U[i] ?? []);
    });
    candidates.push({ model: 'ridge-quadratic', r2: r2(y, pred), rmse: rmse(y, pred) });
  }
  if (options.compareGbdt !== false && n >= 40) {
    const pred = outOfFold(n, folds, (train) => {
      const model = trainGbdt(matrix(pick(U, train)), pick(y, train), {
        objective: 'regression',
        maxIterations: 200,
        minSamplesLeaf: 5,
        earlyStopping: false,
        seed,
      });
      return (i) => model.predict(matrix([U[i] ?? []]))[0] ?? Number.NaN;
    });
    candidates.push({ model: 'gbdt', r2: r2(y, pred), rmse: rmse(y, pred) });
  }
  const gps = candidates.filter((c) => c.fitted !== undefined);
  const best = gps.reduce((a, b) => (b.rmse < a.rmse ? b : a));
  const fitted = best.fitted as Fitted;
  const h = fitted.gp.hyperparameters;
  const noiseSd = Math.sqrt(noiseVariance(fitted.gp));
  return {
    trend: best.trend ?? 'constant',
    hyperparameters: h,
    noiseSd,
    predict: (row) => fitted.predict(toUnit(row)),
    fit: { folds: k, r2: best.r2, rmse: best.rmse },
    candidates: candidates.map(({ model, r2: r, rmse: e }) => ({ model, r2: r, rmse: e })),
  };
}

/** The GP's observation noise variance in output units (observation variance − latent variance at any point). */
function noiseVariance(gp: GaussianProcess): number {
  const p = gp.predict(new Array<number>(gp.dimension).fill(0.5));
  return Math.max(0, p.observationVariance - p.variance);
}
