/** The `gemba` command line, run as a real process against a data directory. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemba } from '../helpers/cli.js';
import { tempDir } from '../helpers/platform.js';

const dir = tempDir('gemba-cli-');
const press = 'acme/plant1/stamping/line1/press1';

beforeAll(async () => {
  const levels: Array<[string, string]> = [
    ['acme', 'enterprise'],
    ['acme/plant1', 'site'],
    ['acme/plant1/stamping', 'area'],
    ['acme/plant1/stamping/line1', 'line'],
    [press, 'equipment'],
  ];
  for (const [path, level] of levels) {
    const r = await gemba(
      'assets',
      'create',
      '--path',
      path,
      '--level',
      level,
      '--name',
      path,
      '--data',
      dir.path,
    );
    expect(r.stderr).toBe('');
  }
  const t = await gemba(
    'tags',
    'create',
    '--asset',
    press,
    '--name',
    'oil_temp',
    '--unit',
    'degC',
    '--spec',
    '{"lsl":30,"usl":60}',
    '--data',
    dir.path,
  );
  expect(JSON.parse(t.stdout).tag.path).toBe(`${press}/oil_temp`);
}, 60_000);
afterAll(() => dir[Symbol.dispose]());

describe('gemba', () => {
  it('lists the operations of the registry', async () => {
    const r = await gemba('ops');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/samples write\s+operator\s+POST \/api\/v1\/samples/);
    expect(r.stdout).toMatch(/assets list\s+viewer\s+GET \/api\/v1\/assets/);
  });

  it('imports a CSV file, reporting bad rows by line number and storing the rest', async () => {
    const r = await gemba('import', 'csv', 'test/fixtures/csv/bad-rows.csv', '--data', dir.path);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/line 3:/);
    expect(r.stderr).toMatch(/line 4:/);
    expect(r.stderr).toMatch(/line 5:/);
    expect(r.stderr).toMatch(/stored 3 samples/);
    const q = await gemba(
      'query',
      `${press}/oil_temp`,
      '--from',
      '1767600000000',
      '--to',
      '1767600010000',
      '--raw',
      '--format',
      'csv',
      '--data',
      dir.path,
    );
    expect(q.stdout.trim().split('\n')).toEqual([
      'ts,value,quality',
      '2026-01-05T08:00:00.000Z,45,good',
      '2026-01-05T08:00:04.000Z,45.2,good',
      '2026-01-05T08:00:08.000Z,45.6,good',
    ]);
  }, 30_000);

  it('charts a file with `gemba spc chart`: pistonrings X̄-R limits as qcc, samples 37–39 beyond the UCL', async () => {
    const r = await gemba(
      'spc',
      'chart',
      '--type',
      'xbar-r',
      '--file',
      'test/fixtures/spc/pistonrings.txt',
      '--column',
      'diameter',
      '--subgroup-column',
      'sample',
      '--phase-one',
      '25',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/XBAR\s+CL 74\.00118\s+LCL 73\.98805\s+UCL 74\.0143/);
    const beyond = [...r.stdout.matchAll(/point\s+(\d+)\s+xbar\s+\S+\s+nelson\.1/g)].map((m) => Number(m[1]));
    expect(beyond).toEqual([37, 38, 39]);
  }, 30_000);

  it('explains a wrong flag and exits with 2', async () => {
    const r = await gemba('tags', 'list', '--undr', 'acme', '--data', dir.path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no --undr; its flags: --under/);
  });

  it('says how to reach a server when none runs, and exits with 3', async () => {
    const r = await gemba('tags', 'list', '--url', 'http://127.0.0.1:9', '--token', 'x');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is `gemba start` running/);
  });
});
