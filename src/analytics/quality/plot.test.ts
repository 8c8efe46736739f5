import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { groupBy, readSpcFixture } from '../../../test/helpers/spc-fixtures.js';
import { pChart } from './attributes.js';
import { renderControlChartSvg } from './plot.js';
import { formatSignificant, niceTicks } from './svg.js';
import { evaluateRules } from './rules.js';
import type { ControlChart } from './types.js';
import { xbarRChart } from './variables.js';

// A small hand data set: 8 subgroups of 4.
const subgroups = [
  [10.2, 9.8, 10.1, 9.9],
  [10.0, 10.3, 9.7, 10.1],
  [9.9, 10.0, 10.2, 9.8],
  [10.1, 10.4, 9.9, 10.0],
  [9.7, 10.0, 10.1, 10.2],
  [10.3, 9.9, 10.0, 10.1],
  [10.0, 9.8, 9.9, 10.2],
  [10.1, 10.0, 10.2, 9.9],
];

/** Checks that every opening tag is closed in order (a simple tag-stack parse); returns the tag names seen. */
function parseTags(svg: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)([^<>]*?)(\/?)>/g)) {
    const [, closing, name = '', , selfClosing] = match;
    seen.push(name);
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) throw new UserError('invalid_input', `</${name}> closes <${String(open)}>`);
    } else if (selfClosing !== '/') stack.push(name);
  }
  if (stack.length > 0) throw new UserError('invalid_input', `unclosed: ${stack.join(', ')}`);
  // Nothing that looks like a tag may be left over (an unescaped < in text would be).
  const stripped = svg.replace(/<(\/?)([A-Za-z][\w:-]*)([^<>]*?)(\/?)>/g, '');
  if (stripped.includes('<') || stripped.includes('>')) throw new UserError('invalid_input', 'stray < or >');
  return seen;
}

/** The markup of the chart group for `statistic`. */
function chartGroup(svg: string, statistic: string): string {
  const start = svg.indexOf(`<g class="chart" data-statistic="${statistic}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = svg.indexOf('<g class="chart"', start + 1);
  const legend = svg.indexOf('<g class="legend"', start);
  return svg.slice(start, next >= 0 ? next : legend);
}

const markers = (markup: string): number => (markup.match(/<circle class="point /g) ?? []).length;

/** All numbers in coordinate-like attributes and path data. */
function coordinateText(svg: string): string[] {
  return [...svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height|d|transform)="([^"]*)"/g)].map(
    (m) => m[1] ?? '',
  );
}

describe('renderControlChartSvg: X̄-R from a hand data set', () => {
  const { xbar, r } = xbarRChart(subgroups);
  const svg = renderControlChartSvg([xbar, r], { title: 'Shaft <diameter> & "fit"', unit: 'mm' });

  it('is one balanced svg element', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    const tags = parseTags(svg);
    expect(tags[0]).toBe('svg');
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  });

  it('labels the limits in the right margin with 6 significant figures', () => {
    const xbarMarkup = chartGroup(svg, 'xbar');
    expect(xbarMarkup).toContain(`UCL ${formatSignificant(xbar.limits.ucl)}<`);
    expect(xbarMarkup).toContain(`CL ${formatSignificant(xbar.limits.center)}<`);
    expect(xbarMarkup).toContain(`LCL ${formatSignificant(xbar.limits.lcl)}<`);
    // R̄ of the hand data is 3.5/8 = 0.4375; UCL ≈ D4·R̄ = 2.282 · 0.4375 (d2σ̂ + 3d3σ̂ with the computed d3).
    const rMarkup = chartGroup(svg, 'r');
    expect(rMarkup).toContain('CL 0.437500<');
    expect(rMarkup).toContain(`UCL ${formatSignificant(r.limits.ucl)}<`);
    expect(rMarkup).toContain('LCL 0<');
    expect(formatSignificant(r.limits.ucl)).toMatch(/^0\.998/);
  });

  it('draws one marker per point in each chart, and titles the charts by statistic', () => {
    expect(markers(chartGroup(svg, 'xbar'))).toBe(xbar.points.length);
    expect(markers(chartGroup(svg, 'r'))).toBe(r.points.length);
    expect(svg).toContain('X̄ chart');
    expect(svg).toContain('R chart');
    expect(svg).toContain('X̄ (mm)');
  });

  it('escapes text for XML', () => {
    expect(svg).toContain('Shaft &lt;diameter&gt; &amp; &quot;fit&quot;');
    expect(svg).not.toContain('<diameter>');
  });

  it('never writes NaN or Infinity into coordinates', () => {
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    for (const text of coordinateText(svg)) expect(text).not.toMatch(/NaN|Infinity/);
  });

  it('is deterministic', () => {
    expect(renderControlChartSvg([xbar, r], { title: 'Shaft <diameter> & "fit"', unit: 'mm' })).toBe(svg);
  });

  it('draws constant limits as flat lines (no vertical steps)', () => {
    const ucl = /<path class="ucl"[^>]* d="([^"]*)"/.exec(chartGroup(svg, 'xbar'))?.[1] ?? '';
    expect(ucl).toMatch(/^M[\d.]+ [\d.]+ H/);
    expect(ucl).not.toContain('V');
  });
});

describe('renderControlChartSvg: flagged points and phases', () => {
  // Phase II: a shifted subgroup against the phase I limits is beyond the UCL.
  const { xbar, r } = xbarRChart(subgroups, {
    newData: [
      [10.1, 9.9, 10.0, 10.2],
      [11.2, 11.0, 11.3, 11.1],
    ],
  });
  const svg = renderControlChartSvg([xbar, r], { labels: subgroups.map((_, i) => `S${i + 1}`) });

  it('draws an out-of-control point red', () => {
    const beyond = xbar.points.filter((p) => p.outOfControl).map((p) => p.index);
    expect(beyond).toEqual([9]);
    const marker = /<circle class="point beyond" data-index="9"[^>]*>/.exec(svg)?.[0] ?? '';
    expect(marker).toContain('fill="#d62728"');
    expect(markers(chartGroup(svg, 'xbar'))).toBe(10);
  });

  it('marks the switch to phase II with a dashed separator and a label', () => {
    expect(xbar.points[8]?.phase).toBe('II');
    const separators = svg.match(/<line class="phase-separator"[^>]*stroke-dasharray/g) ?? [];
    expect(separators).toHaveLength(2);
    expect(svg).toContain('>Phase II</text>');
  });

  it('falls back to point numbers past the given labels', () => {
    expect(svg).toContain('>S1</text>');
    parseTags(svg);
  });

  it('draws run-rule points orange with the rule numbers, excluded points hollow', () => {
    const flagged = (preset: 'nelson' | 'western-electric'): ControlChart => {
      const values = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1].map((v) => 10 + v * 0.05);
      const base = xbarRChart(subgroups, { exclude: [2] }).xbar;
      const points = values.map((value, index) => ({
        ...base.limits,
        index,
        value,
        n: 4,
        excluded: index === 2,
        outOfControl: false,
        violations: [],
        phase: 'I' as const,
      }));
      const violations = evaluateRules(points, { preset });
      return { ...base, points: points.map((p, i) => ({ ...p, violations: violations[i] ?? [] })) };
    };
    const nelson = renderControlChartSvg([flagged('nelson')]);
    expect(nelson).toMatch(/<circle class="point rule" data-index="10"[^>]*fill="#ef8a00"/);
    expect(nelson).toMatch(/class="rule-label"[^>]*>2<\/text>/);
    expect(nelson).toMatch(
      /<circle class="point excluded" data-index="2"[^>]*fill="#ffffff" stroke="#9e9e9e"/,
    );
    const we = renderControlChartSvg([flagged('western-electric')]);
    expect(we).toMatch(/class="rule-label"[^>]*>W4<\/text>/);
    parseTags(we);
  });
});

describe('renderControlChartSvg: varying limits (p chart)', () => {
  const counts = [12, 15, 8, 10, 4, 7, 16, 9];
  const sizes = [100, 80, 80, 100, 110, 110, 100, 100];
  const p = pChart(counts, sizes);
  const svg = renderControlChartSvg([p], { title: 'Fraction nonconforming' });

  it('draws the limits as steps', () => {
    const ucl = /<path class="ucl"[^>]* d="([^"]*)"/.exec(svg)?.[1] ?? '';
    const lcl = /<path class="lcl"[^>]* d="([^"]*)"/.exec(svg)?.[1] ?? '';
    // Sizes change 5 times along the series: a vertical step at each change.
    expect(ucl.match(/V/g)).toHaveLength(4);
    expect(lcl.match(/V/g)).toHaveLength(4);
    expect(ucl.match(/H/g)).toHaveLength(counts.length);
    expect(markers(svg)).toBe(counts.length);
    expect(svg).toContain('p chart');
    expect(svg).not.toMatch(/NaN|Infinity/);
    parseTags(svg);
  });

  it('stops the lower zone bands at 0 where the LCL is clamped', () => {
    const clamped = pChart([1, 0, 2, 1], [20, 20, 20, 20]);
    expect(clamped.limits.lcl).toBe(0);
    const out = renderControlChartSvg([clamped]);
    expect(out).toContain('LCL 0<');
    expect(out).not.toMatch(/NaN/);
    // The lowest band edge is the LCL line (y of 0), never below the plot area.
    const lowerBands = [...out.matchAll(/data-side="lower"[^>]* d="([^"]*)"/g)].map((m) => m[1] ?? '');
    const lcl = /<path class="lcl"[^>]* d="M[\d.]+ ([\d.]+)/.exec(out)?.[1] ?? '';
    for (const d of lowerBands) {
      for (const y of [...d.matchAll(/[\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]))) {
        expect(y).toBeLessThanOrEqual(Number(lcl) + 0.01);
      }
    }
  });
});

describe('niceTicks and formatSignificant', () => {
  it('picks 1-2-5 steps covering the range', () => {
    expect(niceTicks(73.98, 74.02, 5).ticks).toEqual([73.98, 73.99, 74, 74.01, 74.02]);
    expect(niceTicks(0, 0.94, 5)).toMatchObject({ step: 0.2, min: 0, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceTicks(3, 3).ticks.length).toBeGreaterThan(1);
  });

  it('formats 6 significant figures keeping trailing zeros', () => {
    expect(formatSignificant(74.014302)).toBe('74.0143');
    expect(formatSignificant(0.04812522568)).toBe('0.0481252');
    expect(formatSignificant(73.98804799)).toBe('73.9880');
    expect(formatSignificant(0)).toBe('0');
  });

  it('rejects no charts and silly sizes', () => {
    expect(() => renderControlChartSvg([])).toThrow(UserError);
    const { xbar } = xbarRChart(subgroups);
    expect(() => renderControlChartSvg([xbar], { width: Number.NaN })).toThrow(UserError);
  });
});

describe('renderControlChartSvg: pistonrings (qcc)', () => {
  it('renders phase I limits 73.9880 / 74.0012 / 74.0143 with 15 phase II samples', () => {
    const pistonrings = groupBy(readSpcFixture('pistonrings.txt'), 'diameter', 'sample');
    const { xbar, r } = xbarRChart(pistonrings.slice(0, 25), { newData: pistonrings.slice(25) });
    const svg = renderControlChartSvg([xbar, r], { title: 'Piston rings: inside diameter', unit: 'mm' });
    expect(svg).toContain('UCL 74.0143<');
    expect(svg).toContain('CL 74.0012<');
    // qcc prints 73.98805; to 6 significant figures the unrounded 73.988048 is 73.9880.
    expect(svg).toContain('LCL 73.9880<');
    expect(markers(chartGroup(svg, 'xbar'))).toBe(40);
    expect(markers(chartGroup(svg, 'r'))).toBe(40);
    expect((svg.match(/<circle class="point beyond"/g) ?? []).length).toBeGreaterThan(0);
    parseTags(svg);
  });
});
