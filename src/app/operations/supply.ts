/**
 * Supply: items, their demand history and stock, forecasts (the method chosen per item on a rolling origin, kept
 * with its intervals and scores) and the stocking policy that follows from the latest forecast and the item's lead
 * time. Changing records needs the planner role.
 */
import { z } from 'zod';
import { renderFanChartSvg } from '../../analytics/supply/fan-plot.js';
import {
  type ServiceTarget,
  continuousReviewPolicy,
  economicOrderQuantity,
  periodicReviewPolicy,
} from '../../analytics/supply/inventory.js';
import { TRACKING_SIGNAL_LIMIT, forecastAccuracy } from '../../analytics/supply/accuracy.js';
import { autoForecast } from '../../analytics/supply/select.js';
import { makeSeries } from '../../analytics/supply/series.js';
import {
  DemandPoint,
  EpochMs,
  ForecastRecord,
  Item,
  ItemId,
  ItemInput,
  type PeriodUnit,
  StockLevel,
  UserError,
} from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import type { AppServices } from '../services.js';
import { PositiveInt, TimeArg, resolveTime } from './common.js';

const HOUR = 3_600_000;
const FIXED_MS: Record<Exclude<PeriodUnit, 'month'>, number> = {
  hour: HOUR,
  day: 24 * HOUR,
  week: 168 * HOUR,
};

/** The start of the period k periods after `ts` (calendar months in UTC). */
export function addPeriods(ts: number, unit: PeriodUnit, k: number): number {
  if (unit !== 'month') return ts + k * FIXED_MS[unit];
  const d = new Date(ts);
  return Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth() + k,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
  );
}

async function requireItem(services: AppServices, id: string): Promise<Item> {
  const item = await services.store.getItem(id);
  if (!item) throw new UserError('not_found', `no item ${id}`);
  return item;
}

export const putItems = defineOperation({
  name: 'items.put',
  description:
    'Create or update items (finished goods, spare parts): the period their demand is counted in, its seasonal ' +
    'period, and for stocking: lead time (periods) and its spread, order cost and holding cost per period.',
  input: z.object({ items: z.array(ItemInput).min(1).max(10_000) }),
  output: z.object({ items: z.array(Item) }),
  permission: 'planner',
  http: { method: 'POST', path: '/items' },
  audit: true,
  handler: async (input, { services }) => {
    const now = services.clock.now();
    const items: Item[] = [];
    for (const given of input.items) {
      const existing = await services.store.getItem(given.id);
      const item = { ...given, createdAt: existing?.createdAt ?? now, updatedAt: now };
      await services.store.putItem(item);
      items.push(item);
    }
    return { items };
  },
});

export const listItems = defineOperation({
  name: 'items.list',
  description: 'Every item, with its period, seasonal period, lead time and costs.',
  input: z.object({}),
  output: z.object({ items: z.array(Item) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/items' },
  audit: false,
  handler: async (_input, { services }) => ({ items: await services.store.listItems() }),
});

export const putDemand = defineOperation({
  name: 'demand.put',
  description:
    'Store demand per period (item, period start, quantity); a period already stored is replaced. Items must exist.',
  input: z.object({
    points: z
      .array(DemandPoint.extend({ ts: TimeArg }))
      .min(1)
      .max(1_000_000),
  }),
  output: z.object({ stored: z.number().int() }),
  permission: 'planner',
  http: { method: 'POST', path: '/demand' },
  audit: true,
  handler: async (input, { services }) => {
    const now = services.clock.now();
    const known = new Set<string>();
    for (const p of input.points) {
      if (known.has(p.item)) continue;
      await requireItem(services, p.item);
      known.add(p.item);
    }
    await services.store.putDemand(input.points.map((p) => ({ ...p, ts: resolveTime(p.ts, now) })));
    return { stored: input.points.length };
  },
});

export const getDemand = defineOperation({
  name: 'demand.get',
  description: 'An item’s demand history, oldest first.',
  input: z.object({ item: ItemId }),
  output: z.object({ points: z.array(DemandPoint) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/demand' },
  audit: false,
  handler: async (input, { services }) => ({ points: await services.store.readDemand(input.item) }),
});

export const putStock = defineOperation({
  name: 'stock.put',
  description: 'Record an item’s stock on hand (and on order) at a time (default now).',
  input: z.object({
    item: ItemId,
    onHand: z.number(),
    onOrder: z.number().default(0),
    ts: TimeArg.default('now'),
  }),
  output: z.object({ stock: StockLevel }),
  permission: 'operator',
  http: { method: 'POST', path: '/stock' },
  audit: true,
  handler: async (input, { services }) => {
    await requireItem(services, input.item);
    const stock = { ...input, ts: resolveTime(input.ts, services.clock.now()) };
    await services.store.putStock(stock);
    return { stock };
  },
});

/** Demand periods must follow one another: a gap is a period with no record, which is zero demand. */
function demandSeries(
  points: readonly DemandPoint[],
  unit: PeriodUnit,
): { values: number[]; from: number; to: number } {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return { values: [], from: 0, to: 0 };
  const byTs = new Map(points.map((p) => [p.ts, p.quantity]));
  const values: number[] = [];
  for (let ts = first.ts, k = 0; ts <= last.ts; k++, ts = addPeriods(first.ts, unit, k)) {
    values.push(byTs.get(ts) ?? 0);
    if (values.length > 1_000_000)
      throw new UserError('invalid_input', 'demand history longer than a million periods');
  }
  return { values, from: first.ts, to: last.ts };
}

export const runForecast = defineOperation({
  name: 'forecasts.run',
  description:
    'Forecast an item’s demand `horizon` periods ahead. Automatic: ETS and ARIMA (by AICc), Theta, Naive2 and drift, ' +
    'and for seasonal items the seasonal naive method and STL/MSTL decompositions (hourly items: a day and a week) — ' +
    'Croston, SBA and TSB for intermittent demand — and the equal-weight combination of the three best are tested on ' +
    'a rolling origin; the lowest MASE (RMSSE for intermittent demand) forecasts. Stored with its intervals and every ' +
    'candidate’s scores.',
  input: z.object({
    item: ItemId,
    horizon: PositiveInt(1000),
    levels: z.array(z.number().gt(0).lt(100)).default([80, 95]),
    origins: PositiveInt(20).default(3),
  }),
  output: z.object({ forecast: ForecastRecord }),
  permission: 'planner',
  http: { method: 'POST', path: '/forecasts' },
  audit: true,
  handler: async (input, { services, principal }) => {
    const item = await requireItem(services, input.item);
    const history = demandSeries(await services.store.readDemand(item.id), item.period);
    if (history.values.length < 2 * input.horizon + 2) {
      throw new UserError(
        'invalid_input',
        `${item.id} has ${history.values.length} periods of demand; a ${input.horizon}-period forecast needs at least ${2 * input.horizon + 2} to be tested`,
      );
    }
    const series = makeSeries(history.values, item.seasonalPeriod);
    const selection = autoForecast(series, {
      horizon: input.horizon,
      levels: input.levels,
      origins: input.origins,
    });
    const arrays = (r: Record<number, Float64Array>) =>
      Object.fromEntries(Object.entries(r).map(([level, v]) => [level, [...v]]));
    const now = services.clock.now();
    const forecast: ForecastRecord = {
      id: crypto.randomUUID(),
      item: item.id,
      createdAt: now,
      createdBy: principal.name,
      model:
        selection.models.length === 1
          ? (selection.models[0]?.name ?? selection.best)
          : `${selection.best} of ${selection.models.map((m) => m.name).join(', ')}`,
      method: selection.best,
      firstTs: addPeriods(history.to, item.period, 1),
      period: item.period,
      history: { periods: history.values.length, from: history.from, to: history.to },
      mean: [...selection.forecast.mean],
      lower: arrays(selection.forecast.lower),
      upper: arrays(selection.forecast.upper),
      scores: selection.scores.map((s) => ({
        ...s,
        coverage: Object.fromEntries(Object.entries(s.coverage).map(([k, v]) => [String(k), v])),
      })),
    };
    await services.store.createForecast(forecast);
    return { forecast };
  },
});

export const listForecasts = defineOperation({
  name: 'forecasts.list',
  description: 'An item’s forecasts, newest first.',
  input: z.object({ item: ItemId, limit: PositiveInt(1000).default(10) }),
  output: z.object({ forecasts: z.array(ForecastRecord) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/forecasts' },
  audit: false,
  handler: async (input, { services }) => ({
    forecasts: await services.store.listForecasts(input.item, input.limit),
  }),
});

async function latestForecast(services: AppServices, item: string): Promise<ForecastRecord> {
  const forecast = (await services.store.listForecasts(item, 1))[0];
  if (!forecast) throw new UserError('not_found', `no forecast for ${item}; run forecasts.run first`);
  return forecast;
}

export const forecastChart = defineOperation({
  name: 'forecasts.chart',
  description: 'The fan chart (SVG) of an item’s latest forecast after its demand history.',
  input: z.object({ item: ItemId, width: z.coerce.number().int().min(400).max(4000).default(1000) }),
  output: z.object({ svg: z.string() }),
  permission: 'viewer',
  http: { method: 'GET', path: '/forecasts/chart' },
  audit: false,
  handler: async (input, { services }) => {
    const item = await requireItem(services, input.item);
    const forecast = await latestForecast(services, item.id);
    const demand = await services.store.readDemand(item.id);
    // The history the forecast was made from; demand recorded since shows as points against the fan.
    const history = demandSeries(
      demand.filter((p) => p.ts <= forecast.history.to),
      item.period,
    );
    const since = actualsSince(forecast, demand);
    const known = since.findIndex((v) => !Number.isFinite(v));
    const actual = known < 0 ? since : since.slice(0, known);
    const svg = renderFanChartSvg({
      title: `${item.name ?? item.id}: ${forecast.model}, ${forecast.mean.length} ${item.period}s ahead`,
      history: history.values,
      mean: forecast.mean,
      lower: forecast.lower,
      upper: forecast.upper,
      ...(actual.length > 0 ? { actual } : {}),
      valueLabel: `demand (${item.unit} per ${item.period})`,
      periodLabel: `${item.period}s since ${new Date(history.from).toISOString().slice(0, 10)}`,
      width: input.width,
    });
    return { svg };
  },
});

/**
 * The demand recorded for each of a forecast's periods, NaN where not yet known. A period with no record but before
 * the latest recorded one had no demand (as the history counts it).
 */
function actualsSince(forecast: ForecastRecord, demand: readonly DemandPoint[]): number[] {
  const byTs = new Map(demand.map((p) => [p.ts, p.quantity]));
  const lastTs = demand.at(-1)?.ts ?? Number.NEGATIVE_INFINITY;
  return forecast.mean.map((_, k) => {
    const t = addPeriods(forecast.firstTs, forecast.period, k);
    return byTs.get(t) ?? (t <= lastTs ? 0 : Number.NaN);
  });
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const NullableNumber = z.number().nullable();

const AccuracyOutput = z.object({
  forecast: z.string(),
  createdAt: EpochMs,
  model: z.string(),
  firstTs: EpochMs,
  horizon: z.number().int(),
  /** Forecast periods whose demand has been recorded since. */
  matched: z.number().int(),
  smape: NullableNumber,
  mase: NullableNumber,
  mae: NullableNumber,
  /** Mean of forecast − actual: > 0 forecast too high, < 0 too low. */
  bias: NullableNumber,
  coverage: z.record(z.string(), z.number()),
  trackingSignal: NullableNumber,
  biased: z.boolean(),
  points: z.array(
    z.object({
      ts: EpochMs,
      forecast: z.number(),
      actual: NullableNumber,
      lower: z.record(z.string(), z.number()),
      upper: z.record(z.string(), z.number()),
    }),
  ),
});

export const forecastAccuracyOperation = defineOperation({
  name: 'forecasts.accuracy',
  description:
    'How an item’s stored forecasts are doing as its demand comes in: sMAPE, MASE, MAE and bias on the periods ' +
    'recorded since each was made, the share inside each interval, and the tracking signal (running error sum over ' +
    `the MAE; beyond ±${TRACKING_SIGNAL_LIMIT} the forecast leans one way and should be redone). Newest forecast first.`,
  input: z.object({ item: ItemId, limit: PositiveInt(100).default(5) }),
  output: z.object({ item: ItemId, forecasts: z.array(AccuracyOutput), summary: z.string() }),
  permission: 'viewer',
  http: { method: 'GET', path: '/forecasts/accuracy' },
  audit: false,
  handler: async (input, { services }) => {
    const item = await requireItem(services, input.item);
    const demand = await services.store.readDemand(item.id);
    const forecasts = await services.store.listForecasts(item.id, input.limit);
    const rows = forecasts.map((f) => {
      const ts = f.mean.map((_, k) => addPeriods(f.firstTs, f.period, k));
      const actual = actualsSince(f, demand);
      const history = demandSeries(
        demand.filter((p) => p.ts >= f.history.from && p.ts <= f.history.to),
        f.period,
      ).values;
      const a = forecastAccuracy({
        mean: f.mean,
        lower: f.lower,
        upper: f.upper,
        actual,
        history,
        period: item.seasonalPeriod,
      });
      return {
        forecast: f.id,
        createdAt: f.createdAt,
        model: f.model,
        firstTs: f.firstTs,
        horizon: a.horizon,
        matched: a.matched,
        smape: finiteOrNull(a.smape),
        mase: finiteOrNull(a.mase),
        mae: finiteOrNull(a.mae),
        bias: finiteOrNull(a.bias),
        coverage: a.coverage,
        trackingSignal: finiteOrNull(a.trackingSignal),
        biased: a.biased,
        points: ts.map((t, k) => ({
          ts: t,
          forecast: f.mean[k] ?? 0,
          actual: finiteOrNull(actual[k] ?? Number.NaN),
          lower: Object.fromEntries(Object.entries(f.lower).map(([l, v]) => [l, v[k] ?? 0])),
          upper: Object.fromEntries(Object.entries(f.upper).map(([l, v]) => [l, v[k] ?? 0])),
        })),
      };
    });
    const latest = rows[0];
    const summary =
      latest === undefined
        ? `no forecast for ${item.id} yet`
        : latest.matched === 0
          ? `the latest forecast of ${item.id} starts ${new Date(latest.firstTs).toISOString().slice(0, 10)}; no demand recorded for its periods yet`
          : `latest forecast of ${item.id}: ${latest.matched} of ${latest.horizon} periods in, sMAPE ${latest.smape?.toFixed(1) ?? '—'} %, ` +
            `bias ${latest.bias === null ? '—' : `${latest.bias > 0 ? '+' : ''}${latest.bias.toFixed(1)}`} ${item.unit}/${item.period}, ` +
            `tracking signal ${latest.trackingSignal?.toFixed(1) ?? '—'}` +
            (latest.biased
              ? ` — beyond ±${TRACKING_SIGNAL_LIMIT}: demand is running ${(latest.bias ?? 0) < 0 ? 'above' : 'below'} the forecast; re-forecast`
              : '');
    return { item: item.id, forecasts: rows, summary };
  },
});

const PolicyOutput = z.object({
  item: ItemId,
  forecast: z.string(),
  kind: z.enum(['sS', 'RS']),
  s: z.number().optional(),
  S: z.number(),
  R: z.number().optional(),
  safetyStock: z.number(),
  leadTimeDemand: z.number(),
  sigma: z.number(),
  eoq: z.number().optional(),
  demandPerPeriod: z.object({ mean: z.number(), sd: z.number() }),
  stock: StockLevel.optional(),
  recommendation: z.string(),
});

export const inventoryPolicy = defineOperation({
  name: 'inventory.policy',
  description:
    'The stocking policy of an item from its latest forecast and its lead time: continuous review (s, S) with the ' +
    'EOQ (or a given order quantity), or periodic review (R, S) with `review` periods, for a cycle service level or ' +
    'a fill rate; compared with the latest stock, what to do now. Demand per period over the lead time is taken as ' +
    'the forecast mean and the spread implied by its 80 % interval, periods independent.',
  input: z.object({
    item: ItemId,
    cycleServiceLevel: z.coerce.number().gt(0).lt(1).optional(),
    fillRate: z.coerce.number().gt(0).lt(1).optional(),
    review: PositiveInt(1000).optional(),
    orderQuantity: z.coerce.number().positive().optional(),
  }),
  output: PolicyOutput,
  permission: 'viewer',
  http: { method: 'GET', path: '/inventory/policy' },
  audit: false,
  handler: async (input, { services }) => {
    const item = await requireItem(services, input.item);
    if ((input.cycleServiceLevel === undefined) === (input.fillRate === undefined)) {
      throw new UserError('invalid_input', 'give one service target: cycleServiceLevel or fillRate');
    }
    if (item.leadTime === undefined)
      throw new UserError('invalid_input', `${item.id} has no lead time; set it with items.put`);
    const target: ServiceTarget =
      input.cycleServiceLevel !== undefined
        ? { cycleServiceLevel: input.cycleServiceLevel }
        : { fillRate: input.fillRate ?? 0 };
    const forecast = await latestForecast(services, item.id);
    const periods = Math.max(
      1,
      Math.min(forecast.mean.length, Math.ceil(item.leadTime + (input.review ?? 0))),
    );
    const lo = forecast.lower['80'];
    const hi = forecast.upper['80'];
    if (!lo || !hi)
      throw new UserError('invalid_input', 'the latest forecast has no 80 % interval; run it again');
    let mean = 0;
    let variance = 0;
    for (let i = 0; i < periods; i++) {
      mean += forecast.mean[i] ?? 0;
      variance += (((hi[i] ?? 0) - (lo[i] ?? 0)) / (2 * 1.2815515655446004)) ** 2;
    }
    const demand = { mean: mean / periods, sd: Math.sqrt(variance / periods) };
    const lead = { mean: item.leadTime, sd: item.leadTimeSd ?? 0 };
    const eoq =
      item.orderCost !== undefined && item.holdingCostPerPeriod !== undefined
        ? economicOrderQuantity(demand.mean, item.orderCost, item.holdingCostPerPeriod)
        : undefined;
    const policy =
      input.review !== undefined
        ? periodicReviewPolicy(demand, lead, input.review, target)
        : continuousReviewPolicy(
            demand,
            lead,
            target,
            input.orderQuantity ??
              eoq ??
              (() => {
                throw new UserError(
                  'invalid_input',
                  `${item.id} needs an orderQuantity, or order and holding costs for the EOQ (or use review)`,
                );
              })(),
          );
    const stock = await services.store.latestStock(item.id);
    const position = stock ? stock.onHand + stock.onOrder : undefined;
    // Whole units from 10 up; below, one decimal, so "position 2 is above the reorder point 1.6" reads right.
    const qty = (x: number) => (Math.abs(x) >= 10 ? String(Math.ceil(x)) : x.toFixed(1));
    const recommendation =
      position === undefined
        ? 'No stock recorded: record it with stock.put to see what to order.'
        : policy.kind === 'sS'
          ? position <= policy.s
            ? `Order ${Math.ceil(policy.S - position)} ${item.unit} now: the stock position ${position} is at or below the reorder point ${qty(policy.s)}.`
            : `No order yet: the stock position ${position} is above the reorder point ${qty(policy.s)}.`
          : `At the next review, order ${Math.max(0, Math.ceil(policy.S - position))} ${item.unit} (up to ${qty(policy.S)}).`;
    return {
      item: item.id,
      forecast: forecast.id,
      kind: policy.kind,
      ...(policy.kind === 'sS' ? { s: policy.s } : { R: policy.R }),
      S: policy.S,
      safetyStock: policy.safetyStock,
      leadTimeDemand: policy.leadTimeDemand,
      sigma: policy.sigma,
      ...(eoq !== undefined && { eoq }),
      demandPerPeriod: demand,
      ...(stock !== undefined && { stock }),
      recommendation,
    };
  },
});

export const SUPPLY_OPERATIONS = [
  putItems,
  listItems,
  putDemand,
  getDemand,
  putStock,
  runForecast,
  listForecasts,
  forecastChart,
  forecastAccuracyOperation,
  inventoryPolicy,
];
