/**
 * Choosing a forecasting method per series by how it would have done: time-series cross-validation on a rolling
 * origin (fpp2 §3.4, "evaluation on a rolling forecasting origin") — fit on the series up to an origin, forecast the
 * next h, score against what happened, move the origin on — then the method with the lowest mean MASE (sMAPE when
 * the history is exactly periodic, so MASE's scale is 0) forecasts from the end of the series. An equal-weight combination of the candidates' forecasts is scored the same way
 * (combinations are hard to beat: Makridakis et al. 2018, the M4 findings).
 */
import { UserError } from '../../domain/errors.js';
import { DEFAULT_LEVELS, type FittedModel, type Forecast, type Forecaster } from './forecaster.js';
import { arima } from './arima.js';
import { ets } from './ets.js';
import { croston, sba, tsb } from './intermittent.js';
import { type Series, coverage, mase, rmsse, smape } from './series.js';
import { drift, naive2 } from './simple.js';
import { theta } from './theta.js';

export interface MethodScore {
  readonly method: string;
  /** Means over the origins. */
  readonly smape: number;
  readonly mase: number;
  readonly rmsse: number;
  /** Share of actual values inside each interval, by level. */
  readonly coverage: Readonly<Record<number, number>>;
  /** Origins the method could be fitted at (a method may need more history than the first origins give). */
  readonly origins: number;
}

export interface SelectionOptions {
  readonly horizon: number;
  /** Rolling origins (default 3): the last is `horizon` before the end, each earlier one `step` before the next. */
  readonly origins?: number;
  /** Periods between origins (default: the horizon). */
  readonly step?: number;
  readonly levels?: readonly number[];
  /** Also score the equal-weight mean of the candidates (default true). */
  readonly combination?: boolean;
  /**
   * What picks the winner (default mase). For intermittent demand use rmsse: absolute errors reward forecasting
   * zero, which stocks nothing (the reason M5 scored with RMSSE; Makridakis, Spiliotis & Assimakopoulos 2022).
   */
  readonly metric?: 'mase' | 'rmsse';
}

export interface Selection {
  readonly scores: readonly MethodScore[];
  /** The method with the lowest mean of the metric (MASE by default), sMAPE on an exactly periodic history. */
  readonly best: string;
  /** Its forecast from the end of the whole series. */
  readonly forecast: Forecast;
  /** Its fit on the whole series (for a combination, the members' fits). */
  readonly models: readonly FittedModel[];
}

export const COMBINATION = 'Combination';

/** The equal-weight mean of forecasts: points and interval bounds averaged level by level. */
export function combineForecasts(forecasts: readonly Forecast[]): Forecast {
  const first = forecasts[0];
  if (first === undefined) throw new UserError('invalid_input', 'a combination needs at least one forecast');
  const avg = (pick: (f: Forecast) => Float64Array | undefined) =>
    first.mean.map(
      (_, i) => forecasts.reduce((s, f) => s + (pick(f)?.[i] ?? Number.NaN), 0) / forecasts.length,
    );
  const lower: Record<number, Float64Array> = {};
  const upper: Record<number, Float64Array> = {};
  for (const level of Object.keys(first.lower).map(Number)) {
    lower[level] = avg((f) => f.lower[level]);
    upper[level] = avg((f) => f.upper[level]);
  }
  return { mean: avg((f) => f.mean), lower, upper };
}

function truncate(series: Series, n: number): Series {
  return { ...series, values: series.values.slice(0, n) };
}

/** Rolling-origin scores of each candidate (and their combination), and the best one's forecast from the end. */
export function selectForecaster(
  series: Series,
  candidates: readonly Forecaster[],
  options: SelectionOptions,
): Selection {
  const h = options.horizon;
  if (!Number.isInteger(h) || h < 1)
    throw new UserError('invalid_input', `horizon must be a positive integer, got ${h}`);
  if (candidates.length === 0) throw new UserError('invalid_input', 'no forecasting methods to choose from');
  const origins = options.origins ?? 3;
  const step = options.step ?? h;
  const levels = options.levels ?? DEFAULT_LEVELS;
  const n = series.values.length;
  const ends = Array.from({ length: origins }, (_, k) => n - h - (origins - 1 - k) * step).filter(
    (end) => end >= Math.max(2, series.period + 1),
  );
  if (ends.length === 0) {
    throw new UserError(
      'invalid_input',
      `${n} observations leave no room to test a ${h}-step forecast; give more history`,
    );
  }
  const names = [
    ...candidates.map((c) => c.name),
    ...(options.combination !== false && candidates.length > 1 ? [COMBINATION] : []),
  ];
  const sums = new Map(
    names.map((name) => [
      name,
      { smape: 0, mase: 0, rmsse: 0, covered: new Map<number, number>(), origins: 0 },
    ]),
  );
  for (const end of ends) {
    const train = truncate(series, end);
    const actual = series.values.slice(end, end + h);
    const forecasts = new Map<string, Forecast>();
    for (const candidate of candidates) {
      try {
        forecasts.set(candidate.name, candidate.fit(train).forecast(h, levels));
      } catch (error) {
        // Too little history at this origin for this method: it is scored on the origins it can use.
        if (!(error instanceof UserError)) throw error;
      }
    }
    if (names.includes(COMBINATION) && forecasts.size === candidates.length) {
      forecasts.set(COMBINATION, combineForecasts([...forecasts.values()]));
    }
    for (const [name, f] of forecasts) {
      const s = sums.get(name);
      if (!s) continue;
      s.smape += smape(actual, f.mean);
      s.mase += mase(actual, f.mean, train.values, series.period);
      s.rmsse += rmsse(actual, f.mean, train.values, series.period);
      for (const level of levels) {
        const lo = f.lower[level];
        const hi = f.upper[level];
        if (lo && hi) s.covered.set(level, (s.covered.get(level) ?? 0) + coverage(actual, lo, hi));
      }
      s.origins++;
    }
  }
  const scores: MethodScore[] = names.flatMap((method) => {
    const s = sums.get(method);
    if (!s || s.origins === 0) return [];
    return [
      {
        method,
        smape: s.smape / s.origins,
        mase: s.mase / s.origins,
        rmsse: s.rmsse / s.origins,
        coverage: Object.fromEntries([...s.covered].map(([level, v]) => [level, v / (s.origins || 1)])),
        origins: s.origins,
      },
    ];
  });
  // Only methods scored on every origin compete (a method that skipped the early, short origins is not comparable).
  const complete = scores.filter((s) => s.origins === ends.length);
  if (complete.length === 0) throw new UserError('invalid_input', 'no method could be tested on this series');
  // The metric asked for, unless the history is exactly periodic (its scale is 0): then sMAPE.
  const metric = options.metric ?? 'mase';
  const key: 'mase' | 'rmsse' | 'smape' = complete.every((s) => Number.isFinite(s[metric]))
    ? metric
    : 'smape';
  const best = complete.reduce((a, b) => (b[key] < a[key] ? b : a)).method;
  const models =
    best === COMBINATION
      ? candidates.map((c) => c.fit(series))
      : [candidates.find((c) => c.name === best)?.fit(series)].flatMap((m) => (m ? [m] : []));
  const finals = models.map((m) => m.forecast(h, levels));
  const forecast = best === COMBINATION ? combineForecasts(finals) : (finals[0] ?? combineForecasts(finals));
  return { scores, best, forecast, models };
}

/**
 * The usual candidates for a demand series and the metric to choose among them: ETS and ARIMA (each by AICc),
 * Theta, Naive2 and drift by MASE; for intermittent demand (a third or more periods without any) Croston, SBA and
 * TSB by RMSSE. ARIMA only up to ARIMA_MAX_LENGTH observations: its automatic search on long seasonal series (700
 * hourly points, m = 24) took over a minute here, and selection fits it once per origin.
 */
export function defaultCandidates(values: ArrayLike<number>): {
  candidates: Forecaster[];
  metric: 'mase' | 'rmsse';
  intermittent: boolean;
} {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  const intermittent = zeros >= values.length / 3;
  return intermittent
    ? { candidates: [croston(), sba(), tsb()], metric: 'rmsse', intermittent }
    : {
        candidates: [ets(), ...(values.length <= ARIMA_MAX_LENGTH ? [arima()] : []), theta, naive2, drift],
        metric: 'mase',
        intermittent,
      };
}

/** Longest series on which automatic ARIMA is among the default candidates. */
export const ARIMA_MAX_LENGTH = 300;
