/**
 * Streaming parser for historian CSV exports, pure over an async iterable of text chunks (no files, no I/O).
 *
 * Two layouts, detected from the header unless `format` is given:
 * - **long**: one sample per row, columns `tag`, `ts` (or `timestamp` / `time` / `datetime`), `value` and optionally
 *   `quality` (`good` / `uncertain` / `bad`, empty = good), in any order, names case-insensitive; other columns
 *   are ignored.
 * - **wide**: `ts,<tag path>,<tag path>,…`, one row per instant; empty cells are skipped; with `unitsRow: true`
 *   the row after the header holds each column's unit (returned in `header.units`).
 *
 * A bad row (wrong column count, unparsable number, bad timestamp, invalid tag path) is reported with its 1-based
 * line number, its reason and its text, and skipped; it never stops the parse. In wide rows a bad cell is
 * reported and the row's other cells are kept. Only a bad header (or bad options) throws, as a UserError.
 * Memory is bounded by `batchSize` and the size of one text chunk: the generator yields as it goes and only
 * pulls more text when the consumer asks for the next chunk.
 */
import { type Quality, type Sample, OperationalError, TagPath, UserError } from '../../../domain/index.js';
import { type NextResult, CsvRecordSplitter, DELIMITER_CANDIDATES } from './csv.records.js';
import { type DstDisambiguation, type TimestampUnit, ZoneConverter, parseTimestamp } from './csv.time.js';

export type { DstDisambiguation, TimestampUnit } from './csv.time.js';

export type CsvFormat = 'long' | 'wide';

export interface CsvParseOptions {
  /** Layout of the file; detected from the header by default. */
  readonly format?: CsvFormat | 'auto';
  /** One of `,` `;` tab `|`; detected from the header line by default (`,` when unclear). */
  readonly delimiter?: string;
  /** Unit of numeric timestamps: epoch milliseconds (default) or seconds. */
  readonly tsUnit?: TimestampUnit;
  /** IANA zone for ISO timestamps without an offset, e.g. Europe/Berlin; default UTC. */
  readonly timeZone?: string;
  /** Local times made ambiguous or nonexistent by DST; default `compatible` (see csv.time.ts). */
  readonly dst?: DstDisambiguation;
  /** Wide files: the row after the header holds units. */
  readonly unitsRow?: boolean;
  /** Most samples per yielded chunk; default 10,000. */
  readonly batchSize?: number;
  /** Longest record accepted, in characters; default 1 Mi. Longer ones are bad rows. */
  readonly maxRecordChars?: number;
  readonly signal?: AbortSignal;
}

export interface CsvHeader {
  readonly format: CsvFormat;
  readonly delimiter: string;
  /** Column names as written (trimmed). */
  readonly columns: readonly string[];
  /** 1-based line of the header. */
  readonly line: number;
  /** Wide files: tag path of each value column (empty-named columns left out). */
  readonly tags: readonly string[];
  /** Wide files with `unitsRow`: unit per tag path (empty units left out). */
  readonly units: Readonly<Record<string, string>>;
  /** The zone local timestamps are read in, as resolved by Intl. */
  readonly timeZone: string;
}

export interface CsvBadRow {
  /** 1-based line number where the row starts. */
  readonly line: number;
  readonly reason: string;
  /** The row as written (truncated to 1,000 characters). */
  readonly text: string;
}

export interface CsvChunk {
  readonly header: CsvHeader;
  /** At most `batchSize` samples. */
  readonly samples: Sample[];
  readonly badRows: CsvBadRow[];
  /** UTF-8 bytes taken from the source so far (for progress; counted per source chunk). */
  readonly bytesRead: number;
  /** Physical lines parsed so far. */
  readonly linesRead: number;
}

const TS_NAMES = new Set(['ts', 'timestamp', 'time', 'datetime']);
const QUALITY_BY_NAME: Readonly<Record<string, Quality>> = {
  '': 'good',
  good: 'good',
  uncertain: 'uncertain',
  bad: 'bad',
};
const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const COMMA_NUMBER = /^\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*$/;
const MAX_BAD_TEXT = 1000;
const MAX_TAG_CACHE = 100_000;

/**
 * Parses CSV text into chunks of samples and bad rows.
 * @example
 * for await (const chunk of parseCsv(stream, { timeZone: 'Europe/Berlin' })) {
 *   await store(chunk.samples);
 *   for (const bad of chunk.badRows) deadLetter(`csv:${file}:${bad.line}`, bad.reason, bad.text);
 * }
 */
export async function* parseCsv(
  source: AsyncIterable<string>,
  options: CsvParseOptions = {},
): AsyncGenerator<CsvChunk, void, undefined> {
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UserError('invalid_input', `batchSize must be a positive integer, got ${batchSize}`);
  }
  const delimiterOption = options.delimiter ?? 'auto';
  if (delimiterOption !== 'auto' && !(DELIMITER_CANDIDATES as readonly string[]).includes(delimiterOption)) {
    throw new UserError(
      'invalid_input',
      `delimiter must be one of , ; tab | or auto, got "${delimiterOption}"`,
    );
  }
  const tsOptions = {
    tsUnit: options.tsUnit ?? 'ms',
    zone: new ZoneConverter(options.timeZone ?? 'UTC'),
    dst: options.dst ?? 'compatible',
  } as const;
  const splitter = new CsvRecordSplitter({
    delimiter: delimiterOption === 'auto' ? undefined : delimiterOption,
    ...(options.maxRecordChars === undefined ? {} : { maxRecordChars: options.maxRecordChars }),
  });

  let rows: RowInterpreter | undefined;
  let samples: Sample[] = [];
  let badRows: CsvBadRow[] = [];
  let bytesRead = 0;
  let yieldedBytes = -1;
  let yieldedLines = -1;
  let first = true;

  const chunk = (out: Sample[]): CsvChunk => {
    yieldedBytes = bytesRead;
    yieldedLines = splitter.linesRead;
    const c: CsvChunk = {
      header: (rows as RowInterpreter).header,
      samples: out,
      badRows,
      bytesRead,
      linesRead: splitter.linesRead,
    };
    badRows = [];
    return c;
  };

  /** Takes records until the splitter needs more text; yields whenever a batch is full. */
  function* drain(): Generator<CsvChunk, void, undefined> {
    let r: NextResult;
    while ((r = splitter.next()) !== 'more') {
      if (r === 'bad') {
        if (rows === undefined) {
          throw new UserError('invalid_input', `CSV header on line ${splitter.line}: ${splitter.badReason}`);
        }
        badRows.push({ line: splitter.line, reason: splitter.badReason, text: clip(splitter.text()) });
      } else if (rows === undefined) {
        rows = new RowInterpreter({
          fields: splitter.fields,
          line: splitter.line,
          delimiter: splitter.delimiter ?? ',',
          format: options.format ?? 'auto',
          unitsRow: options.unitsRow ?? false,
          ts: tsOptions,
        });
      } else {
        const reason = rows.take(splitter.fields, splitter.line, samples);
        if (reason !== undefined) badRows.push({ line: splitter.line, reason, text: clip(splitter.text()) });
      }
      while (samples.length >= batchSize) {
        let out = samples;
        if (samples.length === batchSize) samples = [];
        else {
          out = samples.slice(0, batchSize);
          samples = samples.slice(batchSize);
        }
        yield chunk(out);
      }
      if (badRows.length >= batchSize) {
        const out = samples;
        samples = [];
        yield chunk(out);
      }
    }
  }

  for await (const text of source) {
    if (options.signal?.aborted) throw new OperationalError('cancelled', 'CSV import cancelled');
    bytesRead += Buffer.byteLength(text, 'utf8');
    splitter.feed(first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    if (text.length > 0) first = false;
    yield* drain();
  }
  if (options.signal?.aborted) throw new OperationalError('cancelled', 'CSV import cancelled');
  splitter.end();
  yield* drain();
  if (rows === undefined)
    throw new UserError('invalid_input', 'the CSV has no header row (the file is empty)');
  if (rows.expectingUnits) {
    throw new UserError(
      'invalid_input',
      `the CSV ends before the units row after the header (line ${rows.header.line})`,
    );
  }
  if (
    samples.length > 0 ||
    badRows.length > 0 ||
    bytesRead !== yieldedBytes ||
    splitter.linesRead !== yieldedLines
  ) {
    yield chunk(samples);
    samples = [];
  }
}

/** Interprets records after the header: one per row, pushing samples and returning a bad-row reason. */
class RowInterpreter {
  header: CsvHeader;
  expectingUnits: boolean;
  private readonly ts: Parameters<typeof parseTimestamp>[1];
  private readonly width: number;
  private readonly decimalComma: boolean;
  // long
  private readonly tagIndex: number = -1;
  private readonly tsIndex: number = 0;
  private readonly valueIndex: number = -1;
  private readonly qualityIndex: number = -1;
  private readonly tagCache = new Map<string, string | undefined>();
  // wide: the tag of each column, undefined for the ts column and empty-named ones
  private readonly columnTags: ReadonlyArray<string | undefined> = [];

  constructor(options: {
    fields: string[];
    line: number;
    delimiter: string;
    format: CsvFormat | 'auto';
    unitsRow: boolean;
    ts: Parameters<typeof parseTimestamp>[1];
  }) {
    const columns = options.fields.map((f) => f.trim());
    const lower = columns.map((c) => c.toLowerCase());
    const find = (names: Set<string> | string): number =>
      lower.findIndex((c) => (typeof names === 'string' ? c === names : names.has(c)));
    const isLong = find('tag') >= 0 && find('value') >= 0 && find(TS_NAMES) >= 0;
    const isWide = TS_NAMES.has(lower[0] ?? '') && columns.length >= 2;
    let format: CsvFormat;
    if (options.format === 'auto') {
      if (isLong) format = 'long';
      else if (isWide) format = 'wide';
      else {
        throw new UserError(
          'invalid_input',
          `cannot tell the CSV layout from the header on line ${options.line}: expected "tag,ts,value[,quality]" ` +
            `(long) or "ts,<tag path>,…" (wide), got "${clip(columns.join(options.delimiter), 200)}"`,
        );
      }
    } else format = options.format;

    this.ts = options.ts;
    this.width = columns.length;
    this.decimalComma = options.delimiter !== ',';
    const tags: string[] = [];
    if (format === 'long') {
      if (!isLong) {
        throw new UserError(
          'invalid_input',
          `a long CSV needs the columns tag, ts (or timestamp/time) and value; the header on line ${options.line} has ${columns.join(', ')}`,
        );
      }
      if (options.unitsRow) throw new UserError('invalid_input', 'unitsRow applies to wide CSV files only');
      this.tagIndex = find('tag');
      this.tsIndex = find(TS_NAMES);
      this.valueIndex = find('value');
      this.qualityIndex = find('quality');
    } else {
      if (!isWide) {
        throw new UserError(
          'invalid_input',
          `a wide CSV starts with a ts (or timestamp/time) column followed by tag paths; the header on line ${options.line} has ${columns.join(', ')}`,
        );
      }
      const seen = new Set<string>();
      const columnTags: Array<string | undefined> = [undefined];
      for (let i = 1; i < columns.length; i++) {
        const name = columns[i] ?? '';
        if (name === '') {
          columnTags.push(undefined); // an unnamed column (a trailing delimiter): ignored
          continue;
        }
        const reason = tagPathProblem(name);
        if (reason !== undefined) {
          throw new UserError(
            'invalid_input',
            `column ${i + 1} of the header on line ${options.line}: ${reason}`,
          );
        }
        if (seen.has(name)) {
          throw new UserError(
            'invalid_input',
            `column ${i + 1} of the header on line ${options.line}: duplicate tag ${name}`,
          );
        }
        seen.add(name);
        columnTags.push(name);
        tags.push(name);
      }
      this.columnTags = columnTags;
    }
    this.expectingUnits = format === 'wide' && options.unitsRow;
    this.header = {
      format,
      delimiter: options.delimiter,
      columns,
      line: options.line,
      tags,
      units: {},
      timeZone: options.ts.zone.timeZone,
    };
  }

  /** Interprets one data record; pushes its samples and returns why it is bad, if it is. */
  take(fields: string[], _line: number, out: Sample[]): string | undefined {
    if (this.expectingUnits) {
      this.expectingUnits = false;
      if (fields.length !== this.width)
        return `units row: expected ${this.width} columns, got ${fields.length}`;
      const units: Record<string, string> = {};
      this.columnTags.forEach((tag, i) => {
        const unit = fields[i]?.trim() ?? '';
        if (tag !== undefined && unit !== '') units[tag] = unit;
      });
      this.header = { ...this.header, units };
      return undefined;
    }
    if (fields.length !== this.width) {
      if (fields.every((f) => f.trim() === '')) return undefined; // a row of empty cells (",,,"): blank
      return `expected ${this.width} columns, got ${fields.length}`;
    }
    const ts = parseTimestamp(fields[this.tsIndex] ?? '', this.ts);
    if (typeof ts === 'string') return ts;
    return this.header.format === 'long' ? this.takeLong(fields, ts, out) : this.takeWide(fields, ts, out);
  }

  private takeLong(fields: string[], ts: number, out: Sample[]): string | undefined {
    const rawTag = fields[this.tagIndex] ?? '';
    let tag = this.tagCache.get(rawTag);
    if (tag === undefined) {
      const trimmed = rawTag.trim();
      const reason = tagPathProblem(trimmed);
      if (reason !== undefined) return reason;
      if (this.tagCache.size < MAX_TAG_CACHE) this.tagCache.set(rawTag, trimmed);
      tag = trimmed;
    }
    const value = parseValue(fields[this.valueIndex] ?? '', this.decimalComma);
    if (typeof value === 'string') return value;
    let quality: Quality = 'good';
    if (this.qualityIndex >= 0) {
      const raw = fields[this.qualityIndex] ?? '';
      const q = QUALITY_BY_NAME[raw] ?? QUALITY_BY_NAME[raw.trim().toLowerCase()];
      if (q === undefined) return `quality must be good, uncertain or bad, got "${clip(raw, 40)}"`;
      quality = q;
    }
    out.push({ tag, ts, value, quality });
    return undefined;
  }

  private takeWide(fields: string[], ts: number, out: Sample[]): string | undefined {
    let problems: string[] | undefined;
    const tags = this.columnTags;
    for (let i = 1; i < fields.length; i++) {
      const tag = tags[i];
      if (tag === undefined) continue;
      const cell = fields[i] ?? '';
      if (cell.length === 0 || cell.trim().length === 0) continue;
      const value = parseValue(cell, this.decimalComma);
      if (typeof value === 'string') (problems ??= []).push(`column ${i + 1} (${tag}): ${value}`);
      else out.push({ tag, ts, value, quality: 'good' });
    }
    return problems?.join('; ');
  }
}

/** A finite number (`1`, `-2.5`, `1e3`; `2,5` when the delimiter is not a comma), true/false as 1/0. */
function parseValue(cell: string, decimalComma: boolean): number | string {
  if (NUMBER.test(cell)) {
    const n = Number(cell);
    return Number.isFinite(n) ? n : `number out of range: "${clip(cell, 40)}"`;
  }
  if (decimalComma && COMMA_NUMBER.test(cell)) return Number(cell.replace(',', '.'));
  const t = cell.trim().toLowerCase();
  if (t === 'true') return 1;
  if (t === 'false') return 0;
  if (t === '') return 'empty value';
  return `not a number: "${clip(cell, 40)}"`;
}

function tagPathProblem(tag: string): string | undefined {
  if (TagPath.safeParse(tag).success) return undefined;
  return `not a tag path: "${clip(tag, 80)}" (expected <asset path>/<tag name>, e.g. acme/plant1/stamping/line1/press3/oil_temp)`;
}

function clip(text: string, max = MAX_BAD_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
