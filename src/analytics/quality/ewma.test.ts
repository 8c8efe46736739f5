import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/index.js';
import { D2_MOVING_RANGE, ewmaChart } from './ewma.js';

/** Montgomery, Introduction to SQC 7th ed., Table 9.1 (also the data of the CUSUM Example 9.1). */
const TABLE_9_1 = [
  9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.2, 10.34, 9.03, 11.47, 10.51, 9.4, 10.08, 9.37, 10.62,
  10.31, 8.52, 10.84, 10.9, 9.33, 12.29, 11.5, 10.6, 11.08, 10.38, 11.62, 11.31, 10.52,
];

describe('ewmaChart — Montgomery Example 9.2 (Table 9.1 data, λ = 0.10, L = 2.7, μ0 = 10, σ = 1)', () => {
  const chart = ewmaChart(TABLE_9_1, { lambda: 0.1, L: 2.7, target: 10, sigma: 1 });
  const z = chart.points.map((p) => p.value);

  it('computes zᵢ = λxᵢ + (1 − λ)zᵢ₋₁ from z₀ = μ0 (eq. 9.22)', () => {
    // z₁ = 0.1·9.45 + 0.9·10 = 9.945;  z₂ = 0.1·7.99 + 0.9·9.945 = 0.799 + 8.9505 = 9.7495;
    // z₃ = 0.1·9.29 + 0.9·9.7495 = 0.929 + 8.77455 = 9.70355.
    expect(z[0]).toBeCloseTo(9.945, 12);
    expect(z[1]).toBeCloseTo(9.7495, 12);
    expect(z[2]).toBeCloseTo(9.70355, 12);
  });

  it('uses the exact time-varying limits of eq. 9.25–9.26', () => {
    // i = 1: 2.7·√(0.1/1.9 · (1 − 0.9²)) = 2.7·√(0.01) = 0.27 → 9.73 / 10.27 (as printed in Example 9.2).
    expect(chart.points[0]?.lcl).toBeCloseTo(9.73, 12);
    expect(chart.points[0]?.ucl).toBeCloseTo(10.27, 12);
    // i = 2: 2.7·√(0.1/1.9 · (1 − 0.9⁴)) = 2.7·√(0.0526316 · 0.3439) = 2.7·√(0.0181000) = 2.7·0.134536 = 0.36325
    // → 9.6368 / 10.3632 (10.36 in the book's two-decimal figures).
    expect(chart.points[1]?.ucl).toBeCloseTo(10 + 2.7 * Math.sqrt((0.1 / 1.9) * (1 - 0.9 ** 4)), 12);
    expect(chart.points[1]?.ucl).toBeCloseTo(10.3632, 4);
    // Asymptotic: 10 ± 2.7·√(0.1/1.9) = 10 ± 0.6194 → 9.38 / 10.62.
    expect(chart.limits.lcl).toBeCloseTo(9.3806, 4);
    expect(chart.limits.ucl).toBeCloseTo(10.6194, 4);
    expect(chart.points[29]?.ucl).toBeLessThan(chart.limits.ucl);
    expect(chart.points[29]?.ucl).toBeCloseTo(10.62, 2);
  });

  it('signals at period 29, as the shift of Table 9.1 (after period 20) builds up', () => {
    // z₂₈ = 10.5731 < UCL₂₈ = 10.6186;  z₂₉ = 0.1·11.31 + 0.9·10.5731 = 10.6468 > UCL₂₉ = 10.6187.
    expect(z[27]).toBeCloseTo(10.5731, 4);
    expect(z[28]).toBeCloseTo(10.6468, 4);
    const out = chart.points.filter((p) => p.outOfControl).map((p) => p.index + 1);
    expect(out).toEqual([29, 30]);
  });

  it('reports the chart shape', () => {
    expect(chart).toMatchObject({ type: 'ewma', statistic: 'ewma', center: 10, sigma: 1, nsigmas: 2.7 });
    expect(chart.points.every((p) => p.violations.length === 0 && !p.excluded && p.center === 10)).toBe(true);
  });
});

describe('ewmaChart — defaults and estimation', () => {
  it('defaults to λ = 0.2, L = 3, μ0 = mean and σ = MR̄/d2(2)', () => {
    const x = [1, 3, 2, 5, 4];
    // MR = 2, 1, 3, 1 → MR̄ = 7/4; σ̂ = 1.75 / (2/√π) = 1.75 · 0.886227 = 1.550897.
    expect(D2_MOVING_RANGE).toBeCloseTo(1.128379, 6);
    const chart = ewmaChart(x);
    expect(chart.center).toBe(3);
    expect(chart.sigma).toBeCloseTo(1.550897, 6);
    // z₁ = 0.2·1 + 0.8·3 = 2.6;  asymptotic UCL = 3 + 3·1.550897·√(0.2/1.8) = 3 + 1.550897 = 4.550897.
    expect(chart.points[0]?.value).toBeCloseTo(2.6, 12);
    expect(chart.limits.ucl).toBeCloseTo(4.550897, 6);
  });

  it('with λ = 1 is a Shewhart individuals chart', () => {
    const chart = ewmaChart([10, 13.5, 9], { lambda: 1, L: 3, target: 10, sigma: 1 });
    expect(chart.points.map((p) => p.value)).toEqual([10, 13.5, 9]);
    expect(chart.points.map((p) => p.outOfControl)).toEqual([false, true, false]);
    expect(chart.points[0]?.ucl).toBeCloseTo(13, 12);
  });

  it('for subgroup means uses σ/√n in the limits', () => {
    const chart = ewmaChart([10, 10.2], { lambda: 0.2, L: 3, target: 10, sigma: 2, subgroupSize: 4 });
    // σ/√n = 1; asymptotic UCL = 10 + 3·√(0.2/1.8) = 11.
    expect(chart.limits.ucl).toBeCloseTo(11, 12);
    expect(chart.sigma).toBe(2);
  });

  it('rejects bad input with UserError invalid_input', () => {
    expect(() => ewmaChart([])).toThrow(UserError);
    expect(() => ewmaChart([1, 2], { lambda: 0 })).toThrow(/lambda/);
    expect(() => ewmaChart([1, 2], { lambda: 1.5 })).toThrow(/lambda/);
    expect(() => ewmaChart([1])).toThrow(/sigma/);
    expect(() => ewmaChart([2, 2, 2])).toThrow(/sigma/);
    expect(() => ewmaChart([1, 2], { subgroupSize: 0 })).toThrow(/subgroupSize/);
  });
});
