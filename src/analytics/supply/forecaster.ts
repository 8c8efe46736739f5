/** The uniform forecaster interface of supply/ and the helpers that turn a mean and a spread into interval bands. */
import { UserError } from '../../domain/errors.js';
import { normalQuantile } from '../quality/normal.js';
import type { Series } from './series.js';

/** Point forecasts and central prediction intervals, keyed by coverage level in percent (80 → 80% interval). */
export interface Forecast {
  readonly mean: Float64Array;
  readonly lower: Record<number, Float64Array>;
  readonly upper: Record<number, Float64Array>;
}

/** A model fitted to one series; `forecast` continues from the end of that series. */
export interface FittedModel {
  /** The model in the usual notation, e.g. `ETS(A,Ad,N)`, `Naive2`, `Theta`. */
  readonly name: string;
  /** Estimated parameters and initial states by name (alpha, beta, gamma, phi, l0, b0, sigma2, …). */
  readonly params: Readonly<Record<string, number>>;
  /** One-step in-sample fitted values, aligned with the series (NaN where the method has none). */
  readonly fitted: Float64Array;
  /** Small-sample corrected AIC, where the method has a likelihood. */
  readonly aicc?: number;
  forecast(h: number, levels?: readonly number[]): Forecast;
}

/** A forecasting method: configuration in, fitted model out; deterministic for a given series and configuration. */
export interface Forecaster {
  readonly name: string;
  fit(series: Series): FittedModel;
}

/** The interval levels reported when the caller names none (those R's forecast package prints). */
export const DEFAULT_LEVELS: readonly number[] = [80, 95];

/** Throws unless h is a positive integer. */
export function checkHorizon(h: number): void {
  if (!Number.isInteger(h) || h < 1)
    throw new UserError('invalid_input', `horizon must be a positive integer, got ${h}`);
}

/** Throws unless every level lies strictly between 0 and 100. */
export function checkLevels(levels: readonly number[]): void {
  for (const level of levels) {
    if (!(level > 0 && level < 100)) {
      throw new UserError('invalid_input', `interval level must be in (0, 100) percent, got ${level}`);
    }
  }
}

/** z such that a central `level`% normal interval is mean ± z·σ. */
export function normalMultiplier(level: number): number {
  return normalQuantile(0.5 + level / 200);
}

/**
 * Normal prediction intervals mean ± z·sd per step (the fpp2 §3.5 construction), optionally scaled per step
 * afterwards (the reseasonalisation of a seasonally adjusted forecast).
 */
export function normalForecast(
  mean: Float64Array,
  sd: Float64Array,
  levels: readonly number[],
  scale?: Float64Array,
): Forecast {
  checkLevels(levels);
  const lower: Record<number, Float64Array> = {};
  const upper: Record<number, Float64Array> = {};
  for (const level of levels) {
    const z = normalMultiplier(level);
    const lo = new Float64Array(mean.length);
    const hi = new Float64Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      const k = scale === undefined ? 1 : (scale[i] ?? 1);
      lo[i] = ((mean[i] ?? 0) - z * (sd[i] ?? 0)) * k;
      hi[i] = ((mean[i] ?? 0) + z * (sd[i] ?? 0)) * k;
    }
    lower[level] = lo;
    upper[level] = hi;
  }
  const scaled = scale === undefined ? mean : mean.map((v, i) => v * (scale[i] ?? 1));
  return { mean: scaled, lower, upper };
}

/** Type-7 (linear interpolation) empirical quantile of values already sorted ascending, as R's default. */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * p;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = sorted[lo] ?? Number.NaN;
  return frac === 0 ? a : a + frac * ((sorted[lo + 1] ?? a) - a);
}

/**
 * Intervals from simulated future sample paths (`paths[k][i]` is path k at step i + 1): the empirical quantiles at
 * (1 ± level/100)/2 of each step, as forecast::forecast.ets does with `simulate = TRUE`.
 */
export function simulatedForecast(
  mean: Float64Array,
  paths: readonly Float64Array[],
  levels: readonly number[],
): Forecast {
  checkLevels(levels);
  const bands = levels.map((level) => ({
    level,
    lower: new Float64Array(mean.length),
    upper: new Float64Array(mean.length),
  }));
  const column = new Float64Array(paths.length);
  for (let i = 0; i < mean.length; i++) {
    paths.forEach((path, k) => (column[k] = path[i] ?? Number.NaN));
    column.sort();
    for (const band of bands) {
      band.lower[i] = sortedQuantile(column, 0.5 - band.level / 200);
      band.upper[i] = sortedQuantile(column, 0.5 + band.level / 200);
    }
  }
  return {
    mean,
    lower: Object.fromEntries(bands.map((b) => [b.level, b.lower])),
    upper: Object.fromEntries(bands.map((b) => [b.level, b.upper])),
  };
}
