/**
 * Loader of NASA's C-MAPSS turbofan data (Saxena, Goebel, Simon, Eklund, "Damage propagation modeling for aircraft
 * engine run-to-failure simulation", PHM 2008): train_FD00x.txt, test_FD00x.txt (space-separated, no header,
 * 26 columns: unit, cycle, 3 operating settings, 21 sensors) and RUL_FD00x.txt (the true RUL of each test engine
 * at its last cycle, in unit order).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Matrix } from '../../src/analytics/ml/matrix.js';
import { UserError } from '../../src/domain/errors.js';

export const CMAPSS_SETTINGS = ['setting1', 'setting2', 'setting3'] as const;
export const CMAPSS_SENSORS = Array.from({ length: 21 }, (_, i) => `s${i + 1}`);
export const CMAPSS_COLUMNS = ['unit', 'cycle', ...CMAPSS_SETTINGS, ...CMAPSS_SENSORS];

/** Parses one train_/test_ file into a 26-column matrix; a malformed line is refused with its number. */
export function parseCmapss(text: string, source = 'C-MAPSS file'): Matrix {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const cols = CMAPSS_COLUMNS.length;
  const data = new Float64Array(lines.length * cols);
  lines.forEach((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== cols) {
      throw new UserError(
        'invalid_input',
        `${source} line ${i + 1}: ${fields.length} fields, expected ${cols}`,
      );
    }
    fields.forEach((f, j) => {
      const v = Number(f);
      if (!Number.isFinite(v))
        throw new UserError('invalid_input', `${source} line ${i + 1}: "${f}" is not a number`);
      data[i * cols + j] = v;
    });
  });
  return { rows: lines.length, cols, data, names: CMAPSS_COLUMNS };
}

/** Parses RUL_FD00x.txt: one non-negative number per line. */
export function parseRul(text: string, source = 'RUL file'): Float64Array {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return Float64Array.from(lines, (line, i) => {
    const v = Number(line.trim());
    if (!Number.isFinite(v) || v < 0)
      throw new UserError('invalid_input', `${source} line ${i + 1}: "${line}"`);
    return v;
  });
}

export interface CmapssSubset {
  readonly subset: string;
  readonly train: Matrix;
  readonly test: Matrix;
  /** True RUL at the last cycle of each test engine, in ascending unit order. */
  readonly rul: Float64Array;
}

/**
 * Reads subset FD00x from `dir`; a missing file gives `{ skipped: reason }` instead of an error, so a benchmark can
 * say why it did not run.
 */
export async function loadCmapss(dir: string, subset: string): Promise<CmapssSubset | { skipped: string }> {
  if (!/^FD00[1-4]$/.test(subset)) throw new UserError('invalid_input', `unknown C-MAPSS subset "${subset}"`);
  const texts: string[] = [];
  for (const name of [`train_${subset}.txt`, `test_${subset}.txt`, `RUL_${subset}.txt`]) {
    const path = join(dir, name);
    try {
      texts.push(await readFile(path, 'utf8'));
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      return { skipped: `${path}: ${code}` };
    }
  }
  const [train = '', test = '', rul = ''] = texts;
  const loaded = {
    subset,
    train: parseCmapss(train, `train_${subset}.txt`),
    test: parseCmapss(test, `test_${subset}.txt`),
    rul: parseRul(rul, `RUL_${subset}.txt`),
  };
  const testUnits = new Set(
    Array.from({ length: loaded.test.rows }, (_, i) => loaded.test.data[i * loaded.test.cols]),
  );
  if (testUnits.size !== loaded.rul.length) {
    throw new UserError(
      'invalid_input',
      `${subset}: ${testUnits.size} test engines but ${loaded.rul.length} RUL values`,
    );
  }
  return loaded;
}

/**
 * The remaining useful life of every row of run-to-failure training data: last cycle of its unit − its cycle,
 * capped at `cap` (the piecewise-linear target: constant while the engine is healthy, then falling by one per cycle;
 * Heimes 2008 used 130, Li, Ding & Sun 2018 used 125).
 */
export function trainingRul(train: Matrix, cap = Number.POSITIVE_INFINITY): Float64Array {
  const last = new Map<number, number>();
  for (let i = 0; i < train.rows; i++) {
    const unit = train.data[i * train.cols] ?? 0;
    const cycle = train.data[i * train.cols + 1] ?? 0;
    last.set(unit, Math.max(last.get(unit) ?? cycle, cycle));
  }
  return Float64Array.from({ length: train.rows }, (_, i) => {
    const unit = train.data[i * train.cols] ?? 0;
    return Math.min(cap, (last.get(unit) ?? 0) - (train.data[i * train.cols + 1] ?? 0));
  });
}
