/** Gaussian-process regression with ARD kernels, fitted by maximising the log marginal likelihood. */
import { UserError } from '../../../domain/errors.js';
import { seededRandom } from '../../random.js';
import { nelderMead } from '../../supply/optim.js';
import { type CholeskyFactor, choleskyWithJitter, logDeterminant, solveLower, solveUpper } from './linalg.js';

/** Squared exponential (R&W eq. 4.9 with ARD, eq. 5.1) or Matérn ν = 5/2 (R&W eq. 4.17). */
export type KernelKind = 'squared-exponential' | 'matern52';

/** Box bounds of the inputs: lower[i] ≤ x[i] ≤ upper[i]. */
export interface Bounds {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

/**
 * Hyperparameters in the GP's internal units: inputs scaled to the unit box and outputs standardised (unless those
 * are switched off), so a length-scale of 0.2 means a fifth of the range.
 */
export interface GpHyperparameters {
  readonly lengthScales: readonly number[];
  readonly signalVariance: number;
  readonly noiseVariance: number;
}

export interface GpOptions {
  readonly kernel?: KernelKind;
  /** Input bounds for scaling to the unit box; default the data's range. */
  readonly bounds?: Bounds;
  /** Scale inputs to [0, 1] (default true). */
  readonly scaleInputs?: boolean;
  /** Standardise outputs to mean 0, sd 1 (default true). */
  readonly standardizeOutputs?: boolean;
  /** Fixed hyperparameters: no fitting. */
  readonly hyperparameters?: GpHyperparameters;
  /** Starting point of the first local search (e.g. the previous fit's), then `restarts` random ones. */
  readonly initial?: GpHyperparameters;
  /** Random restarts of the likelihood maximisation (default 2). */
  readonly restarts?: number;
  readonly seed?: number;
  /** Lower bound on the noise variance in standardised units (default 1e-6). */
  readonly minNoiseVariance?: number;
  /** Nelder–Mead iterations per start (default 150·(d + 2)). */
  readonly maxIterations?: number;
}

export interface GpPrediction {
  /** Posterior mean of f(x), original units. */
  readonly mean: number;
  /** Posterior variance of the latent f(x), original units². */
  readonly variance: number;
  /** Variance of a new noisy observation y = f(x) + ε: `variance` + noise variance. */
  readonly observationVariance: number;
}

/** Kernel value for squared scaled distance r² = Σ ((xᵢ − x'ᵢ)/ℓᵢ)². */
function kernelOfR2(kind: KernelKind, r2: number, signalVariance: number): number {
  if (kind === 'squared-exponential') return signalVariance * Math.exp(-0.5 * r2);
  // Matérn 5/2: σ²(1 + √5 r + 5r²/3) exp(−√5 r) (R&W eq. 4.17).
  const s = Math.sqrt(5 * r2);
  return signalVariance * (1 + s + (5 * r2) / 3) * Math.exp(-s);
}

/** A fitted GP: Algorithm 2.1 of Rasmussen & Williams, "Gaussian Processes for Machine Learning" (MIT Press 2006). */
export class GaussianProcess {
  readonly kernel: KernelKind;
  readonly hyperparameters: GpHyperparameters;
  /** log p(y | X, θ) of the standardised outputs (R&W eq. 2.30). */
  readonly logMarginalLikelihood: number;
  readonly dimension: number;
  private readonly X: Float64Array;
  private readonly n: number;
  private readonly offset: readonly number[];
  private readonly range: readonly number[];
  private readonly yMean: number;
  private readonly yScale: number;
  private readonly factor: CholeskyFactor;
  private readonly alpha: Float64Array;
  private readonly invLength2: Float64Array;

  /** @internal use `fitGp`. */
  constructor(init: {
    kernel: KernelKind;
    hyperparameters: GpHyperparameters;
    X: Float64Array;
    n: number;
    d: number;
    y: Float64Array;
    offset: readonly number[];
    range: readonly number[];
    yMean: number;
    yScale: number;
  }) {
    this.kernel = init.kernel;
    this.hyperparameters = init.hyperparameters;
    this.X = init.X;
    this.n = init.n;
    this.dimension = init.d;
    this.offset = init.offset;
    this.range = init.range;
    this.yMean = init.yMean;
    this.yScale = init.yScale;
    this.invLength2 = Float64Array.from(init.hyperparameters.lengthScales, (l) => 1 / (l * l));
    const K = covariance(init.kernel, init.X, init.n, init.d, this.invLength2, init.hyperparameters);
    this.factor = choleskyWithJitter(K, init.n);
    // Algorithm 2.1: α = Lᵀ \ (L \ y); log p = −½ yᵀα − Σ log Lᵢᵢ − n/2 log 2π.
    const z = solveLower(this.factor, init.y);
    this.alpha = solveUpper(this.factor, z);
    let fit = 0;
    for (let i = 0; i < init.n; i++) fit += (z[i] ?? 0) ** 2;
    this.logMarginalLikelihood =
      -0.5 * fit - 0.5 * logDeterminant(this.factor) - 0.5 * init.n * Math.log(2 * Math.PI);
  }

  /** Posterior mean and variance at x (original units): R&W Algorithm 2.1, lines 4–6. */
  predict(x: readonly number[]): GpPrediction {
    const { n, dimension: d } = this;
    const xs = new Float64Array(d);
    for (let j = 0; j < d; j++) xs[j] = ((x[j] ?? 0) - (this.offset[j] ?? 0)) / (this.range[j] ?? 1);
    const kStar = new Float64Array(n);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let j = 0; j < d; j++)
        r2 += ((this.X[i * d + j] ?? 0) - (xs[j] ?? 0)) ** 2 * (this.invLength2[j] ?? 1);
      const k = kernelOfR2(this.kernel, r2, this.hyperparameters.signalVariance);
      kStar[i] = k;
      mean += k * (this.alpha[i] ?? 0);
    }
    const v = solveLower(this.factor, kStar);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += (v[i] ?? 0) ** 2;
    const latent = Math.max(0, this.hyperparameters.signalVariance - vv);
    const s2 = this.yScale * this.yScale;
    return {
      mean: this.yMean + this.yScale * mean,
      variance: latent * s2,
      observationVariance: (latent + this.hyperparameters.noiseVariance) * s2,
    };
  }
}

function covariance(
  kind: KernelKind,
  X: Float64Array,
  n: number,
  d: number,
  invLength2: Float64Array,
  h: GpHyperparameters,
): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = h.signalVariance + h.noiseVariance;
    for (let k = 0; k < i; k++) {
      let r2 = 0;
      for (let j = 0; j < d; j++)
        r2 += ((X[i * d + j] ?? 0) - (X[k * d + j] ?? 0)) ** 2 * (invLength2[j] ?? 1);
      const v = kernelOfR2(kind, r2, h.signalVariance);
      K[i * n + k] = v;
      K[k * n + i] = v;
    }
  }
  return K;
}

// Search box for the log-hyperparameters in internal units (unit-box inputs, standardised outputs).
const LOG_LENGTH = [Math.log(0.01), Math.log(20)] as const;
const LOG_SIGNAL = [Math.log(0.01), Math.log(100)] as const;
const LOG_NOISE_MAX = Math.log(2);

/**
 * Fits a GP to rows X (n × d) and outputs y: scales inputs to the unit box and standardises y, then maximises the
 * log marginal likelihood over log length-scales, log signal variance and log noise variance by Nelder–Mead
 * (supply/optim.ts) from the `initial` guess and `restarts` seeded random starts (R&W §5.4.1). Hyperparameters are
 * kept in a box (length-scales 0.01–20, signal variance 0.01–100, noise ≥ `minNoiseVariance`, ≤ 2).
 * @example fitGp([[0], [0.5], [1]], [0, 1, 0]).predict([0.25]).mean
 */
export function fitGp(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: GpOptions = {},
): GaussianProcess {
  const n = X.length;
  if (n === 0 || n !== y.length)
    throw new UserError(
      'invalid_input',
      `a GP needs n ≥ 1 rows and as many outputs (got ${n} and ${y.length})`,
    );
  const d = X[0]?.length ?? 0;
  if (d === 0) throw new UserError('invalid_input', 'a GP needs at least one input');
  for (let i = 0; i < n; i++) {
    if (X[i]?.length !== d)
      throw new UserError('invalid_input', `row ${i} has ${X[i]?.length} inputs, not ${d}`);
    if (!Number.isFinite(y[i] ?? Number.NaN))
      throw new UserError('invalid_input', `output ${i} is not finite`);
  }
  const kernel = options.kernel ?? 'matern52';
  const offset: number[] = [];
  const range: number[] = [];
  for (let j = 0; j < d; j++) {
    if (options.scaleInputs === false) {
      offset.push(0);
      range.push(1);
      continue;
    }
    let lo = options.bounds?.lower[j];
    let hi = options.bounds?.upper[j];
    if (lo === undefined || hi === undefined) {
      lo = Math.min(...X.map((r) => r[j] ?? 0));
      hi = Math.max(...X.map((r) => r[j] ?? 0));
    }
    offset.push(lo);
    range.push(hi > lo ? hi - lo : 1);
  }
  const Xs = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) Xs[i * d + j] = ((X[i]?.[j] ?? 0) - (offset[j] ?? 0)) / (range[j] ?? 1);
  let yMean = 0;
  let yScale = 1;
  if (options.standardizeOutputs !== false) {
    yMean = y.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - yMean) ** 2, 0) / n);
    yScale = sd > 0 ? sd : 1;
  }
  const ys = Float64Array.from(y, (v) => (v - yMean) / yScale);
  const make = (hyperparameters: GpHyperparameters) =>
    new GaussianProcess({ kernel, hyperparameters, X: Xs, n, d, y: ys, offset, range, yMean, yScale });
  if (options.hyperparameters !== undefined) {
    if (options.hyperparameters.lengthScales.length !== d)
      throw new UserError('invalid_input', `give ${d} length-scales`);
    return make(options.hyperparameters);
  }

  const minLogNoise = Math.log(options.minNoiseVariance ?? 1e-6);
  const decode = (theta: ArrayLike<number>): GpHyperparameters => ({
    lengthScales: Array.from({ length: d }, (_, j) => Math.exp(theta[j] ?? 0)),
    signalVariance: Math.exp(theta[d] ?? 0),
    noiseVariance: Math.exp(theta[d + 1] ?? 0),
  });
  const inBox = (theta: ArrayLike<number>): boolean => {
    for (let j = 0; j < d; j++) {
      const t = theta[j] ?? 0;
      if (t < LOG_LENGTH[0] || t > LOG_LENGTH[1]) return false;
    }
    const s = theta[d] ?? 0;
    const e = theta[d + 1] ?? 0;
    return s >= LOG_SIGNAL[0] && s <= LOG_SIGNAL[1] && e >= minLogNoise && e <= LOG_NOISE_MAX;
  };
  const negLml = (theta: Float64Array): number => {
    if (!inBox(theta)) return Number.POSITIVE_INFINITY;
    try {
      return -make(decode(theta)).logMarginalLikelihood;
    } catch {
      // Not positive definite even with jitter: treat as outside the feasible set, as nelderMead expects.
      return Number.POSITIVE_INFINITY;
    }
  };
  const clampTheta = (theta: number[]): number[] =>
    theta.map((t, j) =>
      j < d
        ? Math.min(LOG_LENGTH[1], Math.max(LOG_LENGTH[0], t))
        : j === d
          ? Math.min(LOG_SIGNAL[1], Math.max(LOG_SIGNAL[0], t))
          : Math.min(LOG_NOISE_MAX, Math.max(minLogNoise, t)),
    );
  const starts: number[][] = [];
  const init = options.initial;
  if (init?.lengthScales.length === d)
    starts.push(
      clampTheta([
        ...init.lengthScales.map(Math.log),
        Math.log(init.signalVariance),
        Math.log(init.noiseVariance),
      ]),
    );
  else
    starts.push([
      ...Array.from({ length: d }, () => Math.log(0.3)),
      0,
      Math.max(minLogNoise, Math.log(1e-3)),
    ]);
  const rnd = seededRandom(options.seed ?? 1);
  const restarts = options.restarts ?? 2;
  for (let r = 0; r < restarts; r++) {
    starts.push([
      ...Array.from({ length: d }, () => Math.log(0.05) + rnd() * (Math.log(2) - Math.log(0.05))),
      Math.log(0.3) + rnd() * (Math.log(3) - Math.log(0.3)),
      minLogNoise + rnd() * (Math.log(0.1) - minLogNoise),
    ]);
  }
  let best: { theta: Float64Array; value: number } | undefined;
  for (const start of starts) {
    const result = nelderMead(negLml, start, {
      step: start.map(() => 0.5),
      maxIterations: options.maxIterations ?? 150 * (d + 2),
      relativeTolerance: 1e-6,
    });
    if (best === undefined || result.value < best.value) best = { theta: result.x, value: result.value };
  }
  if (best === undefined || !Number.isFinite(best.value))
    throw new UserError('invalid_input', 'no hyperparameters give a positive-definite covariance');
  return make(decode(best.theta));
}
