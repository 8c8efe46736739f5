/**
 * Rows for a model from the store: the samples of an asset's input tags in a window, aligned into bucket means
 * by the same `BucketAligner` live scoring uses, and kept only where the condition (a state tag's codes) holds.
 */
import { BucketAligner } from '../../analytics/ml/align.js';
import type { Matrix } from '../../analytics/ml/matrix.js';
import { QUALITY_CODE, type SampleReader, type Tag, UserError, tagPath } from '../../domain/index.js';
import type { TagDirectory } from '../tag-directory.js';

/** Samples read per tag for one training window. */
const MAX_SAMPLES_PER_TAG = 2_000_000;

export interface RowRequest {
  readonly asset: string;
  /** Tag names on the asset, the model's inputs in order. */
  readonly inputs: readonly string[];
  /** A state tag on the asset and the state names (or codes) rows must be in. */
  readonly when?: { readonly tag: string; readonly states: readonly string[] };
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
}

export interface ModelRows {
  readonly X: Matrix;
  readonly ts: Float64Array;
  /** The condition as the artifact keeps it: the state input and its codes. */
  readonly condition?: { input: string; equals: number[] };
  /** Buckets left out: outside the condition, or an input missing. */
  readonly skipped: { condition: number; incomplete: number };
}

function requireTag(tags: TagDirectory, asset: string, name: string): Tag {
  const tag = tags.byPath(tagPath(asset, name));
  if (!tag)
    throw new UserError('not_found', `no tag "${name}" on ${asset}`, {
      details: { tag: tagPath(asset, name) },
    });
  return tag;
}

/** The codes of the named states of a state tag (names or numeric codes accepted). */
export function stateCodes(tag: Tag, states: readonly string[]): number[] {
  return states.map((state) => {
    const byName = Object.entries(tag.states ?? {}).find(([, name]) => name === state)?.[0];
    const code = Number(byName ?? state);
    if (!Number.isFinite(code)) {
      const known = Object.values(tag.states ?? {}).join(', ') || 'none';
      throw new UserError('invalid_input', `${tag.path} has no state "${state}" (its states: ${known})`);
    }
    return code;
  });
}

export async function readModelRows(
  reader: SampleReader,
  tags: TagDirectory,
  request: RowRequest,
): Promise<ModelRows> {
  if (request.inputs.length === 0)
    throw new UserError('invalid_input', 'a model needs at least one input tag');
  const inputTags = request.inputs.map((name) => requireTag(tags, request.asset, name));
  const stateTag = request.when ? requireTag(tags, request.asset, request.when.tag) : undefined;
  const condition =
    stateTag && request.when
      ? { input: request.when.tag, equals: stateCodes(stateTag, request.when.states) }
      : undefined;
  const all = stateTag ? [...inputTags, stateTag] : inputTags;
  const series = await Promise.all(
    all.map((tag) =>
      reader.readRaw({ tagId: tag.id, from: request.from, to: request.to, limit: MAX_SAMPLES_PER_TAG }),
    ),
  );
  // Merge by time, so the aligner sees the samples in the order live ingest would hand them over.
  const merged: { input: number; ts: number; value: number; quality: number }[] = [];
  series.forEach((samples, input) => {
    for (const s of samples)
      merged.push({ input, ts: s.ts, value: s.value, quality: QUALITY_CODE[s.quality] });
  });
  merged.sort((a, b) => a.ts - b.ts || a.input - b.input);
  const aligner = new BucketAligner(all.length, { bucketMs: request.bucketMs });
  const width = inputTags.length;
  const data: number[] = [];
  const ts: number[] = [];
  let outside = 0;
  const take = (row: { ts: number; values: Float64Array } | undefined) => {
    if (!row) return;
    if (condition && !condition.equals.includes(row.values[width] ?? Number.NaN)) {
      outside++;
      return;
    }
    for (let j = 0; j < width; j++) data.push(row.values[j] ?? Number.NaN);
    ts.push(row.ts);
  };
  for (const s of merged) take(aligner.add(s.input, s.ts, s.value, s.quality));
  take(aligner.flush());
  return {
    X: { rows: ts.length, cols: width, data: Float64Array.from(data), names: [...request.inputs] },
    ts: Float64Array.from(ts),
    ...(condition !== undefined && { condition }),
    skipped: { condition: outside, incomplete: aligner.skipped.incomplete },
  };
}
