import { describe, expect, it } from 'vitest';
import { seededNormal } from '../random.js';
import {
  admissibleSpecs,
  autoEts,
  etsFilter,
  fitEts,
  informationCriteria,
  initialStates,
  simulateEts,
  type EtsSpec,
} from './ets.js';
import { simulatedForecast } from './forecaster.js';
import { makeSeries } from './series.js';

/** A non-seasonal initial state. */
const flat = (level: number, trend: number) => ({ level, trend, season: new Float64Array(1) });

const ANN: EtsSpec = { error: 'A', trend: 'N', season: 'N' };
const ANA: EtsSpec = { error: 'A', trend: 'N', season: 'A' };

/** A seeded ETS(A,N,A) series: level 100, quarterly pattern ±10, σ = 1, α = 0.3, γ = 0.2. */
function seasonalSeries(n: number) {
  const [path] = simulateEts({
    spec: ANA,
    parameters: { alpha: 0.3, beta: 0, gamma: 0.2, phi: 1 },
    state: { level: 100, trend: 0, season: Float64Array.from([10, -5, -10, 5]) },
    n: 0,
    sigma: 1,
    h: n,
    paths: 1,
    seed: 2024,
  });
  return makeSeries(path ?? [], 4);
}

describe('ETS recursions (Hyndman et al. 2008, ch. 2)', () => {
  it('simple exponential smoothing by hand: α = 0.5, ℓ0 = 4 on 3, 5, 4', () => {
    // ŷ1 = 4, e = −1, ℓ1 = 3.5; ŷ2 = 3.5, e = 1.5, ℓ2 = 4.25; ŷ3 = 4.25, e = −0.25, ℓ3 = 4.125
    const run = etsFilter([3, 5, 4], ANN, { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, flat(4, 0));
    expect([...run.fitted]).toEqual([4, 3.5, 4.25]);
    expect([...run.residuals]).toEqual([-1, 1.5, -0.25]);
    expect(run.final.level).toBe(4.125);
    expect(run.lik).toBeCloseTo(3 * Math.log(1 + 2.25 + 0.0625), 12);
  });

  it("Holt's linear trend by hand: α = 0.5, β = 0.25 (β* = 0.5), ℓ0 = 10, b0 = 1", () => {
    // ŷ1 = 11, y1 = 13, e = 2: ℓ1 = 11 + 0.5·2 = 12, b1 = 1 + 0.25·2 = 1.5; ŷ2 = 13.5 = y2, so e = 0 and the states stay
    const run = etsFilter(
      [13, 13.5],
      { error: 'A', trend: 'A', season: 'N' },
      { alpha: 0.5, beta: 0.25, gamma: 0, phi: 1 },
      flat(10, 1),
    );
    expect(run.fitted[1]).toBe(13.5);
    expect(run.final.level).toBe(13.5);
    expect(run.final.trend).toBe(1.5);
  });

  it('multiplicative error: relative errors and the 2Σlog|ŷ| term of the likelihood', () => {
    // ETS(M,N,N), α = 0.5, ℓ0 = 4: ŷ = 4, 3.5; e = (3 − 4)/4, (5 − 3.5)/3.5
    const run = etsFilter(
      [3, 5],
      { error: 'M', trend: 'N', season: 'N' },
      { alpha: 0.5, beta: 0, gamma: 0, phi: 1 },
      flat(4, 0),
    );
    const e1 = -0.25;
    const e2 = 1.5 / 3.5;
    expect(run.lik).toBeCloseTo(2 * Math.log(e1 * e1 + e2 * e2) + 2 * (Math.log(4) + Math.log(3.5)), 12);
  });

  it('AIC, AICc and BIC formulas (fpp2 §7.6)', () => {
    const ic = informationCriteria(100, 3, 20);
    expect(ic.aic).toBe(106);
    expect(ic.aicc).toBeCloseTo(106 + (2 * 3 * 4) / 16, 12);
    expect(ic.bic).toBeCloseTo(100 + 3 * Math.log(20), 12);
  });

  it('initial states: level is the mean of the first 10 values for a non-trended model (R initstate)', () => {
    const y = Float64Array.from({ length: 20 }, (_, t) => t + 1);
    expect(initialStates(y, ANN, 1).level).toBe(5.5);
    const holt = initialStates(y, { error: 'A', trend: 'A', season: 'N' }, 1);
    expect(holt.level).toBeCloseTo(0, 10);
    expect(holt.trend).toBeCloseTo(1, 10);
  });
});

describe('ETS estimation and selection', () => {
  it('recovers the parameters of a simulated ETS(A,N,A) approximately', () => {
    const model = fitEts(seasonalSeries(400), ANA);
    expect(model.parameters.alpha).toBeGreaterThan(0.2);
    expect(model.parameters.alpha).toBeLessThan(0.4);
    expect(model.parameters.gamma).toBeGreaterThan(0.1);
    expect(model.parameters.gamma).toBeLessThan(0.3);
    expect(Math.sqrt(model.sigma2)).toBeGreaterThan(0.85);
    expect(Math.sqrt(model.sigma2)).toBeLessThan(1.15);
  });

  it('selects a seasonal model on a strongly seasonal series and a non-seasonal one on white noise', () => {
    expect(autoEts(seasonalSeries(120)).spec.season).not.toBe('N');
    const z = seededNormal(11);
    const noise = makeSeries(
      Array.from({ length: 120 }, () => 50 + z()),
      4,
    );
    const chosen = autoEts(noise);
    expect(chosen.spec.season).toBe('N');
    expect(chosen.spec.trend).toBe('N');
  });

  it('lists only admissible models', () => {
    const positive = admissibleSpecs(
      makeSeries(
        Array.from({ length: 24 }, (_, t) => t + 1),
        12,
      ),
    );
    expect(positive).toHaveLength(15); // A: 3 trends × {N, A}; M: 3 trends × {N, A, M}
    expect(positive.some((s) => s.error === 'A' && s.season === 'M')).toBe(false);
    expect(admissibleSpecs(makeSeries([0, 1, 2, 3], 1))).toHaveLength(3);
    expect(
      admissibleSpecs(
        makeSeries(
          Array.from({ length: 23 }, (_, t) => t + 1),
          12,
        ),
      ),
    ).toHaveLength(6);
  });

  it('ETS(A,N,N) forecasts are flat, with σ√(1 + α²(h − 1)) intervals growing in h', () => {
    const z = seededNormal(3);
    const model = fitEts(makeSeries(Array.from({ length: 60 }, () => 20 + z())), ANN);
    const fc = model.forecast(6, [95]);
    expect(new Set(fc.mean).size).toBe(1);
    expect(fc.mean[0]).toBeCloseTo(model.final.level, 12);
    const upper = fc.upper[95] ?? new Float64Array(0);
    const a = model.parameters.alpha;
    for (let h = 1; h <= 6; h++) {
      const width = (upper[h - 1] ?? 0) - (fc.mean[h - 1] ?? 0);
      expect(width).toBeCloseTo(1.959963984540054 * Math.sqrt(model.sigma2 * (1 + a * a * (h - 1))), 10);
    }
  });

  it('multiplicative models get seeded simulated intervals that widen with h and repeat exactly', () => {
    const y = makeSeries(
      [...seasonalSeries(80).values].map((v) => v * 2),
      4,
    );
    const model = fitEts(y, { error: 'M', trend: 'N', season: 'M' });
    const a = model.forecast(12, [80, 95]);
    const b = model.forecast(12, [80, 95]);
    expect([...(a.upper[95] ?? [])]).toEqual([...(b.upper[95] ?? [])]);
    const width = (h: number) => (a.upper[95]?.[h] ?? 0) - (a.lower[95]?.[h] ?? 0);
    expect(width(11)).toBeGreaterThan(width(0));
    for (let h = 0; h < 12; h++) {
      expect(a.lower[95]?.[h]).toBeLessThan(a.lower[80]?.[h] ?? 0);
      expect(a.lower[80]?.[h]).toBeLessThan(a.mean[h] ?? 0);
      expect(a.upper[80]?.[h]).toBeGreaterThan(a.mean[h] ?? 0);
    }
  });

  it('simulated paths of a linear model reproduce its analytical intervals', () => {
    const model = fitEts(seasonalSeries(200), ANA);
    const analytic = model.forecast(8, [95]);
    const paths = simulateEts({
      spec: ANA,
      parameters: model.parameters,
      state: model.final,
      n: 200,
      sigma: Math.sqrt(model.sigma2),
      h: 8,
      paths: 20000,
      seed: 9,
    });
    const simulated = simulatedForecast(analytic.mean, paths, [95]);
    for (let h = 0; h < 8; h++) {
      const a = (analytic.upper[95]?.[h] ?? 0) - (analytic.mean[h] ?? 0);
      const s = (simulated.upper[95]?.[h] ?? 0) - (analytic.mean[h] ?? 0);
      expect(Math.abs(s / a - 1)).toBeLessThan(0.05);
    }
  });

  it('starts seasonal states from a trend + Fourier regression when 2m ≤ n < 3m (R initstate)', () => {
    // y = 10 + t + 3·cos(2πt/4) exactly: the regression is exact, so the seasonal states are 3·cos(2πt/4)
    const y = Float64Array.from(
      { length: 10 },
      (_, i) => 10 + (i + 1) + 3 * Math.cos((2 * Math.PI * (i + 1)) / 4),
    );
    const init = initialStates(y, ANA, 4);
    expect(init.season[1]).toBeCloseTo(3 * Math.cos(Math.PI), 8);
    expect(init.season[2]).toBeCloseTo(3 * Math.cos(1.5 * Math.PI), 8);
    expect(init.season[3]).toBeCloseTo(3 * Math.cos(2 * Math.PI), 8);
    expect(init.season[0]).toBeCloseTo(
      -(init.season[1] ?? 0) - (init.season[2] ?? 0) - (init.season[3] ?? 0),
      12,
    );
  });

  it('refuses multiplicative models on data that are not strictly positive', () => {
    expect(() =>
      fitEts(makeSeries([1, 0, 2, 3, 4, 5, 6, 7, 8]), { error: 'M', trend: 'N', season: 'N' }),
    ).toThrow(/strictly positive/);
  });
});
