/**
 * Input drift: the population stability index (PSI) of a feature's recent values against its training values.
 * PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over bins, e = expected (training) share, a = actual (recent) share (Siddiqi,
 * *Credit Risk Scorecards*, 2006, ch. 8; Yurdakul, "Statistical properties of population stability index", 2018).
 * Bins are the training deciles, so each holds about 10 % of the training values; an empty bin's share is floored
 * at 0.0001 so the logarithm stays finite. The usual reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25
 * significant shift (retrain).
 */
import { UserError } from '../../domain/errors.js';

/** Share floor for an empty bin. */
const EPSILON = 1e-4;

export type DriftLevel = 'stable' | 'moderate' | 'significant';

/** Bin edges of a feature: the interior quantiles of its training values (NaN left out). */
export interface DriftReference {
  readonly edges: readonly number[];
  /** Training share per bin (edges.length + 1 bins). */
  readonly expected: readonly number[];
}

function finiteSorted(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? Number.NaN;
    if (Number.isFinite(v)) out.push(v);
  }
  return out.sort((a, b) => a - b);
}

function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > (edges[mid] ?? Number.POSITIVE_INFINITY)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shares(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binOf(edges, v)] = (counts[binOf(edges, v)] ?? 0) + 1;
  return counts.map((c) => c / values.length);
}

/**
 * The reference of a feature from its training values: `bins` quantile bins (10 by default); tied quantiles are
 * merged, so a feature with few distinct values gets fewer bins.
 * @example driftReference([1, 2, 3, 4]).edges // the quartile-ish cut points [1, 2, 3]
 */
export function driftReference(training: ArrayLike<number>, bins = 10): DriftReference {
  const sorted = finiteSorted(training);
  if (sorted.length < 2)
    throw new UserError('invalid_input', 'a drift reference needs at least 2 finite training values');
  if (!Number.isInteger(bins) || bins < 2)
    throw new UserError('invalid_input', `bins must be an integer ≥ 2, got ${bins}`);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    // Lower empirical quantile: the value below which k/bins of the training values lie.
    const q = sorted[Math.min(sorted.length - 1, Math.ceil((k / bins) * sorted.length) - 1)] ?? Number.NaN;
    if (edges.length === 0 || q > (edges.at(-1) ?? Number.NEGATIVE_INFINITY)) edges.push(q);
  }
  if ((edges.at(-1) ?? Number.NaN) >= (sorted.at(-1) ?? Number.NaN)) edges.pop();
  return { edges, expected: shares(edges, sorted) };
}

export interface DriftResult {
  readonly psi: number;
  readonly level: DriftLevel;
  /** Recent share per bin, beside the reference's expected share. */
  readonly actual: readonly number[];
  readonly n: number;
}

/** PSI of recent values against a reference. */
export function populationStability(reference: DriftReference, recent: ArrayLike<number>): DriftResult {
  const values = finiteSorted(recent);
  if (values.length === 0)
    throw new UserError('invalid_input', 'drift needs at least one finite recent value');
  const actual = shares(reference.edges, values);
  let psi = 0;
  actual.forEach((a, i) => {
    const e = Math.max(EPSILON, reference.expected[i] ?? 0);
    const aa = Math.max(EPSILON, a);
    psi += (aa - e) * Math.log(aa / e);
  });
  return { psi, level: driftLevel(psi), actual, n: values.length };
}

export function driftLevel(psi: number): DriftLevel {
  return psi < 0.1 ? 'stable' : psi <= 0.25 ? 'moderate' : 'significant';
}
