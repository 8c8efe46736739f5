/** Order statistics the maintenance detectors share: median, MAD, empirical quantiles, on plain number arrays. */
import { UserError } from '../../domain/errors.js';

/** Scales a MAD to a consistent estimator of σ for normal data: 1/Φ⁻¹(3/4) (Rousseeuw & Croux 1993, JASA 88). */
export const MAD_TO_SIGMA = 1.482602218505602;

/** Φ⁻¹(3/4), the constant of the modified z-score 0.6745·(x − median)/MAD (Iglewicz & Hoaglin 1993, §3.2). */
export const MODIFIED_Z_CONSTANT = 0.6744897501960817;

/** The median of values already sorted ascending (NaN when empty). */
export function sortedMedian(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/**
 * The median absolute deviation from the median of sorted values, unscaled, in O(n): the deviations left of the
 * median grow leftwards and those right of it grow rightwards, so merging the two runs yields them in order.
 * @example sortedMad([1, 2, 3, 4, 100]) // 1 (deviations 2, 1, 0, 1, 97)
 */
export function sortedMad(sorted: ArrayLike<number>, median = sortedMedian(sorted)): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  // First index at or above the median: left run is [0, right), walked from right − 1 down.
  let right = 0;
  while (right < n && (sorted[right] ?? 0) < median) right++;
  let left = right - 1;
  const want = n >> 1; // 0-based rank of the upper median deviation
  let lower = Number.NaN;
  for (let k = 0; k <= want; k++) {
    const dl = left >= 0 ? median - (sorted[left] ?? 0) : Number.POSITIVE_INFINITY;
    const dr = right < n ? (sorted[right] ?? 0) - median : Number.POSITIVE_INFINITY;
    const d = dl <= dr ? dl : dr;
    if (dl <= dr) left--;
    else right++;
    if (k === want - 1) lower = d;
    if (k === want) return n % 2 === 1 ? d : (lower + d) / 2;
  }
  return Number.NaN;
}

/** Median of unsorted values (copies and sorts; NaN when empty). */
export function median(values: ArrayLike<number>): number {
  return sortedMedian(Float64Array.from(values).sort());
}

/** Unscaled median absolute deviation of unsorted values. */
export function mad(values: ArrayLike<number>): number {
  return sortedMad(Float64Array.from(values).sort());
}

/**
 * The modified z-score 0.6745·(x − median)/MAD of Iglewicz & Hoaglin (1993), "How to Detect and Handle Outliers",
 * ASQC Basic References in Quality Control vol. 16, who recommend |M| > 3.5 as an outlier. `minMad` keeps a
 * constant window (MAD 0) from dividing by zero.
 */
export function modifiedZ(x: number, med: number, madValue: number, minMad = 0): number {
  const m = Math.max(madValue, minMad);
  if (m === 0) return x === med ? 0 : Math.sign(x - med) * Number.POSITIVE_INFINITY;
  return (MODIFIED_Z_CONSTANT * (x - med)) / m;
}

/**
 * Sample quantile by linear interpolation between order statistics (Hyndman & Fan 1996, definition 7, the default
 * of R and NumPy).
 * @example quantile([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1))
    throw new UserError('invalid_input', `quantile probability must be in [0, 1], got ${p}`);
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(n - 1, lo + 1)] ?? Number.NaN;
  return a + (h - lo) * (b - a);
}
