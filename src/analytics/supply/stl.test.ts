import { describe, expect, it } from 'vitest';
import { mstl, stl } from './stl.js';

// A trend, a daily and a weekly cycle and a deterministic saw-tooth "noise", the same formula evaluated in R 4.2 with
// forecast 8.20 (Debian r-cran-forecast) to produce the reference values below:
//   t <- 0:503; y <- 10 + 0.01*t + 3*sin(2*pi*t/24) + 2*cos(2*pi*t/168) + ((t*7919) %% 13)/13
//   stl(ts(y, frequency = 24), s.window = 11);  stl(ts(y[1:503], frequency = 24), s.window = 11, robust = TRUE);  mstl(msts(y, seasonal.periods = c(24, 168)))
const t = Array.from({ length: 504 }, (_, i) => i);
const y = t.map(
  (i) =>
    10 +
    0.01 * i +
    3 * Math.sin((2 * Math.PI * i) / 24) +
    2 * Math.cos((2 * Math.PI * i) / 168) +
    ((i * 7919) % 13) / 13,
);
const at = [1, 2, 50, 251, 503, 504].map((i) => i - 1); // R's 1-based indices

function expectClose(actual: Float64Array, expected: readonly number[]): void {
  at.forEach((i, k) => expect(actual[i]).toBeCloseTo(expected[k] ?? Number.NaN, 9));
}

describe('STL against R stats::stl', () => {
  it('reproduces the seasonal and trend components (s.window = 11)', () => {
    const fit = stl(y, { period: 24, seasonalWindow: 11 });
    expectClose(
      fit.seasonal,
      [-0.086667413731, 0.8013748881, 0.7989506211, 1.498750629759, -1.517006648942, -0.799775865831],
    );
    expectClose(
      fit.trend,
      [12.57040428456, 12.54725223229, 10.457455523172, 11.056280515188, 17.593328627307, 17.641140166112],
    );
    fit.remainder.forEach((r, i) =>
      expect(r + (fit.seasonal[i] ?? 0) + (fit.trend[i] ?? 0)).toBeCloseTo(y[i] ?? 0, 12),
    );
  });

  it('reproduces the robust fit and its weights (odd length)', () => {
    // On an odd length the median absolute residual is one order statistic. On even lengths R's robust fit drifts
    // from ours by up to 1e-4 and alternates between two states from pass to pass, while ours converges: R's
    // partial sort is asked for the two middle ranks in descending order; its non-robust fit agrees on any length.
    const fit = stl(y.slice(0, 503), { period: 24, seasonalWindow: 11, robust: true });
    const idx = [1, 2, 50, 251, 502, 503].map((i) => i - 1);
    const check = (actual: Float64Array, expected: readonly number[]) =>
      idx.forEach((i, k) => expect(actual[i]).toBeCloseTo(expected[k] ?? Number.NaN, 9));
    check(
      fit.seasonal,
      [-0.078310914221, 0.797640431011, 0.795786860569, 1.500400745485, -2.212776461224, -1.532545034038],
    );
    check(
      fit.trend,
      [12.580541967808, 12.556280121399, 10.460337845167, 11.070201608677, 17.59012636174, 17.641605046879],
    );
    check(
      fit.weights,
      [0.792393154278, 0.855624037264, 0.999154812455, 0.990697648468, 0.849342743943, 0.888008617648],
    );
  });

  it('refuses two or fewer full periods', () => {
    expect(() => stl(y.slice(0, 48), { period: 24, seasonalWindow: 11 })).toThrow(
      /more than two full periods/,
    );
  });
});

describe('MSTL against R forecast::mstl', () => {
  it('reproduces the trend, the daily and weekly components and the remainder', () => {
    const fit = mstl(y, [168, 24]);
    expect(fit.seasonals.map((s) => s.period)).toEqual([24, 168]);
    expectClose(
      fit.trend,
      [10.555743566095, 10.56481900943, 11.003295327764, 12.961610765222, 15.375113017879, 15.384029917496],
    );
    expectClose(
      fit.seasonals[0]?.values ?? new Float64Array(),
      [-0.081037712365, 0.815291130704, 0.817373038038, 1.505230276433, -1.515490808946, -0.796613624988],
    );
    expectClose(
      fit.seasonals[1]?.values ?? new Float64Array(),
      [1.908488730194, 1.664236155989, -0.68428023767, -2.002036969447, 2.091362275873, 2.261786961264],
    );
    expectClose(
      fit.remainder,
      [-0.383194583924, -0.105441597392, 0.150892455432, 0.002326794967, -0.205807659674, -0.212443594887],
    );
  });

  it('drops a period with two or fewer cycles in the data, as R does', () => {
    const fit = mstl(y.slice(0, 336), [24, 168]);
    expect(fit.seasonals.map((s) => s.period)).toEqual([24]);
  });
});
