/**
 * ETS against R's forecast::ets on two fpp2 series. The reference values were produced by R (script fit_ets.R) and are
 * recorded in statsmodels' test suite, statsmodels/tsa/tests/results/fit_ets_results_{nonseasonal,seasonal}.json; the
 * data are fpp2::oil (Saudi Arabian oil production 1965–2013) and fpp2::austourists (quarterly visitor nights
 * 1999–2015), as listed in statsmodels/tsa/tests/test_exponential_smoothing.py. R orders seasonal states newest first
 * (s1 = lag 1); here `season[p]` is indexed by phase, so season[p] = s[m − 1 − p] when n is a multiple of m.
 */
import { describe, expect, it } from 'vitest';
import { etsWithParameters, fitEts, type EtsSpec } from './ets.js';
import { makeSeries } from './series.js';

const oil = makeSeries([
  111.0091346, 130.8284341, 141.2870879, 154.2277747, 162.7408654, 192.1664835, 240.7997253, 304.2173901,
  384.0045673, 429.6621566, 359.3169299, 437.2518544, 468.4007898, 424.4353365, 487.9794299, 509.8284478,
  506.3472527, 340.1842374, 240.258921, 219.0327876, 172.0746632, 252.5900922, 221.0710774, 276.5187735,
  271.1479517, 342.6186005, 428.3558357, 442.3945534, 432.7851482, 437.2497186, 437.2091599, 445.3640981,
  453.1950104, 454.409641, 422.3789058, 456.0371217, 440.3866047, 425.1943725, 486.2051735, 500.4290861,
  521.2759092, 508.947617, 488.8888577, 509.870575, 456.7229123, 473.8166029, 525.9508706, 549.8338076,
  542.3404698,
]);

const austourists = makeSeries(
  [
    30.052513, 19.148496, 25.317692, 27.591437, 32.076456, 23.487961, 28.47594, 35.123753, 36.838485,
    25.007017, 30.72223, 28.693759, 36.640986, 23.824609, 29.311683, 31.770309, 35.177877, 19.775244,
    29.60175, 34.538842, 41.273599, 26.655862, 28.279859, 35.191153, 42.20566386, 24.64917133, 32.66733514,
    37.25735401, 45.24246027, 29.35048127, 36.34420728, 41.78208136, 49.27659843, 31.27540139, 37.85062549,
    38.83704413, 51.23690034, 31.83855162, 41.32342126, 42.79900337, 55.70835836, 33.40714492, 42.31663797,
    45.15712257, 59.57607996, 34.83733016, 44.84168072, 46.9712496, 60.01903094, 38.37117851, 46.97586413,
    50.73379646, 61.64687319, 39.29956937, 52.67120908, 54.33231689, 66.83435838, 40.87118847, 51.82853579,
    57.49190993, 65.25146985, 43.06120822, 54.76075713, 59.83447494, 73.25702747, 47.69662373, 61.09776802,
    66.05576122,
  ],
  4,
);

interface Reference {
  series: typeof oil;
  spec: EtsSpec;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** R's initstate: level, trend, then seasonal states newest first. */
  init: number[];
  /** R's last row of states, same order. */
  final: number[];
  firstFitted: number;
  sigma2: number;
  forecast?: number[];
}

const references: Record<string, Reference> = {
  'oil ETS(A,Ad,N)': {
    series: oil,
    spec: { error: 'A', trend: 'Ad', season: 'N' },
    alpha: 0.99989969,
    beta: 0.11886985,
    gamma: 0,
    phi: 0.80000197,
    init: [36.46466837, 34.72584983],
    final: [542.341751, 3.76297155],
    firstFitted: 64.24541648,
    sigma2: 2524.87915822,
    forecast: [545.35213563, 547.76044926, 549.68710489, 551.22843318],
  },
  'oil ETS(M,Ad,N)': {
    series: oil,
    spec: { error: 'M', trend: 'Ad', season: 'N' },
    alpha: 0.92024781,
    beta: 0.00010003,
    gamma: 0,
    phi: 0.96360848,
    init: [36.95199158, 35.03197857],
    final: [543.25371532, 5.68646694],
    firstFitted: 70.70910331,
    sigma2: 0.02699609,
    forecast: [548.73324311, 554.01336256, 559.10133046, 564.00413949],
  },
  'austourists ETS(A,Ad,A)': {
    series: austourists,
    spec: { error: 'A', trend: 'Ad', season: 'A' },
    alpha: 0.35445427,
    beta: 0.03200749,
    gamma: 0.39993387,
    phi: 0.97999997,
    init: [24.01278357, 0.97770147, 1.76951063, -0.50735902, -6.61171798, 5.34956637],
    final: [62.00340579, 0.70652496, 3.58786407, -0.07474503, -11.75693566, 13.38188051],
    firstFitted: 30.32049735,
    sigma2: 6.0830734,
    forecast: [76.07768073, 51.61741109, 63.96457729, 68.27886241],
  },
  'austourists ETS(M,Ad,A)': {
    series: austourists,
    spec: { error: 'M', trend: 'Ad', season: 'A' },
    alpha: 0.31114284,
    beta: 0.04721388,
    gamma: 0.30950232,
    phi: 0.8708892,
    init: [21.67128194, 1.98691433, 1.03750831, -1.37168288, -6.10365176, 6.43782633],
    final: [59.29023429, 0.62538316, 5.66660225, 2.16097312, -9.20020909, 15.35058016],
    firstFitted: 29.8394905,
    sigma2: 0.00470153,
  },
};

/** R's [level, trend, s1 … sm] (newest season first) as a state indexed by phase. */
function fromR(values: number[], m: number) {
  const [level = 0, trend = 0, ...newestFirst] = values;
  const season =
    m === 1 ? new Float64Array(1) : Float64Array.from({ length: m }, (_, p) => newestFirst[m - 1 - p] ?? 0);
  return { level, trend, season };
}

/** |actual − expected| ≤ 1e-6·max(1, |expected|): R's printed parameters carry 8 decimals. */
function expectNear(actual: number | undefined, expected: number): void {
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(expected)),
  );
}

describe("ETS reproduces R's forecast::ets", () => {
  for (const [name, r] of Object.entries(references)) {
    const m = r.spec.season === 'N' ? 1 : r.series.period;
    const parameters = { alpha: r.alpha, beta: r.beta, gamma: r.gamma, phi: r.phi };
    const model = etsWithParameters(r.series, r.spec, parameters, fromR(r.init, m));

    it(`${name}: with R's parameters, the same fitted values, final states and σ² = SSE/(n − np) (rel. 1e-6)`, () => {
      expectNear(model.fitted[0], r.firstFitted);
      const final = fromR(r.final, m);
      expectNear(model.final.level, final.level);
      expectNear(model.final.trend, final.trend);
      final.season.forEach((s, p) => expectNear(model.final.season[p], s));
      expectNear(model.sigma2 / r.sigma2, 1);
      if (r.forecast !== undefined) {
        const mean = model.forecast(4, []).mean;
        r.forecast.forEach((f, i) => expectNear(mean[i], f));
      }
    });

    it(`${name}: our maximum likelihood is at least as good as R's (lik ≤ R's + 1e-6)`, () => {
      expect(fitEts(r.series, r.spec).lik).toBeLessThanOrEqual(model.lik + 1e-6);
    });
  }
});
