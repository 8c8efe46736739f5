/**
 * A discrete-event simulator of a serial production line: stations with cycle-time distributions, finite buffers
 * (blocking after service), failures, setups and an arrival process; replications with confidence intervals and
 * what-if scenarios compared with common random numbers.
 *
 * Modelling choices, stated once:
 * - Times are in seconds; throughput is reported per hour.
 * - A part is "in the system" from its arrival (exponential arrivals wait in an unbounded queue before the first
 *   station) or, on a saturated line, from the moment the first station starts it, until it leaves the last station.
 * - Buffer i sits between station i and i + 1 and holds `buffers[i]` parts besides the parts in the stations; 0 means
 *   no buffer. A station that finishes a part and finds no room downstream is blocked, holding the part, until room
 *   appears (blocking after service, BAS; Dallery & Gershwin, Queueing Systems 12, 1992).
 * - Failures are time-dependent during busy time: the time between failures is counted only while the station
 *   processes a part (not while it is starved, blocked or in setup), and a failure interrupts the part, which resumes
 *   after repair (preempt-resume). This is Law's "busy time" failure model (Simulation Modeling and Analysis, 5th ed.,
 *   §14.4) and avoids failures of idle machines that real plants do not record.
 * - Minor stops (short idle stops: jams, waiting for material) are a second failure mode with its own busy-time clock,
 *   counted as down time; calibration from plant data (src/app/process/line-calibration.ts) fills them from `idle`
 *   episodes and `failures` from `down` episodes.
 * - A setup of the given duration precedes the next part after every `everyParts` parts completed.
 * - Shifts: with a shift pattern the line works only inside its working windows; outside them everything pauses —
 *   parts in process, repairs, setups, arrivals — and resumes where it stopped (an unmanned line), so the failure
 *   clocks, which count busy time, do not run either. This is simulated as a time warp: the model runs on a clock of
 *   working time, and calendar instants are mapped to it (an event at a shift boundary belongs to the next shift).
 *   Throughput and WIP are per calendar hour (WIP held over breaks is counted), lead times in calendar time (breaks
 *   included), `throughputPerWorkingHour` per working hour, and the station time shares (utilisation, blocked, …) are
 *   shares of working time. Without a pattern the line runs around the clock.
 * - Bottleneck: the station with the longest average active period (Roser, Nakano & Tanaka, "A practical bottleneck
 *   detection method", Proc. Winter Simulation Conference 2001, pp. 949–953). A station is active while it processes,
 *   sets up or is under repair, and inactive while starved or blocked; active periods longer on average mean the
 *   station is less often interrupted by its neighbours, i.e. it constrains them.
 * - Replication r uses seed + r; each station has its own streams for cycle, failure and setup times, derived from the
 *   replication seed and the station's index, so scenarios compared with the same seed use common random numbers.
 */
import { UserError } from '../../domain/errors.js';
import { fQuantile } from '../maintenance/distributions.js';
import { seededRandom } from '../random.js';
import { EventCalendar } from './line-sim-calendar.js';
import {
  type Distribution,
  type Sampler,
  distributionMean,
  makeSampler,
  validateDistribution,
} from './line-sim-distributions.js';

export type { Distribution } from './line-sim-distributions.js';

export interface StationSpec {
  name: string;
  cycleTime: Distribution;
  /** Failures counted in busy time (see the file comment). */
  failures?: { timeBetweenFailures: Distribution; timeToRepair: Distribution };
  /** A setup of `time` before the next part after every `everyParts` parts. */
  setup?: { everyParts: number; time: Distribution };
  /** Short stops, counted like failures in busy time and as down time (a second failure mode). */
  minorStops?: { timeBetween: Distribution; duration: Distribution };
}

/**
 * A repeating pattern of working windows: `periodSeconds` is 86 400 (one pattern a day) or 604 800 (a week, starting
 * on Monday); simulated time 0 is the start of a period (midnight). Windows are [start, end) in seconds from the
 * period's start, sorted, disjoint, within the period.
 */
export interface ShiftPattern {
  periodSeconds: number;
  windows: readonly (readonly [number, number])[];
}

/** How parts reach the first station: always one available, or exponential interarrival times (seconds). */
export type ArrivalProcess = { kind: 'saturated' } | { kind: 'exponential'; meanInterarrivalSeconds: number };

export interface LineModel {
  stations: readonly StationSpec[];
  /** Capacity of the buffer after station i, one per gap (stations − 1 entries); `Infinity` allowed; default Infinity. */
  buffers?: readonly number[];
  arrivals: ArrivalProcess;
  /** Working windows; absent: around the clock. */
  shifts?: ShiftPattern;
}

export interface SimulationOptions {
  /** Simulated time discarded before statistics are collected. */
  warmupSeconds: number;
  /** Simulated time over which statistics are collected, after the warm-up. */
  runSeconds: number;
  /** Number of independent replications (default 10); confidence intervals need at least 2. */
  replications?: number;
  /** Seed of the first replication; replication r uses seed + r (default 1). */
  seed?: number;
  /** Called after each replication. */
  onProgress?: (done: number, total: number) => void;
}

export interface StationReplication {
  name: string;
  /** Share of the run's working time spent processing parts (the other shares are of working time too). */
  utilisation: number;
  setupFraction: number;
  blockedFraction: number;
  starvedFraction: number;
  downFraction: number;
  /** Processing + setup + down: the share of time the station was active (Roser et al. 2001). */
  activeFraction: number;
  /** Mean length of an active period, seconds. */
  averageActivePeriodSeconds: number;
  /** Time-average parts in the buffer before the station (or the arrival queue) plus the part at the station. */
  wip: number;
  /** Per calendar hour. */
  throughputPerHour: number;
}

export interface ReplicationResult {
  seed: number;
  /** Parts per calendar hour. */
  throughputPerHour: number;
  /** Parts per working hour (equal to `throughputPerHour` without shifts). */
  throughputPerWorkingHour: number;
  /** Working share of the run's calendar time (1 without shifts). */
  workingFraction: number;
  /** Time-average number of parts in the system. */
  wip: number;
  /** Mean time in system of the parts that left during the run. */
  leadTimeSeconds: number;
  /** WIP / throughput (Little's law, L = λW): agrees with `leadTimeSeconds` up to edge effects of the run. */
  littleLeadTimeSeconds: number;
  partsOut: number;
  /** Events processed, warm-up included. */
  events: number;
  stations: StationReplication[];
  /** Index of the station with the longest average active period. */
  bottleneck: number;
}

/** A mean over replications with its 95 % confidence interval (Student t, n − 1 degrees of freedom). */
export interface Estimate {
  mean: number;
  /** NaN with a single replication. */
  halfWidth: number;
  lower: number;
  upper: number;
}

export interface StationSummary {
  name: string;
  utilisation: Estimate;
  setupFraction: Estimate;
  blockedFraction: Estimate;
  starvedFraction: Estimate;
  downFraction: Estimate;
  activeFraction: Estimate;
  averageActivePeriodSeconds: Estimate;
  wip: Estimate;
  throughputPerHour: Estimate;
  /** Share of replications in which this station was the bottleneck. */
  bottleneckShare: number;
}

export interface LineSimulationResult {
  replications: ReplicationResult[];
  /** Per calendar hour. */
  throughputPerHour: Estimate;
  /** Per working hour (shifts); equal to `throughputPerHour` without shifts. */
  throughputPerWorkingHour: Estimate;
  /** Working share of the calendar run time. */
  workingFraction: number;
  wip: Estimate;
  leadTimeSeconds: Estimate;
  littleLeadTimeSeconds: Estimate;
  stations: StationSummary[];
  /** The station with the longest mean average active period over replications. */
  bottleneck: { index: number; name: string };
  events: number;
}

// Station states; the numbers index the per-station time accumulators.
const STARVED = 0;
const BUSY = 1;
const BLOCKED = 2;
const DOWN = 3;
const SETUP = 4;
const STATES = 5;

// Event codes are station * 8 + type.
const END_PROCESS = 0;
const FAILURE = 1;
const END_REPAIR = 2;
const END_SETUP = 3;
const ARRIVAL = 4;
const MINOR_STOP = 5;
const END_MINOR_STOP = 6;
/** A break between working windows (station 0's code space; only with shifts). */
const BREAK = 7;

/** A 32-bit seed for stream `id` of a replication: the murmur3 finaliser of the mixed pair (Appleby, MurmurHash3). */
function streamSeed(seed: number, id: number): number {
  let h = ((seed >>> 0) ^ Math.imul(id + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Throws `invalid_input` unless the model can be simulated. */
export function validateLineModel(model: LineModel): void {
  const n = model.stations.length;
  if (n === 0) throw new UserError('invalid_input', 'a line needs at least one station');
  model.stations.forEach((s, i) => {
    const what = `station ${i} (${s.name})`;
    validateDistribution(s.cycleTime, `${what} cycle time`);
    // A zero mean cycle time would let a saturated line produce infinitely many parts at one instant.
    if (!(distributionMean(s.cycleTime) > 0))
      throw new UserError('invalid_input', `${what}: the mean cycle time must be > 0`);
    if (s.failures !== undefined) {
      validateDistribution(s.failures.timeBetweenFailures, `${what} time between failures`);
      validateDistribution(s.failures.timeToRepair, `${what} time to repair`);
      if (!(distributionMean(s.failures.timeBetweenFailures) > 0))
        throw new UserError('invalid_input', `${what}: the mean time between failures must be > 0`);
    }
    if (s.minorStops !== undefined) {
      validateDistribution(s.minorStops.timeBetween, `${what} time between minor stops`);
      validateDistribution(s.minorStops.duration, `${what} minor stop duration`);
      if (!(distributionMean(s.minorStops.timeBetween) > 0))
        throw new UserError('invalid_input', `${what}: the mean time between minor stops must be > 0`);
    }
    if (s.setup !== undefined) {
      if (!(Number.isInteger(s.setup.everyParts) && s.setup.everyParts >= 1))
        throw new UserError('invalid_input', `${what}: setup.everyParts must be an integer ≥ 1`);
      validateDistribution(s.setup.time, `${what} setup time`);
    }
  });
  if (model.buffers !== undefined) {
    if (model.buffers.length !== n - 1)
      throw new UserError(
        'invalid_input',
        `a line of ${n} stations needs ${n - 1} buffers, got ${model.buffers.length}`,
      );
    for (const b of model.buffers)
      if (!(b === Infinity || (Number.isInteger(b) && b >= 0)))
        throw new UserError('invalid_input', `buffer capacities must be integers ≥ 0 or Infinity, got ${b}`);
  }
  if (model.arrivals.kind === 'exponential') {
    const m = model.arrivals.meanInterarrivalSeconds;
    if (!(Number.isFinite(m) && m > 0))
      throw new UserError('invalid_input', `the mean interarrival time must be > 0, got ${m}`);
  }
  if (model.shifts !== undefined) validateShiftPattern(model.shifts);
}

function validateShiftPattern(p: ShiftPattern): void {
  const period = p.periodSeconds;
  if (!(Number.isFinite(period) && period > 0))
    throw new UserError('invalid_input', `the shift period must be > 0 s, got ${period}`);
  if (p.windows.length === 0)
    throw new UserError('invalid_input', 'a shift pattern needs at least one window');
  let last = 0;
  for (const [a, b] of p.windows) {
    if (!(Number.isFinite(a) && Number.isFinite(b) && a >= last && b > a && b <= period))
      throw new UserError(
        'invalid_input',
        `shift windows must be sorted, disjoint and within the ${period} s period, got [${a}, ${b})`,
      );
    last = b;
  }
}

/**
 * The working-time clock of a shift pattern: calendar ↔ working seconds, and the breaks. Adjacent windows are merged
 * (also across the period's end), so every break has a positive length.
 */
export class ShiftClock {
  readonly period: number;
  /** Working seconds per period. */
  readonly perPeriod: number;
  private readonly starts: number[];
  private readonly ends: number[];
  /** Working seconds before window k within its period. */
  private readonly before: number[];

  constructor(pattern: ShiftPattern) {
    validateShiftPattern(pattern);
    this.period = pattern.periodSeconds;
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [a, b] of pattern.windows) {
      if (ends.length > 0 && ends[ends.length - 1] === a) ends[ends.length - 1] = b;
      else {
        starts.push(a);
        ends.push(b);
      }
    }
    this.starts = starts;
    this.ends = ends;
    this.before = [];
    let sum = 0;
    for (let k = 0; k < starts.length; k++) {
      this.before.push(sum);
      sum += (ends[k] ?? 0) - (starts[k] ?? 0);
    }
    this.perPeriod = sum;
  }

  /** Working seconds in calendar [0, t). */
  working(t: number): number {
    const q = Math.floor(t / this.period);
    const r = t - q * this.period;
    let w = q * this.perPeriod;
    for (let k = 0; k < this.starts.length; k++) {
      const a = this.starts[k] ?? 0;
      const b = this.ends[k] ?? 0;
      if (r <= a) break;
      w += Math.min(r, b) - a;
    }
    return w;
  }

  /** The calendar instant at which `w` working seconds have passed; at a window's end, the next window's start. */
  calendar(w: number): number {
    const q = Math.floor(w / this.perPeriod);
    const r = w - q * this.perPeriod;
    for (let k = 0; k < this.starts.length; k++) {
      const len = (this.ends[k] ?? 0) - (this.starts[k] ?? 0);
      const c = this.before[k] ?? 0;
      if (r < c + len) return q * this.period + (this.starts[k] ?? 0) + (r - c);
    }
    return (q + 1) * this.period + (this.starts[0] ?? 0);
  }

  /**
   * The first window end strictly after working time `w`: its working instant `at` and the calendar interval
   * [from, to) of the break that follows it (empty when the next window starts at once, across the period's end).
   */
  breakAfter(w: number): { at: number; from: number; to: number } {
    let q = Math.floor(w / this.perPeriod);
    const r = w - q * this.perPeriod;
    let k = 0;
    while (k < this.starts.length && (this.before[k] ?? 0) + this.len(k) <= r) k++;
    if (k === this.starts.length) {
      q++;
      k = 0;
    }
    const at = q * this.perPeriod + (this.before[k] ?? 0) + this.len(k);
    const from = q * this.period + (this.ends[k] ?? 0);
    const to =
      k + 1 < this.starts.length
        ? q * this.period + (this.starts[k + 1] ?? 0)
        : (q + 1) * this.period + (this.starts[0] ?? 0);
    return { at, from, to };
  }

  private len(k: number): number {
    return (this.ends[k] ?? 0) - (this.starts[k] ?? 0);
  }
}

function validateOptions(options: SimulationOptions): void {
  const { warmupSeconds, runSeconds, replications = 10, seed = 1 } = options;
  if (!(Number.isFinite(warmupSeconds) && warmupSeconds >= 0))
    throw new UserError('invalid_input', `warmupSeconds must be ≥ 0, got ${warmupSeconds}`);
  if (!(Number.isFinite(runSeconds) && runSeconds > 0))
    throw new UserError('invalid_input', `runSeconds must be > 0, got ${runSeconds}`);
  if (!(Number.isInteger(replications) && replications >= 1))
    throw new UserError('invalid_input', `replications must be an integer ≥ 1, got ${replications}`);
  if (!Number.isInteger(seed)) throw new UserError('invalid_input', `seed must be an integer, got ${seed}`);
}

/** One replication's state; typed arrays indexed by station keep the per-event work free of allocations. */
class Replication {
  private readonly n: number;
  private readonly cal = new EventCalendar(32);
  private now = 0;
  private readonly state: Uint8Array;
  private readonly since: Float64Array;
  private readonly stateTime: Float64Array;
  private readonly activePeriods: Float64Array;
  private readonly completions: Float64Array;
  private readonly count: Float64Array;
  private readonly countSince: Float64Array;
  private readonly countArea: Float64Array;
  private readonly buf: Float64Array;
  private readonly cap: Float64Array;
  private readonly upLeft: Float64Array;
  private readonly workLeft: Float64Array;
  private readonly sinceSetup: Int32Array;
  private readonly setupEvery: Int32Array;
  private readonly cycle: Sampler[];
  private readonly tbf: (Sampler | undefined)[];
  private readonly ttr: (Sampler | undefined)[];
  private readonly setupTime: (Sampler | undefined)[];
  private readonly msLeft: Float64Array;
  private readonly msBetween: (Sampler | undefined)[];
  private readonly msDuration: (Sampler | undefined)[];
  private readonly arrival: Sampler | undefined;
  private readonly clock: ShiftClock | undefined;
  private pendingBreak = { at: Infinity, from: 0, to: 0 };
  /** Calendar bounds of the statistics (warm-up end, run end). */
  private warmCal = 0;
  private endCal = 0;
  private queue0 = 0;
  private inSystem = 0;
  private sysSince = 0;
  private sysArea = 0;
  private entries = new Float64Array(1024);
  private head = 0;
  private departures = 0;
  private leadSum = 0;
  events = 0;

  constructor(
    private readonly model: LineModel,
    private readonly seed: number,
  ) {
    const n = model.stations.length;
    this.n = n;
    this.state = new Uint8Array(n);
    this.since = new Float64Array(n);
    this.stateTime = new Float64Array(n * STATES);
    this.activePeriods = new Float64Array(n);
    this.completions = new Float64Array(n);
    this.count = new Float64Array(n);
    this.countSince = new Float64Array(n);
    this.countArea = new Float64Array(n);
    this.buf = new Float64Array(Math.max(0, n - 1));
    this.cap = Float64Array.from({ length: Math.max(0, n - 1) }, (_, i) => model.buffers?.[i] ?? Infinity);
    this.upLeft = new Float64Array(n);
    this.workLeft = new Float64Array(n);
    this.sinceSetup = new Int32Array(n);
    this.setupEvery = new Int32Array(n);
    const stream = (id: number): (() => number) => seededRandom(streamSeed(seed, id));
    this.cycle = model.stations.map((s, i) => makeSampler(s.cycleTime, stream(1 + 4 * i)));
    this.tbf = model.stations.map((s, i) =>
      s.failures === undefined ? undefined : makeSampler(s.failures.timeBetweenFailures, stream(2 + 4 * i)),
    );
    this.ttr = model.stations.map((s, i) =>
      s.failures === undefined ? undefined : makeSampler(s.failures.timeToRepair, stream(3 + 4 * i)),
    );
    this.setupTime = model.stations.map((s, i) =>
      s.setup === undefined ? undefined : makeSampler(s.setup.time, stream(4 + 4 * i)),
    );
    // Minor-stop streams come after all the others, so adding minor stops leaves the other streams as they were.
    this.msLeft = new Float64Array(n);
    this.msBetween = model.stations.map((s, i) =>
      s.minorStops === undefined
        ? undefined
        : makeSampler(s.minorStops.timeBetween, stream(1 + 4 * n + 2 * i)),
    );
    this.msDuration = model.stations.map((s, i) =>
      s.minorStops === undefined ? undefined : makeSampler(s.minorStops.duration, stream(2 + 4 * n + 2 * i)),
    );
    this.clock = model.shifts === undefined ? undefined : new ShiftClock(model.shifts);
    model.stations.forEach((s, i) => {
      this.setupEvery[i] = s.setup?.everyParts ?? 0;
    });
    this.arrival =
      model.arrivals.kind === 'exponential'
        ? makeSampler({ kind: 'exponential', mean: model.arrivals.meanInterarrivalSeconds }, stream(0))
        : undefined;
  }

  run(warmupCalendarSeconds: number, runCalendarSeconds: number): ReplicationResult {
    const cal = this.cal;
    this.warmCal = warmupCalendarSeconds;
    this.endCal = warmupCalendarSeconds + runCalendarSeconds;
    // The model runs on working time; without shifts that is calendar time.
    const clock = this.clock;
    const warmupSeconds = clock === undefined ? this.warmCal : clock.working(this.warmCal);
    const end = clock === undefined ? this.endCal : clock.working(this.endCal);
    const runSeconds = end - warmupSeconds;
    if (!(runSeconds > 0))
      throw new UserError('invalid_input', 'the run holds no working time: lengthen it or widen the shifts');
    for (let i = 0; i < this.n; i++) {
      this.upLeft[i] = this.tbf[i]?.() ?? Infinity;
      this.msLeft[i] = this.msBetween[i]?.() ?? Infinity;
    }
    if (clock !== undefined) {
      this.pendingBreak = clock.breakAfter(0);
      cal.push(this.pendingBreak.at, BREAK);
    }
    if (this.arrival === undefined) this.pull(0);
    else cal.push(this.arrival(), ARRIVAL);
    let warmed = warmupSeconds === 0;
    for (;;) {
      const t = cal.peekTime();
      if (!warmed && t > warmupSeconds) {
        this.resetStatistics(warmupSeconds);
        warmed = true;
      }
      if (t > end) break;
      const code = cal.pop();
      this.now = cal.time;
      this.events++;
      this.handle(code);
    }
    return this.finish(end, runSeconds);
  }

  /** The calendar time of the current event: before the pending break is taken, the end of the shift. */
  private calendarNow(): number {
    const clock = this.clock;
    if (clock === undefined) return this.now;
    return this.now === this.pendingBreak.at ? this.pendingBreak.from : clock.calendar(this.now);
  }

  /** Adds `seconds` of calendar time at the current WIP (a break, during which nothing moves). */
  private holdWip(seconds: number): void {
    if (!(seconds > 0)) return;
    this.sysArea += this.inSystem * seconds;
    for (let i = 0; i < this.n; i++)
      this.countArea[i] = (this.countArea[i] ?? 0) + (this.count[i] ?? 0) * seconds;
  }

  private handle(code: number): void {
    const i = code >> 3;
    switch (code & 7) {
      case END_PROCESS:
        this.completions[i] = (this.completions[i] ?? 0) + 1;
        this.sinceSetup[i] = (this.sinceSetup[i] ?? 0) + 1;
        this.release(i);
        return;
      case FAILURE:
        this.setState(i, DOWN);
        this.cal.push(this.now + (this.ttr[i]?.() ?? 0), i * 8 + END_REPAIR);
        return;
      case END_REPAIR:
        this.upLeft[i] = this.tbf[i]?.() ?? Infinity;
        this.work(i, this.workLeft[i] ?? 0);
        return;
      case MINOR_STOP:
        this.setState(i, DOWN);
        this.cal.push(this.now + (this.msDuration[i]?.() ?? 0), i * 8 + END_MINOR_STOP);
        return;
      case END_MINOR_STOP:
        this.msLeft[i] = this.msBetween[i]?.() ?? Infinity;
        this.work(i, this.workLeft[i] ?? 0);
        return;
      case BREAK: {
        const b = this.pendingBreak;
        this.holdWip(Math.min(b.to, this.endCal) - Math.max(b.from, this.warmCal));
        this.pendingBreak = this.clock?.breakAfter(this.now) ?? { at: Infinity, from: 0, to: 0 };
        this.cal.push(this.pendingBreak.at, BREAK);
        return;
      }
      case END_SETUP:
        this.work(i, this.cycle[i]?.() ?? 0);
        return;
      case ARRIVAL:
        this.cal.push(this.now + (this.arrival?.() ?? Infinity), ARRIVAL);
        this.enterSystem();
        this.addCount(0, 1);
        if (this.state[0] === STARVED) this.start(0);
        else this.queue0++;
        return;
    }
  }

  private setState(i: number, s: number): void {
    const old = this.state[i] ?? STARVED;
    this.stateTime[i * STATES + old] =
      (this.stateTime[i * STATES + old] ?? 0) + this.now - (this.since[i] ?? 0);
    this.since[i] = this.now;
    if ((old === STARVED || old === BLOCKED) && s !== STARVED && s !== BLOCKED)
      this.activePeriods[i] = (this.activePeriods[i] ?? 0) + 1;
    this.state[i] = s;
  }

  private addCount(i: number, delta: number): void {
    const c = this.count[i] ?? 0;
    this.countArea[i] = (this.countArea[i] ?? 0) + c * (this.now - (this.countSince[i] ?? 0));
    this.countSince[i] = this.now;
    this.count[i] = c + delta;
  }

  private enterSystem(): void {
    this.sysArea += this.inSystem * (this.now - this.sysSince);
    this.sysSince = this.now;
    // The entry times form a FIFO (a serial line never reorders parts) in a ring buffer that doubles when full.
    if (this.inSystem === this.entries.length) {
      const bigger = new Float64Array(this.entries.length * 2);
      for (let k = 0; k < this.inSystem; k++)
        bigger[k] = this.entries[(this.head + k) & (this.entries.length - 1)] ?? 0;
      this.entries = bigger;
      this.head = 0;
    }
    this.entries[(this.head + this.inSystem) & (this.entries.length - 1)] = this.calendarNow();
    this.inSystem++;
  }

  private leaveSystem(): void {
    this.sysArea += this.inSystem * (this.now - this.sysSince);
    this.sysSince = this.now;
    const entered = this.entries[this.head] ?? 0;
    this.head = (this.head + 1) & (this.entries.length - 1);
    this.inSystem--;
    this.departures++;
    this.leadSum += this.calendarNow() - entered;
  }

  /** Station i has just received a part: set up first when due, else process. */
  private start(i: number): void {
    const every = this.setupEvery[i] ?? 0;
    if (every > 0 && (this.sinceSetup[i] ?? 0) >= every) {
      this.sinceSetup[i] = 0;
      this.setState(i, SETUP);
      this.cal.push(this.now + (this.setupTime[i]?.() ?? 0), i * 8 + END_SETUP);
    } else this.work(i, this.cycle[i]?.() ?? 0);
  }

  /** Processes `w` seconds of work, or up to the next failure or minor stop when it falls within them. */
  private work(i: number, w: number): void {
    const up = this.upLeft[i] ?? Infinity;
    const ms = this.msLeft[i] ?? Infinity;
    this.setState(i, BUSY);
    if (up > w && ms > w) {
      this.upLeft[i] = up - w;
      this.msLeft[i] = ms - w;
      this.cal.push(this.now + w, i * 8 + END_PROCESS);
    } else if (up <= ms) {
      this.workLeft[i] = w - up;
      this.upLeft[i] = 0;
      this.msLeft[i] = ms - up;
      this.cal.push(this.now + up, i * 8 + FAILURE);
    } else {
      this.workLeft[i] = w - ms;
      this.msLeft[i] = 0;
      this.upLeft[i] = up - ms;
      this.cal.push(this.now + ms, i * 8 + MINOR_STOP);
    }
  }

  /** Station i finished its part: pass it on, or block (BAS). */
  private release(i: number): void {
    if (i === this.n - 1) {
      this.addCount(i, -1);
      this.leaveSystem();
      this.pull(i);
      return;
    }
    const j = i + 1;
    if (this.state[j] === STARVED) {
      this.addCount(i, -1);
      this.addCount(j, 1);
      this.start(j);
      this.pull(i);
    } else if ((this.buf[i] ?? 0) < (this.cap[i] ?? 0)) {
      this.buf[i] = (this.buf[i] ?? 0) + 1;
      this.addCount(i, -1);
      this.addCount(j, 1);
      this.pull(i);
    } else this.setState(i, BLOCKED);
  }

  /** Station j has just become empty: take the next part from upstream, unblocking stations up the line. */
  private pull(j: number): void {
    for (;;) {
      if (j === 0) {
        if (this.arrival === undefined) {
          this.enterSystem();
          this.addCount(0, 1);
          this.start(0);
        } else if (this.queue0 > 0) {
          this.queue0--;
          this.start(0);
        } else this.setState(0, STARVED);
        return;
      }
      const u = j - 1;
      if ((this.buf[u] ?? 0) > 0) {
        this.buf[u] = (this.buf[u] ?? 0) - 1;
        this.start(j);
        if (this.state[u] !== BLOCKED) return;
        this.buf[u] = (this.buf[u] ?? 0) + 1;
      } else if (this.state[u] === BLOCKED) {
        this.start(j);
      } else {
        this.setState(j, STARVED);
        return;
      }
      // The part blocked at station u moved into the buffer (or straight into station j).
      this.addCount(u, -1);
      this.addCount(j, 1);
      j = u;
    }
  }

  /** Discards what was collected during the warm-up; a station active at this instant opens an active period. */
  private resetStatistics(at: number): void {
    this.now = at;
    for (let i = 0; i < this.n; i++) {
      this.since[i] = at;
      for (let s = 0; s < STATES; s++) this.stateTime[i * STATES + s] = 0;
      const st = this.state[i];
      this.activePeriods[i] = st === STARVED || st === BLOCKED ? 0 : 1;
      this.completions[i] = 0;
      this.countSince[i] = at;
      this.countArea[i] = 0;
    }
    this.sysSince = at;
    this.sysArea = 0;
    this.departures = 0;
    this.leadSum = 0;
    // The warm-up ended during a break: the rest of the break counts, at the WIP held over it.
    if (this.clock !== undefined) this.holdWip(Math.min(this.clock.calendar(at), this.endCal) - this.warmCal);
  }

  /** `runSeconds` is working time (the time shares are of it); rates and WIP are per calendar time. */
  private finish(end: number, runSeconds: number): ReplicationResult {
    this.now = end;
    const calendarSeconds = this.endCal - this.warmCal;
    const n = this.n;
    this.sysArea += this.inSystem * (end - this.sysSince);
    const stations: StationReplication[] = [];
    let bottleneck = 0;
    let longest = -1;
    for (let i = 0; i < n; i++) {
      this.setState(i, this.state[i] ?? STARVED);
      this.addCount(i, 0);
      const frac = (s: number): number => (this.stateTime[i * STATES + s] ?? 0) / runSeconds;
      const activeTime =
        (this.stateTime[i * STATES + BUSY] ?? 0) +
        (this.stateTime[i * STATES + DOWN] ?? 0) +
        (this.stateTime[i * STATES + SETUP] ?? 0);
      const periods = this.activePeriods[i] ?? 0;
      const averageActive = periods > 0 ? activeTime / periods : 0;
      if (averageActive > longest) {
        longest = averageActive;
        bottleneck = i;
      }
      stations.push({
        name: this.model.stations[i]?.name ?? `station ${i}`,
        utilisation: frac(BUSY),
        setupFraction: frac(SETUP),
        blockedFraction: frac(BLOCKED),
        starvedFraction: frac(STARVED),
        downFraction: frac(DOWN),
        activeFraction: activeTime / runSeconds,
        averageActivePeriodSeconds: averageActive,
        wip: (this.countArea[i] ?? 0) / calendarSeconds,
        throughputPerHour: ((this.completions[i] ?? 0) / calendarSeconds) * 3600,
      });
    }
    const wip = this.sysArea / calendarSeconds;
    const rate = this.departures / calendarSeconds;
    return {
      seed: this.seed,
      throughputPerHour: rate * 3600,
      throughputPerWorkingHour: (this.departures / runSeconds) * 3600,
      workingFraction: runSeconds / calendarSeconds,
      wip,
      leadTimeSeconds: this.departures > 0 ? this.leadSum / this.departures : NaN,
      littleLeadTimeSeconds: rate > 0 ? wip / rate : NaN,
      partsOut: this.departures,
      events: this.events,
      stations,
      bottleneck,
    };
  }
}

/**
 * Simulates one replication with `seed`.
 * @example simulateReplication(model, { warmupSeconds: 3600, runSeconds: 8 * 3600, seed: 7 }).throughputPerHour
 */
export function simulateReplication(
  model: LineModel,
  options: { warmupSeconds: number; runSeconds: number; seed: number },
): ReplicationResult {
  validateLineModel(model);
  validateOptions(options);
  return new Replication(model, options.seed).run(options.warmupSeconds, options.runSeconds);
}

const tCache = new Map<number, number>();

/** The 97.5 % quantile of Student's t with `df` degrees of freedom, from t² ~ F(1, df). */
export function tQuantile975(df: number): number {
  let t = tCache.get(df);
  if (t === undefined) {
    t = Math.sqrt(fQuantile(0.95, 1, df));
    tCache.set(df, t);
  }
  return t;
}

/**
 * Mean and 95 % confidence interval of independent replications' values: x̄ ± t(0.975, n−1)·s/√n (Law, Simulation
 * Modeling and Analysis, 5th ed., §9.4.1). Non-finite values (no part left during a run) are skipped.
 * @example estimate([1, 2, 3]) // { mean: 2, halfWidth: 2.484…, lower: -0.484…, upper: 4.484… }
 */
export function estimate(values: readonly number[]): Estimate {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: NaN, halfWidth: NaN, lower: NaN, upper: NaN };
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, halfWidth: NaN, lower: NaN, upper: NaN };
  const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const halfWidth = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { mean, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth };
}

/** Aggregates replications of one model. */
export function summarise(model: LineModel, replications: ReplicationResult[]): LineSimulationResult {
  const over = (pick: (r: ReplicationResult) => number): Estimate => estimate(replications.map(pick));
  const stations = model.stations.map((s, i): StationSummary => {
    const st = (pick: (r: StationReplication) => number): Estimate =>
      over((r) => {
        const x = r.stations[i];
        return x === undefined ? NaN : pick(x);
      });
    return {
      name: s.name,
      utilisation: st((x) => x.utilisation),
      setupFraction: st((x) => x.setupFraction),
      blockedFraction: st((x) => x.blockedFraction),
      starvedFraction: st((x) => x.starvedFraction),
      downFraction: st((x) => x.downFraction),
      activeFraction: st((x) => x.activeFraction),
      averageActivePeriodSeconds: st((x) => x.averageActivePeriodSeconds),
      wip: st((x) => x.wip),
      throughputPerHour: st((x) => x.throughputPerHour),
      bottleneckShare:
        replications.filter((r) => r.bottleneck === i).length / Math.max(1, replications.length),
    };
  });
  let index = 0;
  stations.forEach((s, i) => {
    if (s.averageActivePeriodSeconds.mean > (stations[index]?.averageActivePeriodSeconds.mean ?? -Infinity))
      index = i;
  });
  return {
    replications,
    throughputPerHour: over((r) => r.throughputPerHour),
    throughputPerWorkingHour: over((r) => r.throughputPerWorkingHour),
    workingFraction: replications[0]?.workingFraction ?? 1,
    wip: over((r) => r.wip),
    leadTimeSeconds: over((r) => r.leadTimeSeconds),
    littleLeadTimeSeconds: over((r) => r.littleLeadTimeSeconds),
    stations,
    bottleneck: { index, name: model.stations[index]?.name ?? '' },
    events: replications.reduce((s, r) => s + r.events, 0),
  };
}

/**
 * Runs `replications` replications (seeds seed, seed + 1, …) and aggregates them with 95 % confidence intervals.
 * @example
 * const r = simulateLine(
 *   { stations: [{ name: 'press', cycleTime: { kind: 'exponential', mean: 1 } }],
 *     arrivals: { kind: 'exponential', meanInterarrivalSeconds: 1.25 } },
 *   { warmupSeconds: 1000, runSeconds: 100_000, replications: 20, seed: 1 },
 * );
 * r.wip; // ≈ 4 (M/M/1, ρ = 0.8)
 */
export function simulateLine(model: LineModel, options: SimulationOptions): LineSimulationResult {
  validateLineModel(model);
  validateOptions(options);
  const { replications = 10, seed = 1 } = options;
  const results: ReplicationResult[] = [];
  for (let r = 0; r < replications; r++) {
    results.push(new Replication(model, seed + r).run(options.warmupSeconds, options.runSeconds));
    options.onProgress?.(r + 1, replications);
  }
  return summarise(model, results);
}

export interface ScenarioComparison {
  name: string;
  result: LineSimulationResult;
  /** Variant − base, paired by replication (common random numbers), with 95 % confidence intervals. */
  difference: {
    throughputPerHour: Estimate;
    wip: Estimate;
    leadTimeSeconds: Estimate;
  };
}

/**
 * Simulates a base line and variants with the same seeds, so each replication of a variant sees the same random
 * numbers at the same stations as the base (common random numbers, Law §11.2): the paired differences then have a
 * much smaller variance than independent runs would give. Station streams are matched by index, so a variant should
 * keep its stations in the base's order (adding stations at the end). Progress counts all replications of all
 * scenarios.
 * @example
 * compareScenarios(line, [{ name: 'bigger buffer', model: { ...line, buffers: [10] } }], { warmupSeconds: 3600,
 *   runSeconds: 28_800, replications: 10 }).variants[0].difference.throughputPerHour
 */
export function compareScenarios(
  base: LineModel,
  variants: readonly { name: string; model: LineModel }[],
  options: SimulationOptions,
): { base: LineSimulationResult; variants: ScenarioComparison[] } {
  validateLineModel(base);
  for (const v of variants) validateLineModel(v.model);
  validateOptions(options);
  const { replications = 10 } = options;
  const total = replications * (1 + variants.length);
  let done = 0;
  const progress = (): void => {
    done++;
    options.onProgress?.(done, total);
  };
  const run = (model: LineModel): LineSimulationResult =>
    simulateLine(model, { ...options, onProgress: progress });
  const baseResult = run(base);
  const paired = (variant: LineSimulationResult, pick: (r: ReplicationResult) => number): Estimate =>
    estimate(variant.replications.map((r, k) => pick(r) - pick(baseResult.replications[k] ?? r)));
  return {
    base: baseResult,
    variants: variants.map((v) => {
      const result = run(v.model);
      return {
        name: v.name,
        result,
        difference: {
          throughputPerHour: paired(result, (r) => r.throughputPerHour),
          wip: paired(result, (r) => r.wip),
          leadTimeSeconds: paired(result, (r) => r.leadTimeSeconds),
        },
      };
    }),
  };
}
