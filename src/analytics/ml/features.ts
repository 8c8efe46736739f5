/**
 * Feature pipelines for sensor data, one code path for training and live scoring: per-regime z-scores, rolling
 * window statistics over each unit's last w samples, lags and differences. `fitFeaturePipeline` learns the regime
 * model and normalisation from training data; the fitted pipeline is plain JSON; `FeatureStream.step(row)` scores
 * one row at a time keeping only the last rows per unit, and `transformFeatures` is that same stream run over a batch.
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import type { Matrix } from './matrix.js';
import { type RegimeModel, type RegimeOptions, assignRegime, fitRegimes } from './regimes.js';

/**
 * Statistics of a window of the last n = min(w, rows seen) normalised values x₁ … xₙ (oldest first):
 * - mean: Σx/n; min, max; rms: √(Σx²/n);
 * - std: the sample standard deviation √(Σ(x − x̄)²/(n − 1)) (as pandas `rolling().std()`); NaN when n < 2;
 * - slope: the least-squares slope of x against t = 0 … n − 1, Σ(t − t̄)(x − x̄)/Σ(t − t̄)², per sample; NaN when n < 2;
 * - kurtosis: the excess kurtosis g₂ = m₄/m₂² − 3 with mₖ = Σ(x − x̄)ᵏ/n (the moment estimator g₂ of Joanes & Gill
 *   1998, "Comparing measures of sample skewness and kurtosis", The Statistician 47(1):183-189; scipy.stats.kurtosis
 *   with its defaults); NaN when all n values are equal.
 * A NaN value in the window makes every statistic of that window NaN.
 */
export const WINDOW_STATS = ['mean', 'std', 'slope', 'min', 'max', 'rms', 'kurtosis'] as const;
export type WindowStat = (typeof WINDOW_STATS)[number];

const count = z.number().int().positive();

/** What to compute, as JSON: the description a pipeline is fitted from. */
export const FeatureSpec = z.object({
  /** Column that names the unit (asset, engine); rows of different units never share a window. Absent: one unit. */
  unit: z.string().optional(),
  /** Sensor columns to normalise and window. */
  sensors: z.array(z.string()).min(1),
  /** Operating-setting columns: with `regimes`, each sensor is z-scored against its own regime's statistics. */
  settings: z.array(z.string()).optional(),
  regimes: z
    .union([
      z.object({
        method: z.literal('kmeans'),
        k: count,
        seed: z.number().int().optional(),
        restarts: count.optional(),
        maxIterations: count.optional(),
      }),
      z.object({
        method: z.literal('rounded'),
        decimals: z.union([z.number().int().min(0), z.array(z.number().int().min(0))]),
      }),
    ])
    .optional(),
  /** z-score the sensors (per regime, or over all training rows without regimes); default true. */
  normalise: z.boolean().optional(),
  /**
   * Drop, at fit time, sensors that take fewer than this many distinct values in every regime of the training
   * data (constant or two-level flags carry no trend: C-MAPSS FD001's sensors 1, 5, 6, 10, 16, 18, 19 with 3).
   */
  minDistinctValues: count.optional(),
  windows: z.array(z.object({ size: count, stats: z.array(z.enum(WINDOW_STATS)).min(1) })).default([]),
  /** x(t − k) for each k; NaN until the unit has k earlier rows. */
  lags: z.array(count).optional(),
  /** x(t) − x(t − k) for each k; NaN until the unit has k earlier rows. */
  diffs: z.array(count).optional(),
  /**
   * `${sensor}_drift${n}`: the mean of the unit's last n rows − the mean of its first n rows (fewer while it has fewer):
   * the change since the unit was new, free of unit-to-unit offsets (each C-MAPSS engine starts with its own unknown
   * initial wear and manufacturing variation, Saxena et al. 2008). The first n values are kept per unit as a sum, so a
   * NaN among them makes the unit's drift NaN until it is forgotten.
   */
  drift: count.optional(),
  /** Include the normalised current value of each sensor (default true). */
  current: z.boolean().optional(),
  /** Raw columns copied into the features unchanged (e.g. a cycle counter). */
  passthrough: z.array(z.string()).optional(),
  /** Include `age`: the number of rows of this unit seen so far, this one included. */
  age: z.boolean().optional(),
  /** Window statistics are NaN while a unit has fewer rows than this (default 1: partial windows count). */
  minPeriods: count.optional(),
});
export type FeatureSpec = z.input<typeof FeatureSpec>;

const RegimeModelSchema = z.object({
  method: z.enum(['kmeans', 'rounded']),
  settings: z.array(z.string()),
  center: z.array(z.number()),
  scale: z.array(z.number()),
  centroids: z.array(z.array(z.number())),
  decimals: z.array(z.number().int()).optional(),
  keys: z.array(z.string()).optional(),
});

/** A fitted pipeline: its spec plus what was learned from the training data. Plain JSON. */
export const FeaturePipeline = z.object({
  format: z.literal('gemba.feature-pipeline/1'),
  spec: FeatureSpec,
  /** Sensors kept (spec order, minus dropped ones). */
  sensors: z.array(z.string()),
  dropped: z.array(z.string()),
  regimes: RegimeModelSchema.nullable(),
  /** Per regime, per kept sensor: training mean and population standard deviation (0 → only centred). */
  mean: z.array(z.array(z.number())),
  std: z.array(z.array(z.number())),
  /** Training rows per regime. */
  regimeRows: z.array(z.number().int()),
  /** Names of the output columns, in order. */
  names: z.array(z.string()),
});
export type FeaturePipeline = z.infer<typeof FeaturePipeline>;

/** Reads a pipeline saved with JSON.stringify, checking its shape (a file is a boundary, STYLE.md §10). */
export function parseFeaturePipeline(json: unknown): FeaturePipeline {
  const parsed = FeaturePipeline.safeParse(json);
  if (!parsed.success) {
    throw new UserError('invalid_input', `not a feature pipeline: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  const p = parsed.data;
  const regimes = p.regimes === null ? 1 : p.regimes.centroids.length;
  if (p.mean.length !== regimes || p.std.length !== regimes) {
    throw new UserError(
      'invalid_input',
      `feature pipeline has statistics for ${p.mean.length} regimes, not ${regimes}`,
    );
  }
  if (p.names.join('\u0000') !== outputNames(p.spec, p.sensors).join('\u0000')) {
    throw new UserError('invalid_input', 'feature pipeline output names do not match its spec');
  }
  return p;
}

function outputNames(spec: FeatureSpec, sensors: readonly string[]): string[] {
  const names = [...(spec.passthrough ?? [])];
  if (spec.age === true) names.push('age');
  for (const s of sensors) {
    if (spec.current !== false) names.push(s);
    for (const w of spec.windows ?? []) for (const stat of w.stats) names.push(`${s}_${stat}_w${w.size}`);
    for (const k of spec.lags ?? []) names.push(`${s}_lag${k}`);
    for (const k of spec.diffs ?? []) names.push(`${s}_diff${k}`);
    if (spec.drift !== undefined) names.push(`${s}_drift${spec.drift}`);
  }
  return names;
}

function columnIndex(names: readonly string[], wanted: readonly string[], role: string): number[] {
  return wanted.map((name) => {
    const j = names.indexOf(name);
    if (j < 0) throw new UserError('invalid_input', `${role} column "${name}" is not in the data`);
    return j;
  });
}

/** The rows' regimes (all 0 without a regime model). */
function regimesOf(model: RegimeModel | null, frame: Matrix, settingCols: readonly number[]): Int32Array {
  const out = new Int32Array(frame.rows);
  if (model === null) return out;
  const row = new Float64Array(settingCols.length);
  for (let i = 0; i < frame.rows; i++) {
    settingCols.forEach((j, q) => (row[q] = frame.data[i * frame.cols + j] ?? Number.NaN));
    out[i] = assignRegime(model, row);
  }
  return out;
}

/**
 * Fits a pipeline on training rows: the regime model (if `spec.regimes`), the constant sensors to drop, and each
 * regime's mean and standard deviation of every sensor — from these rows only, so test data never leaks in.
 * @example
 * const pipeline = fitFeaturePipeline(train, { unit: 'unit', sensors: ['s2', 's3'], settings: ['alt', 'mach', 'tra'],
 *   regimes: { method: 'rounded', decimals: [0, 2, 0] }, windows: [{ size: 10, stats: ['mean', 'slope'] }] });
 * const features = transformFeatures(pipeline, train); // one feature row per input row
 */
export function fitFeaturePipeline(frame: Matrix, specInput: FeatureSpec): FeaturePipeline {
  const parsedSpec = FeatureSpec.safeParse(specInput);
  if (!parsedSpec.success) {
    throw new UserError('invalid_input', `invalid feature spec: ${parsedSpec.error.message}`, {
      cause: parsedSpec.error,
    });
  }
  const spec = parsedSpec.data;
  if (frame.rows === 0) throw new UserError('invalid_input', 'cannot fit a feature pipeline on no rows');
  const sensorCols = columnIndex(frame.names, spec.sensors, 'sensor');
  columnIndex(frame.names, spec.passthrough ?? [], 'passthrough');
  if (spec.unit !== undefined) columnIndex(frame.names, [spec.unit], 'unit');
  let regimes: RegimeModel | null = null;
  let settingCols: number[] = [];
  if (spec.regimes !== undefined) {
    const settings = spec.settings ?? [];
    if (settings.length === 0) throw new UserError('invalid_input', 'regimes need `settings` columns');
    settingCols = columnIndex(frame.names, settings, 'setting');
    const values = new Float64Array(frame.rows * settings.length);
    for (let i = 0; i < frame.rows; i++) {
      settingCols.forEach(
        (j, q) => (values[i * settings.length + q] = frame.data[i * frame.cols + j] ?? Number.NaN),
      );
    }
    regimes = fitRegimes(values, settings, spec.regimes as RegimeOptions);
  }
  const labels = regimesOf(regimes, frame, settingCols);
  const k = regimes === null ? 1 : regimes.centroids.length;
  const regimeRows = new Array<number>(k).fill(0);
  for (const r of labels) regimeRows[r] = (regimeRows[r] ?? 0) + 1;

  const sensors: string[] = [];
  const dropped: string[] = [];
  const mean: number[][] = Array.from({ length: k }, () => []);
  const std: number[][] = Array.from({ length: k }, () => []);
  spec.sensors.forEach((name, q) => {
    const j = sensorCols[q] ?? 0;
    const sum = new Float64Array(k);
    const n = new Float64Array(k);
    const distinct = Array.from({ length: k }, () => new Set<number>());
    const minDistinct = spec.minDistinctValues ?? 0;
    for (let i = 0; i < frame.rows; i++) {
      const v = frame.data[i * frame.cols + j] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      const r = labels[i] ?? 0;
      sum[r] = (sum[r] ?? 0) + v;
      n[r] = (n[r] ?? 0) + 1;
      const seen = distinct[r];
      if (seen !== undefined && seen.size < minDistinct) seen.add(v);
    }
    if (minDistinct > 0 && distinct.every((s) => s.size < minDistinct)) {
      dropped.push(name);
      return;
    }
    const mu = Array.from(sum, (s, r) => ((n[r] ?? 0) > 0 ? s / (n[r] ?? 1) : Number.NaN));
    const ss = new Float64Array(k);
    for (let i = 0; i < frame.rows; i++) {
      const v = frame.data[i * frame.cols + j] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      const r = labels[i] ?? 0;
      ss[r] = (ss[r] ?? 0) + (v - (mu[r] ?? 0)) ** 2;
    }
    sensors.push(name);
    for (let r = 0; r < k; r++) {
      mean[r]?.push(mu[r] ?? Number.NaN);
      std[r]?.push((n[r] ?? 0) > 0 ? Math.sqrt((ss[r] ?? 0) / (n[r] ?? 1)) : Number.NaN);
    }
  });
  if (sensors.length === 0) throw new UserError('invalid_input', 'every sensor was dropped as constant');
  return {
    format: 'gemba.feature-pipeline/1',
    spec,
    sensors,
    dropped,
    regimes,
    mean,
    std,
    regimeRows,
    names: outputNames(spec, sensors),
  };
}

/** One unit's last rows of normalised sensor values, in a ring. */
interface UnitState {
  /** capacity × sensors, row-major; slot (seen − 1) % capacity holds the newest row. */
  readonly values: Float64Array;
  /** Per sensor, the sum of the unit's first `drift` values. */
  readonly first: Float64Array;
  seen: number;
}

/**
 * Scores a live stream row by row. Keeps, per unit, only the last max(window, lag + 1, diff + 1, drift) normalised
 * rows (and the sums of its first `drift`), so memory is bounded by units × that depth; rows of a unit must arrive in
 * time order.
 * @example
 * const stream = new FeatureStream(pipeline, ['unit', 'cycle', 'alt', 'mach', 'tra', 's2', 's3']);
 * const features = stream.step([7, 31, 0, 0, 100, 642.1, 1589.7]); // Float64Array, pipeline.names order
 */
export class FeatureStream {
  readonly names: readonly string[];
  private readonly pipeline: FeaturePipeline;
  private readonly units = new Map<number, UnitState>();
  private readonly capacity: number;
  private readonly unitCol: number;
  private readonly sensorCols: number[];
  private readonly settingCols: number[];
  private readonly passCols: number[];
  private readonly settingRow: Float64Array;
  private readonly normalised: Float64Array;
  private readonly window: Float64Array;
  private readonly windows: { size: number; stats: WindowStat[] }[];
  private readonly normalise: boolean;

  constructor(pipeline: FeaturePipeline, inputNames: readonly string[]) {
    this.pipeline = pipeline;
    this.names = pipeline.names;
    const spec = pipeline.spec;
    this.unitCol = spec.unit === undefined ? -1 : (columnIndex(inputNames, [spec.unit], 'unit')[0] ?? -1);
    this.sensorCols = columnIndex(inputNames, pipeline.sensors, 'sensor');
    this.settingCols =
      pipeline.regimes === null ? [] : columnIndex(inputNames, pipeline.regimes.settings, 'setting');
    this.passCols = columnIndex(inputNames, spec.passthrough ?? [], 'passthrough');
    this.settingRow = new Float64Array(this.settingCols.length);
    this.normalised = new Float64Array(pipeline.sensors.length);
    this.windows = (spec.windows ?? []).map((w) => ({ size: w.size, stats: [...w.stats] }));
    this.normalise = spec.normalise !== false;
    this.window = new Float64Array(Math.max(1, ...this.windows.map((w) => w.size)));
    this.capacity = Math.max(
      1,
      ...this.windows.map((w) => w.size),
      ...(spec.lags ?? []).map((k) => k + 1),
      ...(spec.diffs ?? []).map((k) => k + 1),
      spec.drift ?? 1,
    );
  }

  /** Units with state. */
  get unitCount(): number {
    return this.units.size;
  }

  /** Forgets a unit (an engine overhauled, an asset retired): its next row starts a fresh history. */
  forget(unit: number): void {
    this.units.delete(unit);
  }

  /** The features of one input row (in the column order given to the constructor), after adding it to its unit. */
  step(row: ArrayLike<number>): Float64Array {
    const p = this.pipeline;
    const spec = p.spec;
    const S = p.sensors.length;
    const unit = this.unitCol < 0 ? 0 : (row[this.unitCol] ?? Number.NaN);
    let state = this.units.get(unit);
    if (state === undefined) {
      state = { values: new Float64Array(this.capacity * S), first: new Float64Array(S), seen: 0 };
      this.units.set(unit, state);
    }
    let regime = 0;
    if (p.regimes !== null) {
      this.settingCols.forEach((j, q) => (this.settingRow[q] = row[j] ?? Number.NaN));
      regime = assignRegime(p.regimes, this.settingRow);
    }
    const mu = p.mean[regime];
    const sd = p.std[regime];
    for (let q = 0; q < S; q++) {
      const x = row[this.sensorCols[q] ?? 0] ?? Number.NaN;
      if (!this.normalise) this.normalised[q] = x;
      else if (mu === undefined || sd === undefined)
        this.normalised[q] = Number.NaN; // unknown regime
      else {
        const s = sd[q] ?? Number.NaN;
        this.normalised[q] = s > 0 ? (x - (mu[q] ?? Number.NaN)) / s : x - (mu[q] ?? Number.NaN);
      }
    }
    const slot = state.seen % this.capacity;
    state.values.set(this.normalised, slot * S);
    state.seen += 1;
    const drift = spec.drift ?? 0;
    if (state.seen <= drift)
      for (let q = 0; q < S; q++) state.first[q] = (state.first[q] ?? 0) + (this.normalised[q] ?? 0);

    const out = new Float64Array(p.names.length);
    let o = 0;
    for (const j of this.passCols) out[o++] = row[j] ?? Number.NaN;
    if (spec.age === true) out[o++] = state.seen;
    const minPeriods = spec.minPeriods ?? 1;
    const window = this.window;
    for (let q = 0; q < S; q++) {
      const x = this.normalised[q] ?? Number.NaN;
      if (spec.current !== false) out[o++] = x;
      for (const w of this.windows) {
        const n = Math.min(w.size, state.seen);
        for (let t = 0; t < n; t++) {
          const age = n - 1 - t; // rows back from the newest
          window[t] = state.values[((state.seen - 1 - age) % this.capacity) * S + q] ?? Number.NaN;
        }
        const ok = n >= minPeriods;
        for (const stat of w.stats) out[o++] = ok ? windowStat(stat, window, n) : Number.NaN;
      }
      for (const k of spec.lags ?? []) out[o++] = state.seen > k ? this.back(state, k, q) : Number.NaN;
      for (const k of spec.diffs ?? []) out[o++] = state.seen > k ? x - this.back(state, k, q) : Number.NaN;
      if (drift > 0) {
        const n = Math.min(drift, state.seen);
        let recent = 0;
        for (let k = 0; k < n; k++) recent += this.back(state, k, q);
        out[o++] = (recent - (state.first[q] ?? 0)) / n;
      }
    }
    return out;
  }

  private back(state: UnitState, k: number, q: number): number {
    const S = this.pipeline.sensors.length;
    return state.values[((state.seen - 1 - k) % this.capacity) * S + q] ?? Number.NaN;
  }
}

/**
 * One window statistic of the first n values of `x` (oldest first); see WINDOW_STATS for the formulas.
 * @example windowStat('kurtosis', [1, 2, 3, 4, 5], 5) // -1.3
 */
export function windowStat(stat: WindowStat, x: ArrayLike<number>, n = x.length): number {
  if (n === 0) return Number.NaN;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sq = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t] ?? Number.NaN;
    if (Number.isNaN(v)) return Number.NaN;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  switch (stat) {
    case 'mean':
      return mean;
    case 'min':
      return min;
    case 'max':
      return max;
    case 'rms':
      return Math.sqrt(sq / n);
    case 'std': {
      if (n < 2) return Number.NaN;
      if (min === max) return 0;
      let m2 = 0;
      for (let t = 0; t < n; t++) m2 += ((x[t] ?? 0) - mean) ** 2;
      return Math.sqrt(m2 / (n - 1));
    }
    case 'slope': {
      if (n < 2) return Number.NaN;
      const tBar = (n - 1) / 2;
      let sxy = 0;
      let sxx = 0;
      for (let t = 0; t < n; t++) {
        sxy += (t - tBar) * ((x[t] ?? 0) - mean);
        sxx += (t - tBar) ** 2;
      }
      return sxy / sxx;
    }
    case 'kurtosis': {
      if (min === max) return Number.NaN;
      let m2 = 0;
      let m4 = 0;
      for (let t = 0; t < n; t++) {
        const d2 = ((x[t] ?? 0) - mean) ** 2;
        m2 += d2;
        m4 += d2 * d2;
      }
      m2 /= n;
      m4 /= n;
      return m4 / (m2 * m2) - 3;
    }
  }
}

/**
 * The features of every row of `frame`, by running a fresh FeatureStream over the rows in order — the very code
 * live scoring runs, so batch and live features are identical. Rows of each unit must be in time order (units may
 * interleave).
 */
export function transformFeatures(pipeline: FeaturePipeline, frame: Matrix): Matrix {
  const stream = new FeatureStream(pipeline, frame.names);
  const cols = pipeline.names.length;
  const data = new Float64Array(frame.rows * cols);
  for (let i = 0; i < frame.rows; i++) {
    data.set(stream.step(frame.data.subarray(i * frame.cols, (i + 1) * frame.cols)), i * cols);
  }
  return { rows: frame.rows, cols, data, names: pipeline.names };
}
