import { describe, expect, it } from 'vitest';
import { type OeeResult, oeeCombine, oeeFromTimes } from './oee.js';
import { oee, oeeByPeriod, oeeTotals } from './oee-batch.js';
import { OEE_THREE_SHIFTS, oeeDayPeriods, oeeShiftPeriods } from './oee-calendar.js';
import { MIN, at, dayInput } from './oee-fixture.test-data.js';
import { oeeCounterIncrements } from './oee-input.js';
import { UserError } from '../../domain/errors.js';

const lossMinutes = (r: OeeResult): Record<string, number> =>
  Object.fromEntries(r.losses.map((l) => [l.loss, l.timeMs / MIN]));

function expectWaterfallSums(r: OeeResult): void {
  const lost = r.losses.reduce((sum, l) => sum + l.timeMs, 0);
  expect(r.plannedBusyTimeMs - lost).toBeCloseTo(r.valuableOperatingTimeMs, 6);
}

describe('OEE against published worked examples', () => {
  // Vorne Industries, "Calculating OEE", oee.com (https://www.oee.com/calculating-oee/): shift 480 min, two 15-min
  // breaks and a 30-min meal → planned production time 420 min; down time 47 min → run time 373 min; ideal cycle
  // time 1.0 s; total count 19,271; reject count 423 → good count 18,848. Published: availability 88.81 %,
  // performance 86.11 %, quality 97.80 %, OEE 74.79 %. By hand: 373/420 = 0.888095; 19271 s / 22380 s = 0.861081;
  // 18848/19271 = 0.978050; OEE = 18848 s / 25200 s = 0.747937.
  const vorne = { availability: 0.8881, effectiveness: 0.8611, qualityRatio: 0.978, oee: 0.7479 };

  it('Vorne from the summary figures', () => {
    const r = oeeFromTimes({
      plannedBusyTimeMs: 420 * MIN,
      downTimeMs: 47 * MIN,
      producedQuantity: 19_271,
      goodQuantity: 18_848,
      idealCycleTimeMs: 1000,
    });
    expect(r.availability).toBeCloseTo(vorne.availability, 4);
    expect(r.effectiveness).toBeCloseTo(vorne.effectiveness, 4);
    expect(r.qualityRatio).toBeCloseTo(vorne.qualityRatio, 4);
    expect(r.oee).toBeCloseTo(vorne.oee, 4);
    expect(r.oee).toBeCloseTo(18_848 / 25_200, 12);
  });

  it('Vorne rebuilt from state events, a part counter and rejects gives the same numbers and exact losses', () => {
    const r = oee({
      window: { start: at(6), end: at(14) },
      states: [
        { ts: at(6), state: 'running' },
        { ts: at(8), state: 'planned_stop', reason: 'break' },
        { ts: at(8, 15), state: 'running' },
        { ts: at(10), state: 'planned_stop', reason: 'meal' },
        { ts: at(10, 30), state: 'running' },
        { ts: at(11), state: 'down', reason: 'jam' },
        { ts: at(11, 47), state: 'running' },
        { ts: at(12, 30), state: 'planned_stop', reason: 'break' },
        { ts: at(12, 45), state: 'running' },
      ],
      produced: oeeCounterIncrements([
        { ts: at(6), value: 5_000 },
        { ts: at(9), value: 12_000 },
        { ts: at(12), value: 20_000 },
        { ts: at(13), value: 271 }, // counter reset at 12:xx: 271 new parts
        { ts: at(13, 59), value: 4_271 },
      ]),
      rejects: [{ ts: at(13), count: 423 }],
      idealCycleTimeMs: 1000,
    });
    expect(r.totals.producedQuantity).toBe(19_271);
    expect(r.plannedBusyTimeMs).toBe(420 * MIN);
    expect(r.actualProductionTimeMs).toBe(373 * MIN);
    expect(r.availability).toBeCloseTo(vorne.availability, 4);
    expect(r.effectiveness).toBeCloseTo(vorne.effectiveness, 4);
    expect(r.qualityRatio).toBeCloseTo(vorne.qualityRatio, 4);
    expect(r.oee).toBeCloseTo(vorne.oee, 4);
    // Losses in seconds: 47 min down = 2820 s; reduced speed = 22380 − 19271 = 3109 s; defects 423 s.
    expect(Object.fromEntries(r.losses.map((l) => [l.loss, l.timeMs / 1000]))).toEqual({
      breakdowns: 2820,
      setupAndAdjustments: 0,
      waiting: 0,
      idlingAndMinorStops: 0,
      reducedSpeed: 3109,
      processDefects: 423,
      reducedYield: 0,
    });
    expect(r.valuableOperatingTimeMs).toBe(18_848_000);
    expectWaterfallSums(r);
  });

  // Willmott & McCarthy, *TPM: A Route to World-Class Performance* (Butterworth-Heinemann, 2001), ch. 6, "Example
  // OEE calculation" (p. 127): planned availability 910 min; downtime = unplanned stoppages 115 + changeovers 12
  // = 127 min → uptime 783 min, availability 783/910 = 86.0 %; standard cycle time 3 min → planned cycles
  // 783/3 = 261; completed cycles 203 → performance 203/261, printed as 77.7 % (= 0.77778, truncated).
  it('Willmott & McCarthy: availability 86.0 %, performance 203/261', () => {
    const r = oee({
      window: { start: 0, end: 910 * MIN },
      states: [
        { ts: 0, state: 'running' },
        { ts: 100 * MIN, state: 'down', reason: 'unplanned' },
        { ts: 215 * MIN, state: 'setup', reason: 'changeover' },
        { ts: 227 * MIN, state: 'running' },
      ],
      produced: [{ ts: 500 * MIN, count: 203 }],
      idealCycleTimeMs: 3 * MIN,
    });
    expect(r.actualProductionTimeMs).toBe(783 * MIN);
    expect(r.availability).toBeCloseTo(0.86, 3);
    expect(r.effectiveness).toBeCloseTo(203 / 261, 12);
    expect(Math.trunc((r.effectiveness ?? 0) * 1000) / 10).toBe(77.7);
    expect(lossMinutes(r)).toMatchObject({
      breakdowns: 115,
      setupAndAdjustments: 12,
      reducedSpeed: 783 - 609,
    });
  });
});

describe('OEE of a production day from state events (hand-computed)', () => {
  // States (min): off 360 + 120 = 480, planned_stop 30, setup 20, down 45, idle 3 + 12 + 2 = 17 (minor stops
  // 3 + 2 = 5 < 5 min each; the 12-min no-material wait is "waiting"), running 100+117+90+75+108+358 = 848.
  // PBT = 1440 − 480 − 30 = 930; APT = 848 + 5 = 853. Ideal 0.5 min × 1600 = 800 min → reduced speed 848 − 800 = 48.
  // Rejects: 4 at 06:25 (5 min after the setup ended) and 6 at 12:50 (after the breakdown) are startup rejects
  // (10 × 0.5 = 5 min); 10 at 15:00 are process defects (5 min). Valuable time 800 − 10 = 790 min.
  const r = oee(dayInput);

  it('six big losses in minutes, summing to the planned busy time', () => {
    expect(r.plannedBusyTimeMs).toBe(930 * MIN);
    expect(r.plannedDownTimeMs).toBe(510 * MIN);
    expect(r.unplannedDownTimeMs).toBe((45 + 20 + 12) * MIN);
    expect(r.actualProductionTimeMs).toBe(853 * MIN);
    expect(lossMinutes(r)).toEqual({
      breakdowns: 45,
      setupAndAdjustments: 20,
      waiting: 12,
      idlingAndMinorStops: 5,
      reducedSpeed: 48,
      processDefects: 5,
      reducedYield: 5,
    });
    expect(r.valuableOperatingTimeMs).toBe(790 * MIN);
    expectWaterfallSums(r);
    expect(r.losses.find((l) => l.loss === 'breakdowns')?.shareOfPlannedBusyTime).toBeCloseTo(45 / 930, 12);
  });

  it('KPIs: A = 853/930, P = 800/853, Q = 1580/1600, OEE = 790/930', () => {
    expect(r.goodQuantity).toBe(1580);
    expect(r.totals.startupRejects).toBe(10);
    expect(r.totals.productionRejects).toBe(10);
    expect(r.availability).toBeCloseTo(853 / 930, 12);
    expect(r.effectiveness).toBeCloseTo(800 / 853, 12);
    expect(r.qualityRatio).toBeCloseTo(0.9875, 12);
    expect(r.oee).toBeCloseTo(790 / 930, 12);
  });

  it('reason codes with their times', () => {
    expect(r.totals.reasons).toContainEqual({ state: 'down', reason: 'bearing_overheat', timeMs: 45 * MIN });
    expect(r.totals.reasons).toContainEqual({ state: 'idle', reason: 'jam', timeMs: 5 * MIN });
    expect(r.totals.reasons).toContainEqual({ state: 'off', reason: 'no_shift', timeMs: 480 * MIN });
  });

  it('without a startup period all rejects are process defects', () => {
    const plain = oee({ ...dayInput, startupMs: 0 });
    expect(lossMinutes(plain)).toMatchObject({ processDefects: 10, reducedYield: 0 });
  });

  it('an ideal rate of 120/h is the same as a 30-s cycle', () => {
    const { idealCycleTimeMs: _unused, ...rest } = dayInput;
    expect(oee({ ...rest, idealRatePerHour: 120 }).oee).toBeCloseTo(790 / 930, 12);
  });
});

describe('OEE edge cases', () => {
  it('an empty window has no ratios', () => {
    const r = oee({ ...dayInput, window: { start: at(9), end: at(9) } });
    expect(r.plannedBusyTimeMs).toBe(0);
    expect([r.availability, r.effectiveness, r.qualityRatio, r.oee]).toEqual([null, null, null, null]);
    expect(r.losses.every((l) => l.timeMs === 0 && l.shareOfPlannedBusyTime === null)).toBe(true);
  });

  it('a planned busy window without output has OEE 0', () => {
    const r = oee({
      window: { start: 0, end: 60 * MIN },
      states: [{ ts: 0, state: 'down' }],
      produced: [],
      idealCycleTimeMs: 1000,
    });
    expect(r.availability).toBe(0);
    expect(r.effectiveness).toBeNull();
    expect(r.oee).toBe(0);
  });

  it('clips at the window edges and takes the start state from the last earlier event', () => {
    // 09:00–12:30 of the day: running 09:00–10:00 (60), break 30, running 10:30–12:00 (90), down 12:00–12:30 (30).
    const r = oee({ ...dayInput, window: { start: at(9), end: at(12, 30) } });
    expect(r.totals.stateTimeMs).toEqual({
      running: 150 * MIN,
      idle: 0,
      setup: 0,
      planned_stop: 30 * MIN,
      down: 30 * MIN,
      off: 0,
    });
    expect(r.totals.producedQuantity).toBe(400);
  });

  it('time before the first event counts as off (no_data)', () => {
    const r = oee({
      window: { start: 0, end: 60 * MIN },
      states: [{ ts: 20 * MIN, state: 'running' }],
      produced: [],
      idealCycleTimeMs: 1000,
    });
    expect(r.totals.stateTimeMs.off).toBe(20 * MIN);
    expect(r.totals.reasons).toContainEqual({ state: 'off', reason: 'no_data', timeMs: 20 * MIN });
    expect(r.plannedBusyTimeMs).toBe(40 * MIN);
  });

  it('rejects bad input with UserError', () => {
    expect(() => oee({ ...dayInput, window: { start: 2, end: 1 } })).toThrow(UserError);
    expect(() => oee({ ...dayInput, states: [...dayInput.states].reverse() })).toThrow(UserError);
    expect(() => oee({ window: dayInput.window, states: [], produced: [] })).toThrow(UserError);
  });
});

describe('OEE roll-ups', () => {
  it('a line adds times and counts, not percentages', () => {
    // Machine A: 100 min planned, all running, 90 parts at 1 min ideal → OEE 0.9.
    // Machine B: 300 min planned, 150 running + 150 down, 150 parts at 1 min ideal → OEE 0.5.
    // Line: valuable 240 min / planned 400 min = 0.6, not the mean 0.7.
    const a = oeeTotals({
      window: { start: 0, end: 100 * MIN },
      states: [{ ts: 0, state: 'running' }],
      produced: [{ ts: 1, count: 90 }],
      idealCycleTimeMs: MIN,
    });
    const b = oeeTotals({
      window: { start: 0, end: 300 * MIN },
      states: [
        { ts: 0, state: 'running' },
        { ts: 150 * MIN, state: 'down' },
      ],
      produced: [{ ts: 1, count: 150 }],
      idealCycleTimeMs: MIN,
    });
    const line = oeeCombine([a, b]);
    expect(line.oee).toBeCloseTo(0.6, 12);
    expect(line.availability).toBeCloseTo(250 / 400, 12);
    expect(line.effectiveness).toBeCloseTo(240 / 250, 12);
    expectWaterfallSums(line);
  });

  it('three shifts and the day: periods tile the day and their totals add up to the day', () => {
    const calendar = { utcOffsetMinutes: 0, shifts: OEE_THREE_SHIFTS };
    const periods = oeeShiftPeriods(dayInput.window, calendar);
    expect(periods.map((p) => p.key)).toEqual([
      '2024-03-04 night',
      '2024-03-05 early',
      '2024-03-05 late',
      '2024-03-05 night',
    ]);
    expect(periods.map((p) => [(p.start - at(0)) / MIN, (p.end - at(0)) / MIN])).toEqual([
      [0, 360],
      [360, 840],
      [840, 1320],
      [1320, 1440],
    ]);
    const byShift = oeeByPeriod(dayInput, periods);
    const early = byShift[1]?.result;
    // Early 06–14: setup 20, running 100+117+90+75 = 382, minor 3, break 30, down 45 → PBT 450, APT 385.
    expect(early?.plannedBusyTimeMs).toBe(450 * MIN);
    expect(early?.actualProductionTimeMs).toBe(385 * MIN);
    const combined = oeeCombine(byShift.map((s) => s.result.totals));
    const day = oee(dayInput);
    expect(combined.losses).toEqual(day.losses);
    expect(combined.oee).toBeCloseTo(day.oee ?? NaN, 12);
    const days = oeeDayPeriods(dayInput.window, 0);
    expect(days).toEqual([{ key: '2024-03-05', start: at(0), end: at(24) }]);
  });

  it('shift and day keys follow the local offset', () => {
    // UTC+60: local 06:00 is 05:00 UTC; the local night shift 22–06 starting 4 March runs 21:00–05:00 UTC.
    const window = { start: at(0), end: at(24) };
    const periods = oeeShiftPeriods(window, { utcOffsetMinutes: 60, shifts: OEE_THREE_SHIFTS });
    expect(periods.map((p) => [p.key, (p.start - at(0)) / MIN, (p.end - at(0)) / MIN])).toEqual([
      ['2024-03-04 night', 0, 300],
      ['2024-03-05 early', 300, 780],
      ['2024-03-05 late', 780, 1260],
      ['2024-03-05 night', 1260, 1440],
    ]);
    expect(
      oeeDayPeriods(window, 60).map((p) => [p.key, (p.start - at(0)) / MIN, (p.end - at(0)) / MIN]),
    ).toEqual([
      ['2024-03-05', 0, 1380],
      ['2024-03-06', 1380, 1440],
    ]);
  });
});
