/** `gemba schedule solve`, run as a real process on the committed job-shop fixtures (no server). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pngSize } from '../../src/cli/png.js';
import { gemba } from '../helpers/cli.js';
import { tempDir } from '../helpers/platform.js';

const dir = tempDir('gemba-cli-schedule-');
afterAll(() => dir[Symbol.dispose]());

const FT06 = 'test/fixtures/jobshop/ft06';
const LA01 = 'test/fixtures/jobshop/la01';
const solve = (...flags: string[]) => gemba('schedule', 'solve', ...flags);

describe('gemba schedule solve', () => {
  it('finds the optimum 55 of ft06 and prints it with the lower bound, the gap and each machine', async () => {
    const r = await solve('--instance', FT06, '--time-limit', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ft06: 6 jobs × 6 machines, 36 operations');
    // The bound is the one-machine preemptive bound, 52 (test/fixtures/jobshop/README.md): gap (55 − 52)/55.
    expect(r.stdout).toContain('makespan 55   lower bound 52   gap 5.5 %');
    expect(r.stdout).toMatch(/iterations \d+ {3}time \d+\.\d\d s .*stopped by time {3}seed 1, limit 1 s/);
    const machines = r.stdout.split('\n').filter((l) => /^ {2}M\d /.test(l));
    expect(machines).toHaveLength(6);
    expect(machines.every((l) => l.split(', ').length === 6)).toBe(true);
    expect(r.stderr).toMatch(/solve ft06 \[.*best 55/);
  });

  it('stops at a proven optimum: la01 reaches its bound 666, gap 0.0 %', async () => {
    const r = await solve('--instance', LA01, '--time-limit', '20', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('makespan 666   lower bound 666   gap 0.0 %   (optimal)');
    expect(r.stdout).toContain('stopped by optimal   seed 3, limit 20 s');
  });

  it('writes the Gantt as PNG and as SVG, and JSON on request', async () => {
    const png = join(dir.path, 'ft06.png');
    const a = await solve('--instance', FT06, '--time-limit', '0.5', '--gantt', png);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain(`Gantt written to ${png}`);
    // 1200 wide; 62 px of title and markers, 6 lanes of 30 px, 50 px of axis, one legend row of 20, 10 px margin.
    expect(pngSize(readFileSync(png))).toEqual({ width: 1200, height: 62 + 6 * 30 + 50 + 20 + 10 });

    const svgPath = join(dir.path, 'ft06.svg');
    const b = await solve('--instance', FT06, '--time-limit', '0.5', '--gantt', svgPath, '--json');
    expect(b.code).toBe(0);
    const json = JSON.parse(b.stdout);
    expect(json.instance).toEqual({ name: 'ft06', jobs: 6, machines: 6 });
    expect(json.lowerBound).toBe(52);
    expect(json.bounds).toEqual({ job: 47, machine: 43, oneMachine: 52, value: 52 });
    expect(json.gapPercent).toBeCloseTo(((json.makespan - 52) / json.makespan) * 100, 10);
    expect(json.schedule.start).toHaveLength(6);
    expect(json.schedule.machineSequences.flat()).toHaveLength(36);
    expect(json.gantt).toBe(svgPath);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.match(/<rect class="bar /g)).toHaveLength(36);
    expect(svg.match(/<rect class="lane"/g)).toHaveLength(6);
    expect(svg).toContain(`>makespan ${json.makespan}</text>`);
  });

  it('reads JSON instances', async () => {
    const file = join(dir.path, 'tiny.json');
    writeFileSync(
      file,
      JSON.stringify({
        machineCount: 2,
        jobs: [
          [
            { machine: 0, duration: 3 },
            { machine: 1, duration: 2 },
          ],
          [
            { machine: 1, duration: 4 },
            { machine: 0, duration: 1 },
          ],
        ],
      }),
    );
    const r = await solve('--instance', file, '--time-limit', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tiny: 2 jobs × 2 machines, 4 operations');
    // Machine 1 carries 4 + 2: the bound 6 is met by J1 then J0 on it.
    expect(r.stdout).toContain('makespan 6   lower bound 6   gap 0.0 %   (optimal)');
  });

  it('refuses a malformed instance with exit code 2 and the line at fault', async () => {
    const bad = join(dir.path, 'bad.txt');
    writeFileSync(bad, '# two jobs\n2 2\n0 3 1 2\n1 4 0 x\n');
    const r = await solve('--instance', bad, '--time-limit', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad: line 4: "x" is not a non-negative integer');

    const short = join(dir.path, 'short.txt');
    writeFileSync(short, '2 2\n0 3 1 2\n1 4\n');
    const s = await solve('--instance', short);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('line 3: job 1 has 2 numbers, expected 4');
  });

  it('refuses a missing file and bad flags before searching', async () => {
    const [missing, format, gantt, limit] = await Promise.all([
      solve('--instance', join(dir.path, 'nope')),
      solve('--instance', FT06, '--format', 'csv'),
      solve('--instance', FT06, '--gantt', join(dir.path, 'chart.pdf')),
      solve('--instance', FT06, '--time-limit', '-3'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the instance file');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format is one of jsplib, taillard, json');
    expect(gantt.code).toBe(2);
    expect(gantt.stderr).toContain('--gantt writes SVG or PNG');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--time-limit expects a positive number');
  });
});
