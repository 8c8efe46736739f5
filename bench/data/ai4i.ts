/**
 * Loader of the AI4I 2020 predictive-maintenance data (S. Matzka, "Explainable Artificial Intelligence for Predictive
 * Maintenance Applications", AI4I 2020, doi:10.1109/AI4I49448.2020.00023; UCI id 601). The failure-mode flags
 * TWF/HDF/PWF/OSF/RNF are dropped: `Machine failure` is their OR, so they would leak the label.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Matrix } from '../../src/analytics/ml/matrix.js';
import { UserError } from '../../src/domain/errors.js';

/** Columns never used as features: the row id, the product serial, and the five failure-mode flags (leakage). */
export const AI4I_DROPPED = ['UDI', 'Product ID', 'TWF', 'HDF', 'PWF', 'OSF', 'RNF'] as const;
const NUMERIC = [
  ['Air temperature [K]', 'air_temp_K'],
  ['Process temperature [K]', 'process_temp_K'],
  ['Rotational speed [rpm]', 'speed_rpm'],
  ['Torque [Nm]', 'torque_Nm'],
  ['Tool wear [min]', 'tool_wear_min'],
] as const;
/** `Type` (product quality L/M/H) as two indicators, L being the baseline. */
export const AI4I_FEATURES = ['type_M', 'type_H', ...NUMERIC.map(([, name]) => name)];

export interface Ai4i {
  /** 10,000 × 7 features (AI4I_FEATURES). */
  readonly X: Matrix;
  /** `Machine failure`, 0 or 1. */
  readonly y: Float64Array;
}

/** Parses ai4i2020.csv (plain comma-separated, a header, no quoted fields). */
export function parseAi4i(text: string): Ai4i {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const col = (name: string): number => {
    const j = header.indexOf(name);
    if (j < 0) throw new UserError('invalid_input', `ai4i2020.csv has no column "${name}"`);
    return j;
  };
  const typeCol = col('Type');
  const targetCol = col('Machine failure');
  const numericCols = NUMERIC.map(([name]) => col(name));
  const n = lines.length - 1;
  const p = AI4I_FEATURES.length;
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fields = (lines[i + 1] ?? '').split(',');
    if (fields.length !== header.length) {
      throw new UserError(
        'invalid_input',
        `ai4i2020.csv line ${i + 2}: ${fields.length} fields, expected ${header.length}`,
      );
    }
    const type = fields[typeCol];
    if (type !== 'L' && type !== 'M' && type !== 'H') {
      throw new UserError('invalid_input', `ai4i2020.csv line ${i + 2}: Type "${type}" is not L, M or H`);
    }
    data[i * p] = type === 'M' ? 1 : 0;
    data[i * p + 1] = type === 'H' ? 1 : 0;
    numericCols.forEach((j, q) => {
      const v = Number(fields[j]);
      if (!Number.isFinite(v))
        throw new UserError('invalid_input', `ai4i2020.csv line ${i + 2}: "${fields[j]}"`);
      data[i * p + 2 + q] = v;
    });
    const target = fields[targetCol];
    if (target !== '0' && target !== '1') {
      throw new UserError('invalid_input', `ai4i2020.csv line ${i + 2}: Machine failure "${target}"`);
    }
    y[i] = Number(target);
  }
  return { X: { rows: n, cols: p, data, names: AI4I_FEATURES }, y };
}

/** Reads `dir`/ai4i2020/ai4i2020.csv, or says why it cannot. */
export async function loadAi4i(dataDir: string): Promise<Ai4i | { skipped: string }> {
  const path = join(dataDir, 'ai4i2020', 'ai4i2020.csv');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      skipped: `${path}: ${error instanceof Error && 'code' in error ? String(error.code) : 'unreadable'}`,
    };
  }
  return parseAi4i(text);
}
