/** `gemba spc capability | pareto | chart --plot`, run as real processes on the committed fixtures (no server). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pngSize } from '../../src/cli/png.js';
import { gemba } from '../helpers/cli.js';
import { tempDir } from '../helpers/platform.js';

const dir = tempDir('gemba-cli-quality-');
afterAll(() => dir[Symbol.dispose]());

const RINGS = 'test/fixtures/quality/pistonrings-phase1.csv';
const PARETO = 'test/fixtures/quality/pareto-qcc.csv';
const LOG = 'test/fixtures/quality/defect-log.csv';
/** qcc's estimate of σ within for the phase I piston rings (R̄/d₂), see test/fixtures/quality/README.md. */
const SIGMA = '0.009785039';

/** The piston rings' specification, 74.000 ± 0.05 mm (Montgomery). */
const LIMITS = ['--lsl', '73.95', '--usl', '74.05'];
const capabilityOfRings = (...flags: string[]) =>
  gemba('spc', 'capability', '--file', RINGS, '--column', 'diameter', ...flags);

const paretoOf = (file: string, ...flags: string[]) =>
  gemba('spc', 'pareto', '--file', file, '--column', 'defect', ...flags);

/** The cells of the printed table row that starts with `name`. */
function row(stdout: string, name: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? [] : line.trim().split(/\s{2,}/);
}

describe('gemba spc capability', () => {
  it('reproduces qcc on the piston rings: Cp 1.703 [1.491, 1.915], Cpk 1.663', async () => {
    const r = await capabilityOfRings(...LIMITS, '--target', '74', '--sigma-within', SIGMA);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('n 125   mean 74.00118   σ within 0.009785039 (given)');
    expect(r.stdout).toContain('LSL 73.95   USL 74.05   target 74');
    // Cp = 0.10/(6·0.009785039) = 1.70326; eq. 8.19 on n − 1 = 124 degrees of freedom gives qcc's [1.491, 1.915].
    expect(row(r.stdout, 'Cp')).toEqual(['Cp', '1.7033', '1.4914', '1.9148']);
    // Cpk = (74.05 − 74.001176)/(3·0.009785039) = 1.66322.
    expect(row(r.stdout, 'Cpk')[1]).toBe('1.6632');
    // Cpm = Cp/√(1 + ((74.001176 − 74)/σ)²) = 1.70326/1.007198 = 1.69109.
    expect(row(r.stdout, 'Cpm')).toEqual(['Cpm', '1.6911']);
    expect(row(r.stdout, 'observed')).toEqual(['observed', '0.0', '0.0', '0.0']);
    expect(r.stdout).toMatch(/Anderson–Darling normality: A² 0\.\d{4}, A²\* 0\.\d{4}, p = 0\.8958/);
    expect(r.stdout).not.toContain('Warnings:');
  });

  it("gives Montgomery's Ĉp = 1.68 with his rounded σ̂ = 0.0099, and JSON on request", async () => {
    const r = await capabilityOfRings(...LIMITS, '--sigma-within', '0.0099', '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.cp).toBeCloseTo(0.1 / (6 * 0.0099), 12);
    expect(json.cp.toFixed(2)).toBe('1.68');
    expect(json.n).toBe(125);
    expect(json.mean).toBeCloseTo(74.001176, 6);
  });

  it('prints the warnings, and refuses a study without limits', async () => {
    const one = await capabilityOfRings('--usl', '74.05');
    expect(one.code).toBe(0);
    expect(row(one.stdout, 'Cp')).toEqual(['Cp', '—', '—', '—']);
    expect(one.stdout).toContain(
      '  - No lower specification limit: Cp and Pp are undefined, and Cpk (Ppk) is the upper index only.',
    );
    const none = await capabilityOfRings();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('capability needs at least one specification limit');
  });

  it('plots the histogram with the spec lines, as SVG and as PNG', async () => {
    const svgPath = join(dir.path, 'rings.svg');
    const pngPath = join(dir.path, 'rings.png');
    const spec = [...LIMITS, '--target', '74'];
    const a = await capabilityOfRings(...spec, '--plot', svgPath);
    expect(a.stdout).toContain(`Plot written to ${svgPath}`);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg).toMatch(/<line class="spec lsl" x1="[\d.]+"/);
    expect(svg).toMatch(/<line class="spec usl" x1="[\d.]+"/);
    expect(svg).toMatch(/<line class="target" x1="[\d.]+"/);
    expect(svg).toContain('>LSL 73.95</text>');
    expect(svg).toContain('>USL 74.05</text>');
    const b = await capabilityOfRings(...spec, '--plot', pngPath);
    expect(b.code).toBe(0);
    expect(pngSize(readFileSync(pngPath))).toEqual({ width: 960, height: 520 });
  });
});

describe('gemba spc pareto', () => {
  it("reproduces qcc's pareto.chart example", async () => {
    const r = await paretoOf(PARETO, '--count-column', 'count');
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .split('\n')
        .slice(0, 6)
        .map((l) => l.trim().split(/\s{2,}/)),
    ).toEqual([
      ['category', 'count', 'percent', 'cumulative'],
      ['contact num.', '94', '31.3', '31.3'],
      ['price code', '80', '26.7', '58.0'],
      ['supplier code', '66', '22.0', '80.0'],
      ['part num.', '33', '11.0', '91.0'],
      ['schedule date', '27', '9.0', '100.0'],
    ]);
    expect(r.stdout).toContain('total 300');
  });

  it('counts a defect log row by row, groups the tail with --other-below, and plots PNG', async () => {
    const png = join(dir.path, 'pareto.png');
    const r = await paretoOf(LOG, '--other-below', '20', '--plot', png);
    expect(r.code).toBe(0);
    expect(row(r.stdout, 'burr')).toEqual(['burr', '6', '50.0', '50.0']);
    expect(row(r.stdout, 'dent')).toEqual(['dent', '3', '25.0', '75.0']);
    expect(row(r.stdout, 'Other')).toEqual(['Other (2)', '3', '25.0', '100.0']);
    expect(r.stdout).toContain('Other: crack, scratch');
    const size = pngSize(readFileSync(png));
    expect(size.width).toBe(960);
    expect(size.height).toBeGreaterThan(400);
  });

  it('plots bars and the cumulative line as SVG', async () => {
    const svgPath = join(dir.path, 'pareto.svg');
    const r = await paretoOf(PARETO, '--count-column', 'count', '--plot', svgPath);
    expect(r.code).toBe(0);
    const svg = readFileSync(svgPath, 'utf8');
    expect([...svg.matchAll(/<rect class="bar" data-category="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'contact num.',
      'price code',
      'supplier code',
      'part num.',
      'schedule date',
    ]);
    expect(svg).toContain('class="cumulative"');
    expect(svg).toContain('>58%</text>');
  });
});

describe('gemba spc chart --plot', () => {
  const imrChartOfRings = (plot: string) =>
    gemba('spc', 'chart', '--type', 'i-mr', '--file', RINGS, '--column', 'diameter', '--plot', plot);

  it('writes the control chart as PNG', async () => {
    const png = join(dir.path, 'rings-chart.png');
    const r = await imrChartOfRings(png);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^I +CL 74\.00118 /);
    // The chart document: a 36 px title, two 320 px panels (I and MR) and a 34 px legend, 960 px wide.
    expect(pngSize(readFileSync(png))).toEqual({ width: 960, height: 36 + 2 * 320 + 34 });
  });

  it('refuses a plot format it cannot write, before doing any work', async () => {
    const r = await paretoOf(LOG, '--plot', join(dir.path, 'p.pdf'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--plot writes SVG or PNG: give a file name ending in .svg or .png');
    const c = await imrChartOfRings('x.jpg');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('(got "x.jpg")');
  });
});
