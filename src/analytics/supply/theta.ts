/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000, IJF 16(4)) in the form Hyndman & Billah (2003, IJF 19(2))
 * showed equivalent — simple exponential smoothing with drift equal to half the slope of the linear trend — with the
 * M4 benchmark's classical multiplicative seasonal adjustment when the 90% seasonality test says so; as R's
 * forecast::thetaf.
 */
import {
  DEFAULT_LEVELS,
  checkHorizon,
  normalForecast,
  type FittedModel,
  type Forecaster,
} from './forecaster.js';
import { fitEts } from './ets.js';
import { makeSeries, mean, requireLength, seasonallyAdjust, type Series } from './series.js';

/** Least-squares slope of values against 0, 1, …, n − 1. */
export function trendSlope(values: ArrayLike<number>): number {
  const n = values.length;
  const tBar = (n - 1) / 2;
  const yBar = mean(values);
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - tBar) * ((values[t] ?? 0) - yBar);
    den += (t - tBar) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Theta: ŷ_{n+h} = SES_{n+h} + (b/2)·(h − 1 + (1 − (1 − α)^n)/α) on the seasonally adjusted series, b the trend
 * slope, with the SES intervals σ√(1 + α²(h − 1)) (Hyndman & Billah 2003 §3; forecast::thetaf), reseasonalised.
 */
export const theta: Forecaster = {
  name: 'Theta',
  fit(series: Series): FittedModel {
    requireLength(series, 7, 'Theta');
    const n = series.values.length;
    const season = seasonallyAdjust(series);
    const ses = fitEts(makeSeries(season.adjusted, 1), { error: 'A', trend: 'N', season: 'N' });
    const alpha = Math.max(1e-10, ses.parameters.alpha);
    const drift = trendSlope(season.adjusted) / 2;
    return {
      name: 'Theta',
      params: {
        alpha,
        drift,
        l0: ses.initial.level,
        sigma2: ses.sigma2,
        seasonal: season.seasonal ? 1 : 0,
      },
      fitted: ses.fitted.map((f, t) => f * (season.inSample[t] ?? 1)),
      forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS) {
        checkHorizon(h);
        const base = ses.forecast(h, []).mean;
        const point = base.map((f, i) => f + drift * (i + (1 - (1 - alpha) ** n) / alpha));
        const sd = point.map((_, i) => Math.sqrt(ses.sigma2 * (1 + alpha * alpha * i)));
        return normalForecast(point, sd, levels, season.future(h));
      },
    };
  },
};
