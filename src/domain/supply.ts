/**
 * Supply: the items a plant makes or stocks (finished goods, spare parts), their demand history per period, their
 * stock, and the forecasts and stocking policies computed for them. Periods are counted in a fixed unit per item
 * (day, week, month); a forecast keeps the model that made it, its intervals and how the candidates scored.
 */
import { z } from 'zod';
import { EpochMs } from './sample.js';

export const PERIOD_UNITS = ['hour', 'day', 'week', 'month'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

export const ItemId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-" and ".", at most 64')
  .meta({ example: 'bracket-A1' });

export const ItemInput = z.object({
  id: ItemId,
  name: z.string().max(200).optional(),
  kind: z.enum(['finished_good', 'spare_part', 'raw_material']).default('finished_good'),
  unit: z.string().max(20).default('pcs'),
  period: z.enum(PERIOD_UNITS).default('week'),
  /** Seasonal period in periods (52 for weekly data with a yearly cycle, 1 for none). */
  seasonalPeriod: z.number().int().min(1).max(10_000).default(1),
  /** Replenishment lead time in periods, its standard deviation, and the costs for the EOQ. */
  leadTime: z.number().nonnegative().optional(),
  leadTimeSd: z.number().nonnegative().optional(),
  orderCost: z.number().positive().optional(),
  holdingCostPerPeriod: z.number().positive().optional(),
});
export type ItemInput = z.input<typeof ItemInput>;
export const Item = ItemInput.extend({ createdAt: EpochMs, updatedAt: EpochMs });
export type Item = z.infer<typeof Item>;

export const DemandPoint = z.object({
  item: ItemId,
  /** Start of the period. */
  ts: EpochMs,
  quantity: z.number().nonnegative(),
});
export type DemandPoint = z.infer<typeof DemandPoint>;

export const StockLevel = z.object({
  item: ItemId,
  ts: EpochMs,
  onHand: z.number(),
  onOrder: z.number().default(0),
});
export type StockLevel = z.infer<typeof StockLevel>;

export const ForecastScore = z.object({
  method: z.string(),
  smape: z.number(),
  mase: z.number(),
  rmsse: z.number(),
  coverage: z.record(z.string(), z.number()),
  origins: z.number().int(),
});

export const ForecastRecord = z.object({
  id: z.string(),
  item: ItemId,
  createdAt: EpochMs,
  createdBy: z.string(),
  /** The model that forecasts (e.g. "ETS(A,Ad,N)", "Combination of …"). */
  model: z.string(),
  /** The candidate that won the rolling-origin test (e.g. "ETS", "Combination"), when one was run. */
  method: z.string().optional(),
  /** Start of the first forecast period, and the period unit. */
  firstTs: EpochMs,
  period: z.enum(PERIOD_UNITS),
  /** The history it was fitted on: periods, first and last period start. */
  history: z.object({ periods: z.number().int(), from: EpochMs, to: EpochMs }),
  mean: z.array(z.number()),
  lower: z.record(z.string(), z.array(z.number())),
  upper: z.record(z.string(), z.array(z.number())),
  /** The rolling-origin scores of the candidates, when the model was chosen by them. */
  scores: z.array(ForecastScore).default([]),
});
export type ForecastRecord = z.infer<typeof ForecastRecord>;
