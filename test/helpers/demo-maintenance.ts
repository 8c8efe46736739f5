/**
 * One press of the demo plant simulated second by second, its analog signals recorded with the running state and
 * the ground truth of its bearing faults; and the loop that feeds a streaming detector and turns its flags into
 * alarms. Shared by the maintenance detection test and `npm run bench -- anomaly`.
 */
import { STATE_CODES } from '../../src/adapters/simulator/demo-plant.js';
import { PlantSimulator, type SimulatorParams } from '../../src/adapters/simulator/simulator.js';
import {
  type Alarm,
  type AlarmOptions,
  AlarmTracker,
  type FaultWindow,
} from '../../src/analytics/maintenance/events.js';
import { type StreamingDetector } from '../../src/analytics/maintenance/streaming.js';

export const PRESS3 = 'acme/plant1/stamping/line1/press3';
export const PRESS_SIGNALS = ['oil_temp', 'motor_temp', 'hydraulic_pressure', 'vibration_rms'] as const;

export interface PressRecording {
  readonly asset: string;
  /** One entry per simulated second. */
  readonly ts: Float64Array;
  /** 1 where the press has been `running` for at least `settleS` seconds (signals at their running level). */
  readonly steady: Uint8Array;
  /** Signal name → value per second; NaN where the reading was not `good` (dropouts). */
  readonly signals: Readonly<Record<string, Float64Array>>;
  readonly faults: FaultWindow[];
  /** Bearing faults that had not tripped when the recording ended (outcome unknown). */
  readonly openFaults: FaultWindow[];
  /** Sensor dropouts on this press's signals. */
  readonly dropouts: number;
}

/**
 * Simulates `hours` of the demo plant and records one press. Bearing faults that had not tripped by the end go to
 * `openFaults` (their outcome is unknown).
 */
export function recordPress(options: {
  seed: number;
  hours: number;
  startTs?: number;
  params?: Partial<SimulatorParams>;
  asset?: string;
  settleS?: number;
}): PressRecording {
  const asset = options.asset ?? PRESS3;
  const startTs = options.startTs ?? Date.parse('2026-01-05T06:00:00Z');
  const settleS = options.settleS ?? 60;
  const sim = new PlantSimulator({
    seed: options.seed,
    startTs,
    ...(options.params ? { params: options.params } : {}),
  });
  const steps = Math.round(options.hours * 3600);
  const ts = new Float64Array(steps);
  const steady = new Uint8Array(steps);
  const signals: Record<string, Float64Array> = {};
  const index = new Map<string, Float64Array>();
  for (const name of PRESS_SIGNALS) {
    signals[name] = new Float64Array(steps).fill(Number.NaN);
    index.set(`${asset}/${name}`, signals[name]);
  }
  const stateTag = `${asset}/state`;
  let runningFor = 0;
  for (let i = 0; i < steps; i++) {
    const out = sim.step(sim.nextTs);
    ts[i] = out.ts;
    for (const s of out.samples) {
      if (s.tag === stateTag) runningFor = s.value === STATE_CODES.running ? runningFor + 1 : 0;
      const column = index.get(s.tag);
      if (column && s.quality === 'good' && typeof s.value === 'number') column[i] = s.value;
    }
    steady[i] = runningFor > settleS ? 1 : 0;
  }
  const faults: FaultWindow[] = [];
  const openFaults: FaultWindow[] = [];
  let dropouts = 0;
  for (const d of sim.disturbances) {
    if (d.kind === 'bearing_fault' && d.asset === asset) {
      if (d.tripTs === undefined) openFaults.push({ startTs: d.startTs });
      else faults.push({ startTs: d.startTs, failureTs: d.tripTs, endTs: d.endTs ?? d.tripTs });
    }
    if (d.kind === 'sensor_dropout' && d.tag.startsWith(`${asset}/`)) dropouts++;
  }
  return { asset, ts, steady, signals, faults, openFaults, dropouts };
}

/**
 * Feeds one signal's steady, good readings to a detector from the first second on, and collects the alarms raised
 * at or after `fromTs` (earlier seconds only train the detector).
 */
export function streamAlarms(
  rec: PressRecording,
  signal: string,
  detector: StreamingDetector,
  options: AlarmOptions & { fromTs: number },
): Alarm[] {
  const values = rec.signals[signal];
  const tracker = new AlarmTracker(options);
  if (!values) return [];
  for (let i = 0; i < rec.ts.length; i++) {
    const v = values[i] ?? Number.NaN;
    if (rec.steady[i] !== 1 || Number.isNaN(v)) continue;
    const t = rec.ts[i] ?? 0;
    const r = detector.update(t, v);
    if (t >= options.fromTs) tracker.push(t, r.anomalous);
  }
  return tracker.alarms;
}
