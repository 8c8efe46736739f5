/** Test helper: reads the qcc data files in test/fixtures/spc (whitespace-separated, header row) into records. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A cell of a qcc .txt file: a number where the text parses as one, `TRUE`/`FALSE` as booleans, else the text. */
export type SpcCell = number | boolean | string;
export type SpcRecord = Readonly<Record<string, SpcCell>>;

/** Absolute path of a file in test/fixtures/spc, e.g. `spcFixturePath('pistonrings.txt')`. */
export function spcFixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/spc/${name}`, import.meta.url));
}

/** Parses the text of a qcc data file (R `read.table(header = TRUE)` layout) into one record per row. */
export function parseSpcTable(text: string): SpcRecord[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const [headerLine, ...rows] = lines;
  if (headerLine === undefined) throw new Error('empty SPC fixture');
  const header = headerLine.split(/\s+/);
  return rows.map((line, row) => {
    const cells = line.split(/\s+/);
    if (cells.length !== header.length) {
      throw new Error(`row ${row + 2}: ${cells.length} cells, header has ${header.length}`);
    }
    const record: Record<string, SpcCell> = {};
    header.forEach((name, i) => {
      record[name] = parseCell(cells[i] ?? '');
    });
    return record;
  });
}

function parseCell(cell: string): SpcCell {
  if (cell === 'TRUE') return true;
  if (cell === 'FALSE') return false;
  const value = Number(cell);
  return cell !== '' && Number.isFinite(value) ? value : cell;
}

/** Reads `test/fixtures/spc/<name>` into records, e.g. `readSpcFixture('pistonrings.txt')`. */
export function readSpcFixture(name: string): SpcRecord[] {
  return parseSpcTable(readFileSync(spcFixturePath(name), 'utf8'));
}

/** The numeric column `column` of a fixture's records; throws if a cell is not a number. */
export function numericColumn(records: readonly SpcRecord[], column: string): number[] {
  return records.map((record, row) => {
    const value = record[column];
    if (typeof value !== 'number') throw new Error(`row ${row + 2}: ${column} is not a number`);
    return value;
  });
}

/**
 * Groups the numeric `value` column by the `by` column (kept in first-seen order), e.g. the pistonrings
 * diameters by sample: `groupBy(readSpcFixture('pistonrings.txt'), 'diameter', 'sample')` → 40 subgroups of 5.
 */
export function groupBy(records: readonly SpcRecord[], value: string, by: string): number[][] {
  const groups = new Map<SpcCell, number[]>();
  const values = numericColumn(records, value);
  records.forEach((record, row) => {
    const key = record[by];
    if (key === undefined) throw new Error(`row ${row + 2}: no column ${by}`);
    const group = groups.get(key) ?? [];
    group.push(values[row] ?? Number.NaN);
    groups.set(key, group);
  });
  return [...groups.values()];
}
