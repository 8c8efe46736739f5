import { describe, expect, it } from 'vitest';
import {
  continuousReviewPolicy,
  demandOver,
  economicOrderQuantity,
  fillRateSafetyFactor,
  normalLoss,
  periodicReviewPolicy,
  reorderPoint,
  simulatePolicy,
} from './inventory.js';

describe('inventory formulas', () => {
  it('the normal loss function matches its tables', () => {
    // G(0) = φ(0) = 1/√(2π); G(k) = φ(k) − k(1 − Φ(k)) with φ(1) = 0.2419707, 1 − Φ(1) = 0.1586553 and
    // φ(2) = 0.0539910, 1 − Φ(2) = 0.0227501: G(1) = 0.0833155, G(2) = 0.0084907.
    expect(normalLoss(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
    expect(normalLoss(1)).toBeCloseTo(0.0833155, 6);
    expect(normalLoss(2)).toBeCloseTo(0.0084907, 6);
  });

  it('reorder point for a cycle service level, with and without lead-time variability', () => {
    // σ_L = 20·√4 = 40; k = Φ⁻¹(0.95) = 1.644854; s = 400 + 65.79.
    const r = reorderPoint({ mean: 100, sd: 20 }, { mean: 4 }, { cycleServiceLevel: 0.95 });
    expect(r.sigma).toBe(40);
    expect(r.safetyFactor).toBeCloseTo(1.644854, 5);
    expect(r.reorderPoint).toBeCloseTo(465.794, 2);
    // σ_L = √(4·20² + 100²·1²) = √11600.
    expect(demandOver({ mean: 100, sd: 20 }, 4, 1).sd).toBeCloseTo(Math.sqrt(11600), 12);
  });

  it('safety factor for a fill rate solves σ·G(k) = (1 − β)·Q', () => {
    // Q = 200, σ = 40, β = 0.99: G(k) = 0.05, between G(1.25) = 0.0506 and G(1.26) = 0.0495 (by the formula above).
    const k = fillRateSafetyFactor(0.99, 200, 40);
    expect(normalLoss(k)).toBeCloseTo(0.05, 10);
    expect(k).toBeGreaterThan(1.25);
    expect(k).toBeLessThan(1.26);
  });

  it('EOQ', () => {
    // D = 1000 a year, K = 10 per order, h = 0.5 per unit-year: √(2·1000·10/0.5) = 200.
    expect(economicOrderQuantity(1000, 10, 0.5)).toBeCloseTo(200, 12);
  });

  it('refuses impossible targets', () => {
    expect(() => reorderPoint({ mean: 10, sd: 2 }, { mean: 1 }, { cycleServiceLevel: 1 })).toThrow(
      /\(0, 1\)/,
    );
    expect(() => reorderPoint({ mean: -1, sd: 2 }, { mean: 1 }, { cycleServiceLevel: 0.9 })).toThrow(/≥ 0/);
    expect(() => periodicReviewPolicy({ mean: 10, sd: 2 }, { mean: 1 }, 0.5, { fillRate: 0.9 })).toThrow(
      /whole number/,
    );
  });
});

describe('simulatePolicy', () => {
  const demand = { mean: 100, sd: 30 };

  it('an (R, S) policy set for a 90 % cycle service level gives about 90 %', () => {
    // S = 100·3 + Φ⁻¹(0.9)·30·√3 with R = 1, L = 2.
    const policy = periodicReviewPolicy(demand, { mean: 2 }, 1, { cycleServiceLevel: 0.9 });
    expect(policy.S).toBeCloseTo(300 + 1.281552 * 30 * Math.sqrt(3), 3);
    const r = simulatePolicy(policy, demand, { mean: 2 }, { periods: 20_000, seed: 3 });
    expect(r.cycleServiceLevel).toBeGreaterThan(0.88);
    expect(r.cycleServiceLevel).toBeLessThan(0.92);
  });

  it('an (R, S) policy set for a 98 % fill rate gives about 98 %, and more stock than one for 90 %', () => {
    const lead = { mean: 2, sd: 0.5 };
    const high = periodicReviewPolicy(demand, lead, 2, { fillRate: 0.98 });
    const low = periodicReviewPolicy(demand, lead, 2, { fillRate: 0.9 });
    const rHigh = simulatePolicy(high, demand, lead, { periods: 20_000, seed: 4 });
    const rLow = simulatePolicy(low, demand, lead, { periods: 20_000, seed: 4 });
    expect(rHigh.fillRate).toBeGreaterThan(0.965);
    expect(rHigh.fillRate).toBeLessThan(0.995);
    expect(rLow.fillRate).toBeLessThan(rHigh.fillRate);
    expect(rHigh.averageOnHand).toBeGreaterThan(rLow.averageOnHand);
  });

  it('an (s, S) policy orders about demand / Q times', () => {
    const q = economicOrderQuantity(100 * 250, 50, 2);
    const policy = continuousReviewPolicy(demand, { mean: 3 }, { cycleServiceLevel: 0.95 }, q);
    const r = simulatePolicy(policy, demand, { mean: 3 }, { periods: 10_000, seed: 5 });
    // Each order brings the position back to S = s + Q, about Q + the undershoot below s.
    expect(r.orders).toBeGreaterThan((10_000 * 100) / (q + 100));
    expect(r.orders).toBeLessThan((10_000 * 100) / q + 1);
    expect(r.fillRate).toBeGreaterThan(0.97);
  });
});
