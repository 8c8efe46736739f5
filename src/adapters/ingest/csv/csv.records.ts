/**
 * Splits CSV text into records (RFC 4180): quoted fields may hold delimiters, doubled quotes and line breaks;
 * lines end in LF or CRLF. Pull-based and incremental: feed text as it arrives, take records until it needs more.
 *
 * Lines without a quote take a fast path (`indexOf` + `split`); only lines with a quote run the state machine.
 * Memory stays bounded: a record longer than `maxRecordChars` (an unterminated quote, a binary file) is reported
 * as bad and skipped to the next line break instead of buffering the rest of the file.
 */

/** Delimiters recognised when the delimiter is detected from the header line, most likely first. */
export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export type NextResult =
  /** `fields`, `line` and `text()` describe the record. */
  | 'record'
  /** `line`, `badReason` and `text()` describe a malformed record, already skipped. */
  | 'bad'
  /** Feed more text (or call `end()`). */
  | 'more';

/** Counts each candidate outside quotes in the first line and picks the most frequent (`,` on a tie or none). */
export function detectDelimiter(line: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    let count = 0;
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === candidate) count++;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

export class CsvRecordSplitter {
  /** The delimiter; detected from the first non-empty line when undefined. */
  delimiter: string | undefined;
  /** Fields of the last record. */
  fields: string[] = [];
  /** 1-based line number where the last record (or bad record) starts. */
  line = 0;
  /** Why the last `bad` record was rejected. */
  badReason = '';
  /** Physical lines consumed so far. */
  linesRead = 0;

  private buf = '';
  private pos = 0;
  private ended = false;
  private skippingLongLine = false;
  private recordStart = 0;
  private recordEnd = 0;
  private readonly maxRecordChars: number;

  constructor(options: { delimiter?: string | undefined; maxRecordChars?: number } = {}) {
    this.delimiter = options.delimiter;
    this.maxRecordChars = options.maxRecordChars ?? 1 << 20;
  }

  feed(text: string): void {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + text : text;
    this.pos = 0;
  }

  end(): void {
    this.ended = true;
  }

  /** The source text of the last record or bad record, without its line break. */
  text(): string {
    return this.buf.slice(this.recordStart, this.recordEnd);
  }

  next(): NextResult {
    const buf = this.buf;
    for (;;) {
      if (this.pos >= buf.length) return 'more';
      if (this.skippingLongLine) {
        const nl = buf.indexOf('\n', this.pos);
        if (nl === -1) {
          this.pos = buf.length;
          return 'more';
        }
        this.pos = nl + 1;
        this.linesRead++;
        this.skippingLongLine = false;
        continue;
      }
      const start = this.pos;
      const nl = buf.indexOf('\n', start);
      if (nl === -1 && !this.ended) {
        if (buf.length - start > this.maxRecordChars) return this.tooLong(start, buf.length, true);
        return 'more';
      }
      const lineEnd = nl === -1 ? buf.length : nl;
      const contentEnd = lineEnd > start && buf.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      const lineNumber = this.linesRead + 1;
      if (contentEnd === start || isBlank(buf, start, contentEnd)) {
        this.pos = lineEnd + 1;
        this.linesRead++;
        continue;
      }
      const lineText = buf.slice(start, contentEnd);
      this.delimiter ??= detectDelimiter(lineText);
      if (!lineText.includes('"')) {
        this.fields = lineText.split(this.delimiter);
        this.line = lineNumber;
        this.recordStart = start;
        this.recordEnd = contentEnd;
        this.pos = lineEnd + 1;
        this.linesRead++;
        return 'record';
      }
      const parsed = this.parseQuoted(start, this.delimiter);
      if (parsed === 'incomplete') {
        if (!this.ended && buf.length - start <= this.maxRecordChars) return 'more';
        // Unterminated quote: report this physical line and resume after it.
        this.line = lineNumber;
        this.badReason = this.ended
          ? 'unterminated quoted field at the end of the file'
          : `unterminated quoted field (record longer than ${this.maxRecordChars} characters)`;
        this.recordStart = start;
        this.recordEnd = contentEnd;
        this.pos = lineEnd + 1;
        this.linesRead++;
        return 'bad';
      }
      this.line = lineNumber;
      this.recordStart = start;
      this.recordEnd = parsed.contentEnd;
      this.pos = parsed.end;
      this.linesRead += parsed.lines;
      this.fields = parsed.fields;
      return 'record';
    }
  }

  private tooLong(start: number, end: number, skipRest: boolean): 'bad' {
    this.line = this.linesRead + 1;
    this.badReason = `line longer than ${this.maxRecordChars} characters`;
    this.recordStart = start;
    this.recordEnd = Math.min(end, start + 1000);
    this.pos = end;
    this.skippingLongLine = skipRest;
    return 'bad';
  }

  /**
   * The RFC 4180 state machine for one record starting at `start`. Lenient where the RFC is silent: text after a
   * closing quote is kept, and a quote inside an unquoted field is literal.
   */
  private parseQuoted(
    start: number,
    delimiter: string,
  ): { fields: string[]; end: number; contentEnd: number; lines: number } | 'incomplete' {
    const buf = this.buf;
    const delim = delimiter.charCodeAt(0);
    const fields: string[] = [];
    let lines = 0;
    let i = start;
    for (;;) {
      // At the start of a field.
      let field = '';
      if (i < buf.length && buf.charCodeAt(i) === QUOTE) {
        i++;
        for (;;) {
          const q = buf.indexOf('"', i);
          if (q === -1) return 'incomplete';
          field += buf.slice(i, q);
          for (let k = i; k < q; k++) if (buf.charCodeAt(k) === LF) lines++;
          if (q + 1 < buf.length && buf.charCodeAt(q + 1) === QUOTE) {
            field += '"';
            i = q + 2;
            continue;
          }
          if (q + 1 >= buf.length && !this.ended) return 'incomplete'; // a doubled quote may follow
          i = q + 1;
          break;
        }
      }
      // Unquoted text, or text after a closing quote, up to the delimiter or the line break.
      const from = i;
      while (i < buf.length) {
        const c = buf.charCodeAt(i);
        if (c === delim || c === LF) break;
        i++;
      }
      if (i >= buf.length && !this.ended) return 'incomplete';
      let to = i;
      if (to > from && buf.charCodeAt(to - 1) === CR && (i >= buf.length || buf.charCodeAt(i) === LF)) to--;
      field += buf.slice(from, to);
      fields.push(field);
      if (i >= buf.length) return { fields, end: i, contentEnd: to, lines: lines + 1 };
      if (buf.charCodeAt(i) === LF) return { fields, end: i + 1, contentEnd: to, lines: lines + 1 };
      i++; // past the delimiter
    }
  }
}

function isBlank(buf: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
