/** Samples: one value of one tag at one instant, with its quality (STYLE.md §11: bad data is a value). */
import { z } from 'zod';
import { TagPath } from './tag.js';

export const QUALITIES = ['good', 'uncertain', 'bad'] as const;
export type Quality = (typeof QUALITIES)[number];
/** Storage code of each quality; the order is part of the on-disk format. */
export const QUALITY_CODE: Readonly<Record<Quality, number>> = { good: 0, uncertain: 1, bad: 2 };

/** UTC epoch milliseconds; ISO-8601 strings are accepted at the edges and converted. */
export const EpochMs = z.number().int().min(0).max(8.64e15).meta({ description: 'UTC epoch milliseconds' });

export const Sample = z.object({
  tag: TagPath,
  ts: EpochMs,
  value: z.number(),
  quality: z.enum(QUALITIES),
});
export type Sample = z.infer<typeof Sample>;

/** What a producer may send: ts as epoch ms or ISO-8601, value as number or boolean, quality defaulting to good. */
export const SampleInput = z.object({
  tag: TagPath,
  ts: z.union([EpochMs, z.iso.datetime({ offset: true })]),
  value: z.union([z.number(), z.boolean()]),
  quality: z.enum(QUALITIES).optional(),
});
export type SampleInput = z.input<typeof SampleInput>;

/**
 * A batch of samples in columns, the shape the bus and the store move around.
 * Columns hold `length` valid entries; typed arrays keep a million samples a second cheap.
 */
export interface SampleBatch {
  readonly length: number;
  readonly tagIds: Int32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
  /** QUALITY_CODE values. */
  readonly quality: Uint8Array;
  /** The entry point it came through ("http", "mqtt", "mqtt:line1-broker", …), for live listeners. */
  readonly source?: string;
}

export function qualityFromCode(code: number): Quality {
  return code === 0 ? 'good' : code === 1 ? 'uncertain' : 'bad';
}

/** Allocates an empty batch with room for `capacity` samples. */
export function allocateBatch(capacity: number): {
  tagIds: Int32Array;
  ts: Float64Array;
  values: Float64Array;
  quality: Uint8Array;
} {
  return {
    tagIds: new Int32Array(capacity),
    ts: new Float64Array(capacity),
    values: new Float64Array(capacity),
    quality: new Uint8Array(capacity),
  };
}

/**
 * One downsampling bucket. Aggregates cover the bucket's good and uncertain samples; bad samples are left out
 * of min/max/avg/last but make the bucket `uncertain`. A bucket holding only bad samples is not reported.
 */
export const Bucket = z.object({
  ts: EpochMs.meta({ description: 'Bucket start, UTC epoch ms' }),
  count: z.number().int(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  last: z.number(),
  /** `good` when every sample in the bucket was good, otherwise `uncertain`. */
  quality: z.enum(['good', 'uncertain']),
});
export type Bucket = z.infer<typeof Bucket>;
