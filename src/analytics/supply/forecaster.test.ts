import { describe, expect, it } from 'vitest';
import { normalForecast, simulatedForecast, sortedQuantile } from './forecaster.js';

describe('interval helpers', () => {
  it('type-7 quantiles as R quantile(): 1..5 at 0.1 is 1.4, at 0.5 is 3', () => {
    expect(sortedQuantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 14);
    expect(sortedQuantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
  });

  it('normal bands are mean ± z·sd, then scaled', () => {
    const fc = normalForecast(Float64Array.of(10), Float64Array.of(2), [95], Float64Array.of(0.5));
    expect(fc.mean[0]).toBe(5);
    expect(fc.upper[95]?.[0]).toBeCloseTo((10 + 1.959963984540054 * 2) * 0.5, 12);
  });

  it('simulated bands are the empirical quantiles per step', () => {
    const paths = [1, 2, 3, 4, 5].map((v) => Float64Array.of(v, 10 * v));
    const fc = simulatedForecast(Float64Array.of(3, 30), paths, [80]);
    expect(fc.lower[80]?.[0]).toBeCloseTo(1.4, 14);
    expect(fc.upper[80]?.[1]).toBeCloseTo(46, 12);
  });
});
