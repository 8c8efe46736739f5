/**
 * Citations for tool results: when a model (rather than the router's hand-written intents) calls an operation,
 * what the answer rests on is read off the call itself — the tag, asset, item and window asked for, the record ids
 * returned, the document passages found, the model version — so every answer carries its sources whatever the
 * model wrote.
 */
import type { Citation } from './router.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const iso = (ts: number): string => `${new Date(ts).toISOString().slice(0, 19)}Z`;

/** At most this many records of one result are cited one by one. */
const MAX_RECORDS = 8;

/** The records of a result: the first array of objects with an `id` among its fields. */
function recordIds(output: Json): string[] {
  for (const value of Object.values(output)) {
    if (!Array.isArray(value)) continue;
    const ids = value
      .filter(isObject)
      .map((r) => str(r['id']))
      .filter((id): id is string => id !== undefined);
    if (ids.length > 0) return ids;
  }
  return [];
}

function passageCitations(source: string, output: Json): Citation[] {
  const passages = Array.isArray(output['passages']) ? output['passages'].filter(isObject) : [];
  return passages.slice(0, MAX_RECORDS).flatMap((p): Citation[] => {
    const document = str(p['document']);
    if (document === undefined) return [];
    const section = str(p['section']);
    const page = num(p['page']);
    const passage = num(p['seq']);
    const title = str(p['title']) ?? document;
    return [
      {
        source,
        document,
        ...(section !== undefined && { section }),
        ...(page !== undefined && { page }),
        ...(passage !== undefined && { passage }),
        label: [title, section, page !== undefined ? `p. ${page}` : undefined]
          .filter((x) => x !== undefined)
          .join(' › '),
      },
    ];
  });
}

/**
 * What one successful tool call cites.
 * @example
 * citeToolResult('samples.latest', { tags: ['line1/press3/oil_temp'] }, { samples: [{ tag: 'line1/press3/oil_temp', ts: 0, value: 41 }] })
 * // [{ source: 'samples.latest', tag: 'line1/press3/oil_temp', at: 0, label: 'line1/press3/oil_temp at 1970-01-01T00:00:00Z' }]
 */
export function citeToolResult(source: string, input: unknown, output: unknown): Citation[] {
  const args = isObject(input) ? input : {};
  const out = isObject(output) ? output : {};
  if (Array.isArray(out['passages'])) return passageCitations(source, out);

  if (source === 'samples.latest' && Array.isArray(out['samples'])) {
    return out['samples']
      .filter(isObject)
      .slice(0, MAX_RECORDS)
      .flatMap((s): Citation[] => {
        const tag = str(s['tag']);
        const at = num(s['ts']);
        if (tag === undefined) return [];
        return [
          {
            source,
            tag,
            ...(at !== undefined && { at }),
            label: `${tag}${at !== undefined ? ` at ${iso(at)}` : ''}`,
          },
        ];
      });
  }

  const tag = str(out['tag']) ?? str(args['tag']);
  const asset = str(args['asset']) ?? str(args['under']);
  const item = str(args['item']);
  const from = num(out['from']) ?? num(args['from']);
  const to = num(out['to']) ?? num(args['to']);
  const model = isObject(out['model']) ? out['model'] : undefined;
  const modelName = model === undefined ? undefined : str(model['name']);
  const version = model === undefined ? undefined : num(model['version']);
  const subject =
    tag ?? asset ?? item ?? (modelName !== undefined ? `${modelName} v${version ?? '?'}` : undefined);
  const window = from !== undefined && to !== undefined ? ` ${iso(from)} – ${iso(to)}` : '';
  const base: Citation = {
    source,
    ...(tag !== undefined && { tag }),
    ...(asset !== undefined && { asset }),
    ...(item !== undefined && { item }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(modelName !== undefined && { model: modelName }),
    ...(version !== undefined && { version }),
    label: `${source}${subject !== undefined ? ` ${subject}` : ''}${window}`,
  };
  const ids = str(out['id']) !== undefined ? [str(out['id']) ?? ''] : recordIds(out);
  if (ids.length === 0) return [base];
  return ids.slice(0, MAX_RECORDS).map((ref) => ({ ...base, ref, label: `${ref} (${base.label})` }));
}
