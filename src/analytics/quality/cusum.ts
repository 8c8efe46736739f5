/**
 * Tabular (algorithmic) CUSUM for the process mean (Montgomery, *Introduction to Statistical Quality Control*,
 * 7th ed., §9.1.2), with the optional fast-initial-response head start of §9.1.6 (Lucas & Crosier 1982).
 */
import { UserError } from '../../domain/index.js';
import type { ChartPoint, ControlChart, PointLimits } from './types.js';

export interface CusumOptions {
  /** In-control mean μ0. */
  readonly target: number;
  /** σ of one observation (of the plotted value: pass σ/√n for subgroup means). */
  readonly sigma: number;
  /** Reference value k in σ units: K = kσ (default 0.5, tuned to a 1σ shift; Montgomery §9.1.3). */
  readonly k?: number;
  /** Decision interval h in σ units: H = hσ (default 5; Montgomery §9.1.3). */
  readonly h?: number;
  /** FIR head start in σ units: C⁺₀ = C⁻₀ = headStart·σ (Montgomery §9.1.6 uses H/2, i.e. headStart = h/2). */
  readonly headStart?: number;
}

export interface CusumSignal {
  /** 0-based index of the period where the cumulative sum exceeds H. */
  readonly index: number;
  readonly side: 'upper' | 'lower';
  /** N⁺ or N⁻: consecutive periods the sum has been non-zero; the shift likely began at index − runLength. */
  readonly runLength: number;
}

export interface CusumResult {
  /** C⁺ᵢ against the decision interval (lcl 0, ucl H). */
  readonly upper: ControlChart;
  /** C⁻ᵢ, plotted as a positive sum against the same decision interval (lcl 0, ucl H). */
  readonly lower: ControlChart;
  /** Every period where C⁺ or C⁻ exceeds H, in order (the sums are not reset after a signal). */
  readonly signals: readonly CusumSignal[];
}

function invalid(message: string): never {
  throw new UserError('invalid_input', message);
}

/**
 * C⁺ᵢ = max(0, xᵢ − (μ0 + K) + C⁺ᵢ₋₁), C⁻ᵢ = max(0, (μ0 − K) − xᵢ + C⁻ᵢ₋₁) (Montgomery eq. 9.2–9.3); a signal when a
 * sum exceeds H, with N⁺/N⁻ counting the periods since the sum was last zero (Montgomery §9.1.2).
 * @example cusumChart(values, { target: 10, sigma: 1 }).signals[0] // { index: 28, side: 'upper', runLength: 7 }
 */
export function cusumChart(values: readonly number[], options: CusumOptions): CusumResult {
  const { target, sigma } = options;
  const k = options.k ?? 0.5;
  const h = options.h ?? 5;
  const headStart = options.headStart ?? 0;
  if (values.length === 0) invalid('a CUSUM needs at least one value');
  values.forEach((x, i) => {
    if (!Number.isFinite(x)) invalid(`values[${i}] must be a finite number, got ${x}`);
  });
  if (!Number.isFinite(target)) invalid(`target must be a finite number, got ${target}`);
  if (!Number.isFinite(sigma) || sigma <= 0) invalid(`sigma must be > 0, got ${sigma}`);
  if (!Number.isFinite(k) || k < 0) invalid(`k must be ≥ 0, got ${k}`);
  if (!Number.isFinite(h) || h <= 0) invalid(`h must be > 0, got ${h}`);
  if (!Number.isFinite(headStart) || headStart < 0 || headStart > h) {
    invalid(`headStart must be in [0, h], got ${headStart}`);
  }
  const K = k * sigma;
  const H = h * sigma;
  const limits: PointLimits = { center: 0, lcl: 0, ucl: H };
  let cPlus = headStart * sigma;
  let cMinus = headStart * sigma;
  // With a head start the counters start at 0 too: N counts periods since the sum was last exactly zero.
  let nPlus = 0;
  let nMinus = 0;
  const upper: ChartPoint[] = [];
  const lower: ChartPoint[] = [];
  const signals: CusumSignal[] = [];
  const plot = (index: number, value: number): ChartPoint => ({
    index,
    value,
    n: 1,
    ...limits,
    excluded: false,
    outOfControl: value > H,
    violations: [],
  });
  values.forEach((x, i) => {
    cPlus = Math.max(0, x - (target + K) + cPlus);
    cMinus = Math.max(0, target - K - x + cMinus);
    nPlus = cPlus > 0 ? nPlus + 1 : 0;
    nMinus = cMinus > 0 ? nMinus + 1 : 0;
    upper.push(plot(i, cPlus));
    lower.push(plot(i, cMinus));
    if (cPlus > H) signals.push({ index: i, side: 'upper', runLength: nPlus });
    if (cMinus > H) signals.push({ index: i, side: 'lower', runLength: nMinus });
  });
  const chart = (statistic: string, points: ChartPoint[]): ControlChart => ({
    type: 'cusum',
    statistic,
    center: 0,
    sigma,
    limits,
    points,
    nsigmas: h,
  });
  return { upper: chart('cusum+', upper), lower: chart('cusum-', lower), signals };
}
