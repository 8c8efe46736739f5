/**
 * Streaming univariate anomaly detectors for one signal: rolling robust z-score, EWMA residual, and a seasonal
 * (per time-of-period slot) baseline. Each scores a new value against what came before it, then learns from it.
 *
 * Quality: the caller feeds only `good` readings (a frozen `bad` value would look like a flat, normal signal). A NaN
 * value is ignored: the result is not anomalous, `warm` is false and the detector state is unchanged.
 */
import { UserError } from '../../domain/errors.js';
import { modifiedZ, sortedMad, sortedMedian } from './robust.js';

export interface DetectorResult {
  /** Non-negative anomaly score, comparable with `threshold`. */
  readonly score: number;
  readonly threshold: number;
  /** score > threshold, and never during warm-up. */
  readonly anomalous: boolean;
  /** The value the detector expected (median, forecast, slot median); NaN during warm-up. */
  readonly expected: number;
  /** The signed standardised deviation (value − expected)/scale. */
  readonly deviation: number;
  /** False during warm-up, when the baseline does not hold enough history yet. */
  readonly warm: boolean;
}

export interface StreamingDetector {
  update(ts: number, value: number): DetectorResult;
}

const cold = (threshold: number): DetectorResult => ({
  score: 0,
  threshold,
  anomalous: false,
  expected: Number.NaN,
  deviation: 0,
  warm: false,
});

/** A sorted multiset of the last `capacity` values in arrival order: O(window) insert/remove by binary search. */
class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: number[] = [];
  private head = 0;
  private count = 0;
  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
  }
  get size(): number {
    return this.count;
  }
  get values(): readonly number[] {
    return this.sorted;
  }
  push(value: number): void {
    if (this.count === this.capacity) {
      const old = this.ring[this.head] ?? 0;
      this.sorted.splice(this.lowerBound(old), 1);
    } else this.count++;
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    this.sorted.splice(this.lowerBound(value), 0, value);
  }
  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] ?? 0) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The modified z-score of `value` against a window's median and MAD (Iglewicz & Hoaglin 1993). */
function robustScore(value: number, window: SortedWindow, threshold: number, minMad: number): DetectorResult {
  const med = sortedMedian(window.values);
  const z = modifiedZ(value, med, sortedMad(window.values, med), minMad);
  const score = Math.abs(z);
  return { score, threshold, anomalous: score > threshold, expected: med, deviation: z, warm: true };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new UserError('invalid_input', `${name} must be a positive integer, got ${value}`);
  return value;
}

export interface RobustZOptions {
  /** Values in the rolling baseline (default 600). Memory O(window), update O(window). */
  readonly window?: number;
  /** Alarm above this |modified z| (default 3.5, Iglewicz & Hoaglin 1993). */
  readonly threshold?: number;
  /** Warm-up: values needed in the window before scoring (default min(window, 30)). */
  readonly minPoints?: number;
  /** Floor on the MAD, in signal units, so a quantised or constant signal does not score infinity (default 0). */
  readonly minMad?: number;
  /** Leave anomalous values out of the baseline, so a developing fault keeps alarming (default false). */
  readonly excludeAnomalies?: boolean;
  /**
   * With `excludeAnomalies`: after this many anomalous values in a row they enter the baseline again, so a lasting
   * change of level (a new normal) stops alarming instead of alarming for ever (default: the window length).
   */
  readonly readmitAfter?: number;
}

/**
 * Rolling robust z-score: the modified z-score M = 0.6745·(x − median)/MAD of the new value against the previous
 * `window` values (Iglewicz & Hoaglin 1993; MAD·1.4826 is a normal-consistent σ, Rousseeuw & Croux 1993, JASA 88,
 * 1273–1283). The median and MAD ignore up to half the window being outliers. Warm-up: `minPoints` values.
 * @example
 * const d = new RollingRobustZ({ window: 5, minPoints: 5 });
 * for (const v of [10, 11, 9, 10, 12]) d.update(0, v);
 * d.update(0, 20).score // 0.6745·(20 − 10)/1 = 6.745
 */
export class RollingRobustZ implements StreamingDetector {
  private readonly window: SortedWindow;
  private readonly threshold: number;
  private readonly minPoints: number;
  private readonly minMad: number;
  private readonly excludeAnomalies: boolean;
  private readonly readmitAfter: number;
  private excludedRun = 0;
  constructor(options: RobustZOptions = {}) {
    const window = positiveInt('window', options.window ?? 600);
    this.window = new SortedWindow(window);
    this.threshold = options.threshold ?? 3.5;
    this.minPoints = positiveInt('minPoints', options.minPoints ?? Math.min(window, 30));
    this.minMad = options.minMad ?? 0;
    this.excludeAnomalies = options.excludeAnomalies ?? false;
    this.readmitAfter = positiveInt('readmitAfter', options.readmitAfter ?? window);
  }
  update(_ts: number, value: number): DetectorResult {
    if (!Number.isFinite(value)) return cold(this.threshold);
    const result =
      this.window.size >= this.minPoints
        ? robustScore(value, this.window, this.threshold, this.minMad)
        : cold(this.threshold);
    if (this.excludeAnomalies && result.anomalous && ++this.excludedRun <= this.readmitAfter) return result;
    if (!result.anomalous) this.excludedRun = 0;
    this.window.push(value);
    return result;
  }
}

export interface EwmaResidualOptions {
  /** Weight of the newest value in the EWMA forecast, 0 < λ ≤ 1 (default 0.1). */
  readonly lambda?: number;
  /** Weight of the newest residual in the scale estimate (default 0.01: slow, so a fault does not inflate it fast). */
  readonly scaleLambda?: number;
  /** 'squared': σ̂ = √EWMA(r²); 'absolute': σ̂ = √(π/2)·EWMA(|r|), which a single spike disturbs less. */
  readonly scale?: 'squared' | 'absolute';
  /** Alarm above |r|/σ̂ > k (default 4). */
  readonly k?: number;
  /** Warm-up: values before scoring (default 2/scaleLambda, the scale EWMA's effective memory). */
  readonly warmup?: number;
  /** Leave anomalous values out of the forecast and scale (default false). */
  readonly excludeAnomalies?: boolean;
  /** With `excludeAnomalies`: after this many anomalous values in a row, learn from them again (default `warmup`). */
  readonly readmitAfter?: number;
}

/**
 * EWMA residual detector: the one-step forecast is the EWMA ŷ_t = λx_{t−1} + (1 − λ)ŷ_{t−1} (Roberts 1959,
 * Technometrics 1(3); the optimal forecast of an IMA(1,1) process, Box, Jenkins & Reinsel, 4th ed., §4.3.1), the
 * residual r_t = x_t − ŷ_t is scaled by σ̂_{t−1}, an EWMA of r² (or of |r|·√(π/2), the mean absolute deviation of a
 * normal being σ√(2/π)), and the score is |r_t|/σ̂_{t−1} (as in Lucas & Saccucci 1990's EWMA of residuals).
 * The first value initialises ŷ; the scale starts at the first residual's magnitude. Warm-up: `warmup` values.
 * @example
 * const d = new EwmaResidual({ lambda: 0.5, scaleLambda: 0.5, warmup: 1 });
 * d.update(0, 10); d.update(1, 12); // ŷ = 10 + 0.5·2 = 11, σ̂ = √(2²) = 2
 * d.update(2, 13) // { expected: 11, deviation: (13 − 11)/2 = 1, ... }
 */
export class EwmaResidual implements StreamingDetector {
  private readonly lambda: number;
  private readonly scaleLambda: number;
  private readonly absolute: boolean;
  private readonly k: number;
  private readonly warmup: number;
  private readonly excludeAnomalies: boolean;
  private readonly readmitAfter: number;
  private excludedRun = 0;
  private forecast = Number.NaN;
  /** EWMA of r² or of |r|. */
  private spread = Number.NaN;
  private seen = 0;
  constructor(options: EwmaResidualOptions = {}) {
    this.lambda = options.lambda ?? 0.1;
    this.scaleLambda = options.scaleLambda ?? 0.01;
    for (const [name, l] of [
      ['lambda', this.lambda],
      ['scaleLambda', this.scaleLambda],
    ] as const) {
      if (!(l > 0 && l <= 1)) throw new UserError('invalid_input', `${name} must be in (0, 1], got ${l}`);
    }
    this.absolute = options.scale === 'absolute';
    this.k = options.k ?? 4;
    this.warmup = options.warmup ?? Math.ceil(2 / this.scaleLambda);
    this.excludeAnomalies = options.excludeAnomalies ?? false;
    this.readmitAfter = positiveInt('readmitAfter', options.readmitAfter ?? Math.max(1, this.warmup));
  }
  /** The current σ̂ (NaN before two values). */
  get sigma(): number {
    return this.absolute ? Math.sqrt(Math.PI / 2) * this.spread : Math.sqrt(this.spread);
  }
  update(_ts: number, value: number): DetectorResult {
    if (!Number.isFinite(value)) return cold(this.k);
    if (this.seen === 0) {
      this.forecast = value;
      this.seen = 1;
      return cold(this.k);
    }
    const r = value - this.forecast;
    const sigma = this.sigma;
    let result = cold(this.k);
    if (this.seen > this.warmup && sigma > 0) {
      const deviation = r / sigma;
      const score = Math.abs(deviation);
      result = {
        score,
        threshold: this.k,
        anomalous: score > this.k,
        expected: this.forecast,
        deviation,
        warm: true,
      };
    } else if (this.seen > this.warmup) {
      result = { ...result, expected: this.forecast, warm: true };
    }
    if (this.excludeAnomalies && result.anomalous && ++this.excludedRun <= this.readmitAfter) return result;
    if (!result.anomalous) this.excludedRun = 0;
    const s = this.absolute ? Math.abs(r) : r * r;
    this.spread = Number.isNaN(this.spread) ? s : this.spread + this.scaleLambda * (s - this.spread);
    this.forecast += this.lambda * r;
    this.seen++;
    return result;
  }
}

export interface SeasonalBaselineOptions {
  /** Length of one season, ms (e.g. 86_400_000 for time of day, 604_800_000 for a week). */
  readonly periodMs: number;
  /** Slots per period (default 24: hourly slots of a day). */
  readonly slots?: number;
  /** Values kept per slot (default 200). Memory O(slots × perSlot). */
  readonly perSlot?: number;
  /** Values a slot needs before it scores (default 10). */
  readonly minPoints?: number;
  /** Alarm above this |modified z| (default 3.5). */
  readonly threshold?: number;
  /** Floor on each slot's MAD, in signal units (default 0). */
  readonly minMad?: number;
  /** Timestamp (ms) at which slot 0 starts, modulo the period (default 0: midnight UTC for a daily period). */
  readonly phaseMs?: number;
}

/**
 * Seasonal baseline: the period is cut into equal slots (hour of day, shift, hour of week) and a value is scored by
 * the modified z-score against the median and MAD of the same slot's last `perSlot` values (the robust seasonal
 * reference of e.g. Twitter's S-H-ESD, Hochenbaum, Vallis & Kejariwal 2017, arXiv:1704.07706, reduced to a
 * per-slot median). Warm-up: each slot separately, `minPoints` values.
 * @example
 * const d = new SeasonalBaseline({ periodMs: 86_400_000, slots: 24 });
 * d.update(Date.parse('2026-01-05T08:15:00Z'), 71.2); // scored against earlier 08:00–09:00 values
 */
export class SeasonalBaseline implements StreamingDetector {
  private readonly periodMs: number;
  private readonly slotMs: number;
  private readonly phaseMs: number;
  private readonly windows: SortedWindow[];
  private readonly minPoints: number;
  private readonly threshold: number;
  private readonly minMad: number;
  constructor(options: SeasonalBaselineOptions) {
    if (!(options.periodMs > 0))
      throw new UserError('invalid_input', `periodMs must be > 0, got ${options.periodMs}`);
    const slots = positiveInt('slots', options.slots ?? 24);
    const perSlot = positiveInt('perSlot', options.perSlot ?? 200);
    this.periodMs = options.periodMs;
    this.slotMs = options.periodMs / slots;
    this.phaseMs = options.phaseMs ?? 0;
    this.windows = Array.from({ length: slots }, () => new SortedWindow(perSlot));
    this.minPoints = positiveInt('minPoints', options.minPoints ?? Math.min(perSlot, 10));
    this.threshold = options.threshold ?? 3.5;
    this.minMad = options.minMad ?? 0;
  }
  /** The slot of a timestamp. */
  slot(ts: number): number {
    const t = (((ts - this.phaseMs) % this.periodMs) + this.periodMs) % this.periodMs;
    return Math.min(this.windows.length - 1, Math.floor(t / this.slotMs));
  }
  update(ts: number, value: number): DetectorResult {
    if (!Number.isFinite(value)) return cold(this.threshold);
    const w = this.windows[this.slot(ts)];
    if (w === undefined) return cold(this.threshold);
    const result =
      w.size >= this.minPoints ? robustScore(value, w, this.threshold, this.minMad) : cold(this.threshold);
    w.push(value);
    return result;
  }
}
