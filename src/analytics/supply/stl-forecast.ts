/**
 * Forecasting through a seasonal decomposition (fpp2 §6.8, R's `forecast::stlf` and `forecast(mstl(…))`): the
 * seasonally adjusted series (trend + remainder) is forecast by a non-seasonal model and each seasonal component by
 * repeating its last cycle. With several periods (MSTL) this is the method for hourly demand, whose daily profile
 * differs between weekdays and weekends.
 */
import { UserError } from '../../domain/errors.js';
import {
  DEFAULT_LEVELS,
  type FittedModel,
  type Forecast,
  type Forecaster,
  checkHorizon,
} from './forecaster.js';
import { autoArima } from './arima.js';
import { autoEts } from './ets.js';
import { type Series, makeSeries } from './series.js';
import { mstl } from './stl.js';
import { theta } from './theta.js';

/** The calendar cycles of a sampling period: hourly data has a day and a week, half-hourly the same in halves. */
export function calendarPeriods(period: number): number[] {
  if (period === 24 || period === 168) return [24, 168];
  if (period === 48 || period === 336) return [48, 336];
  if (period === 96) return [96, 672];
  return period >= 2 ? [period] : [];
}

export interface StlForecastOptions {
  /** Seasonal periods to remove (default: calendarPeriods(series.period)). Those with ≤ 2 cycles are dropped. */
  readonly periods?: readonly number[];
  /** The model of the seasonally adjusted series: automatic non-seasonal ETS (default), ARIMA or Theta. */
  readonly adjusted?: 'ets' | 'arima' | 'theta';
  /** Decompose the logarithms (a season whose swing grows with the level); only for positive data. */
  readonly log?: boolean;
}

/** The model's name: `MSTL-ETS`, `STL-Theta`, `MSTL-ETS(log)`, …. */
export function stlForecastName(options: StlForecastOptions, periods: number): string {
  const model = options.adjusted === 'theta' ? 'Theta' : options.adjusted === 'arima' ? 'ARIMA' : 'ETS';
  return `${periods > 1 ? 'MSTL' : 'STL'}-${model}${options.log === true ? '(log)' : ''}`;
}

/** A decomposition forecaster; fitting throws UserError when no period has more than two cycles of data. */
export function stlForecast(options: StlForecastOptions = {}): Forecaster {
  return {
    name: stlForecastName(options, options.periods?.length ?? 2),
    fit(series: Series): FittedModel {
      const periods = options.periods ?? calendarPeriods(series.period);
      if (periods.length === 0) {
        throw new UserError('invalid_input', 'a seasonal decomposition needs a seasonal period ≥ 2');
      }
      const log = options.log === true;
      if (log && !series.values.every((v) => v > 0)) {
        throw new UserError('invalid_input', 'a log decomposition needs strictly positive data');
      }
      const y = log ? series.values.map(Math.log) : series.values;
      const parts = mstl(y, periods);
      const adjusted = makeSeries(
        parts.trend.map((t, i) => t + (parts.remainder[i] ?? 0)),
        1,
      );
      const model =
        options.adjusted === 'theta'
          ? theta.fit(adjusted)
          : options.adjusted === 'arima'
            ? autoArima(adjusted)
            : autoEts(adjusted);
      const n = y.length;
      const seasonAt = (t: number): number => {
        let s = 0;
        for (const { period, values } of parts.seasonals)
          s += values[t < n ? t : n - period + ((t - n) % period)] ?? 0;
        return s;
      };
      const back = log ? Math.exp : (v: number) => v;
      const name = stlForecastName(options, parts.seasonals.length);
      return {
        name: `${name.replace(/\(log\)$/, '')}[${model.name}]${log ? '(log)' : ''}`,
        params: {
          ...Object.fromEntries(parts.seasonals.map((s, i) => [`period${i + 1}`, s.period])),
          ...Object.fromEntries(Object.entries(model.params).map(([k, v]) => [`adjusted.${k}`, v])),
        },
        fitted: model.fitted.map((f, t) => back(f + seasonAt(t))),
        ...(model.aicc === undefined ? {} : { aicc: model.aicc }),
        forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): Forecast {
          checkHorizon(h);
          const f = model.forecast(h, levels);
          const season = Float64Array.from({ length: h }, (_, i) => seasonAt(n + i));
          const shift = (band: Float64Array) => band.map((v, i) => back(v + (season[i] ?? 0)));
          const lower: Record<number, Float64Array> = {};
          const upper: Record<number, Float64Array> = {};
          for (const level of levels) {
            const lo = f.lower[level];
            const hi = f.upper[level];
            if (lo) lower[level] = shift(lo);
            if (hi) upper[level] = shift(hi);
          }
          return { mean: shift(f.mean), lower, upper };
        },
      };
    },
  };
}
