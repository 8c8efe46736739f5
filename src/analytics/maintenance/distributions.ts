/** The F distribution's CDF and quantile, for the Hotelling T² control limit of a PCA monitor. */
import { UserError } from '../../domain/errors.js';
import { lnGamma } from '../quality/normal.js';

/**
 * Continued fraction of the incomplete beta function, evaluated by the modified Lentz method (Numerical Recipes,
 * 3rd ed., §6.4, eq. 6.4.5 and `betacf`).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/**
 * The regularised incomplete beta function I_x(a, b) (Numerical Recipes, 3rd ed., §6.4: the continued fraction
 * converges for x < (a + 1)/(a + b + 2); above it, I_x(a, b) = 1 − I_{1−x}(b, a)).
 * @example regularizedBeta(0.5, 2, 2) // 0.5
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new UserError('invalid_input', `beta parameters must be > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1))
    throw new UserError('invalid_input', `regularizedBeta needs x in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(F ≤ f) for the F distribution with (d1, d2) degrees of freedom: I_{d1 f/(d1 f + d2)}(d1/2, d2/2). */
export function fCdf(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 0;
  return regularizedBeta((d1 * f) / (d1 * f + d2), d1 / 2, d2 / 2);
}

/**
 * The p-quantile of the F(d1, d2) distribution, by bisection on the CDF (monotone, so it cannot fail to converge).
 * @example fQuantile(0.95, 2, 10) // 4.102821015130402 (Montgomery, Introduction to SQC, Appendix Table V: 4.10)
 */
export function fQuantile(p: number, d1: number, d2: number): number {
  if (!(p > 0 && p < 1))
    throw new UserError('invalid_input', `F quantile probability must be in (0, 1), got ${p}`);
  if (!(d1 > 0 && d2 > 0))
    throw new UserError('invalid_input', `F degrees of freedom must be > 0, got ${d1}, ${d2}`);
  let lo = 0;
  let hi = 1;
  while (fCdf(hi, d1, d2) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (fCdf(mid, d1, d2) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
