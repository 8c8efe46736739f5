/**
 * Benchmark forecasters of fpp2 §3.1 and the M4 competition: mean, naive, seasonal naive, drift and Naive2, with the
 * normal prediction intervals of fpp2 Table 3.2 (fpp3 Table 5.2).
 */
import {
  DEFAULT_LEVELS,
  checkHorizon,
  normalForecast,
  type FittedModel,
  type Forecast,
  type Forecaster,
} from './forecaster.js';
import {
  difference,
  mean,
  requireLength,
  seasonallyAdjust,
  standardDeviation,
  type Series,
} from './series.js';

/** A fitted benchmark: a point path and a per-step standard deviation, both functions of the step h ≥ 1. */
function benchmarkModel(options: {
  name: string;
  params: Record<string, number>;
  fitted: Float64Array;
  point: (h: number) => number;
  sd: (h: number) => number;
  /** Multiplicative seasonal index per step h (Naive2's reseasonalisation); 1 when absent. */
  scale?: (h: number) => number;
}): FittedModel {
  const { name, params, fitted, point, sd, scale } = options;
  return {
    name,
    params,
    fitted,
    forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): Forecast {
      checkHorizon(h);
      const steps = Float64Array.from({ length: h }, (_, i) => i + 1);
      return normalForecast(
        steps.map(point),
        steps.map(sd),
        levels,
        scale === undefined ? undefined : steps.map(scale),
      );
    },
  };
}

/** Root mean square of the finite residuals y − fitted (R forecast's `lagwalk` σ: no mean removed). */
function residualRms(values: Float64Array, fitted: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let t = 0; t < values.length; t++) {
    const f = fitted[t] ?? Number.NaN;
    if (Number.isNaN(f)) continue;
    sum += ((values[t] ?? 0) - f) ** 2;
    count++;
  }
  return count === 0 ? Number.NaN : Math.sqrt(sum / count);
}

/** Random walk with lag k: fitted y_{t−k}; forecast repeats the last k values (k = 1 naive, k = m seasonal naive). */
function lagWalk(
  values: Float64Array,
  lag: number,
): { fitted: Float64Array; sigma: number; last: Float64Array } {
  const fitted = Float64Array.from(values, (_, t) => (t >= lag ? (values[t - lag] ?? 0) : Number.NaN));
  return { fitted, sigma: residualRms(values, fitted), last: values.slice(values.length - lag) };
}

/** Naive: ŷ_{T+h} = y_T, σ_h = σ√h (fpp2 §3.1, Table 3.2). */
export const naive: Forecaster = {
  name: 'Naive',
  fit(series: Series): FittedModel {
    requireLength(series, 2, 'naive');
    const { fitted, sigma, last } = lagWalk(series.values, 1);
    const level = last[0] ?? 0;
    return benchmarkModel({
      name: 'Naive',
      params: { sigma },
      fitted,
      point: () => level,
      sd: (h) => sigma * Math.sqrt(h),
    });
  },
};

/** Seasonal naive: ŷ_{T+h} = y_{T+h−m(k+1)}, σ_h = σ√(k + 1) with k = ⌊(h − 1)/m⌋ (fpp2 §3.1, Table 3.2). */
export const seasonalNaive: Forecaster = {
  name: 'SNaive',
  fit(series: Series): FittedModel {
    const m = series.period;
    requireLength(series, m + 1, 'seasonal naive');
    const { fitted, sigma, last } = lagWalk(series.values, m);
    return benchmarkModel({
      name: 'SNaive',
      params: { sigma },
      fitted,
      point: (h) => last[(h - 1) % m] ?? 0,
      sd: (h) => sigma * Math.sqrt(Math.floor((h - 1) / m) + 1),
    });
  },
};

/**
 * Drift: ŷ_{T+h} = y_T + h·(y_T − y_1)/(T − 1), σ_h = σ√(h(1 + h/T)) with σ the standard deviation of the first
 * differences about their mean (fpp2 §3.1, Table 3.2).
 */
export const drift: Forecaster = {
  name: 'Drift',
  fit(series: Series): FittedModel {
    requireLength(series, 3, 'drift');
    const y = series.values;
    const n = y.length;
    const last = y[n - 1] ?? 0;
    const slope = (last - (y[0] ?? 0)) / (n - 1);
    // The slope is the mean of the first differences, so σ is their standard deviation.
    const sigma = standardDeviation(difference(y));
    const fitted = Float64Array.from(y, (_, t) => (t >= 1 ? (y[t - 1] ?? 0) + slope : Number.NaN));
    return benchmarkModel({
      name: 'Drift',
      params: { slope, sigma },
      fitted,
      point: (h) => last + h * slope,
      sd: (h) => sigma * Math.sqrt(h * (1 + h / n)),
    });
  },
};

/** Mean: ŷ_{T+h} = ȳ, σ_h = s√(1 + 1/T) with s the sample standard deviation (fpp2 §3.1, Table 3.2). */
export const meanForecaster: Forecaster = {
  name: 'Mean',
  fit(series: Series): FittedModel {
    requireLength(series, 2, 'mean');
    const y = series.values;
    const n = y.length;
    const mu = mean(y);
    const s = standardDeviation(y);
    return benchmarkModel({
      name: 'Mean',
      params: { mean: mu, sigma: s },
      fitted: new Float64Array(n).fill(mu),
      point: () => mu,
      sd: () => s * Math.sqrt(1 + 1 / n),
    });
  },
};

/**
 * Naive2, the M4 benchmark behind OWA (M4 Competitor's Guide, `naive_seasonal`): when the 90% seasonality test says
 * seasonal, the naive method on the series divided by its classical multiplicative seasonal indices, reseasonalised
 * by the indices of the forecast steps; otherwise plain naive. (It is naive — not seasonal naive — on the adjusted
 * series.) Intervals are the naive ones on the adjusted scale, multiplied by the indices.
 */
export const naive2: Forecaster = {
  name: 'Naive2',
  fit(series: Series): FittedModel {
    requireLength(series, 2, 'Naive2');
    const season = seasonallyAdjust(series);
    const { fitted, sigma, last } = lagWalk(season.adjusted, 1);
    const level = last[0] ?? 0;
    return benchmarkModel({
      name: 'Naive2',
      params: { sigma, seasonal: season.seasonal ? 1 : 0 },
      fitted: fitted.map((f, t) => f * (season.inSample[t] ?? 1)),
      point: () => level,
      sd: (h) => sigma * Math.sqrt(h),
      scale: (h) => season.future(h)[h - 1] ?? 1,
    });
  },
};
