/**
 * AI4I 2020 (Matzka, 2020; UCI Machine Learning Repository, CC BY 4.0) as one machine of the assistant's bench plant:
 * the first `rows` records as one-minute samples ending at `end` — air and process temperature, rotational speed,
 * torque, tool wear — and each recorded machine failure as a stop (the failure type as its reason, running again a
 * minute later). Questions about it are in bench/data/assistant-questions.json, category "AI4I data".
 */
import { readFile } from 'node:fs/promises';
import type { App } from '../src/app/registry.js';
import type { Principal } from '../src/domain/index.js';

export const AI4I_ASSET = 'acme/plant1/machining/cnc-cell1/ai4i-mill';
export const AI4I_CATEGORY = 'AI4I data';

/** Column → tag name and unit. */
const COLUMNS: readonly [column: string, tag: string, unit: string][] = [
  ['Air temperature [K]', 'air_temperature', 'K'],
  ['Process temperature [K]', 'process_temperature', 'K'],
  ['Rotational speed [rpm]', 'rotational_speed', 'rpm'],
  ['Torque [Nm]', 'torque', 'Nm'],
  ['Tool wear [min]', 'tool_wear', 'min'],
];
const FAILURES = ['TWF', 'HDF', 'PWF', 'OSF', 'RNF'] as const;
const REASONS: Record<(typeof FAILURES)[number], string> = {
  TWF: 'tool_wear_failure',
  HDF: 'heat_dissipation_failure',
  PWF: 'power_failure',
  OSF: 'overstrain_failure',
  RNF: 'random_failure',
};

export async function importAi4i(
  app: App,
  principal: Principal,
  options: { file: string; end: number; rows: number },
): Promise<{ samples: number; stops: number }> {
  const lines = (await readFile(options.file, 'utf8')).trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const col = (name: string) => header.indexOf(name);
  const records = lines.slice(1, 1 + options.rows).map((l) => l.split(','));
  const start = options.end - (records.length - 1) * 60_000;
  await app.call(
    'assets.create',
    { path: AI4I_ASSET, level: 'equipment', name: 'AI4I mill', kind: 'milling machine (AI4I 2020 data)' },
    principal,
  );
  for (const [, tag, unit] of COLUMNS) {
    await app.call('tags.create', { asset: AI4I_ASSET, name: tag, unit, dataType: 'float' }, principal);
  }
  const samples = records.flatMap((r, i) =>
    COLUMNS.map(([column, tag]) => ({
      tag: `${AI4I_ASSET}/${tag}`,
      ts: start + i * 60_000,
      value: Number(r[col(column)]),
    })),
  );
  for (let i = 0; i < samples.length; i += 2000) {
    await app.call('samples.write', { samples: samples.slice(i, i + 2000) }, principal);
  }
  const events = records.flatMap((r, i) => {
    if (r[col('Machine failure')] !== '1') return [];
    const kind = FAILURES.find((f) => r[col(f)] === '1');
    const ts = start + i * 60_000;
    return [
      {
        kind: 'machine_state',
        asset: AI4I_ASSET,
        ts,
        state: 'down',
        reason: kind ? REASONS[kind] : 'unknown',
      },
      { kind: 'machine_state', asset: AI4I_ASSET, ts: ts + 60_000, state: 'running' },
    ];
  });
  if (events.length > 0) await app.call('events.create', { events }, principal);
  return { samples: samples.length, stops: events.length / 2 };
}
