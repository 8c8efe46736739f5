/** The benchmark loaders read the first lines of the real C-MAPSS and AI4I 2020 files (test/fixtures/ml). */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AI4I_FEATURES, parseAi4i } from '../../bench/data/ai4i.js';
import { CMAPSS_COLUMNS, loadCmapss, parseCmapss, parseRul, trainingRul } from '../../bench/data/cmapss.js';
import { at } from '../../src/analytics/ml/matrix.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/ml/${name}`, import.meta.url), 'utf8');

describe('C-MAPSS loader', () => {
  it('reads the 26 columns of train_FD001.txt, trailing spaces and all', async () => {
    const train = parseCmapss(await fixture('cmapss_train_head.txt'));
    expect(train.rows).toBe(7);
    expect(train.names).toEqual(CMAPSS_COLUMNS);
    expect(CMAPSS_COLUMNS.slice(0, 6)).toEqual(['unit', 'cycle', 'setting1', 'setting2', 'setting3', 's1']);
    // first line: 1 1 -0.0007 -0.0004 100.0 518.67 641.82 … 23.4190
    expect([at(train, 0, 0), at(train, 0, 1), at(train, 0, 2), at(train, 0, 4), at(train, 0, 5)]).toEqual([
      1, 1, -0.0007, 100, 518.67,
    ]);
    expect(at(train, 0, 25)).toBe(23.419);
    expect(at(train, 6, 0)).toBe(2);
  });

  it('reads RUL_FD001.txt and refuses a malformed line', async () => {
    expect([...parseRul(await fixture('cmapss_rul_head.txt'))]).toEqual([112, 98]);
    expect(() => parseCmapss('1 2 3\n', 'x.txt')).toThrow(/x.txt line 1: 3 fields, expected 26/);
  });

  it('labels training rows with the capped remaining useful life', async () => {
    const train = parseCmapss(await fixture('cmapss_train_head.txt'));
    // unit 1 has cycles 1-4 here (last 4), unit 2 cycles 1-3
    expect([...trainingRul(train)]).toEqual([3, 2, 1, 0, 2, 1, 0]);
    expect([...trainingRul(train, 2)]).toEqual([2, 2, 1, 0, 2, 1, 0]);
  });

  it('skips a missing subset with the reason', async () => {
    const result = await loadCmapss('/nonexistent-gemba-data', 'FD002');
    expect(result).toEqual({ skipped: expect.stringContaining('train_FD002.txt: ENOENT') });
  });
});

describe('AI4I 2020 loader', () => {
  it('one-hot encodes Type, keeps the 5 measurements, and drops the ids and the leaking failure modes', async () => {
    const { X, y } = parseAi4i(await fixture('ai4i2020_head.csv'));
    expect(X.names).toEqual(AI4I_FEATURES);
    expect(X.names.some((n) => /TWF|HDF|PWF|OSF|RNF|UDI|Product/.test(n))).toBe(false);
    expect(X.rows).toBe(6);
    // row 1: M14860, M, 298.1, 308.6, 1551, 42.8, 0 → failure 0
    expect(Array.from(X.data.subarray(0, 7))).toEqual([1, 0, 298.1, 308.6, 1551, 42.8, 0]);
    // last row is type H
    expect(Array.from(X.data.subarray(5 * 7, 5 * 7 + 2))).toEqual([0, 1]);
    expect([...y]).toEqual([0, 0, 0, 1, 1, 0]);
  });

  it('refuses an unknown Type', () => {
    const header =
      'UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF';
    expect(() => parseAi4i(`${header}\n1,X1,Q,298,308,1500,40,0,0,0,0,0,0,0\n`)).toThrow(/Type "Q"/);
  });
});
