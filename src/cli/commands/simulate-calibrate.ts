/**
 * `gemba simulate calibrate --stations A,B,C [--from now-7d] [--to now] [--buffers 5,5] [--ignore-reasons R,…]
 * [--out line.yaml] [--json]`: the `line.calibrate` operation on the server (or the local data directory), its line
 * file written as YAML (or printed), and a table of the evidence per station.
 */
import { writeFileSync } from 'node:fs';
import type { StationEvidence } from '../../app/process/line-calibration.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';

export const CALIBRATE_USAGE =
  'gemba simulate calibrate --stations A,B,C [--from now-7d] [--to now] [--buffers N,…] [--ignore-reasons R,…] [--out line.yaml] [--json]';

const f = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);

/** The operation's input from the flags; a usage error before any connection when --stations is missing. */
export function calibrateInput(args: ParsedArgs): Record<string, string> {
  const stations = stringFlag(args, 'stations');
  if (stations === undefined) throw new UserError('invalid_input', `usage: ${CALIBRATE_USAGE}`);
  const input: Record<string, string> = { stations };
  for (const [flag, key] of [
    ['from', 'from'],
    ['to', 'to'],
    ['buffers', 'buffers'],
    ['ignore-reasons', 'ignoreReasons'],
  ] as const) {
    const v = stringFlag(args, flag);
    if (v !== undefined) input[key] = v;
  }
  return input;
}

export async function simulateCalibrateCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const input = calibrateInput(args);
  const result = (await client.call('line.calibrate', input)) as {
    from: number;
    to: number;
    yaml: string;
    stations: StationEvidence[];
  };
  const out = stringFlag(args, 'out');
  if (out !== undefined) writeFileSync(out, result.yaml);
  if (boolFlag(args, 'json')) return JSON.stringify({ ...result, ...(out && { out }) }, null, 2);
  const lines = [
    `calibrated ${result.stations.length} station(s) from ${new Date(result.from).toISOString()} to ${new Date(result.to).toISOString()}`,
    '',
    `  ${'station'.padEnd(12)}${['parts', '/plan h', 'cycle s', 'MTBF min', 'MTTR min', 'stops/h', 'stop s', 'setup'].map((h) => h.padStart(10)).join('')}`,
  ];
  for (const s of result.stations) {
    const stopsPerHour = s.minorStops ? 3600 / s.minorStops.mtbs.mean : 0;
    lines.push(
      `  ${s.name.padEnd(12)}${[
        String(s.parts),
        f(s.partsPerPlannedHour, 1),
        `${f(s.cycleTime.mean, 2)}`,
        s.mtbf ? `${f(s.mtbf.mean / 60)} n${s.mtbf.n}` : '—',
        s.mttr ? `${f(s.mttr.mean / 60, 1)} n${s.mttr.n}` : '—',
        f(stopsPerHour, 1),
        s.minorStops ? f(s.minorStops.duration.mean) : '—',
        s.setup ? `/${s.setup.everyParts}` : '—',
      ]
        .map((c) => c.padStart(10))
        .join('')}`,
    );
    for (const note of s.notes) lines.push(`      note: ${note}`);
  }
  lines.push(
    '',
    'cycle time: gaps between counter increments within running; MTBF/MTTR from down episodes (running',
  );
  lines.push(
    'time per episode); minor stops from idle episodes; planned stops and off time are not modelled.',
  );
  lines.push(out !== undefined ? `line file written to ${out}` : '', out !== undefined ? '' : result.yaml);
  return lines.join('\n').trimEnd();
}
