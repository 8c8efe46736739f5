import { describe, expect, it } from 'vitest';
import { OeeAccumulator } from './oee-accumulator.js';
import { type OeeInput, oeeTotals } from './oee-batch.js';
import { MIN, at, dayInput } from './oee-fixture.test-data.js';
import type { OeeCount, OeeStateEvent } from './oee-input.js';
import { oeeCounterIncrements, oeeStateIntervals } from './oee-input.js';
import { MACHINE_STATES } from '../../domain/event.js';
import { UserError } from '../../domain/errors.js';
import { seededRandom } from '../random.js';

type Item =
  | { ts: number; order: 0; event: OeeStateEvent }
  | { ts: number; order: 1; produced: number }
  | { ts: number; order: 2; rejects: number };

/** Feeds an accumulator in time order (state events first at equal times) and checks it against the batch. */
function checkAgainstBatch(input: OeeInput, nows: readonly number[]): void {
  const items: Item[] = [
    ...input.states.map((event): Item => ({ ts: event.ts, order: 0, event })),
    ...input.produced.map((c): Item => ({ ts: c.ts, order: 1, produced: c.count })),
    ...(input.rejects ?? []).map((c): Item => ({ ts: c.ts, order: 2, rejects: c.count })),
  ].sort((a, b) => a.ts - b.ts || a.order - b.order);
  const acc = new OeeAccumulator(input.window, input);
  let i = 0;
  for (const now of [...nows].sort((a, b) => a - b)) {
    for (; i < items.length && (items[i] as Item).ts <= now; i++) {
      const item = items[i] as Item;
      if (item.order === 0) acc.state(item.event);
      else if (item.order === 1) acc.produced(item.ts, item.produced);
      else acc.rejects(item.ts, item.rejects);
    }
    const end = Math.min(Math.max(now, input.window.start), input.window.end);
    const upToNow = (c: OeeCount): boolean => c.ts <= now;
    const batch = oeeTotals({
      ...input,
      window: { start: input.window.start, end },
      states: input.states.filter((e) => e.ts <= now),
      produced: input.produced.filter(upToNow),
      rejects: (input.rejects ?? []).filter(upToNow),
    });
    expect(acc.totals(now), `now = ${now}`).toEqual(batch);
  }
}

describe('OeeAccumulator gives the batch numbers', () => {
  it('on the hand-computed day, at open idle episodes, exact count times and after the window', () => {
    checkAgainstBatch(dayInput, [
      at(0),
      at(6, 10),
      at(6, 25),
      at(8, 2),
      at(12, 50),
      at(14, 4),
      at(14, 5),
      at(16, 1),
      at(21),
      at(24),
      at(25),
    ]);
  });

  it('with a window that starts mid-stream', () => {
    checkAgainstBatch({ ...dayInput, window: { start: at(8, 1), end: at(15, 30) } }, [
      at(8, 2),
      at(12),
      at(16),
    ]);
  });

  it('on seeded random state, count and reject streams', () => {
    const rnd = seededRandom(22400);
    const states: OeeStateEvent[] = [];
    const produced: OeeCount[] = [];
    const rejects: OeeCount[] = [];
    let t = 0;
    for (let k = 0; k < 300; k++) {
      t += Math.floor(rnd() * 12 * MIN);
      const state = MACHINE_STATES[Math.floor(rnd() * MACHINE_STATES.length)] ?? 'running';
      states.push({ ts: t, state, reason: `r${Math.floor(rnd() * 3)}` });
      produced.push({ ts: t + Math.floor(rnd() * MIN), count: Math.floor(rnd() * 20) });
      if (rnd() < 0.4) rejects.push({ ts: t + MIN + Math.floor(rnd() * MIN), count: Math.floor(rnd() * 3) });
    }
    const sorted = (a: OeeCount[]): OeeCount[] => a.sort((x, y) => x.ts - y.ts);
    const input: OeeInput = {
      window: { start: 200 * MIN, end: t - 100 * MIN },
      states,
      produced: sorted(produced),
      rejects: sorted(rejects),
      idealCycleTimeMs: 7_000,
      startupMs: 4 * MIN,
    };
    const nows = Array.from({ length: 40 }, () => Math.floor(rnd() * (t + 10 * MIN)));
    checkAgainstBatch(input, nows);
  });

  it('takes counter readings with resets like oeeCounterIncrements', () => {
    const readings = [
      { ts: 0, value: 10 },
      { ts: MIN, value: 25 },
      { ts: 2 * MIN, value: 4 },
      { ts: 3 * MIN, value: 9 },
    ];
    expect(oeeCounterIncrements(readings)).toEqual([
      { ts: MIN, count: 15 },
      { ts: 2 * MIN, count: 4 },
      { ts: 3 * MIN, count: 5 },
    ]);
    const acc = new OeeAccumulator({ start: 0, end: 10 * MIN }, { idealCycleTimeMs: 1000 });
    acc.state({ ts: 0, state: 'running' });
    for (const r of readings) acc.counter(r.ts, r.value);
    expect(acc.totals(10 * MIN).producedQuantity).toBe(24);
    expect(acc.report(10 * MIN).effectiveness).toBeCloseTo(24_000 / (10 * MIN), 12);
  });

  it('refuses input out of time order', () => {
    const acc = new OeeAccumulator({ start: 0, end: 10 * MIN }, { idealCycleTimeMs: 1000 });
    acc.state({ ts: 5 * MIN, state: 'running' });
    expect(() => acc.produced(MIN, 1)).toThrow(UserError);
    expect(() => acc.totals(MIN)).toThrow(UserError);
  });
});

describe('oeeStateIntervals', () => {
  it('clips to the window, starts from the last earlier event and keeps whole episode lengths', () => {
    const events: OeeStateEvent[] = [
      { ts: 0, state: 'idle', reason: 'wait' },
      { ts: 10 * MIN, state: 'running' },
      { ts: 20 * MIN, state: 'down', reason: 'x' },
      { ts: 40 * MIN, state: 'running' },
    ];
    expect(oeeStateIntervals(events, { start: 5 * MIN, end: 30 * MIN })).toEqual([
      { start: 5 * MIN, end: 10 * MIN, state: 'idle', reason: 'wait', episodeMs: 10 * MIN },
      { start: 10 * MIN, end: 20 * MIN, state: 'running', reason: '', episodeMs: 10 * MIN },
      { start: 20 * MIN, end: 30 * MIN, state: 'down', reason: 'x', episodeMs: 20 * MIN },
    ]);
    expect(oeeStateIntervals([], { start: 0, end: MIN })).toEqual([
      { start: 0, end: MIN, state: 'off', reason: 'no_data', episodeMs: MIN },
    ]);
  });
});
