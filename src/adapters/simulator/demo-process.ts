/**
 * The demo's forming process on press 1, with a known optimum: two setpoints (blank-holder force, ram speed), a
 * measured but uncontrolled input (coil thickness, slowly wandering) and a per-part quality output (springback).
 * Its own seeded streams, so the plant simulator's sequences — and every seeded test on them — are untouched.
 *
 * The true response (degrees of springback of a part, before measurement noise of sd `SPRINGBACK_NOISE_SD`):
 *
 *   dF = (F − F*(t)) / 100,  F*(t) = 420 + 400·(t − 1.5)       (F blank-holder force in kN, t coil thickness in mm)
 *   dv = (v − 80) / 40                                           (v ram speed in mm/s)
 *   y  = 1.2 + 0.8·dF² + 0.5·dv² + 0.3·dF·dv
 *
 * a quadratic bowl in (dF, dv) with the positive-definite Hessian [[1.6, 0.3], [0.3, 1.0]], so for every thickness t
 * the unique minimiser is F = F*(t), v = 80 mm/s, with y = 1.2°. A thicker coil needs more force (the interaction
 * the optimiser must find from the data): in (F, v, t) the response is a quadratic with an F·t interaction, the
 * shape response-surface methodology assumes near an optimum (Box & Wilson 1951).
 *
 * History: "operators" move the setpoints every 20–60 minutes within their usual practice, force 260–380 kN and
 * speed 40–65 mm/s, which does not contain the optimum, so the data mostly show current practice. A setpoint
 * written from outside (`write`, an approved `setpoints.write`) is then held: operators stop moving that setpoint.
 */
import type { SampleInput, TagInput } from '../../domain/index.js';
import { Prng } from './prng.js';

export const DEMO_PROCESS_ASSET = 'acme/plant1/stamping/line1/press1';
export const FORCE_TAG = 'blank_holder_force';
export const SPEED_TAG = 'ram_speed';
export const THICKNESS_TAG = 'coil_thickness';
export const SPRINGBACK_TAG = 'springback';

/** The press's allowed setpoint ranges (the tags' spec limits, which `setpoints.write` checks). */
export const DEMO_PROCESS_BOUNDS = {
  [FORCE_TAG]: { min: 200, max: 600 },
  [SPEED_TAG]: { min: 20, max: 120 },
} as const;

/** Where operators keep the setpoints in the history. */
export const OPERATOR_PRACTICE = {
  [FORCE_TAG]: { min: 280, max: 400 },
  [SPEED_TAG]: { min: 45, max: 72 },
} as const;

export const SPRINGBACK_NOISE_SD = 0.1;
/** Nominal coil thickness (mm), its stationary sd and the time constant of its wander. */
const THICKNESS_MEAN = 1.5;
const THICKNESS_SD = 0.06;
const THICKNESS_TAU_S = 2 * 3600;
/** A part every 6 s; setpoints and thickness reported every 10 s (a polled PLC). */
const PART_EVERY_S = 6;
const REPORT_EVERY_S = 10;

/** The force that minimises springback at coil thickness t (mm). */
export function optimalForce(thickness: number): number {
  return 420 + 400 * (thickness - 1.5);
}

export const OPTIMAL_SPEED = 80;
export const MIN_SPRINGBACK = 1.2;

/** The true mean springback (degrees) at force F (kN), ram speed v (mm/s), coil thickness t (mm): see the header. */
export function trueSpringback(force: number, speed: number, thickness: number): number {
  const dF = (force - optimalForce(thickness)) / 100;
  const dv = (speed - OPTIMAL_SPEED) / 40;
  return MIN_SPRINGBACK + 0.8 * dF * dF + 0.5 * dv * dv + 0.3 * dF * dv;
}

/** The tags of the forming process, created with the rest of the demo plant. */
export function demoProcessTags(): TagInput[] {
  const asset = DEMO_PROCESS_ASSET;
  return [
    {
      asset,
      name: FORCE_TAG,
      unit: 'kN',
      description: 'Blank-holder force setpoint (forming), writable: setpoints.write',
      spec: { lsl: DEMO_PROCESS_BOUNDS[FORCE_TAG].min, usl: DEMO_PROCESS_BOUNDS[FORCE_TAG].max },
    },
    {
      asset,
      name: SPEED_TAG,
      unit: 'mm/s',
      description: 'Ram speed setpoint (forming), writable: setpoints.write',
      spec: { lsl: DEMO_PROCESS_BOUNDS[SPEED_TAG].min, usl: DEMO_PROCESS_BOUNDS[SPEED_TAG].max },
    },
    { asset, name: THICKNESS_TAG, unit: 'mm', description: 'Coil thickness measured at the feeder' },
    {
      asset,
      name: SPRINGBACK_TAG,
      unit: 'deg',
      description: 'Springback angle of each formed part (lower is better)',
      spec: { target: MIN_SPRINGBACK, usl: 3 },
    },
  ];
}

export interface DemoProcessOptions {
  readonly seed: number;
  readonly startTs: number;
  /** Initial setpoints; default the middle of the operators' practice. */
  readonly force?: number;
  readonly speed?: number;
}

/** The forming process, advanced second by second; `advanceTo` returns the samples due. */
export class DemoFormingProcess {
  readonly asset = DEMO_PROCESS_ASSET;
  #ts: number;
  #force: number;
  #speed: number;
  #thickness = THICKNESS_MEAN;
  readonly #held = new Set<string>();
  #nextOperatorChange: number;
  readonly #operators: Prng;
  readonly #coil: Prng;
  readonly #parts: Prng;
  /** Parts made, for checks: the true mean at each part's settings. */
  partsMade = 0;

  constructor(options: DemoProcessOptions) {
    this.#ts = Math.floor(options.startTs / 1000) * 1000;
    this.#operators = Prng.derive(options.seed, 'forming.operators');
    this.#coil = Prng.derive(options.seed, 'forming.coil');
    this.#parts = Prng.derive(options.seed, 'forming.parts');
    this.#force = options.force ?? 320;
    this.#speed = options.speed ?? 52;
    this.#thickness = THICKNESS_MEAN + this.#coil.normal(0, THICKNESS_SD);
    this.#nextOperatorChange = this.#ts + this.#operators.uniform(20, 60) * 60_000;
  }

  get setpoints(): { force: number; speed: number } {
    return { force: this.#force, speed: this.#speed };
  }

  get thickness(): number {
    return this.#thickness;
  }

  /** The time up to which samples have been produced. */
  get ts(): number {
    return this.#ts;
  }

  /** Tag paths of the setpoints this process accepts. */
  get writableTags(): string[] {
    return [FORCE_TAG, SPEED_TAG].map((n) => `${this.asset}/${n}`);
  }

  /** Sets a setpoint from outside (an approved change); operators then leave it where it is. */
  write(tagPath: string, value: number): void {
    const name = tagPath.slice(this.asset.length + 1);
    if (name === FORCE_TAG) this.#force = value;
    else if (name === SPEED_TAG) this.#speed = value;
    else return;
    this.#held.add(name);
  }

  /** Advances to `ts` (epoch ms) one second at a time and returns the samples stamped in (previous ts, ts]. */
  advanceTo(ts: number): SampleInput[] {
    const out: SampleInput[] = [];
    const dt = 1;
    const a = dt / THICKNESS_TAU_S;
    const noise = THICKNESS_SD * Math.sqrt(2 * a);
    while (this.#ts + 1000 <= ts) {
      this.#ts += 1000;
      const t = this.#ts;
      // Ornstein–Uhlenbeck wander of the coil thickness (Euler step), kept within the coil's tolerance.
      this.#thickness += (THICKNESS_MEAN - this.#thickness) * a + noise * this.#coil.normal();
      this.#thickness = Math.min(1.65, Math.max(1.35, this.#thickness));
      if (t >= this.#nextOperatorChange) {
        if (!this.#held.has(FORCE_TAG)) {
          const p = OPERATOR_PRACTICE[FORCE_TAG];
          this.#force = Math.round(this.#operators.uniform(p.min, p.max));
        }
        if (!this.#held.has(SPEED_TAG)) {
          const p = OPERATOR_PRACTICE[SPEED_TAG];
          this.#speed = Math.round(this.#operators.uniform(p.min, p.max));
        }
        this.#nextOperatorChange = t + this.#operators.uniform(20, 60) * 60_000;
      }
      const second = Math.floor(t / 1000);
      if (second % REPORT_EVERY_S === 0) {
        out.push(
          { tag: `${this.asset}/${FORCE_TAG}`, ts: t, value: this.#force, quality: 'good' },
          { tag: `${this.asset}/${SPEED_TAG}`, ts: t, value: this.#speed, quality: 'good' },
          {
            tag: `${this.asset}/${THICKNESS_TAG}`,
            ts: t,
            value: Math.round(this.#thickness * 1000) / 1000,
            quality: 'good',
          },
        );
      }
      if (second % PART_EVERY_S === 0) {
        const y =
          trueSpringback(this.#force, this.#speed, this.#thickness) +
          this.#parts.normal(0, SPRINGBACK_NOISE_SD);
        this.partsMade++;
        out.push({
          tag: `${this.asset}/${SPRINGBACK_TAG}`,
          ts: t,
          value: Math.round(y * 1000) / 1000,
          quality: 'good',
        });
      }
    }
    return out;
  }
}
