/** Thresholds calibrated on a clean window: the score level that a target share of normal data exceeds. */
import { UserError } from '../../domain/errors.js';

export interface CalibratedThreshold {
  /** Alarm when a score is strictly above this. */
  readonly threshold: number;
  /** The false-alarm rate asked for. */
  readonly targetRate: number;
  /** Share of the calibration scores strictly above `threshold` (≤ targetRate). */
  readonly achievedRate: number;
  /** Finite calibration scores used (NaN and ±Infinity are left out). */
  readonly n: number;
}

/**
 * The threshold at a target false-alarm rate: the ⌈(1 − rate)·n⌉-th smallest calibration score, i.e. the empirical
 * (1 − rate) quantile by the inverse of the empirical CDF (Hyndman & Fan 1996, definition 1), so at most `rate` of
 * the clean scores lie above it. Needs n ≥ 1/rate for the rate to be resolvable; with fewer scores the maximum is
 * returned and `achievedRate` is 0.
 * @example calibrateThreshold([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2).threshold // 8 (9 and 10 lie above: 20 %)
 */
export function calibrateThreshold(scores: ArrayLike<number>, targetRate: number): CalibratedThreshold {
  if (!(targetRate > 0 && targetRate < 1)) {
    throw new UserError('invalid_input', `false-alarm rate must be in (0, 1), got ${targetRate}`);
  }
  const finite = Array.from(scores).filter((s) => Number.isFinite(s));
  if (finite.length === 0)
    throw new UserError('invalid_input', 'threshold calibration needs at least one finite score');
  const sorted = Float64Array.from(finite).sort();
  const n = sorted.length;
  const rank = Math.min(n, Math.max(1, Math.ceil((1 - targetRate) * n - 1e-9)));
  const threshold = sorted[rank - 1] ?? Number.NaN;
  let above = 0;
  for (let i = n - 1; i >= 0 && (sorted[i] ?? 0) > threshold; i--) above++;
  return { threshold, targetRate, achievedRate: above / n, n };
}
