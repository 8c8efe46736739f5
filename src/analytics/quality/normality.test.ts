import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { andersonDarling, andersonDarlingPValue } from './normality.js';

/**
 * Reference A² from an independent implementation: SciPy 1.17 `scipy.stats.anderson(x, 'norm').statistic`
 * (mean and ddof = 1 standard deviation estimated, the same case as nortest::ad.test). A²* and p are then
 * A²(1 + 0.75/n + 2.25/n²) and the Table 4.9 formula of D'Agostino & Stephens (1986), evaluated by hand (in Python)
 * on the SciPy statistic.
 */
const references = [
  {
    name: 'near-normal diameters (n = 12)',
    values: [9.85, 10.02, 9.97, 10.11, 9.93, 10.05, 9.89, 10.0, 10.08, 9.95, 10.03, 9.91],
    a2: 0.11603478728584982,
    a2Adjusted: 0.12510000504255683,
    pValue: 0.9862231069868699, // branch A²* < 0.2
  },
  {
    name: 'two outliers (n = 12)',
    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 50],
    a2: 1.720107286611853,
    a2Adjusted: 1.854490668378404,
    pValue: 9.809057191571141e-5, // branch 0.6 ≤ A²* < 10
  },
  {
    name: 'squares (n = 10)',
    values: [0.1, 0.4, 0.9, 1.6, 2.5, 3.6, 4.9, 6.4, 8.1, 10.0],
    a2: 0.3203435355177824,
    a2Adjusted: 0.35157703023076614,
    pValue: 0.4689425767552752, // branch 0.34 ≤ A²* < 0.6
  },
];

describe('andersonDarling', () => {
  it.each(references)('matches SciPy on $name', ({ values, a2, a2Adjusted, pValue }) => {
    const r = andersonDarling(values);
    expect(r.n).toBe(values.length);
    expect(r.a2).toBeCloseTo(a2, 10);
    expect(r.a2Adjusted).toBeCloseTo(a2Adjusted, 10);
    expect(r.pValue).toBeCloseTo(pValue, 9);
  });

  it('does not depend on the order, location or scale of the data', () => {
    const values = references[1]?.values ?? [];
    const a = andersonDarling(values).a2;
    expect(andersonDarling([...values].reverse().map((x) => 3 * x - 7)).a2).toBeCloseTo(a, 10);
  });

  it('rejects fewer than 8 values, non-finite values and constant data', () => {
    expect(() => andersonDarling([1, 2, 3, 4, 5, 6, 7])).toThrow(UserError);
    expect(() => andersonDarling([1, 2, 3, 4, 5, 6, 7, Number.NaN])).toThrow(UserError);
    expect(() => andersonDarling([2, 2, 2, 2, 2, 2, 2, 2])).toThrow(UserError);
  });
});

describe('andersonDarlingPValue', () => {
  it('uses each branch of Table 4.9 (hand-evaluated)', () => {
    // 1 − exp(−13.436 + 101.14·0.1 − 223.73·0.01) = 1 − exp(−5.5593)
    expect(andersonDarlingPValue(0.1)).toBeCloseTo(1 - Math.exp(-5.5593), 12);
    // 1 − exp(−8.318 + 42.796·0.3 − 59.938·0.09) = 1 − exp(−0.87362)
    expect(andersonDarlingPValue(0.3)).toBeCloseTo(1 - Math.exp(-0.87362), 12);
    // exp(0.9177 − 4.279·0.5 − 1.38·0.25) = exp(−1.5668)
    expect(andersonDarlingPValue(0.5)).toBeCloseTo(Math.exp(-1.5668), 12);
    // exp(1.2937 − 5.709·1 + 0.0186·1) = exp(−4.3967)
    expect(andersonDarlingPValue(1)).toBeCloseTo(Math.exp(-4.3967), 12);
    expect(andersonDarlingPValue(12)).toBe(3.7e-24);
    // The usual 5 % critical value of A²* is 0.752 (D'Agostino & Stephens 1986, Table 4.7).
    expect(andersonDarlingPValue(0.752)).toBeCloseTo(0.05, 2);
  });
});
