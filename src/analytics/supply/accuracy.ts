/**
 * How a stored forecast is doing as the demand it forecast comes in: the M4 measures on the periods seen so far, the
 * bias, the share inside each interval, and the tracking signal — the running sum of errors in units of the mean
 * absolute error (Brown 1959, "Statistical Forecasting for Inventory Control"; Trigg 1964). A signal beyond ±4
 * is the usual sign that the forecast has drifted off to one side and should be redone.
 */
import { mase, mean, smape } from './series.js';

/** |tracking signal| above this many mean absolute errors flags a biased forecast. */
export const TRACKING_SIGNAL_LIMIT = 4;

export interface ForecastAccuracy {
  /** Forecast periods whose demand is known. */
  readonly matched: number;
  readonly horizon: number;
  /** On the matched periods; NaN (null in JSON) where nothing matched or the history gives MASE no scale. */
  readonly smape: number;
  readonly mase: number;
  readonly mae: number;
  /** Mean of forecast − actual: positive forecasts too high (stock builds up), negative too low (shortages). */
  readonly bias: number;
  /** Share of the matched actual values inside each interval, by level. */
  readonly coverage: Readonly<Record<string, number>>;
  /** Σ(actual − forecast) / MAE: beyond ±TRACKING_SIGNAL_LIMIT the errors lean one way. */
  readonly trackingSignal: number;
  readonly biased: boolean;
}

/**
 * Scores a forecast against the actual demand of its periods (NaN where not yet known; only known periods count).
 * `history` is the series the forecast was fitted on, for MASE's in-sample scale with seasonal period `period`.
 */
export function forecastAccuracy(args: {
  readonly mean: ArrayLike<number>;
  readonly lower: Readonly<Record<string, ArrayLike<number>>>;
  readonly upper: Readonly<Record<string, ArrayLike<number>>>;
  readonly actual: ArrayLike<number>;
  readonly history: ArrayLike<number>;
  readonly period: number;
}): ForecastAccuracy {
  const known: number[] = [];
  for (let i = 0; i < Math.min(args.mean.length, args.actual.length); i++) {
    if (Number.isFinite(args.actual[i])) known.push(i);
  }
  const actual = known.map((i) => args.actual[i] ?? 0);
  const forecast = known.map((i) => args.mean[i] ?? 0);
  const errors = actual.map((a, k) => a - (forecast[k] ?? 0));
  const mae = mean(errors.map(Math.abs));
  const coverage: Record<string, number> = {};
  for (const level of Object.keys(args.lower)) {
    const lo = args.lower[level];
    const hi = args.upper[level];
    if (lo === undefined || hi === undefined || known.length === 0) continue;
    coverage[level] = mean(
      known.map((i) => {
        const y = args.actual[i] ?? 0;
        return y >= (lo[i] ?? Number.NaN) && y <= (hi[i] ?? Number.NaN) ? 1 : 0;
      }),
    );
  }
  const sum = errors.reduce((s, e) => s + e, 0);
  const trackingSignal = known.length === 0 ? Number.NaN : mae === 0 ? 0 : sum / mae;
  const scale = args.history.length > args.period;
  const maseValue =
    known.length > 0 && scale ? mase(actual, forecast, args.history, args.period) : Number.NaN;
  return {
    matched: known.length,
    horizon: args.mean.length,
    smape: known.length === 0 ? Number.NaN : smape(actual, forecast),
    mase: Number.isFinite(maseValue) ? maseValue : Number.NaN,
    mae,
    bias: known.length === 0 ? Number.NaN : -mean(errors),
    coverage,
    trackingSignal,
    biased: Math.abs(trackingSignal) > TRACKING_SIGNAL_LIMIT,
  };
}
