/** OPC UA DataValue → Gemba sample: the value, its timestamp and its quality (STYLE.md §10–11). */
import { DataType, type DataValue, type StatusCode, type Variant, VariantArrayType } from 'node-opcua-client';
import type { Quality } from '../../../domain/index.js';

/** A sample ready for `IngestSink.writeSamples`. */
export interface OpcUaSample {
  readonly tag: string;
  readonly ts: number;
  readonly value: number;
  readonly quality: Quality;
}

export type Conversion =
  { readonly ok: true; readonly sample: OpcUaSample } | { readonly ok: false; readonly reason: string };

/**
 * The quality of a status code from its severity, the two top bits (OPC UA Part 4 §7.39 StatusCode):
 * 00 Good → good, 01 Uncertain → uncertain, 10 Bad (and the reserved 11) → bad.
 * @example qualityOf(StatusCodes.UncertainLastUsableValue) === 'uncertain'
 */
export function qualityOf(status: StatusCode): Quality {
  const severity = status.value >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** What a Variant holds, read as a Gemba value. */
export type ValueReading =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'none'; readonly why: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

const NUMERIC = new Set<DataType>([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Float,
  DataType.Double,
]);

/** node-opcua carries a 64-bit integer as [high, low] 32-bit words. */
function int64(words: unknown, signed: boolean): number | undefined {
  if (!Array.isArray(words) || words.length !== 2) return undefined;
  const [high, low] = words as unknown[];
  if (typeof high !== 'number' || typeof low !== 'number') return undefined;
  const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  // Above 2^53 the double keeps 53 significant bits: a counter that large loses its last units.
  return Number(signed ? BigInt.asIntN(64, bits) : BigInt.asUintN(64, bits));
}

/**
 * Numbers of every OPC UA numeric type and booleans (true = 1) are values; Null, NaN and ±Infinity are
 * "no value"; strings, dates, structures and arrays are not supported.
 */
export function readValue(variant: Variant): ValueReading {
  const type = variant.dataType;
  if (type === DataType.Null) return { kind: 'none', why: 'no value' };
  if (variant.arrayType !== VariantArrayType.Scalar) {
    return {
      kind: 'unsupported',
      reason: `an array of ${DataType[type]} is not a number: monitor one element node instead`,
    };
  }
  let value: number | undefined;
  if (type === DataType.Boolean) value = variant.value === true ? 1 : 0;
  else if (NUMERIC.has(type)) value = typeof variant.value === 'number' ? variant.value : undefined;
  else if (type === DataType.Int64 || type === DataType.UInt64)
    value = int64(variant.value, type === DataType.Int64);
  else
    return {
      kind: 'unsupported',
      reason: `a value of type ${DataType[type] ?? `#${String(type)}`} is not a number or a boolean`,
    };
  if (value === undefined) return { kind: 'unsupported', reason: `a malformed ${DataType[type]} value` };
  if (!Number.isFinite(value)) return { kind: 'none', why: `the value ${value}` };
  return { kind: 'number', value };
}

/** A Date from node-opcua as epoch ms, or undefined when it is absent (null, the 1601 "MinDate", invalid). */
function epochMs(date: Date | null | undefined): number | undefined {
  const ms = date?.getTime();
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The sample's time: the source timestamp, else the server timestamp, else the arrival time. */
export function sampleTime(dataValue: DataValue, arrival: number): number {
  return epochMs(dataValue.sourceTimestamp) ?? epochMs(dataValue.serverTimestamp) ?? arrival;
}

/**
 * Converts one data change of `tag`. A value with a Bad or Uncertain status is kept with that quality.
 * A Bad or Uncertain status with no value (Null, NaN) repeats `lastValue`, the tag's last known value, with
 * that quality, so the outage is visible in the series; with no last value it is rejected (dead-lettered).
 * @example convertDataValue(new DataValue({ value: { dataType: 'Double', value: 1 } }), 'a/b/t', 0, undefined)
 */
export function convertDataValue(
  dataValue: DataValue,
  tag: string,
  arrival: number,
  lastValue: number | undefined,
): Conversion {
  const quality = qualityOf(dataValue.statusCode);
  const ts = sampleTime(dataValue, arrival);
  const reading = readValue(dataValue.value);
  if (reading.kind === 'number') return { ok: true, sample: { tag, ts, value: reading.value, quality } };
  if (reading.kind === 'unsupported') return { ok: false, reason: reading.reason };
  const status = dataValue.statusCode.name;
  if (quality === 'good') return { ok: false, reason: `status ${status} with ${reading.why}` };
  if (lastValue === undefined) {
    return { ok: false, reason: `status ${status} with ${reading.why}, and no earlier value to carry` };
  }
  return { ok: true, sample: { tag, ts, value: lastValue, quality } };
}
