/**
 * The table every learner takes: n rows (samples) × p columns (features), row-major in one Float64Array, with the
 * feature names. NaN marks a missing value (learners document how they treat it).
 */
import { UserError } from '../../domain/errors.js';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: the value of row i, column j is data[i * cols + j]. */
  readonly data: Float64Array;
  /** One name per column. */
  readonly names: readonly string[];
}

/**
 * A matrix from rows of numbers; all rows must have `names.length` values.
 * @example matrixFromRows([[1, 2], [3, 4]], ['a', 'b']).data // Float64Array [1, 2, 3, 4]
 */
export function matrixFromRows(rows: readonly (readonly number[])[], names: readonly string[]): Matrix {
  const cols = names.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new UserError(
        'invalid_input',
        `row ${i} has ${row.length} values; the matrix has ${cols} columns`,
      );
    }
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data, names };
}

/** The value at row i, column j. */
export function at(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j] ?? Number.NaN;
}

/** One column as its own array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j] ?? Number.NaN;
  return out;
}

/** The given rows, in the given order (for cross-validation folds and splits). */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] ?? 0;
    data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data, names: m.names };
}
