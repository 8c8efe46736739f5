/**
 * Calibrating a line model from what the demo plant recorded: the stamping presses run for some simulated hours
 * through a real core (store, ingest pipeline), `line.calibrate` reads their machine_state events and cycle_count
 * counters, and its estimates must recover the simulator's own parameters (src/adapters/simulator/simulator.ts,
 * demo-plant.ts); each calibrated press, simulated alone, must then predict the parts per planned hour it made.
 */
import { describe, expect, it } from 'vitest';
import { simulateLine } from '../../src/analytics/process/line-sim.js';
import { lineFileFromDocument, parseLineFile } from '../../src/app/process/line-file.js';
import type { StationEvidence } from '../../src/app/process/line-calibration.js';
import type { App } from '../../src/app/registry.js';
import type { Principal } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { demoAssets, demoTags } from '../../src/adapters/simulator/demo-plant.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-06-15T06:00:00Z');
const HOURS = 8;
const LINE = 'acme/plant1/stamping/line1';
const PRESSES = [1, 2, 3, 4].map((n) => `${LINE}/press${n}`);
/** Nominal cycle times of the presses (demo-plant.ts), drawn per part as nominal × (1 + 0.02 N(0, 1)). */
const NOMINAL_CYCLE_S = [5, 6, 6, 7.5];
/**
 * Eight hours of the stamping line with frequent stops, so they hold enough episodes:
 * breakdowns every 15 min of running instead of 10 h (about ten per press), their repairs uniform on 600–2,400 s
 * (mean 1,500 s, fixed in the simulator); short stops (idle) every 10 min of running instead of 25, 10 s + exp(50 s)
 * long (mean 60 s); die changes after uniform ±30 % around 1,800 strokes, 600–1,200 s long (mean 900 s). The bearing
 * fault of press 3 (another kind of down) is kept out.
 */
const BREAKDOWN_MEAN_INTERVAL_S = 900;
const MTTR_S = 1500;
const SHORT_STOP_INTERVAL_S = 600;
const SHORT_STOP_MEAN_S = 60;
const DIE_CHANGE_MEAN_S = 900;

const victor: Principal = { id: 'u-victor', name: 'victor', role: 'viewer' };

const pooled = (
  stations: StationEvidence[],
  pick: (s: StationEvidence) => { mean: number; n: number } | undefined,
) => {
  let sum = 0;
  let n = 0;
  for (const s of stations) {
    const e = pick(s);
    if (e === undefined) continue;
    sum += e.mean * e.n;
    n += e.n;
  }
  return { mean: sum / n, n };
};

/** The demo stamping line's assets and tags only (nothing else is calibrated, and its data alone is fed). */
async function setupStampingLine(app: App): Promise<void> {
  for (const asset of demoAssets().filter((a) => LINE.startsWith(a.path) || a.path.startsWith(LINE)))
    await app.call('assets.create', asset, SYSTEM_PRINCIPAL);
  for (const tag of demoTags().filter((t) => t.asset.startsWith(LINE)))
    await app.call('tags.create', tag, SYSTEM_PRINCIPAL);
}

describe('line.calibrate on the demo plant', () => {
  it('recovers cycle times, MTBF, MTTR, minor stops and setups, and predicts each press’s throughput', async () => {
    using dir = tempDir();
    let now = START;
    const clock = { now: () => now };
    await using core = await openCore({ dataDir: dir.path, ingest: loadConfig({}).ingest, clock });
    const { app } = core;
    await setupStampingLine(app);
    await runDemoHours(app, {
      under: LINE,
      seed: 21,
      start: START,
      hours: HOURS,
      meanShiftMeanIntervalS: 6 * 3600,
      params: {
        breakdownMeanIntervalS: BREAKDOWN_MEAN_INTERVAL_S,
        shortStopMeanIntervalS: SHORT_STOP_INTERVAL_S,
        shortStopMeanDurationS: SHORT_STOP_MEAN_S - 10,
        bearingFirstOnsetS: [30 * 86_400, 30 * 86_400],
      },
    });
    now = START + HOURS * 3_600_000;

    // A viewer may calibrate: it only reads.
    const result = (await app.call(
      'line.calibrate',
      { stations: PRESSES.join(','), from: START, to: now },
      victor,
    )) as { yaml: string; document: unknown; stations: StationEvidence[] };
    const { stations } = result;
    expect(stations.map((s) => s.name)).toEqual(['press1', 'press2', 'press3', 'press4']);
    const report = stations.map((s) => ({
      press: s.name,
      parts: s.parts,
      cycle: `${s.cycleTime.mean.toFixed(3)} (n ${s.cycleTime.n})`,
      mtbf: `${s.mtbf?.mean.toFixed(0)} [${s.mtbf?.lower?.toFixed(0)}, ${s.mtbf?.upper?.toFixed(0)}] n ${s.mtbf?.n}`,
      mttr: `${s.mttr?.mean.toFixed(0)} [${s.mttr?.lower?.toFixed(0)}, ${s.mttr?.upper?.toFixed(0)}] n ${s.mttr?.n}`,
      minor: `${s.minorStops?.mtbs.mean.toFixed(0)} s / ${s.minorStops?.duration.mean.toFixed(0)} s n ${s.minorStops?.mtbs.n}`,
      setup: `${s.setup?.everyParts} parts / ${s.setup?.duration.mean.toFixed(0)} s n ${s.setup?.duration.n}`,
      perPlannedHour: s.partsPerPlannedHour.toFixed(1),
    }));
    console.info('calibration:', JSON.stringify(report, null, 1));

    stations.forEach((s, i) => {
      const nominal = NOMINAL_CYCLE_S[i] ?? NaN;
      // Over a thousand gaps, whole seconds apart (1 Hz counter samples): the mean is within 1 % of the nominal.
      expect(s.cycleTime.n).toBeGreaterThan(1000);
      expect(Math.abs(s.cycleTime.mean / nominal - 1)).toBeLessThan(0.01);
      expect(s.cycleTime.distribution).toBe('normal');
      // Each press's 95 % intervals hold the simulator's MTBF and MTTR.
      expect(s.mtbf?.n).toBeGreaterThanOrEqual(5);
      expect(s.mtbf?.lower).toBeLessThanOrEqual(BREAKDOWN_MEAN_INTERVAL_S);
      expect(s.mtbf?.upper).toBeGreaterThanOrEqual(BREAKDOWN_MEAN_INTERVAL_S);
      expect(s.mttr?.lower).toBeLessThanOrEqual(MTTR_S);
      expect(s.mttr?.upper).toBeGreaterThanOrEqual(MTTR_S);
    });
    // Pooled over the four presses (~40 breakdowns, ~70 short stops, ~5 die changes), within about two standard
    // errors: MTBF (exponential, SE = 1/√n ≈ 16 %) 35 %, MTTR (SE = 520/√n s ≈ 6 %) 15 %, time between short stops
    // 30 %, their length (sd ≈ mean) 30 %; die-change length (n ≈ 4, SE = 173/√n s ≈ 10 %) 30 %.
    const mtbf = pooled(stations, (s) => s.mtbf);
    const mttr = pooled(stations, (s) => s.mttr);
    const mtbs = pooled(stations, (s) => s.minorStops?.mtbs);
    const stopLength = pooled(stations, (s) => s.minorStops?.duration);
    const dieChange = pooled(stations, (s) => s.setup?.duration);
    console.info('pooled:', JSON.stringify({ mtbf, mttr, mtbs, stopLength, dieChange }));
    expect(Math.abs(mtbf.mean / BREAKDOWN_MEAN_INTERVAL_S - 1)).toBeLessThan(0.35);
    expect(Math.abs(mttr.mean / MTTR_S - 1)).toBeLessThan(0.15);
    expect(Math.abs(mtbs.mean / SHORT_STOP_INTERVAL_S - 1)).toBeLessThan(0.3);
    expect(Math.abs(stopLength.mean / SHORT_STOP_MEAN_S - 1)).toBeLessThan(0.3);
    expect(dieChange.n).toBeGreaterThanOrEqual(3);
    expect(Math.abs(dieChange.mean / DIE_CHANGE_MEAN_S - 1)).toBeLessThan(0.3);

    // The YAML is a line file `gemba simulate` reads, the same as the document.
    const fromYaml = parseLineFile(result.yaml, 'calibrated.yaml');
    expect(fromYaml.model).toEqual(lineFileFromDocument(result.document).model);
    expect(result.yaml).toContain('# Buffer capacities are not in the data');

    // The presses work in parallel, so each is simulated alone, for as many hours as it was planned to produce:
    // its observed parts per planned hour lie in the 95 % prediction interval of one such run,
    // mean ± t·s·√(1 + 1/n) = mean ± halfWidth·√(n + 1).
    fromYaml.model.stations.forEach((station, i) => {
      const s = stations[i];
      if (s === undefined) return;
      const replications = 30;
      const sim = simulateLine(
        { stations: [station], arrivals: { kind: 'saturated' } },
        { warmupSeconds: 3600, runSeconds: s.plannedProductionHours * 3600, replications, seed: 1 },
      );
      const t = sim.throughputPerHour;
      const half = t.halfWidth * Math.sqrt(replications + 1);
      console.info(
        `${s.name}: observed ${s.partsPerPlannedHour.toFixed(1)}/h, predicted ${t.mean.toFixed(1)} ± ${half.toFixed(1)}/h`,
      );
      expect(Math.abs(s.partsPerPlannedHour - t.mean)).toBeLessThanOrEqual(half);
    });
  }, 600_000);

  it('names what is missing: an unknown asset, a machine without a counter, a window without data', async () => {
    using dir = tempDir();
    const now = START;
    await using core = await openCore({
      dataDir: dir.path,
      ingest: loadConfig({}).ingest,
      clock: { now: () => now },
    });
    const { app } = core;
    await setupStampingLine(app);
    const call = (input: unknown) => app.call('line.calibrate', input, victor);
    await expect(call({ stations: `${LINE}/press9` })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call({ stations: `${LINE}/feeder` })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call({ stations: PRESSES[0], from: 'now-1h' })).rejects.toThrow(/fewer than two counter/);
    await expect(call({ stations: PRESSES.join(','), buffers: '3' })).rejects.toThrow(/needs 3 buffers/);
  });
});
