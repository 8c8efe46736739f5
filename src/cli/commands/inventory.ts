/**
 * `gemba inventory policy (--mean D --sd S | --demand-file history.csv [--column demand]) --lead-time L
 *   [--lead-time-sd SL] (--csl 0.95 | --fill-rate 0.98) [--review R] [--order-quantity Q | --order-cost K
 *   --holding-cost H [--periods-per-year 250]] [--simulate PERIODS] [--seed 1] [--json]`
 * The stocking policy for one item from its demand per period (given, or the mean and standard deviation of a
 * demand history) and its lead time: safety stock, reorder point and order quantity for continuous review (s, S),
 * or the order-up-to level for periodic review every R periods (R, S); with --simulate, the service the policy
 * achieves in a seeded simulation.
 */
import { readFileSync } from 'node:fs';
import {
  type InventoryPolicy,
  type ReorderPoint,
  type ServiceTarget,
  continuousReviewPolicy,
  economicOrderQuantity,
  periodicReviewPolicy,
  simulatePolicy,
} from '../../analytics/supply/inventory.js';
import { mean, standardDeviation } from '../../analytics/supply/series.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import { column, numberFlag, readTable } from './spc.js';

function demandFromArgs(args: ParsedArgs): { mean: number; sd: number; source: string } {
  const file = stringFlag(args, 'demandFile');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UserError('invalid_input', `cannot read ${file}`);
    }
    const values = column(readTable(text), stringFlag(args, 'column') ?? 'demand');
    if (values.length < 2)
      throw new UserError('invalid_input', `${file} needs at least two periods of demand`);
    return {
      mean: mean(values),
      sd: standardDeviation(values),
      source: `${values.length} periods of ${file}`,
    };
  }
  const givenMean = numberFlag(args, 'mean');
  const givenSd = numberFlag(args, 'sd');
  if (givenMean === undefined || givenSd === undefined) {
    throw new UserError('invalid_input', 'give the demand per period: --mean and --sd, or --demand-file');
  }
  return { mean: givenMean, sd: givenSd, source: 'given' };
}

function targetFromArgs(args: ParsedArgs): ServiceTarget {
  const csl = numberFlag(args, 'csl');
  const fill = numberFlag(args, 'fillRate');
  if ((csl === undefined) === (fill === undefined)) {
    throw new UserError('invalid_input', 'give one service target: --csl 0.95 or --fill-rate 0.98');
  }
  return csl !== undefined ? { cycleServiceLevel: csl } : { fillRate: fill ?? 0 };
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export function inventoryPolicyCommand(args: ParsedArgs): string {
  const demand = demandFromArgs(args);
  const leadTime = numberFlag(args, 'leadTime');
  if (leadTime === undefined) throw new UserError('invalid_input', '--lead-time (periods) is required');
  const lead = { mean: leadTime, sd: numberFlag(args, 'leadTimeSd') ?? 0 };
  const target = targetFromArgs(args);
  const review = numberFlag(args, 'review');
  let orderQuantity = numberFlag(args, 'orderQuantity');
  let eoq: number | undefined;
  const orderCost = numberFlag(args, 'orderCost');
  const holdingCost = numberFlag(args, 'holdingCost');
  if (orderCost !== undefined && holdingCost !== undefined) {
    const periodsPerYear = numberFlag(args, 'periodsPerYear') ?? 250;
    eoq = economicOrderQuantity(demand.mean * periodsPerYear, orderCost, holdingCost);
    orderQuantity ??= eoq;
  }
  let policy: InventoryPolicy & ReorderPoint;
  if (review !== undefined) policy = periodicReviewPolicy(demand, lead, review, target);
  else {
    if (orderQuantity === undefined) {
      throw new UserError(
        'invalid_input',
        'continuous review needs --order-quantity, or --order-cost and --holding-cost for the EOQ (or use --review R)',
      );
    }
    policy = continuousReviewPolicy(demand, lead, target, orderQuantity);
  }
  const periods = numberFlag(args, 'simulate');
  const simulated =
    periods === undefined
      ? undefined
      : simulatePolicy(policy, demand, lead, { periods, seed: numberFlag(args, 'seed') ?? 1 });
  if (boolFlag(args, 'json')) {
    return JSON.stringify(
      { demand, lead, target, policy, ...(eoq !== undefined && { eoq }), simulated },
      null,
      2,
    );
  }
  const out = [
    `demand per period ${fmt(demand.mean, 2)} ± ${fmt(demand.sd, 2)} (${demand.source}); lead time ${lead.mean}` +
      (lead.sd > 0 ? ` ± ${lead.sd}` : '') +
      ' periods',
    `${'cycleServiceLevel' in target ? `cycle service level ${target.cycleServiceLevel}` : `fill rate ${target.fillRate}`}: ` +
      `safety factor k ${fmt(policy.safetyFactor, 3)}`,
    policy.kind === 'RS'
      ? `(R, S) review every ${policy.R} period(s), order up to S = ${fmt(policy.S)}`
      : `(s, S) reorder at s = ${fmt(policy.s)}, order up to S = ${fmt(policy.S)} (order quantity ${fmt(policy.S - policy.s)})`,
    `demand over ${policy.kind === 'RS' ? 'review + lead time' : 'lead time'} ${fmt(policy.leadTimeDemand)} ± ${fmt(policy.sigma)}; safety stock ${fmt(policy.safetyStock)}`,
  ];
  if (eoq !== undefined) out.push(`economic order quantity ${fmt(eoq)}`);
  if (simulated) {
    out.push(
      `simulated ${simulated.periods} periods: fill rate ${fmt(simulated.fillRate * 100, 2)} %, cycle service level ` +
        `${fmt(simulated.cycleServiceLevel * 100, 2)} %, average stock ${fmt(simulated.averageOnHand)}, ${simulated.orders} orders`,
    );
  }
  return out.join('\n');
}
