/**
 * Unified Namespace payloads: the topic is the tag path (`<enterprise>/<site>/<area>/<line>/<cell>/<equipment>/<tag>`)
 * and the payload is `{"value": …, "timestamp": …, "quality": …}` (timestamp also as `ts`; epoch ms or ISO-8601)
 * or a bare number / boolean, stamped with the arrival time. Events go to `<asset path>/_events` as JSON.
 */

export const EVENTS_SUFFIX = '/_events';

export type UnsMessage =
  | { readonly kind: 'sample'; readonly item: Record<string, unknown> }
  | { readonly kind: 'events'; readonly items: unknown[] }
  | { readonly kind: 'invalid'; readonly reason: string; readonly payload: string };

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Decodes one UNS message; never throws. The sample item still goes through the ingest pipeline's validation. */
export function decodeUnsMessage(topic: string, payload: Uint8Array, arrivalTs: number): UnsMessage {
  const text = decoder.decode(payload).trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the reason names it, and the text is kept in the dead letter.
    return { kind: 'invalid', reason: 'payload is not JSON or a number', payload: text };
  }
  if (topic.endsWith(EVENTS_SUFFIX)) {
    const asset = topic.slice(0, -EVENTS_SUFFIX.length);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return {
      kind: 'events',
      items: list.map((e: unknown) =>
        typeof e === 'object' && e !== null && !Array.isArray(e) ? { asset, ...e } : e,
      ),
    };
  }
  if (typeof parsed === 'number' || typeof parsed === 'boolean') {
    return { kind: 'sample', item: { tag: topic, ts: arrivalTs, value: parsed } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      kind: 'invalid',
      reason: 'payload must be a number or a {"value", "timestamp"} object',
      payload: text,
    };
  }
  const o = parsed as Record<string, unknown>;
  const ts = o['timestamp'] ?? o['ts'] ?? arrivalTs;
  return {
    kind: 'sample',
    item: { tag: topic, ts, value: o['value'], ...(o['quality'] !== undefined && { quality: o['quality'] }) },
  };
}
