/**
 * `gemba fmea import --file fmea.csv` — FMEA rows from a CSV file (RFC 4180: a quoted cell may hold commas and line
 * breaks) with the header
 *   id,asset,equipmentType,component,mode,effect,cause,detection,severity,occurrence,detectability,recommendedAction
 * (column order free; asset or equipmentType per row; empty cells are absent fields). Every row is checked here
 * and reported by its line; the server checks the assets and stores all rows or none (fmea.import).
 */
import { readFileSync } from 'node:fs';
import { CsvRecordSplitter } from '../../adapters/ingest/csv/csv.records.js';
import { FailureModeInput, UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';

export const FMEA_COLUMNS = [
  'id',
  'asset',
  'equipmentType',
  'component',
  'mode',
  'effect',
  'cause',
  'detection',
  'severity',
  'occurrence',
  'detectability',
  'recommendedAction',
] as const;
const REQUIRED: readonly string[] = [
  'id',
  'mode',
  'effect',
  'cause',
  'severity',
  'occurrence',
  'detectability',
];
const RATINGS: readonly string[] = ['severity', 'occurrence', 'detectability'];

/** The rows of an FMEA CSV text, validated; a UserError names the line and field of every bad cell (up to 20). */
export function fmeaRows(text: string): FailureModeInput[] {
  const splitter = new CsvRecordSplitter();
  splitter.feed(text.replace(/^\uFEFF/, ''));
  splitter.end();
  const records: Array<{ line: number; fields: string[] }> = [];
  const problems: string[] = [];
  for (let r = splitter.next(); r !== 'more'; r = splitter.next()) {
    if (r === 'bad') problems.push(`line ${splitter.line}: ${splitter.badReason}`);
    else records.push({ line: splitter.line, fields: splitter.fields.map((f) => f.trim()) });
  }
  const header = records.shift();
  if (!header) throw new UserError('invalid_input', 'the FMEA file is empty');
  // Header names are matched without regard to case, spaces or underscores ("Equipment type" → equipmentType).
  const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const at = new Map<string, number>();
  for (const name of FMEA_COLUMNS) {
    const i = header.fields.findIndex((c) => squash(c) === squash(name));
    if (i >= 0) at.set(name, i);
  }
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length > 0) {
    throw new UserError(
      'invalid_input',
      `the FMEA file has no ${missing.join(', ')} column; expected the header ${FMEA_COLUMNS.join(',')}`,
    );
  }
  const rows: FailureModeInput[] = [];
  for (const { line, fields } of records) {
    const row: Record<string, string | number> = {};
    for (const [name, i] of at) {
      const cell = fields[i] ?? '';
      if (cell === '') continue;
      row[name] = RATINGS.includes(name) && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
    }
    const parsed = FailureModeInput.safeParse(row);
    if (parsed.success) rows.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        problems.push(`line ${line}: ${issue.path.join('.') || '(row)'}: ${issue.message}`);
  }
  if (problems.length > 0) {
    throw new UserError(
      'invalid_input',
      `${problems.length} problem(s), nothing imported:\n  ${problems.slice(0, 20).join('\n  ')}`,
    );
  }
  if (rows.length === 0) throw new UserError('invalid_input', 'the FMEA file has a header but no rows');
  return rows;
}

export async function fmeaImportCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const file = stringFlag(args, 'file');
  if (file === undefined) throw new UserError('invalid_input', 'usage: gemba fmea import --file fmea.csv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('not_found', `cannot read ${file}`);
  }
  const result = (await client.call('fmea.import', { rows: fmeaRows(text) })) as {
    stored: number;
    failureModes: Array<{ id: string; rpn: number; mode: string }>;
    warnings: string[];
  };
  const top = result.failureModes
    .slice(0, 5)
    .map((r) => `  RPN ${String(r.rpn).padStart(3)}  ${r.id}  ${r.mode}`);
  return [
    `${result.stored} FMEA row(s) stored; highest risk priority numbers:`,
    ...top,
    ...result.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}
