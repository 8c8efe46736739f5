/** CSV ingest: a streaming parser for historian exports (long and wide) and its file reader. */
export * from './csv.file.js';
export * from './csv.parser.js';
export { ZoneConverter, parseTimestamp } from './csv.time.js';
