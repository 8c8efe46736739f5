import { describe, expect, it } from 'vitest';
import { seededNormal } from '../../random.js';
import { fitGp } from './gp.js';

const raw = { scaleInputs: false, standardizeOutputs: false } as const;

describe('fitGp with fixed hyperparameters (Rasmussen & Williams Algorithm 2.1, by hand)', () => {
  // X = [0, 1], y = [1, −1], SE kernel ℓ = 1, σf² = 1, σn² = 0.1. With k = e^{−½}:
  // K + σn²I = [[1.1, k], [k, 1.1]], det = 1.21 − e^{−1}; y is the eigenvector (1, −1) with eigenvalue 1.1 − k, so
  // α = y / (1.1 − k). At x* = 0, k* = (1, k): mean = (1 − k)/(1.1 − k) = 0.3934693/0.4934693 = 0.7973532;
  // k*ᵀ(K + σn²I)⁻¹k* = (1.1 − 2k² + 1.1k²)/det = (1.1 − 0.9e^{−1})/det, variance = 1 − that = 0.0869377;
  // log p(y) = −½·yᵀα − ½ log det − log 2π = −½·2/(1.1 − k) − ½ ln 0.8421206 − ln 2π = −3.7784294.
  const gp = fitGp([[0], [1]], [1, -1], {
    ...raw,
    kernel: 'squared-exponential',
    hyperparameters: { lengthScales: [1], signalVariance: 1, noiseVariance: 0.1 },
  });

  it('gives the hand-computed posterior mean and variance', () => {
    const p = gp.predict([0]);
    expect(p.mean).toBeCloseTo(0.7973531649569837, 12);
    expect(p.variance).toBeCloseTo(0.08693773725783194, 12);
    expect(p.observationVariance).toBeCloseTo(0.08693773725783194 + 0.1, 12);
    // Midway the antisymmetric data predict exactly 0.
    expect(gp.predict([0.5]).mean).toBeCloseTo(0, 12);
  });

  it('gives the hand-computed log marginal likelihood', () => {
    expect(gp.logMarginalLikelihood).toBeCloseTo(-3.7784293700981553, 12);
  });

  it('uses the Matérn 5/2 kernel k(r) = (1 + √5r + 5r²/3)e^{−√5r}', () => {
    // One point at 0 with y = 1, σn² = 0.01: at r = 1, k = (1 + √5 + 5/3)e^{−√5} = 0.5239941,
    // mean = k/1.01 = 0.5188060, variance = 1 − k²/1.01 = 0.7281487.
    const m = fitGp([[0]], [1], {
      ...raw,
      kernel: 'matern52',
      hyperparameters: { lengthScales: [1], signalVariance: 1, noiseVariance: 0.01 },
    });
    expect(m.predict([1]).mean).toBeCloseTo(0.5188060483483369, 12);
    expect(m.predict([1]).variance).toBeCloseTo(0.7281486870391549, 12);
  });
});

describe('fitGp by maximum marginal likelihood', () => {
  const noise = seededNormal(3);
  const X = Array.from({ length: 15 }, (_, i) => [(2 * Math.PI * i) / 14]);
  const y = X.map(([x]) => Math.sin(x ?? 0) + 0.01 * noise());

  for (const kernel of ['squared-exponential', 'matern52'] as const) {
    it(`interpolates sin(x) from 15 noisy points (${kernel})`, () => {
      const gp = fitGp(X, y, { kernel, seed: 1 });
      for (let x = 0.1; x < 2 * Math.PI; x += 0.37) {
        expect(Math.abs(gp.predict([x]).mean - Math.sin(x))).toBeLessThan(0.03);
      }
      // The fitted noise is small: the learned sd in original units is within a factor of 3 of the true 0.01.
      const { noiseVariance } = gp.hyperparameters;
      const p0 = gp.predict(X[7] ?? [0]);
      const noiseVar = p0.observationVariance - p0.variance;
      expect(Math.sqrt(noiseVar)).toBeLessThan(0.03);
      expect(noiseVariance).toBeGreaterThan(0);
      // At a training point the latent variance is below the noise variance, so the observation variance is ≈ noise.
      expect(p0.variance).toBeLessThan(noiseVar);
      expect(p0.observationVariance).toBeLessThan(2 * noiseVar);
      // Far away the variance returns to the prior signal variance (in original units).
      const far = gp.predict([60]);
      const sdY = Math.sqrt(
        y.reduce((a, v) => a + (v - y.reduce((s, w) => s + w, 0) / y.length) ** 2, 0) / y.length,
      );
      expect(far.variance).toBeCloseTo(gp.hyperparameters.signalVariance * sdY * sdY, 6);
    });
  }

  it('learns a long length-scale for an irrelevant input (ARD)', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [(i % 6) / 5, Math.floor(i / 6) / 4]);
    const out = rows.map(([a]) => Math.cos(3 * (a ?? 0)));
    const gp = fitGp(rows, out, { seed: 2 });
    const [l1 = 0, l2 = 0] = gp.hyperparameters.lengthScales;
    expect(l2).toBeGreaterThan(5 * l1);
  });

  it('rejects mismatched inputs', () => {
    expect(() => fitGp([[0], [1]], [1])).toThrow(/outputs/);
  });
});
