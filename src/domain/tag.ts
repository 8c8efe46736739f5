/** Tags: named signals of an asset, addressed by the asset path plus the tag name (the UNS topic). */
import { z } from 'zod';
import { AssetPath, MAX_ASSET_DEPTH, SEGMENT_PATTERN, isValidPath } from './asset.js';

export const TagPath = z
  .string()
  .min(3)
  .max(600)
  .refine((p) => isValidPath(p, MAX_ASSET_DEPTH + 1) && p.includes('/'), {
    message:
      'a tag path is an asset path followed by "/<tag name>", e.g. acme/plant1/stamping/line1/press3/oil_temp',
  })
  .meta({
    description: 'Asset path + "/" + tag name',
    example: 'acme/plant1/stamping/line1/press3/oil_temp',
  });
export type TagPath = string;

export const TAG_DATA_TYPES = ['float', 'integer', 'boolean', 'state'] as const;
export type TagDataType = (typeof TAG_DATA_TYPES)[number];

/** Specification limits for quality analytics; any may be absent, LSL < USL when both are given. */
export const SpecLimits = z
  .object({
    lsl: z.number().optional().meta({ description: 'Lower specification limit' }),
    target: z.number().optional().meta({ description: 'Nominal / target value' }),
    usl: z.number().optional().meta({ description: 'Upper specification limit' }),
  })
  .refine((s) => s.lsl === undefined || s.usl === undefined || s.lsl < s.usl, {
    message: 'lsl must be below usl',
  })
  .refine(
    (s) =>
      s.target === undefined ||
      ((s.lsl === undefined || s.lsl <= s.target) && (s.usl === undefined || s.target <= s.usl)),
    { message: 'target must lie between lsl and usl' },
  );
export type SpecLimits = z.infer<typeof SpecLimits>;

/** Where a tag's samples come from: an adapter name and its address (topic, node id, column, ...). */
export const SourceBinding = z.object({
  adapter: z.string().min(1).max(50).meta({ example: 'mqtt' }),
  address: z.string().min(1).max(1000).meta({ example: 'acme/plant1/stamping/line1/press3/oil_temp' }),
});
export type SourceBinding = z.infer<typeof SourceBinding>;

export const TagName = z
  .string()
  .regex(SEGMENT_PATTERN, 'a tag name is [A-Za-z0-9_.-], starting with a letter or digit');

export const TagInput = z.object({
  asset: AssetPath,
  name: TagName,
  unit: z.string().max(32).optional().meta({ description: 'Engineering unit, e.g. "degC", "bar", "mm"' }),
  dataType: z.enum(TAG_DATA_TYPES).default('float'),
  description: z.string().max(2000).optional(),
  spec: SpecLimits.optional(),
  /** For `state` tags: the meaning of each integer code, e.g. {"0":"off","1":"running"}. */
  states: z.record(z.string().regex(/^-?\d+$/), z.string().min(1).max(64)).optional(),
  source: SourceBinding.optional(),
});
export type TagInput = z.input<typeof TagInput>;

export const Tag = TagInput.extend({
  /** Stable numeric key used by the sample store. */
  id: z.number().int().nonnegative(),
  path: TagPath,
});
export type Tag = z.infer<typeof Tag>;

export function tagPath(asset: string, name: string): string {
  return `${asset}/${name}`;
}

/** Splits a tag path into its asset path and tag name. */
export function splitTagPath(path: string): { asset: string; name: string } {
  const i = path.lastIndexOf('/');
  return { asset: path.slice(0, i), name: path.slice(i + 1) };
}
