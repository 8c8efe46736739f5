/** The API's wire shapes (mirroring src/domain), validated where they enter the browser (STYLE.md §10). */
import * as z from 'zod/mini';

export const QUALITIES = ['good', 'uncertain', 'bad'] as const;
export const Quality = z.enum(QUALITIES);
export type Quality = z.infer<typeof Quality>;

// Optional fields accept null too: a server that serialises a missing column as null must not blank the page.
const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

export const Asset = z.object({
  path: z.string(),
  /** ISA-95 level: enterprise, site, area, line, cell or equipment; kept open so a new level does not break the page. */
  level: z.string(),
  name: z.string(),
  description: optionalString,
  kind: optionalString,
});
export type Asset = z.infer<typeof Asset>;

export const TAG_DATA_TYPES = ['float', 'integer', 'boolean', 'state'] as const;

export const SpecLimits = z.object({ lsl: optionalNumber, target: optionalNumber, usl: optionalNumber });
export type SpecLimits = z.infer<typeof SpecLimits>;

export const Tag = z.object({
  id: z.number(),
  path: z.string(),
  asset: z.string(),
  name: z.string(),
  unit: optionalString,
  dataType: z.enum(TAG_DATA_TYPES),
  description: optionalString,
  spec: z.nullish(SpecLimits),
  /** For `state` tags: integer code → state name. */
  states: z.nullish(z.record(z.string(), z.string())),
});
export type Tag = z.infer<typeof Tag>;

export const Sample = z.object({
  tag: z.string(),
  /** UTC epoch milliseconds. */
  ts: z.number(),
  value: z.number(),
  quality: Quality,
});
export type Sample = z.infer<typeof Sample>;

export const Bucket = z.object({
  /** Bucket start, UTC epoch ms. */
  ts: z.number(),
  count: z.number(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  last: z.number(),
  quality: Quality,
});
export type Bucket = z.infer<typeof Bucket>;

export const AssetsResponse = z.object({ assets: z.array(Asset) });
export const TagsResponse = z.object({ tags: z.array(Tag) });
export const SamplesResponse = z.object({ samples: z.array(Sample) });
export const BucketsResponse = z.object({ tag: z.string(), bucketMs: z.number(), buckets: z.array(Bucket) });
export type BucketsResponse = z.infer<typeof BucketsResponse>;

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What the server pushes on /api/v1/stream. Unknown message types are ignored, not errors. */
export const StreamMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('samples'), samples: z.array(Sample) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type StreamMessage = z.infer<typeof StreamMessage>;
export const KNOWN_STREAM_TYPES: ReadonlySet<string> = new Set(['samples', 'error']);
export const AnyStreamMessage = z.object({ type: z.string() });

/** True when `path` is `ancestor` itself or lies below it (same rule as src/domain/asset.ts). */
export function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}
