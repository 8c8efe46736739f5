import { describe, expect, it } from 'vitest';
import { groupBy, numericColumn, readSpcFixture } from '../../../test/helpers/spc-fixtures.js';
import { buildChart } from './chart.js';

const pistonrings = groupBy(readSpcFixture('pistonrings.txt'), 'diameter', 'sample');

describe('buildChart', () => {
  it('pistonrings X̄-R, phase I on samples 1–25: qcc limits, and samples 37–39 beyond the UCL in phase II', () => {
    const result = buildChart({ type: 'xbar-r', subgroups: pistonrings, phaseOne: 25 });
    const [xbar, r] = result.charts;
    expect(xbar?.center).toBeCloseTo(74.00118, 5);
    expect(xbar?.limits.ucl).toBeCloseTo(74.0143, 4);
    expect(r?.statistic).toBe('r');
    const beyond = result.findings
      .filter((f) => f.chart === 0 && f.rule === 'nelson.1')
      .map((f) => f.index + 1);
    expect(beyond).toEqual([37, 38, 39]);
    // The R chart is judged on its limits only.
    expect(result.findings.filter((f) => f.chart === 1).every((f) => f.rule === 'limits')).toBe(true);
  });

  it('applies the Western Electric preset when asked, and reports each rule at the point that completes it', () => {
    const result = buildChart({
      type: 'xbar-r',
      subgroups: pistonrings,
      phaseOne: 25,
      rules: { preset: 'western-electric' },
    });
    const rules = new Set(result.findings.filter((f) => f.chart === 0).map((f) => f.rule));
    expect(rules.has('we.1')).toBe(true);
    expect([...rules].every((r) => r.startsWith('we.'))).toBe(true);
  });

  it('orangejuice p chart, phase I on samples 1–30: samples 15 and 23 beyond the UCL', () => {
    const records = readSpcFixture('orangejuice.txt');
    const result = buildChart({
      type: 'p',
      counts: numericColumn(records, 'D'),
      sizes: numericColumn(records, 'size'),
      phaseOne: 30,
      rules: {
        tests: {
          '2': { enabled: false },
          '3': { enabled: false },
          '5': { enabled: false },
          '6': { enabled: false },
        },
      },
    });
    expect(result.charts[0]?.center).toBeCloseTo(0.2313333, 6);
    const phaseOneOut = result.findings
      .filter((f) => f.rule === 'nelson.1' && f.index < 30)
      .map((f) => f.index + 1);
    expect(phaseOneOut).toEqual([15, 23]);
  });

  it('explains a bad phase split', () => {
    expect(() => buildChart({ type: 'i-mr', values: [1, 2, 3], phaseOne: 9 })).toThrow(/phaseOne must be/);
  });
});
