import { describe, expect, it } from 'vitest';
import { tableToMatrix } from './tabular.js';

const table = {
  columns: ['id', 'type', 'torque', 'failure'],
  rows: [
    ['1', 'M', '42.8', '0'],
    ['2', 'L', '', '1'],
    ['3', 'H', '40.1', '0'],
    ['4', 'L', '39.0', '1'],
  ],
};

describe('tableToMatrix', () => {
  it('one-hot encodes categories (all values but the first), keeps numbers, reads an empty cell as missing', () => {
    const { X, y, classes } = tableToMatrix(
      table,
      { target: 'failure', drop: ['id'], categorical: ['type'] },
      'classification',
    );
    expect(X.names).toEqual(['type=L', 'type=M', 'torque']);
    expect([...X.data]).toEqual([0, 1, 42.8, 1, 0, Number.NaN, 0, 0, 40.1, 1, 0, 39]);
    expect([...y]).toEqual([0, 1, 0, 1]);
    expect(classes).toEqual(['0', '1']);
  });

  it('keeps a regression target as numbers and names bad cells by line', () => {
    const full = { ...table, rows: table.rows.filter((r) => r[2] !== '') };
    const weights = tableToMatrix(
      full,
      { target: 'torque', drop: ['id', 'failure'], categorical: ['type'] },
      'regression',
    );
    expect([...weights.y]).toEqual([42.8, 40.1, 39]);
    expect(weights.X.names).toEqual(['type=L', 'type=M']);
    expect(() =>
      tableToMatrix(table, { target: 'torque', drop: ['id'], categorical: ['type'] }, 'regression'),
    ).toThrow(/line 3: the target "" is not a number/);
    expect(() => tableToMatrix(table, { target: 'failure', drop: ['id'] }, 'classification')).toThrow(
      /line 2: "M" in column type is not a number/,
    );
    expect(() => tableToMatrix(table, { target: 'failure', drop: ['nope'] }, 'classification')).toThrow(
      /no column "nope"/,
    );
    const one = {
      columns: ['a', 't'],
      rows: [
        ['1', 'x'],
        ['2', 'x'],
      ],
    };
    expect(() => tableToMatrix(one, { target: 't' }, 'classification')).toThrow(/only one value/);
  });
});
