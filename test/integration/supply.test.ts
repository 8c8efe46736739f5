/**
 * Supply over HTTP: an item with two years of weekly demand, a forecast chosen on a rolling origin and stored with
 * its intervals and scores, its fan chart, and the stocking policy that follows from it and the item's lead time,
 * checked against the textbook formula on the forecast's own figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededNormal } from '../../src/analytics/random.js';
import { type TestPlatform, startTestPlatform } from '../helpers/platform.js';

const WEEK = 7 * 24 * 3_600_000;
const START = Date.parse('2024-11-04T00:00:00Z');
const noise = seededNormal(5);
/** 200 a week, growing by 1 a week, noise σ 10. */
const demand = Array.from({ length: 104 }, (_, t) => Math.round(200 + t + 10 * noise()));

describe('supply: demand, forecast, stocking policy', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p?.[Symbol.asyncDispose]();
  });

  it('forecasts an item and recommends its policy', async () => {
    const item = {
      id: 'bracket-A1',
      name: 'Bracket A1',
      period: 'week',
      leadTime: 2,
      leadTimeSd: 0.5,
      orderCost: 120,
      holdingCostPerPeriod: 0.05,
    };
    expect((await p.api('/items', { body: { items: [item] } })).status).toBe(200);
    const points = demand.map((quantity, t) => ({ item: item.id, ts: START + t * WEEK, quantity }));
    // One week is missing from the file: it counts as zero demand, not as a shorter series.
    const stored = await p.api('/demand', { body: { points: points.filter((_, t) => t !== 50) } });
    expect(stored.body).toEqual({ stored: 103 });

    const run = await p.api('/forecasts', { body: { item: item.id, horizon: 8 } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const forecast = run.body.forecast;
    expect(forecast.history).toEqual({ periods: 104, from: START, to: START + 103 * WEEK });
    expect(forecast.firstTs).toBe(START + 104 * WEEK);
    expect(forecast.mean).toHaveLength(8);
    expect(forecast.scores.map((s: { method: string }) => s.method).sort()).toEqual([
      'ARIMA',
      'Combination',
      'Drift',
      'ETS',
      'Naive2',
      'Theta',
    ]);
    // The level after two years is about 303; every point forecast lies within 40 of the trend continued.
    forecast.mean.forEach((m: number, h: number) => expect(Math.abs(m - (200 + 104 + h))).toBeLessThan(40));
    for (let h = 0; h < 8; h++) {
      expect(forecast.lower['95'][h]).toBeLessThan(forecast.lower['80'][h]);
      expect(forecast.upper['80'][h]).toBeLessThan(forecast.upper['95'][h]);
    }
    const chart = await p.api(`/forecasts/chart?item=${item.id}`);
    expect(chart.body.svg).toMatch(/^<svg[\s\S]*class="band" data-level="95"[\s\S]*<\/svg>$/);

    await p.api('/stock', { body: { item: item.id, onHand: 450, onOrder: 0 } });
    const policy = (await p.api(`/inventory/policy?item=${item.id}&cycleServiceLevel=0.95`)).body;
    // From the forecast: demand per week over the 2-week lead time, σ from the 80 % interval (z 1.28155).
    const mean = (forecast.mean[0] + forecast.mean[1]) / 2;
    const sd = Math.sqrt(
      [0, 1].reduce(
        (s, h) => s + ((forecast.upper['80'][h] - forecast.lower['80'][h]) / (2 * 1.2815515655446004)) ** 2,
        0,
      ) / 2,
    );
    expect(policy.demandPerPeriod.mean).toBeCloseTo(mean, 9);
    expect(policy.demandPerPeriod.sd).toBeCloseTo(sd, 6);
    // σ_L = √(L·σ² + μ²·σ_L²), s = μ·L + 1.644854·σ_L; EOQ = √(2·μ·K/h).
    const sigmaL = Math.sqrt(2 * sd ** 2 + mean ** 2 * 0.25);
    expect(policy.s).toBeCloseTo(2 * mean + 1.6448536269514722 * sigmaL, 4);
    expect(policy.eoq).toBeCloseTo(Math.sqrt((2 * mean * 120) / 0.05), 6);
    expect(policy.S).toBeCloseTo(policy.s + policy.eoq, 6);
    expect(policy.recommendation).toMatch(
      /^Order \d+ pcs now: the stock position 450 is at or below the reorder point/,
    );
  }, 120_000);

  it('tracks the stored forecast as demand comes in and flags one that demand has outrun', async () => {
    const before = (await p.api('/forecasts/accuracy?item=bracket-A1')).body;
    expect(before.forecasts[0].matched).toBe(0);
    expect(before.summary).toMatch(/no demand recorded for its periods yet/);
    const forecast = before.forecasts[0];
    // Six weeks come in, each 80 above what was forecast (a new customer): every error on the same side.
    const actual = forecast.points
      .slice(0, 6)
      .map((pt: { forecast: number }) => Math.round(pt.forecast + 80));
    await p.api('/demand', {
      body: {
        points: actual.map((quantity: number, k: number) => ({
          item: 'bracket-A1',
          ts: forecast.points[k].ts,
          quantity,
        })),
      },
    });
    const after = (await p.api('/forecasts/accuracy?item=bracket-A1')).body.forecasts[0];
    expect(after.matched).toBe(6);
    expect(after.horizon).toBe(8);
    const errors = actual.map((a: number, k: number) => a - forecast.points[k].forecast);
    const mae = errors.reduce((s: number, e: number) => s + Math.abs(e), 0) / 6;
    expect(after.mae).toBeCloseTo(mae, 9);
    expect(after.bias).toBeCloseTo(-mae, 9);
    expect(after.trackingSignal).toBeCloseTo(6, 9);
    expect(after.biased).toBe(true);
    expect(after.points[5].actual).toBe(actual[5]);
    expect(after.points[6].actual).toBeNull();
    // The fan chart keeps the history the forecast was made from and draws the six weeks since as points.
    const chart = (await p.api('/forecasts/chart?item=bracket-A1')).body.svg as string;
    expect(chart.match(/<g class="actual"[^>]*>(.*?)<\/g>/)?.[1]?.match(/<circle/g)).toHaveLength(6);
    expect((await p.api('/forecasts/accuracy?item=bracket-A1')).body.summary).toMatch(
      /6 of 8 periods in, .*tracking signal 6\.0 — beyond ±4: demand is running above the forecast; re-forecast/,
    );
  });

  it('forecasts hourly demand with its daily and weekly cycles', async () => {
    await p.api('/items', {
      body: { items: [{ id: 'coolant-l', period: 'hour', seasonalPeriod: 24, unit: 'l' }] },
    });
    const HOUR = 3_600_000;
    const hourly = seededNormal(9);
    // Weekdays busy with a day shift peak, weekends quiet: three weeks of hours.
    const quantity = (t: number) => {
      const day = Math.floor(t / 24) % 7;
      const hour = t % 24;
      return Math.max(0, Math.round((day < 5 ? 40 : 8) + (hour >= 6 && hour < 14 ? 25 : 0) + 2 * hourly()));
    };
    const points = Array.from({ length: 24 * 21 }, (_, t) => ({
      item: 'coolant-l',
      ts: START + t * HOUR,
      quantity: quantity(t),
    }));
    await p.api('/demand', { body: { points } });
    const run = await p.api('/forecasts', { body: { item: 'coolant-l', horizon: 48 } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const methods = run.body.forecast.scores.map((x: { method: string }) => x.method);
    expect(methods).toEqual(expect.arrayContaining(['SNaive', 'MSTL-ETS', 'MSTL-ETS(log)']));
    // The next 48 hours are a Monday and a Tuesday (START is a Monday): 8–14 h at about 65, the rest about 40.
    run.body.forecast.mean.forEach((m: number, h: number) =>
      expect(Math.abs(m - (h % 24 >= 6 && h % 24 < 14 ? 65 : 40))).toBeLessThan(8),
    );
  }, 120_000);

  it('refuses what it cannot do, and a viewer may not change records', async () => {
    await p.api('/items', { body: { items: [{ id: 'new-part', period: 'week' }] } });
    await p.api('/demand', { body: { points: [{ item: 'new-part', ts: START, quantity: 3 }] } });
    const short = await p.api('/forecasts', { body: { item: 'new-part', horizon: 4 } });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(
      /new-part has 1 periods of demand; a 4-period forecast needs at least 10/,
    );
    const unknown = await p.api('/demand', { body: { points: [{ item: 'nope', ts: START, quantity: 1 }] } });
    expect(unknown.status).toBe(404);
    const viewer = (await p.api('/tokens', { body: { name: 'screen', role: 'viewer' } })).body.token;
    const refused = await p.api('/items', { body: { items: [{ id: 'x' }] }, token: viewer });
    expect(refused.status).toBe(403);
  });
});
