import { describe, expect, it } from 'vitest';
import { etsWithParameters, fitEts } from './ets.js';
import { makeSeries } from './series.js';
import { mstl } from './stl.js';
import { calendarPeriods, stlForecast } from './stl-forecast.js';

// The series of stl.test.ts: a trend, a daily and a weekly cycle and a saw-tooth; R 4.2 / forecast 8.20:
//   forecast(mstl(msts(y, seasonal.periods = c(24, 168))), h = 48, level = 95)
// fits ETS(A,A,N) to the seasonally adjusted series and forecasts 17.2662568123 17.8083932137 … (values below).
const y = Array.from(
  { length: 504 },
  (_, i) =>
    10 +
    0.01 * i +
    3 * Math.sin((2 * Math.PI * i) / 24) +
    2 * Math.cos((2 * Math.PI * i) / 168) +
    ((i * 7919) % 13) / 13,
);

describe('decomposition forecasts (MSTL + ETS)', () => {
  it('fits the model R fits to the adjusted series, at a likelihood at least as good, and forecasts as R does', () => {
    const model = stlForecast().fit(makeSeries(y, 24));
    expect(model.name).toBe('MSTL-ETS[ETS(A,A,N)]');
    expect(model.params.period1).toBe(24);
    expect(model.params.period2).toBe(168);
    // R's Nelder–Mead stops at α = 0.07758 with −2·loglik = 1658.9613 (loglik −829.480668137); the same objective
    // evaluated at R's parameters gives the same value here, and our search goes on to α = 0.0616 and 1657.597.
    const parts = mstl(y, [24, 168]);
    const adjusted = makeSeries(
      parts.trend.map((t, i) => t + (parts.remainder[i] ?? 0)),
      1,
    );
    const spec = { error: 'A', trend: 'A', season: 'N' } as const;
    const atR = etsWithParameters(
      adjusted,
      spec,
      { alpha: 0.0775772397264, beta: 1.00000016871e-4, gamma: 0, phi: 1 },
      { level: 10.5601023302, trend: 0.00946446572832, season: Float64Array.of(0) },
    );
    expect(atR.lik).toBeCloseTo(2 * 829.480668137, 5);
    expect(fitEts(adjusted, spec).lik).toBeLessThanOrEqual(atR.lik);
    // Hence forecasts within 0.01 of R's (a level of about 15–18), not to the last digit.
    const f = model.forecast(48, [95]);
    [
      [0, 17.2662568123],
      [1, 17.8083932137],
      [23, 15.877728497],
      [47, 14.5113053776],
    ].forEach(([i = 0, v = 0]) => expect(Math.abs((f.mean[i] ?? 0) - v)).toBeLessThan(0.01));
    expect(Math.abs((f.lower[95]?.[0] ?? 0) - 16.8117684517)).toBeLessThan(0.02);
    expect(Math.abs((f.upper[95]?.[47] ?? 0) - 15.0296443915)).toBeLessThan(0.05);
  });

  it('keeps a weekly profile that a daily seasonal naive cannot see', () => {
    // Weekdays at 100 with a midday peak, weekends at 20: four weeks of history, forecast the next two days
    // (a Saturday and a Sunday).
    const hourly = Array.from({ length: 24 * 7 * 4 + 24 * 5 }, (_, t) => {
      const day = Math.floor(t / 24) % 7;
      const hour = t % 24;
      return (day < 5 ? 100 : 20) + (hour >= 9 && hour < 17 ? 30 : 0);
    });
    const f = stlForecast().fit(makeSeries(hourly, 24)).forecast(48);
    const weekend = Array.from({ length: 48 }, (_, t) => 20 + (t % 24 >= 9 && t % 24 < 17 ? 30 : 0));
    f.mean.forEach((v, i) => expect(v).toBeCloseTo(weekend[i] ?? 0, 0));
  });

  it('decomposes logarithms when asked, for a swing that grows with the level', () => {
    const growing = Array.from(
      { length: 24 * 21 },
      (_, t) => (100 + t) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24)),
    );
    const plain = stlForecast({ periods: [24] })
      .fit(makeSeries(growing, 24))
      .forecast(24).mean;
    const logged = stlForecast({ periods: [24], log: true })
      .fit(makeSeries(growing, 24))
      .forecast(24).mean;
    const truth = Array.from(
      { length: 24 },
      (_, i) => (100 + 504 + i) * (1 + 0.5 * Math.sin((2 * Math.PI * (504 + i)) / 24)),
    );
    const err = (f: Float64Array) => f.reduce((s, v, i) => s + Math.abs(v - (truth[i] ?? 0)), 0) / 24;
    expect(err(logged)).toBeLessThan(err(plain));
    expect(err(logged)).toBeLessThan(2);
    expect(() => stlForecast({ log: true }).fit(makeSeries([0, ...growing.slice(1)], 24))).toThrow(
      /strictly positive/,
    );
  });

  it('names the calendar cycles of a sampling period and refuses a series without one', () => {
    expect(calendarPeriods(24)).toEqual([24, 168]);
    expect(calendarPeriods(52)).toEqual([52]);
    expect(calendarPeriods(1)).toEqual([]);
    expect(() => stlForecast().fit(makeSeries(y, 1))).toThrow(/seasonal period/);
  });
});
