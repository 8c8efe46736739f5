/**
 * From per-sample anomaly flags to alarms, and alarms scored against known fault windows: detected faults (recall),
 * precision, lead time before the failure and delay after onset — the event-level view a maintenance planner needs.
 */
import { UserError } from '../../domain/errors.js';
import { sortedMedian } from './robust.js';

export interface Alarm {
  /** The sample that raised it. */
  readonly startTs: number;
  /** The last anomalous sample of the episode. */
  readonly endTs: number;
}

export interface AlarmOptions {
  /** Anomalous samples needed in a row to raise an alarm (default 1); debouncing against isolated spikes. */
  readonly consecutive?: number;
  /** After an alarm, anomalous samples within this gap of the previous one extend it instead of raising a new one. */
  readonly mergeGapMs?: number;
}

/**
 * Streams flags into alarms: an alarm starts at the `consecutive`-th anomalous sample in a row and lasts until
 * there has been no anomalous sample for `mergeGapMs`. Memory O(1) besides the alarms themselves.
 */
export class AlarmTracker {
  private readonly consecutive: number;
  private readonly mergeGapMs: number;
  private run = 0;
  private open: { startTs: number; endTs: number } | undefined;
  readonly alarms: Alarm[] = [];
  constructor(options: AlarmOptions = {}) {
    this.consecutive = options.consecutive ?? 1;
    this.mergeGapMs = options.mergeGapMs ?? 0;
    if (!Number.isInteger(this.consecutive) || this.consecutive < 1) {
      throw new UserError('invalid_input', `consecutive must be a positive integer, got ${this.consecutive}`);
    }
  }
  /** Feeds one sample's flag; returns the alarm it raised, if it raised one. */
  push(ts: number, anomalous: boolean): Alarm | undefined {
    if (this.open && ts - this.open.endTs > this.mergeGapMs) this.open = undefined;
    if (!anomalous) {
      this.run = 0;
      return undefined;
    }
    this.run++;
    if (this.open) {
      this.open.endTs = ts;
      return undefined;
    }
    if (this.run < this.consecutive) return undefined;
    this.open = { startTs: ts, endTs: ts };
    this.alarms.push(this.open);
    return this.open;
  }
}

/** A fault with a known onset and, if it ended in a failure, the failure time. */
export interface FaultWindow {
  readonly startTs: number;
  /** When the equipment failed (e.g. tripped); absent if it never did in the data. */
  readonly failureTs?: number;
  /** When the fault was over (repair done); alarms up to here are true. Defaults to failureTs. */
  readonly endTs?: number;
}

export interface EventScore {
  readonly faults: number;
  /** Faults with an alarm between onset and failure (or end, for faults without a failure). */
  readonly detected: number;
  readonly recall: number;
  /** Alarms scored (those in an `ignore` window are left out). */
  readonly alarms: number;
  /** Alarms starting inside some fault window [startTs, endTs]. */
  readonly trueAlarms: number;
  /** trueAlarms / alarms (NaN with no alarms). */
  readonly precision: number;
  /** Per detected fault, failureTs − first alarm, ms (faults with a failure only). */
  readonly leadTimesMs: readonly number[];
  /** Per detected fault, first alarm − onset, ms. */
  readonly delaysMs: readonly number[];
  readonly medianLeadMs: number;
  readonly medianDelayMs: number;
}

/**
 * Scores alarms against fault windows. A fault is detected when an alarm starts in [startTs, failureTs) — an alarm
 * after the failure is no warning; an alarm is true when it starts in [startTs, endTs] of any fault, otherwise
 * false (the event-wise precision/recall of Tatbul et al. 2018, "Precision and Recall for Time Series", NeurIPS,
 * with flat weights, plus the lead time used in predictive maintenance). Alarms starting inside an `ignore` window
 * (a fault whose outcome the data does not show) count neither way.
 */
export function scoreAlarms(
  alarms: readonly Alarm[],
  faults: readonly FaultWindow[],
  options: { ignore?: readonly FaultWindow[] } = {},
): EventScore {
  const ignore = options.ignore ?? [];
  const inside = (a: Alarm, f: FaultWindow) =>
    a.startTs >= f.startTs && a.startTs <= (f.endTs ?? f.failureTs ?? Number.POSITIVE_INFINITY);
  const counted = alarms.filter((a) => !ignore.some((f) => inside(a, f)));
  const leads: number[] = [];
  const delays: number[] = [];
  let detected = 0;
  for (const f of faults) {
    const until = f.failureTs ?? f.endTs ?? Number.POSITIVE_INFINITY;
    const first = alarms.find((a) => a.startTs >= f.startTs && a.startTs < until);
    if (!first) continue;
    detected++;
    delays.push(first.startTs - f.startTs);
    if (f.failureTs !== undefined) leads.push(f.failureTs - first.startTs);
  }
  const trueAlarms = counted.filter((a) => faults.some((f) => inside(a, f))).length;
  const sortNum = (xs: number[]) => Float64Array.from(xs).sort();
  return {
    faults: faults.length,
    detected,
    recall: faults.length === 0 ? Number.NaN : detected / faults.length,
    alarms: counted.length,
    trueAlarms,
    precision: counted.length === 0 ? Number.NaN : trueAlarms / counted.length,
    leadTimesMs: leads,
    delaysMs: delays,
    medianLeadMs: sortedMedian(sortNum(leads)),
    medianDelayMs: sortedMedian(sortNum(delays)),
  };
}
