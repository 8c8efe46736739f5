/** The standard normal distribution (pdf, cdf Φ, quantile Φ⁻¹) and the gamma function, to double precision. */
import { UserError } from '../../domain/errors.js';

const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** 1/√(2π). */
const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density φ(x) = exp(−x²/2)/√(2π). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

// W. J. Cody (1969), "Rational Chebyshev approximations for the error function", Math. Comp. 23, 631-637,
// as implemented in Cody's ANORM (TOMS 715, 1993) and R's pnorm.c: three rational approximations, max relative
// error below 1e-15 (|x| ≤ 0.67, |x| ≤ √32, and the asymptotic tail).
// Coefficients are written as the nearest doubles (shortest round-trip form) of Cody's 20-digit constants.
const CODY_A = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745,
] as const;
const CODY_B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673] as const;
const CODY_C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
] as const;
const CODY_D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
] as const;
const CODY_P = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934,
  0.000029112874951168793, 0.023073441764940174,
] as const;
const CODY_Q = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662,
] as const;

/**
 * exp(−y²/2)·factor, with y split into a multiple of 1/16 plus a remainder so that the square is exact (Cody 1993,
 * ANORM; avoids the loss of relative accuracy of exp(−y²/2) for large y).
 */
function gaussianTail(y: number, factor: number): number {
  const ySq = Math.trunc(y * 16) / 16;
  const del = (y - ySq) * (y + ySq);
  return Math.exp(-ySq * ySq * 0.5) * Math.exp(-del * 0.5) * factor;
}

/** Upper tail Q(y) = 1 − Φ(y) for y ≥ 0.67448975 (Cody's second and third approximations). */
function upperTail(y: number): number {
  if (y <= Math.sqrt(32)) {
    let num = CODY_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (CODY_C[i] ?? 0)) * y;
      den = (den + (CODY_D[i] ?? 0)) * y;
    }
    return gaussianTail(y, (num + CODY_C[7]) / (den + CODY_D[7]));
  }
  if (y > 38.5) return 0;
  const xSq = 1 / (y * y);
  let num = CODY_P[5] * xSq;
  let den = xSq;
  for (let i = 0; i < 4; i++) {
    num = (num + (CODY_P[i] ?? 0)) * xSq;
    den = (den + (CODY_Q[i] ?? 0)) * xSq;
  }
  const factor = (INV_SQRT_2PI - (xSq * (num + CODY_P[4])) / (den + CODY_Q[4])) / y;
  return gaussianTail(y, factor);
}

/**
 * Standard normal distribution function Φ(x), relative error below 1e-15 including the far tails
 * (Cody 1969/1993, as in R's `pnorm`).
 * @example normalCdf(1.96) // 0.9750021048517795
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    const xSq = y > 1.1e-16 ? x * x : 0;
    let num = CODY_A[4] * xSq;
    let den = xSq;
    for (let i = 0; i < 3; i++) {
      num = (num + (CODY_A[i] ?? 0)) * xSq;
      den = (den + (CODY_B[i] ?? 0)) * xSq;
    }
    return 0.5 + (x * (num + CODY_A[3])) / (den + CODY_B[3]);
  }
  const q = upperTail(y);
  return x > 0 ? 1 - q : q;
}

/** Upper tail 1 − Φ(x), without the cancellation of `1 - normalCdf(x)` for large x. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// P. J. Acklam (2003), "An algorithm for computing the inverse normal cumulative distribution function":
// rational approximations with relative error 1.15e-9, refined below by one Halley step on Φ (full precision).
const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
] as const;
const ACKLAM_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
] as const;
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;
const ACKLAM_P_LOW = 0.02425;

/** Acklam's approximation of Φ⁻¹(p) for 0 < p ≤ 0.5. */
function acklamLower(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
  const [b0, b1, b2, b3, b4] = ACKLAM_B;
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  if (p < ACKLAM_P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1): Acklam's approximation plus one Halley
 * step x ← x − u/(1 + x·u/2), u = (Φ(x) − p)·√(2π)·exp(x²/2) (Acklam 2003), accurate to about 1e-15 relative.
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new UserError('invalid_input', `probability must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Symmetry Φ⁻¹(p) = −Φ⁻¹(1 − p); 1 − p is exact for p ≥ 0.5 (Sterbenz), so the lower tail keeps full precision.
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklamLower(p);
  const u = (normalCdf(x) - p) * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

// Lanczos approximation, g = 7, n = 9 (C. Lanczos 1964, SIAM J. Numer. Anal. B1, 86-96; coefficients of
// P. Godfrey, as in Numerical Recipes 3rd ed. §6.1 style), relative error about 1e-15 for x > 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos; reflection Γ(x)Γ(1−x) = π/sin(πx) below 0.5). */
export function lnGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new UserError('invalid_input', `lnGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Γ(x) for x > 0. */
export function gamma(x: number): number {
  return Math.exp(lnGamma(x));
}
