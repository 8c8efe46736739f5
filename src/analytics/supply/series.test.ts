import { describe, expect, it } from 'vitest';
import {
  acf,
  centredMovingAverage,
  classicalSeasonalIndices,
  coverage,
  difference,
  isSeasonal,
  lagged,
  makeSeries,
  mae,
  mase,
  owa,
  rmse,
  rmsse,
  smape,
} from './series.js';
import { seededNormal } from '../random.js';

describe('series helpers', () => {
  it('validates values and period', () => {
    expect(() => makeSeries([1, Number.NaN])).toThrow(/not a finite/);
    expect(() => makeSeries([1, 2], 0)).toThrow(/period/);
    expect(makeSeries([1, 2], 4, 1000)).toMatchObject({ period: 4, start: 1000 });
  });

  it('differences and lags', () => {
    expect([...difference([1, 4, 9, 16])]).toEqual([3, 5, 7]);
    // seasonal difference with m = 2 (fpp2 §8.1: y_t − y_{t−m})
    expect([...difference([1, 4, 9, 16], 2)]).toEqual([8, 12]);
    expect([...lagged([1, 2, 3], 1)]).toEqual([Number.NaN, 1, 2]);
  });

  it('acf by hand: 1, 2, 3, 4', () => {
    // deviations −1.5, −0.5, 0.5, 1.5; Σd² = 5; r1 = (0.75 − 0.25 + 0.75)/5; r2 = (−0.75 − 0.75)/5
    const r = acf([1, 2, 3, 4], 2);
    expect(r[0]).toBeCloseTo(0.25, 14);
    expect(r[1]).toBeCloseTo(-0.3, 14);
  });

  it('a 2×4-MA reproduces a straight line, and classical indices recover an exact multiplicative pattern', () => {
    const line = centredMovingAverage([1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(Number.isNaN(line[1] ?? 0)).toBe(true);
    expect([...line.subarray(2, 6)]).toEqual([3, 4, 5, 6]);
    const pattern = [0.5, 1.5, 0.8, 1.2];
    const y = Array.from({ length: 12 }, (_, t) => 10 * (pattern[t % 4] ?? 0));
    const indices = classicalSeasonalIndices(y, 4);
    pattern.forEach((p, i) => expect(indices[i]).toBeCloseTo(p, 12));
  });

  it('the M4 90% seasonality test', () => {
    const seasonal = Array.from({ length: 48 }, (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 12));
    expect(isSeasonal(seasonal, 12)).toBe(true);
    expect(isSeasonal(seasonal.slice(0, 35), 12)).toBe(false); // fewer than 3m observations
    expect(isSeasonal(seasonal, 1)).toBe(false);
    const z = seededNormal(7);
    const noise = Array.from({ length: 120 }, () => z());
    // For white noise r_12 is about N(0, 1/n): at this seed it is well inside the limit.
    expect(isSeasonal(noise, 12)).toBe(false);
  });
});

describe('accuracy measures', () => {
  it('MAE, RMSE and the M4 sMAPE by hand', () => {
    expect(mae([1, 2, 3], [2, 2, 5])).toBe(1);
    expect(rmse([1, 2, 3], [2, 2, 5])).toBeCloseTo(Math.sqrt(5 / 3), 14);
    // 200·10/210 and 200·20/380
    expect(smape([100, 200], [110, 180])).toBeCloseTo((2000 / 210 + 4000 / 380) / 2, 12);
    expect(smape([0], [0])).toBe(0);
    expect(() => mae([1], [1, 2])).toThrow(/equally long/);
  });

  it('MASE and RMSSE scale by the in-sample (seasonal) naive errors', () => {
    // in-sample 1, 2, 4, 7: naive errors 1, 2, 3 → MAE 2, MSE 14/3
    expect(mase([8, 10], [7, 7], [1, 2, 4, 7])).toBeCloseTo(1, 14);
    expect(rmsse([8, 10], [7, 7], [1, 2, 4, 7])).toBeCloseTo(Math.sqrt(5 / (14 / 3)), 14);
    // m = 2: |4 − 1|, |7 − 2| → scale 4; forecast MAE 2 → 0.5
    expect(mase([8, 10], [7, 7], [1, 2, 4, 7], 2)).toBeCloseTo(0.5, 14);
  });

  it('interval coverage counts the bounds as inside', () => {
    expect(coverage([1, 2, 3, 4], [0, 2, 4, 0], [1, 3, 5, 3])).toBe(0.5);
  });

  it('OWA reproduces the published M4 table (Evaluation and Ranks.xlsx, Point Forecasts-Frequency)', () => {
    // Theta, Hourly: sMAPE 18.138, MASE 2.455; Naive2 Hourly 18.383, 2.395 → OWA 1.006
    expect(owa({ smape: 18.138, mase: 2.455, smapeNaive2: 18.383, maseNaive2: 2.395 })).toBeCloseTo(1.006, 3);
    // Damped, Weekly: 8.866, 2.404; Naive2 Weekly 9.161, 2.777 → OWA 0.917
    expect(owa({ smape: 8.866, mase: 2.404, smapeNaive2: 9.161, maseNaive2: 2.777 })).toBeCloseTo(0.917, 3);
  });
});
