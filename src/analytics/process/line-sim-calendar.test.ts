import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { EventCalendar } from './line-sim-calendar.js';

describe('EventCalendar', () => {
  it('pops events in time order, first-in first-out among equal times, growing past its capacity', () => {
    const cal = new EventCalendar(2);
    const rnd = seededRandom(4);
    const pushed: [number, number][] = [];
    for (let code = 0; code < 500; code++) {
      const time = Math.floor(rnd() * 50); // many ties
      cal.push(time, code);
      pushed.push([time, code]);
    }
    // A stable sort by time is exactly the expected order: ties keep insertion order.
    const expected = [...pushed].sort((a, b) => a[0] - b[0]);
    const got: [number, number][] = [];
    while (cal.size > 0) {
      const code = cal.pop();
      got.push([cal.time, code]);
    }
    expect(got).toEqual(expected);
    expect(cal.pop()).toBe(-1);
    expect(cal.peekTime()).toBe(Infinity);
  });

  it('interleaves pushes and pops like a priority queue', () => {
    const cal = new EventCalendar();
    cal.push(5, 1);
    cal.push(3, 2);
    expect(cal.pop()).toBe(2);
    cal.push(4, 3);
    cal.push(5, 4);
    expect([cal.pop(), cal.pop(), cal.pop()]).toEqual([3, 1, 4]);
    expect(cal.time).toBe(5);
  });
});
