import { describe, expect, it } from 'vitest';
import { readTable } from './spc.js';
import { demandRows } from './demand.js';

describe('demand rows from a table', () => {
  it('reads item, period and quantity columns by their usual names', () => {
    const table = readTable('sku;week;qty\nA;2026-01-05;12\nB;1767571200000;0\n');
    expect(demandRows(table, {})).toEqual([
      { item: 'A', ts: Date.parse('2026-01-05T00:00:00Z'), quantity: 12 },
      { item: 'B', ts: 1767571200000, quantity: 0 },
    ]);
  });

  it('takes a file of one item with --item and named columns', () => {
    const table = readTable('start,units sold\n2026-01-05,3\n');
    expect(demandRows(table, { item: 'X', tsColumn: 'start', quantityColumn: 'units sold' })).toEqual([
      { item: 'X', ts: Date.parse('2026-01-05T00:00:00Z'), quantity: 3 },
    ]);
  });

  it('names the line of a bad cell and the columns it could not find', () => {
    expect(() => demandRows(readTable('item,week,demand\nA,soon,1\n'), {})).toThrow(
      /line 2: "soon" is not a date/,
    );
    expect(() => demandRows(readTable('item,week,demand\nA,2026-01-05,-1\n'), {})).toThrow(
      /line 2: "-1" is not a quantity/,
    );
    expect(() => demandRows(readTable('item,when,demand\nA,2026-01-05,1\n'), {})).toThrow(/no period column/);
  });
});
