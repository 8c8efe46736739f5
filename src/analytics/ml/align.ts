/**
 * Aligns several tags' samples into rows a model can take: one row per time bucket (the mean of each tag's good and
 * uncertain samples in the bucket, bad ones left out), a tag without a sample in a bucket holding its last bucket's
 * value for at most `holdBuckets` buckets. The same class serves training (fed the stored history) and live scoring
 * (fed each stored batch), so a model sees the same rows in both.
 */
import { UserError } from '../../domain/errors.js';

export interface AlignedRow {
  /** Start of the bucket, epoch ms. */
  readonly ts: number;
  /** One value per input, in the aligner's input order. */
  readonly values: Float64Array;
}

export interface AlignerOptions {
  readonly bucketMs: number;
  /** Buckets a missing input keeps its last value (default 3); a row with an input missing longer is skipped. */
  readonly holdBuckets?: number;
}

const BAD = 2;

export class BucketAligner {
  readonly inputs: number;
  readonly #bucketMs: number;
  readonly #hold: number;
  readonly #sum: Float64Array;
  readonly #count: Uint32Array;
  readonly #last: Float64Array;
  /** Bucket index at which each input last had a sample. */
  readonly #lastBucket: Float64Array;
  #bucket = Number.NaN;
  /** Rows skipped because an input was missing for too long; samples older than the open bucket. */
  readonly skipped = { incomplete: 0, late: 0 };

  constructor(inputs: number, options: AlignerOptions) {
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new UserError('invalid_input', 'an aligner needs at least one input');
    if (!(options.bucketMs >= 1))
      throw new UserError('invalid_input', `bucketMs must be ≥ 1, got ${options.bucketMs}`);
    this.inputs = inputs;
    this.#bucketMs = options.bucketMs;
    this.#hold = options.holdBuckets ?? 3;
    this.#sum = new Float64Array(inputs);
    this.#count = new Uint32Array(inputs);
    this.#last = new Float64Array(inputs).fill(Number.NaN);
    this.#lastBucket = new Float64Array(inputs).fill(Number.NEGATIVE_INFINITY);
  }

  /**
   * Takes one sample of input `input`; returns the row of the bucket it closed, if it closed one. Samples must come
   * in time order across inputs (older than the open bucket: counted late and left out).
   */
  add(input: number, ts: number, value: number, quality = 0): AlignedRow | undefined {
    const bucket = Math.floor(ts / this.#bucketMs);
    let closed: AlignedRow | undefined;
    if (Number.isNaN(this.#bucket)) this.#bucket = bucket;
    else if (bucket < this.#bucket) {
      this.skipped.late++;
      return undefined;
    } else if (bucket > this.#bucket) {
      closed = this.#close();
      this.#bucket = bucket;
    }
    if (quality < BAD && Number.isFinite(value)) {
      this.#sum[input] = (this.#sum[input] ?? 0) + value;
      this.#count[input] = (this.#count[input] ?? 0) + 1;
    }
    return closed;
  }

  /** Closes the open bucket (at the end of a history read). */
  flush(): AlignedRow | undefined {
    if (Number.isNaN(this.#bucket)) return undefined;
    const row = this.#close();
    this.#bucket = Number.NaN;
    return row;
  }

  #close(): AlignedRow | undefined {
    const values = new Float64Array(this.inputs);
    let complete = true;
    for (let j = 0; j < this.inputs; j++) {
      const n = this.#count[j] ?? 0;
      if (n > 0) {
        this.#last[j] = (this.#sum[j] ?? 0) / n;
        this.#lastBucket[j] = this.#bucket;
      }
      if (this.#bucket - (this.#lastBucket[j] ?? Number.NEGATIVE_INFINITY) > this.#hold) complete = false;
      values[j] = this.#last[j] ?? Number.NaN;
    }
    this.#sum.fill(0);
    this.#count.fill(0);
    if (!complete) {
      this.skipped.incomplete++;
      return undefined;
    }
    return { ts: this.#bucket * this.#bucketMs, values };
  }
}
