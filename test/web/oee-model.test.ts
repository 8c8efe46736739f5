/**
 * The OEE page's pure parts (web/src/oee-model.ts): wire shapes, scopes and windows, how the figures read, and the
 * geometry of the loss waterfall and the trend. The waterfall's known answer is Vorne's worked example
 * (oee.com, "OEE calculation"): a 420-minute planned production time, 47 minutes down, an ideal cycle of 1.0 s,
 * 19,271 parts of which 18,848 good — availability 88.81 %, performance 86.11 %, quality 97.80 %, OEE 74.79 %.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCOPE,
  OeeLive,
  OeeMachinesResponse,
  OeeReport,
  defaultScope,
  hasData,
  hoursMinutes,
  hoursTick,
  isOeeWindow,
  linePath,
  lossLabel,
  minutesText,
  percentText,
  periodTick,
  reasonLabel,
  reportQuery,
  scopeOptions,
  stepText,
  stopReasons,
  topStopText,
  trendGeometry,
  waterfallGeometry,
  waterfallSteps,
  type OeeSummary,
} from '../../web/src/oee-model.js';

const MIN = 60_000;
const HOUR = 3_600_000;

/** Vorne's example as src/app/process/oee-report.ts oeeSummary would send it. */
function vorne(): OeeSummary {
  const pbt = 420 * MIN;
  const losses = [
    { loss: 'breakdowns', factor: 'availability', timeMs: 47 * MIN },
    { loss: 'setupAndAdjustments', factor: 'availability', timeMs: 0 },
    { loss: 'waiting', factor: 'availability', timeMs: 0 },
    { loss: 'idlingAndMinorStops', factor: 'performance', timeMs: 0 },
    // run time 373 min = 22,380 s, ideal time of 19,271 parts at 1 s: 3,109 s lost to speed
    { loss: 'reducedSpeed', factor: 'performance', timeMs: 3_109_000 },
    { loss: 'processDefects', factor: 'quality', timeMs: 423_000 },
    { loss: 'reducedYield', factor: 'quality', timeMs: 0 },
  ].map((l) => ({ ...l, share: l.timeMs / pbt }));
  return {
    availability: 373 / 420,
    performance: 19_271 / 22_380,
    quality: 18_848 / 19_271,
    oee: 18_848_000 / pbt,
    plannedBusyTimeMs: pbt,
    runTimeMs: 373 * MIN,
    producedQuantity: 19_271,
    goodQuantity: 18_848,
    rejectQuantity: 423,
    losses,
    waterfall: [
      { label: 'Planned busy time', timeMs: pbt },
      ...losses.map((l) => ({ label: lossLabel(l.loss), timeMs: -l.timeMs })),
      { label: 'Valuable operating time', timeMs: 18_848_000 },
    ],
    topReasons: [
      { state: 'idle', reason: '', timeMs: 2 * MIN },
      { state: 'down', reason: 'die_jam', timeMs: 30 * MIN },
      { state: 'down', reason: 'bearing_overheat', timeMs: 17 * MIN },
    ],
  };
}

describe('wire shapes', () => {
  it('reads a report and a live answer as src/app/operations/oee.ts sends them, extra fields and all', () => {
    const total = vorne();
    const body = {
      window: { from: 0, to: 8 * HOUR },
      from: 0,
      to: 8 * HOUR,
      asset: 'acme/plant1/stamping/line1',
      total,
      machines: [
        { asset: 'acme/plant1/stamping/line1/press1', name: 'Press 1', idealCycleTimeS: 1, result: total },
      ],
      periods: [{ start: 0, end: 8 * HOUR, label: '2026-11-23 early', total }],
    };
    const report = OeeReport.parse(body);
    expect(report.total.oee).toBeCloseTo(0.7479, 4);
    expect(report.machines[0]?.name).toBe('Press 1');
    const live = OeeLive.parse({
      ...body,
      shift: { label: '2026-11-23 early', start: 0, end: 8 * HOUR },
      updatedAt: 123,
    });
    expect(live.shift?.label).toBe('2026-11-23 early');
    // A ratio without planned busy time arrives as null.
    expect(OeeReport.safeParse({ ...body, total: { ...total, oee: null } }).success).toBe(true);
    expect(OeeReport.safeParse({ ...body, total: { ...total, losses: 'none' } }).success).toBe(false);
  });

  it('reads the configured machines', () => {
    const parsed = OeeMachinesResponse.parse({
      machines: [
        {
          asset: 'a/l/p1',
          idealCycleTimeS: 4,
          counterTag: 'a/l/p1/cycle_count',
          rejectTags: [],
          updatedBy: 'x',
        },
      ],
    });
    expect(parsed.machines).toEqual([{ asset: 'a/l/p1', idealCycleTimeS: 4 }]);
  });
});

describe('scope and window', () => {
  const assets = [
    { path: 'acme', level: 'enterprise', name: 'ACME' },
    { path: 'acme/plant1/machining/cnc-cell1', level: 'cell', name: 'CNC cell 1' },
    { path: 'acme/plant1/machining/cnc-cell1/mill1', level: 'equipment', name: 'Mill 1' },
    { path: 'acme/plant1/stamping/line1', level: 'line', name: 'Stamping line 1' },
    { path: 'acme/plant1/stamping/line1/press2', level: 'equipment', name: 'Press 2' },
    { path: 'acme/plant1/stamping/line1/press1', level: 'equipment', name: 'Press 1' },
    { path: 'acme/plant1/stamping/line2', level: 'line', name: 'Line 2 (nothing configured)' },
  ];

  it('offers each line or cell with configured machines, then those machines, by path', () => {
    const options = scopeOptions(
      [
        { asset: 'acme/plant1/stamping/line1/press2' },
        { asset: 'acme/plant1/stamping/line1/press1' },
        { asset: 'acme/plant1/machining/cnc-cell1/mill1' },
        { asset: 'acme/plant1/loose/lathe', name: 'Lathe' },
      ],
      assets,
    );
    expect(options).toEqual([
      { path: 'acme/plant1/loose/lathe', label: 'Lathe', kind: 'machine' },
      { path: 'acme/plant1/machining/cnc-cell1', label: 'CNC cell 1', kind: 'group' },
      { path: 'acme/plant1/machining/cnc-cell1/mill1', label: 'Mill 1', kind: 'machine' },
      { path: 'acme/plant1/stamping/line1', label: 'Stamping line 1', kind: 'group' },
      { path: 'acme/plant1/stamping/line1/press1', label: 'Press 1', kind: 'machine' },
      { path: 'acme/plant1/stamping/line1/press2', label: 'Press 2', kind: 'machine' },
    ]);
    expect(scopeOptions([], assets)).toEqual([]);
  });

  it('opens on the scope asked for, else the stamping line, else the first', () => {
    const options = scopeOptions([{ asset: 'acme/plant1/stamping/line1/press1' }], assets);
    expect(defaultScope(options)).toBe(DEFAULT_SCOPE);
    expect(defaultScope(options, 'acme/plant1/stamping/line1/press1')).toBe(
      'acme/plant1/stamping/line1/press1',
    );
    expect(defaultScope(options, 'acme/elsewhere')).toBe(DEFAULT_SCOPE);
    const cell = scopeOptions([{ asset: 'acme/plant1/machining/cnc-cell1/mill1' }], assets);
    expect(defaultScope(cell)).toBe('acme/plant1/machining/cnc-cell1');
    expect(defaultScope([])).toBeUndefined();
  });

  it('asks for the last 24 h by shift or the last 7 days by day, ending at the whole second', () => {
    const now = Date.parse('2026-11-23T15:30:12.345Z');
    const to = Date.parse('2026-11-23T15:30:12Z');
    expect(reportQuery('24h', 'x', now)).toEqual({ asset: 'x', from: to - 24 * HOUR, to, by: 'shift' });
    expect(reportQuery('7d', 'x', now)).toEqual({ asset: 'x', from: to - 7 * 24 * HOUR, to, by: 'day' });
    expect(['shift', '24h', '7d', '1h', undefined].map((w) => isOeeWindow(w))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('how the figures read', () => {
  it('shows ratios as percentages with one decimal', () => {
    const v = vorne();
    expect([v.oee, v.availability, v.performance, v.quality].map(percentText)).toEqual([
      '74.8 %',
      '88.8 %',
      '86.1 %',
      '97.8 %',
    ]);
    expect([null, undefined, Number.NaN, 1].map(percentText)).toEqual(['—', '—', '—', '100.0 %']);
  });

  it('shows durations in hours and minutes, a negative loss as a gain', () => {
    expect([7_500_000, 2_700_000, 42_000, 0, -180_000, 420 * MIN].map(hoursMinutes)).toEqual([
      '2 h 05 min',
      '45 min',
      '42 s',
      '0 min',
      '−3 min',
      '7 h 00 min',
    ]);
    expect(minutesText(754_000)).toBe('12.6');
    expect([2, 1.5, 0.5, 0].map(hoursTick)).toEqual(['2 h', '1.5 h', '30 min', '0 h']);
  });

  it('lists the longest stops that are losses (not running, off or planned stops), and each machine’s longest', () => {
    const reasons = [
      ...vorne().topReasons,
      { state: 'running', reason: '', timeMs: 300 * MIN },
      { state: 'off', reason: 'no data', timeMs: 900 * MIN },
      { state: 'planned_stop', reason: 'maintenance', timeMs: 60 * MIN },
    ];
    expect(stopReasons(reasons).map((r) => r.reason)).toEqual(['die_jam', 'bearing_overheat', '']);
    expect(topStopText(reasons)).toBe('Down · die jam (30 min)');
    expect(topStopText([])).toBe('—');
    expect(reasonLabel('')).toBe('(no reason)');
    expect(lossLabel('reducedYield')).toBe('Reduced yield');
    expect(lossLabel('newLoss')).toBe('newLoss');
  });

  it('has data only with planned busy time', () => {
    expect(hasData(vorne())).toBe(true);
    expect(hasData({ plannedBusyTimeMs: 0 })).toBe(false);
  });
});

describe('the loss waterfall', () => {
  it('steps from planned busy time down by each loss to the valuable operating time (Vorne)', () => {
    const steps = waterfallSteps(vorne());
    expect(steps.map((s) => s.key)).toEqual([
      'plannedBusyTime',
      'breakdowns',
      'setupAndAdjustments',
      'waiting',
      'idlingAndMinorStops',
      'reducedSpeed',
      'processDefects',
      'reducedYield',
      'valuableOperatingTime',
    ]);
    expect(steps[0]).toMatchObject({ kind: 'start', low: 0, high: 25_200_000, share: 1 });
    expect(steps[1]).toMatchObject({ factor: 'availability', low: 22_380_000, high: 25_200_000 });
    expect(steps[5]).toMatchObject({ factor: 'performance', low: 19_271_000, high: 22_380_000 });
    expect(steps[6]).toMatchObject({ factor: 'quality', low: 18_848_000, high: 19_271_000 });
    const end = steps[8];
    expect(end).toMatchObject({ kind: 'end', timeMs: 18_848_000, low: 0, high: 18_848_000 });
    // The valuable share is the OEE: 74.79 %.
    expect(end?.share).toBeCloseTo(0.7479, 4);
    expect(stepText(steps[1] ?? fail())).toBe('47 min · 11.2 %');
    expect(stepText(end ?? fail())).toBe('5 h 14 min · 74.8 %');
  });

  it('draws a negative loss (faster than the ideal cycle) as a step up', () => {
    const steps = waterfallSteps({
      plannedBusyTimeMs: 100 * MIN,
      losses: [
        { loss: 'breakdowns', factor: 'availability', timeMs: 10 * MIN },
        { loss: 'reducedSpeed', factor: 'performance', timeMs: -5 * MIN },
      ],
    });
    expect(steps[2]).toMatchObject({ low: 90 * MIN, high: 95 * MIN, timeMs: -5 * MIN });
    expect(steps[3]).toMatchObject({ timeMs: 95 * MIN, low: 0, high: 95 * MIN });
  });

  it('places the bars in a box, loss heights summing to planned busy time minus valuable', () => {
    const box = { width: 600, height: 300, margin: { top: 20, right: 10, bottom: 30, left: 50 } };
    const g = waterfallGeometry(waterfallSteps(vorne()), box);
    // 7 h on an axis ticked every 2 h up to 8 h; 250 px of plot.
    expect(g.ticks.map((t) => t.hours)).toEqual([0, 2, 4, 6, 8]);
    expect(g.ticks.map((t) => t.y)).toEqual([270, 207.5, 145, 82.5, 20]);
    expect(g.baseline).toBe(270);
    const [pbt, breakdowns] = g.bars;
    expect(pbt).toMatchObject({ x: 60.8, width: 38.4, cx: 80, height: 218.75, y: 51.25 });
    expect(breakdowns?.height).toBeCloseTo((47 / 480) * 250, 9);
    expect(breakdowns?.y).toBeCloseTo(51.25, 9);
    const losses = g.bars.filter((b) => b.kind === 'loss').reduce((sum, b) => sum + b.height, 0);
    const valuable = g.bars[g.bars.length - 1];
    expect(valuable?.height).toBeCloseTo((18_848 / 28_800) * 250, 9);
    expect(losses).toBeCloseTo((pbt?.height ?? 0) - (valuable?.height ?? 0), 9);
    expect(valuable?.y).toBeCloseTo(270 - (valuable?.height ?? 0), 9);
  });

  it('ticks a short window in minutes', () => {
    const box = { width: 400, height: 200, margin: { top: 0, right: 0, bottom: 0, left: 0 } };
    const g = waterfallGeometry(waterfallSteps({ plannedBusyTimeMs: 20 * MIN, losses: [] }), box);
    expect(g.ticks.map((t) => hoursTick(t.hours))).toEqual([
      '0 h',
      '3 min',
      '6 min',
      '9 min',
      '12 min',
      '15 min',
      '18 min',
      '21 min',
    ]);
    expect(g.bars[0]?.height).toBeCloseTo((20 / 21) * 200, 9);
  });
});

describe('the trend', () => {
  const period = (label: string, oee: number | null, availability: number | null) => ({
    label,
    total: {
      ...vorne(),
      oee,
      availability,
      performance: availability === null ? null : 0.9,
      quality: availability === null ? null : 1.2,
    },
  });

  it('puts one point per period in equal slots, a gap where a period has no data', () => {
    const box = { width: 340, height: 220, margin: { top: 10, right: 10, bottom: 10, left: 30 } };
    const g = trendGeometry(
      [
        period('2026-11-23 early', 0.5, 0.8),
        period('2026-11-23 late', null, null),
        period('2026-11-23 night', 0.25, 1),
      ],
      box,
    );
    expect(g.slots.map((s) => s.cx)).toEqual([80, 180, 280]);
    expect(g.slots[0]?.width).toBe(100);
    // A quality of 120 % lifts the axis to 120 %: 200 px for 1.2.
    expect(g.ticks.map((t) => t.percent)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(g.baseline).toBe(210);
    expect(g.series.oee.map((p) => p.y)).toEqual([210 - (0.5 / 1.2) * 200, null, 210 - (0.25 / 1.2) * 200]);
    expect(g.series.availability.map((p) => p.value)).toEqual([0.8, null, 1]);
    expect(g.series.quality).toHaveLength(3);
    expect(linePath(g.series.availability)).toMatch(/^M80 \d+(\.\d+)? M280 \d+(\.\d+)?$/);
  });

  it('joins runs without gaps into path data', () => {
    expect(
      linePath([
        { x: 1, y: 2 },
        { x: 3, y: null },
        { x: 5, y: 6 },
        { x: 7, y: 8.123 },
      ]),
    ).toBe('M1 2 M5 6 L7 8.12');
    expect(linePath([])).toBe('');
  });

  it('labels shifts and days briefly', () => {
    expect(['2026-11-23 early', '2026-11-23', 'week 48'].map(periodTick)).toEqual([
      '23 early',
      '11-23',
      'week 48',
    ]);
  });
});

function fail(): never {
  throw new Error('missing step');
}
