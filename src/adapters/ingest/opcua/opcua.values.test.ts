import { DataType, DataValue, StatusCode, StatusCodes, Variant, VariantArrayType } from 'node-opcua-client';
import { describe, expect, it } from 'vitest';
import { convertDataValue, qualityOf, readValue, sampleTime } from './opcua.values.js';

const TAG = 'acme/plant1/press3/oil_temp';
const T = Date.parse('2026-03-01T12:00:00.125Z');

function dv(
  value: Variant,
  statusCode: StatusCode = StatusCodes.Good,
  times: { source?: number | null; server?: number | null } = { source: T },
): DataValue {
  return new DataValue({
    value,
    statusCode,
    sourceTimestamp: times.source == null ? null : new Date(times.source),
    serverTimestamp: times.server == null ? null : new Date(times.server),
  });
}
const double = (value: number) => new Variant({ dataType: DataType.Double, value });

describe('qualityOf: the severity bits of the status code', () => {
  it.each([
    [StatusCodes.Good, 'good'],
    [StatusCodes.GoodClamped, 'good'],
    [StatusCodes.UncertainLastUsableValue, 'uncertain'],
    [StatusCodes.UncertainSensorNotAccurate, 'uncertain'],
    [StatusCodes.BadSensorFailure, 'bad'],
    [StatusCodes.BadCommunicationError, 'bad'],
    [StatusCodes.BadNodeIdUnknown, 'bad'],
  ] as const)('%s → %s', (code, quality) => {
    expect(qualityOf(code)).toBe(quality);
  });

  it('ignores the info bits below the severity (0x40000400 is Uncertain with the overflow bit)', () => {
    expect(qualityOf(StatusCode.makeStatusCode(StatusCodes.UncertainLastUsableValue, 'Overflow'))).toBe(
      'uncertain',
    );
    expect(StatusCodes.UncertainLastUsableValue.value >>> 30).toBe(1);
  });
});

describe('readValue', () => {
  it.each([
    [new Variant({ dataType: DataType.Boolean, value: true }), 1],
    [new Variant({ dataType: DataType.Boolean, value: false }), 0],
    [new Variant({ dataType: DataType.SByte, value: -5 }), -5],
    [new Variant({ dataType: DataType.UInt16, value: 65535 }), 65535],
    [new Variant({ dataType: DataType.Int32, value: -2147483648 }), -2147483648],
    [new Variant({ dataType: DataType.UInt32, value: 4294967295 }), 4294967295],
    [new Variant({ dataType: DataType.Float, value: 1.5 }), 1.5],
    [double(-273.15), -273.15],
    // 64-bit integers travel as [high, low]: -2 is 0xFFFFFFFF_FFFFFFFE, 2^32 + 7 is [1, 7].
    [
      new Variant({
        dataType: DataType.Int64,
        arrayType: VariantArrayType.Scalar,
        value: [0xffffffff, 0xfffffffe],
      }),
      -2,
    ],
    [
      new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [1, 7] }),
      2 ** 32 + 7,
    ],
    [
      new Variant({
        dataType: DataType.UInt64,
        arrayType: VariantArrayType.Scalar,
        value: [0xffffffff, 0xfffffffe],
      }),
      2 ** 64 - 2,
    ],
  ])('%s → %d', (variant, expected) => {
    expect(readValue(variant)).toEqual({ kind: 'number', value: expected });
  });

  it('reads Null, NaN and Infinity as no value', () => {
    expect(readValue(new Variant({ dataType: DataType.Null }))).toEqual({ kind: 'none', why: 'no value' });
    expect(readValue(double(Number.NaN))).toEqual({ kind: 'none', why: 'the value NaN' });
    expect(readValue(double(Number.POSITIVE_INFINITY)).kind).toBe('none');
  });

  it('refuses strings, dates and arrays with a reason', () => {
    expect(readValue(new Variant({ dataType: DataType.String, value: 'R-7' }))).toEqual({
      kind: 'unsupported',
      reason: 'a value of type String is not a number or a boolean',
    });
    expect(readValue(new Variant({ dataType: DataType.DateTime, value: new Date(T) })).kind).toBe(
      'unsupported',
    );
    expect(
      readValue(new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] })),
    ).toEqual({
      kind: 'unsupported',
      reason: 'an array of Double is not a number: monitor one element node instead',
    });
  });
});

describe('sampleTime', () => {
  it('takes the source timestamp, else the server timestamp, else the arrival time', () => {
    expect(sampleTime(dv(double(1), StatusCodes.Good, { source: T, server: T + 50 }), 9)).toBe(T);
    expect(sampleTime(dv(double(1), StatusCodes.Good, { source: null, server: T + 50 }), 9)).toBe(T + 50);
    expect(sampleTime(dv(double(1), StatusCodes.Good, { source: null, server: null }), 9)).toBe(9);
  });

  it('treats the OPC UA MinDate (1601) as no timestamp', () => {
    const minDate = Date.UTC(1601, 0, 1);
    expect(sampleTime(dv(double(1), StatusCodes.Good, { source: minDate, server: T }), 9)).toBe(T);
  });
});

describe('convertDataValue', () => {
  it('keeps the value and the quality of the status, at the source time', () => {
    expect(convertDataValue(dv(double(61.5)), TAG, 0, undefined)).toEqual({
      ok: true,
      sample: { tag: TAG, ts: T, value: 61.5, quality: 'good' },
    });
    expect(convertDataValue(dv(double(7), StatusCodes.BadSensorFailure), TAG, 0, 3)).toEqual({
      ok: true,
      sample: { tag: TAG, ts: T, value: 7, quality: 'bad' },
    });
  });

  it('carries the last known value when a Bad or Uncertain status comes without one', () => {
    const none = new Variant({ dataType: DataType.Null });
    expect(convertDataValue(dv(none, StatusCodes.BadSensorFailure), TAG, 0, 61.5)).toEqual({
      ok: true,
      sample: { tag: TAG, ts: T, value: 61.5, quality: 'bad' },
    });
    expect(convertDataValue(dv(none, StatusCodes.UncertainLastUsableValue), TAG, 0, 2)).toMatchObject({
      ok: true,
      sample: { value: 2, quality: 'uncertain' },
    });
    expect(convertDataValue(dv(double(Number.NaN), StatusCodes.BadOutOfService), TAG, 0, 4)).toMatchObject({
      ok: true,
      sample: { value: 4, quality: 'bad' },
    });
  });

  it('rejects a status without a value when there is nothing to carry, and a Good status without a value', () => {
    const none = new Variant({ dataType: DataType.Null });
    expect(convertDataValue(dv(none, StatusCodes.BadSensorFailure), TAG, 0, undefined)).toEqual({
      ok: false,
      reason: 'status BadSensorFailure with no value, and no earlier value to carry',
    });
    expect(convertDataValue(dv(none), TAG, 0, 5)).toEqual({ ok: false, reason: 'status Good with no value' });
    expect(convertDataValue(dv(double(Number.NaN)), TAG, 0, 5)).toEqual({
      ok: false,
      reason: 'status Good with the value NaN',
    });
  });

  it('rejects an unsupported type whatever its status', () => {
    const text = new Variant({ dataType: DataType.String, value: 'R-1' });
    expect(convertDataValue(dv(text, StatusCodes.BadSensorFailure), TAG, 0, 5)).toEqual({
      ok: false,
      reason: 'a value of type String is not a number or a boolean',
    });
  });
});
