import { describe, expect, it } from 'vitest';
import type { Forecaster } from './forecaster.js';
import {
  COMBINATION,
  autoForecast,
  combineForecasts,
  defaultCandidates,
  selectForecaster,
} from './select.js';
import { makeSeries } from './series.js';
import { drift, meanForecaster, naive, seasonalNaive } from './simple.js';

describe('combineForecasts', () => {
  it('averages points and bounds level by level', () => {
    const a = {
      mean: Float64Array.of(1, 2),
      lower: { 80: Float64Array.of(0, 1) },
      upper: { 80: Float64Array.of(2, 3) },
    };
    const b = {
      mean: Float64Array.of(3, 4),
      lower: { 80: Float64Array.of(2, 2) },
      upper: { 80: Float64Array.of(4, 6) },
    };
    const c = combineForecasts([a, b]);
    expect(Array.from(c.mean)).toEqual([2, 3]);
    expect(Array.from(c.lower[80] ?? [])).toEqual([1, 1.5]);
    expect(Array.from(c.upper[80] ?? [])).toEqual([3, 4.5]);
  });
});

describe('selectForecaster', () => {
  it('scores a rolling origin by hand: naive on a straight line is off by exactly 1, 2 per step', () => {
    // y = t; origins at 6 and 8 with h = 2: naive forecasts y_{end−1} twice, errors 1 and 2 → MAE 1.5;
    // the in-sample naive MAE of a line is 1, so MASE = 1.5; drift is exact (MASE 0) and wins.
    const series = makeSeries([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1);
    const s = selectForecaster(series, [naive, drift], { horizon: 2, origins: 2, combination: false });
    const byName = Object.fromEntries(s.scores.map((x) => [x.method, x]));
    expect(byName.Naive?.mase).toBeCloseTo(1.5, 12);
    expect(byName.Naive?.origins).toBe(2);
    expect(byName.Drift?.mase).toBeCloseTo(0, 12);
    expect(s.best).toBe('Drift');
    expect(Array.from(s.forecast.mean)).toEqual([10, 11]);
  });

  it('picks the seasonal method on a seasonal series and can pick the combination', () => {
    const pattern = [10, 20, 30, 20];
    const series = makeSeries(
      Array.from({ length: 40 }, (_, t) => pattern[t % 4] ?? 0),
      4,
    );
    const s = selectForecaster(series, [naive, seasonalNaive, meanForecaster], { horizon: 4 });
    expect(s.best).toBe('SNaive');
    expect(s.scores.find((x) => x.method === COMBINATION)).toBeDefined();
    expect(Array.from(s.forecast.mean)).toEqual(pattern);
  });

  it('averages only the best candidates: two that err on either side combine, a poor third stays out', () => {
    const constant = (name: string, value: number): Forecaster => ({
      name,
      fit: (series) => ({
        name,
        params: {},
        fitted: series.values.map(() => value),
        forecast: (h) => ({ mean: new Float64Array(h).fill(value), lower: {}, upper: {} }),
      }),
    });
    const series = makeSeries(
      Array.from({ length: 30 }, (_, t) => 10 + (t % 2)),
      1,
    );
    const candidates = [constant('High', 12.5), constant('Low', 8.5), constant('Bad', 100)];
    const two = selectForecaster(series, candidates, { horizon: 4, combine: 2, levels: [] });
    expect(two.best).toBe(COMBINATION);
    expect(two.models.map((m) => m.name)).toEqual(['High', 'Low']);
    expect(Array.from(two.forecast.mean)).toEqual([10.5, 10.5, 10.5, 10.5]);
    // With all three in the mean (40.33) the combination loses to the better single method.
    const three = selectForecaster(series, candidates, { horizon: 4, combine: 3, levels: [] });
    expect(three.best).not.toBe(COMBINATION);
  });

  it('compares only methods it could test at every origin, and says when the series is too short', () => {
    const picky: Forecaster = {
      name: 'Picky',
      fit(series) {
        if (series.values.length < 9) throw new (class extends Error {})('not a UserError');
        return naive.fit(series);
      },
    };
    const series = makeSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1);
    expect(() => selectForecaster(series, [picky], { horizon: 2 })).toThrow(/not a UserError/);
    expect(() => selectForecaster(makeSeries([1, 2, 3], 1), [naive], { horizon: 2 })).toThrow(
      /give more history/,
    );
  });
});

describe('the automatic method', () => {
  it('offers decompositions where the calendar has cycles the data covers', () => {
    const names = (n: number, period: number, value = (t: number) => 10 + (t % period)) =>
      defaultCandidates(
        makeSeries(
          Array.from({ length: n }, (_, t) => value(t)),
          period,
        ),
      ).candidates.map((c) => c.name);
    // Three weeks of hours: a day and a week; MSTL replaces seasonal ETS.
    expect(names(24 * 21, 24)).toEqual(['Theta', 'Naive2', 'Drift', 'SNaive', 'MSTL-ETS', 'MSTL-ETS(log)']);
    // One week of hours: only the day has more than two cycles.
    expect(names(24 * 7, 24)).toEqual([
      'ETS',
      'ARIMA',
      'Theta',
      'Naive2',
      'Drift',
      'SNaive',
      'STL-ETS',
      'STL-ETS(log)',
    ]);
    // Two and a half years of weeks with a zero in them: no log decomposition.
    expect(names(130, 52, (t) => t % 7)).toContain('STL-ETS');
    expect(names(130, 52, (t) => t % 7)).not.toContain('STL-ETS(log)');
    expect(names(40, 1)).toEqual(['ETS', 'ARIMA', 'Theta', 'Naive2', 'Drift']);
  });

  it('does not forecast demand below zero', () => {
    const falling = makeSeries(
      Array.from({ length: 30 }, (_, t) => 60 - 2 * t + (t % 3)),
      1,
    );
    const f = autoForecast(falling, { horizon: 12, levels: [95] }).forecast;
    expect(Math.min(...f.mean, ...(f.lower[95] ?? []))).toBe(0);
    expect(f.mean[11]).toBe(0);
  });
});
