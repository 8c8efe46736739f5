/**
 * A seeded, deterministic simulator of the demo plant (demo-plant.ts): one `step(ts)` is one second of plant time.
 *
 * Same seed + same start + same step timestamps ⇒ identical samples and events. Every machine draws from its own
 * xoshiro128** stream derived from the seed and its path, so the machines are independent of each other.
 *
 * What is simulated, per second (parameters in DEFAULT_SIM_PARAMS and the machine table):
 * - Machine states (ISO 22400-2 flavoured: running / idle / setup / down / planned_stop) as a hazard process:
 *   short stops (`idle`, reason `material_shortage` or `blocked`, mean every 25 min of running, ~90 s long);
 *   tool changes (`setup`, `tool_change`, after 150 / 200 parts ±20 % on mills / the lathe, 3–6 min);
 *   die changes (`setup`, `die_change`, after ~1,800 strokes ±30 % on presses, 10–20 min, new die offset);
 *   breakdowns (`down`, mean every 10 h of running, 10–40 min); preventive maintenance (`planned_stop`,
 *   `maintenance`, mean every 14 h, 15–30 min). A `machine_state` event is emitted on every change, and one for
 *   every machine on the first step.
 * - Analog signals: a first-order lag towards a set point that depends on the state (thermal warm-up from 24 °C
 *   ambient with τ = 10–20 min; pressures and power within seconds), plus AR(1) noise (a discretised
 *   Ornstein–Uhlenbeck process, x ← φx + σ√(1−φ²)·N(0,1), stationary s.d. σ), scaled down when not running.
 * - Spindle load follows each machining cycle (approach, cut, retract) and rises up to 25 % with tool wear; the
 *   lathe's power follows its spindle load.
 * - Cycle counters: integer lifetime counters that step by one per finished part (cycle times ±2 %).
 * - Part dimensions, one sample per finished part: target + tool-wear drift (mills −0.15 µm/part, lathe
 *   +0.2 µm/part, reset by each tool change) + die offset (N(0, 0.3σ) per die change) + thermal growth of the
 *   presses (0.002 mm/°C of oil temperature) + N(0, σ). Mean shifts of ±1.5σ lasting 10–30 min start at random
 *   (mean every 3 h per dimension) so SPC run rules have something to find. 0.2 % of gauge readings are
 *   `uncertain` with three times the measurement error.
 * - A developing bearing fault on press 3: onset 10–40 min after the start, then mean 5 h after each repair;
 *   vibration excess a·(e^{t/τ} − 1) with a = 0.08 mm/s, τ = 9 min, and the motor temperature set point rising
 *   4 °C per mm/s of excess; when the excess reaches 8 mm/s (~41 min after onset) the press goes `down` with
 *   reason `bearing_overheat` for a 30–50 min repair, then runs again with a new bearing.
 * - Sensor dropouts on analog signals (mean every 6 h per tag, 5 s + exp(40 s) long): 70 % read `bad` with the
 *   value frozen at the last good reading, 30 % `uncertain` with four times the noise.
 * The ground truth of every disturbance (shifts, bearing faults, dropouts) is kept in `disturbances`, so detectors
 * can be scored against it.
 */
import {
  type EventInput,
  type MachineState,
  type Quality,
  type Sample,
  UserError,
  tagPath,
} from '../../domain/index.js';
import {
  type AnalogChannel,
  CYCLE_COUNT_TAG,
  DEMO_MACHINES,
  type DimensionChannel,
  type MachineDefinition,
  STATE_CODES,
  STATE_TAG,
  stateGroup,
} from './demo-plant.js';
import { Prng } from './prng.js';

export interface SimulatorParams {
  /** Mean running time between short stops, s. */
  readonly shortStopMeanIntervalS: number;
  readonly shortStopMeanDurationS: number;
  /** Mean running time between unplanned breakdowns, s. */
  readonly breakdownMeanIntervalS: number;
  /** Mean running time between preventive maintenance stops, s. */
  readonly maintenanceMeanIntervalS: number;
  /** Mean time between part-dimension mean shifts, per dimension tag, s. */
  readonly meanShiftMeanIntervalS: number;
  /** Size of a mean shift in short-term standard deviations. */
  readonly meanShiftSigmas: number;
  readonly meanShiftDurationS: readonly [number, number];
  /** The first bearing fault starts this long after the start, s (uniform range). */
  readonly bearingFirstOnsetS: readonly [number, number];
  /** Mean time from a bearing repair to the next fault, s. */
  readonly bearingMeanIntervalS: number;
  /** Vibration excess a·(e^{t/τ} − 1): a in mm/s, τ in s. */
  readonly bearingScaleMmS: number;
  readonly bearingTauS: number;
  /** Vibration excess at which the press trips (mm/s). */
  readonly bearingTripExcessMmS: number;
  /** Motor temperature set point rise per mm/s of excess, °C. */
  readonly bearingDegCPerMmS: number;
  readonly bearingRepairS: readonly [number, number];
  /** Mean time between dropouts, per analog tag, s. */
  readonly dropoutMeanIntervalS: number;
  readonly dropoutMeanDurationS: number;
  /** Probability that a gauge reading is flagged uncertain. */
  readonly gaugeUncertainProbability: number;
}

export const DEFAULT_SIM_PARAMS: SimulatorParams = {
  shortStopMeanIntervalS: 25 * 60,
  shortStopMeanDurationS: 90,
  breakdownMeanIntervalS: 10 * 3600,
  maintenanceMeanIntervalS: 14 * 3600,
  meanShiftMeanIntervalS: 3 * 3600,
  meanShiftSigmas: 1.5,
  meanShiftDurationS: [600, 1800],
  bearingFirstOnsetS: [600, 2400],
  bearingMeanIntervalS: 5 * 3600,
  bearingScaleMmS: 0.08,
  bearingTauS: 540,
  bearingTripExcessMmS: 8,
  bearingDegCPerMmS: 4,
  bearingRepairS: [1800, 3000],
  dropoutMeanIntervalS: 6 * 3600,
  dropoutMeanDurationS: 40,
  gaugeUncertainProbability: 0.002,
};

export interface PlantSimulatorOptions {
  readonly seed: number;
  /** Timestamp of the first step, UTC epoch ms. */
  readonly startTs: number;
  /** Overrides of DEFAULT_SIM_PARAMS (tests use them to make rare disturbances frequent). */
  readonly params?: Partial<SimulatorParams>;
}

export interface SimOutput {
  /** The step's timestamp, UTC epoch ms; every sample and event of the step carries it. */
  readonly ts: number;
  readonly samples: Sample[];
  readonly events: EventInput[];
}

/** Ground truth of one disturbance; `endTs` is absent while it lasts. */
export type Disturbance =
  | {
      readonly kind: 'mean_shift';
      readonly tag: string;
      readonly startTs: number;
      endTs?: number;
      /** Shift of the mean in mm, and in short-term standard deviations. */
      readonly shiftMm: number;
      readonly sigmas: number;
    }
  | {
      readonly kind: 'bearing_fault';
      readonly asset: string;
      /** When the fault starts developing. */
      readonly startTs: number;
      /** When the press went down with `bearing_overheat`. */
      tripTs?: number;
      /** When it ran again after the repair. */
      endTs?: number;
    }
  | {
      readonly kind: 'sensor_dropout';
      readonly tag: string;
      readonly startTs: number;
      endTs?: number;
      readonly quality: 'bad' | 'uncertain';
    };

/** The log keeps the newest disturbances only, so a simulator running for months stays small. */
const MAX_DISTURBANCES = 10_000;

const SHORT_STOP_REASONS = ['material_shortage', 'material_shortage', 'blocked'] as const;
const BREAKDOWN_REASONS: Readonly<Record<MachineDefinition['type'], readonly [string, ...string[]]>> = {
  press: ['hydraulic_leak', 'die_jam', 'safety_light_curtain'],
  feeder: ['strip_misfeed', 'straightener_jam'],
  mill: ['spindle_fault', 'coolant_low', 'tool_breakage'],
  lathe: ['chuck_fault', 'coolant_low', 'tool_breakage'],
};

interface ChannelState {
  readonly def: AnalogChannel;
  readonly tag: string;
  readonly lagAlpha: number;
  readonly noiseGain: number;
  lag: number;
  noise: number;
  lastGood: number;
  dropout: { untilTs: number; quality: 'bad' | 'uncertain'; record: Disturbance } | undefined;
}

interface DimensionState {
  readonly def: DimensionChannel;
  readonly tag: string;
  shift: { untilTs: number; offset: number; record: Disturbance } | undefined;
}

interface BearingState {
  nextOnsetTs: number;
  fault: { onsetTs: number; tripped: boolean; record: Disturbance & { kind: 'bearing_fault' } } | undefined;
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

class MachineSim {
  readonly def: MachineDefinition;
  private readonly rng: Prng;
  private readonly params: SimulatorParams;
  private readonly log: (d: Disturbance) => void;
  private readonly stateTag: string;
  private readonly cycleTag: string;
  private readonly channels: ChannelState[];
  private readonly dimension: DimensionState | undefined;
  private readonly bearing: BearingState | undefined;

  private state: MachineState = 'running';
  /** When the current timed state ends (ms); unused while running. */
  private stateEndsAt = Number.POSITIVE_INFINITY;
  private returnMessage: string | undefined;
  private started = false;

  private cycleCount: number;
  private cycleElapsedS: number;
  private cycleDurationS: number;
  private partsOnTool = 0;
  private toolLife: number;
  private partsOnDie = 0;
  private dieRun: number;
  private dieOffset = 0;
  /** The spindle load sampled in this step, which the lathe's power follows. */
  private lastLoad = 0;

  constructor(options: {
    def: MachineDefinition;
    seed: number;
    startTs: number;
    params: SimulatorParams;
    log: (d: Disturbance) => void;
  }) {
    const { def, params } = options;
    this.def = def;
    this.params = params;
    this.log = options.log;
    this.rng = Prng.derive(options.seed, def.path);
    this.stateTag = tagPath(def.path, STATE_TAG);
    this.cycleTag = tagPath(def.path, CYCLE_COUNT_TAG);
    this.channels = def.analog.map((a) => ({
      def: a,
      tag: tagPath(def.path, a.name),
      lagAlpha: 1 - Math.exp(-1 / a.tauS),
      noiseGain: Math.sqrt(1 - a.phi * a.phi),
      lag: a.initial ?? a.level.running,
      noise: 0,
      lastGood: a.initial ?? a.level.running,
      dropout: undefined,
    }));
    this.dimension = def.dimension && {
      def: def.dimension,
      tag: tagPath(def.path, def.dimension.name),
      shift: undefined,
    };
    const [b0, b1] = params.bearingFirstOnsetS;
    this.bearing = def.bearingFaultProne
      ? { nextOnsetTs: options.startTs + Math.round(this.rng.uniform(b0, b1)) * 1000, fault: undefined }
      : undefined;
    const big = def.type === 'press';
    this.cycleCount = (big ? 100_000 : 10_000) + this.rng.int(big ? 900_000 : 90_000);
    this.cycleDurationS = this.drawCycleDuration();
    this.cycleElapsedS = this.rng.uniform(0, this.cycleDurationS);
    this.toolLife = this.drawToolLife();
    this.partsOnTool = this.rng.int(this.toolLife);
    this.dieRun = this.drawDieRun();
    this.partsOnDie = this.rng.int(this.dieRun);
  }

  step(ts: number, samples: Sample[], events: EventInput[]): void {
    if (!this.started) {
      this.started = true;
      events.push(this.stateEvent(ts, undefined, 'simulation start'));
    }
    this.updateBearing(ts);
    this.updateState(ts, events);
    const partDone = this.produce();
    this.updateShift(ts);
    const group = stateGroup(this.state);

    samples.push({ tag: this.stateTag, ts, value: STATE_CODES[this.state], quality: 'good' });
    if (this.def.cycleTimeS !== undefined) {
      samples.push({ tag: this.cycleTag, ts, value: this.cycleCount, quality: 'good' });
    }
    const excess = this.bearingExcess(ts);
    for (const ch of this.channels) samples.push(this.sampleChannel(ch, ts, group, excess));
    if (partDone && this.dimension) samples.push(this.measure(this.dimension, ts));
  }

  private bearingExcess(ts: number): number {
    const fault = this.bearing?.fault;
    if (!fault || fault.tripped) return 0;
    const t = (ts - fault.onsetTs) / 1000;
    return this.params.bearingScaleMmS * (Math.exp(t / this.params.bearingTauS) - 1);
  }

  private updateBearing(ts: number): void {
    const b = this.bearing;
    if (!b || b.fault || ts < b.nextOnsetTs) return;
    const record: Disturbance & { kind: 'bearing_fault' } = {
      kind: 'bearing_fault',
      asset: this.def.path,
      startTs: ts,
    };
    b.fault = { onsetTs: ts, tripped: false, record };
    this.log(record);
  }

  private updateState(ts: number, events: EventInput[]): void {
    const p = this.params;
    if (this.state !== 'running') {
      if (ts < this.stateEndsAt) return;
      const b = this.bearing;
      if (b?.fault?.tripped) {
        b.fault.record.endTs = ts;
        b.fault = undefined;
        b.nextOnsetTs = ts + Math.round(this.rng.exponential(p.bearingMeanIntervalS)) * 1000;
      }
      this.enter(ts, 'running', undefined, this.returnMessage, 0, events);
      return;
    }
    const rng = this.rng;
    const fault = this.bearing?.fault;
    if (fault && !fault.tripped && this.bearingExcess(ts) >= p.bearingTripExcessMmS) {
      fault.tripped = true;
      fault.record.tripTs = ts;
      const [r0, r1] = p.bearingRepairS;
      this.enter(ts, 'down', 'bearing_overheat', 'main bearing replaced', rng.uniform(r0, r1), events, {
        vibration_rms: this.channels.find((c) => c.def.name === 'vibration_rms')?.lastGood,
        motor_temp: this.channels.find((c) => c.def.name === 'motor_temp')?.lastGood,
      });
      return;
    }
    if (this.def.toolLifeParts !== undefined && this.partsOnTool >= this.toolLife) {
      this.partsOnTool = 0;
      this.toolLife = this.drawToolLife();
      this.enter(ts, 'setup', 'tool_change', undefined, rng.uniform(180, 360), events);
      return;
    }
    if (this.def.dieRunParts !== undefined && this.partsOnDie >= this.dieRun) {
      this.partsOnDie = 0;
      this.dieRun = this.drawDieRun();
      const sigma = this.dimension?.def.sigma ?? 0;
      this.dieOffset = rng.normal(0, 0.3 * sigma);
      this.enter(ts, 'setup', 'die_change', undefined, rng.uniform(600, 1200), events);
      return;
    }
    if (rng.chance(1 / p.breakdownMeanIntervalS)) {
      const reason = rng.pick(BREAKDOWN_REASONS[this.def.type]);
      this.enter(ts, 'down', reason, undefined, rng.uniform(600, 2400), events);
      return;
    }
    if (rng.chance(1 / p.maintenanceMeanIntervalS)) {
      this.enter(ts, 'planned_stop', 'maintenance', undefined, rng.uniform(900, 1800), events);
      return;
    }
    if (rng.chance(1 / p.shortStopMeanIntervalS)) {
      const reason = this.def.type === 'feeder' ? 'material_shortage' : rng.pick(SHORT_STOP_REASONS);
      this.enter(ts, 'idle', reason, undefined, 10 + rng.exponential(p.shortStopMeanDurationS), events);
    }
  }

  /** Changes state and emits its event; a timed state lasts `durationS` (rounded to whole seconds, at least 1). */
  private enter(
    ts: number,
    state: MachineState,
    reason: string | undefined,
    returnMessage: string | undefined,
    durationS: number,
    events: EventInput[],
    data?: Record<string, number | undefined>,
  ): void {
    this.state = state;
    this.returnMessage = returnMessage;
    this.stateEndsAt =
      state === 'running' ? Number.POSITIVE_INFINITY : ts + Math.max(1, Math.round(durationS)) * 1000;
    const message = state === 'running' ? returnMessage : undefined;
    const event = this.stateEvent(ts, reason, message);
    if (data) {
      const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
      events.push({ ...event, data: clean });
    } else events.push(event);
  }

  private stateEvent(ts: number, reason: string | undefined, message: string | undefined): EventInput {
    return {
      kind: 'machine_state',
      ts,
      asset: this.def.path,
      tag: this.stateTag,
      state: this.state,
      ...(reason === undefined ? {} : { reason }),
      ...(message === undefined ? {} : { message }),
    };
  }

  /** Advances the machining / stamping cycle by one second; true when a part was finished. */
  private produce(): boolean {
    if (this.def.cycleTimeS === undefined || this.state !== 'running') return false;
    this.cycleElapsedS += 1;
    if (this.cycleElapsedS < this.cycleDurationS) return false;
    this.cycleElapsedS -= this.cycleDurationS;
    this.cycleDurationS = this.drawCycleDuration();
    this.cycleCount += 1;
    this.partsOnTool += 1;
    this.partsOnDie += 1;
    return true;
  }

  private updateShift(ts: number): void {
    const d = this.dimension;
    if (!d) return;
    if (d.shift) {
      if (ts >= d.shift.untilTs) {
        d.shift.record.endTs = ts;
        d.shift = undefined;
      }
      return;
    }
    const p = this.params;
    if (!this.rng.chance(1 / p.meanShiftMeanIntervalS)) return;
    const sign = this.rng.chance(0.5) ? 1 : -1;
    const offset = sign * p.meanShiftSigmas * d.def.sigma;
    const [s0, s1] = p.meanShiftDurationS;
    const record: Disturbance = {
      kind: 'mean_shift',
      tag: d.tag,
      startTs: ts,
      shiftMm: offset,
      sigmas: sign * p.meanShiftSigmas,
    };
    d.shift = { untilTs: ts + Math.round(this.rng.uniform(s0, s1)) * 1000, offset, record };
    this.log(record);
  }

  private sampleChannel(
    ch: ChannelState,
    ts: number,
    group: 'running' | 'idle' | 'stopped',
    excess: number,
  ): Sample {
    const def = ch.def;
    let target = def.level[group];
    const share = group === 'running' ? 1 : group === 'idle' ? 0.2 : 0;
    switch (def.effect) {
      case 'bearing_vibration':
        target += share * excess;
        break;
      case 'bearing_temperature':
        target += share * this.params.bearingDegCPerMmS * excess;
        break;
      case 'cutting_load':
        if (group === 'running') target = this.cuttingLoad(def.level.running);
        break;
      case 'load_power':
        if (group === 'running') target += 0.2 * this.lastLoad;
        break;
      case undefined:
        break;
    }
    ch.lag += (target - ch.lag) * ch.lagAlpha;
    const scale = group === 'running' ? 1 : group === 'idle' ? 0.6 : 0.2;
    ch.noise = def.phi * ch.noise + ch.noiseGain * def.sigma * scale * this.rng.normal();
    let value = ch.lag + ch.noise;
    if (def.min !== undefined && value < def.min) value = def.min;
    if (def.effect === 'cutting_load') this.lastLoad = value;

    const quality = this.updateDropout(ch, ts);
    if (quality === 'bad') return { tag: ch.tag, ts, value: ch.lastGood, quality };
    if (quality === 'uncertain') {
      let noisy = value + this.rng.normal(0, 4 * def.sigma);
      if (def.min !== undefined && noisy < def.min) noisy = def.min;
      return { tag: ch.tag, ts, value: round(noisy, def.decimals), quality };
    }
    ch.lastGood = round(value, def.decimals);
    return { tag: ch.tag, ts, value: ch.lastGood, quality };
  }

  private cuttingLoad(cutting: number): number {
    const phase = this.cycleElapsedS / this.cycleDurationS;
    if (phase < 0.1) return 6;
    if (phase >= 0.85) return 10;
    const wear = this.toolLife > 0 ? Math.min(1, this.partsOnTool / this.toolLife) : 0;
    return cutting * (1 + 0.25 * wear);
  }

  private updateDropout(ch: ChannelState, ts: number): Quality {
    if (ch.dropout) {
      if (ts < ch.dropout.untilTs) return ch.dropout.quality;
      ch.dropout.record.endTs = ts;
      ch.dropout = undefined;
      return 'good';
    }
    const p = this.params;
    if (!this.rng.chance(1 / p.dropoutMeanIntervalS)) return 'good';
    const quality = this.rng.chance(0.7) ? 'bad' : 'uncertain';
    const record: Disturbance = { kind: 'sensor_dropout', tag: ch.tag, startTs: ts, quality };
    const durationS = 5 + Math.round(this.rng.exponential(p.dropoutMeanDurationS));
    ch.dropout = { untilTs: ts + durationS * 1000, quality, record };
    this.log(record);
    return quality;
  }

  private measure(d: DimensionState, ts: number): Sample {
    const def = d.def;
    const oil = this.channels.find((c) => c.def.name === 'oil_temp');
    const thermal = oil ? def.thermalMmPerDegC * (oil.lag - 45) : 0;
    const mean =
      def.target +
      def.freshToolOffset +
      def.wearPerPart * this.partsOnTool +
      this.dieOffset +
      thermal +
      (d.shift?.offset ?? 0);
    const uncertain = this.rng.chance(this.params.gaugeUncertainProbability);
    const value = mean + this.rng.normal(0, def.sigma * (uncertain ? 3 : 1));
    return { tag: d.tag, ts, value: round(value, def.decimals), quality: uncertain ? 'uncertain' : 'good' };
  }

  private drawCycleDuration(): number {
    const nominal = this.def.cycleTimeS ?? 1;
    return Math.max(1.5, nominal * (1 + 0.02 * this.rng.normal()));
  }

  private drawToolLife(): number {
    const life = this.def.toolLifeParts ?? 0;
    return Math.round(life * this.rng.uniform(0.8, 1.2));
  }

  private drawDieRun(): number {
    const run = this.def.dieRunParts ?? 0;
    return Math.round(run * this.rng.uniform(0.7, 1.3));
  }
}

/**
 * The demo plant, one second per `step`.
 * @example
 * const sim = new PlantSimulator({ seed: 42, startTs: Date.parse('2026-01-05T06:00:00Z') });
 * const { samples, events } = sim.step(sim.nextTs);
 */
export class PlantSimulator {
  readonly seed: number;
  readonly startTs: number;
  readonly params: SimulatorParams;
  private readonly machines: MachineSim[];
  private readonly log: Disturbance[] = [];
  private lastTs: number;

  constructor(options: PlantSimulatorOptions) {
    if (!Number.isInteger(options.seed)) {
      throw new UserError('invalid_input', `simulator seed must be an integer, got ${options.seed}`);
    }
    if (!Number.isInteger(options.startTs) || options.startTs < 0) {
      throw new UserError('invalid_input', `simulator startTs must be epoch ms, got ${options.startTs}`);
    }
    this.seed = options.seed;
    this.startTs = options.startTs;
    this.params = { ...DEFAULT_SIM_PARAMS, ...options.params };
    this.lastTs = options.startTs - 1000;
    this.machines = DEMO_MACHINES.map(
      (def) =>
        new MachineSim({
          def,
          seed: options.seed,
          startTs: options.startTs,
          params: this.params,
          log: (d) => {
            this.log.push(d);
            if (this.log.length > MAX_DISTURBANCES) this.log.splice(0, this.log.length - MAX_DISTURBANCES);
          },
        }),
    );
  }

  /** The timestamp one second after the last step (the start before the first). */
  get nextTs(): number {
    return this.lastTs + 1000;
  }

  /** Timestamp of the last step, or startTs − 1000 before the first. */
  get lastStepTs(): number {
    return this.lastTs;
  }

  /** Ground truth: the disturbances started so far, oldest first (the newest 10,000). */
  get disturbances(): readonly Readonly<Disturbance>[] {
    return this.log;
  }

  /**
   * Advances the plant by one second and returns what it produced at `ts`.
   * `ts` must be an integer later than the previous step's; normally `nextTs`. A larger gap (a skipped tick)
   * is allowed and still advances the dynamics by one second.
   */
  step(ts: number): SimOutput {
    if (!Number.isInteger(ts) || ts <= this.lastTs) {
      throw new UserError(
        'invalid_input',
        `simulator step ts must be an integer after the previous step (${this.lastTs}), got ${ts}`,
      );
    }
    this.lastTs = ts;
    const samples: Sample[] = [];
    const events: EventInput[] = [];
    for (const m of this.machines) m.step(ts, samples, events);
    return { ts, samples, events };
  }
}

/**
 * Steps the simulator through [fromTs, toTs) one second at a time, yielding the outputs in arrays of
 * `stepsPerChunk` steps (default 300, five minutes), so a caller can pre-load history (e.g. the last two hours
 * before `npm start`) in large batches and then continue live from `simulator.nextTs`.
 * @example
 * const now = Math.floor(Date.now() / 1000) * 1000;
 * const sim = new PlantSimulator({ seed: 1, startTs: now - 2 * 3600_000 });
 * for (const steps of backfill(sim, sim.nextTs, now)) await store(steps.flatMap((s) => s.samples));
 */
export function* backfill(
  simulator: PlantSimulator,
  fromTs: number,
  toTs: number,
  options: { stepsPerChunk?: number } = {},
): Generator<SimOutput[], void, undefined> {
  const perChunk = options.stepsPerChunk ?? 300;
  if (!Number.isInteger(perChunk) || perChunk < 1) {
    throw new UserError('invalid_input', `stepsPerChunk must be a positive integer, got ${perChunk}`);
  }
  if (!Number.isInteger(fromTs) || !Number.isInteger(toTs) || fromTs <= simulator.lastStepTs) {
    throw new UserError(
      'invalid_input',
      `backfill needs integer times after the simulator's last step (${simulator.lastStepTs}), got ${fromTs}..${toTs}`,
    );
  }
  let chunk: SimOutput[] = [];
  for (let ts = fromTs; ts < toTs; ts += 1000) {
    chunk.push(simulator.step(ts));
    if (chunk.length >= perChunk) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
