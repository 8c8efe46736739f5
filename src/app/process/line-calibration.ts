/**
 * Calibration of a line file (line-file.ts) from what the plant recorded: each machine's `machine_state` events
 * (src/domain/event.ts) and its cumulative part counter `<asset>/cycle_count`.
 *
 * Per station, over the window [from, to):
 * - States are read as episodes: from one `machine_state` event to the next (consecutive events of one state are one
 *   episode; the state at `from` is the last event before it, and time before any known state is `unknown`).
 * - Cycle time: the gaps between counter increments that fall in the same `running` episode (a gap that spans any
 *   other state is dropped, as is the first increment of an episode, whose part was begun before the stop); an
 *   increment of k parts counts as k gaps of a k-th of its length. Fitted by moments: a normal distribution with the
 *   sample mean and standard deviation when the coefficient of variation is ≤ 0.3, else a lognormal one.
 * - Failures from `down` episodes: MTBF = running time / number of down episodes that began in the window, an
 *   exponential time between failures counted in busy time (the simulator's failure model), with the two-sided 95 %
 *   interval of a time-terminated test [2T/χ²(0.975; 2n + 2), 2T/χ²(0.025; 2n)] (MIL-HDBK-781A, §5.9; Meeker &
 *   Escobar, Statistical Methods for Reliability Data, §7.5). MTTR from the lengths of the down episodes wholly in the
 *   window, a lognormal distribution with their mean and standard deviation (Law, Simulation Modeling and Analysis,
 *   5th ed., §6.2.2: repair times are right-skewed), with a Student-t 95 % interval of the mean.
 * - Minor stops from `idle` episodes, the same way (mean running time between them, lognormal lengths): the simulator
 *   plays them as a second busy-time failure mode, so the cycle time stays the clean one. Idle episodes with a reason
 *   in `ignoreReasons` (e.g. `starved`, `blocked` on a serial line, where the simulator makes those itself) and their
 *   time are left out.
 * - Setups from `setup` episodes: lognormal lengths, and every `everyParts` = the mean number of parts counted
 *   between the starts of consecutive setups (or, with fewer than two, the parts in the window per setup).
 * - `planned_stop`, `off` and unknown time are planned (not modelled): the observed throughput the model should
 *   reproduce is parts per hour of the rest, the planned production time (ISO 22400-2), which is also reported per
 *   running hour.
 */
import { stringify as stringifyYaml } from 'yaml';
import { chiSquareQuantile } from '../../analytics/quality/capability.js';
import { tQuantile975 } from '../../analytics/process/line-sim.js';
import type { MachineState } from '../../domain/event.js';
import { UserError } from '../../domain/errors.js';
import type { LineFileInput } from './line-file.js';
import { lineFileFromDocument } from './line-file.js';

export interface StateChange {
  ts: number;
  state: MachineState;
  reason?: string | undefined;
}

export interface CounterReading {
  ts: number;
  value: number;
  quality: 'good' | 'uncertain' | 'bad';
}

export interface StationRecord {
  /** The station's name in the line file. */
  name: string;
  asset: string;
  /** Oldest first; may start before the window (the state at its start). */
  states: readonly StateChange[];
  /** Oldest first, within the window. */
  counter: readonly CounterReading[];
}

/** A mean with its two-sided 95 % interval (null when the sample cannot give one) and the sample size. */
export interface Estimated {
  mean: number;
  lower: number | null;
  upper: number | null;
  n: number;
}

export interface StationEvidence {
  name: string;
  asset: string;
  /** Seconds per state in the window; `unknown` before the first known state. */
  hours: Record<MachineState | 'unknown', number>;
  plannedProductionHours: number;
  parts: number;
  partsPerRunningHour: number;
  /** The throughput a simulation of the calibrated station should reproduce. */
  partsPerPlannedHour: number;
  /** Clean cycle time (gaps within running episodes), seconds: mean, 95 % interval, sd, and the gaps used. */
  cycleTime: Estimated & { sd: number; distribution: 'normal' | 'lognormal' };
  /** Mean running seconds between down episodes (exponential); undefined without any. */
  mtbf?: Estimated;
  /** Mean down-episode length, seconds. */
  mttr?: Estimated & { sd: number };
  /** Mean running seconds between idle episodes, and their mean length. */
  minorStops?: { mtbs: Estimated; duration: Estimated & { sd: number } };
  setup?: { everyParts: number; intervals: number; duration: Estimated & { sd: number } };
  notes: string[];
}

export interface LineCalibration {
  /** A line file (line-file.ts schema), ready for `gemba simulate`. */
  document: LineFileInput;
  stations: StationEvidence[];
}

type Episode = {
  state: MachineState | 'unknown';
  reason?: string | undefined;
  start: number;
  end: number;
  whole: boolean;
};

/** The window cut into episodes of one state; `whole` when the episode starts and ends inside the window. */
function episodes(states: readonly StateChange[], from: number, to: number): Episode[] {
  const out: Episode[] = [];
  let current: Episode = { state: 'unknown', start: from, end: to, whole: false };
  let openedInside = false;
  for (const change of states) {
    if (change.ts >= to) break;
    if (change.state === current.state) continue;
    if (change.ts <= from) {
      current = { state: change.state, reason: change.reason, start: from, end: to, whole: false };
      continue;
    }
    out.push({ ...current, end: change.ts, whole: openedInside });
    current = { state: change.state, reason: change.reason, start: change.ts, end: to, whole: false };
    openedInside = true;
  }
  out.push({ ...current, end: to, whole: false });
  return out.filter((e) => e.end > e.start);
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: readonly number[]): number => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

/** Mean of a sample with its Student-t 95 % interval (NaN bounds with fewer than two values). */
function meanWithInterval(xs: readonly number[]): Estimated & { sd: number } {
  const m = mean(xs);
  const s = sd(xs);
  if (xs.length < 2) return { mean: m, lower: null, upper: null, n: xs.length, sd: s };
  const h = (tQuantile975(xs.length - 1) * s) / Math.sqrt(xs.length);
  return { mean: m, lower: m - h, upper: m + h, n: xs.length, sd: s };
}

/**
 * Mean time between events of an exponential process seen for `exposure` seconds with `n` events, and its two-sided
 * 95 % interval for a time-terminated observation (see the file comment).
 * @example exponentialMean(36_000, 10) // { mean: 3600, lower: 1797…, upper: 7385…, n: 10 }
 */
export function exponentialMean(exposure: number, n: number): Estimated {
  const lower = (2 * exposure) / chiSquareQuantile(0.975, 2 * n + 2);
  const upper = n > 0 ? (2 * exposure) / chiSquareQuantile(0.025, 2 * n) : null;
  return { mean: n > 0 ? exposure / n : Infinity, lower, upper, n };
}

/** Four significant digits: a line file needs no more. */
const sig = (x: number): number => Number(x.toPrecision(4));

/** A duration distribution in the line file's form, by moments: lognormal, or deterministic without spread. */
function lognormalOf(e: { mean: number; sd: number }) {
  return e.sd > 0
    ? { type: 'lognormal' as const, mean: sig(e.mean), sd: sig(e.sd) }
    : { type: 'deterministic' as const, value: sig(e.mean) };
}

/** Calibrates one station over [from, to); see the file comment for the estimators. */
export function calibrateStation(
  record: StationRecord,
  window: { from: number; to: number },
  options: { ignoreReasons?: readonly string[] } = {},
): StationEvidence {
  const { from, to } = window;
  const ignore = new Set(options.ignoreReasons ?? []);
  const eps = episodes(record.states, from, to);
  const ignored = (e: Episode) => e.state !== 'running' && e.reason !== undefined && ignore.has(e.reason);
  const ms: Record<MachineState | 'unknown', number> = {
    running: 0,
    idle: 0,
    setup: 0,
    planned_stop: 0,
    down: 0,
    off: 0,
    unknown: 0,
  };
  let ignoredMs = 0;
  for (const e of eps) {
    if (ignored(e)) ignoredMs += e.end - e.start;
    else ms[e.state] += e.end - e.start;
  }
  const notes: string[] = [];

  // Counter increments, each with the index of the episode it falls in.
  const increments: { ts: number; parts: number; episode: number }[] = [];
  let prev: CounterReading | undefined;
  let k = 0;
  let resets = 0;
  for (const r of record.counter) {
    if (r.quality !== 'good' || !Number.isFinite(r.value)) continue;
    if (prev !== undefined) {
      const delta = r.value - prev.value;
      if (delta < 0) resets++;
      else if (delta > 0) {
        while (k < eps.length - 1 && (eps[k]?.end ?? 0) <= r.ts) k++;
        increments.push({ ts: r.ts, parts: Math.round(delta), episode: k });
      }
    }
    prev = r;
  }
  if (resets > 0) notes.push(`${resets} counter reset(s) skipped`);
  const parts = increments.reduce((s, x) => s + x.parts, 0);

  const gaps: number[] = [];
  for (let j = 1; j < increments.length; j++) {
    const a = increments[j - 1];
    const b = increments[j];
    if (a === undefined || b === undefined || a.episode !== b.episode) continue;
    if (eps[b.episode]?.state !== 'running') continue;
    const gap = (b.ts - a.ts) / 1000 / b.parts;
    for (let p = 0; p < b.parts; p++) gaps.push(gap);
  }
  if (gaps.length < 2)
    throw new UserError(
      'invalid_input',
      `${record.asset}: fewer than two counter increments within running episodes between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}: no cycle time to estimate (is ${record.asset}/cycle_count recorded, and machine_state events?)`,
    );
  const ct = meanWithInterval(gaps);
  const cv = ct.sd / ct.mean;
  const cycleTime = { ...ct, distribution: cv <= 0.3 ? ('normal' as const) : ('lognormal' as const) };

  const running = ms.running / 1000;
  const countIn = (state: MachineState) => eps.filter((e) => e.state === state && !ignored(e));
  // Episodes that began inside the window count as events; wholly inside ones give lengths.
  const began = (list: Episode[]) => list.filter((e) => e.start > from || e.whole).length;
  const lengths = (list: Episode[]) => list.filter((e) => e.whole).map((e) => (e.end - e.start) / 1000);

  const downs = countIn('down');
  const downLengths = lengths(downs);
  const nDown = began(downs);
  const mtbf = nDown > 0 ? exponentialMean(running, nDown) : undefined;
  const mttr = downLengths.length > 0 ? meanWithInterval(downLengths) : undefined;
  if (nDown === 0)
    notes.push(
      `no down episode in ${(running / 3600).toFixed(1)} running hours: no failures modelled (MTBF > ${((exponentialMean(running, 0).lower ?? 0) / 3600).toFixed(1)} h at 95 %)`,
    );
  else if (mttr === undefined)
    notes.push('no down episode wholly inside the window: no repair time to estimate');

  const idles = countIn('idle');
  const idleLengths = lengths(idles);
  const nIdle = began(idles);
  const minorStops =
    nIdle > 0 && idleLengths.length > 0
      ? { mtbs: exponentialMean(running, nIdle), duration: meanWithInterval(idleLengths) }
      : undefined;

  const setups = countIn('setup');
  const setupLengths = lengths(setups);
  let setup: StationEvidence['setup'];
  if (setups.length > 0 && setupLengths.length > 0) {
    const starts = setups.filter((e) => e.start > from).map((e) => e.start);
    const between: number[] = [];
    for (let j = 1; j < starts.length; j++) {
      const a = starts[j - 1] ?? 0;
      const b = starts[j] ?? 0;
      between.push(increments.filter((x) => x.ts >= a && x.ts < b).reduce((s, x) => s + x.parts, 0));
    }
    const every = between.length > 0 ? mean(between) : parts / setups.length;
    if (between.length === 0)
      notes.push('fewer than two setups: everyParts is the parts in the window per setup');
    setup = {
      everyParts: Math.max(1, Math.round(every)),
      intervals: between.length,
      duration: meanWithInterval(setupLengths),
    };
  }

  const planned = (to - from - ms.planned_stop - ms.off - ms.unknown - ignoredMs) / 3_600_000;
  const hours = Object.fromEntries(Object.entries(ms).map(([s, v]) => [s, v / 3_600_000])) as Record<
    MachineState | 'unknown',
    number
  >;
  return {
    name: record.name,
    asset: record.asset,
    hours,
    plannedProductionHours: planned,
    parts,
    partsPerRunningHour: running > 0 ? (parts / running) * 3600 : NaN,
    partsPerPlannedHour: planned > 0 ? parts / planned : NaN,
    cycleTime,
    ...(mtbf && { mtbf }),
    ...(mttr && { mttr }),
    ...(minorStops && { minorStops }),
    ...(setup && { setup }),
    notes,
  };
}

/** The line-file station of a calibrated one. */
function stationDocument(e: StationEvidence): LineFileInput['stations'][number] {
  const { cycleTime: ct } = e;
  return {
    name: e.name,
    cycleTime:
      ct.distribution === 'normal'
        ? { type: 'normal', mean: sig(ct.mean), sd: sig(ct.sd) }
        : { type: 'lognormal', mean: sig(ct.mean), sd: sig(ct.sd) },
    ...(e.mtbf &&
      e.mttr && {
        failures: { mtbf: { type: 'exponential', mean: sig(e.mtbf.mean) }, mttr: lognormalOf(e.mttr) },
      }),
    ...(e.minorStops && {
      minorStops: {
        mtbs: { type: 'exponential', mean: sig(e.minorStops.mtbs.mean) },
        duration: lognormalOf(e.minorStops.duration),
      },
    }),
    ...(e.setup && { setup: { everyParts: e.setup.everyParts, time: lognormalOf(e.setup.duration) } }),
  };
}

/**
 * Calibrates the stations of a serial line (in line order) and builds its line file; `buffers` (one per gap) are not
 * in the data and are left unbounded unless given.
 * @example calibrateLine([press1Record], { from, to }).document // { stations: [{ name: 'press1', cycleTime: … }], … }
 */
export function calibrateLine(
  records: readonly StationRecord[],
  window: { from: number; to: number },
  options: { buffers?: readonly number[]; ignoreReasons?: readonly string[] } = {},
): LineCalibration {
  const stations = records.map((r) => calibrateStation(r, window, options));
  const document: LineFileInput = {
    stations: stations.map(stationDocument),
    ...(options.buffers !== undefined && { buffers: [...options.buffers] }),
    arrivals: 'saturated',
    run: { warmupHours: 1, hours: 24, replications: 10, seed: 1 },
  };
  lineFileFromDocument(document, 'calibrated line');
  return { document, stations };
}

/** The line file as YAML, with a header saying where it came from. */
export function calibrationYaml(c: LineCalibration, window: { from: number; to: number }): string {
  const head = [
    `# Calibrated by \`gemba simulate calibrate\` from ${new Date(window.from).toISOString()} to ${new Date(window.to).toISOString()}`,
    '# (machine_state events and cycle_count counters; see docs/line-simulation.md). Times in seconds.',
    ...c.stations.map(
      (s) =>
        `# ${s.name} (${s.asset}): ${s.parts} parts, ${s.partsPerPlannedHour.toFixed(1)}/planned h, ${s.partsPerRunningHour.toFixed(1)}/running h; cycle n=${s.cycleTime.n}` +
        (s.mtbf ? `, downs n=${s.mtbf.n}` : '') +
        (s.minorStops ? `, minor stops n=${s.minorStops.mtbs.n}` : '') +
        (s.setup ? `, setups n=${s.setup.duration.n}` : ''),
    ),
  ];
  if (c.document.buffers === undefined && c.stations.length > 1)
    head.push('# Buffer capacities are not in the data: add `buffers: [...]` (unbounded until then).');
  return `${head.join('\n')}\n${stringifyYaml(c.document, { flowCollectionPadding: true })}`;
}
