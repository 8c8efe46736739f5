/**
 * Production-line operations: calibrating a line file for `gemba simulate` from the machines' recorded states and
 * part counters (src/app/process/line-calibration.ts).
 */
import { z } from 'zod';
import { AssetPath, MACHINE_STATES, UserError } from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import {
  type CounterReading,
  type StateChange,
  type StationRecord,
  calibrateLine,
  calibrationYaml,
} from '../process/line-calibration.js';
import type { AppServices } from '../services.js';
import { TimeArg, listArg, resolveWindow } from './common.js';

/** The cumulative part counter under each machine (the demo plant's and OEE's convention). */
const CYCLE_COUNT_TAG = 'cycle_count';
/** Counter samples read per station at most: 23 days at 1 Hz. */
const MAX_COUNTER_SAMPLES = 2_000_000;
const MAX_STATE_EVENTS = 200_000;

const Estimated = z.object({
  mean: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  n: z.number().int(),
});
const WithSd = Estimated.extend({ sd: z.number() });

const StationEvidence = z.object({
  name: z.string(),
  asset: AssetPath,
  hours: z.record(z.enum([...MACHINE_STATES, 'unknown']), z.number()),
  plannedProductionHours: z.number(),
  parts: z.number().int(),
  partsPerRunningHour: z.number(),
  partsPerPlannedHour: z.number(),
  cycleTime: WithSd.extend({ distribution: z.enum(['normal', 'lognormal']) }),
  mtbf: Estimated.optional().meta({
    description: 'Mean running seconds between down episodes (exponential)',
  }),
  mttr: WithSd.optional().meta({ description: 'Mean down-episode length, seconds (lognormal)' }),
  minorStops: z.object({ mtbs: Estimated, duration: WithSd }).optional(),
  setup: z.object({ everyParts: z.number().int(), intervals: z.number().int(), duration: WithSd }).optional(),
  notes: z.array(z.string()),
});

async function stationRecord(
  services: AppServices,
  asset: string,
  name: string,
  window: { from: number; to: number },
): Promise<StationRecord> {
  if ((await services.store.getAsset(asset)) === undefined)
    throw new UserError('not_found', `no asset "${asset}"`, { details: { asset } });
  const tag = services.tags.require(`${asset}/${CYCLE_COUNT_TAG}`);
  const rows = await services.store.readRaw({ tagId: tag.id, ...window, limit: MAX_COUNTER_SAMPLES + 1 });
  if (rows.length > MAX_COUNTER_SAMPLES)
    throw new UserError(
      'invalid_input',
      `${tag.path} has more than ${MAX_COUNTER_SAMPLES} samples in the window: narrow it`,
    );
  const machineStates = (events: Awaited<ReturnType<AppServices['store']['listEvents']>>): StateChange[] =>
    events.flatMap((e) =>
      e.kind === 'machine_state' && e.asset === asset ? [{ ts: e.ts, state: e.state, reason: e.reason }] : [],
    );
  const inWindow = await services.store.listEvents({
    ...window,
    assetPrefix: asset,
    kinds: ['machine_state'],
    limit: MAX_STATE_EVENTS + 1,
  });
  if (inWindow.length > MAX_STATE_EVENTS)
    throw new UserError(
      'invalid_input',
      `${asset} has more than ${MAX_STATE_EVENTS} state events: narrow the window`,
    );
  // The state at the window's start: the newest event before it (child assets share the prefix, hence a few).
  const before = await services.store.listEvents({
    from: 0,
    to: window.from + 1,
    assetPrefix: asset,
    kinds: ['machine_state'],
    limit: 50,
  });
  const states = [...machineStates(before).slice(0, 1), ...machineStates(inWindow).reverse()].sort(
    (a, b) => a.ts - b.ts,
  );
  const counter: CounterReading[] = rows.map((r) => ({ ts: r.ts, value: r.value, quality: r.quality }));
  return { name, asset, states, counter };
}

/** Station names: the assets' last path segments, or whole paths where those repeat. */
function stationNames(assets: readonly string[]): string[] {
  const last = assets.map((a) => a.slice(a.lastIndexOf('/') + 1));
  return last.map((n, i) => (last.indexOf(n) === last.lastIndexOf(n) ? n : (assets[i] ?? n)));
}

export const calibrateLineOperation = defineOperation({
  name: 'line.calibrate',
  description:
    'Calibrate a line file for `gemba simulate` from the recorded machine_state events and <asset>/cycle_count ' +
    'counters of the stations (in line order): cycle-time distributions, failures (MTBF/MTTR from down ' +
    'episodes), minor stops (idle episodes) and setups, with the evidence per station (sample sizes, 95 % ' +
    'intervals, observed parts per running and per planned-production hour). Returns the file as a document and ' +
    'as YAML.',
  input: z.object({
    stations: listArg(AssetPath)
      .refine((l) => l.length >= 1 && l.length <= 50, 'one to 50 stations')
      .meta({ description: 'Asset paths of the stations in line order (comma-separated)' }),
    from: TimeArg.default('now-7d'),
    to: TimeArg.default('now'),
    buffers: listArg(z.coerce.number().int().min(0))
      .optional()
      .meta({ description: 'Buffer capacities between the stations (not in the data); default unbounded' }),
    ignoreReasons: listArg(z.string().min(1).max(100)).optional().meta({
      description:
        'Reason codes of idle/down episodes to leave out (e.g. starved,blocked: the simulator makes those itself)',
    }),
  }),
  output: z.object({
    from: z.number(),
    to: z.number(),
    document: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The line file (docs/line-simulation.md)' }),
    yaml: z.string(),
    stations: z.array(StationEvidence),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/line/calibrate' },
  audit: false,
  handler: async (input, { services }) => {
    const window = resolveWindow(input.from, input.to, services.clock.now());
    if (new Set(input.stations).size !== input.stations.length)
      throw new UserError('invalid_input', 'each station may appear once');
    if (input.buffers !== undefined && input.buffers.length !== input.stations.length - 1)
      throw new UserError(
        'invalid_input',
        `a line of ${input.stations.length} stations needs ${input.stations.length - 1} buffers, got ${input.buffers.length}`,
      );
    const names = stationNames(input.stations);
    const records: StationRecord[] = [];
    for (const [i, asset] of input.stations.entries())
      records.push(await stationRecord(services, asset, names[i] ?? asset, window));
    const calibration = calibrateLine(records, window, {
      ...(input.buffers && { buffers: input.buffers }),
      ...(input.ignoreReasons && { ignoreReasons: input.ignoreReasons }),
    });
    return {
      ...window,
      document: calibration.document,
      yaml: calibrationYaml(calibration, window),
      stations: calibration.stations,
    };
  },
});

export const LINE_OPERATIONS = [calibrateLineOperation];
