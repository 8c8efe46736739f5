/**
 * The demo plant's simulator fed through a platform core for some hours, and the ground truth of its press
 * flange-height mean shifts: shared by the live-SPC detection test and `npm run bench -- spc`.
 */
import {
  type Disturbance,
  PlantSimulator,
  type SimulatorParams,
} from '../../src/adapters/simulator/simulator.js';
import type { App } from '../../src/app/registry.js';
import type { SpcPoint } from '../../src/domain/index.js';

export interface ScoredShift {
  readonly tag: string;
  readonly startTs: number;
  readonly endTs: number;
  readonly shiftMm: number;
  readonly sigmas: number;
}

/**
 * Runs the simulator (1 step per simulated second) from `start` for `hours`, ingesting everything, and returns the
 * flange-height mean shifts (those still going at the end run to it), and those that lasted 20 parts (4 subgroups
 * of 5) or more: the ones a chart can be expected to flag.
 */
export async function runDemoHours(
  app: App,
  options: {
    seed: number;
    start: number;
    hours: number;
    meanShiftMeanIntervalS: number;
    params?: Partial<SimulatorParams>;
    /** Only the samples and events of assets at or below this path are ingested (the others are simulated alone). */
    under?: string;
  },
): Promise<{ shifts: ScoredShift[]; scored: ScoredShift[]; disturbances: readonly Readonly<Disturbance>[] }> {
  const { start, hours, under } = options;
  const sim = new PlantSimulator({
    seed: options.seed,
    startTs: start,
    params: { meanShiftMeanIntervalS: options.meanShiftMeanIntervalS, ...options.params },
  });
  const parts = new Map<string, number[]>();
  let samples: unknown[] = [];
  for (let s = 0; s < hours * 3600; s++) {
    const step = sim.step(start + s * 1000);
    for (const sample of step.samples) {
      if (under !== undefined && !sample.tag.startsWith(under)) continue;
      samples.push(sample);
      if (sample.tag.endsWith('/flange_height')) {
        const list = parts.get(sample.tag) ?? [];
        list.push(Number(sample.ts));
        parts.set(sample.tag, list);
      }
    }
    const events = under === undefined ? step.events : step.events.filter((e) => e.asset.startsWith(under));
    if (events.length > 0) await app.services.ingest.ingestEvents(events, 'demo');
    if (samples.length >= 50_000) {
      await app.services.ingest.ingestSamples(samples, 'demo');
      samples = [];
    }
  }
  await app.services.ingest.ingestSamples(samples, 'demo');
  await app.services.spc.settled();
  await app.services.models.settled();
  const end = start + hours * 3_600_000;
  const shifts = sim.disturbances.flatMap((d) =>
    d.kind === 'mean_shift' && d.tag.endsWith('/flange_height')
      ? [{ tag: d.tag, startTs: d.startTs, endTs: d.endTs ?? end, shiftMm: d.shiftMm, sigmas: d.sigmas }]
      : [],
  );
  const made = (d: ScoredShift) =>
    (parts.get(d.tag) ?? []).filter((t) => t >= d.startTs && t < d.endTs).length;
  return {
    shifts,
    scored: shifts.filter((d) => d.endTs < end && made(d) >= 20),
    disturbances: sim.disturbances,
  };
}

/** Index of the first point during the shift where a rule fired on the shift's side of the centre line, or -1. */
export function firstFlagged(points: readonly SpcPoint[], shift: ScoredShift): number {
  return points.findIndex(
    (p) =>
      p.ts >= shift.startTs &&
      p.ts < shift.endTs &&
      p.level.violations.length > 0 &&
      Math.sign(p.level.value - p.level.center) === Math.sign(shift.shiftMm),
  );
}
