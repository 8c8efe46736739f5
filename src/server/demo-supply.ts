/**
 * The demo plant's supply: three bracket families (finished goods) with two years of weekly demand — a trend, a
 * yearly season and noise — and a spare part (the presses' main bearing) with intermittent demand; lead times,
 * costs and today's stock; each forecast 12 weeks ahead at start, so the Supply tab has a fan chart and a policy.
 */
import type { App } from '../app/registry.js';
import { seededNormal, seededRandom } from '../analytics/random.js';
import type { DemandPoint, ItemInput, Principal } from '../domain/index.js';

const WEEK = 7 * 24 * 3_600_000;

export const DEMO_ITEMS: readonly (ItemInput & {
  base: number;
  trend: number;
  season: number;
  noise: number;
})[] = [
  {
    id: 'bracket-A',
    name: 'Bracket A',
    period: 'week',
    seasonalPeriod: 52,
    leadTime: 2,
    leadTimeSd: 0.5,
    orderCost: 150,
    holdingCostPerPeriod: 0.04,
    base: 520,
    trend: 1.5,
    season: 0.15,
    noise: 35,
  },
  {
    id: 'bracket-B',
    name: 'Bracket B',
    period: 'week',
    seasonalPeriod: 52,
    leadTime: 2,
    leadTimeSd: 0.5,
    orderCost: 150,
    holdingCostPerPeriod: 0.05,
    base: 310,
    trend: -0.5,
    season: 0.1,
    noise: 25,
  },
  {
    id: 'bracket-C',
    name: 'Bracket C',
    period: 'week',
    seasonalPeriod: 52,
    leadTime: 3,
    leadTimeSd: 1,
    orderCost: 200,
    holdingCostPerPeriod: 0.06,
    base: 180,
    trend: 0.8,
    season: 0.25,
    noise: 20,
  },
];
export const DEMO_SPARE = {
  id: 'bearing-6312',
  name: 'Press main bearing 6312',
  kind: 'spare_part',
  period: 'week',
  leadTime: 4,
  leadTimeSd: 1,
  orderCost: 80,
  holdingCostPerPeriod: 0.9,
} as const satisfies ItemInput;

/** Two years of weekly demand up to the week before `now`, seeded. */
export function demoDemand(now: number, seed = 11): DemandPoint[] {
  const normal = seededNormal(seed);
  const random = seededRandom(seed + 1);
  const weeks = 104;
  const first = Math.floor(now / WEEK) * WEEK - weeks * WEEK;
  const points: DemandPoint[] = [];
  for (const item of DEMO_ITEMS) {
    for (let t = 0; t < weeks; t++) {
      const level = (item.base + item.trend * t) * (1 + item.season * Math.sin((2 * Math.PI * t) / 52));
      points.push({
        item: item.id,
        ts: first + t * WEEK,
        quantity: Math.max(0, Math.round(level + item.noise * normal())),
      });
    }
  }
  // A bearing about every 6 weeks (a press's, or a spare's for another line), sometimes two.
  for (let t = 0; t < weeks; t++) {
    const u = random();
    points.push({ item: DEMO_SPARE.id, ts: first + t * WEEK, quantity: u < 0.14 ? 1 : u < 0.17 ? 2 : 0 });
  }
  return points;
}

/** Creates the demo items (when there are none yet), their history and stock, and forecasts each. */
export async function setupDemoSupply(app: App, principal: Principal): Promise<void> {
  if ((await app.services.store.listItems()).length > 0) return;
  const now = app.services.clock.now();
  const items = [
    ...DEMO_ITEMS.map(({ base: _b, trend: _t, season: _s, noise: _n, ...item }) => item),
    DEMO_SPARE,
  ];
  await app.call('items.put', { items }, principal);
  await app.call('demand.put', { points: demoDemand(now) }, principal);
  const stock: Record<string, number> = {
    'bracket-A': 900,
    'bracket-B': 1400,
    'bracket-C': 300,
    [DEMO_SPARE.id]: 2,
  };
  for (const [item, onHand] of Object.entries(stock))
    await app.call('stock.put', { item, onHand }, principal);
  for (const item of items) await app.call('forecasts.run', { item: item.id, horizon: 12 }, principal);
}
