/** Shift and day periods of a window for OEE by shift and by day, in a fixed local UTC offset. */

import type { OeeWindow } from './oee.js';
import { UserError } from '../../domain/errors.js';

export interface OeeShift {
  readonly name: string;
  /** Start in minutes after local midnight; a shift runs until the next shift starts (wrapping over midnight). */
  readonly startMinute: number;
}

export interface OeeShiftCalendar {
  /** Local time = UTC + this many minutes (e.g. 60 for CET). */
  readonly utcOffsetMinutes: number;
  readonly shifts: readonly OeeShift[];
}

/** The usual three-shift calendar: early 06–14, late 14–22, night 22–06. */
export const OEE_THREE_SHIFTS: readonly OeeShift[] = [
  { name: 'early', startMinute: 6 * 60 },
  { name: 'late', startMinute: 14 * 60 },
  { name: 'night', startMinute: 22 * 60 },
];

export interface OeePeriod {
  /** `YYYY-MM-DD` (local date the period starts on), with ` <shift>` for shifts. */
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function localDate(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

/**
 * Shifts overlapping the window, clipped to it. A shift is keyed by the local date it starts on, so the night
 * shift 22–06 starting on 1 March is `2024-03-01 night` also after midnight.
 * @example
 * oeeShiftPeriods({ start: Date.UTC(2024, 2, 1, 6), end: Date.UTC(2024, 2, 1, 22) },
 *   { utcOffsetMinutes: 0, shifts: OEE_THREE_SHIFTS }).map((p) => p.key) // ['2024-03-01 early', '2024-03-01 late']
 */
export function oeeShiftPeriods(window: OeeWindow, calendar: OeeShiftCalendar): OeePeriod[] {
  const shifts = [...calendar.shifts].sort((a, b) => a.startMinute - b.startMinute);
  if (shifts.length === 0) throw new UserError('invalid_input', 'a shift calendar needs at least one shift');
  for (const s of shifts) {
    if (!(Number.isInteger(s.startMinute) && s.startMinute >= 0 && s.startMinute < 1440)) {
      throw new UserError(
        'invalid_input',
        `shift '${s.name}' must start at a whole minute of the day (0–1439)`,
      );
    }
  }
  const offsetMs = calendar.utcOffsetMinutes * MINUTE_MS;
  // Local midnights from the day before the window (its night shift may reach in) to the window's last day.
  const firstDay = Math.floor((window.start + offsetMs) / DAY_MS) - 1;
  const lastDay = Math.floor((window.end + offsetMs) / DAY_MS);
  const out: OeePeriod[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const midnightUtc = day * DAY_MS - offsetMs;
    shifts.forEach((shift, i) => {
      const next = shifts[i + 1];
      const start = midnightUtc + shift.startMinute * MINUTE_MS;
      const end =
        midnightUtc + (next ? next.startMinute : (shifts[0] as OeeShift).startMinute + 1440) * MINUTE_MS;
      const s = Math.max(start, window.start);
      const e = Math.min(end, window.end);
      if (e > s) out.push({ key: `${localDate(day * DAY_MS)} ${shift.name}`, start: s, end: e });
    });
  }
  return out;
}

/** Local calendar days overlapping the window, clipped to it. */
export function oeeDayPeriods(window: OeeWindow, utcOffsetMinutes: number): OeePeriod[] {
  const offsetMs = utcOffsetMinutes * MINUTE_MS;
  const out: OeePeriod[] = [];
  for (
    let day = Math.floor((window.start + offsetMs) / DAY_MS);
    day * DAY_MS - offsetMs < window.end;
    day++
  ) {
    const start = Math.max(day * DAY_MS - offsetMs, window.start);
    const end = Math.min((day + 1) * DAY_MS - offsetMs, window.end);
    if (end > start) out.push({ key: localDate(day * DAY_MS), start, end });
  }
  return out;
}
