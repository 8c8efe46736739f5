/** Time at the edges: ISO-8601 or epoch ms in, UTC epoch ms inside. */
import { UserError } from './errors.js';

/** Converts an epoch-ms number or an ISO-8601 string (with offset) to UTC epoch ms. */
export function toEpochMs(value: number | string, field = 'ts'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UserError('invalid_input', `${field} is not a finite number`);
    return value;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UserError('invalid_input', `${field} is not an ISO-8601 date-time: ${value}`);
  return ms;
}

/** Relative durations accepted by queries: 90s, 15m, 2h, 7d. */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };

export function parseDurationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  const unit = m?.[2];
  if (!m?.[1] || unit === undefined) {
    throw new UserError('invalid_input', `not a duration: "${text}" (use e.g. 500ms, 30s, 15m, 2h, 7d)`);
  }
  return Number(m[1]) * (UNIT_MS[unit] ?? 1);
}

/**
 * Parses a time given at an edge: epoch ms, ISO-8601, "now", or "now-<duration>" / "-<duration>".
 * @example parseTime('now-1h', Date.parse('2026-01-01T01:00:00Z')) === Date.parse('2026-01-01T00:00:00Z')
 */
export function parseTime(text: string | number, now: number): number {
  if (typeof text === 'number') return toEpochMs(text);
  const t = text.trim();
  if (t === 'now') return now;
  const rel = /^(?:now)?-(.+)$/.exec(t);
  if (rel?.[1] !== undefined) return now - parseDurationMs(rel[1]);
  if (/^\d+$/.test(t)) return Number(t);
  return toEpochMs(t);
}
