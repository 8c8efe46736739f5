import { describe, expect, it } from 'vitest';
import { drift, meanForecaster, naive, naive2, seasonalNaive } from './simple.js';
import { makeSeries } from './series.js';

const Z95 = 1.959963984540054;
const Z80 = 1.2815515655446004;

describe('benchmark forecasters (fpp2 §3.1, Table 3.2)', () => {
  it('naive: last value, σ√h with σ the RMS of the one-step differences', () => {
    // residuals 2, −1, 3 → σ² = 14/3
    const fc = naive.fit(makeSeries([1, 3, 2, 5])).forecast(4, [95]);
    const sigma = Math.sqrt(14 / 3);
    expect([...fc.mean]).toEqual([5, 5, 5, 5]);
    expect(fc.upper[95]?.[3]).toBeCloseTo(5 + Z95 * sigma * 2, 12);
    expect(fc.lower[95]?.[0]).toBeCloseTo(5 - Z95 * sigma, 12);
  });

  it('seasonal naive: last season repeated, σ√(⌊(h−1)/m⌋ + 1)', () => {
    // m = 2, residuals y_t − y_{t−2}: 2, 3, 1, 2 → σ² = 18/4
    const fc = seasonalNaive.fit(makeSeries([1, 2, 3, 5, 4, 7], 2)).forecast(3, [80]);
    const sigma = Math.sqrt(4.5);
    expect([...fc.mean]).toEqual([4, 7, 4]);
    expect((fc.upper[80]?.[1] ?? 0) - 7).toBeCloseTo(Z80 * sigma, 12);
    expect((fc.upper[80]?.[2] ?? 0) - 4).toBeCloseTo(Z80 * sigma * Math.SQRT2, 12);
  });

  it('drift: the line through the first and last values, σ√(h(1 + h/T))', () => {
    // differences 1, 2, 3: slope 2, residuals −1, 0, 1 → σ² = 2/(4 − 2) = 1
    const fc = drift.fit(makeSeries([1, 2, 4, 7])).forecast(2, [95]);
    expect([...fc.mean]).toEqual([9, 11]);
    expect((fc.upper[95]?.[1] ?? 0) - 11).toBeCloseTo(Z95 * Math.sqrt(2 * (1 + 2 / 4)), 12);
  });

  it('mean: ȳ with s√(1 + 1/T)', () => {
    const fc = meanForecaster.fit(makeSeries([2, 4, 6])).forecast(1, [95]);
    expect(fc.mean[0]).toBe(4);
    expect(fc.upper[95]?.[0]).toBeCloseTo(4 + Z95 * 2 * Math.sqrt(4 / 3), 12);
  });

  it('Naive2 is naive on a non-seasonal series', () => {
    const y = makeSeries([5, 7, 6, 8, 7, 9, 8, 10, 9, 11, 10, 12], 4);
    const a = naive2.fit(y).forecast(5);
    const b = naive.fit(y).forecast(5);
    expect(naive2.fit(y).params.seasonal).toBe(0);
    expect([...a.mean]).toEqual([...b.mean]);
    expect([...(a.upper[95] ?? [])]).toEqual([...(b.upper[95] ?? [])]);
  });

  it('Naive2 carries the last adjusted level forward and reseasonalises it', () => {
    const pattern = [0.5, 1.5, 0.8, 1.2];
    const y = makeSeries(
      Array.from({ length: 24 }, (_, t) => 10 * (pattern[t % 4] ?? 0)),
      4,
    );
    const fit = naive2.fit(y);
    expect(fit.params.seasonal).toBe(1);
    const fc = fit.forecast(6);
    [5, 15, 8, 12, 5, 15].forEach((v, i) => expect(fc.mean[i]).toBeCloseTo(v, 10));
  });

  it('rejects a horizon that is not a positive integer and levels outside (0, 100)', () => {
    const fit = naive.fit(makeSeries([1, 2, 3]));
    expect(() => fit.forecast(0)).toThrow(/horizon/);
    expect(() => fit.forecast(2, [100])).toThrow(/level/);
  });
});
