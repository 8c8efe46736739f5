import { describe, expect, it } from 'vitest';
import { seededNormal } from '../random.js';
import { arima, autoArima, fitArima, type ArimaSpec } from './arima.js';
import {
  applyDifferencing,
  armaAutocovariance,
  differencingPolynomial,
  expandArma,
  fromStationary,
  integrate,
  psiWeights,
  rootsOutside,
  stationaryCovariance,
  toStationary,
} from './arima-state.js';
import { etsFilter } from './ets.js';
import { makeSeries } from './series.js';

const spec = (p: number, d: number, q: number, constant = false): ArimaSpec => ({
  p,
  d,
  q,
  P: 0,
  D: 0,
  Q: 0,
  constant,
});

/** y_t = c + φ y_{t−1} + θ ε_{t−1} + ε_t from a seeded generator, after a burn-in of 100. */
function simulateArma(n: number, options: { phi?: number; theta?: number; c?: number; seed: number }) {
  const z = seededNormal(options.seed);
  const out: number[] = [];
  let y = 0;
  let ePrev = 0;
  for (let t = 0; t < n + 100; t++) {
    const e = z();
    y = (options.c ?? 0) + (options.phi ?? 0) * y + (options.theta ?? 0) * ePrev + e;
    ePrev = e;
    if (t >= 100) out.push(y);
  }
  return out;
}

describe('polynomials and transforms', () => {
  it('multiplies out seasonal polynomials by hand: (1 − 0.5B)(1 − 0.3B⁴) and (1 + 0.4B)(1 + 0.2B⁴)', () => {
    const { phi, theta } = expandArma({ ar: [0.5], ma: [0.4], sar: [0.3], sma: [0.2] }, 4);
    // 1 − 0.5B − 0.3B⁴ + 0.15B⁵ → φ = (0.5, 0, 0, 0.3, −0.15); 1 + 0.4B + 0.2B⁴ + 0.08B⁵
    expect([...phi].map((v) => +v.toFixed(12))).toEqual([0.5, 0, 0, 0.3, -0.15]);
    expect([...theta].map((v) => +v.toFixed(12))).toEqual([0.4, 0, 0, 0.2, 0.08]);
  });

  it('maps partial autocorrelations to AR coefficients by Durbin–Levinson and back', () => {
    // PACF (0.5, 0.2): φ22 = 0.2, φ21 = 0.5 − 0.2·0.5 = 0.4
    const phi = toStationary([Math.atanh(0.5), Math.atanh(0.2)]);
    expect(phi[0]).toBeCloseTo(0.4, 14);
    expect(phi[1]).toBeCloseTo(0.2, 14);
    const back = fromStationary(phi);
    expect(back?.[0]).toBeCloseTo(Math.atanh(0.5), 12);
    expect(fromStationary([1.2])).toBeUndefined();
    expect(fromStationary([0.5, 0.6])).toBeUndefined(); // φ1 + φ2 > 1: a root inside the unit circle
  });

  it('checks roots against a radius: AR(1) φ = 0.995 has its root at 1.005', () => {
    expect(rootsOutside([0.995])).toBe(true);
    expect(rootsOutside([0.995], 1.01)).toBe(false);
    expect(rootsOutside([0.5, 0.6])).toBe(false);
    expect(rootsOutside([0.4, 0.2])).toBe(true);
  });

  it('differencing (1 − B)(1 − B⁴) and integration round-trip', () => {
    const delta = differencingPolynomial(1, 1, 4);
    // 1 − B − B⁴ + B⁵ = 1 − Σδ_k B^k
    expect([...delta]).toEqual([1, 0, 0, 1, -1]);
    const y = simulateArma(30, { phi: 0.5, seed: 3 }).map((v, t) => v + t + (t % 4) * 3);
    const w = applyDifferencing(y, delta);
    expect(w.length).toBe(25);
    const head = y.slice(0, 12);
    const rebuilt = integrate(w.slice(12 - 5), head, delta);
    rebuilt.forEach((v, i) => expect(v).toBeCloseTo(y[12 + i] ?? Number.NaN, 10));
  });

  it('ψ-weights of ARMA(1,1): ψ_j = (φ + θ)φ^{j−1}', () => {
    const psi = psiWeights([0.5], [0.4], 4);
    expect([...psi].map((v) => +v.toFixed(12))).toEqual([1, 0.9, 0.45, 0.225]);
  });
});

describe('stationary moments (Brockwell & Davis §3.2)', () => {
  it('ARMA(1,1) autocovariances: γ0 = (1 + 2φθ + θ²)/(1 − φ²), γ1 = (1 + φθ)(φ + θ)/(1 − φ²)', () => {
    const g = armaAutocovariance([0.5], [0.4], 2);
    expect(g?.[0]).toBeCloseTo(1.56 / 0.75, 12);
    expect(g?.[1]).toBeCloseTo((1.2 * 0.9) / 0.75, 12);
    expect(g?.[2]).toBeCloseTo((0.5 * 1.2 * 0.9) / 0.75, 12);
  });

  it('the state covariance solves P = T P T′ + R R′ for a seasonal ARMA', () => {
    const { phi, theta } = expandArma({ ar: [0.5, -0.2], ma: [0.3], sar: [0.4], sma: [-0.5] }, 4);
    const r = Math.max(phi.length, theta.length + 1);
    const P = stationaryCovariance(phi, theta, r) ?? [];
    const ph = (i: number) => phi[i] ?? 0;
    const rv = (i: number) => (i === 0 ? 1 : (theta[i - 1] ?? 0));
    const at = (i: number, j: number) => (i < r && j < r ? (P[i]?.[j] ?? 0) : 0);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        const tpt =
          ph(i) * ph(j) * at(0, 0) +
          ph(i) * at(0, j + 1) +
          ph(j) * at(i + 1, 0) +
          at(i + 1, j + 1) +
          rv(i) * rv(j);
        expect(at(i, j)).toBeCloseTo(tpt, 10);
      }
    }
  });
});

describe('fitting', () => {
  it('recovers φ and the mean of a long simulated AR(1)', () => {
    // φ = 0.6, c = 4 (mean 10), n = 2000: the standard error of φ̂ is √((1 − φ²)/n) ≈ 0.018
    const model = fitArima(makeSeries(simulateArma(2000, { phi: 0.6, c: 4, seed: 11 })), spec(1, 0, 0, true));
    expect(Math.abs((model.params.ar1 ?? 0) - 0.6)).toBeLessThan(0.05);
    expect(Math.abs((model.params.intercept ?? 0) - 10)).toBeLessThan(0.2);
    expect(Math.abs(model.sigma2 - 1)).toBeLessThan(0.1);
  });

  it('ARIMA(0,1,0) is the naive method with σ√h intervals (σ² = Σ(Δy)²/(n − 1))', () => {
    const model = fitArima(makeSeries([1, 3, 2, 5, 4]), spec(0, 1, 0));
    // Δy = 2, −1, 3, −1: Σ = 15 over 4 differences
    expect(model.sigma2).toBeCloseTo(15 / 4, 12);
    const f = model.forecast(3, [95]);
    expect([...f.mean]).toEqual([4, 4, 4]);
    const z = 1.959963984540054;
    [1, 2, 3].forEach((h, i) => expect(f.upper[95]?.[i]).toBeCloseTo(4 + z * Math.sqrt(3.75 * h), 10));
  });

  it('ARIMA(0,1,1) without constant is simple exponential smoothing with α = 1 + θ', () => {
    const z = seededNormal(5);
    let level = 50;
    const y = Array.from({ length: 300 }, () => {
      level += 0.5 * z();
      return level + z();
    });
    const model = fitArima(makeSeries(y), spec(0, 1, 1));
    const alpha = 1 + (model.coefficients.ma[0] ?? 0);
    expect(alpha).toBeGreaterThan(0);
    expect(alpha).toBeLessThan(1);
    const ses = etsFilter(
      y,
      { error: 'A', trend: 'N', season: 'N' },
      { alpha, beta: 0, gamma: 0, phi: 1 },
      {
        level: y[0] ?? 0,
        trend: 0,
        season: new Float64Array(1),
      },
    );
    const f = model.forecast(4, [80]);
    f.mean.forEach((v) => expect(v).toBeCloseTo(ses.final.level, 8));
    // SES variance σ²(1 + α²(h − 1)) (fpp2 Table 7.8)
    const k = 1.2815515655446004;
    [1, 2, 3, 4].forEach((h, i) =>
      expect((f.upper[80]?.[i] ?? 0) - (f.mean[i] ?? 0)).toBeCloseTo(
        k * Math.sqrt(model.sigma2 * (1 + alpha * alpha * (h - 1))),
        10,
      ),
    );
  });

  it('drift: ARIMA(0,1,0) with drift forecasts the mean difference', () => {
    const y = [10, 12, 13, 15, 18, 19, 21, 24, 25, 27];
    const model = fitArima(makeSeries(y), spec(0, 1, 0, true));
    // ML mean of the differences of a white-noise model is their sample mean: (27 − 10)/9
    expect(model.params.drift).toBeCloseTo(17 / 9, 5);
    expect(model.forecast(2).mean[1]).toBeCloseTo(27 + (2 * 17) / 9, 4);
  });

  it('seasonal fit: ARIMA(0,1,1)(0,1,1)[4] gives finite, widening intervals and a residual per differenced point', () => {
    const z = seededNormal(9);
    let level = 20;
    const y = Array.from({ length: 80 }, (_, t) => {
      level += 0.3 * z();
      return level + ([3, -1, -4, 2][t % 4] ?? 0) + 0.5 * z();
    });
    const model = fitArima(makeSeries(y, 4), { p: 0, d: 1, q: 1, P: 0, D: 1, Q: 1, constant: false });
    expect(model.name).toBe('ARIMA(0,1,1)(0,1,1)[4]');
    expect(model.residuals.length).toBe(75);
    const f = model.forecast(8, [95]);
    const width = (i: number) => (f.upper[95]?.[i] ?? 0) - (f.lower[95]?.[i] ?? 0);
    expect(width(7)).toBeGreaterThan(width(0));
    expect(f.mean.every(Number.isFinite)).toBe(true);
  });

  it('refuses orders a series cannot carry, as a UserError', () => {
    expect(() => fitArima(makeSeries([1, 2, 3, 4]), spec(3, 0, 3, true))).toThrow(/needs more than/);
    expect(() => fitArima(makeSeries([1, 2, 3, 4, 5, 6]), { ...spec(0, 0, 0), P: 1 })).toThrow(
      /seasonal period/,
    );
  });
});

describe('automatic ARIMA', () => {
  it('a constant series is ARIMA(0,0,0) with its value as mean', () => {
    const model = autoArima(makeSeries([5, 5, 5, 5, 5, 5]));
    expect(model.name).toBe('ARIMA(0,0,0) with non-zero mean');
    expect([...model.forecast(2).mean]).toEqual([5, 5]);
  });

  it('differences a random walk and fits a seasonal series deterministically', () => {
    const z = seededNormal(21);
    let level = 0;
    const walk = Array.from({ length: 120 }, () => (level += z()));
    expect(autoArima(makeSeries(walk)).spec.d).toBe(1);
    const seasonal = Array.from({ length: 60 }, (_, t) => ([6, -2, -7, 3][t % 4] ?? 0) + z() + t * 0.05);
    const forecaster = arima();
    const a = forecaster.fit(makeSeries(seasonal, 4));
    const b = forecaster.fit(makeSeries(seasonal, 4));
    expect(a.name).toBe(b.name);
    expect([...a.forecast(8).mean]).toEqual([...b.forecast(8).mean]);
    expect(a.name).toMatch(/\(\d,1,\d\)\[4\]/);
  });

  it('with the CSS approximation the search ends in a model refitted by exact likelihood', () => {
    const y = simulateArma(120, { phi: 0.7, c: 3, seed: 17 });
    const model = autoArima(makeSeries(y), { approximation: true });
    expect(model.method).toBe('CSS-ML');
    expect(Number.isFinite(model.loglik)).toBe(true);
    expect(model.admissible).toBe(true);
  });

  it('names fixed-order forecasters by their orders', () => {
    expect(arima().name).toBe('ARIMA');
    expect(arima({ model: { p: 0, d: 1, q: 1, P: 0, D: 1, Q: 1, constant: false } }).name).toBe(
      'ARIMA(0,1,1)(0,1,1)',
    );
  });
});
