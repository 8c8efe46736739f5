/** Operations on samples: write, raw and downsampled reads, latest values, retention. */
import { z } from 'zod';
import {
  AssetPath,
  Bucket,
  EpochMs,
  QUALITIES,
  Sample,
  SampleInput,
  TagPath,
  UserError,
  isUnder,
} from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import { PositiveInt, TimeArg, listArg, resolveTime, resolveWindow } from './common.js';

/** Largest batch one call may carry; bigger loads are split by the client (the CLI does). */
export const MAX_WRITE_BATCH = 100_000;

const IngestResultSchema = z.object({
  accepted: z.number().int().meta({ description: 'Items stored durably' }),
  rejected: z.number().int().meta({ description: 'Items rejected and dead-lettered' }),
  errors: z
    .array(z.object({ index: z.number().int(), reason: z.string() }))
    .meta({ description: 'The first 100 rejections: index in the input and reason' }),
});

export const writeSamples = defineOperation({
  name: 'samples.write',
  description:
    'Write a batch of samples. Each sample is validated on its own: bad ones are dead-lettered with their reason ' +
    'and the rest are stored. The call returns only after the stored samples are durable.',
  // Items are validated one by one in the pipeline, so one bad sample never rejects the batch.
  input: z.object({ samples: z.array(z.unknown()).max(MAX_WRITE_BATCH) }),
  docsInput: z.object({ samples: z.array(SampleInput).max(MAX_WRITE_BATCH) }),
  output: IngestResultSchema,
  permission: 'operator',
  http: { method: 'POST', path: '/samples' },
  audit: false,
  handler: async ({ samples }, { services }) => services.ingest.ingestSamples(samples, 'http'),
});

const Window = {
  tag: TagPath,
  from: TimeArg.default('now-1h'),
  to: TimeArg.default('now'),
};

export const readSamples = defineOperation({
  name: 'samples.read',
  description: 'Raw samples of one tag in a time window (from inclusive, to exclusive), oldest first.',
  input: z.object({ ...Window, limit: PositiveInt(100_000).default(10_000) }),
  output: z.object({
    tag: TagPath,
    from: EpochMs,
    to: EpochMs,
    samples: z.array(z.object({ ts: EpochMs, value: z.number(), quality: z.enum(QUALITIES) })),
    truncated: z.boolean().meta({ description: 'True when the limit cut the window short' }),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/samples' },
  audit: false,
  handler: async (input, { services }) => {
    const tag = services.tags.require(input.tag);
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now());
    const rows = await services.store.readRaw({ tagId: tag.id, from, to, limit: input.limit + 1 });
    const truncated = rows.length > input.limit;
    const samples = (truncated ? rows.slice(0, input.limit) : rows).map((r) => ({
      ts: r.ts,
      value: r.value,
      quality: r.quality,
    }));
    return { tag: tag.path, from, to, samples, truncated };
  },
});

export const readBuckets = defineOperation({
  name: 'samples.buckets',
  description:
    'One tag downsampled into time buckets (min, max, avg, last, count). Give either the number of buckets ' +
    'or their width; buckets are aligned to multiples of the width since the epoch.',
  input: z.object({
    ...Window,
    buckets: PositiveInt(10_000).optional().meta({ description: 'About how many buckets (default 500)' }),
    bucketMs: PositiveInt(366 * 86_400_000)
      .optional()
      .meta({ description: 'Bucket width in ms' }),
  }),
  output: z.object({
    tag: TagPath,
    from: EpochMs,
    to: EpochMs,
    bucketMs: z.number().int(),
    buckets: z.array(Bucket),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/samples/buckets' },
  audit: false,
  handler: async (input, { services }) => {
    const tag = services.tags.require(input.tag);
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now());
    if (input.buckets !== undefined && input.bucketMs !== undefined) {
      throw new UserError('invalid_input', 'give either buckets or bucketMs, not both');
    }
    const bucketMs = input.bucketMs ?? Math.max(1, Math.ceil((to - from) / (input.buckets ?? 500)));
    if ((to - from) / bucketMs > 100_000) {
      throw new UserError('invalid_input', 'more than 100,000 buckets: widen bucketMs');
    }
    const buckets = await services.store.readBuckets({ tagId: tag.id, from, to, bucketMs });
    return { tag: tag.path, from, to, bucketMs, buckets };
  },
});

export const latestSamples = defineOperation({
  name: 'samples.latest',
  description: 'The newest sample of each tag: the given tags, the tags at or below an asset, or all tags.',
  input: z.object({
    tags: listArg(TagPath).optional().meta({ description: 'Tag paths (comma-separated in a query string)' }),
    under: AssetPath.optional(),
  }),
  output: z.object({ samples: z.array(Sample) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/samples/latest' },
  audit: false,
  handler: async ({ tags, under }, { services }) => {
    const selected =
      tags !== undefined
        ? tags.map((p) => services.tags.require(p))
        : services.tags.all().filter((t) => under === undefined || isUnder(t.asset, under));
    const wanted = tags === undefined && under === undefined ? undefined : selected.map((t) => t.id);
    const rows = await services.store.latest(wanted);
    const samples: Sample[] = [];
    for (const r of rows) {
      const tag = services.tags.byId(r.tagId);
      if (tag) samples.push({ tag: tag.path, ts: r.ts, value: r.value, quality: r.quality });
    }
    return { samples: samples.sort((a, b) => a.tag.localeCompare(b.tag)) };
  },
});

export const applyRetention = defineOperation({
  name: 'samples.retention',
  description: 'Delete samples older than a time, for all tags or the given ones. Irreversible.',
  input: z.object({
    before: TimeArg.meta({ description: 'Delete samples with ts before this, e.g. "now-90d"' }),
    tags: listArg(TagPath).optional(),
  }),
  output: z.object({ before: EpochMs, deleted: z.number().int() }),
  permission: 'admin',
  http: { method: 'POST', path: '/samples/retention' },
  audit: true,
  handler: async ({ before, tags }, { services }) => {
    const cutoff = resolveTime(before, services.clock.now());
    const ids = tags?.map((p) => services.tags.require(p).id);
    const deleted = await services.store.deleteBefore(cutoff, ids);
    return { before: cutoff, deleted };
  },
});

export { IngestResultSchema };
