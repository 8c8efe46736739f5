import { describe, expect, it } from 'vitest';
import { SampleInput, type Tag } from '../../domain/index.js';
import { TagDirectory } from '../tag-directory.js';
import { type NormalisedSample, normaliseSample } from './sample-validation.js';

const press = 'acme/plant1/stamping/line1/press3';
const tags = new TagDirectory();
tags.add({
  id: 7,
  path: `${press}/oil_temp`,
  asset: press,
  name: 'oil_temp',
  dataType: 'float',
} satisfies Tag);

const cases: Array<[string, unknown]> = [
  ['plain', { tag: `${press}/oil_temp`, ts: 1_700_000_000_000, value: 41.5 }],
  ['iso Z', { tag: `${press}/oil_temp`, ts: '2026-03-01T12:00:00Z', value: 1 }],
  [
    'iso offset',
    { tag: `${press}/oil_temp`, ts: '2026-03-01T12:00:00.250+01:00', value: 1, quality: 'uncertain' },
  ],
  ['boolean', { tag: `${press}/oil_temp`, ts: 0, value: true, quality: 'bad' }],
  ['iso without offset', { tag: `${press}/oil_temp`, ts: '2026-03-01T12:00:00', value: 1 }],
  ['fractional ts', { tag: `${press}/oil_temp`, ts: 1.5, value: 1 }],
  ['negative ts', { tag: `${press}/oil_temp`, ts: -1, value: 1 }],
  ['string value', { tag: `${press}/oil_temp`, ts: 0, value: '12.5' }],
  ['NaN-like', { tag: `${press}/oil_temp`, ts: 0, value: null }],
  ['bad quality', { tag: `${press}/oil_temp`, ts: 0, value: 1, quality: 'great' }],
  ['prototype quality', { tag: `${press}/oil_temp`, ts: 0, value: 1, quality: 'constructor' }],
  ['missing value', { tag: `${press}/oil_temp`, ts: 0 }],
  ['array', [1, 2]],
  ['null', null],
  ['number', 42],
];

describe('normaliseSample', () => {
  it.each(cases)('agrees with the SampleInput schema: %s', (_name, item) => {
    const out: NormalisedSample = { tagId: -1, ts: 0, value: 0, quality: 0 };
    const reason = normaliseSample(item, tags, out);
    expect(reason === undefined).toBe(SampleInput.safeParse(item).success);
  });

  it('normalises ISO-8601 with offset to UTC epoch ms, booleans to 0/1 and quality to its code', () => {
    const out: NormalisedSample = { tagId: -1, ts: 0, value: 0, quality: 0 };
    expect(normaliseSample(cases[2]?.[1], tags, out)).toBeUndefined();
    expect(out).toEqual({ tagId: 7, ts: Date.parse('2026-03-01T11:00:00.250Z'), value: 1, quality: 1 });
    expect(normaliseSample(cases[3]?.[1], tags, out)).toBeUndefined();
    expect(out).toEqual({ tagId: 7, ts: 0, value: 1, quality: 2 });
  });

  it('rejects an unknown tag with its name in the reason', () => {
    const out: NormalisedSample = { tagId: -1, ts: 0, value: 0, quality: 0 };
    expect(normaliseSample({ tag: `${press}/nope`, ts: 0, value: 1 }, tags, out)).toBe(
      `tag: unknown tag "${press}/nope"`,
    );
  });
});
