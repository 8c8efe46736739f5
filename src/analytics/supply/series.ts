/** Time series for demand forecasting: the Series type, differencing, autocorrelation, classical decomposition and the M4 accuracy measures. */
import { UserError } from '../../domain/errors.js';

/** Equally spaced observations with their seasonal period m (12 monthly, 4 quarterly, 52 weekly, 24 hourly, 1 none). */
export interface Series {
  readonly values: Float64Array;
  /** Seasonal period m ≥ 1. */
  readonly period: number;
  /** Epoch milliseconds of the first observation, where known (carried along, never used by the math). */
  readonly start?: number;
}

/** Validates and builds a Series: finite values, integer period ≥ 1. */
export function makeSeries(values: ArrayLike<number>, period = 1, start?: number): Series {
  if (!Number.isInteger(period) || period < 1) {
    throw new UserError('invalid_input', `seasonal period must be an integer ≥ 1, got ${period}`);
  }
  const copy = Float64Array.from(values);
  const bad = copy.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new UserError('invalid_input', `series value ${bad} is not a finite number`);
  return start === undefined ? { values: copy, period } : { values: copy, period, start };
}

/** Throws unless the series has at least `min` observations. */
export function requireLength(series: Series, min: number, method: string): void {
  if (series.values.length < min) {
    throw new UserError(
      'invalid_input',
      `${method} needs at least ${min} observations, got ${series.values.length}`,
      {
        details: { needed: min, got: series.values.length },
      },
    );
  }
}

/** Lag-k differences y_t − y_{t−k}, t = k…n−1 (k = m gives the seasonal difference of fpp2 §8.1). */
export function difference(values: ArrayLike<number>, lag = 1): Float64Array {
  const n = values.length;
  const out = new Float64Array(Math.max(0, n - lag));
  for (let t = lag; t < n; t++) out[t - lag] = (values[t] ?? 0) - (values[t - lag] ?? 0);
  return out;
}

/** The series shifted by k: out[t] = y_{t−k}, NaN for the first k positions. */
export function lagged(values: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = k; t < values.length; t++) out[t] = values[t - k] ?? Number.NaN;
  return out;
}

/** Arithmetic mean (NaN when empty). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Sample standard deviation, divisor n − 1 (NaN below two values). */
export function standardDeviation(values: ArrayLike<number>): number {
  const mu = mean(values);
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += ((values[i] ?? 0) - mu) ** 2;
  return values.length < 2 ? Number.NaN : Math.sqrt(ss / (values.length - 1));
}

/**
 * Sample autocorrelations r_1…r_maxLag as R's `acf`: r_k = Σ_{t≤n−k}(y_t − ȳ)(y_{t+k} − ȳ) / Σ(y_t − ȳ)²
 * (Box & Jenkins; fpp2 §2.8). A constant series has r_k = 0.
 */
export function acf(values: ArrayLike<number>, maxLag: number): Float64Array {
  const n = values.length;
  const mu = mean(values);
  let denom = 0;
  for (let t = 0; t < n; t++) denom += ((values[t] ?? 0) - mu) ** 2;
  const out = new Float64Array(maxLag);
  if (denom === 0) return out;
  for (let k = 1; k <= maxLag; k++) {
    let num = 0;
    for (let t = 0; t + k < n; t++) num += ((values[t] ?? 0) - mu) * ((values[t + k] ?? 0) - mu);
    out[k - 1] = num / denom;
  }
  return out;
}

/**
 * The 90% seasonality test of the M4 benchmarks (Makridakis et al. 2018, M4 Competitor's Guide, `SeasonalityTest`):
 * seasonal when m > 1, n ≥ 3m and |r_m| > 1.645·√((1 + 2·Σ_{k<m} r_k²)/n).
 */
export function isSeasonal(values: ArrayLike<number>, m: number): boolean {
  const n = values.length;
  if (m <= 1 || n < 3 * m) return false;
  const r = acf(values, m);
  let sum = 1;
  for (let k = 0; k < m - 1; k++) sum += 2 * (r[k] ?? 0) ** 2;
  const limit = (1.645 / Math.sqrt(n)) * Math.sqrt(sum);
  return Math.abs(r[m - 1] ?? 0) > limit;
}

/**
 * The centred moving average of classical decomposition (R `decompose`, fpp2 §6.3): a plain m-MA for odd m, a
 * 2×m-MA (weights ½, 1, …, 1, ½ over m) for even m; NaN where the window leaves the series.
 */
export function centredMovingAverage(values: ArrayLike<number>, m: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  for (let t = half; t + half < n; t++) {
    let sum = 0;
    for (let j = -half; j <= half; j++) {
      const w = even && Math.abs(j) === half ? 0.5 : 1;
      sum += w * (values[t + j] ?? 0);
    }
    out[t] = sum / m;
  }
  return out;
}

/**
 * Seasonal indices of classical decomposition (R `decompose`, fpp2 §6.3), indexed by position modulo m (index 0 is
 * the phase of the first observation): the mean per phase of y/trend (multiplicative, normalised to mean 1) or
 * y − trend (additive, normalised to mean 0).
 */
export function classicalSeasonalIndices(
  values: ArrayLike<number>,
  m: number,
  type: 'multiplicative' | 'additive' = 'multiplicative',
): Float64Array {
  if (values.length < 2 * m) {
    throw new UserError(
      'invalid_input',
      `classical decomposition needs two full seasons (${2 * m}), got ${values.length}`,
    );
  }
  const trend = centredMovingAverage(values, m);
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < values.length; t++) {
    const tr = trend[t] ?? Number.NaN;
    if (Number.isNaN(tr)) continue;
    const y = values[t] ?? 0;
    sums[t % m] = (sums[t % m] ?? 0) + (type === 'multiplicative' ? y / tr : y - tr);
    counts[t % m] = (counts[t % m] ?? 0) + 1;
  }
  const figure = sums.map((s, i) => s / (counts[i] ?? 1));
  const centre = mean(figure);
  return type === 'multiplicative' ? figure.map((f) => f / centre) : figure.map((f) => f - centre);
}

/** Per-step multiplicative seasonal indices, from phase `from` (observation index) for `length` steps. */
export function seasonalSpan(indices: Float64Array, from: number, length: number): Float64Array {
  const m = indices.length;
  return Float64Array.from({ length }, (_, i) => indices[(from + i) % m] ?? 1);
}

/** A series divided by multiplicative seasonal indices, with the indices of its observations and of future steps. */
export interface SeasonalAdjustment {
  readonly adjusted: Float64Array;
  /** True when the seasonality test held and the indices are not all 1. */
  readonly seasonal: boolean;
  /** The index of each observation. */
  readonly inSample: Float64Array;
  /** The indices of steps 1…h after the series. */
  future(h: number): Float64Array;
}

/**
 * The M4 seasonal adjustment shared by Naive2 and Theta (M4 Competitor's Guide benchmarks): when `isSeasonal`
 * holds, divide by the classical multiplicative indices; otherwise the indices are all 1.
 */
export function seasonallyAdjust(series: Series): SeasonalAdjustment {
  const { values, period: m } = series;
  const n = values.length;
  const seasonal = isSeasonal(values, m);
  const indices = seasonal ? classicalSeasonalIndices(values, m) : Float64Array.of(1);
  const inSample = seasonalSpan(indices, 0, n);
  return {
    adjusted: values.map((y, t) => y / (inSample[t] ?? 1)),
    seasonal,
    inSample,
    future: (h) => seasonalSpan(indices, n, h),
  };
}

function checkSameLength(actual: ArrayLike<number>, forecast: ArrayLike<number>): void {
  if (actual.length !== forecast.length || actual.length === 0) {
    throw new UserError(
      'invalid_input',
      `actual and forecast must be non-empty and equally long, got ${actual.length} and ${forecast.length}`,
    );
  }
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkSameLength(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs((actual[i] ?? 0) - (forecast[i] ?? 0));
  return sum / actual.length;
}

/** Root mean squared error. */
export function rmse(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkSameLength(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += ((actual[i] ?? 0) - (forecast[i] ?? 0)) ** 2;
  return Math.sqrt(sum / actual.length);
}

/**
 * Symmetric MAPE in percent, the M4 definition (Makridakis, Spiliotis & Assimakopoulos 2018, IJF 34(4), eq. 1):
 * mean of 200·|y − ŷ|/(|y| + |ŷ|). A step with y = ŷ = 0 counts as 0.
 */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkSameLength(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] ?? 0;
    const f = forecast[i] ?? 0;
    const d = Math.abs(y) + Math.abs(f);
    sum += d === 0 ? 0 : (200 * Math.abs(y - f)) / d;
  }
  return sum / actual.length;
}

/** In-sample mean of |y_t − y_{t−m}|^power over t = m…n−1: the scale of MASE (power 1) and RMSSE (power 2). */
function seasonalNaiveScale(insample: ArrayLike<number>, m: number, power: 1 | 2): number {
  const d = difference(insample, m);
  if (d.length === 0) {
    throw new UserError('invalid_input', `scaled errors need more than m = ${m} in-sample observations`);
  }
  let sum = 0;
  for (const v of d) sum += Math.abs(v) ** power;
  return sum / d.length;
}

/**
 * Mean absolute scaled error, the M4 definition (Hyndman & Koehler 2006; M4 guide eq. 2): MAE of the forecast over
 * the in-sample MAE of the seasonal naive method with period m. Infinite when the in-sample series is m-periodic.
 */
export function mase(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  insample: ArrayLike<number>,
  m = 1,
): number {
  return mae(actual, forecast) / seasonalNaiveScale(insample, m, 1);
}

/**
 * Root mean squared scaled error, the M5 definition (Makridakis, Spiliotis & Assimakopoulos 2022, IJF 38(4)):
 * √(MSE of the forecast / in-sample mean of (y_t − y_{t−m})²), m = 1 in M5.
 */
export function rmsse(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  insample: ArrayLike<number>,
  m = 1,
): number {
  return rmse(actual, forecast) / Math.sqrt(seasonalNaiveScale(insample, m, 2));
}

/** Share of actual values inside [lower, upper] (bounds included): compare with the nominal level of the interval. */
export function coverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  checkSameLength(actual, lower);
  checkSameLength(actual, upper);
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] ?? 0;
    if (y >= (lower[i] ?? Number.NaN) && y <= (upper[i] ?? Number.NaN)) inside++;
  }
  return inside / actual.length;
}

/**
 * Overall weighted average of the M4 competition (M4 guide §4): the mean of sMAPE and MASE each relative to
 * Naive2's on the same series set; below 1 beats Naive2.
 */
export function owa(scores: {
  smape: number;
  mase: number;
  smapeNaive2: number;
  maseNaive2: number;
}): number {
  return (scores.smape / scores.smapeNaive2 + scores.mase / scores.maseNaive2) / 2;
}
