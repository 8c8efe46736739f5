/**
 * Sparkplug B payloads (Sparkplug 3.0 §6.4, the Eclipse Tahu `sparkplug_b.proto`): decoding into plain, typed
 * values, and encoding the one payload a host sends (the rebirth NCMD).
 *
 * Decoding uses the protobuf code generated from the Tahu schema that ships with `sparkplug-payload`
 * (`lib/sparkplugPayloadProto.js`), not its `decodePayload()`: that convenience layer throws on valid payloads it
 * does not support (a DataSet with an Int32 column: "Invalid DataSetValue") and turns every 64-bit field into a
 * `Long`. Here the wire message is read as it is and validated field by field; interpreting a value by its
 * datatype is left to sparkplug.mapping.ts. Never throws: a payload decodes or yields a reason.
 */
import sparkplugPayload from 'sparkplug-payload';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { UnexpectedError } from '../../../domain/index.js';

const WirePayload = proto.org.eclipse.tahu.protobuf.Payload;
type WireMetric = proto.org.eclipse.tahu.protobuf.Payload.IMetric;
type WirePropertyValue = proto.org.eclipse.tahu.protobuf.Payload.IPropertyValue;

/** A 64-bit unsigned protobuf field (timestamp, seq, alias, long_value), read as both signed and unsigned. */
export interface Long64 {
  /** Two's complement reading (Int64). Beyond ±2^53 it is rounded: see `Number.isSafeInteger`. */
  readonly signed: number;
  /** Unsigned reading (UInt64, DateTime, timestamps, seq, alias). */
  readonly unsigned: number;
}

/** The value a metric carries on the wire: which `oneof value` field was set, with its content. */
export type WireValue =
  | { readonly kind: 'none' }
  /** `int_value` (uint32 on the wire; Int8/16/32 are two's complement in it). */
  | { readonly kind: 'int'; readonly value: number }
  | ({ readonly kind: 'long' } & Long64)
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bytes'; readonly length: number }
  | { readonly kind: 'dataset' }
  | { readonly kind: 'template' }
  | { readonly kind: 'extension' };

export interface SparkplugMetric {
  /** Present in BIRTH certificates; DATA messages of nodes using aliases carry only the alias. */
  readonly name: string | undefined;
  readonly alias: number | undefined;
  /** UTC epoch ms, as sent (range not yet checked). */
  readonly timestamp: number | undefined;
  /** Sparkplug DataType code (Sparkplug 3.0 §6.4.16); undefined when absent. */
  readonly datatype: number | undefined;
  readonly isNull: boolean;
  readonly value: WireValue;
  /** The metric's `Quality` property, if any (numeric code or text). */
  readonly quality: number | string | undefined;
  /** The metric's engineering unit property (`engUnit`, as Ignition and others send it), if any. */
  readonly engUnit: string | undefined;
}

export interface SparkplugPayload {
  /** UTC epoch ms, as sent (range not yet checked). */
  readonly timestamp: number | undefined;
  /** 0–255 by the specification; larger values are passed on for the caller to reject. */
  readonly seq: number | undefined;
  readonly metrics: readonly SparkplugMetric[];
}

export type DecodeResult =
  { readonly ok: true; readonly payload: SparkplugPayload } | { readonly ok: false; readonly reason: string };

const TWO_32 = 4_294_967_296;
const TWO_63 = 9_223_372_036_854_775_808;
const TWO_64 = 18_446_744_073_709_551_616;

/** protobufjs gives 64-bit fields as `Long` objects when the `long` package is installed, as numbers otherwise. */
function long64(v: unknown): Long64 | undefined {
  if (typeof v === 'number') {
    // protobufjs without `long` reads uint64 as an unsigned number.
    return { unsigned: v, signed: v >= TWO_63 ? v - TWO_64 : v };
  }
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const { low, high } = v;
    if (typeof low !== 'number' || typeof high !== 'number') return undefined;
    const lo = low >>> 0;
    return { unsigned: (high >>> 0) * TWO_32 + lo, signed: (high | 0) * TWO_32 + lo };
  }
  return undefined;
}

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function wireValue(m: WireMetric): WireValue {
  // Only the field present on the wire is an own property of the decoded message (defaults sit on the prototype).
  if (has(m, 'intValue') && typeof m.intValue === 'number') return { kind: 'int', value: m.intValue };
  if (has(m, 'longValue')) {
    const l = long64(m.longValue);
    if (l) return { kind: 'long', ...l };
  }
  if (has(m, 'floatValue') && typeof m.floatValue === 'number') return { kind: 'float', value: m.floatValue };
  if (has(m, 'doubleValue') && typeof m.doubleValue === 'number')
    return { kind: 'double', value: m.doubleValue };
  if (has(m, 'booleanValue') && typeof m.booleanValue === 'boolean')
    return { kind: 'boolean', value: m.booleanValue };
  if (has(m, 'stringValue') && typeof m.stringValue === 'string')
    return { kind: 'string', value: m.stringValue };
  if (has(m, 'bytesValue') && m.bytesValue instanceof Uint8Array)
    return { kind: 'bytes', length: m.bytesValue.byteLength };
  if (has(m, 'datasetValue')) return { kind: 'dataset' };
  if (has(m, 'templateValue')) return { kind: 'template' };
  if (has(m, 'extensionValue')) return { kind: 'extension' };
  return { kind: 'none' };
}

function propertyScalar(v: WirePropertyValue | undefined): number | string | undefined {
  if (v === undefined || v === null) return undefined;
  if (has(v, 'intValue') && typeof v.intValue === 'number') return v.intValue;
  if (has(v, 'longValue')) return long64(v.longValue)?.signed;
  if (has(v, 'stringValue') && typeof v.stringValue === 'string') return v.stringValue;
  if (has(v, 'floatValue') && typeof v.floatValue === 'number') return v.floatValue;
  if (has(v, 'doubleValue') && typeof v.doubleValue === 'number') return v.doubleValue;
  return undefined;
}

const UNIT_KEYS = new Set(['engunit', 'engunits', 'unit', 'units']);

function metric(m: WireMetric): SparkplugMetric {
  let quality: number | string | undefined;
  let engUnit: string | undefined;
  const props = m.properties;
  if (props && Array.isArray(props.keys) && Array.isArray(props.values)) {
    for (let i = 0; i < props.keys.length; i++) {
      const key = String(props.keys[i]).toLowerCase();
      if (key === 'quality') quality = propertyScalar(props.values[i]);
      else if (UNIT_KEYS.has(key)) {
        const unit = propertyScalar(props.values[i]);
        if (typeof unit === 'string') engUnit = unit;
      }
    }
  }
  return {
    name: has(m, 'name') && typeof m.name === 'string' ? m.name : undefined,
    alias: has(m, 'alias') ? long64(m.alias)?.unsigned : undefined,
    timestamp: has(m, 'timestamp') ? long64(m.timestamp)?.unsigned : undefined,
    datatype: has(m, 'datatype') && typeof m.datatype === 'number' ? m.datatype : undefined,
    isNull: has(m, 'isNull') && m.isNull === true,
    value: wireValue(m),
    quality,
    engUnit,
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes a Sparkplug B payload.
 * @example decodeSparkplugPayload(bytes) // → { ok: true, payload: { timestamp, seq, metrics: [...] } }
 */
export function decodeSparkplugPayload(bytes: Uint8Array): DecodeResult {
  let wire: proto.org.eclipse.tahu.protobuf.Payload;
  try {
    wire = WirePayload.decode(bytes);
  } catch (error) {
    // Truncated or corrupt protobuf ("index out of range", "invalid wire type"), or nesting deep enough to
    // exhaust the stack: all mean the bytes are not a Sparkplug B payload.
    return { ok: false, reason: `not a Sparkplug B protobuf payload: ${reasonOf(error)}` };
  }
  const metrics: SparkplugMetric[] = [];
  for (const m of wire.metrics) metrics.push(metric(m));
  return {
    ok: true,
    payload: {
      timestamp: has(wire, 'timestamp') ? long64(wire.timestamp)?.unsigned : undefined,
      seq: has(wire, 'seq') ? long64(wire.seq)?.unsigned : undefined,
      metrics,
    },
  };
}

const codec = sparkplugPayload.get('spBv1.0');
if (codec === null) throw new UnexpectedError('sparkplug-payload has no spBv1.0 codec');
const encoder = codec;

/** The rebirth request a host sends an edge node (Sparkplug 3.0 §5.11: NCMD `Node Control/Rebirth` = true). */
export function encodeRebirthRequest(timestamp: number): Uint8Array {
  return encoder.encodePayload({
    timestamp,
    metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
  });
}
