/**
 * Control-chart constants (d2, d3, c4, A2, A3, D3, D4, B3, B4) computed from the normal distribution for
 * n = 2..50 rather than typed in from a table; each value is computed once and memoised.
 */
import { UserError } from '../../domain/errors.js';
import { lnGamma, normalCdf } from './normal.js';

/** Smallest and largest subgroup size the constants are computed for. */
export const MIN_SUBGROUP_SIZE = 2;
export const MAX_SUBGROUP_SIZE = 50;

export interface ControlChartConstants {
  readonly n: number;
  readonly d2: number;
  readonly d3: number;
  readonly c4: number;
  readonly A2: number;
  readonly A3: number;
  readonly D3: number;
  readonly D4: number;
  readonly B3: number;
  readonly B4: number;
}

// Quadrature grid: x ∈ [−L, L] with step H. Beyond |x| = 8.5, 1 − Φ(x) < 1e-17, so for n ≤ 50 the truncated mass is
// below 1e-15. Integrands are smooth with Gaussian decay: the trapezoid rule over x is spectrally accurate
// (Trefethen & Weideman 2014, SIAM Review 56, 385-458); the range integral over w ≥ 0 uses Simpson's rule.
const L = 8.5;
const H = 1 / 48;
const STEPS = Math.round((2 * L) / H);

let grid: { readonly lower: Float64Array; readonly upper: Float64Array } | undefined;

/** Φ(x) and 1 − Φ(x) on the grid x_i = −L + i·H, i = 0..2·STEPS (so x + w stays on the grid for w ∈ [0, 2L]). */
function cdfGrid(): { readonly lower: Float64Array; readonly upper: Float64Array } {
  if (grid !== undefined) return grid;
  const lower = new Float64Array(2 * STEPS + 1);
  const upper = new Float64Array(2 * STEPS + 1);
  for (let i = 0; i <= 2 * STEPS; i++) {
    const x = -L + i * H;
    lower[i] = normalCdf(x);
    upper[i] = normalCdf(-x);
  }
  grid = { lower, upper };
  return grid;
}

function assertSize(n: number): void {
  if (!Number.isInteger(n) || n < MIN_SUBGROUP_SIZE || n > MAX_SUBGROUP_SIZE) {
    throw new UserError(
      'invalid_input',
      `control-chart constants need a subgroup size between ${MIN_SUBGROUP_SIZE} and ${MAX_SUBGROUP_SIZE}, got ${n}`,
    );
  }
}

/** Mean and standard deviation of the range W of n standard normals (d2 and d3). */
function rangeMoments(n: number): { d2: number; d3: number } {
  const { lower, upper } = cdfGrid();
  // d2 = E[W] = ∫ [1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ] dx (Montgomery 7th ed. §6.2.1 and Appendix VI; Tippett 1925,
  // Biometrika 17, 364-387): P(min ≤ x < max) integrated over x.
  let mean = 0;
  for (let i = 0; i <= STEPS; i++) {
    const f = lower[i] ?? 0;
    const g = upper[i] ?? 0;
    mean += 1 - f ** n - g ** n;
  }
  mean *= H;
  // E[W²] = 2 ∫∫_{x<y} P(min ≤ x, max > y) dx dy, and for x < y
  // P(min ≤ x, max > y) = 1 − (1 − Φ(x))ⁿ − Φ(y)ⁿ + (Φ(y) − Φ(x))ⁿ (joint distribution of the extremes;
  // David & Nagaraja, Order Statistics, 3rd ed. §2.2 and §4.2). With y = x + w: trapezoid in x, Simpson in w.
  const lowerPow = new Float64Array(2 * STEPS + 1);
  const upperPow = new Float64Array(STEPS + 1);
  for (let i = 0; i <= 2 * STEPS; i++) lowerPow[i] = (lower[i] ?? 1) ** n;
  for (let i = 0; i <= STEPS; i++) upperPow[i] = (upper[i] ?? 0) ** n;
  let second = 0;
  for (let j = 0; j <= STEPS; j++) {
    let inner = 0;
    for (let i = 0; i <= STEPS; i++) {
      const fx = lower[i] ?? 0;
      const fy = lower[i + j] ?? 1;
      inner += 1 - (upperPow[i] ?? 0) - (lowerPow[i + j] ?? 1) + Math.max(0, fy - fx) ** n;
    }
    const weight = j === 0 || j === STEPS ? 1 : j % 2 === 1 ? 4 : 2;
    second += weight * inner;
    // The inner integral is E[(W − w)⁺], decreasing in w: once negligible, the rest of the w range adds nothing.
    if (j > 0 && j % 2 === 0 && inner * H < 1e-18) break;
  }
  second *= (2 * H * H) / 3;
  return { d2: mean, d3: Math.sqrt(second - mean * mean) };
}

/** c4(n) = √(2/(n−1)) Γ(n/2)/Γ((n−1)/2), so that E[S] = c4 σ (Montgomery 7th ed. §6.3.1, Appendix VI). */
export function c4(n: number): number {
  if (!Number.isInteger(n) || n < 2)
    throw new UserError('invalid_input', `c4 needs an integer n ≥ 2, got ${n}`);
  return Math.sqrt(2 / (n - 1)) * Math.exp(lnGamma(n / 2) - lnGamma((n - 1) / 2));
}

const memo = new Map<number, ControlChartConstants>();

/**
 * All control-chart constants for subgroup size n (2..50), computed and memoised.
 * @example controlChartConstants(5).d2 // 2.3259289…
 */
export function controlChartConstants(n: number): ControlChartConstants {
  assertSize(n);
  const cached = memo.get(n);
  if (cached !== undefined) return cached;
  const { d2, d3 } = rangeMoments(n);
  const cn = c4(n);
  const sqrtN = Math.sqrt(n);
  const sdS = Math.sqrt(1 - cn * cn) / cn;
  // Montgomery 7th ed. §6.2.1 (A2, D3, D4 from d2, d3) and §6.3.1 (A3, B3, B4 from c4); Appendix VI.
  const constants: ControlChartConstants = {
    n,
    d2,
    d3,
    c4: cn,
    A2: 3 / (d2 * sqrtN),
    A3: 3 / (cn * sqrtN),
    D3: Math.max(0, 1 - (3 * d3) / d2),
    D4: 1 + (3 * d3) / d2,
    B3: Math.max(0, 1 - 3 * sdS),
    B4: 1 + 3 * sdS,
  };
  memo.set(n, constants);
  return constants;
}

/** Expected range of n standard normals (relative range mean). */
export function d2(n: number): number {
  return controlChartConstants(n).d2;
}

/** Standard deviation of the range of n standard normals. */
export function d3(n: number): number {
  return controlChartConstants(n).d3;
}

/** Largest n of Montgomery's Appendix VI table (and of qcc's `exp.R.unscaled`). */
export const TABLE_MAX_SUBGROUP_SIZE = 25;

/**
 * d2 as tabulated: rounded to 3 decimals for n ≤ 25, as printed in Montgomery 7th ed. Appendix VI and used by qcc
 * (`qcc.options("exp.R.unscaled")`), so that σ̂ = R̄/d2 reproduces the textbook and qcc to every digit; the exact
 * value beyond the table. The rounding moves σ̂ by up to 3e-5 relative (d2(5) = 2.3259289… vs 2.326).
 */
export function tabulatedD2(n: number): number {
  const exact = d2(n);
  return n <= TABLE_MAX_SUBGROUP_SIZE ? Math.round(exact * 1000) / 1000 : exact;
}
