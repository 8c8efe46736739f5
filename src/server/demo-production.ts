/**
 * The demo plant's order book: twelve bracket orders over the next shift, each stamped on one of the four presses
 * (press 1 is the fastest, press 4 the slowest), machined on one of the three mills, and some turned on the lathe;
 * three die sets (families A, B, C) with setups between them. Solved into the active schedule when the demo
 * starts, so a press going down (press 3's bearing) produces a rescheduling proposal on the Planning tab.
 */
import type { App } from '../app/registry.js';
import { seededRandom } from '../analytics/random.js';
import type { Principal, ProductionOrderInput } from '../domain/index.js';

const LINE = 'acme/plant1/stamping/line1';
const CELL = 'acme/plant1/machining/cnc-cell1';
const MIN = 60_000;

/** Setup minutes when a press changes die set. */
export const DEMO_SETUPS = {
  A: { B: 20, C: 30 },
  B: { A: 20, C: 25 },
  C: { A: 30, B: 25 },
} as const;

export function demoOrders(now: number, seed = 7): ProductionOrderInput[] {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => Math.round(lo + (hi - lo) * random());
  const families = ['A', 'B', 'C'] as const;
  return Array.from({ length: 12 }, (_, i) => {
    const family = families[i % 3] ?? 'A';
    const stamp = between(20, 45);
    const mill = between(25, 60);
    const turned = i % 4 === 1;
    return {
      id: `SO-${1001 + i}`,
      item: `bracket-${family}${(i % 4) + 1}`,
      quantity: stamp * 20,
      releaseTs: now + (i < 6 ? 0 : between(30, 120) * MIN),
      dueTs: now + between(180, 480) * MIN,
      weight: i % 5 === 0 ? 3 : 1,
      operations: [
        {
          id: 'stamp',
          family,
          alternatives: [1, 2, 3, 4].map((n) => ({
            machine: `${LINE}/press${n}`,
            minutes: Math.round(stamp * ([1, 1.2, 1.2, 1.5][n - 1] ?? 1)),
          })),
        },
        {
          id: 'mill',
          alternatives: [1, 2, 3].map((n) => ({
            machine: `${CELL}/mill${n}`,
            minutes: Math.round(mill * ([1, 1.2, 0.9][n - 1] ?? 1)),
          })),
        },
        ...(turned
          ? [{ id: 'turn', alternatives: [{ machine: `${CELL}/lathe1`, minutes: between(15, 30) }] }]
          : []),
      ],
    };
  });
}

/** Creates the demo orders (when there are none yet) and solves them into the active schedule. */
export async function planDemoProduction(app: App, principal: Principal): Promise<void> {
  if ((await app.services.store.listOrders({ limit: 1 })).length > 0) return;
  const now = app.services.clock.now();
  await app.call('orders.create', { orders: demoOrders(now) }, principal);
  await app.call(
    'schedule.solve',
    { from: now, objective: { makespan: 1, tardiness: 1 }, setups: DEMO_SETUPS, timeLimit: 1 },
    principal,
  );
}
