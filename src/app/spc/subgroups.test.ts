import { describe, expect, it } from 'vitest';
import { Subgrouper } from './subgroups.js';

const GOOD = 0;
const UNCERTAIN = 1;
const BAD = 2;

describe('Subgrouper by count', () => {
  it('closes a subgroup every n good samples, in arrival order', () => {
    const g = new Subgrouper({ by: 'count', size: 3 });
    const closed = [1, 2, 3, 4, 5, 6, 7].map((v, i) => g.add(1000 * i, v, GOOD));
    expect(closed.map((c) => c?.values)).toEqual([
      undefined,
      undefined,
      [1, 2, 3],
      undefined,
      undefined,
      [4, 5, 6],
      undefined,
    ]);
    expect(closed[5]).toMatchObject({ start: 3000, end: 5000, quality: 'good' });
    expect(g.pending).toBe(1);
  });

  it('leaves bad samples out and marks their subgroup uncertain; an uncertain sample counts but marks it too', () => {
    const g = new Subgrouper({ by: 'count', size: 2 });
    expect(g.add(0, 10, GOOD)).toBeUndefined();
    expect(g.add(1, 99, BAD)).toBeUndefined();
    expect(g.add(2, 11, GOOD)).toEqual({ values: [10, 11], start: 0, end: 2, quality: 'uncertain' });
    expect(g.add(3, 12, GOOD)).toBeUndefined();
    expect(g.add(4, 13, UNCERTAIN)).toEqual({ values: [12, 13], start: 3, end: 4, quality: 'uncertain' });
    expect(g.add(5, 14, GOOD)).toBeUndefined();
    expect(g.add(6, 15, GOOD)?.quality).toBe('good');
    expect(g.counters).toEqual({ bad: 1, late: 0, dropped: 0 });
  });

  it('counts samples older than the newest taken as late and leaves them out; equal times are taken', () => {
    const g = new Subgrouper({ by: 'count', size: 3 });
    g.add(5000, 1, GOOD);
    expect(g.add(4000, 2, GOOD)).toBeUndefined();
    g.add(5000, 3, GOOD);
    expect(g.add(6000, 4, GOOD)?.values).toEqual([1, 3, 4]);
    expect(g.counters.late).toBe(1);
  });

  it('skipUntil makes earlier samples late (what was evaluated before a restart)', () => {
    const g = new Subgrouper({ by: 'count', size: 2 });
    g.skipUntil(10_001);
    g.add(10_000, 1, GOOD);
    expect(g.pending).toBe(0);
    expect(g.counters.late).toBe(1);
  });
});

describe('Subgrouper by time window', () => {
  it('groups the samples of each epoch-aligned window, closing it on the first sample of a later one', () => {
    const g = new Subgrouper({ by: 'time', windowMs: 60_000, minSize: 2 });
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(g.add(t + 10_000, 1, GOOD)).toBeUndefined();
    expect(g.add(t + 50_000, 2, GOOD)).toBeUndefined();
    expect(g.add(t + 59_999, 3, GOOD)).toBeUndefined();
    expect(g.add(t + 60_000, 4, GOOD)).toEqual({
      values: [1, 2, 3],
      start: t + 10_000,
      end: t + 59_999,
      quality: 'good',
    });
    // A window with one sample (< minSize 2) is dropped when a later window starts.
    expect(g.add(t + 180_000, 5, GOOD)).toBeUndefined();
    expect(g.counters.dropped).toBe(1);
    g.add(t + 190_000, 6, GOOD);
    expect(g.flush()).toEqual({ values: [5, 6], start: t + 180_000, end: t + 190_000, quality: 'good' });
  });

  it('a bad sample marks only its own window uncertain', () => {
    const g = new Subgrouper({ by: 'time', windowMs: 1000, minSize: 2 });
    g.add(0, 1, GOOD);
    g.add(100, 0, BAD);
    g.add(200, 2, GOOD);
    expect(g.add(1000, 3, GOOD)?.quality).toBe('uncertain');
    g.add(1500, 4, GOOD);
    expect(g.add(2000, 5, GOOD)?.quality).toBe('good');
  });

  it('takes at most 50 samples per window and counts the rest as dropped', () => {
    const g = new Subgrouper({ by: 'time', windowMs: 60_000, minSize: 2 });
    for (let i = 0; i < 60; i++) g.add(i, i, GOOD);
    expect(g.flush()?.values).toHaveLength(50);
    expect(g.counters.dropped).toBe(10);
  });
});
