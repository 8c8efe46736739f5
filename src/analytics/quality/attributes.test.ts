import { describe, expect, it } from 'vitest';
import { numericColumn, readSpcFixture, type SpcRecord } from '../../../test/helpers/spc-fixtures.js';
import { UserError } from '../../domain/index.js';
import { cChart, npChart, pChart, uChart } from './attributes.js';
import type { ControlChart } from './types.js';

/** ≥ 6 significant figures: |actual − expected| ≤ 5e-7·|expected| (and an absolute floor for 0). */
function expectSig(actual: number | undefined, expected: number, label = ''): void {
  expect(actual, label).toBeDefined();
  const tolerance = Math.max(5e-7 * Math.abs(expected), 1e-12);
  expect(
    Math.abs((actual ?? Number.NaN) - expected),
    `${label}: ${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(tolerance);
}

/** 1-based numbers of the samples beyond the limits (qcc "beyond limits"). */
const outOfControl = (chart: ControlChart): number[] =>
  chart.points.filter((p) => p.outOfControl).map((p) => p.index + 1);

const trial = (records: readonly SpcRecord[]) => records.filter((r) => r['trial'] === true);
const notTrial = (records: readonly SpcRecord[]) => records.filter((r) => r['trial'] === false);

describe('pChart — qcc orangejuice (Montgomery pp. 152-155), reference figures from R qcc', () => {
  const records = readSpcFixture('orangejuice.txt');
  const phase1 = trial(records);
  const D = numericColumn(phase1, 'D');
  const size = numericColumn(phase1, 'size');

  it('trial samples 1-30: centre, σ, limits and samples 15, 23 above the UCL', () => {
    expect(D).toHaveLength(30);
    const chart = pChart(D, size);
    expectSig(chart.center, 0.2313333, 'center');
    expectSig(chart.sigma, 0.421685, 'std.dev');
    expectSig(chart.limits.lcl, 0.05242755, 'LCL');
    expectSig(chart.limits.ucl, 0.4102391, 'UCL');
    expect(chart).toMatchObject({ type: 'p', statistic: 'p', nsigmas: 3 });
    expect(outOfControl(chart)).toEqual([15, 23]);
    // p₁₅ = 22/50 = 0.44 > 0.4102; every point carries the constant-n limits.
    expect(chart.points[14]).toMatchObject({ value: 0.44, n: 50, excluded: false, violations: [] });
    expect(chart.points.every((p) => p.ucl === chart.limits.ucl && p.lcl === chart.limits.lcl)).toBe(true);
  });

  it('revised without samples 15 and 23: sample 21 above the UCL', () => {
    const chart = pChart(D, size, { exclude: [14, 22] });
    expectSig(chart.center, 0.215, 'center');
    expectSig(chart.sigma, 0.4108223, 'std.dev');
    expectSig(chart.limits.lcl, 0.04070284, 'LCL');
    expectSig(chart.limits.ucl, 0.3892972, 'UCL');
    // The excluded points stay on the chart (and are still beyond the revised limits); qcc, plotting the reduced
    // set, flags only sample 21 (its index 19).
    expect(chart.points).toHaveLength(30);
    expect(chart.points.filter((p) => p.excluded).map((p) => p.index + 1)).toEqual([15, 23]);
    expect(outOfControl(chart).filter((i) => i !== 15 && i !== 23)).toEqual([21]);
  });

  it('phase II: the samples after the adjustment against the revised limits, frozen or as newData', () => {
    const after = notTrial(records);
    const newCounts = numericColumn(after, 'D');
    const newSizes = numericColumn(after, 'size');
    const withNew = pChart(D, size, { exclude: [14, 22], newData: { counts: newCounts, sizes: newSizes } });
    expect(withNew.points).toHaveLength(54);
    expect(withNew.points.map((p) => p.phase)).toEqual([
      ...Array<string>(30).fill('I'),
      ...Array<string>(24).fill('II'),
    ]);
    expectSig(withNew.points[53]?.ucl, 0.3892972, 'UCL of a new point');
    const frozen = pChart(newCounts, newSizes, { frozen: { center: 0.215 } });
    expectSig(frozen.limits.ucl, 0.3892972, 'frozen UCL');
    expect(frozen.points.every((p) => p.phase === 'II')).toBe(true);
    expect(frozen.points.map((p) => p.outOfControl)).toEqual(
      withNew.points.slice(30).map((p) => p.outOfControl),
    );
    // After the adjustment the process runs well below p̄ = 0.215: samples with D ≤ 2 (p ≤ 0.04) fall below the LCL
    // 0.0407 (sample 41: D = 2).
    expect(outOfControl(frozen).map((i) => i + 30)).toEqual(
      newCounts.flatMap((d, i) => (d / 50 < 0.04070284 ? [i + 31] : [])),
    );
    expect(outOfControl(frozen).map((i) => i + 30)).toContain(41);
  });

  it('np chart on the same data: centre 50·p̄, limits 50·(p chart limits), σ as qcc sd.np', () => {
    const chart = npChart(D, 50);
    expectSig(chart.center, 50 * 0.2313333, 'center');
    expectSig(chart.sigma, 0.421685, 'std.dev');
    expectSig(chart.limits.lcl, 50 * 0.05242755, 'LCL');
    expectSig(chart.limits.ucl, 50 * 0.4102391, 'UCL');
    expect(chart.type).toBe('np');
    expect(outOfControl(chart)).toEqual([15, 23]);
    const revised = npChart(D, 50, { exclude: [14, 22] });
    expectSig(revised.center, 10.75, 'revised center');
    expectSig(revised.limits.ucl, 50 * 0.3892972, 'revised UCL');
  });
});

describe('pChart — qcc orangejuice2 trial samples', () => {
  it('reproduces centre 0.1108333, σ 0.3139256, LCL clamped to 0, UCL 0.2440207 and no point out', () => {
    const phase1 = trial(readSpcFixture('orangejuice2.txt'));
    const chart = pChart(numericColumn(phase1, 'D'), numericColumn(phase1, 'size'));
    expectSig(chart.center, 0.1108333, 'center');
    expectSig(chart.sigma, 0.3139256, 'std.dev');
    expect(chart.limits.lcl).toBe(0);
    expectSig(chart.limits.ucl, 0.2440207, 'UCL');
    expect(outOfControl(chart)).toEqual([]);
  });
});

describe('pChart — varying sample sizes', () => {
  it('gives each point its own limits p̄ ± 3√(p̄(1−p̄)/nᵢ) (Montgomery §7.2.2)', () => {
    const counts = [5, 10, 2];
    const sizes = [50, 100, 20];
    const chart = pChart(counts, sizes);
    // p̄ = 17/170 = 0.1; UCL(n = 50) = 0.1 + 3·√(0.09/50) = 0.1 + 3·0.0424264 = 0.2272792; LCL clamps to 0.
    // UCL(n = 100) = 0.1 + 3·0.03 = 0.19, LCL = 0.01; UCL(n = 20) = 0.1 + 3·0.0670820 = 0.3012461.
    expectSig(chart.center, 0.1);
    expectSig(chart.points[0]?.ucl, 0.2272792);
    expect(chart.points[0]?.lcl).toBe(0);
    expectSig(chart.points[1]?.ucl, 0.19);
    expectSig(chart.points[1]?.lcl, 0.01);
    expectSig(chart.points[2]?.ucl, 0.3012461);
    // `limits` are those at the average size n̄ = 170/3.
    expectSig(chart.limits.ucl, 0.1 + 3 * Math.sqrt(0.09 / (170 / 3)));
  });
});

describe('cChart — qcc circuit (Montgomery pp. 173-175), figures recomputed with R', () => {
  const phase1 = trial(readSpcFixture('circuit.txt'));
  const x = numericColumn(phase1, 'x');

  it('samples 1-26: c̄ = 19.84615, limits 6.481447 / 33.21086, sample 6 low and 20 high', () => {
    expect(x).toHaveLength(26);
    const chart = cChart(x);
    expectSig(chart.center, 19.84615, 'center');
    expectSig(chart.limits.lcl, 6.481447, 'LCL');
    expectSig(chart.limits.ucl, 33.21086, 'UCL');
    expectSig(chart.sigma, Math.sqrt(516 / 26), 'σ = √c̄');
    expect(outOfControl(chart)).toEqual([6, 20]);
    expect(chart.points[5]?.value).toBeLessThan(chart.limits.lcl);
    expect(chart.points[19]?.value).toBeGreaterThan(chart.limits.ucl);
  });

  it('revised without samples 6 and 20: 19.66667, 6.362532, 32.97080', () => {
    const chart = cChart(x, { exclude: [5, 19] });
    expectSig(chart.center, 19.66667, 'center');
    expectSig(chart.limits.lcl, 6.362532, 'LCL');
    expectSig(chart.limits.ucl, 32.9708, 'UCL');
    expect(chart.points.filter((p) => p.excluded).map((p) => p.index + 1)).toEqual([6, 20]);
  });

  it('phase II: the 20 later samples against the revised limits are in control', () => {
    const later = numericColumn(notTrial(readSpcFixture('circuit.txt')), 'x');
    const chart = cChart(later, { frozen: { center: 472 / 24 } });
    expectSig(chart.limits.ucl, 32.9708, 'UCL');
    expect(outOfControl(chart)).toEqual([]);
    const appended = cChart(x, { exclude: [5, 19], newData: { counts: later } });
    expect(appended.points).toHaveLength(46);
    expect(outOfControl(appended)).toEqual([6, 20]);
  });
});

describe('uChart — qcc pcmanufact (Montgomery, PC manufacturing u chart example)', () => {
  const records = readSpcFixture('pcmanufact.txt');
  const x = numericColumn(records, 'x');
  const n = numericColumn(records, 'size');

  it('ū = Σx/Σn = 193/100 and limits ū ± 3√(ū/5)', () => {
    // Σx = 193 over 20 samples of n = 5: ū = 1.93; 3√(1.93/5) = 3·0.6212890 = 1.863867 →
    // UCL = 3.793867, LCL = 0.066133 (Montgomery prints UCL = 3.79, LCL = 0.07).
    expect(x.reduce((a, b) => a + b, 0)).toBe(193);
    const chart = uChart(x, n);
    expectSig(chart.center, 1.93, 'center');
    expectSig(chart.sigma, Math.sqrt(1.93), 'σ = √ū');
    expectSig(chart.limits.ucl, 1.93 + 3 * Math.sqrt(1.93 / 5), 'UCL');
    expectSig(chart.limits.lcl, 1.93 - 3 * Math.sqrt(1.93 / 5), 'LCL');
    expect(chart.limits.ucl).toBeCloseTo(3.79, 2);
    expect(chart.limits.lcl).toBeCloseTo(0.07, 2);
    // Largest uᵢ = 16/5 = 3.2 < 3.79, smallest 5/5 = 1 > 0.07: in control.
    expect(outOfControl(chart)).toEqual([]);
    expect(chart.type).toBe('u');
  });
});

describe('uChart — qcc dyedcloth (Montgomery, dyed cloth: varying inspection units)', () => {
  const records = readSpcFixture('dyedcloth.txt');
  const x = numericColumn(records, 'x');
  const units = numericColumn(records, 'size');

  it('ū = 153/107.5 and per-point limits ū ± 3√(ū/nᵢ)', () => {
    // Σx = 153 nonconformities over Σn = 107.5 units of 50 m²: ū = 1.423256 (Montgomery prints ū = 1.42 and, for
    // n = 10, UCL = 2.55 / LCL = 0.29).
    expect(x.reduce((a, b) => a + b, 0)).toBe(153);
    expect(units.reduce((a, b) => a + b, 0)).toBe(107.5);
    const chart = uChart(x, units);
    const ubar = 153 / 107.5;
    expectSig(chart.center, 1.423256, 'center');
    chart.points.forEach((p, i) => {
      const ni = units[i] ?? Number.NaN;
      const half = 3 * Math.sqrt(ubar / ni);
      expectSig(p.value, (x[i] ?? Number.NaN) / ni, `u${i + 1}`);
      expectSig(p.ucl, ubar + half, `UCL${i + 1}`);
      expectSig(p.lcl, Math.max(0, ubar - half), `LCL${i + 1}`);
      expect(p.n).toBe(ni);
    });
    // n = 10: 3√(1.4232558/10) = 3·0.3772606 = 1.1317819 → UCL = 2.555038, LCL = 0.2914739.
    expectSig(chart.points[0]?.ucl, 2.555038, 'UCL at n = 10');
    expectSig(chart.points[0]?.lcl, 0.2914739, 'LCL at n = 10');
    // n = 8 (sample 2) gets wider limits: 3√(1.4232558/8) = 3·0.4217902 = 1.2653706 → UCL 2.6886264.
    expectSig(chart.points[1]?.ucl, 2.6886264, 'UCL at n = 8');
    expect(outOfControl(chart)).toEqual([]);
  });
});

describe('attribute charts — options and bad input', () => {
  it('honours nsigmas', () => {
    const chart = cChart([4, 9, 16], { nsigmas: 2 });
    // c̄ = 29/3; 2√c̄ = 6.218253.
    expectSig(chart.limits.ucl, 29 / 3 + 2 * Math.sqrt(29 / 3));
    expect(chart.nsigmas).toBe(2);
  });

  it('treats a point on a limit as in control (strictly beyond)', () => {
    // c̄ = 4, limits 4 ± 3·2 = [0 (clamped from −2), 10]: a count of exactly 10 is not out of control.
    const chart = cChart([10, 2, 2, 2], { frozen: { center: 4 } });
    expect(chart.points[0]?.ucl).toBe(10);
    expect(chart.points[0]?.outOfControl).toBe(false);
  });

  it('throws UserError invalid_input', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof UserError ? e.code : 'not a UserError';
      }
      return undefined;
    };
    expect(code(() => pChart([1, 2], [10]))).toBe('invalid_input');
    expect(code(() => pChart([11], [10]))).toBe('invalid_input');
    expect(code(() => pChart([1], [0]))).toBe('invalid_input');
    expect(code(() => pChart([-1], [10]))).toBe('invalid_input');
    expect(code(() => npChart([1], 0))).toBe('invalid_input');
    expect(code(() => cChart([1, 2], { exclude: [2] }))).toBe('invalid_input');
    expect(code(() => cChart([1, 2], { exclude: [0, 1] }))).toBe('invalid_input');
    expect(code(() => cChart([1], { nsigmas: 0 }))).toBe('invalid_input');
    expect(code(() => uChart([1], [1], { newData: { counts: [1] } }))).toBe('invalid_input');
    expect(code(() => pChart([1], [10], { frozen: { center: 1.5 } }))).toBe('invalid_input');
  });
});
