import { describe, expect, it } from 'vitest';
import { croston, sba, tsb } from './intermittent.js';
import { makeSeries } from './series.js';

// Demand 0, 3, 0, 0, 5, 0, 2: sizes 3, 5, 2 at positions 2, 5, 7; intervals 2, 3, 2.
const demand = makeSeries([0, 3, 0, 0, 5, 0, 2]);

describe('intermittent demand', () => {
  it('Croston by hand with α = 0.5 (initial size and interval the first ones, as R forecast::croston)', () => {
    // sizes: z = 3 → 3 + 0.5(5 − 3) = 4 → 4 + 0.5(2 − 4) = 3; intervals: p = 2 → 2.5 → 2.25
    const fit = croston({ alpha: 0.5 }).fit(demand);
    expect(fit.params.size).toBe(3);
    expect(fit.params.interval).toBe(2.25);
    expect(fit.forecast(3).mean[2]).toBeCloseTo(3 / 2.25, 14);
    // before the first demand there is no forecast; after it, z/p of the state then
    expect(Number.isNaN(fit.fitted[1] ?? 0)).toBe(true);
    expect(fit.fitted[2]).toBe(1.5);
    expect(fit.fitted[5]).toBeCloseTo(4 / 2.5, 14);
  });

  it('SBA multiplies Croston by 1 − α/2', () => {
    const fit = sba({ alpha: 0.5 }).fit(demand);
    expect(fit.forecast(1).mean[0]).toBeCloseTo((0.75 * 3) / 2.25, 14);
  });

  it('TSB by hand with α = β = 0.5', () => {
    // p0 = 3/7, z0 = 10/3; each period p ← p + 0.5(1[y>0] − p); z updated on demand only
    let p = 3 / 7;
    let z = 10 / 3;
    for (const y of demand.values) {
      p += 0.5 * ((y > 0 ? 1 : 0) - p);
      if (y > 0) z += 0.5 * (y - z);
    }
    // written out: z = 10/3 → 19/6 → 49/12 → 73/24
    expect(z).toBeCloseTo(73 / 24, 14);
    const fit = tsb({ alpha: 0.5, beta: 0.5 }).fit(demand);
    expect(fit.params.size).toBeCloseTo(73 / 24, 14);
    expect(fit.forecast(2).mean[1]).toBeCloseTo(p * z, 14);
  });

  it('no demand at all forecasts zero; intervals never go below zero', () => {
    const fc = croston()
      .fit(makeSeries([0, 0, 0]))
      .forecast(2);
    expect([...fc.mean]).toEqual([0, 0]);
    const band = tsb().fit(demand).forecast(2, [95]);
    expect(Math.min(...(band.lower[95] ?? []))).toBeGreaterThanOrEqual(0);
  });

  it('rejects smoothing constants outside (0, 1]', () => {
    expect(() => croston({ alpha: 0 }).fit(demand)).toThrow(/alpha/);
  });
});
