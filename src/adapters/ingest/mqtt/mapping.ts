/**
 * From an MQTT message to a sample: topic filters, tag templates over topic levels, and the two payload formats
 * of a subscription (`uns` and `json` with dotted paths). Pure and total: every function returns a value or a
 * reason, never throws, so one bad message cannot take a batch down (STYLE.md §10, §11).
 *
 * Decisions, documented for plant engineers:
 * - Timestamps. A number is read by magnitude: below 1e11 it is epoch **seconds** (1e11 s is the year 5138, and
 *   1e11 ms is March 1973, before any plant historian we read), below 1e14 epoch milliseconds, below 1e17
 *   microseconds, above that nanoseconds; fractions are kept to the millisecond (rounded). A string of digits is
 *   read the same way; any other string must be ISO-8601 **with** `Z` or an offset (a local time is ambiguous
 *   across a DST change and is rejected). Negative times and times past the year 275760 are rejected.
 * - Values. JSON numbers and booleans (true = 1). A string holding a plain decimal number ("12.5", "-3e2") is
 *   accepted as that number, because gateways such as Node-RED and many PLC bridges send strings; "NaN",
 *   "Infinity", hex and anything else are rejected. A number too large for a double (1e400) parses to Infinity
 *   and is rejected; null, objects and arrays are rejected.
 * - Quality. "good", "uncertain" or "bad" in any letter case; missing means good.
 * - A message without a timestamp is stamped with its arrival time (`stamped: true`).
 */
import { type Quality, type MqttSubscription, isValidPath, MAX_ASSET_DEPTH } from '../../../domain/index.js';
import { EVENTS_SUFFIX } from './uns.js';

/** Payloads above this are dead-lettered as too large, with their first 4 kB kept. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface MappedSample {
  readonly tag: string;
  readonly ts: number;
  readonly value: number | boolean;
  readonly quality: Quality;
}

export type Mapped =
  | {
      readonly kind: 'sample';
      readonly sample: MappedSample;
      /** True when the payload carried no timestamp and `ts` is the arrival time. */
      readonly stamped: boolean;
    }
  | { readonly kind: 'events'; readonly items: readonly unknown[] }
  | { readonly kind: 'invalid'; readonly reason: string };

const invalid = (reason: string): Mapped => ({ kind: 'invalid', reason });

/**
 * Whether an MQTT topic filter (`+` one level, `#` the rest) matches a topic name. A shared subscription
 * (`$share/<group>/<filter>`) matches like its filter; wildcards at the first level do not match `$`-topics
 * (MQTT 5.0 §4.7.2).
 * @example topicMatches('acme/+/press3/#', 'acme/plant1/press3/oil/temp') === true
 */
export function topicMatches(filter: string, topic: string): boolean {
  // Scans both strings level by level without splitting them: this runs for every message.
  let f = filter.startsWith('$share/') ? filter.indexOf('/', 7) + 1 : 0;
  if (f === 0 && filter.startsWith('$share/')) return false;
  if (topic.startsWith('$') && (filter[f] === '+' || filter[f] === '#')) return false;
  let t = 0;
  for (;;) {
    const fEnd = indexOrEnd(filter, f);
    const wildcard = fEnd - f === 1 ? filter[f] : undefined;
    if (wildcard === '#') return true;
    if (t > topic.length) return false; // the topic has no level left
    const tEnd = indexOrEnd(topic, t);
    if (wildcard !== '+' && !sameLevel(filter, f, fEnd, topic, t, tEnd)) return false;
    if (fEnd === filter.length) return tEnd === topic.length;
    f = fEnd + 1;
    t = tEnd + 1;
  }
}

function sameLevel(a: string, aFrom: number, aEnd: number, b: string, bFrom: number, bEnd: number): boolean {
  if (aEnd - aFrom !== bEnd - bFrom) return false;
  for (let i = 0; i < aEnd - aFrom; i++) {
    if (a.charCodeAt(aFrom + i) !== b.charCodeAt(bFrom + i)) return false;
  }
  return true;
}

function indexOrEnd(text: string, from: number): number {
  const i = text.indexOf('/', from);
  return i === -1 ? text.length : i;
}

/**
 * Fills `{n}` in a tag template with topic level n (0-based).
 * @example renderTagTemplate('acme/plant1/{2}/{3}', ['site', 'x', 'line1', 'temp']) === 'acme/plant1/line1/temp'
 */
export function renderTagTemplate(template: string, levels: readonly string[]): string | { reason: string } {
  let missing: number | undefined;
  const tag = template.replace(/\{(\d+)\}/g, (_, n: string) => {
    const level = levels[Number(n)];
    if (level === undefined) {
      missing ??= Number(n);
      return '';
    }
    return level;
  });
  if (missing !== undefined) {
    return {
      reason: `tag template "${template}" needs topic level {${missing}}, the topic has ${levels.length}`,
    };
  }
  return tag;
}

/**
 * The value at a dotted path ("data.v", "values.0.v": numbers index arrays). Own properties only, so
 * "__proto__" or "constructor" never reach into prototypes.
 */
export function valueAtPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key)) return undefined;
      node = node[Number(key)];
    } else if (typeof node === 'object' && node !== null) {
      if (!Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return node;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DIGITS = /^\d+(?:\.\d+)?$/;
/** ISO-8601 date-time with a UTC designator or an offset, as the ingest pipeline accepts. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const MAX_TS_MS = 8.64e15;

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'string') return `"${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return typeof raw === 'object' ? 'an object' : typeof raw;
}

/** Epoch ms from a payload timestamp (see the header for the rules), or the reason it is not one. */
export function parseTimestamp(raw: unknown): number | { reason: string } {
  let n: number;
  if (typeof raw === 'number') {
    n = raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (DIGITS.test(text)) {
      n = Number(text);
    } else if (ISO_WITH_OFFSET.test(text)) {
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) return { reason: `timestamp: not a valid date-time ${describe(raw)}` };
      return ms;
    } else {
      return {
        reason: `timestamp: expected epoch s/ms/µs/ns or ISO-8601 with Z or an offset, got ${describe(raw)}`,
      };
    }
  } else {
    return { reason: `timestamp: expected a number or an ISO-8601 string, got ${describe(raw)}` };
  }
  if (!Number.isFinite(n)) return { reason: `timestamp: not a finite number (${describe(raw)})` };
  if (n < 0) return { reason: `timestamp: before 1970 (${describe(raw)})` };
  const ms = Math.round(n < 1e11 ? n * 1e3 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6);
  if (ms > MAX_TS_MS) return { reason: `timestamp: beyond the year 275760 (${describe(raw)})` };
  return ms;
}

/** A sample value: a finite number or a boolean (see the header), or the reason it is not one. */
export function parseValue(raw: unknown): number | boolean | { reason: string } {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? raw : { reason: `value: not a finite number (${describe(raw)})` };
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.length > 64 || !DECIMAL.test(text)) {
      return { reason: `value: a string that is not a decimal number, ${describe(raw)}` };
    }
    const n = Number(text);
    return Number.isFinite(n) ? n : { reason: `value: too large for a double (${describe(raw)})` };
  }
  if (raw === undefined) return { reason: 'value: missing' };
  return { reason: `value: expected a number or a boolean, got ${describe(raw)}` };
}

export function parseQuality(raw: unknown): Quality | { reason: string } {
  if (raw === undefined) return 'good';
  if (typeof raw === 'string') {
    switch (raw.toLowerCase()) {
      case 'good':
        return 'good';
      case 'uncertain':
        return 'uncertain';
      case 'bad':
        return 'bad';
    }
  }
  return { reason: `quality: expected good, uncertain or bad, got ${describe(raw)}` };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The payload as text, or the reason it cannot be read (too large, not UTF-8, empty). */
export function payloadText(payload: Uint8Array): string | { reason: string } {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return {
      reason: `payload too large: ${payload.byteLength} bytes (limit ${MAX_PAYLOAD_BYTES}); the first 4 kB are kept`,
    };
  }
  if (payload.byteLength === 0) return { reason: 'empty payload (a retained message being cleared?)' };
  try {
    return utf8.decode(payload);
  } catch (error) {
    // The decoder is fatal on purpose: the reason names it, and the dead letter keeps the bytes as text.
    return {
      reason: `payload is not valid UTF-8 (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

function parseJson(text: string): { ok: unknown } | { reason: string } {
  try {
    return { ok: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { reason: `payload is not JSON: ${detail.length > 200 ? `${detail.slice(0, 200)}…` : detail}` };
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function sample(
  tag: string,
  rawValue: unknown,
  rawTs: unknown,
  rawQuality: unknown,
  arrivalTs: number,
): Mapped {
  const value = parseValue(rawValue);
  if (typeof value === 'object') return invalid(value.reason);
  const stamped = rawTs === undefined;
  const ts = stamped ? arrivalTs : parseTimestamp(rawTs);
  if (typeof ts === 'object') return invalid(ts.reason);
  const quality = parseQuality(rawQuality);
  if (typeof quality === 'object') return invalid(quality.reason);
  return { kind: 'sample', sample: { tag, ts, value, quality }, stamped };
}

function withPrefix(prefix: string | undefined, path: string): string {
  return prefix === undefined ? path : `${prefix}/${path}`;
}

/**
 * A UNS message: the topic (after `prefix`) is the tag path; the payload is `{"value", "timestamp"|"ts",
 * "quality"}` or a bare number, boolean or numeric string. `<asset>/_events` carries events (JSON, one or a list).
 */
export function mapUnsMessage(
  topic: string,
  text: string,
  prefix: string | undefined,
  arrivalTs: number,
): Mapped {
  const parsed = parseJson(text);
  if ('reason' in parsed) return invalid(parsed.reason);
  const json = parsed.ok;
  if (topic.endsWith(EVENTS_SUFFIX)) {
    const asset = withPrefix(prefix, topic.slice(0, -EVENTS_SUFFIX.length));
    const list = Array.isArray(json) ? json : [json];
    return { kind: 'events', items: list.map((e: unknown) => (isRecord(e) ? { ...e, asset } : e)) };
  }
  const tag = withPrefix(prefix, topic);
  if (typeof json === 'number' || typeof json === 'boolean' || typeof json === 'string') {
    return sample(tag, json, undefined, undefined, arrivalTs);
  }
  if (!isRecord(json)) {
    return invalid(
      `payload must be a number, a boolean or a {"value", "timestamp"} object, got ${describe(json)}`,
    );
  }
  return sample(tag, json['value'], json['timestamp'] ?? json['ts'], json['quality'], arrivalTs);
}

/** A JSON message read with the subscription's dotted `paths`; the tag comes from the `tag` template (or topic). */
export function mapJsonMessage(
  topic: string,
  text: string,
  subscription: Pick<MqttSubscription, 'paths' | 'tag' | 'prefix'>,
  arrivalTs: number,
): Mapped {
  let tag: string;
  if (subscription.tag === undefined) {
    tag = withPrefix(subscription.prefix, topic);
  } else {
    const rendered = renderTagTemplate(subscription.tag, topic.split('/'));
    if (typeof rendered === 'object') return invalid(rendered.reason);
    tag = withPrefix(subscription.prefix, rendered);
  }
  const parsed = parseJson(text);
  if ('reason' in parsed) return invalid(parsed.reason);
  const paths = subscription.paths ?? { value: 'value' };
  const root = parsed.ok;
  if (typeof root !== 'object' || root === null) {
    return invalid(`payload must be a JSON object read at "${paths.value}", got ${describe(root)}`);
  }
  const rawValue = valueAtPath(root, paths.value);
  if (rawValue === undefined) return invalid(`value: nothing at path "${paths.value}"`);
  let rawTs: unknown;
  if (paths.timestamp !== undefined) {
    rawTs = valueAtPath(root, paths.timestamp);
    if (rawTs === undefined) return invalid(`timestamp: nothing at path "${paths.timestamp}"`);
  }
  const rawQuality = paths.quality === undefined ? undefined : valueAtPath(root, paths.quality);
  return sample(tag, rawValue, rawTs, rawQuality, arrivalTs);
}

/** Whether a mapped tag path can name a tag at all (levels [A-Za-z0-9_.-], at most one per ISA-95 level + 1). */
export function isPlausibleTagPath(path: string): boolean {
  return path.includes('/') && isValidPath(path, MAX_ASSET_DEPTH + 1);
}
