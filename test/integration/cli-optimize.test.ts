/**
 * `gemba optimize`, run as a real process on a data directory holding a day of the demo forming process: the table
 * shows process.optimize's own figures, --json is its answer, --plot writes the response surface, --propose files
 * the recommendation as a pending proposal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROCESS_ASSET, DemoFormingProcess } from '../../src/adapters/simulator/demo-process.js';
import { IN_PROCESS_PLAN_SOLVER } from '../../src/app/planning/planner.js';
import { pngSize } from '../../src/cli/png.js';
import { loadConfig } from '../../src/server/config.js';
import { feedDemoProcess, setupDemoProcess } from '../../src/server/demo-process.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { gemba } from '../helpers/cli.js';
import { PRESS3_CHAIN, tempDir } from '../helpers/platform.js';

const HOUR = 3_600_000;
// A whole-hour end before the test runs, so the commands' clock (the real one) is after the data.
const END = Math.floor(Date.now() / HOUR) * HOUR;
const START = END - 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const SPRINGBACK = `${DEMO_PROCESS_ASSET}/springback`;
const FORCE = `${DEMO_PROCESS_ASSET}/blank_holder_force`;
const SPEED = `${DEMO_PROCESS_ASSET}/ram_speed`;
const THICKNESS = `${DEMO_PROCESS_ASSET}/coil_thickness`;

const dir = tempDir('gemba-cli-optimize-');
let expected: {
  controls: { tag: string; current: number; recommended: number }[];
  predicted: { recommended: { mean: number } };
  fit: { r2: number };
  surface: unknown;
  proposal: unknown;
};

beforeAll(async () => {
  await using core = await openCore({
    dataDir: dir.path,
    ingest: loadConfig({}).ingest,
    clock: { now: () => END },
    planSolver: IN_PROCESS_PLAN_SOLVER,
  });
  const { app } = core;
  for (const [path, level] of [...PRESS3_CHAIN, [DEMO_PROCESS_ASSET, 'equipment'] as const])
    await app.call('assets.create', { path, level, name: path.split('/').pop() }, SYSTEM_PRINCIPAL);
  await setupDemoProcess(app, SYSTEM_PRINCIPAL);
  await feedDemoProcess(app, new DemoFormingProcess({ seed: 3, startTs: START }), END);
  expected = (await app.call(
    'process.optimize',
    {
      output: SPRINGBACK,
      controls: [{ tag: FORCE, min: 200, max: 600 }, { tag: SPEED }],
      context: [THICKNESS],
      from: iso(START),
      to: iso(END),
      bucket: '5m',
    },
    SYSTEM_PRINCIPAL,
  )) as typeof expected;
}, 180_000);
afterAll(() => dir[Symbol.dispose]());

const flags = [
  'optimize',
  '--data',
  dir.path,
  '--output',
  SPRINGBACK,
  '--control',
  `${FORCE}=200..600`,
  '--control',
  SPEED,
  '--context',
  THICKNESS,
  '--from',
  iso(START),
  '--to',
  iso(END),
];

describe('gemba optimize', () => {
  it('prints the recommendation process.optimize makes, and --json is that answer', async () => {
    const json = await gemba(...flags, '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);

    const table = await gemba(...flags);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`minimise ${SPRINGBACK}`);
    const force = expected.controls[0];
    expect(table.stdout).toMatch(
      new RegExp(`^blank_holder_force +\\S+ +${force?.recommended.toFixed(1)} +200\\.0 … 600\\.0`, 'm'),
    );
    expect(table.stdout).toContain(`R² ${expected.fit.r2.toFixed(3)}`);
    expect(table.stdout).toMatch(/^next trials:$/m);
  }, 120_000);

  it('writes the response surface and files the proposal for an engineer', async () => {
    const png = join(dir.path, 'surface.png');
    const r = await gemba(...flags, '--plot', png, '--propose');
    expect(r.code, r.stderr).toBe(0);
    expect(pngSize(readFileSync(png))).toEqual({ width: 640, height: 520 });
    const id = /proposal (PR-\d+) created/.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    const listed = await gemba('proposals', 'get', '--data', dir.path, '--id', id ?? '');
    expect(listed.code, listed.stderr).toBe(0);
    const { proposal } = JSON.parse(listed.stdout) as {
      proposal: { status: string; operation: string; input: unknown };
    };
    expect(proposal.status).toBe('pending');
    expect({ operation: proposal.operation, input: proposal.input }).toEqual({
      operation: (expected.proposal as { operation: string }).operation,
      input: (expected.proposal as { input: unknown }).input,
    });
  }, 120_000);
});
