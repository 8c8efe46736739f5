/**
 * Timestamps of historian exports: epoch numbers, ISO-8601 with an offset, and local ISO times in an IANA zone,
 * converted to UTC epoch ms with `Intl.DateTimeFormat` (no time-zone library).
 */
import { UserError } from '../../../domain/index.js';

export type TimestampUnit = 'ms' | 's';

/**
 * What to do with a local time that a DST change makes ambiguous (it occurs twice) or nonexistent (skipped).
 * The names and the default follow TC39 Temporal's `disambiguation` option:
 * - `compatible` (default): ambiguous → the earlier instant; nonexistent → shifted forward by the gap
 *   (02:30 on a spring-forward night reads as 03:30 summer time), like `Date` and most databases.
 * - `earlier` / `later`: the earlier / later instant; for a nonexistent time, shifted backward / forward.
 * - `reject`: both are bad rows.
 */
export type DstDisambiguation = 'compatible' | 'earlier' | 'later' | 'reject';

const MAX_EPOCH_MS = 8.64e15;
const DAY_MS = 86_400_000;
/** Offsets are cached per 15 minutes of UTC: every transition in the current tz database falls on such a boundary. */
const BUCKET_MS = 900_000;
const MAX_CACHE = 200_000;

const NUMERIC = /^[-+]?\d+(?:\.\d+)?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Converts between UTC and the wall-clock time of one IANA zone. */
export class ZoneConverter {
  readonly timeZone: string;
  private readonly utc: boolean;
  private readonly format: Intl.DateTimeFormat | undefined;
  private readonly cache = new Map<number, number>();

  constructor(timeZone: string) {
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new UserError(
        'invalid_input',
        `unknown time zone "${timeZone}" (use an IANA name like Europe/Berlin)`,
        {
          cause: error,
        },
      );
    }
    this.timeZone = format.resolvedOptions().timeZone;
    this.utc = ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu'].includes(this.timeZone);
    this.format = this.utc ? undefined : format;
  }

  /** The zone's offset from UTC at an instant, in ms (local = UTC + offset). */
  offsetAt(utcMs: number): number {
    if (this.format === undefined) return 0;
    const bucket = Math.floor(utcMs / BUCKET_MS);
    const cached = this.cache.get(bucket);
    if (cached !== undefined) return cached;
    const at = bucket * BUCKET_MS;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const local = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    const offset = local - at;
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(bucket, offset);
    return offset;
  }

  /**
   * The UTC instant of a wall-clock time given as "local epoch ms" (Date.UTC of the local fields), or a reason
   * string when `reject` refuses it.
   * Possible instants are wall − offset for the offsets in effect a day before and a day after, kept when the
   * zone really has that offset at that instant (the approach of the Temporal polyfill's GetPossibleInstantsFor).
   */
  toUtc(localMs: number, dst: DstDisambiguation): number | string {
    if (this.format === undefined) return localMs;
    const before = this.offsetAt(localMs - DAY_MS);
    const after = this.offsetAt(localMs + DAY_MS);
    if (before === after) {
      // No transition nearby (the common case); double-check against the offset at the instant itself.
      const offset = this.offsetAt(localMs - before);
      if (offset === before) return localMs - before;
    }
    const a = localMs - before;
    const b = localMs - after;
    const aValid = this.offsetAt(a) === before;
    const bValid = this.offsetAt(b) === after;
    if (aValid && bValid && a !== b) {
      if (dst === 'reject') return `ambiguous local time in ${this.timeZone} (DST change; give an offset)`;
      return dst === 'later' ? Math.max(a, b) : Math.min(a, b);
    }
    if (aValid) return a;
    if (bValid) return b;
    // A gap: the wall time was skipped. `a` reads it with the offset before the change (a later instant when
    // clocks go forward), `b` with the offset after it.
    if (dst === 'reject') return `nonexistent local time in ${this.timeZone} (skipped by a DST change)`;
    return dst === 'earlier' ? Math.min(a, b) : Math.max(a, b);
  }
}

export interface TimestampParserOptions {
  readonly tsUnit: TimestampUnit;
  readonly zone: ZoneConverter;
  readonly dst: DstDisambiguation;
}

/**
 * Parses one timestamp cell to UTC epoch ms, or returns the reason it is not one.
 * Accepts epoch numbers (in `tsUnit`), ISO-8601 date-times with `T` or a space, optional seconds and fraction, with
 * `Z` / `±hh:mm` / `±hhmm` / `±hh` (used as given), or without (read in the zone), and plain dates (local midnight).
 */
export function parseTimestamp(cell: string, options: TimestampParserOptions): number | string {
  const text = cell.trim();
  if (text.length === 0) return 'empty timestamp';
  let ms: number;
  if (NUMERIC.test(text)) {
    const n = Number(text);
    ms = Math.round(options.tsUnit === 's' ? n * 1000 : n);
  } else {
    const m = ISO.exec(text);
    if (m === null) return `not a timestamp: "${truncate(text)}" (use epoch ${options.tsUnit} or ISO-8601)`;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = m[4] === undefined ? 0 : Number(m[4]);
    const minute = m[5] === undefined ? 0 : Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    const milli = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
      return `date-time out of range: "${truncate(text)}"`;
    }
    const local = Date.UTC(year, month - 1, day, hour, minute, second, milli);
    if (new Date(local).getUTCDate() !== day) return `no such date: "${truncate(text)}"`;
    const zone = m[8];
    if (zone === undefined) {
      const utc = options.zone.toUtc(local, options.dst);
      if (typeof utc === 'string') return `${utc}: "${truncate(text)}"`;
      ms = utc;
    } else if (zone === 'Z' || zone === 'z') {
      ms = local;
    } else {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
      if (oh > 23 || om > 59) return `offset out of range: "${truncate(text)}"`;
      ms = local - sign * (oh * 60 + om) * 60_000;
    }
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_EPOCH_MS) {
    return `timestamp out of range (before 1970 or too large): "${truncate(text)}"`;
  }
  return ms;
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
