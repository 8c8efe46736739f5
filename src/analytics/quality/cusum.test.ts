import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/index.js';
import { cusumChart } from './cusum.js';

/**
 * Montgomery, Introduction to SQC 7th ed., Table 9.1: x₁..x₂₀ from N(10, 1), x₂₁..x₃₀ from N(11, 1) — a 1σ shift
 * after period 20. Example 9.1 runs a tabular CUSUM on them with μ0 = 10, σ = 1, k = 1/2, h = 5 (K = 0.5, H = 5).
 */
const TABLE_9_1 = [
  9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.2, 10.34, 9.03, 11.47, 10.51, 9.4, 10.08, 9.37, 10.62,
  10.31, 8.52, 10.84, 10.9, 9.33, 12.29, 11.5, 10.6, 11.08, 10.38, 11.62, 11.31, 10.52,
];

describe('cusumChart — Montgomery Example 9.1 (Table 9.1 data, μ0 = 10, σ = 1, k = 0.5, h = 5)', () => {
  const result = cusumChart(TABLE_9_1, { target: 10, sigma: 1 });
  const cPlus = result.upper.points.map((p) => p.value);
  const cMinus = result.lower.points.map((p) => p.value);

  it('reproduces the C⁺ column of Table 9.2', () => {
    // Hand computation, C⁺ᵢ = max(0, xᵢ − 10.5 + C⁺ᵢ₋₁):
    // 1: max(0, 9.45 − 10.5) = 0;  4: 11.66 − 10.5 + 0 = 1.16;  5: 12.16 − 10.5 + 1.16 = 2.82;
    // 6: 10.18 − 10.5 + 2.82 = 2.50;  7: 8.04 − 10.5 + 2.50 = 0.04;  8: 11.46 − 10.5 + 0.04 = 1.00;
    // 22: 9.33 − 10.5 + 0.74 < 0 → 0;  23: 12.29 − 10.5 = 1.79;  24: 1.79 + 1.00 = 2.79;  25: 2.79 + 0.10 = 2.89;
    // 26: 2.89 + 0.58 = 3.47;  27: 3.47 − 0.12 = 3.35;  28: 3.35 + 1.12 = 4.47;  29: 4.47 + 0.81 = 5.28;
    // 30: 5.28 + 0.02 = 5.30.
    const expected: Record<number, number> = {
      1: 0,
      2: 0,
      3: 0,
      4: 1.16,
      5: 2.82,
      6: 2.5,
      7: 0.04,
      8: 1.0,
      9: 0,
      22: 0,
      23: 1.79,
      24: 2.79,
      25: 2.89,
      26: 3.47,
      27: 3.35,
      28: 4.47,
      29: 5.28,
      30: 5.3,
    };
    for (const [period, value] of Object.entries(expected)) {
      expect(cPlus[Number(period) - 1], `C⁺ at period ${period}`).toBeCloseTo(value, 10);
    }
  });

  it('reproduces the C⁻ column of Table 9.2', () => {
    // C⁻ᵢ = max(0, 9.5 − xᵢ + C⁻ᵢ₋₁): 1: 9.5 − 9.45 = 0.05;  2: 9.5 − 7.99 + 0.05 = 1.56;  3: 1.56 + 0.21 = 1.77;
    // 4: 1.77 − 2.16 < 0 → 0;  7: 9.5 − 8.04 = 1.46;  19: 9.5 − 8.52 = 0.98.
    expect(cMinus[0]).toBeCloseTo(0.05, 10);
    expect(cMinus[1]).toBeCloseTo(1.56, 10);
    expect(cMinus[2]).toBeCloseTo(1.77, 10);
    expect(cMinus[3]).toBe(0);
    expect(cMinus[6]).toBeCloseTo(1.46, 10);
    expect(cMinus[18]).toBeCloseTo(0.98, 10);
    expect(Math.max(...cMinus)).toBeLessThan(5);
  });

  it('signals first at period 29 with N⁺ = 7: the shift began after period 22', () => {
    // C⁺ was 0 at period 22 and > 0 from 23 to 29: N⁺ = 7, so the estimated last in-control period is 29 − 7 = 22
    // (Montgomery's reading of Example 9.1); the new mean is estimated as μ0 + K + C⁺₂₉/N⁺ = 10.5 + 5.28/7 ≈ 11.25.
    expect(result.signals[0]).toEqual({ index: 28, side: 'upper', runLength: 7 });
    expect(result.signals.map((s) => s.index + 1)).toEqual([29, 30]);
    expect(result.upper.points[28]?.outOfControl).toBe(true);
    expect(result.upper.points[27]?.outOfControl).toBe(false);
    expect(result.lower.points.some((p) => p.outOfControl)).toBe(false);
    expect(10 + 0.5 + (cPlus[28] ?? 0) / 7).toBeCloseTo(11.254, 3);
  });

  it('describes both sums as cusum charts against the decision interval H = hσ', () => {
    expect(result.upper).toMatchObject({
      type: 'cusum',
      statistic: 'cusum+',
      center: 0,
      sigma: 1,
      nsigmas: 5,
    });
    expect(result.lower).toMatchObject({ type: 'cusum', statistic: 'cusum-', limits: { lcl: 0, ucl: 5 } });
    const scaled = cusumChart(
      TABLE_9_1.map((x) => 2 * x),
      { target: 20, sigma: 2 },
    );
    expect(scaled.upper.limits.ucl).toBe(10);
    expect(scaled.signals[0]).toEqual({ index: 28, side: 'upper', runLength: 7 });
  });

  it('a head start (FIR) makes the first periods count from H/2 (Montgomery §9.1.6)', () => {
    const fir = cusumChart(TABLE_9_1, { target: 10, sigma: 1, headStart: 2.5 });
    // C⁺₁ = max(0, 9.45 − 10.5 + 2.5) = 1.45;  C⁻₁ = max(0, 9.5 − 9.45 + 2.5) = 2.55; C⁻₂ = 2.55 + 1.51 = 4.06;
    // C⁻₃ = 4.06 + 0.21 = 4.27.
    expect(fir.upper.points[0]?.value).toBeCloseTo(1.45, 10);
    expect(fir.lower.points[0]?.value).toBeCloseTo(2.55, 10);
    expect(fir.lower.points[2]?.value).toBeCloseTo(4.27, 10);
    // A downward shift of 1.5σ from the start: the head start signals in fewer periods than a zero start.
    const low = [8.5, 8.6, 8.4, 8.5, 8.7, 8.5, 8.4, 8.6];
    const first = (r: ReturnType<typeof cusumChart>) => r.signals.find((s) => s.side === 'lower')?.index;
    const plain = first(cusumChart(low, { target: 10, sigma: 1 }));
    const headStart = first(cusumChart(low, { target: 10, sigma: 1, headStart: 2.5 }));
    // Without, C⁻ᵢ = C⁻ᵢ₋₁ + 9.5 − xᵢ: 1.0, 1.9, 3.0, 4.0, 4.8, 5.8 > 5 → period 6 (index 5).
    expect(plain).toBe(5);
    // With C⁻₀ = 2.5: 3.5, 4.4, 5.5 > 5 → period 3 (index 2).
    expect(headStart).toBe(2);
  });

  it('rejects bad input with UserError invalid_input', () => {
    expect(() => cusumChart([], { target: 0, sigma: 1 })).toThrow(UserError);
    expect(() => cusumChart([1], { target: 0, sigma: 0 })).toThrow(/sigma/);
    expect(() => cusumChart([Number.NaN], { target: 0, sigma: 1 })).toThrow(/values\[0\]/);
    expect(() => cusumChart([1], { target: 0, sigma: 1, h: 5, headStart: 6 })).toThrow(/headStart/);
  });
});
