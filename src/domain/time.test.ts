import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseTime, toEpochMs } from './time.js';

describe('time at the edges', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('parses ISO-8601 with offset to UTC epoch ms', () => {
    expect(toEpochMs('2026-03-01T13:00:00+01:00')).toBe(now);
  });
  it('parses relative times', () => {
    expect(parseTime('now-2h', now)).toBe(now - 7_200_000);
    expect(parseTime('-15m', now)).toBe(now - 900_000);
    expect(parseTime('now', now)).toBe(now);
    expect(parseTime(String(now), now)).toBe(now);
  });
  it('rejects nonsense with a user error', () => {
    expect(() => parseDurationMs('5 parsecs')).toThrow(/not a duration/);
    expect(() => toEpochMs('yesterday-ish')).toThrow(/ISO-8601/);
  });
});
