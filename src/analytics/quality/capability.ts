/**
 * Process capability of a variable against its specification: Cp, Cpk, Pp, Ppk, Cpm, their confidence intervals,
 * expected (normal-model) and observed PPM out of specification, a normality check, and plain-language warnings.
 *
 * Sources: Montgomery, *Introduction to Statistical Quality Control* (7th ed.), ch. 8: Cp (eq. 8.1), Cpu/Cpl
 * (eq. 8.4–8.5), Cpk (eq. 8.7), Cpm (eq. 8.12–8.13), the χ² interval on Cp (eq. 8.19) and Bissell's (1990)
 * normal-approximation interval on Cpk (eq. 8.20); Minitab, "Methods and formulas for Normal Capability Analysis"
 * (Pp/Ppk with the overall n − 1 standard deviation, within σ from the average moving range / d₂ for individuals,
 * expected and observed PPM); Anderson–Darling in normality.ts.
 */

import { UserError } from '../../domain/errors.js';
import { lnGamma, normalCdf, normalQuantile, normalSf } from './normal.js';
import { ANDERSON_DARLING_MIN_N, andersonDarling, type AndersonDarlingResult } from './normality.js';

export interface CapabilitySpec {
  readonly lsl?: number;
  readonly usl?: number;
  readonly target?: number;
}

export interface CapabilityOptions {
  /** Within-subgroup σ from the control chart (R̄/d₂, s̄/c₄, M̄R/d₂). Estimated from the data when absent. */
  readonly sigmaWithin?: number;
  /** Subgroup size of `values` (consecutive groups), used only to estimate σ within when it is not given. */
  readonly subgroupSize?: number;
  /** Confidence level of the intervals, 0.95 by default. */
  readonly confidence?: number;
  /** Whether the control chart shows the process in statistical control; `false` adds a warning. */
  readonly inControl?: boolean;
}

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export interface PpmSet {
  readonly belowLsl: number | undefined;
  readonly aboveUsl: number | undefined;
  readonly total: number;
}

export interface CapabilityResult {
  readonly n: number;
  readonly mean: number;
  readonly sigmaWithin: number;
  /** Overall standard deviation, n − 1 degrees of freedom. */
  readonly sigmaOverall: number;
  /** How σ within was obtained. */
  readonly sigmaWithinSource: 'given' | 'moving-range' | 'pooled';
  readonly cp: number | undefined;
  readonly cpu: number | undefined;
  readonly cpl: number | undefined;
  readonly cpk: number;
  readonly pp: number | undefined;
  readonly ppu: number | undefined;
  readonly ppl: number | undefined;
  readonly ppk: number;
  readonly cpm: number | undefined;
  readonly confidence: number;
  readonly cpInterval: Interval | undefined;
  readonly cpkInterval: Interval;
  readonly ppInterval: Interval | undefined;
  readonly ppkInterval: Interval;
  readonly expectedPpmWithin: PpmSet;
  readonly expectedPpmOverall: PpmSet;
  readonly observedPpm: PpmSet;
  /** Anderson–Darling normality test; undefined below 8 values. */
  readonly normality: AndersonDarlingResult | undefined;
  readonly warnings: string[];
}

/** Below this many values capability estimates are very uncertain (Montgomery §8.3.5; Minitab's guidance). */
const MIN_RECOMMENDED_N = 25;
/** d₂ for moving ranges of span 2 (Montgomery Appendix Table VI, n = 2). */
const D2_SPAN_2 = 1.128;

function invalid(message: string, details?: Record<string, unknown>): UserError {
  return new UserError('invalid_input', message, details === undefined ? undefined : { details });
}

/**
 * Regularized lower incomplete gamma P(a, x): series for x < a + 1, Lentz continued fraction otherwise
 * (Numerical Recipes 3rd ed. §6.2; Abramowitz & Stegun 6.5.29, 6.5.31).
 */
function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 1000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lnPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(lnPrefix) * h;
}

/** χ² quantile: the x with P(χ²_df ≤ x) = p, by bisection on the χ² distribution function P(df/2, x/2). */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0))
    throw invalid('chiSquareQuantile needs 0 < p < 1 and df > 0', { p, df });
  const cdf = (x: number): number => regularizedGammaP(df / 2, x / 2);
  let lo = 0;
  let hi = Math.max(1, df);
  while (cdf(hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Two-sided interval on Cp (Montgomery eq. 8.19):
 * Ĉp·√(χ²₁₋α/₂,ₙ₋₁/(n − 1)) ≤ Cp ≤ Ĉp·√(χ²α/₂,ₙ₋₁/(n − 1)), with χ²α,ν the upper α point.
 * @example cpConfidenceInterval(2.29, 20, 0.95) // { lower: 1.57, upper: 3.01 } (Montgomery Example 8.4)
 */
export function cpConfidenceInterval(cp: number, n: number, confidence = 0.95): Interval {
  const alpha = 1 - confidence;
  const df = n - 1;
  return {
    lower: cp * Math.sqrt(chiSquareQuantile(alpha / 2, df) / df),
    upper: cp * Math.sqrt(chiSquareQuantile(1 - alpha / 2, df) / df),
  };
}

/**
 * Two-sided approximate interval on Cpk (Bissell 1990; Montgomery eq. 8.20):
 * Ĉpk[1 ∓ Z_α/₂·√(1/(9nĈpk²) + 1/(2(n − 1)))].
 * @example cpkConfidenceInterval(1.33, 20, 0.95) // { lower: 0.883, upper: 1.777 }
 */
export function cpkConfidenceInterval(cpk: number, n: number, confidence = 0.95): Interval {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const half = z * Math.sqrt(1 / (9 * n * cpk * cpk) + 1 / (2 * (n - 1)));
  return { lower: cpk * (1 - half), upper: cpk * (1 + half) };
}

function estimateSigmaWithin(
  values: readonly number[],
  subgroupSize: number,
): { sigma: number; source: 'moving-range' | 'pooled' } {
  if (subgroupSize <= 1) {
    // Individuals: σ̂ = M̄R/d₂ with moving ranges of span 2 (Montgomery §6.4, eq. 6.33).
    let sum = 0;
    for (let i = 1; i < values.length; i++) sum += Math.abs((values[i] ?? 0) - (values[i - 1] ?? 0));
    return { sigma: sum / (values.length - 1) / D2_SPAN_2, source: 'moving-range' };
  }
  // Subgroups: pooled standard deviation sp = √(Σ(nᵢ − 1)sᵢ² / Σ(nᵢ − 1)) over consecutive groups (Minitab's
  // "pooled standard deviation", here without the c₄ unbiasing constant). A short last group is kept.
  let ss = 0;
  let dof = 0;
  for (let start = 0; start < values.length; start += subgroupSize) {
    const group = values.slice(start, start + subgroupSize);
    if (group.length < 2) continue;
    const m = group.reduce((s, x) => s + x, 0) / group.length;
    ss += group.reduce((s, x) => s + (x - m) ** 2, 0);
    dof += group.length - 1;
  }
  if (dof === 0) throw invalid('no subgroup has 2 or more values: cannot estimate σ within');
  return { sigma: Math.sqrt(ss / dof), source: 'pooled' };
}

function expectedPpm(mean: number, sigma: number, lsl: number | undefined, usl: number | undefined): PpmSet {
  const belowLsl = lsl === undefined ? undefined : normalCdf((lsl - mean) / sigma) * 1e6;
  const aboveUsl = usl === undefined ? undefined : normalSf((usl - mean) / sigma) * 1e6;
  return { belowLsl, aboveUsl, total: (belowLsl ?? 0) + (aboveUsl ?? 0) };
}

/**
 * Capability analysis of `values` against `spec`, assuming a normal, stable process.
 * Cp = (USL − LSL)/6σ, Cpu = (USL − μ)/3σ, Cpl = (μ − LSL)/3σ, Cpk = min(Cpu, Cpl) with σ within; Pp, Ppk the
 * same with the overall σ; Cpm = Cp/√(1 + ((μ − T)/σ)²) with σ within (Montgomery eq. 8.13), given a target and
 * both limits. With one limit, Cpk (Ppk) is the one-sided index. The intervals on Cp and Pp use n − 1 degrees of
 * freedom for both σ estimates (eq. 8.19 assumes the sample standard deviation).
 * @example capability(diameters, { lsl: 73.95, usl: 74.05 }, { sigmaWithin: 0.0099, inControl: true }).cpk
 */
export function capability(
  values: readonly number[],
  spec: CapabilitySpec,
  options: CapabilityOptions = {},
): CapabilityResult {
  const n = values.length;
  const { lsl, usl, target } = spec;
  const confidence = options.confidence ?? 0.95;
  if (n < 2) throw invalid('capability needs at least 2 values', { n });
  if (!values.every(Number.isFinite)) throw invalid('capability needs finite values');
  if (lsl === undefined && usl === undefined)
    throw invalid('capability needs at least one specification limit');
  for (const [name, v] of [
    ['lsl', lsl],
    ['usl', usl],
    ['target', target],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v))
      throw invalid(`${name} must be a finite number`, { [name]: v });
  }
  if (lsl !== undefined && usl !== undefined && !(lsl < usl))
    throw invalid('lsl must be below usl', { lsl, usl });
  if (!(confidence > 0 && confidence < 1))
    throw invalid('confidence must be between 0 and 1', { confidence });
  if (
    options.sigmaWithin !== undefined &&
    !(options.sigmaWithin > 0 && Number.isFinite(options.sigmaWithin))
  ) {
    throw invalid('sigmaWithin must be a positive number', { sigmaWithin: options.sigmaWithin });
  }
  const subgroupSize = options.subgroupSize ?? 1;
  if (!Number.isInteger(subgroupSize) || subgroupSize < 1) {
    throw invalid('subgroupSize must be a positive integer', { subgroupSize });
  }

  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sigmaOverall = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const estimated = options.sigmaWithin === undefined ? estimateSigmaWithin(values, subgroupSize) : undefined;
  const sigmaWithin = options.sigmaWithin ?? estimated?.sigma ?? 0;
  if (!(sigmaOverall > 0) || !(sigmaWithin > 0)) {
    throw invalid('the values do not vary: capability indices are undefined');
  }

  const indices = (sigma: number) => {
    const upper = usl === undefined ? undefined : (usl - mean) / (3 * sigma);
    const lower = lsl === undefined ? undefined : (mean - lsl) / (3 * sigma);
    const potential = lsl === undefined || usl === undefined ? undefined : (usl - lsl) / (6 * sigma);
    const k = Math.min(upper ?? Infinity, lower ?? Infinity);
    return { upper, lower, potential, k };
  };
  const within = indices(sigmaWithin);
  const overall = indices(sigmaOverall);
  const cpm =
    within.potential === undefined || target === undefined
      ? undefined
      : within.potential / Math.sqrt(1 + ((mean - target) / sigmaWithin) ** 2);

  const below = lsl === undefined ? undefined : (values.filter((x) => x < lsl).length / n) * 1e6;
  const above = usl === undefined ? undefined : (values.filter((x) => x > usl).length / n) * 1e6;
  const normality = n >= ANDERSON_DARLING_MIN_N ? andersonDarling(values) : undefined;

  const warnings: string[] = [];
  if (options.inControl === false) {
    warnings.push('The process is not in statistical control: capability indices are not meaningful.');
  }
  if (normality !== undefined && normality.pValue < 0.05) {
    warnings.push(
      `The data are not normal (Anderson–Darling ${formatP(normality.pValue)}): the normal-model PPM are unreliable.`,
    );
  }
  if (normality === undefined) {
    warnings.push(`Fewer than ${ANDERSON_DARLING_MIN_N} values: normality could not be checked.`);
  }
  if (n < MIN_RECOMMENDED_N) {
    warnings.push(
      `Fewer than ${MIN_RECOMMENDED_N} values (${n}): the capability estimates are very uncertain.`,
    );
  }
  if (lsl === undefined) {
    warnings.push(
      'No lower specification limit: Cp and Pp are undefined, and Cpk (Ppk) is the upper index only.',
    );
  }
  if (usl === undefined) {
    warnings.push(
      'No upper specification limit: Cp and Pp are undefined, and Cpk (Ppk) is the lower index only.',
    );
  }
  if (target !== undefined && within.potential === undefined) {
    warnings.push('Cpm needs both specification limits: it is not computed.');
  }

  return {
    n,
    mean,
    sigmaWithin,
    sigmaOverall,
    sigmaWithinSource: estimated?.source ?? 'given',
    cp: within.potential,
    cpu: within.upper,
    cpl: within.lower,
    cpk: within.k,
    pp: overall.potential,
    ppu: overall.upper,
    ppl: overall.lower,
    ppk: overall.k,
    cpm,
    confidence,
    cpInterval:
      within.potential === undefined ? undefined : cpConfidenceInterval(within.potential, n, confidence),
    cpkInterval: cpkConfidenceInterval(within.k, n, confidence),
    ppInterval:
      overall.potential === undefined ? undefined : cpConfidenceInterval(overall.potential, n, confidence),
    ppkInterval: cpkConfidenceInterval(overall.k, n, confidence),
    expectedPpmWithin: expectedPpm(mean, sigmaWithin, lsl, usl),
    expectedPpmOverall: expectedPpm(mean, sigmaOverall, lsl, usl),
    observedPpm: { belowLsl: below, aboveUsl: above, total: (below ?? 0) + (above ?? 0) },
    normality,
    warnings,
  };
}

function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}
