/**
 * The demo plant's deployed bearing model against the simulator's ground truth: every bearing fault of press 3 that
 * tripped the press raises the model's alarm before the trip, naming vibration; alarms outside faults are counted.
 * Real store, ingest pipeline and live model processor; the simulator at 1 step per simulated second.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { DEMO_BEARING_MODEL, setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-05-11T06:00:00Z');
const HOURS = 8;

describe('demo plant bearing model vs. injected bearing faults', () => {
  it('warns before every trip of press 3', async () => {
    using dir = tempDir();
    const clock = { now: () => START + HOURS * 3_600_000 };
    await using core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
    const { app } = core;
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    const model = await app.services.store.getModel(DEMO_BEARING_MODEL);
    expect(model).toMatchObject({ status: 'deployed', algorithm: 'robust-z', features: ['vibration_rms'] });
    expect(model?.training.rows).toBeGreaterThan(300);

    // Bearing faults about every 40 min after each repair instead of every 5 h, so 8 h hold several.
    const { disturbances } = await runDemoHours(app, {
      seed: 99,
      start: START,
      hours: HOURS,
      meanShiftMeanIntervalS: 3 * 3600,
      params: { bearingMeanIntervalS: 2400 },
    });
    const trips = disturbances.flatMap((d) =>
      d.kind === 'bearing_fault' && d.tripTs !== undefined ? [{ startTs: d.startTs, tripTs: d.tripTs }] : [],
    );
    expect(trips.length).toBeGreaterThanOrEqual(3);
    const events = await app.services.store.listEvents({
      from: START,
      to: clock.now() + 1,
      kinds: ['alarm'],
      limit: 100_000,
    });
    const raised = events
      .filter((e) => e.kind === 'alarm' && e.code === `model.${DEMO_BEARING_MODEL}` && e.state === 'raised')
      .reverse();
    for (const trip of trips) {
      const warning = raised.find((e) => e.ts >= trip.startTs && e.ts < trip.tripTs);
      expect(warning, `fault starting ${new Date(trip.startTs).toISOString()}`).toBeDefined();
      expect(warning?.message).toMatch(/driven by vibration_rms/);
      // Minutes of warning: the trip comes about 41 min after onset.
      expect(trip.tripTs - (warning?.ts ?? 0)).toBeGreaterThan(5 * 60_000);
    }
    const faultWindows = disturbances.flatMap((d) =>
      d.kind === 'bearing_fault' ? [{ from: d.startTs, to: d.endTs ?? d.tripTs ?? clock.now() }] : [],
    );
    const outside = raised.filter((e) => !faultWindows.some((w) => e.ts >= w.from && e.ts <= w.to));
    console.info(
      `demo bearing model: ${trips.length} trips, ${raised.length} alarms, ${outside.length} outside fault windows`,
    );
    expect(outside.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
