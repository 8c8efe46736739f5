/**
 * The demo plant's OEE: five simulated hours (03:00–08:00 UTC, across the 06:00 shift change) fed through a core
 * with the real store and ingest pipeline. The live processor's current shift equals `oee.report` over the same
 * window, before and after a restart; the report by shift adds up to the whole; the figures are those of a
 * plausible plant (the simulator's stops, die and tool changes, breakdowns, and a nameplate rate ~10 % above the
 * simulated one).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_MACHINES } from '../../src/adapters/simulator/demo-plant.js';
import { loadConfig } from '../../src/server/config.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-05-04T03:00:00Z');
const HOURS = 5;
const END = START + HOURS * 3_600_000;
const SHIFT_START = Date.parse('2026-05-04T06:00:00Z');

interface Summary {
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  plannedBusyTimeMs: number;
  producedQuantity: number;
  rejectQuantity: number;
}
interface Report {
  total: Summary;
  machines: { asset: string; result: Summary }[];
  periods: { label: string; total: Summary }[];
  shift?: { label: string; start: number; end: number };
  updatedAt?: number;
}

describe('demo plant OEE', () => {
  it('gives the same figures live and from the store, and plausible ones', async () => {
    using dir = tempDir();
    const clock = { now: () => END };
    let core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
    try {
      await setupDemoPlant(core.app, SYSTEM_PRINCIPAL);
      const configured = await core.app.services.store.listOeeMachines();
      expect(configured.map((c) => c.asset)).toEqual(
        DEMO_MACHINES.filter((m) => m.cycleTimeS !== undefined)
          .map((m) => m.path)
          .sort(),
      );
      await runDemoHours(core.app, { seed: 7, start: START, hours: HOURS, meanShiftMeanIntervalS: 3 * 3600 });

      const live = (await core.app.call('oee.live', { asset: 'acme/plant1' }, SYSTEM_PRINCIPAL)) as Report;
      expect(live.shift).toEqual({
        label: '2026-05-04 early',
        start: SHIFT_START,
        end: SHIFT_START + 8 * 3_600_000,
      });
      expect(live.updatedAt).toBe(END);
      const { shift: _s, updatedAt: _u, ...figures } = live;
      const stored = (await core.app.call(
        'oee.report',
        { asset: 'acme/plant1', from: SHIFT_START, to: END },
        SYSTEM_PRINCIPAL,
      )) as Report;
      expect(figures).toEqual(stored);

      // By shift over the whole run: the night shift's last 3 h and the early shift's first 2 h; the early one is
      // the live figure, and the periods add up to the whole.
      const byShift = (await core.app.call(
        'oee.report',
        { asset: 'acme/plant1', from: START, to: END, by: 'shift' },
        SYSTEM_PRINCIPAL,
      )) as Report;
      expect(byShift.periods.map((p) => p.label)).toEqual(['2026-05-03 night', '2026-05-04 early']);
      expect(byShift.periods[1]?.total).toEqual(stored.total);
      const sum = (k: 'plannedBusyTimeMs' | 'producedQuantity' | 'rejectQuantity') =>
        byShift.periods.reduce((s, p) => s + p.total[k], 0);
      expect(sum('plannedBusyTimeMs')).toBe(byShift.total.plannedBusyTimeMs);
      expect(sum('producedQuantity')).toBe(byShift.total.producedQuantity);
      expect(sum('rejectQuantity')).toBe(byShift.total.rejectQuantity);

      const t = byShift.total;
      const line = (name: string, s: Summary) =>
        `${name.padEnd(40)} A ${pct(s.availability)} P ${pct(s.performance)} Q ${pct(s.quality)} ` +
        `OEE ${pct(s.oee)}  parts ${s.producedQuantity}, rejects ${s.rejectQuantity}`;
      console.log(
        [line('plant, 5 h', t), ...byShift.machines.map((m) => line(m.asset, m.result))].join('\n'),
      );
      expect(t.availability).toBeGreaterThan(0.75);
      expect(t.availability).toBeLessThan(0.98);
      expect(t.performance).toBeGreaterThan(0.75);
      expect(t.performance).toBeLessThan(0.95);
      expect(t.quality).toBeGreaterThan(0.99);

      // A restart primes the live processor from the store: the same figures.
      await core[Symbol.asyncDispose]();
      core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
      const again = (await core.app.call('oee.live', { asset: 'acme/plant1' }, SYSTEM_PRINCIPAL)) as Report;
      expect(again).toEqual(live);
    } finally {
      await core[Symbol.asyncDispose]();
    }
  }, 600_000);
});

function pct(x: number | null): string {
  return x === null ? '  –  ' : `${(100 * x).toFixed(1).padStart(5)} %`;
}
