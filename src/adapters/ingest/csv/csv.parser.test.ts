import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Sample, UserError } from '../../../domain/index.js';
import { parseCsvFile } from './csv.file.js';
import { type CsvChunk, type CsvParseOptions, parseCsv } from './csv.parser.js';
import { ZoneConverter, parseTimestamp } from './csv.time.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../../test/fixtures/csv/${name}`, import.meta.url));
const readFixture = (name: string): string => readFileSync(fixture(name), 'utf8');

async function* chunksOf(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) {
    await Promise.resolve();
    yield text.slice(i, i + size);
  }
}

async function parseAll(text: string, options: CsvParseOptions = {}, chunkSize = 1 << 16) {
  const chunks: CsvChunk[] = [];
  for await (const c of parseCsv(chunksOf(text, chunkSize), options)) chunks.push(c);
  const last = chunks.at(-1);
  return {
    chunks,
    header: last?.header,
    samples: chunks.flatMap((c) => c.samples),
    badRows: chunks.flatMap((c) => c.badRows),
    bytesRead: last?.bytesRead,
    linesRead: last?.linesRead,
  };
}

const s = (tag: string, ts: string | number, value: number, quality: Sample['quality'] = 'good'): Sample => ({
  tag,
  ts: typeof ts === 'number' ? ts : Date.parse(ts),
  value,
  quality,
});

const PRESS3 = 'acme/plant1/stamping/line1/press3';
const MILL1 = 'acme/plant1/machining/cnc-cell1/mill1';

describe('parseCsv: long format', () => {
  it('reads tag, ts, value and quality with epoch-ms and ISO timestamps', async () => {
    const r = await parseAll(readFixture('long.csv'));
    expect(r.header?.format).toBe('long');
    expect(r.header?.delimiter).toBe(',');
    expect(r.badRows).toEqual([]);
    expect(r.samples).toEqual([
      s(`${PRESS3}/oil_temp`, 1767600000000, 45.2),
      s(`${PRESS3}/oil_temp`, 1767600001000, 45.25),
      s(`${PRESS3}/vibration_rms`, '2026-01-05T08:00:00Z', 2.31),
      s(`${PRESS3}/vibration_rms`, '2026-01-05T08:00:01.500Z', 2.4, 'uncertain'),
      s(`${PRESS3}/state`, 1767600002000, 1),
      s(`${PRESS3}/door_closed`, 1767600002000, 1, 'bad'),
      s(`${PRESS3}/oil_temp`, 1767600003000, -15),
    ]);
    expect(r.linesRead).toBe(8);
    expect(r.bytesRead).toBe(statSync(fixture('long.csv')).size);
  });

  it('accepts columns in any order and case, with timestamp or time as the ts column', async () => {
    const text = 'Value,TIME,Tag\n1.5,1767600000,a/b/c\n';
    const r = await parseAll(text, { tsUnit: 's' });
    expect(r.samples).toEqual([s('a/b/c', 1767600000000, 1.5)]);
    const r2 = await parseAll('timestamp,tag,value\n2026-01-05T06:00:00Z,a/b,2\n');
    expect(r2.samples).toEqual([s('a/b', '2026-01-05T06:00:00Z', 2)]);
  });

  it('reports bad rows with their 1-based line numbers and keeps the good ones', async () => {
    const r = await parseAll(readFixture('bad-rows.csv'));
    const oil = 'acme/plant1/stamping/line1/press1/oil_temp';
    expect(r.samples).toEqual([
      s(oil, 1767600000000, 45.0),
      s(oil, 1767600004000, 45.2),
      s(oil, 1767600008000, 45.6),
    ]);
    expect(r.badRows.map((b) => [b.line, b.reason])).toEqual([
      [3, 'expected 3 columns, got 2'],
      [4, expect.stringMatching(/^not a number: "forty"/)],
      [5, expect.stringMatching(/^not a timestamp: "yesterday"/)],
      [8, expect.stringMatching(/^not a tag path: "not a tag"/)],
      [9, expect.stringMatching(/^no such date/)],
      [10, 'expected 3 columns, got 4'],
      [11, 'empty value'],
    ]);
    expect(r.badRows[1]?.text).toBe(`${oil},1767600002000,forty`);
    expect(r.linesRead).toBe(12);
  });

  it('rejects unknown quality names and non-finite or hexadecimal numbers', async () => {
    const r = await parseAll(
      'tag,ts,value,quality\na/b,1,1,great\na/b,2,0x10,good\na/b,3,Infinity,good\na/b,4,1e999,good\n',
    );
    expect(r.samples).toEqual([]);
    expect(r.badRows.map((b) => b.line)).toEqual([2, 3, 4, 5]);
    expect(r.badRows[0]?.reason).toMatch(/quality must be good, uncertain or bad/);
    expect(r.badRows[3]?.reason).toMatch(/out of range/);
  });
});

describe('parseCsv: wide format', () => {
  it('reads a units row as metadata and skips empty cells', async () => {
    const r = await parseAll(readFixture('wide.csv'), { unitsRow: true });
    expect(r.header?.format).toBe('wide');
    expect(r.header?.tags).toEqual([
      `${MILL1}/spindle_load`,
      `${MILL1}/spindle_temp`,
      `${MILL1}/bore_diameter`,
    ]);
    expect(r.header?.units).toEqual({
      [`${MILL1}/spindle_load`]: '%',
      [`${MILL1}/spindle_temp`]: 'degC',
      [`${MILL1}/bore_diameter`]: 'mm',
    });
    expect(r.badRows).toEqual([]);
    expect(r.samples).toEqual([
      s(`${MILL1}/spindle_load`, '2026-01-05T06:00:00Z', 55.1),
      s(`${MILL1}/spindle_temp`, '2026-01-05T06:00:00Z', 48.2),
      s(`${MILL1}/bore_diameter`, '2026-01-05T06:00:00Z', 25.0021),
      s(`${MILL1}/spindle_load`, '2026-01-05T06:00:01Z', 56.0),
      s(`${MILL1}/spindle_temp`, '2026-01-05T06:00:01Z', 48.3),
      s(`${MILL1}/spindle_temp`, '2026-01-05T06:00:02Z', 48.3),
      s(`${MILL1}/spindle_load`, '2026-01-05T06:00:03Z', 54.7),
      s(`${MILL1}/spindle_temp`, '2026-01-05T06:00:03Z', 48.4),
      s(`${MILL1}/bore_diameter`, '2026-01-05T06:00:03Z', 24.9987),
    ]);
  });

  it('without unitsRow the units line is a bad row (not a timestamp)', async () => {
    const r = await parseAll(readFixture('wide.csv'));
    expect(r.badRows.map((b) => b.line)).toEqual([2]);
    expect(r.samples).toHaveLength(9);
  });

  it('keeps the good cells of a row with a bad cell and reports the bad one by column', async () => {
    const r = await parseAll('ts,a/x,a/y,a/z\n1000,1,oops,3\n2000,4,5\n');
    expect(r.samples).toEqual([s('a/x', 1000, 1), s('a/z', 1000, 3)]);
    expect(r.badRows).toEqual([
      { line: 2, reason: 'column 3 (a/y): not a number: "oops"', text: '1000,1,oops,3' },
      { line: 3, reason: 'expected 4 columns, got 3', text: '2000,4,5' },
    ]);
  });

  it('detects a semicolon delimiter and reads decimal commas', async () => {
    const r = await parseAll(readFixture('semicolon.csv'));
    const p2 = 'acme/plant1/stamping/line1/press2';
    expect(r.header?.delimiter).toBe(';');
    expect(r.badRows).toEqual([]);
    expect(r.samples).toEqual([
      s(`${p2}/oil_temp`, '2026-01-05T07:00:00Z', 45.3),
      s(`${p2}/hydraulic_pressure`, '2026-01-05T07:00:00Z', 180.5),
      s(`${p2}/oil_temp`, '2026-01-05T07:00:01Z', 45.4),
      s(`${p2}/hydraulic_pressure`, '2026-01-05T07:00:01Z', 181),
      s(`${p2}/oil_temp`, '2026-01-05T07:00:02Z', 45.5),
      s(`${p2}/hydraulic_pressure`, '2026-01-05T07:00:02Z', 180),
    ]);
  });

  it('splits batches of wide rows at exactly batchSize samples', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `${1000 * (i + 1)},${i},${i},${i},${i}`);
    const r = await parseAll(['ts,a/b,a/c,a/d,a/e', ...rows].join('\n'), { batchSize: 7 });
    expect(r.samples).toHaveLength(100);
    expect(r.chunks.map((c) => c.samples.length)).toEqual([...Array<number>(14).fill(7), 2]);
    expect(r.samples.map((x) => x.ts)).toEqual(rows.flatMap((_, i) => Array<number>(4).fill(1000 * (i + 1))));
  });
});

describe('parseCsv: RFC 4180 and streaming', () => {
  it('reads CRLF files with quoted fields, doubled quotes and line breaks inside quotes', async () => {
    const text = readFixture('crlf-quoted.csv');
    expect(text).toContain('\r\n'); // the fixture must keep its CRLF line ends
    const r = await parseAll(text);
    const oil = 'acme/plant1/stamping/line1/press4/oil_temp';
    expect(r.samples).toEqual([
      s(oil, 1767600000000, 45.5),
      s(oil, 1767600001000, 45.6),
      s(oil, 1767600002000, 45.7, 'uncertain'),
      s(oil, 1767600004000, 45.8),
    ]);
    // The quoted line break makes the record on line 4 span two lines, so the bad row is on line 6.
    expect(r.badRows.map((b) => [b.line, b.reason])).toEqual([[6, 'not a number: "4,5"']]);
    expect(r.linesRead).toBe(7);
  });

  it('gives the same result however the text is split into chunks', async () => {
    for (const name of ['long.csv', 'wide.csv', 'bad-rows.csv', 'semicolon.csv', 'crlf-quoted.csv']) {
      const text = readFixture(name);
      const options = name === 'wide.csv' ? { unitsRow: true } : {};
      const whole = await parseAll(text, options);
      for (const size of [1, 2, 3, 7, 64]) {
        const split = await parseAll(text, options, size);
        expect(split.samples, `${name} in ${size}-char chunks`).toEqual(whole.samples);
        expect(split.badRows, `${name} in ${size}-char chunks`).toEqual(whole.badRows);
        expect(split.linesRead).toBe(whole.linesRead);
      }
    }
  });

  it('reports progress in bytes and lines, and at most batchSize samples per chunk', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `a/b/c,${i + 1},${i},good`);
    const text = `tag,ts,value,quality\n${lines.join('\n')}\n`;
    const r = await parseAll(text, { batchSize: 1000 }, 4096);
    expect(r.chunks.map((c) => c.samples.length)).toEqual([1000, 1000, 500]);
    const bytes = r.chunks.map((c) => c.bytesRead);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(r.bytesRead).toBe(Buffer.byteLength(text));
    expect(r.linesRead).toBe(2501);
  });

  it('counts UTF-8 bytes and strips a byte-order mark', async () => {
    const text = '\uFEFFtag,ts,value\nacme/plant1/ä/x,1,2\n';
    const r = await parseAll(text);
    expect(r.header?.columns).toEqual(['tag', 'ts', 'value']);
    expect(r.bytesRead).toBe(Buffer.byteLength(text));
  });

  it('reports an unterminated quote and an over-long line as bad rows and carries on', async () => {
    const long = `a/b,2,${'9'.repeat(5000)}`;
    const r = await parseAll(
      `tag,ts,value\na/b,1,1\n${long}\na/b,3,3\na/b,4,"4\n`,
      { maxRecordChars: 1000 },
      100,
    );
    expect(r.samples).toEqual([s('a/b', 1, 1), s('a/b', 3, 3)]);
    expect(r.badRows.map((b) => [b.line, b.reason])).toEqual([
      [3, 'line longer than 1000 characters'],
      [5, 'unterminated quoted field at the end of the file'],
    ]);
    const runaway = `tag,ts,value\na/b,1,"1\n${'x,y,z\n'.repeat(500)}`;
    const r2 = await parseAll(runaway, { maxRecordChars: 1000 }, 100);
    expect(r2.badRows[0]?.line).toBe(2);
    expect(r2.badRows[0]?.reason).toMatch(/unterminated quoted field/);
  });

  it('throws a UserError for a bad header or bad options, not for bad rows', async () => {
    await expect(parseAll('')).rejects.toThrow(/no header row/);
    await expect(parseAll('a,b,c\n1,2,3\n')).rejects.toThrow(/cannot tell the CSV layout/);
    await expect(parseAll('ts,not a tag\n1,2\n')).rejects.toThrow(
      /column 2 of the header on line 1: not a tag path/,
    );
    await expect(parseAll('ts,a/b,a/b\n1,2,3\n')).rejects.toThrow(/duplicate tag a\/b/);
    await expect(parseAll('tag,ts,value\n', { unitsRow: true })).rejects.toThrow(/wide CSV files only/);
    await expect(parseAll('tag,ts,value\n', { timeZone: 'Mars/Olympus' })).rejects.toThrow(
      /unknown time zone/,
    );
    await expect(parseAll('tag,ts,value\n', { delimiter: '#' })).rejects.toThrow(/delimiter must be/);
    await expect(parseAll('tag,ts,value\n', { format: 'wide' })).rejects.toBeInstanceOf(UserError);
    const headerOnly = await parseAll('tag,ts,value\n');
    expect(headerOnly.samples).toEqual([]);
    expect(headerOnly.linesRead).toBe(1);
  });

  it('stops with OperationalError cancelled when the signal aborts', async () => {
    const controller = new AbortController();
    const text = `tag,ts,value\n${'a/b,1,1\n'.repeat(10_000)}`;
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const c of parseCsv(chunksOf(text, 1000), { signal: controller.signal, batchSize: 100 })) {
          seen.push(c.samples.length);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'OperationalError', code: 'cancelled' });
    expect(seen.length).toBeLessThan(5);
  });
});

describe('timestamps and time zones', () => {
  const berlin = new ZoneConverter('Europe/Berlin');
  const ts = (text: string, dst: 'compatible' | 'earlier' | 'later' | 'reject' = 'compatible') =>
    parseTimestamp(text, { tsUnit: 'ms', zone: berlin, dst });

  it('reads local Berlin times on both sides of the 2026 DST changes', () => {
    // Spring forward on 2026-03-29 at 01:00Z: 02:00 CET becomes 03:00 CEST.
    expect(ts('2026-03-29T01:30:00')).toBe(Date.parse('2026-03-29T00:30:00Z'));
    expect(ts('2026-03-29T03:30:00')).toBe(Date.parse('2026-03-29T01:30:00Z'));
    // Fall back on 2026-10-25 at 01:00Z: 03:00 CEST becomes 02:00 CET.
    expect(ts('2026-10-25T01:30:00')).toBe(Date.parse('2026-10-24T23:30:00Z'));
    expect(ts('2026-10-25T03:30:00')).toBe(Date.parse('2026-10-25T02:30:00Z'));
    expect(ts('2026-01-15 12:00')).toBe(Date.parse('2026-01-15T11:00:00Z'));
    expect(ts('2026-07-15T12:00:00.250')).toBe(Date.parse('2026-07-15T10:00:00.250Z'));
  });

  it('resolves the skipped hour (2026-03-29 02:30) per the dst option', () => {
    expect(ts('2026-03-29T02:30:00')).toBe(Date.parse('2026-03-29T01:30:00Z')); // read as 03:30 CEST
    expect(ts('2026-03-29T02:30:00', 'later')).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(ts('2026-03-29T02:30:00', 'earlier')).toBe(Date.parse('2026-03-29T00:30:00Z')); // 01:30 CET
    expect(ts('2026-03-29T02:30:00', 'reject')).toMatch(/nonexistent local time in Europe\/Berlin/);
  });

  it('resolves the repeated hour (2026-10-25 02:30) per the dst option', () => {
    expect(ts('2026-10-25T02:30:00')).toBe(Date.parse('2026-10-25T00:30:00Z')); // CEST, the first one
    expect(ts('2026-10-25T02:30:00', 'earlier')).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(ts('2026-10-25T02:30:00', 'later')).toBe(Date.parse('2026-10-25T01:30:00Z')); // CET
    expect(ts('2026-10-25T02:30:00', 'reject')).toMatch(/ambiguous local time/);
  });

  it('uses an explicit offset as given, whatever the zone', () => {
    expect(ts('2026-10-25T02:30:00+01:00')).toBe(Date.parse('2026-10-25T01:30:00Z'));
    expect(ts('2026-10-25T02:30:00-0330')).toBe(Date.parse('2026-10-25T06:00:00Z'));
    expect(ts('2026-10-25T02:30:00+02')).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(ts('2026-10-25T02:30:00z')).toBe(Date.parse('2026-10-25T02:30:00Z'));
  });

  it('agrees with Intl for every quarter hour of 2026 in New York', () => {
    const ny = new ZoneConverter('America/New_York');
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const start = Date.parse('2026-01-01T00:00:00Z');
    const mismatches: string[] = [];
    for (let t = start; t < start + 365 * 86_400_000; t += 900_000) {
      const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
      const local = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:00`;
      // Round trip UTC → local → UTC; in the repeated hour the later reading is the one after the change.
      const back = parseTimestamp(local, { tsUnit: 'ms', zone: ny, dst: 'compatible' });
      const backLater = parseTimestamp(local, { tsUnit: 'ms', zone: ny, dst: 'later' });
      if (back !== t && backLater !== t) mismatches.push(`${new Date(t).toISOString()} → ${local}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('reads epoch seconds and milliseconds, and rejects what is not a time', () => {
    const opts = (tsUnit: 'ms' | 's') => ({
      tsUnit,
      zone: new ZoneConverter('UTC'),
      dst: 'compatible' as const,
    });
    expect(parseTimestamp('1767600000', opts('s'))).toBe(1767600000000);
    expect(parseTimestamp('1767600000.5', opts('s'))).toBe(1767600000500);
    expect(parseTimestamp(' 1767600000000 ', opts('ms'))).toBe(1767600000000);
    expect(parseTimestamp('-5', opts('ms'))).toMatch(/out of range/);
    expect(parseTimestamp('2026-13-01T00:00:00Z', opts('ms'))).toMatch(/out of range/);
    expect(parseTimestamp('2026-01-01T24:00:00Z', opts('ms'))).toMatch(/out of range/);
    expect(parseTimestamp('05.01.2026 06:00', opts('ms'))).toMatch(/not a timestamp/);
    expect(parseTimestamp('', opts('ms'))).toBe('empty timestamp');
  });

  it('reads a wide Berlin file with local times', async () => {
    const r = await parseAll(readFixture('berlin-dst.csv'), { timeZone: 'Europe/Berlin' });
    expect(r.header?.timeZone).toBe('Europe/Berlin');
    expect(r.samples.map((x) => [x.value, new Date(x.ts).toISOString()])).toEqual([
      [1, '2026-03-29T00:30:00.000Z'],
      [2, '2026-03-29T01:30:00.000Z'],
      [3, '2026-03-29T01:30:00.000Z'],
      [4, '2026-10-24T23:30:00.000Z'],
      [5, '2026-10-25T00:30:00.000Z'],
      [6, '2026-10-25T02:30:00.000Z'],
      [7, '2026-10-25T01:30:00.000Z'],
      [8, '2026-06-30T22:00:00.000Z'],
    ]);
    const strict = await parseAll(readFixture('berlin-dst.csv'), {
      timeZone: 'Europe/Berlin',
      dst: 'reject',
    });
    expect(strict.badRows.map((b) => b.line)).toEqual([3, 6]);
    const utc = await parseAll(readFixture('berlin-dst.csv'));
    expect(new Date(utc.samples[1]?.ts ?? 0).toISOString()).toBe('2026-03-29T02:30:00.000Z');
  });
});

describe('parseCsvFile', () => {
  it('streams a file and reports its size for progress', async () => {
    const chunks = [];
    for await (const c of parseCsvFile(fixture('crlf-quoted.csv'))) chunks.push(c);
    const size = statSync(fixture('crlf-quoted.csv')).size;
    expect(chunks.at(-1)?.totalBytes).toBe(size);
    expect(chunks.at(-1)?.bytesRead).toBe(size);
    expect(chunks.flatMap((c) => c.samples)).toHaveLength(4);
  });

  it('fails with not_found for a missing file', async () => {
    const run = async () => {
      for await (const _ of parseCsvFile(fixture('no-such-file.csv'))) {
        // drain
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'UserError', code: 'not_found' });
  });
});
