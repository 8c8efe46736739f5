/** Reads a historian CSV export from disk through the streaming parser, with the file size for a progress bar. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { OperationalError, UserError } from '../../../domain/index.js';
import { type CsvChunk, type CsvParseOptions, parseCsv } from './csv.parser.js';

export interface CsvFileChunk extends CsvChunk {
  /** Size of the file in bytes; `bytesRead / totalBytes` is the progress. */
  readonly totalBytes: number;
}

/**
 * Streams a CSV file in 1 MiB reads, in constant memory.
 * Throws UserError `not_found` when the file does not exist, OperationalError `cancelled` when `signal` aborts.
 * @example
 * for await (const chunk of parseCsvFile('export.csv', { timeZone: 'Europe/Berlin' })) {
 *   bar.update(chunk.bytesRead / chunk.totalBytes);
 * }
 */
export async function* parseCsvFile(
  path: string,
  options: CsvParseOptions = {},
): AsyncGenerator<CsvFileChunk, void, undefined> {
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UserError('invalid_input', `not a file: ${path}`);
    totalBytes = info.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new UserError('not_found', `no such file: ${path}`, { cause: error });
    if (code === 'EACCES')
      throw new UserError('forbidden', `cannot read ${path}: permission denied`, { cause: error });
    throw new OperationalError('unavailable', `cannot read ${path}`, { cause: error });
  }
  const stream = createReadStream(path, {
    encoding: 'utf8',
    highWaterMark: 1 << 20,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  try {
    for await (const chunk of parseCsv(stream as AsyncIterable<string>, options)) {
      yield { ...chunk, bytesRead: Math.min(chunk.bytesRead, totalBytes), totalBytes };
    }
  } catch (error) {
    if (options.signal?.aborted)
      throw new OperationalError('cancelled', 'CSV import cancelled', { cause: error });
    throw error;
  } finally {
    stream.destroy();
  }
}
