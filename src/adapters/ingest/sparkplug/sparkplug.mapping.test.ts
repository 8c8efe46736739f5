/** Known answers for the Sparkplug mapping rules (names, datatypes, values, quality) and topic parsing. */
import sparkplugPayload from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { SEGMENT_PATTERN } from '../../../domain/index.js';
import { decodeSparkplugPayload, encodeRebirthRequest } from './sparkplug.codec.js';
import { numericValue, qualityOf, tagDataType, toPathSegment } from './sparkplug.mapping.js';
import { parseSparkplugTopic } from './sparkplug.topic.js';

describe('toPathSegment', () => {
  it.each([
    ['Oil_Temp', 'Oil_Temp'],
    ['Oil Temp', 'Oil_Temp'],
    ['Motor/Speed', 'Motor.Speed'],
    ['Node Control/Rebirth', 'Node_Control.Rebirth'],
    ['Température', 'Temperature'],
    ['Ölstand (%)', 'Olstand____'],
    ['_hidden', 'hidden'],
    ['/Folder/Value', 'Folder.Value'],
  ])('%s → %s', (raw, segment) => {
    expect(toPathSegment(raw)).toBe(segment);
    expect(SEGMENT_PATTERN.test(segment)).toBe(true);
  });

  it('keeps long and empty names apart with a hash of the full name', () => {
    const a = toPathSegment('x'.repeat(80) + 'a');
    const b = toPathSegment('x'.repeat(80) + 'b');
    expect(a).toMatch(/^x{55}-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(toPathSegment('温度')).toMatch(/^m-[0-9a-f]{8}$/);
    expect(toPathSegment('温度')).not.toBe(toPathSegment('压力'));
  });
});

describe('datatypes and values', () => {
  it('maps Sparkplug datatypes to tag data types; non-numeric ones are not samples', () => {
    expect([1, 4, 5, 8, 9, 10, 11, 12, 13, 16, 19, 0, undefined].map(tagDataType)).toEqual([
      'integer',
      'integer',
      'integer',
      'integer',
      'float',
      'float',
      'boolean',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads Int8 / Int16 in both two-complement forms and checks widths', () => {
    expect(numericValue(1, { kind: 'int', value: 253 })).toEqual({ ok: true, value: -3 });
    expect(numericValue(1, { kind: 'int', value: 4_294_967_293 })).toEqual({ ok: true, value: -3 });
    expect(numericValue(1, { kind: 'int', value: 127 })).toEqual({ ok: true, value: 127 });
    expect(numericValue(1, { kind: 'int', value: 300 })).toEqual({
      ok: false,
      reason: '300 does not fit Int8',
    });
    expect(numericValue(2, { kind: 'int', value: 65_535 })).toEqual({ ok: true, value: -1 });
    expect(numericValue(6, { kind: 'int', value: 70_000 })).toEqual({
      ok: false,
      reason: '70000 does not fit UInt16',
    });
  });

  it('reads 64-bit integers exactly up to 2^53 and refuses beyond', () => {
    expect(numericValue(4, { kind: 'long', signed: -5, unsigned: 18_446_744_073_709_552_000 })).toEqual({
      ok: true,
      value: -5,
    });
    expect(numericValue(8, { kind: 'long', signed: -1, unsigned: 2 ** 64 - 1 }).ok).toBe(false);
  });

  it('refuses non-finite floats and values in the wrong field', () => {
    expect(numericValue(10, { kind: 'double', value: Number.NaN })).toEqual({
      ok: false,
      reason: 'value NaN is not a finite number',
    });
    expect(numericValue(9, { kind: 'double', value: 1.5 })).toEqual({ ok: true, value: 1.5 });
    expect(numericValue(11, { kind: 'float', value: 1 })).toEqual({
      ok: false,
      reason: 'carries a float value, not a boolean',
    });
    expect(numericValue(12, { kind: 'string', value: 'x' })).toEqual({
      ok: false,
      reason: 'String values are not samples',
    });
  });

  it('reads the Quality property as OPC DA code ranges or words', () => {
    expect([undefined, 192, 216, 64, 0, 500, 1000, 'Good', 'STALE', 'bad', 'weird'].map(qualityOf)).toEqual([
      'good',
      'good',
      'good',
      'uncertain',
      'bad',
      'bad',
      'uncertain',
      'good',
      'bad',
      'bad',
      'uncertain',
    ]);
  });
});

describe('topics', () => {
  it('parses node, device and STATE topics, and says what is wrong with others', () => {
    expect(parseSparkplugTopic('spBv1.0/line1/DDATA/plc7/press3')).toEqual({
      kind: 'device',
      type: 'DDATA',
      group: 'line1',
      node: 'plc7',
      device: 'press3',
    });
    expect(parseSparkplugTopic('spBv1.0/line1/NBIRTH/plc7')).toEqual({
      kind: 'node',
      type: 'NBIRTH',
      group: 'line1',
      node: 'plc7',
    });
    expect(parseSparkplugTopic('spBv1.0/STATE/scada')).toEqual({ kind: 'state', hostId: 'scada' });
    expect(parseSparkplugTopic('spBv1.0/line1/DDATA/plc7')).toEqual({
      kind: 'invalid',
      reason: 'DDATA is a device message: its topic ends with a device id',
    });
    expect(parseSparkplugTopic('spBv1.0/line1/NDATA/plc7/x')).toMatchObject({ kind: 'invalid' });
    expect(parseSparkplugTopic('spAv1.0/line1/NDATA/plc7')).toMatchObject({ kind: 'invalid' });
    expect(parseSparkplugTopic('spBv1.0/line1/NDATA')).toMatchObject({ kind: 'invalid' });
    expect(parseSparkplugTopic('spBv1.0/line1/PING/plc7')).toEqual({
      kind: 'invalid',
      reason: 'unknown Sparkplug message type "PING"',
    });
  });
});

describe('codec', () => {
  it('decodes what sparkplug-payload encodes, with presence kept (no alias ≠ alias 0)', () => {
    const spB = sparkplugPayload.get('spBv1.0');
    const bytes = spB?.encodePayload({
      timestamp: 1_700_000_000_000,
      seq: 7,
      metrics: [
        {
          name: 'a',
          alias: 0,
          type: 'Int8',
          value: -3,
          properties: { Quality: { type: 'Int32', value: 192 } },
        },
        { name: 'b', type: 'Double', value: null },
        { name: 'c', type: 'String', value: 'x', properties: { engUnit: { type: 'String', value: 'bar' } } },
      ],
    });
    const decoded = decodeSparkplugPayload(bytes ?? new Uint8Array());
    expect(decoded).toEqual({
      ok: true,
      payload: {
        timestamp: 1_700_000_000_000,
        seq: 7,
        metrics: [
          {
            name: 'a',
            alias: 0,
            timestamp: undefined,
            datatype: 1,
            isNull: false,
            value: { kind: 'int', value: 4_294_967_293 },
            quality: 192,
            engUnit: undefined,
          },
          {
            name: 'b',
            alias: undefined,
            timestamp: undefined,
            datatype: 10,
            isNull: true,
            value: { kind: 'none' },
            quality: undefined,
            engUnit: undefined,
          },
          {
            name: 'c',
            alias: undefined,
            timestamp: undefined,
            datatype: 12,
            isNull: false,
            value: { kind: 'string', value: 'x' },
            quality: undefined,
            engUnit: 'bar',
          },
        ],
      },
    });
  });

  it('encodes the rebirth request Sparkplug 3.0 §5.11 asks for', () => {
    const spB = sparkplugPayload.get('spBv1.0');
    const request = spB?.decodePayload(encodeRebirthRequest(1_700_000_000_000));
    expect(request?.metrics).toEqual([{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
    expect(Number(request?.timestamp)).toBe(1_700_000_000_000);
  });

  it('says why bytes are not a payload', () => {
    expect(decodeSparkplugPayload(Uint8Array.from([0x0a, 0xff]))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a Sparkplug B protobuf payload: /) as unknown,
    });
  });
});
