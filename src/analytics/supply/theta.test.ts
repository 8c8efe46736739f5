import { describe, expect, it } from 'vitest';
import { fitEts } from './ets.js';
import { makeSeries } from './series.js';
import { theta, trendSlope } from './theta.js';
import { seededNormal } from '../random.js';

describe('Theta (Hyndman & Billah 2003)', () => {
  it('trend slope by least squares', () => {
    expect(trendSlope([1, 3, 5, 7])).toBeCloseTo(2, 14);
  });

  it('is SES plus half the trend slope, b/2·(h − 1 + (1 − (1 − α)^n)/α), on a non-seasonal series', () => {
    const z = seededNormal(5);
    const y = makeSeries(Array.from({ length: 40 }, (_, t) => 10 + 0.5 * t + z()));
    const fit = theta.fit(y);
    const ses = fitEts(y, { error: 'A', trend: 'N', season: 'N' });
    const alpha = ses.parameters.alpha;
    const b = trendSlope(y.values);
    const fc = fit.forecast(3, [95]);
    for (let h = 1; h <= 3; h++) {
      const expected = ses.final.level + (b / 2) * (h - 1 + (1 - (1 - alpha) ** 40) / alpha);
      expect(fc.mean[h - 1]).toBeCloseTo(expected, 10);
    }
    expect(fit.params.seasonal).toBe(0);
    expect((fc.upper[95]?.[2] ?? 0) - (fc.upper[95]?.[0] ?? 0)).toBeGreaterThan(
      (fc.mean[2] ?? 0) - (fc.mean[0] ?? 0),
    );
  });

  it('reseasonalises with the classical multiplicative indices on a seasonal series', () => {
    const pattern = [0.6, 1.4, 0.9, 1.1];
    const y = makeSeries(
      Array.from({ length: 32 }, (_, t) => 100 * (pattern[t % 4] ?? 0)),
      4,
    );
    const fit = theta.fit(y);
    expect(fit.params.seasonal).toBe(1);
    // flat adjusted level 100, zero slope → forecasts are 100 × the next phases
    const fc = fit.forecast(4);
    pattern.forEach((p, i) => expect(fc.mean[i]).toBeCloseTo(100 * p, 6));
  });
});
