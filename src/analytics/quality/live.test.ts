import { describe, expect, it } from 'vitest';
import { groupBy, readSpcFixture } from '../../../test/helpers/spc-fixtures.js';
import { LiveChart } from './live.js';
import { evaluateRules } from './rules.js';
import { imrChart, xbarRChart, xbarSChart } from './variables.js';

// qcc's pistonrings: limits from samples 1-25, then samples 26-40 monitored (Montgomery's piston rings).
const pistonrings = groupBy(readSpcFixture('pistonrings.txt'), 'diameter', 'sample');
const { xbar } = xbarRChart(pistonrings.slice(0, 25));
const frozen = { center: xbar.center, sigma: xbar.sigma };

describe('LiveChart against the batch engine', () => {
  it('X̄-R: pistonrings 26-40 against the phase I limits flags 37, 38, 39 (qcc) with the same rules', () => {
    const live = new LiveChart({ type: 'xbar-r', frozen });
    const points = pistonrings.slice(25).map((g) => live.push(g));
    const batch = xbarRChart(pistonrings.slice(25), { frozen });
    const rules = evaluateRules(batch.xbar.points);
    points.forEach((p, i) => {
      const b = batch.xbar.points[i];
      const r = batch.r.points[i];
      expect(p.level.value).toBeCloseTo(b?.value ?? NaN, 12);
      expect(p.level.ucl).toBeCloseTo(b?.ucl ?? NaN, 12);
      expect(p.level.lcl).toBeCloseTo(b?.lcl ?? NaN, 12);
      expect(p.dispersion?.value).toBeCloseTo(r?.value ?? NaN, 12);
      expect(p.dispersion?.ucl).toBeCloseTo(r?.ucl ?? NaN, 12);
      expect(p.level.violations).toEqual(rules[i]);
    });
    const beyond = points.flatMap((p, i) =>
      p.level.violations.some((v) => v.rule === 'nelson.1') ? [i + 26] : [],
    );
    expect(beyond).toEqual([37, 38, 39]);
    // 74.0143 = qcc's UCL of the X̄ chart (samples 1-25).
    expect(points[0]?.level.ucl).toBeCloseTo(74.0143, 4);
  });

  it('X̄-S: same values and S limits as xbarSChart with frozen limits', () => {
    const live = new LiveChart({ type: 'xbar-s', frozen });
    const batch = xbarSChart(pistonrings, { frozen });
    pistonrings.forEach((g, i) => {
      const p = live.push(g);
      expect(p.dispersion?.value).toBeCloseTo(batch.s.points[i]?.value ?? NaN, 12);
      expect(p.dispersion?.center).toBeCloseTo(batch.s.points[i]?.center ?? NaN, 12);
      expect(p.dispersion?.ucl).toBeCloseTo(batch.s.points[i]?.ucl ?? NaN, 12);
    });
  });

  it('I-MR: no MR on the first point, then |xᵢ − xᵢ₋₁| against the MR limits; rules as the batch engine', () => {
    const values = [33.75, 33.05, 34, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.2, 36.5, 33.0, 33.54];
    const f = { center: 33.52, sigma: 0.4261 };
    const live = new LiveChart({ type: 'i-mr', frozen: f });
    const points = values.map((v) => live.push([v]));
    const batch = imrChart(values, { frozen: f });
    expect(points[0]?.dispersion).toBeUndefined();
    expect(points[1]?.dispersion?.value).toBeCloseTo(0.7, 12);
    expect(points[1]?.dispersion?.ucl).toBeCloseTo(batch.mr.limits.ucl, 12);
    expect(points[10]?.level.violations.map((v) => v.rule)).toEqual(['nelson.1']);
    // The jump to 36.5 and back: both moving ranges beyond the MR chart's UCL (3.267 · 1.128 · σ = 1.5703).
    expect(points[10]?.dispersion?.violations.map((v) => v.rule)).toEqual(['limits']);
    expect(points[11]?.dispersion?.violations.map((v) => v.rule)).toEqual(['limits']);
    expect(points[10]?.dispersion?.ucl).toBeCloseTo(3.267 * 1.128 * 0.4261, 3);
    expect(points.map((p) => p.level.violations)).toEqual(evaluateRules(batch.i.points));
  });

  it('varying subgroup sizes get the limits of their own n', () => {
    const live = new LiveChart({ type: 'xbar-r', frozen: { center: 10, sigma: 1 } });
    const p2 = live.push([10, 11]);
    const p5 = live.push([10, 10, 10, 10, 11]);
    expect(p2.level.ucl).toBeCloseTo(10 + 3 / Math.SQRT2, 12);
    expect(p5.level.ucl).toBeCloseTo(10 + 3 / Math.sqrt(5), 12);
    // R chart centre d2(n)·σ with the table d2: 1.128 and 2.326.
    expect(p2.dispersion?.center).toBeCloseTo(1.128, 12);
    expect(p5.dispersion?.center).toBeCloseTo(2.326, 12);
  });

  it('refuses a subgroup of the wrong size', () => {
    expect(() => new LiveChart({ type: 'xbar-r', frozen }).push([1])).toThrow(/2 or more/);
    expect(() => new LiveChart({ type: 'i-mr', frozen }).push([1, 2])).toThrow(/one value/);
  });
});
