/**
 * PCA process monitoring: Hotelling's T² in the retained components and the squared prediction error (SPE, Q) of the
 * residual, each with a control limit, and per-variable contributions so an alarm names the signals that drove it.
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import { parseSavedModel } from '../ml/model-format.js';
import { type Matrix } from '../ml/matrix.js';
import { normalQuantile } from '../quality/normal.js';
import { fQuantile } from './distributions.js';
import { symmetricEigen } from './eigen.js';

export interface PcaOptions {
  /** Keep the fewest components whose eigenvalues explain at least this share of the variance (default 0.9). */
  readonly explainedVariance?: number;
  /** Keep exactly this many components (overrides `explainedVariance`). */
  readonly components?: number;
  /** False-alarm probability of each control limit (default 0.01, i.e. 99 % limits). */
  readonly alpha?: number;
}

export interface PcaContributions {
  /** Per variable, (x̂_j − z_j)² in standardised units; they sum to SPE. */
  readonly spe: Float64Array;
  /** Per variable, z_j·Σ_a t_a p_ja/λ_a (Westerhuis, Gurden & Smilde 2000); they sum to T² and may be negative. */
  readonly t2: Float64Array;
}

export interface PcaScore {
  readonly t2: number;
  readonly spe: number;
  readonly t2Limit: number;
  readonly speLimit: number;
  /** T² above its limit or SPE above its limit; false when the row has a NaN. */
  readonly anomalous: boolean;
  /** The row had a missing (NaN) value: nothing is scored. */
  readonly missing: boolean;
  /** The component scores t = Pᵀz. */
  readonly scores: Float64Array;
  readonly contributions: PcaContributions;
}

/** A PCA model fitted on normal operation; `score` is pure and may be called from any number of streams. */
export interface PcaModel {
  readonly names: readonly string[];
  readonly mean: Float64Array;
  /** Standard deviation used to autoscale each column (1 where the column was constant in training). */
  readonly scale: Float64Array;
  /** Every eigenvalue of the correlation (autoscaled covariance) matrix, largest first. */
  readonly eigenvalues: Float64Array;
  /** The k retained loadings, p × k row-major. */
  readonly loadings: Float64Array;
  readonly components: number;
  readonly explained: number;
  readonly t2Limit: number;
  readonly speLimit: number;
  readonly trainingRows: number;
  score(row: ArrayLike<number>): PcaScore;
}

/**
 * Upper control limit of Hotelling's T² for a new observation, with mean and covariance estimated from n training
 * rows and k components: k(n − 1)(n + 1) / (n(n − k)) · F_{1−α}(k, n − k) (Tracy, Young & Mason 1992, J. Quality
 * Technology 24(2), eq. for phase II; MacGregor & Kourti 1995, Control Eng. Practice 3(3), eq. 4).
 */
export function hotellingT2Limit(k: number, n: number, alpha: number): number {
  if (!(n > k && k >= 1))
    throw new UserError('invalid_input', `T² limit needs n > k ≥ 1, got n = ${n}, k = ${k}`);
  return ((k * (n - 1) * (n + 1)) / (n * (n - k))) * fQuantile(1 - alpha, k, n - k);
}

/**
 * Upper control limit of the SPE (Q statistic) from the discarded eigenvalues λ_{k+1..p}, by the normal
 * approximation of Jackson & Mudholkar (1979), "Control procedures for residuals associated with principal
 * component analysis", Technometrics 21(3), 341–349, eq. 3.3: θ_i = Σ λ_j^i, h₀ = 1 − 2θ₁θ₃/(3θ₂²),
 * Q_α = θ₁ [c_α √(2θ₂h₀²)/θ₁ + 1 + θ₂h₀(h₀ − 1)/θ₁²]^{1/h₀}, c_α the upper-α normal quantile.
 * Returns 0 when nothing is discarded (every residual is then exactly zero).
 */
export function speLimit(discarded: ArrayLike<number>, alpha: number): number {
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let i = 0; i < discarded.length; i++) {
    const l = Math.max(0, discarded[i] ?? 0);
    t1 += l;
    t2 += l * l;
    t3 += l * l * l;
  }
  if (t1 <= 0) return 0;
  const h0 = 1 - (2 * t1 * t3) / (3 * t2 * t2);
  const c = normalQuantile(1 - alpha);
  return t1 * ((c * Math.sqrt(2 * t2 * h0 * h0)) / t1 + 1 + (t2 * h0 * (h0 - 1)) / (t1 * t1)) ** (1 / h0);
}

/**
 * Fits PCA on rows of normal operation: autoscale each column (mean 0, s.d. 1), eigen-decompose the correlation
 * matrix (Jacobi), keep components by explained variance, and set the T² and SPE limits. Rows with a NaN are
 * rejected: clean them before fitting (a missing reading in training would bias both limits).
 * @example
 * const model = fitPca(matrixFromRows(normalRows, ['oil_temp', 'motor_temp', 'vibration_rms']));
 * const s = model.score([48.1, 63.9, 3.4]); // s.anomalous, s.contributions.spe
 */
export function fitPca(x: Matrix, options: PcaOptions = {}): PcaModel {
  const { rows: n, cols: p } = x;
  const alpha = options.alpha ?? 0.01;
  const target = options.explainedVariance ?? 0.9;
  if (!(alpha > 0 && alpha < 1))
    throw new UserError('invalid_input', `alpha must be in (0, 1), got ${alpha}`);
  if (!(target > 0 && target <= 1)) {
    throw new UserError('invalid_input', `explainedVariance must be in (0, 1], got ${target}`);
  }
  if (p < 1 || n < p + 2)
    throw new UserError('invalid_input', `PCA needs more rows (${n}) than columns (${p}) + 1`);
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i] ?? Number.NaN)) {
      throw new UserError(
        'invalid_input',
        `training row ${Math.floor(i / p)} has a missing or infinite value`,
      );
    }
  }
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) mean[j] = (mean[j] ?? 0) + (x.data[i * p + j] ?? 0) / n;
  const cov = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const dj = (x.data[i * p + j] ?? 0) - (mean[j] ?? 0);
      for (let l = j; l < p; l++)
        cov[j * p + l] = (cov[j * p + l] ?? 0) + dj * ((x.data[i * p + l] ?? 0) - (mean[l] ?? 0));
    }
  }
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt((cov[j * p + j] ?? 0) / (n - 1));
    scale[j] = sd > 1e-12 * (Math.abs(mean[j] ?? 0) + 1) ? sd : 1;
  }
  const corr = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) {
      const c = (cov[j * p + l] ?? 0) / (n - 1) / ((scale[j] ?? 1) * (scale[l] ?? 1));
      corr[j * p + l] = c;
      corr[l * p + j] = c;
    }
  }
  const eig = symmetricEigen(corr, p);
  const eigenvalues = eig.values.map((v) => Math.max(0, v));
  const total = eigenvalues.reduce((s, v) => s + v, 0);
  let k = options.components ?? 0;
  if (options.components === undefined) {
    let cum = 0;
    while (k < p && (total === 0 || cum / total < target - 1e-12)) cum += eigenvalues[k++] ?? 0;
    k = Math.max(1, k);
  }
  if (!Number.isInteger(k) || k < 1 || k > p)
    throw new UserError('invalid_input', `components must be in 1..${p}, got ${k}`);
  const loadings = new Float64Array(p * k);
  for (let j = 0; j < p; j++) for (let a = 0; a < k; a++) loadings[j * k + a] = eig.vectors[j * p + a] ?? 0;
  const lambdas = eigenvalues.slice(0, k);
  const explained = total === 0 ? 1 : lambdas.reduce((s, v) => s + v, 0) / total;
  const t2Limit = hotellingT2Limit(k, n, alpha);
  const qLimit = speLimit(eigenvalues.slice(k), alpha);

  return pcaModel({
    names: x.names,
    mean,
    scale,
    eigenvalues,
    loadings,
    components: k,
    explained,
    t2Limit,
    speLimit: qLimit,
    trainingRows: n,
  });
}

/** What a fitted PCA model is made of: everything `score` needs, and what `pcaToJSON` saves. */
export type PcaParameters = Omit<PcaModel, 'score'>;

/** A PCA model from its parameters (as `fitPca` computed them, or as saved). */
export function pcaModel(params: PcaParameters): PcaModel {
  const { mean, scale, loadings, t2Limit } = params;
  const p = params.names.length;
  const k = params.components;
  const qLimit = params.speLimit;
  const lambdas = params.eigenvalues.slice(0, k);
  const score = (row: ArrayLike<number>): PcaScore => {
    if (row.length !== p)
      throw new UserError('invalid_input', `row has ${row.length} values; the model has ${p}`);
    const z = new Float64Array(p);
    let missing = false;
    for (let j = 0; j < p; j++) {
      z[j] = ((row[j] ?? Number.NaN) - (mean[j] ?? 0)) / (scale[j] ?? 1);
      if (!Number.isFinite(z[j] ?? Number.NaN)) missing = true;
    }
    const t = new Float64Array(k);
    const speC = new Float64Array(p);
    const t2C = new Float64Array(p);
    if (missing) {
      return {
        t2: Number.NaN,
        spe: Number.NaN,
        t2Limit,
        speLimit: qLimit,
        anomalous: false,
        missing,
        scores: t.fill(Number.NaN),
        contributions: { spe: speC.fill(Number.NaN), t2: t2C.fill(Number.NaN) },
      };
    }
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += (loadings[j * k + a] ?? 0) * (z[j] ?? 0);
      t[a] = s;
    }
    let t2 = 0;
    for (let a = 0; a < k; a++) {
      const l = lambdas[a] ?? 0;
      if (l > 0) t2 += (t[a] ?? 0) ** 2 / l;
    }
    let spe = 0;
    for (let j = 0; j < p; j++) {
      let xhat = 0;
      let w = 0;
      for (let a = 0; a < k; a++) {
        const pja = loadings[j * k + a] ?? 0;
        xhat += pja * (t[a] ?? 0);
        const l = lambdas[a] ?? 0;
        if (l > 0) w += ((t[a] ?? 0) * pja) / l;
      }
      const e = (z[j] ?? 0) - xhat;
      speC[j] = e * e;
      spe += e * e;
      t2C[j] = (z[j] ?? 0) * w;
    }
    return {
      t2,
      spe,
      t2Limit,
      speLimit: qLimit,
      anomalous: t2 > t2Limit || (qLimit > 0 && spe > qLimit),
      missing,
      scores: t,
      contributions: { spe: speC, t2: t2C },
    };
  };

  return { ...params, score };
}

const PCA_FORMAT = 'gemba.pca';
const PCA_VERSION = 1;
const numbers = z.array(z.number());
const SavedPca = z.object({
  format: z.literal(PCA_FORMAT),
  version: z.literal(PCA_VERSION),
  names: z.array(z.string()).min(1),
  mean: numbers,
  scale: numbers,
  eigenvalues: numbers,
  loadings: numbers,
  components: z.number().int().positive(),
  explained: z.number(),
  t2Limit: z.number(),
  speLimit: z.number(),
  trainingRows: z.number().int().positive(),
});

/** The model as versioned JSON. */
export function pcaToJSON(model: PcaModel): z.infer<typeof SavedPca> {
  return {
    format: PCA_FORMAT,
    version: PCA_VERSION,
    names: [...model.names],
    mean: [...model.mean],
    scale: [...model.scale],
    eigenvalues: [...model.eigenvalues],
    loadings: [...model.loadings],
    components: model.components,
    explained: model.explained,
    t2Limit: model.t2Limit,
    speLimit: model.speLimit,
    trainingRows: model.trainingRows,
  };
}

/** A saved model back; refuses another format or version, and inconsistent sizes. */
export function pcaFromJSON(json: unknown): PcaModel {
  const saved = parseSavedModel(json, PCA_FORMAT, PCA_VERSION, SavedPca);
  const p = saved.names.length;
  const k = saved.components;
  if (
    saved.mean.length !== p ||
    saved.scale.length !== p ||
    saved.eigenvalues.length !== p ||
    saved.loadings.length !== p * k
  ) {
    throw new UserError(
      'invalid_input',
      `a saved PCA model of ${p} variables and ${k} components has inconsistent sizes`,
    );
  }
  return pcaModel({
    names: saved.names,
    mean: Float64Array.from(saved.mean),
    scale: Float64Array.from(saved.scale),
    eigenvalues: Float64Array.from(saved.eigenvalues),
    loadings: Float64Array.from(saved.loadings),
    components: k,
    explained: saved.explained,
    t2Limit: saved.t2Limit,
    speLimit: saved.speLimit,
    trainingRows: saved.trainingRows,
  });
}
