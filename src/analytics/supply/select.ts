/**
 * Choosing a forecasting method per series by how it would have done: time-series cross-validation on a rolling
 * origin (fpp2 §3.4, "evaluation on a rolling forecasting origin") — fit on the series up to an origin, forecast the
 * next h, score against what happened, move the origin on — then the method with the lowest mean MASE (sMAPE when
 * the history is exactly periodic, so MASE's scale is 0) forecasts from the end of the series. The equal-weight
 * combination of the three best candidates is scored on the same origins and wins when it does better (combinations
 * are hard to beat: Makridakis et al. 2018, the M4 findings; averaging only the best few keeps a poor candidate such
 * as drift on a seasonal series out of the mean).
 */
import { UserError } from '../../domain/errors.js';
import { DEFAULT_LEVELS, type FittedModel, type Forecast, type Forecaster } from './forecaster.js';
import { arima } from './arima.js';
import { ets } from './ets.js';
import { croston, sba, tsb } from './intermittent.js';
import { type Series, coverage, mase, rmsse, smape } from './series.js';
import { drift, naive2, seasonalNaive } from './simple.js';
import { calendarPeriods, stlForecast } from './stl-forecast.js';
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
  /** Also score the equal-weight mean of the best candidates (default true). */
  readonly combination?: boolean;
  /** How many of the best candidates (by the metric over the origins) the combination averages (default 3). */
  readonly combine?: number;
  /** Called after each fit on an origin: fits done, fits in all, the method just fitted (for a progress bar). */
  readonly onProgress?: (done: number, total: number, method: string) => void;
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

interface Sums {
  smape: number;
  mase: number;
  rmsse: number;
  covered: Map<number, number>;
  origins: number;
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
  // Every candidate's forecast at every origin, kept so the combination of the best ones can be scored on them.
  const totalFits = ends.length * candidates.length;
  let fits = 0;
  const atOrigin = ends.map((end) => {
    const train = truncate(series, end);
    const forecasts = new Map<string, Forecast>();
    for (const candidate of candidates) {
      try {
        forecasts.set(candidate.name, candidate.fit(train).forecast(h, levels));
      } catch (error) {
        // Too little history at this origin for this method: it is scored on the origins it can use.
        if (!(error instanceof UserError)) throw error;
      }
      options.onProgress?.(++fits, totalFits, candidate.name);
    }
    return { train, actual: series.values.slice(end, end + h), forecasts };
  });
  const scoreOf = (method: string, pick: (f: Map<string, Forecast>) => Forecast | undefined): MethodScore => {
    const s: Sums = { smape: 0, mase: 0, rmsse: 0, covered: new Map(), origins: 0 };
    for (const { train, actual, forecasts } of atOrigin) {
      const f = pick(forecasts);
      if (f === undefined) continue;
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
    const k = s.origins || 1;
    return {
      method,
      smape: s.smape / k,
      mase: s.mase / k,
      rmsse: s.rmsse / k,
      coverage: Object.fromEntries([...s.covered].map(([level, v]) => [level, v / k])),
      origins: s.origins,
    };
  };
  const scores = candidates.map((c) => scoreOf(c.name, (f) => f.get(c.name))).filter((s) => s.origins > 0);
  // Only methods scored on every origin compete (a method that skipped the early, short origins is not comparable).
  const complete = scores.filter((s) => s.origins === ends.length);
  if (complete.length === 0) throw new UserError('invalid_input', 'no method could be tested on this series');
  // The metric asked for, unless the history is exactly periodic (its scale is 0): then sMAPE.
  const metric = options.metric ?? 'mase';
  const key: 'mase' | 'rmsse' | 'smape' = complete.every((s) => Number.isFinite(s[metric]))
    ? metric
    : 'smape';
  const ranked = [...complete].sort((a, b) => a[key] - b[key]);
  const combineCount = Math.min(options.combine ?? 3, ranked.length);
  const members = ranked.slice(0, combineCount).map((s) => s.method);
  if (options.combination !== false && combineCount > 1) {
    scores.push(
      scoreOf(COMBINATION, (f) => {
        const parts = members.map((m) => f.get(m));
        return parts.every((p) => p !== undefined) ? combineForecasts(parts) : undefined;
      }),
    );
  }
  const combination = scores.find((s) => s.method === COMBINATION);
  const best =
    combination !== undefined && combination[key] < (ranked[0]?.[key] ?? Infinity)
      ? COMBINATION
      : (ranked[0]?.method ?? COMBINATION);
  const chosen = best === COMBINATION ? members : [best];
  const models = chosen.flatMap((name) => {
    const c = candidates.find((x) => x.name === name);
    return c === undefined ? [] : [c.fit(series)];
  });
  const finals = models.map((m) => m.forecast(h, levels));
  const forecast = best === COMBINATION ? combineForecasts(finals) : (finals[0] ?? combineForecasts(finals));
  return { scores, best, forecast, models };
}

/**
 * The usual candidates for a demand series and the metric to choose among them: ETS and ARIMA (each by AICc),
 * Theta, Naive2 and drift by MASE, and for seasonal series the seasonal naive method and the decomposition
 * forecast (MSTL + ETS, with the week as well as the day for hourly data); for intermittent demand (a third or more
 * periods without any) Croston, SBA and TSB by RMSSE. ARIMA only up to ARIMA_MAX_LENGTH observations: its automatic
 * search on long seasonal series (700 hourly points, m = 24) took over a minute here, and selection fits it once
 * per origin. ETS and ARIMA with a season only up to a period of 24 (as R's ets; seasonal ARIMA with m = 52 is
 * slow and rarely apt, fpp2 §12.1), non-seasonal above: the decomposition carries a longer season.
 */
export function defaultCandidates(series: Series): {
  candidates: Forecaster[];
  metric: 'mase' | 'rmsse';
  intermittent: boolean;
} {
  const values = series.values;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  const intermittent = zeros >= values.length / 3;
  if (intermittent) return { candidates: [croston(), sba(), tsb()], metric: 'rmsse', intermittent };
  const n = values.length;
  const seasonal = calendarPeriods(series.period).filter((p) => n > 2 * p);
  const positive = values.every((v) => v > 0);
  const decompositions =
    seasonal.length === 0
      ? []
      : [
          seasonalNaive,
          stlForecast({ periods: seasonal }),
          ...(positive ? [stlForecast({ periods: seasonal, log: true })] : []),
        ];
  // With a day and a week in the data, MSTL-ETS is the seasonal ETS (and seasonal ETS on 24 states of a long
  // hourly series is the slowest fit of all: about 1.5 s a series here).
  const multiSeasonal = seasonal.length > 1;
  const candidates: Forecaster[] = [
    ...(multiSeasonal ? [] : [series.period > 24 ? nonSeasonal(ets()) : ets()]),
    ...(n <= ARIMA_MAX_LENGTH ? [series.period > 24 ? nonSeasonal(arima()) : arima()] : []),
    theta,
    naive2,
    drift,
    ...decompositions,
  ];
  return { candidates, metric: 'mase', intermittent };
}

/** A forecaster fitted as if the series had no season (ETS on weekly data: 52 seasonal states are too many). */
function nonSeasonal(inner: Forecaster): Forecaster {
  return { name: inner.name, fit: (series) => inner.fit({ ...series, period: 1 }) };
}

/** Longest series on which automatic ARIMA is among the default candidates. */
export const ARIMA_MAX_LENGTH = 300;

export interface AutoForecastOptions {
  readonly horizon: number;
  readonly levels?: readonly number[];
  /** Rolling origins for the choice (default 3). */
  readonly origins?: number;
  readonly onProgress?: SelectionOptions['onProgress'];
}

/**
 * Our automatic method: the default candidates for the series, scored on rolling origins, the best forecasting.
 * Demand that has never been negative is not forecast below zero: points and interval bounds are cut at 0.
 */
export function autoForecast(
  series: Series,
  options: AutoForecastOptions,
): Selection & { readonly metric: 'mase' | 'rmsse'; readonly intermittent: boolean } {
  const { candidates, metric, intermittent } = defaultCandidates(series);
  const selection = selectForecaster(series, candidates, {
    horizon: options.horizon,
    metric,
    ...(options.levels === undefined ? {} : { levels: options.levels }),
    ...(options.origins === undefined ? {} : { origins: options.origins }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const nonNegative = series.values.every((v) => v >= 0);
  const forecast = nonNegative ? floorAtZero(selection.forecast) : selection.forecast;
  return { ...selection, forecast, metric, intermittent };
}

function floorAtZero(f: Forecast): Forecast {
  const cut = (band: Readonly<Record<number, Float64Array>>) =>
    Object.fromEntries(Object.entries(band).map(([level, v]) => [level, v.map((x) => Math.max(0, x))]));
  return { mean: f.mean.map((x) => Math.max(0, x)), lower: cut(f.lower), upper: cut(f.upper) };
}
