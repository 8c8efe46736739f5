/**
 * `gemba demand import --file demand.csv [--item ID] [--ts-column week] [--quantity-column demand]
 *   [--item-column item]` — demand history from a table: one column with the period start (ISO date or epoch ms),
 * one with the quantity, and either an item column or `--item` for a file of one item. The items must exist
 * (items.put). Sent in batches; a period already stored is replaced.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';
import { readTable } from './spc.js';

const BATCH = 10_000;

export interface DemandRow {
  readonly item: string;
  readonly ts: number;
  readonly quantity: number;
}

/** The demand rows of a table, with the line of the first bad cell in the error. */
export function demandRows(
  table: { columns: string[]; rows: string[][] },
  options: { item?: string; tsColumn?: string; quantityColumn?: string; itemColumn?: string },
): DemandRow[] {
  const find = (wanted: string | undefined, guesses: readonly string[], role: string): number => {
    const names = wanted !== undefined ? [wanted] : guesses;
    const i = table.columns.findIndex((c) => names.includes(c.toLowerCase()) || c === wanted);
    if (i < 0) {
      throw new UserError(
        'invalid_input',
        `no ${role} column (${wanted ?? guesses.join(', ')}); the file has: ${table.columns.join(', ')}`,
      );
    }
    return i;
  };
  const tsAt = find(options.tsColumn, ['ts', 'date', 'week', 'period', 'month', 'day'], 'period');
  const qAt = find(options.quantityColumn, ['quantity', 'demand', 'qty', 'units'], 'quantity');
  const itemAt = options.item === undefined ? find(options.itemColumn, ['item', 'sku', 'part'], 'item') : -1;
  return table.rows.map((row, r) => {
    const cell = (row[tsAt] ?? '').trim();
    const ts = /^\d+$/.test(cell)
      ? Number(cell)
      : Date.parse(cell.length === 10 ? `${cell}T00:00:00Z` : cell);
    const quantity = Number(row[qAt]);
    if (!Number.isFinite(ts)) throw new UserError('invalid_input', `line ${r + 2}: "${cell}" is not a date`);
    if (!Number.isFinite(quantity) || quantity < 0) {
      throw new UserError('invalid_input', `line ${r + 2}: "${row[qAt] ?? ''}" is not a quantity ≥ 0`);
    }
    return { item: options.item ?? (row[itemAt] ?? '').trim(), ts, quantity };
  });
}

export async function demandImportCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const file = stringFlag(args, 'file');
  if (file === undefined)
    throw new UserError('invalid_input', 'usage: gemba demand import --file demand.csv [--item ID]');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('not_found', `cannot read ${file}`);
  }
  const item = stringFlag(args, 'item');
  const tsColumn = stringFlag(args, 'tsColumn');
  const quantityColumn = stringFlag(args, 'quantityColumn');
  const itemColumn = stringFlag(args, 'itemColumn');
  const rows = demandRows(readTable(text), {
    ...(item !== undefined && { item }),
    ...(tsColumn !== undefined && { tsColumn }),
    ...(quantityColumn !== undefined && { quantityColumn }),
    ...(itemColumn !== undefined && { itemColumn }),
  });
  for (let i = 0; i < rows.length; i += BATCH)
    await client.call('demand.put', { points: rows.slice(i, i + BATCH) });
  const items = new Set(rows.map((r) => r.item));
  return `${rows.length} periods of demand stored for ${items.size} item(s): ${[...items].slice(0, 10).join(', ')}`;
}
