/**
 * The Supply page's pure parts (web/src/supply-model.ts): wire shapes, service targets, forecasts, scores, how the
 * forecasts are doing, policy.
 */
import { describe, expect, it } from 'vitest';
import {
  AccuracyResponse,
  DEFAULT_TARGET,
  ForecastsResponse,
  InventoryPolicy,
  ItemsResponse,
  SERVICE_TARGETS,
  accuracyRow,
  amount,
  biasText,
  chosenMethod,
  forecastText,
  intervalLevels,
  kindLabel,
  maseText,
  nextPeriod,
  percentText,
  periodsInText,
  periodsLabel,
  policyQuery,
  reviewPeriod,
  scoreRows,
  serviceTarget,
  smapeText,
  targetLabel,
  trackingSignalText,
  units,
  urgency,
  type ForecastRecord,
} from '../../web/src/supply-model.js';

const WEEK = 7 * 86_400_000;
const FIRST = Date.parse('2026-11-23T00:00:00Z');

/** A stored forecast as the server sends it (src/app/operations/supply.ts forecasts.run). */
function forecast(fields: Partial<ForecastRecord> = {}): ForecastRecord {
  return {
    id: 'f-1',
    item: 'bracket-A',
    createdAt: FIRST - 3_600_000,
    createdBy: 'admin',
    model: 'ETS(A,A,N)',
    firstTs: FIRST,
    period: 'week',
    history: { periods: 104, from: FIRST - 104 * WEEK, to: FIRST - WEEK },
    mean: [680.4, 682.1, 683.9],
    lower: { '95': [600.2, 590, 580], '80': [630.5, 625, 620] },
    upper: { '95': [760.6, 774, 788], '80': [730.3, 739, 748] },
    scores: [
      {
        method: 'ETS',
        smape: 5.123,
        mase: 0.8123,
        rmsse: 0.7791,
        coverage: { '80': 0.83, '95': 0.97 },
        origins: 3,
      },
      {
        method: 'Theta',
        smape: 4.987,
        mase: 0.8444,
        rmsse: 0.8012,
        coverage: { '80': 0.5, '95': 0.9 },
        origins: 3,
      },
      {
        method: 'Naive2',
        smape: 7.5,
        mase: 1.2,
        rmsse: 1.1,
        coverage: { '80': 0.78, '95': 0.94 },
        origins: 3,
      },
      {
        method: 'Combination',
        smape: 5.3,
        mase: 0.83,
        rmsse: 0.7,
        coverage: { '80': 0.8, '95': null },
        origins: 3,
      },
    ],
    ...fields,
  };
}

describe('wire shapes', () => {
  it('reads the items, forecasts and policy the server sends, with the defaults it applies', () => {
    const items = ItemsResponse.parse({
      items: [
        {
          id: 'bearing-6312',
          name: 'Press main bearing 6312',
          kind: 'spare_part',
          unit: 'pcs',
          period: 'week',
          seasonalPeriod: 1,
          leadTime: 4,
          leadTimeSd: 1,
          orderCost: 80,
          holdingCostPerPeriod: 0.9,
          createdAt: 1,
          updatedAt: 1,
        },
      ],
    }).items;
    expect(items[0]?.kind).toBe('spare_part');
    // A forecast stored before scores were kept has none; an infinite MASE arrives as null.
    const { scores, ...old } = forecast();
    expect(scores).toHaveLength(4);
    expect(ForecastsResponse.parse({ forecasts: [old] }).forecasts[0]?.scores).toEqual([]);
    const withNull = forecast({
      scores: [{ method: 'Croston', smape: 150, mase: null, rmsse: 0.9, coverage: { '80': 1 }, origins: 3 }],
    });
    expect(ForecastsResponse.safeParse({ forecasts: [withNull] }).success).toBe(true);
    expect(
      InventoryPolicy.safeParse({
        item: 'bracket-A',
        forecast: 'f-1',
        kind: 'sS',
        s: 1500.2,
        S: 3475.9,
        safetyStock: 120.4,
        leadTimeDemand: 1379.8,
        sigma: 73.2,
        eoq: 1975.6,
        demandPerPeriod: { mean: 689.9, sd: 51.8 },
        stock: { item: 'bracket-A', ts: 5, onHand: 900, onOrder: 0 },
        recommendation: 'Order 2576 pcs now: …',
      }).success,
    ).toBe(true);
    expect(InventoryPolicy.safeParse({ item: 'x', kind: 'sS' }).success).toBe(false);
  });
});

describe('service targets and the policy query', () => {
  it('offers cycle service levels of 90–99 % and fill rates, 95 % cycle service level by default', () => {
    expect(SERVICE_TARGETS.map(targetLabel)).toEqual([
      'Cycle service level 90 %',
      'Cycle service level 95 %',
      'Cycle service level 98 %',
      'Cycle service level 99 %',
      'Fill rate 95 %',
      'Fill rate 98 %',
      'Fill rate 99 %',
    ]);
    expect(new Set(SERVICE_TARGETS.map((t) => t.id)).size).toBe(SERVICE_TARGETS.length);
    expect(serviceTarget('no-such')).toBe(DEFAULT_TARGET);
    expect(DEFAULT_TARGET).toEqual({ id: 'csl-95', kind: 'cycleServiceLevel', value: 0.95 });
  });

  it('asks for exactly one service target, and a review period only for periodic review', () => {
    expect(policyQuery('bracket-A', 'csl-99', { kind: 'continuous' })).toEqual({
      item: 'bracket-A',
      cycleServiceLevel: 0.99,
    });
    expect(policyQuery('bracket-A', 'fill-98', { kind: 'periodic', every: 2 })).toEqual({
      item: 'bracket-A',
      fillRate: 0.98,
      review: 2,
    });
    expect(policyQuery('bracket-A', 'bogus', { kind: 'continuous' })).toEqual({
      item: 'bracket-A',
      cycleServiceLevel: 0.95,
    });
  });

  it('takes a review period of whole periods within the server’s bounds only', () => {
    expect(reviewPeriod(' 4 ')).toBe(4);
    expect(reviewPeriod('1000')).toBe(1000);
    for (const bad of ['0', '-1', '1.5', '1001', '', 'two']) expect(reviewPeriod(bad), bad).toBeUndefined();
  });
});

describe('forecasts', () => {
  it('reads the next period with its 80 % interval', () => {
    const next = nextPeriod(forecast());
    expect(next).toEqual({ ts: FIRST, mean: 680.4, interval: { level: '80', lower: 630.5, upper: 730.3 } });
    expect(next && forecastText(next)).toBe('680 (631–730)');
    expect(nextPeriod(forecast({ lower: {}, upper: {} }))?.interval).toBeUndefined();
    expect(nextPeriod(forecast({ mean: [] }))).toBeUndefined();
    expect(forecastText({ ts: 0, mean: 0.1832, interval: { level: '80', lower: 0, upper: 0.8514 } })).toBe(
      '0.18 (0–0.85)',
    );
    expect(forecastText({ ts: 0, mean: 9.996, interval: undefined })).toBe('10');
  });

  it('lists the interval levels narrowest first', () => {
    expect(intervalLevels(forecast())).toEqual(['80', '95']);
  });

  it('finds the candidate that made the model from the fitted model’s name', () => {
    const scores = forecast().scores;
    expect(chosenMethod('ETS(A,Ad,N)', scores)).toBe('ETS');
    expect(chosenMethod('Theta', scores)).toBe('Theta');
    expect(chosenMethod('Combination of ETS(A,N,A), Theta, Naive2, Drift', scores)).toBe('Combination');
    expect(chosenMethod('TSB', scores)).toBeUndefined();
    // "Naive" is not "Naive2".
    expect(chosenMethod('Naive', [{ method: 'Naive2' }])).toBeUndefined();
  });
});

describe('the candidates’ table', () => {
  it('marks the chosen candidate, the lowest error of each column and an interval that covers too little', () => {
    const rows = scoreRows(forecast());
    expect(rows.map((r) => r.method)).toEqual(['ETS', 'Theta', 'Naive2', 'Combination']);
    expect(rows.filter((r) => r.chosen).map((r) => r.method)).toEqual(['ETS']);
    const [ets, theta, naive2, combination] = rows;
    expect(ets).toMatchObject({ smape: '5.12 %', mase: '0.812', rmsse: '0.779', origins: 3 });
    expect([...(ets?.best ?? [])]).toEqual(['mase']);
    expect([...(theta?.best ?? [])]).toEqual(['smape']);
    expect([...(combination?.best ?? [])]).toEqual(['rmsse']);
    expect(naive2?.best.size).toBe(0);
    // 50 % of actuals inside the 80 % interval is flagged; 78 % is not (three origins are few).
    expect(theta?.coverage).toEqual([
      { level: '80', text: '50 %', off: true },
      { level: '95', text: '90 %', off: false },
    ]);
    expect(naive2?.coverage[0]).toEqual({ level: '80', text: '78 %', off: false });
    expect(combination?.coverage[1]).toEqual({ level: '95', text: '—', off: false });
  });

  it('shows a missing score as a dash and never marks it best', () => {
    const [row] = scoreRows(
      forecast({
        model: 'Croston',
        scores: [{ method: 'Croston', smape: 150, mase: null, rmsse: 0.9, coverage: {}, origins: 3 }],
      }),
    );
    expect(row).toMatchObject({ method: 'Croston', chosen: true, mase: '—', smape: '150 %' });
    expect([...(row?.best ?? [])].sort()).toEqual(['rmsse', 'smape']);
  });
});

describe('the policy', () => {
  const stock = (onHand: number, onOrder = 0) => ({ onHand, onOrder });

  it('says to order when the stock position is at or below the reorder point, from the figures', () => {
    expect(urgency({ kind: 'sS', s: 1200, stock: stock(900) })).toBe('order');
    expect(urgency({ kind: 'sS', s: 1200, stock: stock(900, 300) })).toBe('order');
    expect(urgency({ kind: 'sS', s: 1200, stock: stock(900, 301) })).toBe('wait');
    expect(urgency({ kind: 'RS', s: null, stock: stock(900) })).toBe('review');
    expect(urgency({ kind: 'sS', s: 1200, stock: undefined })).toBe('unknown');
  });

  it('reads quantities as a planner orders them', () => {
    expect(units(1234.2)).toBe('1,235');
    expect(units(1.01)).toBe('2');
    expect([1040.3, 51.23, 9.876, 0.1712, 0].map(amount)).toEqual(['1,040', '51', '9.88', '0.17', '0']);
    expect(kindLabel('finished_good')).toBe('finished good');
    expect(periodsLabel('week', 1)).toBe('week');
    expect(periodsLabel('week', 2)).toBe('weeks');
  });
});

describe('how the forecasts are doing', () => {
  /**
   * GET /forecasts/accuracy for an item forecast 8 weeks ahead at 100 pcs whose first 6 weeks came in at 180: every
   * error +80, so MAE 80, bias (forecast − actual) −80, tracking signal 6 × 80 / 80 = 6 (biased beyond ±4), sMAPE
   * 200 × 80 / 280 = 57.14 %; and an older forecast nothing has matched yet, whose measures JSON carries as null.
   */
  const body = {
    item: 'bracket-A',
    forecasts: [
      {
        forecast: 'f-2',
        createdAt: FIRST - 3_600_000,
        model: 'ETS(A,N,N)',
        firstTs: FIRST,
        horizon: 8,
        matched: 6,
        smape: 57.142857,
        mase: 1.41592,
        mae: 80,
        bias: -80,
        coverage: { '80': 0.33333, '95': 0.83333 },
        trackingSignal: 6,
        biased: true,
        points: [{ ts: FIRST, forecast: 100, actual: 180, lower: { '80': 90 }, upper: { '80': 110 } }],
      },
      {
        forecast: 'f-1',
        createdAt: FIRST - 2 * WEEK,
        model: 'Theta',
        firstTs: FIRST + 10 * WEEK,
        horizon: 12,
        matched: 0,
        smape: null,
        mase: null,
        mae: null,
        bias: null,
        coverage: {},
        trackingSignal: null,
        biased: false,
      },
    ],
    summary:
      'latest forecast of bracket-A: 6 of 8 periods in, sMAPE 57.1 %, bias -80.0 pcs/week, tracking signal 6.0 — ' +
      'beyond ±4: demand is running above the forecast; re-forecast',
  };
  const item = { unit: 'pcs', period: 'week' };

  it('reads the server’s answer, nulls for what nothing matched and no points where an older server sends none', () => {
    const parsed = AccuracyResponse.parse(body);
    expect(parsed.forecasts.map((f) => f.forecast)).toEqual(['f-2', 'f-1']);
    expect(parsed.forecasts[1]?.smape).toBeNull();
    expect(parsed.forecasts[1]?.points).toEqual([]);
    expect(parsed.summary).toBe(body.summary);
    expect(AccuracyResponse.safeParse({ ...body, forecasts: [{ forecast: 'f-3' }] }).success).toBe(false);
  });

  it('writes the latest forecast’s row as the table shows it, the tracking signal beyond ±4 flagged', () => {
    const [latest, older] = AccuracyResponse.parse(body).forecasts;
    expect(accuracyRow(latest ?? fail(), item)).toEqual({
      forecast: 'f-2',
      createdAt: FIRST - 3_600_000,
      model: 'ETS(A,N,N)',
      periods: '6 / 8',
      smape: '57.1 %',
      mase: '1.42',
      bias: '-80 pcs/week',
      coverage: [
        { level: '80', text: '33 %' },
        { level: '95', text: '83 %' },
      ],
      trackingSignal: '+6.0',
      biased: true,
    });
    expect(accuracyRow(older ?? fail(), item)).toMatchObject({
      periods: '0 / 12',
      smape: '—',
      mase: '—',
      bias: '—',
      coverage: [
        { level: '80', text: '—' },
        { level: '95', text: '—' },
      ],
      trackingSignal: '—',
      biased: false,
    });
  });

  it('formats each measure, a dash for none', () => {
    expect([0.8333, 0.996, 1, 0, null, undefined].map(percentText)).toEqual([
      '83 %',
      '100 %',
      '100 %',
      '0 %',
      '—',
      '—',
    ]);
    expect(periodsInText(6, 8)).toBe('6 / 8');
    expect([21.346, 0, 199.99, null].map(smapeText)).toEqual(['21.3 %', '0.0 %', '200.0 %', '—']);
    expect([0.8149, 12.3456, null].map(maseText)).toEqual(['0.81', '12.35', '—']);
    // Signed: + the forecast runs high (stock builds up), − it runs low; a spare part's fraction is kept.
    expect(biasText(-80, 'pcs', 'week')).toBe('-80 pcs/week');
    expect(biasText(12.6, 'kg', 'day')).toBe('+13 kg/day');
    expect(biasText(0.054, 'pcs', 'week')).toBe('+0.05 pcs/week');
    expect(biasText(0, 'pcs', 'week')).toBe('0 pcs/week');
    expect(biasText(null, 'pcs', 'week')).toBe('—');
    expect([6, -4.25, 0, null].map(trackingSignalText)).toEqual(['+6.0', '-4.3', '0.0', '—']);
  });
});

function fail(): never {
  throw new Error('missing row');
}
