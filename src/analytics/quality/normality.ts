/**
 * Anderson–Darling test for normality with the mean and standard deviation estimated from the data (case 3 of
 * Stephens), as R's `nortest::ad.test` computes it.
 *
 * Sources: Stephens, M. A. (1974), "EDF statistics for goodness of fit and some comparisons", JASA 69; D'Agostino,
 * R. B. & Stephens, M. A. (1986), *Goodness-of-Fit Techniques*, §4.8 and Table 4.9 (the modified statistic and the
 * piecewise p-value); NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.14 (the A² formula).
 */

import { UserError } from '../../domain/errors.js';
import { normalCdf, normalSf } from './normal.js';

export interface AndersonDarlingResult {
  /** Sample size. */
  readonly n: number;
  /** The Anderson–Darling statistic A² (NIST e-Handbook 1.3.5.14). */
  readonly a2: number;
  /** The small-sample modification A²* = A²(1 + 0.75/n + 2.25/n²) (D'Agostino & Stephens 1986, Table 4.9). */
  readonly a2Adjusted: number;
  /** p-value of A²* under normality (Table 4.9 piecewise formula, as nortest::ad.test). */
  readonly pValue: number;
}

/** The smallest sample nortest::ad.test accepts; the Table 4.9 p-values are not meant for fewer. */
export const ANDERSON_DARLING_MIN_N = 8;

/**
 * Anderson–Darling normality test.
 *
 * A² = −n − (1/n) Σᵢ (2i − 1)[ln Φ(zᵢ) + ln(1 − Φ(z₍ₙ₊₁₋ᵢ₎))], zᵢ = (x₍ᵢ₎ − x̄)/s with s on n − 1 degrees of
 * freedom (NIST e-Handbook 1.3.5.14; Stephens 1974).
 * @example andersonDarling(values).pValue < 0.05 // the data are not normal at the 5 % level
 */
export function andersonDarling(values: readonly number[]): AndersonDarlingResult {
  const n = values.length;
  if (n < ANDERSON_DARLING_MIN_N) {
    throw new UserError(
      'invalid_input',
      `the Anderson–Darling test needs at least ${ANDERSON_DARLING_MIN_N} values`,
      {
        details: { n },
      },
    );
  }
  if (!values.every(Number.isFinite)) {
    throw new UserError('invalid_input', 'the Anderson–Darling test needs finite values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  if (!(sd > 0)) {
    throw new UserError('invalid_input', 'the Anderson–Darling test needs values that are not all equal');
  }
  const z = sorted.map((x) => (x - mean) / sd);
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    const lower = normalCdf(z[i - 1] ?? 0);
    const upper = normalSf(z[n - i] ?? 0);
    // Clamp so an extreme point gives a huge (finite) A² rather than NaN from ln 0.
    sum +=
      (2 * i - 1) *
      (Math.log(Math.max(lower, Number.MIN_VALUE)) + Math.log(Math.max(upper, Number.MIN_VALUE)));
  }
  const a2 = -n - sum / n;
  const a2Adjusted = a2 * (1 + 0.75 / n + 2.25 / (n * n));
  return { n, a2, a2Adjusted, pValue: andersonDarlingPValue(a2Adjusted) };
}

/**
 * p-value of the modified statistic A²* (D'Agostino & Stephens 1986, Table 4.9; the same constants as
 * nortest::ad.test).
 */
export function andersonDarlingPValue(a2Adjusted: number): number {
  const a = a2Adjusted;
  if (a < 0.2) return 1 - Math.exp(-13.436 + 101.14 * a - 223.73 * a * a);
  if (a < 0.34) return 1 - Math.exp(-8.318 + 42.796 * a - 59.938 * a * a);
  if (a < 0.6) return Math.exp(0.9177 - 4.279 * a - 1.38 * a * a);
  if (a < 10) return Math.exp(1.2937 - 5.709 * a + 0.0186 * a * a);
  return 3.7e-24;
}
