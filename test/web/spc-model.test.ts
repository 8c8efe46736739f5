/** The control-chart view's pure parts (web/src/spc-model.ts): zones, limit steps, flags, axes, alarm lists. */
import { describe, expect, it } from 'vitest';
import {
  ChartsResponse,
  PointsResponse,
  activeAlarmTotal,
  alarmHistory,
  alarmText,
  chartTypeLabel,
  countFlagged,
  describeRules,
  formatSubgroupPolicy,
  formatWhen,
  gapThreshold,
  limitRuns,
  niceTicks,
  sigmaDecimals,
  sortActiveAlarms,
  spreadLabels,
  tickDecimals,
  timeTicks,
  toSpcAlarm,
  valueDecimals,
  valueRange,
  violationText,
  zoneLines,
  type ActiveAlarm,
  type ChartEntry,
  type PlantEvent,
  type PlottedValue,
  type SpcPoint,
} from '../../web/src/spc-model.js';

/** X̄ chart of the demo's press 1: centre 12 mm, σ 0.02 mm, n = 5, so the limits are 12 ± 3·0.02/√5 = 12 ± 0.026833. */
const XBAR = { center: 12, ucl: 12 + (3 * 0.02) / Math.sqrt(5), lcl: 12 - (3 * 0.02) / Math.sqrt(5) };
const NINE_ON_ONE_SIDE = {
  rule: 'nelson.2',
  description: '9 points in a row on one side of the centre line',
};

const value = (v: number, extra: Partial<PlottedValue> = {}): PlottedValue => ({
  value: v,
  ...XBAR,
  violations: [],
  ...extra,
});
const point = (ts: number, level: PlottedValue, dispersion?: PlottedValue): SpcPoint => ({
  ts,
  start: ts - 4_000,
  n: 5,
  quality: 'good',
  level,
  ...(dispersion ? { dispersion } : {}),
});

const alarmEvent = (
  id: string,
  ts: number,
  state: 'raised' | 'cleared',
  chart = 'press1-flange-height',
): PlantEvent => ({
  id,
  kind: 'alarm',
  ts,
  asset: 'acme/plant1/stamping/line1/press1',
  tag: 'acme/plant1/stamping/line1/press1/flange_height',
  code: 'spc.nelson.2',
  severity: 'medium',
  state,
  message: 'Press 1 flange_height: 9 points in a row on one side of the centre line (X̄ 12.0213, CL 12.0000)',
  data: { chart, rule: 'nelson.2', statistic: 'xbar', value: 12.0213, center: 12, n: 5 },
});

describe('zones and limits', () => {
  it('puts the 1σ and 2σ lines a third and two thirds of the way to 3σ limits', () => {
    const z = zoneLines({ center: 12, ucl: 12.03, lcl: 11.97 }, 3);
    expect(z.plus1).toBeCloseTo(12.01, 12);
    expect(z.plus2).toBeCloseTo(12.02, 12);
    expect(z.minus1).toBeCloseTo(11.99, 12);
    expect(z.minus2).toBeCloseTo(11.98, 12);
    // The press chart: σ of X̄ is 0.02/√5 = 0.0089443.
    const press = zoneLines(XBAR, 3);
    expect(press.plus1 - 12).toBeCloseTo(0.0089443, 6);
    expect(12 - press.minus2).toBeCloseTo(0.0178885, 6);
  });

  it('uses the chart’s own width and each side’s σ (asymmetric limits give asymmetric zones)', () => {
    const z = zoneLines({ center: 10, ucl: 14, lcl: 8 }, 2); // σ above 2, below 1
    expect([z.minus2, z.minus1, z.plus1, z.plus2]).toEqual([8, 9, 12, 14]);
  });

  it('makes one limit run while limits hold, and steps halfway to the next point when they change', () => {
    const wide = { center: 12, ucl: 12.04, lcl: 11.96 };
    const runs = limitRuns(
      [
        point(1_000, value(12)),
        point(2_000, value(12.01)),
        point(4_000, value(12, wide)),
        point(5_000, value(12, wide)),
      ],
      'level',
    );
    expect(runs).toEqual([
      { from: -Infinity, to: 3_000, ...XBAR },
      { from: 3_000, to: Infinity, ...wide },
    ]);
  });

  it('skips the first I-MR point, which has no moving range', () => {
    const mr = { value: 0.5, center: 1.128, ucl: 3.686, lcl: 0, violations: [] };
    const runs = limitRuns([point(1_000, value(12)), point(2_000, value(12), mr)], 'dispersion');
    expect(runs).toEqual([{ from: -Infinity, to: Infinity, center: 1.128, ucl: 3.686, lcl: 0 }]);
  });

  it('counts flagged points and names every rule that fired', () => {
    const both = [
      { rule: 'nelson.1', description: '1 point more than 3 standard deviations from the centre line' },
      NINE_ON_ONE_SIDE,
    ];
    const points = [
      point(1, value(12)),
      point(2, value(12.03, { violations: both })),
      point(3, value(12.02)),
    ];
    expect(countFlagged(points, 'level')).toBe(1);
    expect(countFlagged(points, 'dispersion')).toBe(0);
    expect(violationText(both)).toBe(
      'nelson.1: 1 point more than 3 standard deviations from the centre line\n' +
        'nelson.2: 9 points in a row on one side of the centre line',
    );
  });

  it('spans values and limits with 6 % headroom', () => {
    const range = valueRange([point(1, value(12.05)), point(2, value(11.99))], 'level');
    // lowest is the LCL 11.973167, highest the value 12.05: span 0.076833, headroom 0.00461.
    expect(range?.[0]).toBeCloseTo(11.973167 - 0.00461, 5);
    expect(range?.[1]).toBeCloseTo(12.05 + 0.00461, 5);
    expect(valueRange([], 'level')).toBeUndefined();
  });

  it('breaks the line at three times the usual spacing, never under a minute', () => {
    expect(gapThreshold([0, 5_000, 10_000, 15_000, 500_000])).toBe(60_000);
    expect(gapThreshold([0, 60_000, 120_000, 180_000])).toBe(180_000);
    expect(gapThreshold([0, 1])).toBe(Infinity);
  });
});

describe('axes and labels', () => {
  it('ticks at 1, 2 or 5 × 10ⁿ', () => {
    expect(niceTicks(11.96, 12.04, 5)).toEqual([11.96, 11.98, 12, 12.02, 12.04]);
    expect(niceTicks(0, 0.0983, 4)).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(-3, 47, 5)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(1, 1, 5)).toEqual([]);
  });

  it('resolves values one decimal finer than the ticks', () => {
    expect(valueDecimals([11.97, 11.98])).toBe(3);
    expect(tickDecimals([0, 0.02, 0.04])).toBe(2);
    expect(tickDecimals([0, 10, 20])).toBe(0);
    expect(sigmaDecimals(0.02)).toBe(4);
    expect(sigmaDecimals(2.5)).toBe(2);
  });

  it('ticks the time axis at round local times', () => {
    const from = new Date(2026, 0, 5, 13, 52, 10).getTime();
    const hour = 3_600_000;
    const { ticks, stepMs } = timeTicks(from, from + hour, 4);
    expect(stepMs).toBe(15 * 60_000);
    expect(ticks.map((t) => new Date(t).toTimeString().slice(0, 5))).toEqual([
      '14:00',
      '14:15',
      '14:30',
      '14:45',
    ]);
    const day = timeTicks(from, from + 24 * hour, 10);
    expect(day.stepMs).toBe(3 * hour);
    expect(new Date(day.ticks[0] ?? 0).getHours()).toBe(15);
  });

  it('pushes close labels apart around where they belong, keeping their order', () => {
    expect(spreadLabels([100, 104, 200], 12)).toEqual([96, 108, 200]);
    // UCL, CL, LCL of an R chart squeezed together: given out of order, returned in place.
    expect(spreadLabels([50, 45, 40], 13)).toEqual([58, 45, 32]);
    expect(spreadLabels([10, 50, 90], 13)).toEqual([10, 50, 90]);
  });
});

describe('chart settings', () => {
  it('names chart types and subgroup policies as an engineer reads them', () => {
    expect(chartTypeLabel('xbar-r')).toBe('X̄-R');
    expect(chartTypeLabel('ewma')).toBe('ewma');
    expect(formatSubgroupPolicy({ by: 'count', size: 5 })).toBe('5 samples per subgroup');
    expect(formatSubgroupPolicy({ by: 'count', size: 1 })).toBe('individual samples');
    expect(formatSubgroupPolicy({ by: 'time', windowMs: 60_000, minSize: 3 })).toBe(
      '1 min windows (≥ 3 samples)',
    );
  });

  it('lists every test of the preset with the chart’s overrides', () => {
    const nelson = describeRules({ tests: { '7': { enabled: false }, '2': { enabled: true, k: 7 } } });
    expect(nelson.preset).toBe('Nelson');
    expect(nelson.tests).toHaveLength(8);
    expect(nelson.tests[1]).toEqual({ test: '2', enabled: true, k: 7 });
    expect(nelson.tests[6]).toEqual({ test: '7', enabled: false });
    expect(describeRules({ preset: 'western-electric' }).tests.map((t) => t.test)).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(describeRules(undefined).tests.every((t) => t.enabled)).toBe(true);
  });
});

describe('alarms', () => {
  it('reads an SPC alarm event and ignores other events', () => {
    expect(toSpcAlarm(alarmEvent('a', 1_000, 'raised'))).toMatchObject({
      chart: 'press1-flange-height',
      rule: 'nelson.2',
      statistic: 'xbar',
      state: 'raised',
      value: 12.0213,
    });
    expect(toSpcAlarm({ ...alarmEvent('b', 1, 'raised'), code: 'temp.high' })).toBeUndefined();
    expect(toSpcAlarm({ ...alarmEvent('c', 1, 'raised'), kind: 'note' })).toBeUndefined();
    expect(toSpcAlarm({ ...alarmEvent('d', 1, 'raised'), data: {} })).toBeUndefined();
  });

  it('keeps one chart’s history newest first, without the duplicates a refetch and the stream give', () => {
    const fetched = [
      alarmEvent('1', 1_000, 'raised'),
      alarmEvent('2', 5_000, 'cleared'),
      alarmEvent('x', 2_000, 'raised', 'other'),
    ];
    const streamed = [alarmEvent('2', 5_000, 'cleared'), alarmEvent('3', 9_000, 'raised')];
    expect(
      alarmHistory([...fetched, ...streamed], 'press1-flange-height').map((e) => [e.id, e.state]),
    ).toEqual([
      ['3', 'raised'],
      ['2', 'cleared'],
      ['1', 'raised'],
    ]);
  });

  it('drops the tag path a message starts with, and only that', () => {
    const tag = 'acme/plant1/stamping/line1/press1/flange_height';
    expect(alarmText(`${tag}: X̄ chart back in control`, tag)).toBe('X̄ chart back in control');
    expect(alarmText('Press 1: 9 points in a row', tag)).toBe('Press 1: 9 points in a row');
  });

  it('puts the most severe active alarm first, then the oldest, and totals them over charts', () => {
    const alarm = (code: string, severity: string, since: number): ActiveAlarm => ({
      code,
      rule: code.slice(4),
      statistic: 'xbar',
      description: '',
      severity,
      since,
    });
    const sorted = sortActiveAlarms([
      alarm('spc.nelson.2', 'medium', 10),
      alarm('spc.nelson.1', 'high', 30),
      alarm('spc.nelson.5', 'medium', 5),
    ]);
    expect(sorted.map((a) => a.code)).toEqual(['spc.nelson.1', 'spc.nelson.5', 'spc.nelson.2']);
    const entry = (alarms: ActiveAlarm[]): ChartEntry => ({
      config: {
        id: 'c',
        tag: 'a/b',
        type: 'i-mr',
        subgroup: { by: 'count', size: 1 },
        limits: { center: 0, sigma: 1, source: 'given' },
        severity: 'medium',
      },
      status: { subgroups: 1, pending: 0, activeAlarms: alarms },
    });
    expect(activeAlarmTotal([entry(sorted), entry([]), entry([alarm('spc.nelson.3', 'low', 1)])])).toBe(4);
  });

  it('says when briefly: the time today, the date too on another day', () => {
    const now = new Date(2026, 0, 5, 14, 0).getTime();
    expect(formatWhen(new Date(2026, 0, 5, 9, 3, 12).getTime(), now)).toMatch(/^09:03:12$/);
    expect(formatWhen(new Date(2026, 0, 4, 23, 58, 1).getTime(), now)).toMatch(/4.*23:58:01/);
  });
});

describe('wire shapes', () => {
  it('accepts the API’s chart list and points, nulls for absent fields included', () => {
    const charts = ChartsResponse.parse({
      charts: [
        {
          config: {
            id: 'press1-flange-height',
            tag: 'acme/plant1/stamping/line1/press1/flange_height',
            type: 'xbar-r',
            subgroup: { by: 'count', size: 5 },
            limits: { center: 12, sigma: 0.02, nsigmas: 3, source: 'phase-one', estimatedFrom: null },
            rules: { preset: 'nelson' },
            severity: 'medium',
            clearAfter: 5,
            createdAt: 1,
          },
          status: { subgroups: 3, lastSubgroupTs: null, pending: 2, activeAlarms: [] },
        },
      ],
    });
    expect(charts.charts[0]?.config.subgroup).toEqual({ by: 'count', size: 5 });
    const points = PointsResponse.parse({
      chart: charts.charts[0]?.config,
      statistics: { level: 'i', dispersion: 'mr' },
      points: [{ ts: 2, start: 2, n: 1, quality: 'good', level: value(12) }],
      alarms: [alarmEvent('1', 1, 'raised')],
    });
    expect(points.points[0]?.dispersion).toBeUndefined();
    expect(PointsResponse.safeParse({ ...points, points: [{ ts: 'x' }] }).success).toBe(false);
  });
});
