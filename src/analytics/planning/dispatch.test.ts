import { loadJobShopFixture } from '../../../test/helpers/jobshop-fixtures.js';
import { describe, expect, it } from 'vitest';
import { DISPATCH_RULES, dispatchSchedule } from './dispatch.js';
import { criticalPath, validateSchedule } from './schedule.js';

const load = loadJobShopFixture;

describe('dispatchSchedule (Giffler–Thompson)', () => {
  it('builds a valid active schedule with every rule, never below the optimum', () => {
    for (const name of ['ft06', 'ft10', 'la01']) {
      const inst = load(name);
      const optimum = { ft06: 55, ft10: 930, la01: 666 }[name] ?? 0;
      for (const rule of DISPATCH_RULES) {
        const s = dispatchSchedule(inst, rule);
        expect(validateSchedule(inst, s), `${name} ${rule}`).toEqual([]);
        expect(s.makespan).toBeGreaterThanOrEqual(optimum);
        // active and semi-active: a critical path from 0 to the makespan exists
        expect(criticalPath(inst, s).length).toBeGreaterThan(0);
      }
    }
  });

  it('takes the best rule when none is named', () => {
    const inst = load('ft10');
    const best = dispatchSchedule(inst);
    const each = DISPATCH_RULES.filter((r) => r !== 'random').map((r) => dispatchSchedule(inst, r).makespan);
    expect(best.makespan).toBe(Math.min(...each));
  });
});
