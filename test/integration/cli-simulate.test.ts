/** `gemba simulate`, run as a real process on examples/line.yaml and on small files (no server). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pngSize } from '../../src/cli/png.js';
import { gemba } from '../helpers/cli.js';
import { tempDir } from '../helpers/platform.js';

const dir = tempDir('gemba-cli-simulate-');
afterAll(() => dir[Symbol.dispose]());

describe('gemba simulate', () => {
  it('simulates the example line: shifts, table, bottleneck, scenario differences and the time-share chart', async () => {
    const png = join(dir.path, 'line.png');
    const r = await gemba('simulate', 'examples/line.yaml', '--replications', '3', '--plot', png);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('line.yaml: 4 stations, 3 replications of 120 h after 8.0 h warm-up, seed 1');
    // Two 8 h shifts a day: 80 of the 120 h; per working hour the line makes 1.5 times its calendar-hour rate.
    expect(r.stdout).toContain(
      'shifts: 80.0 working h of the 120 h run (66.7 %); station shares are of working time',
    );
    const perHour = Number(/^ {2}throughput +(\d+\.\d) ± \d+\.\d parts\/h$/m.exec(r.stdout)?.[1]);
    const perWorkingHour = Number(/^ +(\d+\.\d) ± \d+\.\d parts per working hour$/m.exec(r.stdout)?.[1]);
    expect(perWorkingHour / perHour).toBeCloseTo(1.5, 2);
    expect(r.stdout).toMatch(/^ {2}lead time +\d+\.\d ± \d+\.\d min \(calendar time, breaks included\)$/m);
    const stations = r.stdout.split('\n').filter((l) => /^ {2}(blanking|press|trimming|inspection) /.test(l));
    expect(stations).toHaveLength(4);
    // The transfer press (24 s cycle, failures and die changes) is the slowest station.
    expect(r.stdout).toContain('bottleneck: press');
    expect(r.stdout).toMatch(
      /^ {2}bigger buffer before the press\n {4}throughput [+-]\d+\.\d ± \d+\.\d parts\/h/m,
    );
    // A third shift adds 8 working hours to 16: about half as many parts again.
    const night = /^ {2}a night shift too\n {4}throughput \+(\d+\.\d) ± /m.exec(r.stdout);
    expect(Number(night?.[1]) / perHour).toBeGreaterThan(0.45);
    expect(Number(night?.[1]) / perHour).toBeLessThan(0.55);
    expect(r.stdout).toContain(`time shares written to ${png}`);
    expect(r.stderr).toMatch(/simulate line\.yaml \[#+\] 100\.0% 9 replications/);
    // 900 wide; 50 px of title, 4 lanes of 36 px, 70 px of axis and legend.
    expect(pngSize(readFileSync(png))).toEqual({ width: 900, height: 50 + 4 * 36 + 70 });
  });

  it('prints the full result as JSON; a deterministic line runs at its slowest station', async () => {
    const file = join(dir.path, 'two.yaml');
    // Saturated, 30 s then 60 s, one buffer place: the second station finishes a part every 60 s, 60 parts/h,
    // and the first is blocked half of the time.
    writeFileSync(
      file,
      [
        'stations:',
        '  - { name: fast, cycleTime: { type: deterministic, value: 30 } }',
        '  - { name: slow, cycleTime: { type: deterministic, value: 60 } }',
        'buffers: [1]',
        'run: { warmupHours: 1, hours: 10, replications: 2 }',
      ].join('\n'),
    );
    const r = await gemba('simulate', file, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.options).toEqual({ warmupSeconds: 3600, runSeconds: 36_000, replications: 2, seed: 1 });
    expect(json.base.throughputPerHour.mean).toBeCloseTo(60, 0);
    expect(json.base.bottleneck).toEqual({ index: 1, name: 'slow' });
    expect(json.base.stations[0].blockedFraction.mean).toBeCloseTo(0.5, 2);
    expect(json.base.stations[1].utilisation.mean).toBeCloseTo(1, 2);
    expect(json.scenarios).toEqual([]);
  });

  it('exits 2 and names the field of a broken file', async () => {
    const file = join(dir.path, 'broken.yaml');
    writeFileSync(
      file,
      'stations:\n  - { name: a, cycleTime: { type: normal, mean: 20 } }\n  - { name: b, cycleTime: { type: exponential, mean: 30 } }\nbuffers: [2]\n',
    );
    const r = await gemba('simulate', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \[invalid_input\]: .*broken\.yaml: stations\.0\.cycleTime\.sd: /);
    const usage = await gemba('simulate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: gemba simulate line.yaml');
    const calibrate = await gemba('simulate', 'calibrate', '--from', 'now-7d');
    expect(calibrate.code).toBe(2);
    expect(calibrate.stderr).toContain('usage: gemba simulate calibrate --stations A,B,C');
  });

  it('a line with shifts: a deterministic station working 06:00–14:00 makes 480 parts a day at 60 s', async () => {
    const file = join(dir.path, 'shifts.yaml');
    writeFileSync(
      file,
      [
        'stations: [{ name: press, cycleTime: { type: deterministic, value: 60 } }]',
        'shifts: { windows: [{ start: "06:00", end: "14:00" }] }',
        'run: { warmupHours: 0, hours: 72, replications: 1 }',
      ].join('\n'),
    );
    const r = await gemba('simulate', file, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.base.replications[0].partsOut).toBe(3 * 480);
    expect(json.base.throughputPerHour.mean).toBeCloseTo(20, 9);
    expect(json.base.throughputPerWorkingHour.mean).toBeCloseTo(60, 9);
    expect(json.base.workingFraction).toBeCloseTo(1 / 3, 12);
  });
});
