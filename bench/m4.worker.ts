/**
 * Forecasts a share of the M4 series in a worker thread for bench/m4.ts (one worker per core). Posts
 * { type: 'series' } after each series and { type: 'done' } at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Forecast, type Forecaster } from '../src/analytics/supply/forecaster.js';
import { autoForecast, combineForecasts } from '../src/analytics/supply/select.js';
import { type Series, makeSeries } from '../src/analytics/supply/series.js';
import { naive2, seasonalNaive } from '../src/analytics/supply/simple.js';
import { stlForecast } from '../src/analytics/supply/stl-forecast.js';
import { theta } from '../src/analytics/supply/theta.js';
import { ets } from '../src/analytics/supply/ets.js';

export interface M4WorkerInput {
  /** `auto` (our automatic method) or one fixed method: naive2, snaive, theta, ets, mstl. */
  readonly method: string;
  /** The M4 seasonal period of the frequency (24 hourly, 1 weekly). */
  readonly period: number;
  /** The period our methods are told (hourly 24; weekly 52: a year of weeks). */
  readonly calendarPeriod: number;
  readonly horizon: number;
  readonly series: readonly { readonly id: string; readonly values: readonly number[] }[];
}

export interface M4WorkerForecast {
  readonly id: string;
  readonly mean: number[];
  readonly lo95: number[];
  readonly hi95: number[];
  readonly chosen: string;
  readonly ms: number;
}

const fixed: Record<string, (period: number) => Forecaster> = {
  naive2: () => naive2,
  snaive: () => seasonalNaive,
  theta: () => theta,
  ets: () => ets(),
  mstl: () => stlForecast(),
  'mstl-log': () => stlForecast({ log: true }),
  'mstl-theta': () => stlForecast({ adjusted: 'theta' }),
  'mstl-arima': () => stlForecast({ adjusted: 'arima' }),
  stl24: () => stlForecast({ periods: [24] }),
};

/** A fixed method, or the equal-weight mean of several joined by "+" (e.g. mstl+snaive). */
function fitFixed(method: string, series: Series, h: number): { f: Forecast; name: string } {
  const parts = method.split('+').map((name) => {
    const make = fixed[name];
    if (make === undefined) throw new Error(`unknown method ${name}`);
    const model = make(series.period).fit(series);
    return { f: model.forecast(h, [95]), name: model.name };
  });
  const first = parts[0];
  if (parts.length === 1 && first !== undefined) return first;
  return { f: combineForecasts(parts.map((p) => p.f)), name: method };
}

const port = parentPort;
if (port !== null) {
  const input = workerData as M4WorkerInput;
  const out: M4WorkerForecast[] = [];
  for (const s of input.series) {
    const started = performance.now();
    const usesCalendar = input.method === 'auto' || input.method.includes('stl');
    const series = makeSeries(s.values, usesCalendar ? input.calendarPeriod : input.period);
    let mean: Float64Array;
    let lo: Float64Array | undefined;
    let hi: Float64Array | undefined;
    let chosen: string;
    if (input.method === 'auto') {
      const selection = autoForecast(series, { horizon: input.horizon, levels: [95] });
      ({ mean } = selection.forecast);
      lo = selection.forecast.lower[95];
      hi = selection.forecast.upper[95];
      chosen =
        selection.best === 'Combination' ? 'Combination' : (selection.models[0]?.name ?? selection.best);
    } else {
      const { f, name } = fitFixed(input.method, series, input.horizon);
      ({ mean } = f);
      lo = f.lower[95];
      hi = f.upper[95];
      chosen = name;
    }
    out.push({
      id: s.id,
      mean: [...mean],
      lo95: [...(lo ?? mean)],
      hi95: [...(hi ?? mean)],
      chosen,
      ms: performance.now() - started,
    });
    port.postMessage({ type: 'series' });
  }
  port.postMessage({ type: 'done', forecasts: out });
}
