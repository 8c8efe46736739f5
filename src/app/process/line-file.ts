/**
 * The line file of `gemba simulate line.yaml`: a serial line (stations, buffers, arrivals), how long and how often to
 * simulate it, and what-if scenarios, read from YAML (or JSON) into the simulator's `LineModel`
 * (src/analytics/process/line-sim.ts).
 *
 * Station times (cycle, failures, repairs, setups) and interarrival times are in seconds; run lengths in hours.
 * A distribution is `{ type: exponential, mean }`, `{ type: deterministic, value }`, `{ type: normal, mean, sd }`,
 * `{ type: lognormal, mean, sd }`, `{ type: uniform, min, max }`, `{ type: triangular, min, mode, max }` or
 * `{ type: empirical, values: [...] }`; `failures.mtbf` and `failures.mttr` also take a plain number, the mean of an
 * exponential distribution. Buffer i sits between station i and i + 1; `inf` (or YAML `.inf`) is unbounded.
 * A station's `minorStops: { mtbs, duration }` are short stops (mean busy time between them, and their length),
 * simulated as a second failure mode. `shifts: { windows: [{ start: "06:00", end: "14:00" }, …], days?: [mon, …] }`
 * are the working windows of every day (or of the listed days, a weekly pattern; an end at or before the start runs
 * past midnight); simulated time 0 is midnight (Monday's with `days`). Run lengths are calendar hours.
 * A scenario overrides parts of the base: `buffers` as a whole list or by the name of the station each feeds
 * (`{ press: 10 }`: the buffer before `press`), `stations` by name (`cycleTime`, `failures`, `minorStops`, `setup`),
 * `arrivals` and `shifts`. docs/line-simulation.md describes every field.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type {
  ArrivalProcess,
  LineModel,
  ShiftPattern,
  SimulationOptions,
  StationSpec,
} from '../../analytics/process/line-sim.js';
import { validateLineModel } from '../../analytics/process/line-sim.js';
import type { Distribution } from '../../analytics/process/line-sim-distributions.js';
import { UserError } from '../../domain/errors.js';
import { describeIssues } from '../operation.js';

const seconds = z.number().nonnegative();
const positive = z.number().positive();

const DistributionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('exponential'), mean: positive }),
  z.strictObject({ type: z.literal('deterministic'), value: seconds }),
  z.strictObject({ type: z.literal('normal'), mean: positive, sd: seconds }),
  z.strictObject({ type: z.literal('lognormal'), mean: positive, sd: seconds }),
  z
    .strictObject({ type: z.literal('uniform'), min: seconds, max: seconds })
    .refine((d) => d.max >= d.min, { message: 'max must be ≥ min', path: ['max'] }),
  z
    .strictObject({ type: z.literal('triangular'), min: seconds, mode: seconds, max: seconds })
    .refine((d) => d.min <= d.mode && d.mode <= d.max, {
      message: 'needs min ≤ mode ≤ max',
      path: ['mode'],
    }),
  z.strictObject({ type: z.literal('empirical'), values: z.array(seconds).min(1) }),
]);
type DistributionInput = z.infer<typeof DistributionSchema>;

/** A distribution, or a plain number: the mean of an exponential one. */
const MeanOrDistribution = z.union([positive, DistributionSchema]);

const Failures = z.strictObject({ mtbf: MeanOrDistribution, mttr: MeanOrDistribution });
const Setup = z.strictObject({ everyParts: z.number().int().min(1), time: DistributionSchema });
const MinorStops = z.strictObject({ mtbs: MeanOrDistribution, duration: MeanOrDistribution });

const Station = z.strictObject({
  name: z.string().min(1),
  cycleTime: DistributionSchema,
  failures: Failures.optional(),
  minorStops: MinorStops.optional(),
  setup: Setup.optional(),
});

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const ClockTime = z
  .string()
  .regex(/^([01]?\d|2[0-4]):[0-5]\d$/, 'a time of day "HH:MM" (quote it in YAML)')
  .refine((t) => !t.startsWith('24') || t === '24:00', 'a time of day "HH:MM" up to 24:00');
const Shifts = z.strictObject({
  windows: z.array(z.strictObject({ start: ClockTime, end: ClockTime })).min(1),
  days: z.array(z.enum(WEEKDAYS)).min(1).optional(),
});

const Capacity = z.union([z.number().int().min(0), z.literal('inf'), z.literal(Infinity)]);

const Arrivals = z.union([z.literal('saturated'), z.strictObject({ meanInterarrival: positive })]);

const Run = z.strictObject({
  warmupHours: z.number().nonnegative().default(1),
  hours: z.number().positive().default(24),
  replications: z.number().int().min(1).default(10),
  seed: z.number().int().default(1),
});

const Scenario = z.strictObject({
  name: z.string().min(1),
  buffers: z.union([z.array(Capacity), z.record(z.string(), Capacity)]).optional(),
  stations: z
    .record(
      z.string(),
      z.strictObject({
        cycleTime: DistributionSchema.optional(),
        failures: Failures.optional(),
        minorStops: MinorStops.optional(),
        setup: Setup.optional(),
      }),
    )
    .optional(),
  arrivals: Arrivals.optional(),
  shifts: Shifts.optional(),
});

export const LineFileSchema = z
  .strictObject({
    stations: z.array(Station).min(1),
    buffers: z.array(Capacity).optional(),
    arrivals: Arrivals.default('saturated'),
    shifts: Shifts.optional(),
    run: Run.default({ warmupHours: 1, hours: 24, replications: 10, seed: 1 }),
    scenarios: z.array(Scenario).default([]),
  })
  .superRefine((file, ctx) => {
    const names = file.stations.map((s) => s.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({
          code: 'custom',
          message: `duplicate station name "${name}"`,
          path: ['stations', i, 'name'],
        });
    });
    const gaps = names.length - 1;
    const checkList = (list: readonly unknown[] | undefined, path: (string | number)[]) => {
      if (list !== undefined && list.length !== gaps)
        ctx.addIssue({
          code: 'custom',
          message: `a line of ${names.length} stations needs ${gaps} buffers, got ${list.length}`,
          path,
        });
    };
    checkList(file.buffers, ['buffers']);
    file.scenarios.forEach((s, k) => {
      if (Array.isArray(s.buffers)) checkList(s.buffers, ['scenarios', k, 'buffers']);
      else
        for (const name of Object.keys(s.buffers ?? {})) {
          const at = names.indexOf(name);
          if (at < 1)
            ctx.addIssue({
              code: 'custom',
              message:
                at === 0
                  ? `no buffer before the first station "${name}"`
                  : `no station "${name}" (stations: ${names.join(', ')})`,
              path: ['scenarios', k, 'buffers', name],
            });
        }
      for (const name of Object.keys(s.stations ?? {}))
        if (!names.includes(name))
          ctx.addIssue({
            code: 'custom',
            message: `no station "${name}" (stations: ${names.join(', ')})`,
            path: ['scenarios', k, 'stations', name],
          });
    });
  });

export type LineFileInput = z.input<typeof LineFileSchema>;

/** What a line file describes, ready for `simulateLine` / `compareScenarios`. */
export interface LineFile {
  model: LineModel;
  options: Required<Pick<SimulationOptions, 'warmupSeconds' | 'runSeconds' | 'replications' | 'seed'>>;
  scenarios: { name: string; model: LineModel }[];
}

function toDistribution(d: DistributionInput | number): Distribution {
  if (typeof d === 'number') return { kind: 'exponential', mean: d };
  const { type, ...rest } = d;
  return { kind: type, ...rest } as Distribution;
}

const capacity = (c: z.infer<typeof Capacity>): number => (c === 'inf' ? Infinity : c);

function toStation(s: {
  name: string;
  cycleTime: DistributionInput;
  failures?: z.infer<typeof Failures> | undefined;
  minorStops?: z.infer<typeof MinorStops> | undefined;
  setup?: z.infer<typeof Setup> | undefined;
}): StationSpec {
  return {
    name: s.name,
    cycleTime: toDistribution(s.cycleTime),
    ...(s.failures && {
      failures: {
        timeBetweenFailures: toDistribution(s.failures.mtbf),
        timeToRepair: toDistribution(s.failures.mttr),
      },
    }),
    ...(s.minorStops && {
      minorStops: {
        timeBetween: toDistribution(s.minorStops.mtbs),
        duration: toDistribution(s.minorStops.duration),
      },
    }),
    ...(s.setup && { setup: { everyParts: s.setup.everyParts, time: toDistribution(s.setup.time) } }),
  };
}

const DAY_S = 86_400;
const minutesOf = (t: string): number => {
  const [h = '0', m = '0'] = t.split(':');
  return Number(h) * 60 + Number(m);
};

/**
 * The working windows of a line file's `shifts` as a daily pattern (no `days`) or a weekly one from Monday 00:00.
 * @example shiftPattern({ windows: [{ start: '22:00', end: '06:00' }] }) // { periodSeconds: 86400, windows: [[0, 21600], [79200, 86400]] }
 */
export function shiftPattern(shifts: z.infer<typeof Shifts>): ShiftPattern {
  const days = shifts.days?.map((d) => WEEKDAYS.indexOf(d)) ?? [0];
  const period = shifts.days === undefined ? DAY_S : 7 * DAY_S;
  const windows: [number, number][] = [];
  for (const day of new Set(days))
    for (const w of shifts.windows) {
      const start = day * DAY_S + minutesOf(w.start) * 60;
      let end = day * DAY_S + minutesOf(w.end) * 60;
      if (end <= start) end += DAY_S; // past midnight
      if (end <= period) windows.push([start, end]);
      else {
        if (start < period) windows.push([start, period]);
        windows.push([0, end - period]);
      }
    }
  windows.sort((a, b) => a[0] - b[0]);
  windows.forEach(([a], k) => {
    const prev = windows[k - 1];
    if (prev !== undefined && a < prev[1])
      throw new UserError(
        'invalid_input',
        `shifts: working windows overlap (${shifts.windows.length} a day)`,
      );
  });
  return { periodSeconds: period, windows };
}

const toArrivals = (a: z.infer<typeof Arrivals>): ArrivalProcess =>
  a === 'saturated'
    ? { kind: 'saturated' }
    : { kind: 'exponential', meanInterarrivalSeconds: a.meanInterarrival };

/**
 * Checks a parsed line file and builds the base model, the run options and each scenario's model.
 * @throws UserError invalid_input naming the field, e.g. `stations.1.cycleTime.mean: Too small: expected number to be >0`
 */
export function lineFileFromDocument(doc: unknown, source = 'line file'): LineFile {
  const parsed = LineFileSchema.safeParse(doc);
  if (!parsed.success) throw new UserError('invalid_input', `${source}: ${describeIssues(parsed.error)}`);
  const file = parsed.data;
  const names = file.stations.map((s) => s.name);
  const buffers = file.buffers?.map(capacity);
  const model: LineModel = {
    stations: file.stations.map(toStation),
    ...(buffers && { buffers }),
    arrivals: toArrivals(file.arrivals),
    ...(file.shifts && { shifts: shiftPattern(file.shifts) }),
  };
  const scenarios = file.scenarios.map((s) => {
    let scenarioBuffers = buffers;
    if (Array.isArray(s.buffers)) scenarioBuffers = s.buffers.map(capacity);
    else if (s.buffers !== undefined) {
      const next = [...(buffers ?? names.slice(1).map(() => Infinity))];
      for (const [name, c] of Object.entries(s.buffers)) next[names.indexOf(name) - 1] = capacity(c);
      scenarioBuffers = next;
    }
    const stations = file.stations.map((base) => {
      const o = s.stations?.[base.name];
      return toStation({
        ...base,
        cycleTime: o?.cycleTime ?? base.cycleTime,
        failures: o?.failures ?? base.failures,
        minorStops: o?.minorStops ?? base.minorStops,
        setup: o?.setup ?? base.setup,
      });
    });
    return {
      name: s.name,
      model: {
        stations,
        ...(scenarioBuffers && { buffers: scenarioBuffers }),
        arrivals: s.arrivals === undefined ? model.arrivals : toArrivals(s.arrivals),
        ...(s.shifts !== undefined
          ? { shifts: shiftPattern(s.shifts) }
          : model.shifts !== undefined && { shifts: model.shifts }),
      },
    };
  });
  validateLineModel(model);
  for (const s of scenarios) validateLineModel(s.model);
  return {
    model,
    options: {
      warmupSeconds: file.run.warmupHours * 3600,
      runSeconds: file.run.hours * 3600,
      replications: file.run.replications,
      seed: file.run.seed,
    },
    scenarios,
  };
}

/** Parses the YAML (or JSON) text of a line file; see `lineFileFromDocument`. */
export function parseLineFile(text: string, source = 'line file'): LineFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new UserError('invalid_input', `${source} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return lineFileFromDocument(doc, source);
}
