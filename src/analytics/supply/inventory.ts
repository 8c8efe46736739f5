/**
 * Inventory policy from a demand forecast and a lead time: safety stock and reorder point for a target cycle service
 * level or fill rate, the economic order quantity, continuous-review (s, S) and periodic-review (R, S) policies, and
 * a seeded simulation that measures the service a policy really gives. Textbook: Silver, Pyke & Thomas, "Inventory
 * and Production Management in Supply Chains" (4th ed., 2017), ch. 6–7; Axsäter, "Inventory Control" (3rd ed.).
 *
 * Demand per period is taken as normal with mean `mean` and standard deviation `sd` (independent periods); the lead
 * time in periods has mean `leadTime` and standard deviation `leadTimeSd`. Demand over the lead time then has
 *   μ_L = mean·L and σ_L = √(L·sd² + mean²·sd_L²)            (Silver, Pyke & Thomas eq. 6.8)
 * and over a review period plus lead time (R + L) the same with R + L in place of L.
 */
import { UserError } from '../../domain/errors.js';
import { normalCdf, normalPdf, normalQuantile } from '../quality/normal.js';
import { seededNormal, seededRandom } from '../random.js';

export interface DemandModel {
  /** Mean demand per period. */
  readonly mean: number;
  /** Standard deviation of demand per period. */
  readonly sd: number;
}

export interface LeadTime {
  /** Mean lead time, periods. */
  readonly mean: number;
  /** Standard deviation of the lead time, periods (0: fixed). */
  readonly sd?: number;
}

/** Either a cycle service level (P(no stockout in a replenishment cycle)) or a fill rate (share of demand met). */
export type ServiceTarget = { readonly cycleServiceLevel: number } | { readonly fillRate: number };

function check(condition: boolean, message: string): void {
  if (!condition) throw new UserError('invalid_input', message);
}

function checkDemand(demand: DemandModel, lead: LeadTime): void {
  check(Number.isFinite(demand.mean) && demand.mean >= 0, 'mean demand must be a number ≥ 0');
  check(Number.isFinite(demand.sd) && demand.sd >= 0, 'demand standard deviation must be a number ≥ 0');
  check(Number.isFinite(lead.mean) && lead.mean >= 0, 'lead time must be a number ≥ 0');
  check((lead.sd ?? 0) >= 0, 'lead-time standard deviation must be ≥ 0');
}

/** Mean and standard deviation of the demand over `periods` periods of lead time (with its variability). */
export function demandOver(
  demand: DemandModel,
  periods: number,
  leadTimeSd = 0,
): { mean: number; sd: number } {
  return {
    mean: demand.mean * periods,
    sd: Math.sqrt(periods * demand.sd ** 2 + demand.mean ** 2 * leadTimeSd ** 2),
  };
}

/**
 * The standard normal loss function G(k) = E[(Z − k)⁺] = φ(k) − k·(1 − Φ(k)): the expected shortage per cycle, in
 * units of σ, when the safety factor is k.
 */
export function normalLoss(k: number): number {
  return normalPdf(k) - k * (1 - normalCdf(k));
}

/**
 * The safety factor k for a fill rate β with order quantity Q: the k with σ_L·G(k) = (1 − β)·Q (Silver, Pyke &
 * Thomas eq. 7.18, shortages backordered), by bisection on [−4, 8] (G decreases in k).
 */
export function fillRateSafetyFactor(fillRate: number, orderQuantity: number, sigma: number): number {
  check(fillRate > 0 && fillRate < 1, `fill rate must be in (0, 1), got ${fillRate}`);
  check(orderQuantity > 0, 'a fill-rate target needs an order quantity > 0');
  if (sigma === 0) return 0;
  const target = ((1 - fillRate) * orderQuantity) / sigma;
  let lo = -4;
  let hi = 8;
  if (normalLoss(lo) <= target) return lo;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalLoss(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface ReorderPoint {
  /** Expected demand over the lead time. */
  readonly leadTimeDemand: number;
  readonly sigma: number;
  /** k: safety stock = k·σ. */
  readonly safetyFactor: number;
  readonly safetyStock: number;
  /** s = lead-time demand + safety stock. */
  readonly reorderPoint: number;
}

/**
 * Continuous review: reorder when the inventory position falls to s = μ_L + k·σ_L. For a cycle service level α,
 * k = Φ⁻¹(α); for a fill rate, k from `fillRateSafetyFactor` with the order quantity.
 * @example reorderPoint({ mean: 100, sd: 20 }, { mean: 4 }, { cycleServiceLevel: 0.95 }) // s ≈ 400 + 1.645·40 = 465.8
 */
export function reorderPoint(
  demand: DemandModel,
  lead: LeadTime,
  target: ServiceTarget,
  orderQuantity?: number,
): ReorderPoint {
  checkDemand(demand, lead);
  const { mean, sd } = demandOver(demand, lead.mean, lead.sd ?? 0);
  let k: number;
  if ('cycleServiceLevel' in target) {
    const a = target.cycleServiceLevel;
    check(a > 0 && a < 1, `cycle service level must be in (0, 1), got ${a}`);
    k = normalQuantile(a);
  } else {
    k = fillRateSafetyFactor(target.fillRate, orderQuantity ?? 0, sd);
  }
  const safetyStock = k * sd;
  return { leadTimeDemand: mean, sigma: sd, safetyFactor: k, safetyStock, reorderPoint: mean + safetyStock };
}

/**
 * The economic order quantity √(2·D·K / h) (Harris 1913): D demand per year (or any period), K the cost of one
 * order, h the cost of holding one unit for that period.
 */
export function economicOrderQuantity(
  demandPerYear: number,
  orderCost: number,
  holdingCostPerUnitYear: number,
): number {
  check(demandPerYear >= 0, 'annual demand must be ≥ 0');
  check(orderCost > 0, 'order cost must be > 0');
  check(holdingCostPerUnitYear > 0, 'holding cost must be > 0');
  return Math.sqrt((2 * demandPerYear * orderCost) / holdingCostPerUnitYear);
}

export type InventoryPolicy =
  /** Continuous review: when the inventory position is at or below s, order up to S. */
  | { readonly kind: 'sS'; readonly s: number; readonly S: number }
  /** Periodic review every R periods: order up to S. */
  | { readonly kind: 'RS'; readonly R: number; readonly S: number };

/** (s, S) with s the reorder point and S = s + Q (Q: the EOQ, or the order size the plant uses). */
export function continuousReviewPolicy(
  demand: DemandModel,
  lead: LeadTime,
  target: ServiceTarget,
  orderQuantity: number,
): InventoryPolicy & ReorderPoint {
  check(orderQuantity > 0, 'order quantity must be > 0');
  const rop = reorderPoint(demand, lead, target, orderQuantity);
  return { kind: 'sS', s: rop.reorderPoint, S: rop.reorderPoint + orderQuantity, ...rop };
}

/**
 * (R, S): every R periods order up to S = μ_{R+L} + k·σ_{R+L}, protecting over the review period and the lead time.
 * For a fill rate the expected order size is mean·R.
 */
export function periodicReviewPolicy(
  demand: DemandModel,
  lead: LeadTime,
  reviewPeriods: number,
  target: ServiceTarget,
): InventoryPolicy & ReorderPoint {
  check(Number.isInteger(reviewPeriods) && reviewPeriods >= 1, 'review period must be a whole number ≥ 1');
  const rop = reorderPoint(
    demand,
    { mean: lead.mean + reviewPeriods, sd: lead.sd ?? 0 },
    target,
    demand.mean * reviewPeriods,
  );
  return { kind: 'RS', R: reviewPeriods, S: rop.reorderPoint, ...rop };
}

export interface SimulationOptions {
  readonly periods: number;
  readonly seed?: number;
  /** Stock on hand at the start (default S). */
  readonly initialStock?: number;
  /** Demand per period: drawn from this function (default: normal(mean, sd) truncated at 0). */
  readonly demand?: (period: number, random: () => number) => number;
  /** Periods simulated first and not counted (default 50). */
  readonly warmUp?: number;
}

export interface SimulationResult {
  /** Share of demand met from stock (unmet demand is backordered). */
  readonly fillRate: number;
  /** Share of replenishment cycles (order arrival to order arrival) without a stockout. */
  readonly cycleServiceLevel: number;
  readonly averageOnHand: number;
  readonly averageBackorder: number;
  readonly orders: number;
  readonly periods: number;
}

/**
 * Simulates a policy period by period: an order placed in period t arrives at the start of period
 * t + max(0, round(lead time drawn ~ normal(mean, sd))); demand is then taken from stock, the rest backordered;
 * the policy looks at the inventory position (on hand − backorders + on order) at the end of the period.
 */
export function simulatePolicy(
  policy: InventoryPolicy,
  demand: DemandModel,
  lead: LeadTime,
  options: SimulationOptions,
): SimulationResult {
  checkDemand(demand, lead);
  check(Number.isInteger(options.periods) && options.periods > 0, 'periods must be a whole number > 0');
  const random = seededRandom(options.seed ?? 1);
  const normal = seededNormal((options.seed ?? 1) + 1);
  const draw = options.demand ?? (() => Math.max(0, demand.mean + demand.sd * normal()));
  const warmUp = options.warmUp ?? 50;
  const arrivals = new Map<number, number>();
  let onHand = options.initialStock ?? policy.S;
  let backorder = 0;
  let onOrder = 0;
  let demanded = 0;
  let metFromStock = 0;
  let onHandSum = 0;
  let backorderSum = 0;
  let orders = 0;
  let cycles = 0;
  let cyclesWithStockout = 0;
  let stockoutThisCycle = false;
  for (let t = 0; t < warmUp + options.periods; t++) {
    const counted = t >= warmUp;
    const arriving = arrivals.get(t) ?? 0;
    if (arriving > 0) {
      arrivals.delete(t);
      onOrder -= arriving;
      const served = Math.min(backorder, arriving);
      backorder -= served;
      onHand += arriving - served;
      if (counted) {
        cycles++;
        if (stockoutThisCycle) cyclesWithStockout++;
      }
      stockoutThisCycle = false;
    }
    const d = draw(t, random);
    const fromStock = Math.min(onHand, d);
    onHand -= fromStock;
    backorder += d - fromStock;
    if (d > fromStock) stockoutThisCycle = true;
    if (counted) {
      demanded += d;
      metFromStock += fromStock;
      onHandSum += onHand;
      backorderSum += backorder;
    }
    const position = onHand - backorder + onOrder;
    const review = policy.kind === 'sS' ? position <= policy.s : (t + 1) % policy.R === 0;
    if (review && position < policy.S) {
      const quantity = policy.S - position;
      const lt = Math.max(0, Math.round(lead.mean + (lead.sd ?? 0) * normal()));
      arrivals.set(t + 1 + lt, (arrivals.get(t + 1 + lt) ?? 0) + quantity);
      onOrder += quantity;
      if (counted) orders++;
    }
  }
  return {
    fillRate: demanded > 0 ? metFromStock / demanded : 1,
    cycleServiceLevel: cycles > 0 ? 1 - cyclesWithStockout / cycles : Number.NaN,
    averageOnHand: onHandSum / options.periods,
    averageBackorder: backorderSum / options.periods,
    orders,
    periods: options.periods,
  };
}
