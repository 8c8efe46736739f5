/**
 * OEE through the real ingest path and store (DuckDB): machine-state events, part counter readings, an out-of-spec
 * part and a failed inspection → availability, performance and quality worked out by hand below; the roll-up of
 * two machines by adding times; a report by shift split at 06:00; the live processor giving the same figures; and
 * the configuration checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citeToolResult } from '../../src/app/assistant/citations.js';
import type { App } from '../../src/app/registry.js';
import type { Principal } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { tempDir } from '../helpers/platform.js';

const MIN = 60_000;
/** 06:00 UTC: the start of the early shift. */
const T0 = Date.parse('2026-03-02T06:00:00Z');
const LINE = 'acme/p1/stamping/l1';
const M1 = `${LINE}/m1`;
const M2 = `${LINE}/m2`;
const VIEWER: Principal = { id: 'v', name: 'viewer', role: 'viewer' };

interface Summary {
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  plannedBusyTimeMs: number;
  runTimeMs: number;
  producedQuantity: number;
  goodQuantity: number;
  rejectQuantity: number;
  losses: { loss: string; timeMs: number; share: number | null }[];
  waterfall: { label: string; timeMs: number }[];
  topReasons: { state: string; reason: string; timeMs: number }[];
}
interface Report {
  window: { from: number; to: number };
  asset: string;
  total: Summary;
  machines: { asset: string; name: string; idealCycleTimeS: number; result: Summary }[];
  periods: { start: number; end: number; label: string; total: Summary }[];
  shift?: { label: string; start: number; end: number };
  updatedAt?: number;
}

const state = (asset: string, minutes: number, s: string, reason?: string) => ({
  kind: 'machine_state',
  asset,
  ts: T0 + minutes * MIN,
  state: s,
  ...(reason !== undefined && { reason }),
});
const sample = (tag: string, minutes: number, value: number, quality = 'good') => ({
  tag,
  ts: T0 + minutes * MIN,
  value,
  quality,
});

describe('OEE from stored data and live', () => {
  const dir = tempDir();
  const clock = { now: () => T0 + 60 * MIN };
  let core: Awaited<ReturnType<typeof openCore>>;
  let app: App;
  const call = (name: string, input: unknown, principal: Principal = SYSTEM_PRINCIPAL) =>
    app.call(name, input, principal);
  const report = (input: Record<string, unknown>) => call('oee.report', input) as Promise<Report>;

  beforeAll(async () => {
    core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
    app = core.app;
    for (const [path, level] of [
      ['acme', 'enterprise'],
      ['acme/p1', 'site'],
      ['acme/p1/stamping', 'area'],
      [LINE, 'line'],
      [M1, 'equipment'],
      [M2, 'equipment'],
    ] as const) {
      await call('assets.create', { path, level, name: path.split('/').at(-1) });
    }
    await call('tags.create', { asset: M1, name: 'cycle_count', dataType: 'integer' });
    await call('tags.create', { asset: M1, name: 'dia', unit: 'mm', spec: { lsl: 9.9, usl: 10.1 } });
    await call('tags.create', { asset: M1, name: 'temp', unit: 'degC' });
    await call('tags.create', { asset: M2, name: 'parts', dataType: 'integer' });
    // Configured before any data arrives: the live processor then takes everything from the stream.
    await call('oee.machines.configure', { asset: M1, idealCycleTimeS: 6, rejectTags: [`${M1}/dia`] });
    await call('oee.machines.configure', { asset: M2, idealCycleTimeS: 20, counterTag: `${M2}/parts` });

    const { ingest } = app.services;
    // Events first, samples after: the live processor gets them out of time order, as a backfill does.
    await ingest.ingestEvents(
      [
        state(M1, -10, 'running'),
        state(M1, 10, 'down', 'jam'),
        state(M1, 20, 'running'),
        state(M1, 40, 'idle', 'blocked'),
        state(M1, 42, 'running'),
        state(M1, 50, 'planned_stop', 'break'),
        state(M1, 60, 'running'),
        state(M2, -60, 'running'),
        state(M2, 30, 'down', 'hydraulics'),
      ],
      'test',
    );
    await ingest.ingestSamples(
      [
        sample(`${M1}/cycle_count`, -1, 1000),
        sample(`${M1}/cycle_count`, 5, 1100),
        sample(`${M1}/cycle_count`, 30, 1250),
        sample(`${M1}/cycle_count`, 45, 1300),
        sample(`${M1}/cycle_count`, 46, 99_999, 'bad'),
        sample(`${M1}/cycle_count`, 55, 1300),
        sample(`${M1}/dia`, -40, 10.5),
        sample(`${M1}/dia`, 6, 10.0),
        sample(`${M1}/dia`, 7, 10.2),
        sample(`${M1}/dia`, 8, 9.85, 'bad'),
        sample(`${M1}/dia`, 9, 10.1),
        sample(`${M1}/temp`, 9, 99),
        sample(`${M2}/parts`, -30, 0),
        sample(`${M2}/parts`, 15, 60),
      ],
      'test',
    );
    await call('inspections.create', {
      inspections: [
        { ts: T0 + 31 * MIN, asset: M1, inspector: 'ann', result: 'fail', defectCategory: 'burr' },
        { ts: T0 + 32 * MIN, asset: M1, inspector: 'ann', result: 'pass' },
        { ts: T0 + 33 * MIN, asset: M2, inspector: 'ann', result: 'pass' },
      ],
    });
  });
  afterAll(async () => {
    await core?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('computes one machine by hand: availability 0.8, performance 0.75, quality 298/300', async () => {
    // m1, 06:00–07:00: running 0–10, down 10–20 (jam), running 20–40, idle 40–42 (blocked, a minor stop < 5 min),
    // running 42–50, planned stop 50–60 (break). Planned busy time = 60 − 10 = 50 min; run time (APT) = 38 min
    // running + 2 min minor stop = 40 min → availability 40/50 = 0.8.
    // Counter 1000 (05:59, baseline) → 1300: 300 parts (the bad 99 999 reading is skipped). Ideal time 300 × 6 s
    // = 30 min → performance 30/40 = 0.75. Rejects: dia 10.2 > usl 10.1 (10.1 itself is in spec, the bad 9.85
    // is not counted, 10.5 at 05:20 is outside the window) + one failed inspection = 2 → quality 298/300.
    // OEE = 0.8 · 0.75 · 298/300 = 0.596 = valuable time 298 × 6 s = 29.8 min / 50 min.
    const r = await report({ asset: M1, from: T0, to: T0 + 60 * MIN });
    expect(r.window).toEqual({ from: T0, to: T0 + 60 * MIN });
    expect(r.machines.map((m) => [m.asset, m.name, m.idealCycleTimeS])).toEqual([[M1, 'm1', 6]]);
    const m = r.total;
    expect(m.availability).toBeCloseTo(0.8, 12);
    expect(m.performance).toBeCloseTo(0.75, 12);
    expect(m.quality).toBeCloseTo(298 / 300, 12);
    expect(m.oee).toBeCloseTo(0.596, 12);
    expect(m).toMatchObject({
      plannedBusyTimeMs: 50 * MIN,
      runTimeMs: 40 * MIN,
      producedQuantity: 300,
      goodQuantity: 298,
      rejectQuantity: 2,
    });
    // Losses: breakdowns 10 min, minor stops 2 min, reduced speed 38 − 30 = 8 min, defects 2 × 6 s.
    expect(Object.fromEntries(m.losses.map((l) => [l.loss, l.timeMs]))).toEqual({
      breakdowns: 10 * MIN,
      setupAndAdjustments: 0,
      waiting: 0,
      idlingAndMinorStops: 2 * MIN,
      reducedSpeed: 8 * MIN,
      processDefects: 12_000,
      reducedYield: 0,
    });
    expect(m.losses.find((l) => l.loss === 'breakdowns')?.share).toBeCloseTo(0.2, 12);
    expect(m.waterfall[0]).toEqual({ label: 'Planned busy time', timeMs: 50 * MIN });
    expect(m.waterfall.at(-1)).toEqual({ label: 'Valuable operating time', timeMs: 29.8 * MIN });
    const steps = m.waterfall.slice(0, -1).reduce((sum, s) => sum + s.timeMs, 0);
    expect(steps).toBeCloseTo(29.8 * MIN, 6);
    expect(m.topReasons).toEqual([
      { state: 'down', reason: 'jam', timeMs: 10 * MIN },
      { state: 'planned_stop', reason: 'break', timeMs: 10 * MIN },
      { state: 'idle', reason: 'blocked', timeMs: 2 * MIN },
    ]);
    // The window can be cited: the asset comes from the input, the window from the output.
    expect(r).toMatchObject({ from: T0, to: T0 + 60 * MIN, asset: M1 });
    expect(citeToolResult('oee.report', { asset: M1, from: 'now-1h' }, r)).toEqual([
      {
        source: 'oee.report',
        asset: M1,
        from: T0,
        to: T0 + 60 * MIN,
        label: `oee.report ${M1} 2026-03-02T06:00:00Z – 2026-03-02T07:00:00Z`,
      },
    ]);
  });

  it('rolls up a line by adding times and counts, not by averaging percentages', async () => {
    // m2: running 0–30, down 30–60 → PBT 60, APT 30 (availability 0.5); 60 parts × 20 s = 20 min → performance
    // 20/30. Line: availability (40 + 30)/(50 + 60) = 70/110 (the mean of 0.8 and 0.5 would be 0.65); performance
    // (30 + 20)/70; quality (29.8 + 20)/(30 + 20) = 0.996; OEE = 49.8/110.
    const r = await report({ asset: LINE, from: T0, to: T0 + 60 * MIN });
    expect(r.machines.map((m) => m.asset)).toEqual([M1, M2]);
    const m2 = r.machines[1]?.result;
    expect(m2?.availability).toBeCloseTo(0.5, 12);
    expect(m2?.performance).toBeCloseTo(2 / 3, 12);
    expect(m2?.quality).toBe(1);
    expect(r.total.availability).toBeCloseTo(70 / 110, 12);
    expect(r.total.performance).toBeCloseTo(50 / 70, 12);
    expect(r.total.quality).toBeCloseTo(0.996, 12);
    expect(r.total.oee).toBeCloseTo(49.8 / 110, 12);
    expect(r.total.producedQuantity).toBe(360);
    expect(r.total.plannedBusyTimeMs).toBe(110 * MIN);
    expect(r.total.topReasons[0]).toEqual({ state: 'down', reason: 'hydraulics', timeMs: 30 * MIN });
    // Any ancestor works: the site holds the same two machines.
    expect((await report({ asset: 'acme/p1', from: T0, to: T0 + 60 * MIN })).total).toEqual(r.total);
  });

  it('splits by shift at 06:00', async () => {
    // m1, 05:30–06:30. Night (05:30–06:00): no state before 05:50 → off (no data), running 05:50–06:00: PBT 10
    // min, availability 1; the counter's first reading (05:59) is only the baseline → 0 parts: performance 0,
    // quality null, OEE 0. Early (06:00–06:30): running 10, down 10, running 10 → availability 20/30; 100 parts
    // (1000 → 1100 at 06:05; the 06:30 reading is outside) × 6 s = 10 min → performance 0.5; 1 reject (06:07) →
    // quality 0.99.
    const r = await report({ asset: M1, from: T0 - 30 * MIN, to: T0 + 30 * MIN, by: 'shift' });
    expect(r.periods.map((p) => [p.label, p.start, p.end])).toEqual([
      ['2026-03-01 night', T0 - 30 * MIN, T0],
      ['2026-03-02 early', T0, T0 + 30 * MIN],
    ]);
    const [night, early] = r.periods.map((p) => p.total);
    expect(night).toMatchObject({ availability: 1, performance: 0, quality: null, oee: 0 });
    expect(night?.plannedBusyTimeMs).toBe(10 * MIN);
    expect(night?.topReasons).toEqual([{ state: 'off', reason: 'no_data', timeMs: 20 * MIN }]);
    expect(early?.availability).toBeCloseTo(2 / 3, 12);
    expect(early?.performance).toBeCloseTo(0.5, 12);
    expect(early?.quality).toBeCloseTo(0.99, 12);
    expect(early?.producedQuantity).toBe(100);
    expect(r.total.plannedBusyTimeMs).toBe(40 * MIN);
    expect(r.total.producedQuantity).toBe(100);
    // In UTC+1 the same window is 06:30–07:30 local: all in one early shift.
    const cet = await report({
      asset: M1,
      from: T0 - 30 * MIN,
      to: T0 + 30 * MIN,
      by: 'shift',
      utcOffsetMinutes: 60,
    });
    expect(cet.periods.map((p) => p.label)).toEqual(['2026-03-02 early']);
    const byDay = await report({ asset: M1, from: T0 - 30 * MIN, to: T0 + 30 * MIN, by: 'day' });
    expect(byDay.periods.map((p) => p.label)).toEqual(['2026-03-02']);
  });

  it('serves the same figures live, and again after a restart', async () => {
    const live = (await call('oee.live', { asset: LINE }, VIEWER)) as Report;
    expect(live.shift).toEqual({ label: '2026-03-02 early', start: T0, end: T0 + 8 * 60 * MIN });
    expect(live.updatedAt).toBe(T0 + 60 * MIN);
    const { shift: _shift, updatedAt: _updatedAt, ...figures } = live;
    expect(figures).toEqual(await report({ asset: LINE, from: T0, to: T0 + 60 * MIN }));
    expect(live.total.rejectQuantity).toBe(2);

    await core[Symbol.asyncDispose]();
    core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
    app = core.app;
    const again = (await call('oee.live', { asset: LINE }, VIEWER)) as Report;
    expect(again).toEqual(live);
  });

  it('keeps the plant’s shift calendar (GEMBA_SHIFT_UTC_OFFSET_MINUTES) live and in reports', async () => {
    await core[Symbol.asyncDispose]();
    const { ingest, shiftUtcOffsetMinutes } = loadConfig({ GEMBA_SHIFT_UTC_OFFSET_MINUTES: '60' });
    core = await openCore({ dataDir: dir.path, ingest, clock, shiftUtcOffsetMinutes });
    app = core.app;
    try {
      // 07:00 UTC is 08:00 in UTC+1: the early shift began at 06:00 local, 05:00 UTC, and ends at 13:00 UTC.
      const live = (await call('oee.live', { asset: LINE }, VIEWER)) as Report;
      expect(live.shift).toEqual({ label: '2026-03-02 early', start: T0 - 60 * MIN, end: T0 + 7 * 60 * MIN });
      // A report by shift without an offset uses the plant's: 05:30–06:30 UTC is all in that early shift.
      const r = await report({ asset: M1, from: T0 - 30 * MIN, to: T0 + 30 * MIN, by: 'shift' });
      expect(r.periods.map((p) => [p.label, p.start, p.end])).toEqual([
        ['2026-03-02 early', T0 - 30 * MIN, T0 + 30 * MIN],
      ]);
    } finally {
      await core[Symbol.asyncDispose]();
      core = await openCore({ dataDir: dir.path, ingest, clock });
      app = core.app;
    }
  });

  it('keeps up with data in time order, and rolls over to the next shift by data time', async () => {
    const { ingest } = app.services;
    const live = async () => (await call('oee.live', { asset: LINE }, VIEWER)) as Report;
    const stored = async (from: number, to: number) => report({ asset: LINE, from, to });
    const strip = ({ shift: _s, updatedAt: _u, ...figures }: Report) => figures;
    // In time order after the accumulators were built: each input is added to them as it comes.
    await ingest.ingestEvents([state(M1, 61, 'idle', 'blocked')], 'test');
    await ingest.ingestSamples(
      [sample(`${M1}/cycle_count`, 61.5, 1310), sample(`${M1}/dia`, 62, 10.3)],
      'test',
    );
    await ingest.ingestEvents([state(M1, 63, 'running')], 'test');
    await ingest.ingestSamples([sample(`${M1}/cycle_count`, 64, 1320)], 'test');
    const now = await live();
    expect(now.updatedAt).toBe(T0 + 64 * MIN);
    expect(strip(now)).toEqual(await stored(T0, T0 + 64 * MIN));
    // Windows are half-open: the reading at 07:04, the newest data, is the end of this one (counted from 07:04 on).
    expect(now.total.producedQuantity).toBe(300 + 60 + 10);
    expect(now.total.rejectQuantity).toBe(3);

    // 14:02 and 14:05: the late shift. m1 is still running from 07:03 and its counter goes on from 1320.
    await ingest.ingestSamples([sample(`${M1}/cycle_count`, 8 * 60 + 2, 1400)], 'test');
    await ingest.ingestEvents([state(M1, 8 * 60 + 5, 'down', 'jam')], 'test');
    const late = await live();
    expect(late.shift).toEqual({
      label: '2026-03-02 late',
      start: T0 + 8 * 60 * MIN,
      end: T0 + 16 * 60 * MIN,
    });
    expect(late.updatedAt).toBe(T0 + (8 * 60 + 5) * MIN);
    expect(strip(late)).toEqual(await stored(T0 + 8 * 60 * MIN, T0 + (8 * 60 + 5) * MIN));
    expect(late.machines[0]?.result).toMatchObject({ producedQuantity: 80, runTimeMs: 5 * MIN });
  });

  it('checks a configuration against the plant model', async () => {
    const refuse = (input: unknown, principal: Principal = SYSTEM_PRINCIPAL) =>
      expect(call('oee.machines.configure', input, principal)).rejects;
    await refuse({ asset: `${LINE}/m9`, idealCycleTimeS: 5 }).toMatchObject({ code: 'not_found' });
    // m2 has no cycle_count tag: the default counter does not exist.
    await refuse({ asset: M2, idealCycleTimeS: 5 }).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(`${M2}/cycle_count`),
    });
    await refuse({ asset: M1, idealCycleTimeS: 5, rejectTags: [`${M1}/temp`] }).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('no spec limits'),
    });
    await refuse({ asset: M1, idealCycleTimeS: 0 }).toMatchObject({ code: 'invalid_input' });
    await refuse({ asset: M1, idealCycleTimeS: 5 }, VIEWER).toMatchObject({ code: 'forbidden' });
    await expect(call('oee.report', { asset: 'acme/nowhere' })).rejects.toMatchObject({ code: 'not_found' });
    const listed = (await call('oee.machines.list', { under: LINE }, VIEWER)) as {
      machines: {
        asset: string;
        counterTag: string;
        countFailedInspections: boolean;
        minorStopMaxS: number;
      }[];
    };
    expect(listed.machines).toMatchObject([
      { asset: M1, counterTag: `${M1}/cycle_count`, countFailedInspections: true, minorStopMaxS: 300 },
      { asset: M2, counterTag: `${M2}/parts` },
    ]);
    expect(await call('oee.machines.remove', { asset: M2 })).toEqual({ removed: true });
    const live = (await call('oee.live', { asset: LINE }, VIEWER)) as Report;
    expect(live.machines.map((m) => m.asset)).toEqual([M1]);
    await expect(call('oee.machines.remove', { asset: M2 })).rejects.toMatchObject({ code: 'not_found' });
    const audit = await app.services.store.listAudit({ limit: 20 });
    expect(audit.some((a) => a.operation === 'oee.machines.remove' && a.outcome === 'ok')).toBe(true);
  });
});
