import { describe, expect, it } from 'vitest';
import { AlarmTracker, scoreAlarms } from './events.js';

describe('alarms and event scoring', () => {
  it('debounces flags into alarms and merges close ones', () => {
    const t = new AlarmTracker({ consecutive: 2, mergeGapMs: 3 });
    const flags = [1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1];
    flags.forEach((f, ts) => t.push(ts, f === 1));
    // ts 0 alone: no alarm; 2–3 raise at 3, 6 extends it (gap 2 ≤ 3); 11–12 raise a new one at 12
    expect(t.alarms).toEqual([
      { startTs: 3, endTs: 6 },
      { startTs: 12, endTs: 12 },
    ]);
  });

  it('recall before the failure, precision, lead time and delay', () => {
    const faults = [
      { startTs: 100, failureTs: 200, endTs: 250 },
      { startTs: 1000, failureTs: 1100, endTs: 1150 },
      { startTs: 2000, failureTs: 2100, endTs: 2150 },
    ];
    const alarms = [
      { startTs: 50, endTs: 60 }, // false
      { startTs: 140, endTs: 200 }, // detects fault 1: lead 60, delay 40
      { startTs: 170, endTs: 180 }, // true, not the first
      { startTs: 1120, endTs: 1130 }, // after the trip: true alarm, fault 2 not detected in time
      { startTs: 2080, endTs: 2090 }, // detects fault 3: lead 20, delay 80
    ];
    const s = scoreAlarms(alarms, faults);
    expect(s).toMatchObject({ faults: 3, detected: 2, alarms: 5, trueAlarms: 4, precision: 0.8 });
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.leadTimesMs).toEqual([60, 20]);
    expect(s.delaysMs).toEqual([40, 80]);
    expect(s.medianLeadMs).toBe(40);
    expect(s.medianDelayMs).toBe(60);
    expect(Number.isNaN(scoreAlarms([], faults).precision)).toBe(true);
    // an alarm in a fault still developing at the end of the data is neither true nor false
    const ongoing = scoreAlarms([...alarms, { startTs: 3010, endTs: 3020 }], faults, {
      ignore: [{ startTs: 3000 }],
    });
    expect(ongoing).toMatchObject({ alarms: 5, trueAlarms: 4 });
  });
});
