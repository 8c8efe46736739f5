/**
 * Forms SPC subgroups from a tag's samples as they arrive: by count (every `size` good samples) or by time (the
 * samples of consecutive windows aligned to the epoch). Pure: the live processor and the phase I estimate from
 * history use the same grouping.
 *
 * Quality (STYLE.md §11): bad samples are left out; a subgroup with an uncertain sample, or from which a bad one
 * was left out, is 'uncertain'. A sample older than the last one taken is late and left out (counted).
 */
import { MAX_LIVE_SUBGROUP, type SubgroupPolicy } from '../../domain/index.js';

export interface Subgroup {
  readonly values: readonly number[];
  /** First and last sample times. */
  readonly start: number;
  readonly end: number;
  readonly quality: 'good' | 'uncertain';
}

export interface SubgrouperCounters {
  /** Bad samples left out. */
  bad: number;
  /** Samples older than the newest one taken. */
  late: number;
  /** Time windows closed with fewer than minSize samples (dropped), or samples beyond the largest subgroup. */
  dropped: number;
}

/** Quality codes as stored: 0 good, 1 uncertain, 2 bad. */
const UNCERTAIN = 1;
const BAD = 2;

export class Subgrouper {
  readonly policy: SubgroupPolicy;
  readonly counters: SubgrouperCounters = { bad: 0, late: 0, dropped: 0 };
  #values: number[] = [];
  #start = 0;
  #end = 0;
  #uncertain = false;
  #windowStart = 0;
  #lastTs = Number.NEGATIVE_INFINITY;

  constructor(policy: SubgroupPolicy) {
    this.policy = policy;
  }

  /** Samples waiting in the open subgroup. */
  get pending(): number {
    return this.#values.length;
  }

  /** Treats samples before `ts` as already taken (late), e.g. those evaluated before a restart. */
  skipUntil(ts: number): void {
    this.#lastTs = Math.max(this.#lastTs, ts);
  }

  /** Takes one sample; returns the subgroup it completed, if any. */
  add(ts: number, value: number, quality: number): Subgroup | undefined {
    if (ts < this.#lastTs) {
      this.counters.late++;
      return undefined;
    }
    this.#lastTs = ts;
    let closed: Subgroup | undefined;
    if (this.policy.by === 'time') {
      const windowStart = ts - (ts % this.policy.windowMs);
      if (this.#values.length > 0 && windowStart !== this.#windowStart) closed = this.#close();
      else if (this.#values.length === 0 && windowStart !== this.#windowStart) this.#uncertain = false;
      this.#windowStart = windowStart;
    }
    if (quality >= BAD) {
      this.counters.bad++;
      this.#uncertain = true;
      return closed;
    }
    if (this.#values.length >= MAX_LIVE_SUBGROUP) {
      this.counters.dropped++;
      return closed;
    }
    if (this.#values.length === 0) this.#start = ts;
    this.#values.push(value);
    this.#end = ts;
    if (quality === UNCERTAIN) this.#uncertain = true;
    if (this.policy.by === 'count' && this.#values.length === this.policy.size) return this.#close();
    return closed;
  }

  /** Closes the open time window, e.g. at the end of a history read; count subgroups stay open until full. */
  flush(): Subgroup | undefined {
    return this.policy.by === 'time' && this.#values.length > 0 ? this.#close() : undefined;
  }

  #close(): Subgroup | undefined {
    const values = this.#values;
    const group: Subgroup = {
      values,
      start: this.#start,
      end: this.#end,
      quality: this.#uncertain ? 'uncertain' : 'good',
    };
    this.#values = [];
    this.#uncertain = false;
    if (this.policy.by === 'time' && values.length < this.policy.minSize) {
      this.counters.dropped++;
      return undefined;
    }
    return group;
  }
}
