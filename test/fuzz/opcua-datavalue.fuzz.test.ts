/**
 * Seeded fuzzing of the OPC UA DataValue → sample conversion: every built-in type (scalars and arrays), NaN,
 * ±Infinity, 64-bit words, every status code, missing / 1601 / invalid timestamps, with and without a last value.
 * Nothing throws, and every sample the converter emits passes the ingest pipeline's own validation, so nothing it
 * lets through is dead-lettered later with a less precise reason.
 */
import {
  DataType,
  DataValue,
  type StatusCode,
  StatusCodes,
  Variant,
  VariantArrayType,
} from 'node-opcua-client';
import { describe, expect, it } from 'vitest';
import { convertDataValue, qualityOf } from '../../src/adapters/ingest/opcua/opcua.values.js';
import { Prng } from '../../src/adapters/simulator/prng.js';
import { type NormalisedSample, normaliseSample } from '../../src/app/ingest/sample-validation.js';
import { TagDirectory } from '../../src/app/tag-directory.js';
import { Tag } from '../../src/domain/index.js';

const TAG = 'acme/plant1/stamping/line1/press3/oil_temp';
const CASES = 20_000;

const STATUS_CODES: StatusCode[] = Object.values(StatusCodes).filter(
  (s): s is StatusCode => typeof s === 'object' && s !== null && 'value' in s,
);

function pick<T>(rng: Prng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

function randomNumber(rng: Prng): number {
  return pick(rng, [
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.NEGATIVE_INFINITY,
    () => -0,
    () => Number.MAX_VALUE,
    () => rng.uniform(-1e6, 1e6),
    () => rng.int(1000),
  ])();
}

/** A value node-opcua accepts for the type (as its decoder would produce), or undefined to skip the type. */
function randomScalar(rng: Prng, type: DataType): unknown {
  switch (type) {
    case DataType.Boolean:
      return rng.next() < 0.5;
    case DataType.SByte:
      return rng.int(256) - 128;
    case DataType.Byte:
      return rng.int(256);
    case DataType.Int16:
      return rng.int(65536) - 32768;
    case DataType.UInt16:
      return rng.int(65536);
    case DataType.Int32:
      return rng.int(2 ** 31) * (rng.next() < 0.5 ? -1 : 1);
    case DataType.UInt32:
      return rng.int(2 ** 32);
    case DataType.Int64:
    case DataType.UInt64:
      return [rng.int(2 ** 32), rng.int(2 ** 32)];
    case DataType.Float:
    case DataType.Double:
      return randomNumber(rng);
    case DataType.String:
      return pick(rng, ['', 'R-1', '42', 'NaN', '\u0000', 'x'.repeat(5000)]);
    case DataType.DateTime:
      return new Date(rng.int(2 ** 40));
    case DataType.ByteString:
      return Buffer.from([1, 2, 3]);
    default:
      return undefined;
  }
}

function randomVariant(rng: Prng): Variant {
  const type = pick(rng, [
    DataType.Null,
    DataType.Boolean,
    DataType.SByte,
    DataType.Byte,
    DataType.Int16,
    DataType.UInt16,
    DataType.Int32,
    DataType.UInt32,
    DataType.Int64,
    DataType.UInt64,
    DataType.Float,
    DataType.Double,
    DataType.String,
    DataType.DateTime,
    DataType.ByteString,
  ]);
  if (type === DataType.Null) return new Variant({ dataType: DataType.Null });
  if (rng.next() < 0.1 && type !== DataType.Int64 && type !== DataType.UInt64) {
    const value = Array.from({ length: rng.int(4) }, () => randomScalar(rng, type));
    return new Variant({ dataType: type, arrayType: VariantArrayType.Array, value });
  }
  return new Variant({ dataType: type, arrayType: VariantArrayType.Scalar, value: randomScalar(rng, type) });
}

function randomDate(rng: Prng): Date | null {
  return pick(rng, [
    () => null,
    () => new Date(Date.UTC(1601, 0, 1)),
    () => new Date(Number.NaN),
    () => new Date(Date.parse('2026-03-01T00:00:00Z') + rng.int(86_400_000)),
  ])();
}

describe('OPC UA DataValue conversion, fuzzed', () => {
  it(`converts ${CASES.toLocaleString()} random DataValues without throwing, and only into valid samples`, () => {
    const rng = new Prng(20260301);
    const tags = new TagDirectory();
    tags.add(Tag.parse({ id: 1, path: TAG, asset: TAG.slice(0, TAG.lastIndexOf('/')), name: 'oil_temp' }));
    const out: NormalisedSample = { tagId: 0, ts: 0, value: 0, quality: 0 };
    const arrival = Date.parse('2026-03-02T00:00:00Z');
    let stored = 0;
    let rejected = 0;
    for (let i = 0; i < CASES; i++) {
      const statusCode = pick(rng, STATUS_CODES);
      const dataValue = new DataValue({
        value: randomVariant(rng),
        statusCode,
        sourceTimestamp: randomDate(rng),
        serverTimestamp: randomDate(rng),
      });
      const last = rng.next() < 0.5 ? undefined : rng.uniform(-100, 100);
      const result = convertDataValue(dataValue, TAG, arrival, last);
      if (result.ok) {
        stored++;
        const reason = normaliseSample(result.sample, tags, out);
        if (reason !== undefined) {
          expect.fail(`case ${i} (${DataType[dataValue.value.dataType]}, ${statusCode.name}): ${reason}`);
        }
        expect(result.sample.quality).toBe(qualityOf(statusCode));
        expect(result.sample.ts).toBeGreaterThan(0);
      } else {
        rejected++;
        expect(result.reason.length, `case ${i}`).toBeGreaterThan(5);
      }
    }
    // Both outcomes were exercised in earnest.
    expect(stored).toBeGreaterThan(CASES / 5);
    expect(rejected).toBeGreaterThan(CASES / 5);
  });
});
