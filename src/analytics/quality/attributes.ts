/**
 * Attribute control charts (p, np, c, u) after Montgomery, *Introduction to Statistical Quality Control*, 7th ed.,
 * ch. 7, with limits, clamping and σ reported the way R qcc (Scrucca 2004) does.
 */
import { UserError } from '../../domain/index.js';
import type { ChartPoint, ChartType, ControlChart, PointLimits } from './types.js';

/** Options shared by the attribute charts. */
export interface AttributeChartOptions {
  /** Width of the limits in σ (default 3). */
  readonly nsigmas?: number;
  /** Phase I: 0-based indices left out of the centre estimate (still plotted, with `excluded: true`). */
  readonly exclude?: readonly number[];
  /** Phase II: a centre frozen from phase I (p̄, p̄ for np too, c̄ or ū); the data are not used to estimate it. */
  readonly frozen?: { readonly center: number };
}

/** New samples (phase II) plotted after the phase I samples against the phase I limits. */
export interface AttributeNewData {
  readonly counts: readonly number[];
  /** Sample sizes (p chart) or inspection units (u chart); ignored by np and c charts. */
  readonly sizes?: readonly number[];
}

export interface PChartOptions extends AttributeChartOptions {
  readonly newData?: AttributeNewData;
}

function invalid(message: string): never {
  throw new UserError('invalid_input', message);
}

function checkCounts(counts: readonly number[], what: string): void {
  counts.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0) invalid(`${what}[${i}] must be a finite count ≥ 0, got ${c}`);
  });
}

function checkSizes(sizes: readonly number[], counts: readonly number[], what: string): void {
  if (sizes.length !== counts.length) {
    invalid(`${what}: ${sizes.length} sizes for ${counts.length} counts`);
  }
  sizes.forEach((n, i) => {
    if (!Number.isFinite(n) || n <= 0) invalid(`${what}[${i}] must be a finite size > 0, got ${n}`);
  });
}

function resolveOptions(
  options: AttributeChartOptions,
  length: number,
): { nsigmas: number; excluded: Set<number> } {
  const nsigmas = options.nsigmas ?? 3;
  if (!Number.isFinite(nsigmas) || nsigmas <= 0) invalid(`nsigmas must be > 0, got ${nsigmas}`);
  const excluded = new Set(options.exclude ?? []);
  for (const i of excluded) {
    if (!Number.isInteger(i) || i < 0 || i >= length) invalid(`exclude index ${i} is not a sample index`);
  }
  if (options.frozen === undefined && excluded.size >= length) {
    invalid('no samples left to estimate the centre line');
  }
  if (
    options.frozen !== undefined &&
    (!Number.isFinite(options.frozen.center) || options.frozen.center < 0)
  ) {
    invalid(`frozen centre must be a finite number ≥ 0, got ${options.frozen.center}`);
  }
  return { nsigmas, excluded };
}

/** Σ counts / Σ sizes over the samples not excluded: the pooled p̄ or ū (Montgomery eq. 7.7, 7.19 with varying n). */
function pooledRate(
  counts: readonly number[],
  sizes: readonly number[],
  excluded: ReadonlySet<number>,
): number {
  let x = 0;
  let n = 0;
  counts.forEach((c, i) => {
    if (excluded.has(i)) return;
    x += c;
    n += sizes[i] ?? 0;
  });
  return x / n;
}

interface Plotted {
  readonly value: number;
  readonly n: number;
  readonly limits: PointLimits;
  readonly excluded: boolean;
  /** Phase II: a new sample plotted against limits it did not help estimate (`newData`, or a frozen centre). */
  readonly phase2?: boolean;
}

function point(index: number, p: Plotted): ChartPoint {
  return {
    index,
    value: p.value,
    n: p.n,
    center: p.limits.center,
    lcl: p.limits.lcl,
    ucl: p.limits.ucl,
    excluded: p.excluded,
    // Rule 1 only, strictly beyond a limit (a point on the limit is in control, as in qcc's beyond.limits).
    outOfControl: p.value > p.limits.ucl || p.value < p.limits.lcl,
    violations: [],
    phase: p.phase2 === true ? 'II' : 'I',
  };
}

/** A negative LCL is clamped to 0, as qcc's limits.p / limits.np / limits.c / limits.u do (Montgomery §7.2.1). */
function limitsOf(center: number, halfWidth: number): PointLimits {
  return { center, lcl: Math.max(0, center - halfWidth), ucl: center + halfWidth };
}

function chart(
  type: ChartType,
  center: number,
  sigma: number,
  nominal: PointLimits,
  nsigmas: number,
  plotted: readonly Plotted[],
): ControlChart {
  return {
    type,
    statistic: type,
    center,
    sigma,
    limits: nominal,
    nsigmas,
    points: plotted.map((p, i) => point(i, p)),
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Fraction nonconforming chart: point i plots pᵢ = Dᵢ/nᵢ against p̄ ± L√(p̄(1−p̄)/nᵢ) (Montgomery eq. 7.8; per-point
 * limits for varying nᵢ, §7.2.2). p̄ = ΣDᵢ/Σnᵢ over the samples not excluded. `sigma` is √(p̄(1−p̄)), qcc's std.dev.
 * `limits` are those at the average sample size (Montgomery §7.2.2, "average sample size" approach).
 * @example pChart([12, 15, 8], [50, 50, 50]).center // 35/150
 */
export function pChart(
  counts: readonly number[],
  sizes: readonly number[],
  options: PChartOptions = {},
): ControlChart {
  checkCounts(counts, 'counts');
  checkSizes(sizes, counts, 'sizes');
  counts.forEach((c, i) => {
    if (c > (sizes[i] ?? 0)) invalid(`counts[${i}] = ${c} exceeds its sample size ${sizes[i]}`);
  });
  const { nsigmas, excluded } = resolveOptions(options, counts.length);
  const frozen = options.frozen !== undefined;
  const center = options.frozen?.center ?? pooledRate(counts, sizes, excluded);
  if (center > 1) invalid(`a fraction nonconforming centre must be ≤ 1, got ${center}`);
  // qcc sd.p: std.dev = √(p̄(1−p̄)); the limits divide it by √nᵢ.
  const sigma = Math.sqrt(center * (1 - center));
  const lim = (n: number): PointLimits => limitsOf(center, (nsigmas * sigma) / Math.sqrt(n));
  const plotted: Plotted[] = counts.map((c, i) => {
    const n = sizes[i] ?? 1;
    return { value: c / n, n, limits: lim(n), excluded: excluded.has(i), phase2: frozen };
  });
  const newData = options.newData;
  if (newData !== undefined) {
    const newSizes = newData.sizes ?? invalid('newData.sizes are required for a p chart');
    checkCounts(newData.counts, 'newData.counts');
    checkSizes(newSizes, newData.counts, 'newData.sizes');
    newData.counts.forEach((c, i) => {
      const n = newSizes[i] ?? 1;
      if (c > n) invalid(`newData.counts[${i}] = ${c} exceeds its sample size ${n}`);
      plotted.push({ value: c / n, n, limits: lim(n), excluded: false, phase2: true });
    });
  }
  return chart('p', center, sigma, lim(mean(sizes)), nsigmas, plotted);
}

/**
 * Number nonconforming chart for a constant sample size n: Dᵢ against np̄ ± L√(np̄(1−p̄)) (Montgomery eq. 7.13).
 * `center` is np̄; `sigma` is √(p̄(1−p̄)) as qcc's sd.np reports it; a frozen centre is given as p̄.
 * @example npChart([12, 15, 8], 50).center // 50 · 35/150
 */
export function npChart(
  counts: readonly number[],
  size: number,
  options: AttributeChartOptions & { readonly newData?: { readonly counts: readonly number[] } } = {},
): ControlChart {
  if (!Number.isFinite(size) || size <= 0) invalid(`size must be a finite number > 0, got ${size}`);
  checkCounts(counts, 'counts');
  const all = [...counts, ...(options.newData?.counts ?? [])];
  checkCounts(options.newData?.counts ?? [], 'newData.counts');
  all.forEach((c, i) => {
    if (c > size) invalid(`count ${i} = ${c} exceeds the sample size ${size}`);
  });
  const { nsigmas, excluded } = resolveOptions(options, counts.length);
  const frozen = options.frozen !== undefined;
  const sizes = counts.map(() => size);
  const pbar = options.frozen?.center ?? pooledRate(counts, sizes, excluded);
  if (pbar > 1) invalid(`a fraction nonconforming centre must be ≤ 1, got ${pbar}`);
  const sigma = Math.sqrt(pbar * (1 - pbar));
  const limits = limitsOf(size * pbar, nsigmas * Math.sqrt(size) * sigma);
  const plotted = all.map((c, i) => ({
    value: c,
    n: size,
    limits,
    excluded: excluded.has(i),
    phase2: frozen || i >= counts.length,
  }));
  return chart('np', size * pbar, sigma, limits, nsigmas, plotted);
}

/**
 * Nonconformities chart (one inspection unit per sample): cᵢ against c̄ ± L√c̄ (Montgomery eq. 7.17; qcc
 * sd.c = √c̄). c̄ is the mean count over the samples not excluded.
 * @example cChart([21, 24, 16]).center // 61/3
 */
export function cChart(
  counts: readonly number[],
  options: AttributeChartOptions & { readonly newData?: { readonly counts: readonly number[] } } = {},
): ControlChart {
  checkCounts(counts, 'counts');
  const all = [...counts, ...(options.newData?.counts ?? [])];
  checkCounts(options.newData?.counts ?? [], 'newData.counts');
  const { nsigmas, excluded } = resolveOptions(options, counts.length);
  const frozen = options.frozen !== undefined;
  const center =
    options.frozen?.center ??
    pooledRate(
      counts,
      counts.map(() => 1),
      excluded,
    );
  const sigma = Math.sqrt(center);
  const limits = limitsOf(center, nsigmas * sigma);
  const plotted = all.map((c, i) => ({
    value: c,
    n: 1,
    limits,
    excluded: excluded.has(i),
    phase2: frozen || i >= counts.length,
  }));
  return chart('c', center, sigma, limits, nsigmas, plotted);
}

/**
 * Nonconformities per unit: uᵢ = cᵢ/nᵢ against ū ± L√(ū/nᵢ) (Montgomery eq. 7.19, per-point limits for a varying
 * number of inspection units nᵢ, §7.3.2). ū = Σcᵢ/Σnᵢ over the samples not excluded. `sigma` is √ū (qcc sd.u);
 * `limits` are those at the average number of units.
 * @example uChart([10, 12], [5, 5]).center // 2.2
 */
export function uChart(
  counts: readonly number[],
  units: readonly number[],
  options: PChartOptions = {},
): ControlChart {
  checkCounts(counts, 'counts');
  checkSizes(units, counts, 'units');
  const { nsigmas, excluded } = resolveOptions(options, counts.length);
  const frozen = options.frozen !== undefined;
  const center = options.frozen?.center ?? pooledRate(counts, units, excluded);
  const sigma = Math.sqrt(center);
  const lim = (n: number): PointLimits => limitsOf(center, (nsigmas * sigma) / Math.sqrt(n));
  const plotted: Plotted[] = counts.map((c, i) => {
    const n = units[i] ?? 1;
    return { value: c / n, n, limits: lim(n), excluded: excluded.has(i), phase2: frozen };
  });
  const newData = options.newData;
  if (newData !== undefined) {
    const newUnits = newData.sizes ?? invalid('newData.sizes (inspection units) are required for a u chart');
    checkCounts(newData.counts, 'newData.counts');
    checkSizes(newUnits, newData.counts, 'newData.sizes');
    newData.counts.forEach((c, i) => {
      const n = newUnits[i] ?? 1;
      plotted.push({ value: c / n, n, limits: lim(n), excluded: false, phase2: true });
    });
  }
  return chart('u', center, sigma, lim(mean(units)), nsigmas, plotted);
}
