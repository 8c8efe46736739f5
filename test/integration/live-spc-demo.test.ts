/**
 * The demo plant's control charts against the simulator's ground truth: every injected mean shift of a press's
 * flange height (±1.5σ of single parts, i.e. ±3.35σ of X̄ with n = 5) that lasts four subgroups or more is flagged
 * by a run rule on its own side of the centre line while it lasts, and every alarm raised is cleared or still
 * active at the end. Real store (DuckDB), real ingest pipeline, the simulator at 1 step per simulated second.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { firstFlagged, runDemoHours } from '../helpers/demo-spc.js';
import { tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-05-04T06:00:00Z');
const HOURS = 8;

describe('demo plant SPC charts vs. injected mean shifts', () => {
  it('flags every press shift of 4+ subgroups on its side, and pairs every raised alarm with a clear', async () => {
    using dir = tempDir();
    const clock = { now: () => START + HOURS * 3_600_000 };
    await using core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
    const { app } = core;
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    const charts = await app.services.store.listSpcCharts();
    expect(charts.map((c) => c.id)).toEqual([
      'press1-flange-height',
      'press2-flange-height',
      'press3-flange-height',
      'press4-flange-height',
    ]);

    // Mean shifts every hour per dimension instead of every 3 h, so 8 h hold enough of them.
    const { scored } = await runDemoHours(app, {
      seed: 2024,
      start: START,
      hours: HOURS,
      meanShiftMeanIntervalS: 3600,
    });
    expect(scored.length).toBeGreaterThanOrEqual(8);
    for (const shift of scored) {
      const chart = charts.find((c) => c.tag === shift.tag);
      expect(chart).toBeDefined();
      const points = await app.services.store.listSpcPoints({
        chart: chart?.id ?? '',
        from: shift.startTs,
        to: shift.endTs,
        limit: 1000,
      });
      expect(
        firstFlagged(points, shift),
        `${shift.tag} shift of ${shift.sigmas}σ at ${new Date(shift.startTs).toISOString()}`,
      ).toBeGreaterThanOrEqual(0);
    }

    const events = await app.services.store.listEvents({
      from: START,
      to: clock.now() + 1,
      kinds: ['alarm'],
      limit: 100_000,
    });
    const spc = events.filter((e) => e.kind === 'alarm' && e.code.startsWith('spc.')).reverse();
    expect(spc.length).toBeGreaterThan(0);
    const open = new Map<string, number>();
    for (const e of spc) {
      if (e.kind !== 'alarm') continue;
      const key = `${String(e.data?.['chart'])}:${String(e.data?.['statistic'])}:${e.code}`;
      if (e.state === 'raised') {
        expect(open.has(key), `${key} raised twice without a clear`).toBe(false);
        open.set(key, e.ts);
      } else {
        expect(open.has(key), `${key} cleared without being raised`).toBe(true);
        open.delete(key);
      }
    }
    const listed = (await app.call('spc.charts.list', {}, SYSTEM_PRINCIPAL)) as {
      charts: { config: { id: string }; status: { activeAlarms: { statistic: string; code: string }[] } }[];
    };
    const active = listed.charts.flatMap((c) =>
      c.status.activeAlarms.map((a) => `${c.config.id}:${a.statistic}:${a.code}`),
    );
    expect(active.sort()).toEqual([...open.keys()].sort());
  }, 120_000);
});
