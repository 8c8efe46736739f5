/**
 * Shewhart control charts for variables: X̄-R, X̄-S (equal or unequal subgroup sizes) and individuals/moving range,
 * with phase I estimation (exclusions, revised limits) and phase II monitoring against frozen limits.
 */
import { UserError } from '../../domain/errors.js';
import { c4, controlChartConstants, MAX_SUBGROUP_SIZE, tabulatedD2 } from './constants.js';
import type {
  ChartPoint,
  ChartType,
  ControlChart,
  FrozenLimits,
  PointLimits,
  RuleViolation,
} from './types.js';

/**
 * How σ is estimated from phase I subgroups (qcc `sd.xbar`, Scrucca 2004; Montgomery 7th ed. §6.2-6.3):
 * - 'rbar-d2' (qcc "UWAVE-R"): mean of Rᵢ/d2(nᵢ); R̄/d2 for equal sizes. Default of X̄-R (and qcc's default).
 * - 'sbar-c4' (qcc "UWAVE-SD"): mean of Sᵢ/c4(nᵢ); S̄/c4 for equal sizes. Default of X̄-S.
 * - 'mvlue-r' (qcc "MVLUE-R"): Rᵢ/d2(nᵢ) weighted by (d2/d3)².
 * - 'mvlue-sd' (qcc "MVLUE-SD"): Sᵢ/c4(nᵢ) weighted by c4²/(1 − c4²).
 * - 'pooled' (qcc "RMSDF"): √(Σ(nᵢ−1)Sᵢ² / Σ(nᵢ−1)) / c4(Σ(nᵢ−1) + 1).
 */
export const SIGMA_ESTIMATORS = ['rbar-d2', 'sbar-c4', 'mvlue-r', 'mvlue-sd', 'pooled'] as const;
export type SigmaEstimator = (typeof SIGMA_ESTIMATORS)[number];

/**
 * Which d2 turns ranges into σ (and σ into the R-chart centre): 'table' (default) is d2 rounded to 3 decimals for
 * n ≤ 25, as in Montgomery's Appendix VI and qcc, so results match qcc to every printed digit; 'exact' is the
 * computed d2. d3 is always the computed value.
 */
export type D2Source = 'table' | 'exact';

export interface VariablesChartOptions {
  /** Width of the limits in σ (default 3). */
  readonly nsigmas?: number;
  readonly d2Source?: D2Source;
  /** Phase I: 0-based indices of subgroups with an assignable cause, left out of the estimates but still plotted. */
  readonly exclude?: readonly number[];
  /**
   * Phase II: limits from an earlier phase I (X̄ centre and process σ); nothing is estimated, the R/S lines come
   * from σ (d2σ ± k·d3σ, c4σ ± k·σ√(1 − c4²)), and every point is marked phase 'II'.
   */
  readonly frozen?: FrozenLimits;
  /** Phase II subgroups plotted after the phase I ones against the phase I limits (indices continue). */
  readonly newData?: readonly (readonly number[])[];
  readonly sigmaEstimator?: SigmaEstimator;
}

export interface IndividualsChartOptions {
  readonly nsigmas?: number;
  readonly d2Source?: D2Source;
  /** Phase I: indices of observations left out of the mean and of the moving ranges that touch them. */
  readonly exclude?: readonly number[];
  /** Phase II: frozen centre and σ (nothing is estimated; every point is phase 'II'). */
  readonly frozen?: FrozenLimits;
  /** Phase II observations plotted after the phase I ones against their limits. */
  readonly newData?: readonly number[];
}

export interface XbarRCharts {
  readonly xbar: ControlChart;
  readonly r: ControlChart;
}
export interface XbarSCharts {
  readonly xbar: ControlChart;
  readonly s: ControlChart;
}
export interface IndividualsCharts {
  readonly i: ControlChart;
  readonly mr: ControlChart;
}

interface Subgroup {
  readonly n: number;
  readonly mean: number;
  readonly range: number;
  /** Sample standard deviation (divisor n − 1). */
  readonly sd: number;
}

function fail(message: string): never {
  throw new UserError('invalid_input', message);
}

function d2Lookup(source: D2Source | undefined): (n: number) => number {
  if (source === undefined || source === 'table') return tabulatedD2;
  if (source === 'exact') return (n) => controlChartConstants(n).d2;
  return fail(`d2Source must be 'table' or 'exact', got ${String(source)}`);
}

function checkNsigmas(nsigmas: number): number {
  if (!Number.isFinite(nsigmas) || nsigmas <= 0) fail(`nsigmas must be a positive number, got ${nsigmas}`);
  return nsigmas;
}

function checkFrozen(frozen: FrozenLimits): FrozenLimits {
  if (!Number.isFinite(frozen.center)) fail(`frozen centre must be a finite number, got ${frozen.center}`);
  if (!Number.isFinite(frozen.sigma) || frozen.sigma <= 0) {
    fail(`frozen sigma must be a positive number, got ${frozen.sigma}`);
  }
  return frozen;
}

function summarize(subgroups: readonly (readonly number[])[], label: string, minSize: number): Subgroup[] {
  if (!Array.isArray(subgroups) || subgroups.length === 0) fail(`${label}: at least one subgroup is needed`);
  return subgroups.map((values, index) => {
    if (!Array.isArray(values)) fail(`${label}: subgroup ${index} is not an array of numbers`);
    const n = values.length;
    if (n < minSize || n > MAX_SUBGROUP_SIZE) {
      fail(
        `${label}: subgroup ${index} has ${n} values; sizes must be between ${minSize} and ${MAX_SUBGROUP_SIZE}`,
      );
    }
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const value of values) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail(`${label}: subgroup ${index} contains a value that is not a finite number (${String(value)})`);
      }
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    const mean = sum / n;
    let squares = 0;
    for (const value of values) squares += (value - mean) ** 2;
    return { n, mean, range: max - min, sd: Math.sqrt(squares / (n - 1)) };
  });
}

function excludedSet(exclude: readonly number[] | undefined, count: number): ReadonlySet<number> {
  const set = new Set<number>();
  for (const index of exclude ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      fail(`exclude: ${index} is not the index of a phase I subgroup (0..${count - 1})`);
    }
    set.add(index);
  }
  return set;
}

/** σ̂ from phase I subgroups (qcc `sd.xbar`; Montgomery 7th ed. §6.2.1 eq. 6.6 and §6.3.1 eq. 6.27). */
export function estimateSigma(
  subgroups: readonly (readonly number[])[],
  estimator: SigmaEstimator,
  d2Source: D2Source = 'table',
): number {
  return sigmaOf(summarize(subgroups, 'estimateSigma', 2), estimator, d2Lookup(d2Source));
}

function sigmaOf(
  groups: readonly Subgroup[],
  estimator: SigmaEstimator,
  d2Of: (n: number) => number,
): number {
  if (groups.length === 0) fail('no subgroups are left to estimate sigma from');
  let numerator = 0;
  let denominator = 0;
  for (const g of groups) {
    const k = controlChartConstants(g.n);
    switch (estimator) {
      case 'rbar-d2':
        numerator += g.range / d2Of(g.n);
        denominator += 1;
        break;
      case 'sbar-c4':
        numerator += g.sd / k.c4;
        denominator += 1;
        break;
      case 'mvlue-r': {
        const w = (d2Of(g.n) / k.d3) ** 2;
        numerator += (w * g.range) / d2Of(g.n);
        denominator += w;
        break;
      }
      case 'mvlue-sd': {
        const w = k.c4 ** 2 / (1 - k.c4 ** 2);
        numerator += (w * g.sd) / k.c4;
        denominator += w;
        break;
      }
      case 'pooled':
        numerator += (g.n - 1) * g.sd ** 2;
        denominator += g.n - 1;
        break;
      default:
        fail(`unknown sigma estimator ${String(estimator)}; use one of ${SIGMA_ESTIMATORS.join(', ')}`);
    }
  }
  if (estimator === 'pooled') return Math.sqrt(numerator / denominator) / c4(denominator + 1);
  return numerator / denominator;
}

/** The most frequent subgroup size (the smallest on ties): the chart's nominal n. */
function nominalSize(groups: readonly Subgroup[]): number {
  const counts = new Map<number, number>();
  for (const g of groups) counts.set(g.n, (counts.get(g.n) ?? 0) + 1);
  let best = groups[0]?.n ?? 2;
  let bestCount = 0;
  for (const [n, count] of counts) {
    if (count > bestCount || (count === bestCount && n < best)) {
      best = n;
      bestCount = count;
    }
  }
  return best;
}

interface PlotInput {
  readonly value: number;
  readonly n: number;
  readonly excluded: boolean;
  readonly phase: 'I' | 'II';
  readonly index: number;
}

/** Shared by every point: the engine never mutates it (run rules produce new points). */
const NO_VIOLATIONS: readonly RuleViolation[] = Object.freeze([]);

function point(input: PlotInput, limits: PointLimits): ChartPoint {
  return {
    index: input.index,
    value: input.value,
    n: input.n,
    center: limits.center,
    lcl: limits.lcl,
    ucl: limits.ucl,
    excluded: input.excluded,
    outOfControl: input.value > limits.ucl || input.value < limits.lcl,
    violations: NO_VIOLATIONS,
    phase: input.phase,
  };
}

function chart(args: {
  type: ChartType;
  statistic: string;
  sigma: number;
  nsigmas: number;
  nominal: number;
  limitsAt: (n: number) => PointLimits;
  inputs: readonly PlotInput[];
}): ControlChart {
  // Limits depend only on n: computed once per subgroup size, not once per point (a long I-MR chart has a
  // million points and one n).
  const byN = new Map<number, PointLimits>();
  const limitsAt = (n: number): PointLimits => {
    let limits = byN.get(n);
    if (limits === undefined) {
      limits = args.limitsAt(n);
      byN.set(n, limits);
    }
    return limits;
  };
  const limits = limitsAt(args.nominal);
  const points = new Array<ChartPoint>(args.inputs.length);
  for (let i = 0; i < args.inputs.length; i++) {
    const input = args.inputs[i];
    if (input !== undefined) points[i] = point(input, limitsAt(input.n));
  }
  return {
    type: args.type,
    statistic: args.statistic,
    center: limits.center,
    sigma: args.sigma,
    limits,
    nsigmas: args.nsigmas,
    points,
  };
}

/** X̄ limits x̿ ± kσ/√n (Montgomery 7th ed. §6.2.1 eq. 6.4-6.5 with σ̂ in place of R̄/d2). */
function xbarLimits(center: number, sigma: number, nsigmas: number): (n: number) => PointLimits {
  return (n) => ({
    center,
    lcl: center - (nsigmas * sigma) / Math.sqrt(n),
    ucl: center + (nsigmas * sigma) / Math.sqrt(n),
  });
}

/** R limits d2σ ± k·d3σ, LCL clamped at 0 (Montgomery 7th ed. §6.2.1 eq. 6.8-6.9, standard-given form; qcc limits.R). */
function rangeLimits(
  sigma: number,
  nsigmas: number,
  d2Of: (n: number) => number,
): (n: number) => PointLimits {
  return (n) => {
    const d2 = d2Of(n);
    const { d3 } = controlChartConstants(n);
    return {
      center: d2 * sigma,
      lcl: Math.max(0, (d2 - nsigmas * d3) * sigma),
      ucl: (d2 + nsigmas * d3) * sigma,
    };
  };
}

/** S limits c4σ ± k·σ√(1 − c4²), LCL clamped at 0 (Montgomery 7th ed. §6.3.1 eq. 6.25-6.26; qcc limits.S). */
function sdLimits(sigma: number, nsigmas: number): (n: number) => PointLimits {
  return (n) => {
    const cn = c4(n);
    const spread = nsigmas * sigma * Math.sqrt(1 - cn * cn);
    return { center: cn * sigma, lcl: Math.max(0, cn * sigma - spread), ucl: cn * sigma + spread };
  };
}

/** The two charts of a variables chart type: the level (X̄ or I) and the dispersion (R, S or MR). */
export interface PairLimits {
  readonly level: PointLimits;
  readonly dispersion: PointLimits;
}

/**
 * Phase II limits of a variables chart pair for subgroups of size n, from a frozen centre and σ: what a live chart
 * plots each new subgroup against. Same formulas as the charts above (for I-MR, n is 1 and the MR limits are
 * those of span 2).
 * @example frozenPairLimits('xbar-r', { center: 74, sigma: 0.01 })(5).dispersion.ucl // D2·σ = 4.918·0.01
 */
export function frozenPairLimits(
  type: 'xbar-r' | 'xbar-s' | 'i-mr',
  frozen: FrozenLimits,
  options: { readonly nsigmas?: number; readonly d2Source?: D2Source } = {},
): (n: number) => PairLimits {
  const { center, sigma } = checkFrozen(frozen);
  const nsigmas = checkNsigmas(options.nsigmas ?? 3);
  const d2Of = d2Lookup(options.d2Source);
  const level = xbarLimits(center, sigma, nsigmas);
  if (type === 'i-mr') {
    const limits = { level: level(1), dispersion: rangeLimits(sigma, nsigmas, d2Of)(2) };
    return () => limits;
  }
  const dispersion = type === 'xbar-r' ? rangeLimits(sigma, nsigmas, d2Of) : sdLimits(sigma, nsigmas);
  const byN = new Map<number, PairLimits>();
  return (n) => {
    if (!Number.isInteger(n) || n < 2 || n > MAX_SUBGROUP_SIZE) {
      fail(`${type} chart: subgroup size ${n} is not between 2 and ${MAX_SUBGROUP_SIZE}`);
    }
    let limits = byN.get(n);
    if (limits === undefined) {
      limits = { level: level(n), dispersion: dispersion(n) };
      byN.set(n, limits);
    }
    return limits;
  };
}

interface SubgroupChartsSetup {
  readonly groups: readonly Subgroup[];
  readonly excluded: ReadonlySet<number>;
  readonly phase: 'I' | 'II';
  readonly center: number;
  readonly sigma: number;
  readonly nsigmas: number;
  readonly nominal: number;
  readonly d2Of: (n: number) => number;
}

function setupSubgroupCharts(
  subgroups: readonly (readonly number[])[],
  options: VariablesChartOptions,
  defaultEstimator: SigmaEstimator,
  label: string,
): SubgroupChartsSetup {
  const nsigmas = checkNsigmas(options.nsigmas ?? 3);
  const d2Of = d2Lookup(options.d2Source);
  const phaseOne = summarize(subgroups, label, 2);
  const phaseTwo = options.newData === undefined ? [] : summarize(options.newData, `${label} newData`, 2);
  const excluded = excludedSet(options.exclude, phaseOne.length);
  const groups = [...phaseOne, ...phaseTwo];
  if (options.frozen !== undefined) {
    const frozen = checkFrozen(options.frozen);
    return {
      groups,
      excluded,
      phase: 'II',
      center: frozen.center,
      sigma: frozen.sigma,
      nsigmas,
      nominal: nominalSize(groups),
      d2Of,
    };
  }
  const included = phaseOne.filter((_, index) => !excluded.has(index));
  if (included.length === 0)
    fail(`${label}: every subgroup is excluded; nothing is left to estimate the limits`);
  // Grand mean weighted by subgroup size (qcc stats.xbar; Montgomery 7th ed. eq. 6.3 for equal sizes).
  let total = 0;
  let count = 0;
  for (const g of included) {
    total += g.n * g.mean;
    count += g.n;
  }
  const sigma = sigmaOf(included, options.sigmaEstimator ?? defaultEstimator, d2Of);
  if (!(sigma > 0)) fail(`${label}: the estimated sigma is 0 (every phase I subgroup is constant)`);
  return {
    groups,
    excluded,
    phase: 'I',
    center: total / count,
    sigma,
    nsigmas,
    nominal: nominalSize(included),
    d2Of,
  };
}

function plotInputs(
  setup: SubgroupChartsSetup,
  phaseOneCount: number,
  statistic: (g: Subgroup) => number,
): PlotInput[] {
  return setup.groups.map((g, index) => ({
    index,
    value: statistic(g),
    n: g.n,
    excluded: setup.excluded.has(index),
    phase: index < phaseOneCount ? setup.phase : 'II',
  }));
}

/**
 * X̄ and R charts (Montgomery 7th ed. §6.2). σ̂ defaults to R̄/d2 (qcc "UWAVE-R"); unequal subgroup sizes give
 * per-point limits from each nᵢ.
 * @example xbarRChart(pistonrings.slice(0, 25)).xbar.limits // { center: 74.00118, lcl: 73.98805, ucl: 74.01430 }
 */
export function xbarRChart(
  subgroups: readonly (readonly number[])[],
  options: VariablesChartOptions = {},
): XbarRCharts {
  const setup = setupSubgroupCharts(subgroups, options, 'rbar-d2', 'X̄-R chart');
  const common = {
    type: 'xbar-r' as const,
    sigma: setup.sigma,
    nsigmas: setup.nsigmas,
    nominal: setup.nominal,
  };
  return {
    xbar: chart({
      ...common,
      statistic: 'xbar',
      limitsAt: xbarLimits(setup.center, setup.sigma, setup.nsigmas),
      inputs: plotInputs(setup, subgroups.length, (g) => g.mean),
    }),
    r: chart({
      ...common,
      statistic: 'r',
      limitsAt: rangeLimits(setup.sigma, setup.nsigmas, setup.d2Of),
      inputs: plotInputs(setup, subgroups.length, (g) => g.range),
    }),
  };
}

/**
 * X̄ and S charts (Montgomery 7th ed. §6.3). σ̂ defaults to S̄/c4 (qcc "UWAVE-SD"); unequal subgroup sizes give
 * per-point limits from each nᵢ (Montgomery §6.3.2).
 */
export function xbarSChart(
  subgroups: readonly (readonly number[])[],
  options: VariablesChartOptions = {},
): XbarSCharts {
  const setup = setupSubgroupCharts(subgroups, options, 'sbar-c4', 'X̄-S chart');
  const common = {
    type: 'xbar-s' as const,
    sigma: setup.sigma,
    nsigmas: setup.nsigmas,
    nominal: setup.nominal,
  };
  return {
    xbar: chart({
      ...common,
      statistic: 'xbar',
      limitsAt: xbarLimits(setup.center, setup.sigma, setup.nsigmas),
      inputs: plotInputs(setup, subgroups.length, (g) => g.mean),
    }),
    s: chart({
      ...common,
      statistic: 's',
      limitsAt: sdLimits(setup.sigma, setup.nsigmas),
      inputs: plotInputs(setup, subgroups.length, (g) => g.sd),
    }),
  };
}

function checkValues(values: readonly number[], label: string): void {
  if (!Array.isArray(values)) fail(`${label}: expected an array of numbers`);
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(`${label}: value ${index} is not a finite number (${String(value)})`);
    }
  });
}

/** Phase I estimate of an individuals chart: mean of the included values, σ̂ = MR̄/d2(2) over included pairs. */
function estimateIndividuals(
  values: readonly number[],
  isExcluded: (t: number) => boolean,
  d2Of2: number,
): { center: number; sigma: number } {
  let sum = 0;
  let count = 0;
  let mrTotal = 0;
  let mrCount = 0;
  for (let t = 0; t < values.length; t++) {
    if (isExcluded(t)) continue;
    const x = values[t] ?? Number.NaN;
    sum += x;
    count += 1;
    if (t > 0 && !isExcluded(t - 1)) {
      mrTotal += Math.abs(x - (values[t - 1] ?? Number.NaN));
      mrCount += 1;
    }
  }
  if (mrCount === 0)
    fail('I-MR chart: at least two consecutive included observations are needed to estimate sigma');
  const sigma = mrTotal / mrCount / d2Of2;
  if (!(sigma > 0)) fail('I-MR chart: the estimated sigma is 0 (all included observations are equal)');
  return { center: sum / count, sigma };
}

/**
 * Phase I limits of an I-MR chart without building its points: what a live chart freezes, and cheap for a
 * million observations. Same estimate as `imrChart`.
 */
export function imrLimits(
  values: readonly number[],
  options: Pick<IndividualsChartOptions, 'nsigmas' | 'd2Source' | 'exclude'> = {},
): { center: number; sigma: number; i: PointLimits; mr: PointLimits } {
  const nsigmas = checkNsigmas(options.nsigmas ?? 3);
  const d2Of = d2Lookup(options.d2Source);
  checkValues(values, 'I-MR chart');
  const excluded = excludedSet(options.exclude, values.length);
  const { center, sigma } = estimateIndividuals(values, (t) => excluded.size > 0 && excluded.has(t), d2Of(2));
  return {
    center,
    sigma,
    i: xbarLimits(center, sigma, nsigmas)(1),
    mr: rangeLimits(sigma, nsigmas, d2Of)(2),
  };
}

/**
 * Individuals and moving-range charts (Montgomery 7th ed. §6.4): moving ranges of span 2, σ̂ = MR̄/d2(2)
 * (qcc xbar.one, std.dev "MR"); I limits x̄ ± kσ̂, MR limits d2σ̂ ± k·d3σ̂. The MR chart has no point for the
 * first observation; its point `index` is that of the later of the two observations.
 * @example imrChart(viscosity).i.limits // { center: 33.52333, lcl: 32.24484, ucl: 34.80183 }
 */
export function imrChart(
  values: readonly number[],
  options: IndividualsChartOptions = {},
): IndividualsCharts {
  const nsigmas = checkNsigmas(options.nsigmas ?? 3);
  const d2Of = d2Lookup(options.d2Source);
  checkValues(values, 'I-MR chart');
  const newData = options.newData ?? [];
  checkValues(newData, 'I-MR chart newData');
  if (values.length === 0) fail('I-MR chart: at least one observation is needed');
  const excluded = excludedSet(options.exclude, values.length);
  const isExcluded = (t: number): boolean => excluded.size > 0 && excluded.has(t);
  const total = values.length + newData.length;
  const at = (t: number): number =>
    (t < values.length ? values[t] : newData[t - values.length]) ?? Number.NaN;

  let center: number;
  let sigma: number;
  let phase: 'I' | 'II' = 'I';
  if (options.frozen !== undefined) {
    const frozen = checkFrozen(options.frozen);
    center = frozen.center;
    sigma = frozen.sigma;
    phase = 'II';
  } else {
    ({ center, sigma } = estimateIndividuals(values, isExcluded, d2Of(2)));
  }

  // Points are built in one pass, without intermediate arrays: a long chart has a million of each.
  const iLimits = xbarLimits(center, sigma, nsigmas)(1);
  const mrLimits = rangeLimits(sigma, nsigmas, d2Of)(2);
  const iPoints = new Array<ChartPoint>(total);
  const mrPoints = new Array<ChartPoint>(Math.max(0, total - 1));
  for (let t = 0; t < total; t++) {
    const x = at(t);
    const pointPhase = t < values.length ? phase : 'II';
    iPoints[t] = point({ index: t, value: x, n: 1, excluded: isExcluded(t), phase: pointPhase }, iLimits);
    if (t > 0) {
      const input = {
        index: t,
        value: Math.abs(x - at(t - 1)),
        n: 2,
        excluded: isExcluded(t) || isExcluded(t - 1),
        phase: pointPhase,
      };
      mrPoints[t - 1] = point(input, mrLimits);
    }
  }
  const common = { type: 'i-mr' as const, sigma, nsigmas };
  return {
    i: { ...common, statistic: 'i', center: iLimits.center, limits: iLimits, points: iPoints },
    mr: { ...common, statistic: 'mr', center: mrLimits.center, limits: mrLimits, points: mrPoints },
  };
}

export interface RevisionStep<T> {
  /** 0 for the first estimate, then one per revision. */
  readonly iteration: number;
  /** Indices left out of the estimates in this step. */
  readonly exclude: readonly number[];
  readonly charts: T;
  /** Phase I points of this step (not yet excluded) beyond the limits of any of the charts, by point index. */
  readonly outOfControl: readonly number[];
}

export interface PhaseOneReviseOptions {
  /** Indices excluded from the start (assignable causes already known). */
  readonly exclude?: readonly number[];
  /** Stop after this many revisions even if points are still out of control (default 10). */
  readonly maxIterations?: number;
}

/**
 * Montgomery's revised control limits (7th ed. §6.2.1, "Revision of control limits"; phase I): estimate the limits,
 * drop the subgroups beyond the limits of any chart of the set, re-estimate, and repeat until none is out; returns
 * every step, the last one holding the revised limits.
 * @example phaseOneRevise((exclude) => xbarRChart(subgroups, { exclude })).at(-1)?.charts.xbar.limits
 */
export function phaseOneRevise<T extends { readonly [K in keyof T]: ControlChart }>(
  build: (exclude: readonly number[]) => T,
  options: PhaseOneReviseOptions = {},
): RevisionStep<T>[] {
  const maxIterations = options.maxIterations ?? 10;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    fail(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  const steps: RevisionStep<T>[] = [];
  let exclude = [...new Set(options.exclude ?? [])].sort((a, b) => a - b);
  for (let iteration = 0; ; iteration++) {
    const charts = build(exclude);
    const out = new Set<number>();
    for (const key of Object.keys(charts) as (keyof T)[]) {
      const c: ControlChart = charts[key];
      for (const p of c.points) {
        if (p.outOfControl && !p.excluded && p.phase !== 'II') out.add(p.index);
      }
    }
    const outOfControl = [...out].sort((a, b) => a - b);
    steps.push({ iteration, exclude, charts, outOfControl });
    if (outOfControl.length === 0 || iteration >= maxIterations) return steps;
    exclude = [...new Set([...exclude, ...outOfControl])].sort((a, b) => a - b);
  }
}
