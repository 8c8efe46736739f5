import { describe, expect, it } from 'vitest';
import { fCdf, fQuantile, regularizedBeta } from './distributions.js';

// Reference values from SciPy 1.17 (scipy.stats.f.ppf / f.cdf / beta.cdf), computed for this test.
describe('F distribution', () => {
  it('regularised incomplete beta', () => {
    expect(regularizedBeta(0.5, 2, 2)).toBeCloseTo(0.5, 14);
    expect(regularizedBeta(0.3, 2.5, 4)).toBeCloseTo(0.3521975859067672, 12);
    expect(regularizedBeta(0.9, 1, 1)).toBeCloseTo(0.9, 14); // uniform
  });

  it('CDF and quantiles match SciPy and the printed tables', () => {
    expect(fCdf(2.5, 4, 7)).toBeCloseTo(0.8629666302475232, 12);
    expect(fQuantile(0.95, 2, 10)).toBeCloseTo(4.1028210151304, 9); // Montgomery, App. Table V: 4.10
    expect(fQuantile(0.99, 3, 20)).toBeCloseTo(4.938193382310538, 9); // table: 4.94
    expect(fQuantile(0.95, 5, 10)).toBeCloseTo(3.3258345304130104, 9); // table: 3.33
    expect(fQuantile(0.99, 1, 3)).toBeCloseTo(34.11622156452979, 7); // table: 34.12
  });
});
