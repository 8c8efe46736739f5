/**
 * The Supply page, the pure part: the wire shapes of /api/v1/items, /forecasts, /forecasts/chart,
 * /forecasts/accuracy and /inventory/policy (mirroring Item, ForecastRecord, the accuracy and the policy in
 * src/domain/supply.ts and src/app/operations/supply.ts), the service targets a planner picks from, and how a
 * forecast, its candidates' scores, its accuracy since and a policy read. No DOM here.
 */
import * as z from 'zod/mini';
import { formatCompact, formatFixed } from './format.js';
import { ganttWidth } from './planning-model.js';

// As in model.ts: optional fields accept null, and enumerations a newer server may extend (item kinds, period units,
// policy kinds) stay open strings, so a new value shows as itself instead of blanking the page.
const optionalNumber = z.nullish(z.number());

export const Item = z.object({
  id: z.string(),
  name: z.nullish(z.string()),
  /** 'finished_good' | 'spare_part' | 'raw_material' today. */
  kind: z.string(),
  unit: z.string(),
  /** 'hour' | 'day' | 'week' | 'month' today. */
  period: z.string(),
  seasonalPeriod: z.number(),
  leadTime: optionalNumber,
  leadTimeSd: optionalNumber,
  orderCost: optionalNumber,
  holdingCostPerPeriod: optionalNumber,
});
export type Item = z.infer<typeof Item>;
export const ItemsResponse = z.object({ items: z.array(Item) });

/** A candidate's rolling-origin scores; a score JSON could not carry (an infinite MASE) arrives as null. */
export const ForecastScore = z.object({
  method: z.string(),
  smape: optionalNumber,
  mase: optionalNumber,
  rmsse: optionalNumber,
  /** Share of actual values inside each interval, by level ("80", "95"). */
  coverage: z.record(z.string(), optionalNumber),
  origins: z.number(),
});
export type ForecastScore = z.infer<typeof ForecastScore>;

export const ForecastRecord = z.object({
  id: z.string(),
  item: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  model: z.string(),
  /** The candidate that won (servers since this field; older forecasts: matched from the model name). */
  method: z.nullish(z.string()),
  firstTs: z.number(),
  period: z.string(),
  history: z.object({ periods: z.number(), from: z.number(), to: z.number() }),
  mean: z.array(z.number()),
  lower: z.record(z.string(), z.array(z.number())),
  upper: z.record(z.string(), z.array(z.number())),
  scores: z._default(z.array(ForecastScore), []),
});
export type ForecastRecord = z.infer<typeof ForecastRecord>;
export const ForecastsResponse = z.object({ forecasts: z.array(ForecastRecord) });
export const ForecastResponse = z.object({ forecast: ForecastRecord });
export const FanChartResponse = z.object({ svg: z.string() });
export type FanChartResponse = z.infer<typeof FanChartResponse>;

export const StockLevel = z.object({
  item: z.string(),
  ts: z.number(),
  onHand: z.number(),
  onOrder: z.number(),
});
export type StockLevel = z.infer<typeof StockLevel>;

export const InventoryPolicy = z.object({
  item: z.string(),
  forecast: z.string(),
  /** 'sS' (continuous review) | 'RS' (periodic review) today. */
  kind: z.string(),
  s: optionalNumber,
  S: z.number(),
  R: optionalNumber,
  safetyStock: z.number(),
  leadTimeDemand: z.number(),
  sigma: z.number(),
  eoq: optionalNumber,
  demandPerPeriod: z.object({ mean: z.number(), sd: z.number() }),
  stock: z.nullish(StockLevel),
  recommendation: z.string(),
});
export type InventoryPolicy = z.infer<typeof InventoryPolicy>;

/** The horizon of a forecast the page asks for, periods: as the demo plant's. */
export const REFORECAST_HORIZON = 12;

/** A service target the policy is computed for: the chance of no stock-out in a cycle, or the share of demand met. */
export interface ServiceTarget {
  readonly id: string;
  readonly kind: 'cycleServiceLevel' | 'fillRate';
  readonly value: number;
}

export const DEFAULT_TARGET: ServiceTarget = { id: 'csl-95', kind: 'cycleServiceLevel', value: 0.95 };

/** Cycle service levels of 90 to 99 %, or fill rates of 95 to 99 %. */
export const SERVICE_TARGETS: readonly ServiceTarget[] = [
  { id: 'csl-90', kind: 'cycleServiceLevel', value: 0.9 },
  DEFAULT_TARGET,
  { id: 'csl-98', kind: 'cycleServiceLevel', value: 0.98 },
  { id: 'csl-99', kind: 'cycleServiceLevel', value: 0.99 },
  { id: 'fill-95', kind: 'fillRate', value: 0.95 },
  { id: 'fill-98', kind: 'fillRate', value: 0.98 },
  { id: 'fill-99', kind: 'fillRate', value: 0.99 },
];

/** A service target by its id; the default (95 % cycle service level) for one not known. */
export function serviceTarget(id: string | undefined): ServiceTarget {
  return SERVICE_TARGETS.find((t) => t.id === id) ?? DEFAULT_TARGET;
}

/** How stock is reviewed: continuously (order when the position falls to s) or every R periods. */
export type Review = { readonly kind: 'continuous' } | { readonly kind: 'periodic'; readonly every: number };

/** The bounds the server puts on a review period, periods. */
export const MAX_REVIEW = 1000;

/**
 * The review period typed in, or undefined when it is not a whole number of periods the server takes.
 * @example reviewPeriod('2') // 2
 */
export function reviewPeriod(text: string): number | undefined {
  const value = Number(text.trim());
  return Number.isInteger(value) && value >= 1 && value <= MAX_REVIEW ? value : undefined;
}

/**
 * The query of GET /inventory/policy for an item, a service target and a review mode.
 * @example policyQuery('bracket-A', 'fill-98', { kind: 'periodic', every: 2 }) // { item: 'bracket-A', fillRate: 0.98, review: 2 }
 */
export function policyQuery(item: string, targetId: string, review: Review): Record<string, string | number> {
  const target = serviceTarget(targetId);
  return {
    item,
    [target.kind]: target.value,
    ...(review.kind === 'periodic' ? { review: review.every } : {}),
  };
}

/**
 * A service target as its option reads.
 * @example targetLabel({ id: 'fill-98', kind: 'fillRate', value: 0.98 }) // 'Fill rate 98 %'
 */
export function targetLabel(target: ServiceTarget): string {
  const percent = `${formatCompact(target.value * 100)} %`;
  return target.kind === 'fillRate' ? `Fill rate ${percent}` : `Cycle service level ${percent}`;
}

/**
 * An enumeration value as words.
 * @example kindLabel('finished_good') // 'finished good'
 */
export function kindLabel(kind: string): string {
  return kind.replaceAll('_', ' ');
}

/** The period forecast next, with the bounds of an interval when the forecast has it. */
export interface PeriodForecast {
  readonly ts: number;
  readonly mean: number;
  readonly interval: { readonly level: string; readonly lower: number; readonly upper: number } | undefined;
}

/**
 * The first period of a forecast and its interval at `level` (the 80 % one by default).
 * @example nextPeriod(forecast) // { ts: …, mean: 523.1, interval: { level: '80', lower: 480.2, upper: 566 } }
 */
export function nextPeriod(
  forecast: Pick<ForecastRecord, 'firstTs' | 'mean' | 'lower' | 'upper'>,
  level = '80',
): PeriodForecast | undefined {
  const mean = forecast.mean[0];
  if (mean === undefined) return undefined;
  const lower = forecast.lower[level]?.[0];
  const upper = forecast.upper[level]?.[0];
  return {
    ts: forecast.firstTs,
    mean,
    interval: lower !== undefined && upper !== undefined ? { level, lower, upper } : undefined,
  };
}

/**
 * A period's forecast as the item list shows it: the mean and its interval.
 * @example forecastText({ ts: 0, mean: 523.14, interval: { level: '80', lower: 480.2, upper: 566 } }) // '523 (480–566)'
 */
export function forecastText(period: PeriodForecast): string {
  const { interval } = period;
  const mean = amount(period.mean);
  return interval ? `${mean} (${amount(interval.lower)}–${amount(interval.upper)})` : mean;
}

/**
 * Which candidate is the model that forecasts: the record keeps the fitted model's name ("ETS(A,N,A)" for the ETS
 * candidate, "Combination of …" for the combination), the scores the candidates' names.
 * @example chosenMethod('ETS(A,Ad,N)', [{ method: 'ETS' }, { method: 'Theta' }]) // 'ETS'
 */
export function chosenMethod(
  model: string,
  scores: readonly Pick<ForecastScore, 'method'>[],
): string | undefined {
  return scores.find(
    (s) => model === s.method || model.startsWith(`${s.method}(`) || model.startsWith(`${s.method} of `),
  )?.method;
}

/** One row of the candidates' table. */
export interface ScoreRow {
  readonly method: string;
  readonly chosen: boolean;
  /** Formatted: sMAPE in percent, MASE and RMSSE as ratios, coverage in percent by level. */
  readonly smape: string;
  readonly mase: string;
  readonly rmsse: string;
  readonly coverage: readonly { readonly level: string; readonly text: string; readonly off: boolean }[];
  readonly origins: number;
  /** The columns in which this candidate scored best (lowest error). */
  readonly best: ReadonlySet<'smape' | 'mase' | 'rmsse'>;
}

/** How far below its nominal level an interval's coverage may fall before it is flagged (on 3 origins × h). */
const COVERAGE_SLACK = 0.15;

/**
 * A forecast's candidates as table rows, in the server's order: the chosen one marked, the lowest error of each
 * column marked, a coverage well under its interval's level flagged.
 * @example scoreRows(forecast)[0] // { method: 'ETS', chosen: true, smape: '6.21 %', mase: '0.712', coverage: [{ level: '80', text: '83 %', off: false }, …], … }
 */
export function scoreRows(
  forecast: Pick<ForecastRecord, 'model' | 'method' | 'scores' | 'lower'>,
): ScoreRow[] {
  const chosen = forecast.method ?? chosenMethod(forecast.model, forecast.scores);
  const levels = intervalLevels(forecast);
  const lowest = (pick: (s: ForecastScore) => number | null | undefined) => {
    const values = forecast.scores.map(pick).filter((v): v is number => v != null && Number.isFinite(v));
    return values.length > 0 ? Math.min(...values) : undefined;
  };
  const best = {
    smape: lowest((s) => s.smape),
    mase: lowest((s) => s.mase),
    rmsse: lowest((s) => s.rmsse),
  };
  return forecast.scores.map((s) => ({
    method: s.method,
    chosen: s.method === chosen,
    smape: s.smape == null ? '—' : `${formatCompact(round(s.smape, 2))} %`,
    mase: s.mase == null ? '—' : formatCompact(round(s.mase, 3)),
    rmsse: s.rmsse == null ? '—' : formatCompact(round(s.rmsse, 3)),
    coverage: levels.map((level) => {
      const share = s.coverage[level];
      return share == null
        ? { level, text: '—', off: false }
        : {
            level,
            text: `${Math.round(share * 100)} %`,
            off: share < Number(level) / 100 - COVERAGE_SLACK,
          };
    }),
    origins: s.origins,
    best: new Set((['smape', 'mase', 'rmsse'] as const).filter((k) => s[k] != null && s[k] === best[k])),
  }));
}

/**
 * The interval levels of a forecast, narrowest first.
 * @example intervalLevels({ lower: { '95': [], '80': [] } }) // ['80', '95']
 */
export function intervalLevels(forecast: Pick<ForecastRecord, 'lower'>): string[] {
  return Object.keys(forecast.lower).sort((a, b) => Number(a) - Number(b));
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** What the recommendation asks of the planner, for its colour. */
export type Urgency = 'order' | 'wait' | 'review' | 'unknown';

/**
 * Whether the policy says to order now (continuous review, the stock position at or below the reorder point),
 * to wait, to order at the next review, or cannot say (no stock recorded). From the figures, not the sentence.
 * @example urgency({ kind: 'sS', s: 1200, S: 3200, stock: { onHand: 900, onOrder: 0 } }) // 'order'
 */
export function urgency(
  policy: Pick<InventoryPolicy, 'kind' | 's'> & {
    readonly stock?: Pick<StockLevel, 'onHand' | 'onOrder'> | null | undefined;
  },
): Urgency {
  const stock = policy.stock;
  if (!stock) return 'unknown';
  if (policy.kind !== 'sS' || policy.s == null) return 'review';
  return stock.onHand + stock.onOrder <= policy.s ? 'order' : 'wait';
}

/**
 * A stock quantity a planner orders or keeps: whole units, rounded up as the server's recommendation does.
 * @example units(1234.2) // '1,235'
 */
export function units(value: number): string {
  return formatCompact(Math.ceil(value));
}

/**
 * A quantity of demand (a mean, a spread, a forecast): whole units from 10 up, else to two decimals, so a spare
 * part's 0.18 a week does not read as 0.
 * @example [1040.3, 51.23, 0.1712].map(amount) // ['1,040', '51', '0.17']
 */
export function amount(value: number): string {
  return formatCompact(Math.abs(value) >= 10 ? Math.round(value) : round(value, 2));
}

/**
 * The width to ask the server's fan chart for: the server bounds it as it bounds a Gantt chart (400–4000 px), so
 * the same rule.
 */
export const fanChartWidth = ganttWidth;

/**
 * A period unit in the plural, for "every 2 weeks".
 * @example periodsLabel('week', 2) // 'weeks'
 */
export function periodsLabel(period: string, count: number): string {
  return count === 1 ? period : `${period}s`;
}

/**
 * How one stored forecast is doing as its demand comes in (GET /forecasts/accuracy): the M4 errors, bias and interval
 * coverage on the periods recorded since it was made, and the tracking signal. A measure nothing matched yet arrives
 * as null.
 */
export const ForecastAccuracy = z.object({
  forecast: z.string(),
  createdAt: z.number(),
  model: z.string(),
  firstTs: z.number(),
  horizon: z.number(),
  /** Forecast periods whose demand is in. */
  matched: z.number(),
  smape: optionalNumber,
  mase: optionalNumber,
  mae: optionalNumber,
  /** Mean of forecast − actual: > 0 forecast too high, < 0 too low. */
  bias: optionalNumber,
  /** Share of the matched demand inside each interval, by level ("80", "95"); empty while nothing matched. */
  coverage: z.record(z.string(), optionalNumber),
  /** Σ(actual − forecast) / MAE. */
  trackingSignal: optionalNumber,
  /** |tracking signal| beyond the server's limit (4): the forecast leans one way. */
  biased: z.boolean(),
  points: z._default(
    z.array(
      z.object({
        ts: z.number(),
        forecast: z.number(),
        actual: optionalNumber,
        lower: z.record(z.string(), z.number()),
        upper: z.record(z.string(), z.number()),
      }),
    ),
    [],
  ),
});
export type ForecastAccuracy = z.infer<typeof ForecastAccuracy>;
export const AccuracyResponse = z.object({
  item: z.string(),
  forecasts: z.array(ForecastAccuracy),
  summary: z.string(),
});
export type AccuracyResponse = z.infer<typeof AccuracyResponse>;

/** How many of an item's recent forecasts the accuracy table shows. */
export const ACCURACY_LIMIT = 5;

/** The interval levels whose coverage the accuracy table shows. */
export const ACCURACY_LEVELS = ['80', '95'] as const;

/**
 * A share (0..1) as a whole percentage; "—" for none.
 * @example [0.8333, 1, null].map(percentText) // ['83 %', '100 %', '—']
 */
export function percentText(share: number | null | undefined): string {
  return share == null || !Number.isFinite(share) ? '—' : `${Math.round(share * 100)} %`;
}

/**
 * How many of a forecast's periods have their demand in.
 * @example periodsInText(6, 8) // '6 / 8'
 */
export function periodsInText(matched: number, horizon: number): string {
  return `${matched} / ${horizon}`;
}

/**
 * sMAPE (already in percent) to one decimal; "—" for none.
 * @example smapeText(21.346) // '21.3 %'
 */
export function smapeText(smape: number | null | undefined): string {
  return smape == null || !Number.isFinite(smape) ? '—' : `${formatFixed(smape, 1)} %`;
}

/**
 * MASE to two decimals; "—" for none.
 * @example maseText(0.8149) // '0.81'
 */
export function maseText(mase: number | null | undefined): string {
  return mase == null || !Number.isFinite(mase) ? '—' : formatFixed(mase, 2);
}

/** A number's text with "+" in front when it is positive, so the direction reads at a glance. */
function signed(value: number, text: string): string {
  return value > 0 ? `+${text}` : text;
}

/**
 * The bias (mean of forecast − actual) with its unit per period, signed: + the forecast runs high, − low. A quantity
 * as `amount` writes it, so a spare part's bias of a fraction of a unit does not read as 0.
 * @example [biasText(-80, 'pcs', 'week'), biasText(0.054, 'pcs', 'week'), biasText(null, 'pcs', 'week')]
 * // ['-80 pcs/week', '+0.05 pcs/week', '—']
 */
export function biasText(bias: number | null | undefined, unit: string, period: string): string {
  return bias == null || !Number.isFinite(bias) ? '—' : `${signed(bias, amount(bias))} ${unit}/${period}`;
}

/**
 * The tracking signal to one decimal, signed (+ demand above the forecast); "—" for none.
 * @example [trackingSignalText(6), trackingSignalText(-4.25), trackingSignalText(null)] // ['+6.0', '-4.3', '—']
 */
export function trackingSignalText(signal: number | null | undefined): string {
  return signal == null || !Number.isFinite(signal) ? '—' : signed(signal, formatFixed(signal, 1));
}

/** One row of the accuracy table, formatted. */
export interface AccuracyRow {
  readonly forecast: string;
  readonly createdAt: number;
  readonly model: string;
  readonly periods: string;
  readonly smape: string;
  readonly mase: string;
  readonly bias: string;
  readonly coverage: readonly { readonly level: string; readonly text: string }[];
  readonly trackingSignal: string;
  readonly biased: boolean;
}

/**
 * A stored forecast's accuracy as the table shows it, for its item's unit and period.
 * @example accuracyRow(accuracy, { unit: 'pcs', period: 'week' })
 * // { periods: '6 / 8', smape: '21.3 %', mase: '1.42', bias: '-80 pcs/week', coverage: [{ level: '80', text: '50 %' }, …], trackingSignal: '+6.0', biased: true, … }
 */
export function accuracyRow(
  accuracy: ForecastAccuracy,
  item: Pick<Item, 'unit' | 'period'>,
  levels: readonly string[] = ACCURACY_LEVELS,
): AccuracyRow {
  return {
    forecast: accuracy.forecast,
    createdAt: accuracy.createdAt,
    model: accuracy.model,
    periods: periodsInText(accuracy.matched, accuracy.horizon),
    smape: smapeText(accuracy.smape),
    mase: maseText(accuracy.mase),
    bias: biasText(accuracy.bias, item.unit, item.period),
    coverage: levels.map((level) => ({ level, text: percentText(accuracy.coverage[level]) })),
    trackingSignal: trackingSignalText(accuracy.trackingSignal),
    biased: accuracy.biased,
  };
}
