/**
 * `gemba import csv FILE [--format long|wide] [--delimiter ';'] [--ts-unit ms|s] [--time-zone ZONE] [--units-row]`
 * Streams the file in constant memory with a progress bar. Bad rows are reported with their line numbers and
 * skipped; samples the server rejects (an unknown tag) are dead-lettered there with their reason.
 */
import { type CsvBadRow, type CsvFormat, parseCsvFile } from '../../adapters/ingest/csv/index.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';
import { progressBar } from '../progress.js';

/** Bad rows printed in full; the rest are counted. */
const SHOWN_BAD_ROWS = 20;

export interface ImportSummary {
  accepted: number;
  rejected: number;
  badRows: number;
  rejectionReasons: Record<string, number>;
}

export async function importCsvCommand(
  args: ParsedArgs,
  client: OperationClient,
  out: NodeJS.WriteStream = process.stderr,
): Promise<ImportSummary> {
  const file = args.positionals[0];
  if (file === undefined) throw new UserError('invalid_input', 'usage: gemba import csv FILE');
  const format = stringFlag(args, 'format') ?? 'auto';
  if (!['auto', 'long', 'wide'].includes(format))
    throw new UserError('invalid_input', '--format is long or wide');
  const tsUnit = stringFlag(args, 'tsUnit') ?? 'ms';
  if (tsUnit !== 'ms' && tsUnit !== 's') throw new UserError('invalid_input', '--ts-unit is ms or s');
  const delimiter = stringFlag(args, 'delimiter');
  const timeZone = stringFlag(args, 'timeZone');

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const summary: ImportSummary = { accepted: 0, rejected: 0, badRows: 0, rejectionReasons: {} };
  let bar: ReturnType<typeof progressBar> | undefined;
  try {
    for await (const chunk of parseCsvFile(file, {
      format: format as CsvFormat | 'auto',
      tsUnit,
      unitsRow: boolFlag(args, 'unitsRow'),
      signal: controller.signal,
      ...(delimiter !== undefined && { delimiter }),
      ...(timeZone !== undefined && { timeZone }),
    })) {
      bar ??= progressBar(`import ${file}`, chunk.totalBytes, out);
      reportBadRows(chunk.badRows, summary, out);
      if (chunk.samples.length > 0) {
        const r = (await client.call('samples.write', { samples: chunk.samples })) as {
          accepted: number;
          rejected: number;
          errors: Array<{ reason: string }>;
        };
        summary.accepted += r.accepted;
        summary.rejected += r.rejected;
        for (const e of r.errors)
          summary.rejectionReasons[e.reason] = (summary.rejectionReasons[e.reason] ?? 0) + 1;
      }
      bar.update(chunk.bytesRead, `${summary.accepted.toLocaleString()} samples`);
    }
    bar?.finish(`${summary.accepted.toLocaleString()} samples`);
  } finally {
    process.off('SIGINT', onSigint);
  }
  out.write(
    `stored ${summary.accepted.toLocaleString()} samples; ${summary.badRows} bad rows skipped; ` +
      `${summary.rejected} samples rejected by the server (dead-lettered)\n`,
  );
  for (const [reason, n] of Object.entries(summary.rejectionReasons).slice(0, 10))
    out.write(`  ${n}× ${reason}\n`);
  return summary;
}

function reportBadRows(rows: readonly CsvBadRow[], summary: ImportSummary, out: NodeJS.WriteStream): void {
  for (const row of rows) {
    summary.badRows++;
    if (summary.badRows <= SHOWN_BAD_ROWS) {
      out.write(`\n  line ${row.line}: ${row.reason}: ${row.text.slice(0, 120)}\n`);
    } else if (summary.badRows === SHOWN_BAD_ROWS + 1) {
      out.write('\n  … more bad rows; only the count is shown from here\n');
    }
  }
}
