/**
 * From Sparkplug metrics to Gemba tags and samples. Pure and total: every function returns a value or a reason.
 *
 * Decisions, documented for plant engineers:
 * - **Tag paths.** A metric becomes the tag `<assetRoot>/<group>/<edge node>[/<device>]/<metric name>`. Each
 *   Sparkplug id and metric name is made one path segment (`[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`): accents are
 *   dropped (`Température` → `Temperature`), the Sparkplug folder separator `/` becomes `.`
 *   (`Motor/Speed` → `Motor.Speed`), any other character outside `A-Z a-z 0-9 _ . -` becomes `_`
 *   (`Node Control/Rebirth` → `Node_Control.Rebirth`), leading `_ . -` are dropped. A name that is empty after
 *   that, or longer than 64 characters, is cut to 55 characters plus `-` and 8 hex digits of a hash of the full
 *   name, so two long names stay apart. Two metrics of one BIRTH that still land on the same tag: the first
 *   keeps it, the second is dead-lettered.
 * - **Data types.** Int8…Int64 and UInt8…UInt64 → `integer`, Float and Double → `float`, Boolean → `boolean`
 *   (stored as 1/0). String, Text, UUID, DateTime, Bytes, File, DataSet, Template, PropertySet(List) and the
 *   array types are not samples: they are counted and skipped.
 * - **Values.** Int8/16/32 are read as two's complement from `int_value` (either the 8/16-bit or the 32-bit
 *   form), UInt8/16 must fit their width, 64-bit integers beyond ±2^53 cannot be stored exactly in a double and
 *   are rejected, NaN and ±Infinity are rejected. A value in the wrong field for its datatype (a Boolean metric
 *   carrying a float) is rejected; Float and Double accept each other's field, integers accept `int_value` and
 *   `long_value`.
 * - **Quality.** `is_null` → `bad`. A `Quality` property: the OPC DA code ranges Sparkplug hosts use (192–255
 *   good, 64–127 uncertain, 0–63 bad, 500 = stale → bad, anything else uncertain), or the words good / uncertain
 *   / bad / stale in any case. No property: good.
 * - **Timestamps.** The metric's timestamp, else the payload's, else the arrival time; it must be an integer
 *   epoch ms between 0 and 8.64e15.
 */
import { type Quality, type TagDataType, SEGMENT_PATTERN } from '../../../domain/index.js';
import type { SparkplugMetric, WireValue } from './sparkplug.codec.js';

/** Sparkplug 3.0 §6.4.16 DataType names by code. */
export const DATATYPE_NAMES: readonly string[] = [
  'Unknown',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'DataSet',
  'Bytes',
  'File',
  'Template',
  'PropertySet',
  'PropertySetList',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Int64Array',
  'UInt8Array',
  'UInt16Array',
  'UInt32Array',
  'UInt64Array',
  'FloatArray',
  'DoubleArray',
  'BooleanArray',
  'StringArray',
  'DateTimeArray',
];

export function datatypeName(code: number | undefined): string {
  if (code === undefined) return 'no datatype';
  return DATATYPE_NAMES[code] ?? `datatype ${code}`;
}

/** The tag data type of a Sparkplug datatype, or undefined when its values are not samples. */
export function tagDataType(code: number | undefined): TagDataType | undefined {
  if (code === undefined) return undefined;
  if (code >= 1 && code <= 8) return 'integer';
  if (code === 9 || code === 10) return 'float';
  if (code === 11) return 'boolean';
  return undefined;
}

/** FNV-1a over UTF-16 code units, as 8 hex digits: a short, stable suffix that keeps long names apart. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const MAX_SEGMENT = 64;

/**
 * A Sparkplug id or metric name as one Gemba path segment (see the rules at the top of this file).
 * @example toPathSegment('Node Control/Rebirth') === 'Node_Control.Rebirth'
 */
export function toPathSegment(raw: string): string {
  if (raw.length <= MAX_SEGMENT && SEGMENT_PATTERN.test(raw)) return raw;
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\//g, '.')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  if (cleaned.length > 0 && cleaned.length <= MAX_SEGMENT) return cleaned;
  const head = cleaned.length > 0 ? cleaned.slice(0, MAX_SEGMENT - 9) : 'm';
  return `${head}-${shortHash(raw)}`;
}

export type NumberOrReason =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

const ok = (value: number): NumberOrReason => ({ ok: true, value });
const no = (reason: string): NumberOrReason => ({ ok: false, reason });

function integerFrom(v: WireValue, signed: boolean): NumberOrReason {
  if (v.kind === 'int') return ok(signed ? v.value | 0 : v.value >>> 0);
  if (v.kind === 'long') {
    const n = signed ? v.signed : v.unsigned;
    return Number.isSafeInteger(n) ? ok(n) : no(`integer ${n} is beyond ±2^53 and cannot be stored exactly`);
  }
  return no(`carries ${v.kind === 'none' ? 'no value' : `a ${v.kind} value`}, not an integer`);
}

/**
 * Int8 / Int16 from `int_value`: encoders put either the n-bit two's complement (253 for -3) or the 32-bit one
 * (4294967293) there; both are accepted, anything that fits neither is rejected.
 */
function smallSigned(v: WireValue, bits: 8 | 16): NumberOrReason {
  if (v.kind !== 'int') return integerFrom(v, true);
  const limit = 2 ** (bits - 1);
  const wide = v.value | 0;
  if (wide >= -limit && wide < limit) return ok(wide);
  if (v.value >= 0 && v.value < 2 * limit) return ok(v.value >= limit ? v.value - 2 * limit : v.value);
  return no(`${v.value} does not fit Int${bits}`);
}

/**
 * The sample value of a metric whose (BIRTH) datatype is `datatype`, or why it has none. Booleans are 1/0.
 * @example numericValue(1, { kind: 'int', value: 253 }) // → { ok: true, value: -3 } (Int8)
 */
export function numericValue(datatype: number, v: WireValue): NumberOrReason {
  switch (datatype) {
    case 1:
      return smallSigned(v, 8);
    case 2:
      return smallSigned(v, 16);
    case 3:
    case 4:
      return integerFrom(v, true);
    case 5:
    case 6: {
      const r = integerFrom(v, false);
      const max = datatype === 5 ? 0xff : 0xffff;
      if (r.ok && r.value > max) return no(`${r.value} does not fit ${datatypeName(datatype)}`);
      return r;
    }
    case 7:
    case 8:
      return integerFrom(v, false);
    case 9:
    case 10: {
      if (v.kind !== 'float' && v.kind !== 'double') {
        return no(`carries ${v.kind === 'none' ? 'no value' : `a ${v.kind} value`}, not a float`);
      }
      return Number.isFinite(v.value) ? ok(v.value) : no(`value ${v.value} is not a finite number`);
    }
    case 11:
      return v.kind === 'boolean'
        ? ok(v.value ? 1 : 0)
        : no(`carries ${v.kind === 'none' ? 'no value' : `a ${v.kind} value`}, not a boolean`);
    default:
      return no(`${datatypeName(datatype)} values are not samples`);
  }
}

/** The quality a metric's `Quality` property denotes (see the rules at the top of this file). */
export function qualityOf(property: number | string | undefined): Quality {
  if (property === undefined) return 'good';
  if (typeof property === 'string') {
    switch (property.trim().toLowerCase()) {
      case 'good':
        return 'good';
      case 'bad':
      case 'stale':
        return 'bad';
      default:
        return 'uncertain';
    }
  }
  if (property >= 192 && property <= 255) return 'good';
  if (property >= 64 && property <= 127) return 'uncertain';
  if ((property >= 0 && property <= 63) || property === 500) return 'bad';
  return 'uncertain';
}

const MAX_TS = 8.64e15;

/** Whether `ts` can be a sample's timestamp: integer epoch ms in the store's range. */
export function isValidTimestamp(ts: number): boolean {
  return Number.isInteger(ts) && ts >= 0 && ts <= MAX_TS;
}

/** A metric as shown in a dead letter: what identifies it and what it carried. */
export function describeMetric(m: SparkplugMetric): Record<string, unknown> {
  return {
    ...(m.name !== undefined && { name: m.name.slice(0, 200) }),
    ...(m.alias !== undefined && { alias: m.alias }),
    ...(m.datatype !== undefined && { datatype: datatypeName(m.datatype) }),
    ...(m.timestamp !== undefined && { timestamp: m.timestamp }),
    ...(m.isNull ? { isNull: true } : { value: shownValue(m.value) }),
  };
}

function shownValue(v: WireValue): unknown {
  switch (v.kind) {
    case 'long':
      return v.signed;
    case 'string':
      return v.value.slice(0, 200);
    case 'int':
    case 'boolean':
      return v.value;
    case 'float':
    case 'double':
      // JSON has no NaN or Infinity: keep them readable in the dead letter.
      return Number.isFinite(v.value) ? v.value : String(v.value);
    case 'bytes':
      return `${v.length} bytes`;
    default:
      return v.kind;
  }
}
