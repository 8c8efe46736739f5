/**
 * EWMA control chart for individual observations or subgroup means (Montgomery, *Introduction to Statistical
 * Quality Control*, 7th ed., §9.2), with the exact time-varying limits of the first periods.
 */
import { UserError } from '../../domain/index.js';
import type { ChartPoint, ControlChart, PointLimits } from './types.js';

/** d2 for moving ranges of 2: E[|X₁ − X₂|]/σ = 2/√π (Montgomery Appendix Table VI, d2(2) = 1.128). */
export const D2_MOVING_RANGE = 2 / Math.sqrt(Math.PI);

export interface EwmaOptions {
  /** Weight of the newest observation, 0 < λ ≤ 1 (default 0.2; Montgomery §9.2.2 recommends 0.05–0.25). */
  readonly lambda?: number;
  /** Width of the limits in σ of the EWMA statistic (default 3; Montgomery pairs λ = 0.1 with L = 2.7). */
  readonly L?: number;
  /** In-control mean μ0 and starting value z₀ (default: the mean of the values, Montgomery §9.2.1). */
  readonly target?: number;
  /** σ of one observation (default: MR̄/d2(2) from the moving ranges of the values, Montgomery eq. 6.33). */
  readonly sigma?: number;
  /**
   * The values are means of subgroups of this size (default 1): the limits use σ/√n (Montgomery §9.2.3, "replace σ
   * by σ/√n"). When σ is estimated, MR̄/d2 of the means estimates σ/√n directly, so the reported σ is that × √n.
   */
  readonly subgroupSize?: number;
}

function invalid(message: string): never {
  throw new UserError('invalid_input', message);
}

/**
 * zᵢ = λxᵢ + (1−λ)zᵢ₋₁, z₀ = μ0 (Montgomery eq. 9.22), with limits
 * μ0 ± Lσ√(λ/(2−λ)·[1 − (1−λ)^{2i}]) (eq. 9.25–9.26). `limits` holds the asymptotic limits μ0 ± Lσ√(λ/(2−λ)).
 * @example ewmaChart([9.45, 7.99], { lambda: 0.1, L: 2.7, target: 10, sigma: 1 }).points[0]?.value // 9.945
 */
export function ewmaChart(values: readonly number[], options: EwmaOptions = {}): ControlChart {
  const lambda = options.lambda ?? 0.2;
  const L = options.L ?? 3;
  const n = options.subgroupSize ?? 1;
  if (values.length === 0) invalid('an EWMA chart needs at least one value');
  values.forEach((x, i) => {
    if (!Number.isFinite(x)) invalid(`values[${i}] must be a finite number, got ${x}`);
  });
  if (!(lambda > 0 && lambda <= 1)) invalid(`lambda must be in (0, 1], got ${lambda}`);
  if (!Number.isFinite(L) || L <= 0) invalid(`L must be > 0, got ${L}`);
  if (!Number.isInteger(n) || n < 1) invalid(`subgroupSize must be an integer ≥ 1, got ${n}`);
  const target = options.target ?? values.reduce((a, b) => a + b, 0) / values.length;
  if (!Number.isFinite(target)) invalid(`target must be a finite number, got ${target}`);
  const sigma = options.sigma ?? estimateSigma(values) * Math.sqrt(n);
  if (!Number.isFinite(sigma) || sigma <= 0) {
    invalid(
      `sigma must be > 0, got ${sigma}${options.sigma === undefined ? ' (estimated from the moving ranges)' : ''}`,
    );
  }
  const sigmaMean = sigma / Math.sqrt(n);
  const limitsAt = (factor: number): PointLimits => {
    const half = L * sigmaMean * Math.sqrt((lambda / (2 - lambda)) * factor);
    return { center: target, lcl: target - half, ucl: target + half };
  };
  let z = target;
  const points: ChartPoint[] = values.map((x, i) => {
    z = lambda * x + (1 - lambda) * z;
    const limits = limitsAt(1 - (1 - lambda) ** (2 * (i + 1)));
    return {
      index: i,
      value: z,
      n,
      ...limits,
      excluded: false,
      outOfControl: z > limits.ucl || z < limits.lcl,
      violations: [],
    };
  });
  return { type: 'ewma', statistic: 'ewma', center: target, sigma, limits: limitsAt(1), points, nsigmas: L };
}

/** σ̂ = MR̄/d2(2), MRᵢ = |xᵢ − xᵢ₋₁| (Montgomery eq. 6.33, the I-MR estimate). */
function estimateSigma(values: readonly number[]): number {
  if (values.length < 2) invalid('estimating sigma from moving ranges needs at least two values; pass sigma');
  let sum = 0;
  for (let i = 1; i < values.length; i++) sum += Math.abs((values[i] ?? 0) - (values[i - 1] ?? 0));
  return sum / (values.length - 1) / D2_MOVING_RANGE;
}
