/** The ISA-95 asset tree: enterprise / site / area / line / cell / equipment, addressed by slash paths. */
import { z } from 'zod';

/** ISA-95 (IEC 62264-1) equipment hierarchy levels, outermost first. */
export const ASSET_LEVELS = ['enterprise', 'site', 'area', 'line', 'cell', 'equipment'] as const;
export type AssetLevel = (typeof ASSET_LEVELS)[number];

/** One path segment: letters, digits, `_`, `-`, `.`; it must start with a letter or digit. */
export const SEGMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** The deepest an asset path may be: one segment per ISA-95 level. */
export const MAX_ASSET_DEPTH = ASSET_LEVELS.length;

export const AssetPath = z
  .string()
  .min(1)
  .max(512)
  .refine((p) => isValidPath(p, MAX_ASSET_DEPTH), {
    message: `an asset path is 1 to ${MAX_ASSET_DEPTH} segments of [A-Za-z0-9_.-] joined by "/", e.g. acme/plant1/stamping/line1/press3`,
  })
  .meta({
    description: 'Slash path of an asset, e.g. acme/plant1/stamping/line1/press3',
    example: 'acme/plant1/stamping/line1/press3',
  });
export type AssetPath = string;

export const Asset = z.object({
  path: AssetPath,
  level: z.enum(ASSET_LEVELS),
  name: z.string().min(1).max(200).meta({ description: 'Display name' }),
  description: z.string().max(2000).optional(),
  /** Equipment type or model, used to link manuals and failure modes later. */
  kind: z.string().max(100).optional().meta({ description: 'Equipment type, e.g. "servo press"' }),
});
export type Asset = z.infer<typeof Asset>;

export function isValidPath(path: string, maxDepth: number): boolean {
  const segments = path.split('/');
  return (
    segments.length >= 1 && segments.length <= maxDepth && segments.every((s) => SEGMENT_PATTERN.test(s))
  );
}

/** The parent path, or undefined for a root (an enterprise). */
export function parentPath(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i < 0 ? undefined : path.slice(0, i);
}

/** True when `path` is `ancestor` itself or lies below it. */
export function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** A child must sit at a deeper ISA-95 level than its parent; levels may be skipped (a cell directly in an area). */
export function isValidChildLevel(parent: AssetLevel, child: AssetLevel): boolean {
  return ASSET_LEVELS.indexOf(child) > ASSET_LEVELS.indexOf(parent);
}
