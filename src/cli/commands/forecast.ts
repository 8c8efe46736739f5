/**
 * `gemba forecast --input demand.csv [--column demand] --horizon H [--period m] [--method auto|ets|arima|theta|naive2|
 *   snaive|drift|croston|sba|tsb] [--levels 80,95] [--origins 3] [--plot fan.svg|png] [--json]`
 * Forecasts one demand series from a file here. With `auto` (the default) the candidates — ETS and ARIMA chosen by
 * AICc (ARIMA up to 300 observations), Theta, Naive2 and drift, chosen by MASE; for intermittent demand (a third or
 * more zero periods) Croston, SBA and TSB, chosen by RMSSE — and their equal-weight combination are tested on a
 * rolling origin, and the best forecasts; the table of their scores is printed. Prints the forecast with its intervals and draws the fan chart.
 */
import { basename } from 'node:path';
import { arima } from '../../analytics/supply/arima.js';
import { ets } from '../../analytics/supply/ets.js';
import type { Forecast, Forecaster } from '../../analytics/supply/forecaster.js';
import { croston, sba, tsb } from '../../analytics/supply/intermittent.js';
import { type MethodScore, autoForecast } from '../../analytics/supply/select.js';
import { makeSeries } from '../../analytics/supply/series.js';
import { drift, naive2, seasonalNaive } from '../../analytics/supply/simple.js';
import { stlForecast } from '../../analytics/supply/stl-forecast.js';
import { theta } from '../../analytics/supply/theta.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import { type Progress, progressBar } from '../progress.js';
import { column, numberFlag, plotTarget, readInput, readTable, writePlot } from './spc.js';

const METHODS: Record<string, () => Forecaster> = {
  ets: () => ets(),
  arima: () => arima(),
  theta: () => theta,
  naive2: () => naive2,
  snaive: () => seasonalNaive,
  mstl: () => stlForecast(),
  drift: () => drift,
  croston: () => croston(),
  sba: () => sba(),
  tsb: () => tsb(),
};

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');

export async function forecastCommand(args: ParsedArgs): Promise<string> {
  const usage = 'gemba forecast --input demand.csv --horizon H';
  const input = stringFlag(args, 'input') ?? stringFlag(args, 'file');
  if (input === undefined) throw new UserError('invalid_input', `usage: ${usage}`);
  const { file, text } = readInput({ ...args, flags: { ...args.flags, file: input } }, usage);
  const horizon = numberFlag(args, 'horizon');
  if (horizon === undefined || !Number.isInteger(horizon) || horizon < 1) {
    throw new UserError('invalid_input', '--horizon must be a whole number of periods ≥ 1');
  }
  const plot = plotTarget(args);
  const table = readTable(text);
  const name = stringFlag(args, 'column') ?? table.columns.at(-1) ?? '';
  const series = makeSeries(column(table, name), numberFlag(args, 'period') ?? 1);
  const levels = (stringFlag(args, 'levels') ?? '80,95').split(',').map(Number);
  const method = stringFlag(args, 'method') ?? 'auto';
  let forecast: Forecast;
  let chosen: string;
  let scores: readonly MethodScore[] = [];
  if (method === 'auto') {
    // A bar once the test has run a second (long hourly or seasonal series): fits done of candidates × origins.
    const started = Date.now();
    let bar: Progress | undefined;
    const selection = autoForecast(series, {
      horizon,
      levels,
      origins: numberFlag(args, 'origins') ?? 3,
      onProgress: (done, total, fitted) => {
        if (bar === undefined && Date.now() - started < 1000) return;
        bar ??= progressBar('testing candidates', total);
        bar.update(done, fitted);
      },
    });
    bar?.finish(`chose ${selection.best}`);
    forecast = selection.forecast;
    scores = selection.scores;
    chosen =
      selection.models.length === 1
        ? (selection.models[0]?.name ?? selection.best)
        : `${selection.best} of ${selection.models.map((m) => m.name).join(', ')}`;
  } else {
    const make = METHODS[method];
    if (!make)
      throw new UserError('invalid_input', `--method is auto or one of ${Object.keys(METHODS).join(', ')}`);
    const model = make().fit(series);
    forecast = model.forecast(horizon, levels);
    chosen = model.name;
  }
  if (plot !== undefined) {
    const { renderFanChartSvg } = await import('../../analytics/supply/fan-plot.js');
    await writePlot(
      plot,
      renderFanChartSvg({
        title: `${name} of ${basename(file)}: ${chosen}, ${horizon} periods ahead`,
        history: series.values,
        mean: forecast.mean,
        lower: forecast.lower,
        upper: forecast.upper,
        valueLabel: name,
      }),
    );
  }
  if (boolFlag(args, 'json')) {
    const arrays = (r: Record<number, Float64Array>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v]]));
    return JSON.stringify(
      {
        model: chosen,
        scores,
        mean: [...forecast.mean],
        lower: arrays(forecast.lower),
        upper: arrays(forecast.upper),
      },
      null,
      2,
    );
  }
  const out = [
    `${name} of ${basename(file)}: ${series.values.length} periods (m = ${series.period}); model ${chosen}`,
  ];
  if (scores.length > 0) {
    out.push(
      '',
      `rolling-origin test (${scores[0]?.origins ?? 0} origins × ${horizon} periods): method, sMAPE, MASE, RMSSE, coverage`,
    );
    for (const s of [...scores].sort((a, b) => a.mase - b.mase)) {
      out.push(
        `  ${s.method.padEnd(14)} ${fmt(s.smape).padStart(8)} ${fmt(s.mase).padStart(7)} ${fmt(s.rmsse).padStart(7)}  ${levels.map((l) => `${l}%: ${fmt((s.coverage[l] ?? Number.NaN) * 100)}`).join('  ')}`,
      );
    }
  }
  out.push(
    '',
    `period ${'forecast'.padStart(10)}  ${levels.map((l) => `${l}% interval`.padStart(22)).join('')}`,
  );
  forecast.mean.forEach((m, i) => {
    const bands = levels
      .map((l) =>
        `${fmt(forecast.lower[l]?.[i] ?? Number.NaN)} – ${fmt(forecast.upper[l]?.[i] ?? Number.NaN)}`.padStart(
          22,
        ),
      )
      .join('');
    out.push(`${String(series.values.length + i + 1).padStart(6)} ${fmt(m).padStart(10)}  ${bands}`);
  });
  if (plot !== undefined) out.push('', `fan chart written to ${plot.path}`);
  return out.join('\n');
}
