/**
 * Validation of one incoming sample on the hot path. Equivalent to the `SampleInput` zod schema plus the
 * check that the tag exists, written by hand because it runs a million times a second
 * (a test keeps it in agreement with the schema).
 */
import { QUALITY_CODE } from '../../domain/index.js';
import type { TagDirectory } from '../tag-directory.js';

export interface NormalisedSample {
  tagId: number;
  ts: number;
  value: number;
  quality: number;
}

/** ISO-8601 date-time with a UTC designator or an offset, as `z.iso.datetime({ offset: true })` accepts. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const MAX_TS = 8.64e15;

/**
 * Normalises `item` into `out` and returns undefined, or returns the reason it is rejected.
 * ts: integer epoch ms or ISO-8601 with offset; value: finite number or boolean (true = 1);
 * quality: good | uncertain | bad, default good.
 */
export function normaliseSample(
  item: unknown,
  tags: TagDirectory,
  out: NormalisedSample,
): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    return 'a sample must be a JSON object';
  const s = item as Record<string, unknown>;
  const tagPath = s['tag'];
  if (typeof tagPath !== 'string') return 'tag: expected a tag path string';
  const tag = tags.byPath(tagPath);
  if (!tag) return `tag: unknown tag "${tagPath.length > 200 ? `${tagPath.slice(0, 200)}…` : tagPath}"`;

  const ts = s['ts'];
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts) || ts < 0 || ts > MAX_TS) return 'ts: expected integer UTC epoch milliseconds';
    out.ts = ts;
  } else if (typeof ts === 'string') {
    const ms = ISO_WITH_OFFSET.test(ts) ? Date.parse(ts) : Number.NaN;
    if (Number.isNaN(ms)) return 'ts: expected an ISO-8601 date-time with offset, e.g. 2026-03-01T12:00:00Z';
    out.ts = ms;
  } else {
    return 'ts: expected epoch milliseconds or an ISO-8601 string';
  }

  const value = s['value'];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'value: expected a finite number';
    out.value = value;
  } else if (typeof value === 'boolean') {
    out.value = value ? 1 : 0;
  } else {
    return 'value: expected a number or a boolean';
  }

  const quality = s['quality'];
  if (quality === undefined) {
    out.quality = QUALITY_CODE.good;
  } else {
    const code = qualityCode(quality);
    if (code === undefined) return 'quality: expected good, uncertain or bad';
    out.quality = code;
  }
  out.tagId = tag.id;
  return undefined;
}

/** The storage code of a quality name; a switch, so "constructor" or "__proto__" never pass as a quality. */
function qualityCode(quality: unknown): number | undefined {
  switch (quality) {
    case 'good':
      return QUALITY_CODE.good;
    case 'uncertain':
      return QUALITY_CODE.uncertain;
    case 'bad':
      return QUALITY_CODE.bad;
    default:
      return undefined;
  }
}
