/**
 * Forecasts for intermittent demand (spare parts): Croston (1972), the Syntetos–Boylan approximation (2005) and
 * Teunter–Syntetos–Babai (2011). Point forecasts are per-period demand rates, flat over the horizon.
 */
import { UserError } from '../../domain/errors.js';
import {
  DEFAULT_LEVELS,
  checkHorizon,
  normalForecast,
  type FittedModel,
  type Forecaster,
} from './forecaster.js';
import { requireLength, type Series } from './series.js';

/** Smoothing constants; defaults α = 0.1 (R forecast::croston) and β = 0.1. */
export interface IntermittentOptions {
  /** Smoothing of demand sizes (and, in Croston/SBA, of inter-demand intervals). */
  readonly alpha?: number;
  /** TSB's smoothing of the demand probability. */
  readonly beta?: number;
}

function checkConstant(name: string, value: number): void {
  if (!(value > 0 && value <= 1))
    throw new UserError('invalid_input', `${name} must be in (0, 1], got ${value}`);
}

/**
 * Intervals for a flat rate forecast: normal with the standard deviation of the one-step in-sample errors, clipped at
 * zero demand. A heuristic: Croston's method has no consistent stochastic model (Shenstone & Hyndman 2005).
 */
function flatRateModel(
  name: string,
  params: Record<string, number>,
  y: Float64Array,
  fitted: Float64Array,
  rate: number,
): FittedModel {
  let ss = 0;
  let count = 0;
  fitted.forEach((f, t) => {
    if (Number.isNaN(f)) return;
    ss += ((y[t] ?? 0) - f) ** 2;
    count++;
  });
  const sigma = count > 0 ? Math.sqrt(ss / count) : 0;
  return {
    name,
    params: { ...params, sigma },
    fitted,
    forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS) {
      checkHorizon(h);
      const band = normalForecast(new Float64Array(h).fill(rate), new Float64Array(h).fill(sigma), levels);
      for (const level of levels) band.lower[level]?.forEach((v, i, a) => (a[i] = Math.max(0, v)));
      return band;
    },
  };
}

/**
 * Croston's recursions as R forecast::croston: SES (initial value the first observation) of the non-zero demand
 * sizes z and of the intervals p between them (the first counted from the start), updated only in periods with
 * demand; forecast z/p, times (1 − α/2) for SBA (Syntetos & Boylan 2005, IJF 21(2)).
 */
function crostonFit(series: Series, alpha: number, sba: boolean): FittedModel {
  requireLength(series, 1, 'Croston');
  checkConstant('alpha', alpha);
  const y = series.values;
  const factor = sba ? 1 - alpha / 2 : 1;
  const name = sba ? 'SBA' : 'Croston';
  const fitted = new Float64Array(y.length).fill(Number.NaN);
  let size = Number.NaN;
  let interval = Number.NaN;
  let sinceLast = 0;
  for (let t = 0; t < y.length; t++) {
    sinceLast++;
    if (!Number.isNaN(size)) fitted[t] = (factor * size) / interval;
    const v = y[t] ?? 0;
    if (v <= 0) continue;
    if (Number.isNaN(size)) {
      size = v;
      interval = sinceLast;
    } else {
      size += alpha * (v - size);
      interval += alpha * (sinceLast - interval);
    }
    sinceLast = 0;
  }
  const rate = Number.isNaN(size) ? 0 : (factor * size) / interval;
  return flatRateModel(name, { alpha, size: size || 0, interval: interval || 0 }, y, fitted, rate);
}

/** Croston (1972, Oper. Res. Q. 23(3)). */
export function croston(options: IntermittentOptions = {}): Forecaster {
  return { name: 'Croston', fit: (series) => crostonFit(series, options.alpha ?? 0.1, false) };
}

/** Syntetos–Boylan approximation: Croston × (1 − α/2), removing Croston's positive bias. */
export function sba(options: IntermittentOptions = {}): Forecaster {
  return { name: 'SBA', fit: (series) => crostonFit(series, options.alpha ?? 0.1, true) };
}

/**
 * Teunter, Syntetos & Babai (2011, EJOR 214(3)): every period the demand probability p ← p + β(1[y>0] − p); in
 * periods with demand the size z ← z + α(y − z); forecast p·z. Initial p the share of periods with demand, z the mean
 * non-zero demand.
 */
export function tsb(options: IntermittentOptions = {}): Forecaster {
  const alpha = options.alpha ?? 0.1;
  const beta = options.beta ?? 0.1;
  return {
    name: 'TSB',
    fit(series: Series): FittedModel {
      requireLength(series, 1, 'TSB');
      checkConstant('alpha', alpha);
      checkConstant('beta', beta);
      const y = series.values;
      const demands = y.filter((v) => v > 0);
      let probability = demands.length / y.length;
      let size = demands.length === 0 ? 0 : demands.reduce((s, v) => s + v, 0) / demands.length;
      const fitted = new Float64Array(y.length);
      const p0 = probability;
      const z0 = size;
      y.forEach((v, t) => {
        fitted[t] = probability * size;
        probability += beta * ((v > 0 ? 1 : 0) - probability);
        if (v > 0) size += alpha * (v - size);
      });
      return flatRateModel('TSB', { alpha, beta, p0, z0, probability, size }, y, fitted, probability * size);
    },
  };
}
