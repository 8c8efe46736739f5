import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { capability, chiSquareQuantile, cpConfidenceInterval, cpkConfidenceInterval } from './capability.js';

/**
 * A documented small data set (10 individual diameters, mm), with LSL = 9.5, USL = 10.6, T = 10.1.
 * By hand: Σx = 100.0 so x̄ = 10.0; Σ(x − x̄)² = 0.24 so s = √(0.24/9) = 0.1632993;
 * moving ranges 0.3, 0.1, 0.1, 0.3, 0.2, 0.3, 0.4, 0.1, 0.2 (Σ = 2.0), M̄R = 2/9, σ̂w = M̄R/1.128 = 0.1970055.
 * Cp = 1.1/(6·0.1970055) = 0.9306, Cpu = 0.6/(3σ̂w) = 1.0152, Cpl = 0.5/(3σ̂w) = 0.8460 = Cpk,
 * Pp = 1.1/(6s) = 1.12268, Ppk = 0.5/(3s) = 1.02062, Cpm = 0.9306/√(1 + (0.1/0.1970055)²) = 0.82982.
 * Expected PPM (within) = 10⁶·Φ(−0.5/σ̂w) = 5574.40 and 10⁶·(1 − Φ(0.6/σ̂w)) = 1161.08; overall with s:
 * 1099.82 and 119.28 (Φ evaluated with SciPy's `norm.cdf`/`norm.sf`).
 */
const diameters = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 9.7, 10.1, 10.0, 10.2];
const spec = { lsl: 9.5, usl: 10.6, target: 10.1 };

describe('capability', () => {
  it('computes the indices of the documented data set', () => {
    const r = capability(diameters, spec, { inControl: true });
    expect(r.mean).toBeCloseTo(10.0, 12);
    expect(r.sigmaOverall).toBeCloseTo(0.16329931618554497, 12);
    expect(r.sigmaWithin).toBeCloseTo(0.197005516154452, 12);
    expect(r.sigmaWithinSource).toBe('moving-range');
    expect(r.cp).toBeCloseTo(0.9306, 10);
    expect(r.cpu).toBeCloseTo(1.0152, 10);
    expect(r.cpl).toBeCloseTo(0.846, 10);
    expect(r.cpk).toBeCloseTo(0.846, 10);
    expect(r.pp).toBeCloseTo(1.1226827987756245, 10);
    expect(r.ppk).toBeCloseTo(1.020620726159659, 10);
    expect(r.cpm).toBeCloseTo(0.8298160122376176, 10);
    expect(r.expectedPpmWithin.belowLsl).toBeCloseTo(5574.399222120238, 6);
    expect(r.expectedPpmWithin.aboveUsl).toBeCloseTo(1161.0827138859686, 6);
    expect(r.expectedPpmWithin.total).toBeCloseTo(5574.399222120238 + 1161.0827138859686, 6);
    expect(r.expectedPpmOverall.belowLsl).toBeCloseTo(1099.8235305565122, 6);
    expect(r.expectedPpmOverall.aboveUsl).toBeCloseTo(119.28172701435346, 6);
    expect(r.observedPpm).toEqual({ belowLsl: 0, aboveUsl: 0, total: 0 });
    // Eq. 8.19 with χ²(0.025, 9) = 2.700389, χ²(0.975, 9) = 19.022768 (SciPy chi2.ppf): 0.50975 ≤ Cp ≤ 1.35294.
    expect(r.cpInterval?.lower).toBeCloseTo(0.5097473759242813, 8);
    expect(r.cpInterval?.upper).toBeCloseTo(1.3529403422055273, 8);
    // Eq. 8.20: 0.846[1 ∓ 1.959964·√(1/(9·10·0.846²) + 1/18)].
    expect(r.cpkInterval.lower).toBeCloseTo(0.4039287824185685, 8);
    expect(r.cpkInterval.upper).toBeCloseTo(1.2880712175814342, 8);
    expect(r.normality?.n).toBe(10);
    expect(r.warnings).toEqual(['Fewer than 25 values (10): the capability estimates are very uncertain.']);
  });

  it('uses a given σ within (from the control chart) and counts observed PPM', () => {
    const values = [...diameters, 9.4, 10.7];
    const r = capability(values, { lsl: 9.5, usl: 10.6 }, { sigmaWithin: 0.2 });
    expect(r.sigmaWithinSource).toBe('given');
    expect(r.cp).toBeCloseTo(1.1 / 1.2, 12);
    expect(r.cpm).toBeUndefined();
    // One value of 12 below LSL and one above USL: 10⁶/12 each.
    expect(r.observedPpm.belowLsl).toBeCloseTo(1e6 / 12, 6);
    expect(r.observedPpm.aboveUsl).toBeCloseTo(1e6 / 12, 6);
    expect(r.observedPpm.total).toBeCloseTo(2e6 / 12, 6);
  });

  it('pools subgroup standard deviations when σ within is not given', () => {
    // Groups of 3: (9.8, 10.1, 10.0), (9.9, 10.2, 10.0), (9.7, 10.1, 10.0), and a lone 10.2 (no spread, skipped).
    // Sums of squares 0.046667, 0.046667, 0.086667 → Σ = 0.18 on 6 degrees of freedom: sp = √0.03 = 0.1732051.
    const r = capability(diameters, spec, { subgroupSize: 3 });
    expect(r.sigmaWithinSource).toBe('pooled');
    expect(r.sigmaWithin).toBeCloseTo(Math.sqrt(0.03), 12);
  });

  it('handles a one-sided specification and says so', () => {
    const r = capability(diameters, { usl: 10.6 }, { inControl: false });
    expect(r.cp).toBeUndefined();
    expect(r.pp).toBeUndefined();
    expect(r.cpl).toBeUndefined();
    expect(r.cpk).toBeCloseTo(1.0152, 10);
    expect(r.cpInterval).toBeUndefined();
    expect(r.expectedPpmWithin.belowLsl).toBeUndefined();
    expect(r.expectedPpmWithin.total).toBeCloseTo(1161.0827138859686, 6);
    expect(r.warnings).toContain(
      'The process is not in statistical control: capability indices are not meaningful.',
    );
    expect(r.warnings).toContain(
      'No lower specification limit: Cp and Pp are undefined, and Cpk (Ppk) is the upper index only.',
    );
  });

  it('warns when the data are not normal', () => {
    // A²* = 1.8545, p = 9.8e-5 (see normality.test.ts, SciPy reference).
    const r = capability([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 50], { lsl: 0, usl: 60 });
    expect(r.normality?.pValue).toBeCloseTo(9.809057191571141e-5, 9);
    expect(r.warnings).toContain(
      'The data are not normal (Anderson–Darling p < 0.001): the normal-model PPM are unreliable.',
    );
  });

  it('warns that normality cannot be checked below 8 values', () => {
    const r = capability([1, 2, 3], { lsl: 0, usl: 4 });
    expect(r.normality).toBeUndefined();
    expect(r.warnings).toContain('Fewer than 8 values: normality could not be checked.');
  });

  it('rejects bad input with a UserError', () => {
    expect(() => capability([1], spec)).toThrow(UserError);
    expect(() => capability(diameters, {})).toThrow(UserError);
    expect(() => capability(diameters, { lsl: 11, usl: 10 })).toThrow(UserError);
    expect(() => capability([1, Number.NaN], spec)).toThrow(UserError);
    expect(() => capability([2, 2, 2], spec)).toThrow(UserError);
    expect(() => capability(diameters, spec, { sigmaWithin: 0 })).toThrow(UserError);
    expect(() => capability(diameters, spec, { confidence: 1 })).toThrow(UserError);
    expect(() => capability(diameters, spec, { subgroupSize: 1.5 })).toThrow(UserError);
  });
});

describe('confidence intervals', () => {
  it('reproduces Montgomery Example 8.4: Ĉp = 2.29, n = 20 → 1.57 ≤ Cp ≤ 3.01', () => {
    const ci = cpConfidenceInterval(2.29, 20, 0.95);
    expect(ci.lower).toBeCloseTo(1.57, 2);
    expect(ci.upper).toBeCloseTo(3.01, 2);
  });

  it('computes the Bissell interval on Cpk (hand-computed: Ĉpk = 1.33, n = 20)', () => {
    // √(1/(9·20·1.33²) + 1/38) = √(0.0031407 + 0.0263158) = 0.171629; × 1.959964 = 0.336387.
    const ci = cpkConfidenceInterval(1.33, 20, 0.95);
    expect(ci.lower).toBeCloseTo(1.33 * (1 - 0.336387), 5);
    expect(ci.upper).toBeCloseTo(1.33 * (1 + 0.336387), 5);
  });

  it('computes χ² quantiles (SciPy chi2.ppf references)', () => {
    expect(chiSquareQuantile(0.025, 19)).toBeCloseTo(8.90651648, 6);
    expect(chiSquareQuantile(0.975, 19)).toBeCloseTo(32.85232686, 6);
    expect(chiSquareQuantile(0.005, 4)).toBeCloseTo(0.20698909, 6);
    expect(chiSquareQuantile(0.995, 4)).toBeCloseTo(14.860259, 5);
    expect(chiSquareQuantile(0.05, 200)).toBeCloseTo(168.27855444, 5);
    expect(chiSquareQuantile(0.95, 200)).toBeCloseTo(233.99426889, 5);
    expect(() => chiSquareQuantile(0, 3)).toThrow(UserError);
  });
});
