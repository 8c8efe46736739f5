import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { gamma, lnGamma, normalCdf, normalPdf, normalQuantile, normalSf } from './normal.js';

// Reference values computed with mpmath at 30 significant digits (mp.ncdf, √2·erfinv(2p − 1), mp.loggamma).
const CDF: readonly (readonly [number, number])[] = [
  [-10, 7.619853024160525e-24],
  [-5, 2.866515718791939e-7],
  [-3, 0.0013498980316300946],
  [-1, 0.15865525393145705],
  [-0.5, 0.3085375387259869],
  [0, 0.5],
  [0.3, 0.6179114221889527],
  [0.7, 0.758036347776927],
  [1, 0.8413447460685429],
  [1.96, 0.9750021048517795],
  [3, 0.9986501019683699],
  [6, 0.9999999990134123],
];

const relative = (actual: number, expected: number): number =>
  Math.abs(actual - expected) / Math.abs(expected);

describe('normalCdf (Cody)', () => {
  it.each(CDF)('Φ(%d) to 1e-15 relative', (x, expected) => {
    expect(relative(normalCdf(x), expected)).toBeLessThan(1e-15);
  });

  it('keeps relative precision in the upper tail through normalSf', () => {
    expect(relative(normalSf(10), 7.619853024160525e-24)).toBeLessThan(1e-14);
    expect(relative(normalSf(5), 2.866515718791939e-7)).toBeLessThan(1e-14);
  });

  it('is symmetric and saturates far out', () => {
    for (const x of [0.1, 0.6744, 0.7, 2.5, 5.7, 7]) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it('pdf is exp(−x²/2)/√(2π)', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(normalPdf(1.5)).toBeCloseTo(0.12951759566589174, 15);
  });
});

describe('normalQuantile (Acklam + Halley)', () => {
  it.each([
    [1e-10, -6.361340902404057],
    [0.001, -3.0902323061678136],
    [0.02, -2.053748910631823],
    [0.025, -1.9599639845400543],
    [0.3, -0.5244005127080408],
    [0.7, 0.5244005127080407],
    [0.975, 1.9599639845400538],
    [0.999, 3.090232306167813],
  ])('Φ⁻¹(%d)', (p, expected) => {
    expect(relative(normalQuantile(p), expected)).toBeLessThan(2e-15);
  });

  it('inverts normalCdf across the range', () => {
    for (const x of [-8, -5, -2.2, -1, -0.1, 0.4, 1.5, 3.3]) {
      expect(relative(normalQuantile(normalCdf(x)), x)).toBeLessThan(1e-13);
    }
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('returns ±Infinity at 0 and 1 and rejects probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(UserError);
    expect(() => normalQuantile(Number.NaN)).toThrow(UserError);
  });
});

describe('lnGamma / gamma (Lanczos)', () => {
  it('matches known values', () => {
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(relative(lnGamma(10), 12.80182748008147)).toBeLessThan(1e-14);
    expect(relative(lnGamma(100), 359.1342053695754)).toBeLessThan(1e-14);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 13);
    expect(relative(gamma(5), 24)).toBeLessThan(1e-14);
    expect(relative(gamma(2.5), 1.329340388179137)).toBeLessThan(1e-13);
  });

  it('rejects x ≤ 0', () => {
    expect(() => lnGamma(0)).toThrow(UserError);
    expect(() => lnGamma(-1)).toThrow(UserError);
  });
});
