import { describe, expect, it } from 'vitest';
import { loadJobShopFixture } from '../../../test/helpers/jobshop-fixtures.js';
import { UserError } from '../../domain/errors.js';
import {
  type PlanJob,
  type PlanProblem,
  type PlanSchedule,
  type PlannedOperation,
  checkPlanSchedule,
  planFromJobShop,
  planLowerBound,
  solvePlan,
  validatePlanProblem,
} from './plan.js';
import { generatePlanProblem } from './plan-generator.js';

/** An operation: id, duration per machine, optional family. */
function op(id: string, durations: Record<string, number>, family?: string): PlanJob['operations'][number] {
  return {
    id,
    alternatives: Object.entries(durations).map(([machine, duration]) => ({ machine, duration })),
    ...(family === undefined ? {} : { family }),
  };
}

function find(schedule: PlanSchedule, job: string, operation = 'o'): PlannedOperation {
  const p = schedule.operations.find((x) => x.job === job && x.operation === operation);
  if (p === undefined) throw new UserError('not_found', `${job}/${operation} not planned`);
  return p;
}

function thrown(f: () => unknown): UserError {
  try {
    f();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new UserError('invalid_input', 'expected a UserError');
}

describe('validatePlanProblem', () => {
  const valid = {
    machines: [{ id: 'M1', unavailable: [{ start: 10, end: 20, reason: 'PM' }] }, { id: 'M2' }],
    jobs: [
      {
        id: 'J1',
        due: 50,
        operations: [{ id: 'cut', family: 'steel', alternatives: [{ machine: 'M1', duration: 5 }] }],
      },
    ],
  };

  it('accepts a valid problem and keeps its optional fields', () => {
    expect(validatePlanProblem(valid)).toEqual(valid);
  });

  it('names the job, operation and machine of an unknown machine', () => {
    const bad = { ...valid, jobs: [{ id: 'J1', operations: [op('cut', { M9: 5 })] }] };
    expect(thrown(() => validatePlanProblem(bad)).message).toContain(
      'job "J1" operation "cut": unknown machine "M9"',
    );
  });

  it('names the operation with no alternatives and the negative duration', () => {
    const none = { ...valid, jobs: [{ id: 'J1', operations: [{ id: 'cut', alternatives: [] }] }] };
    const e = thrown(() => validatePlanProblem(none));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('job "J1" operation "cut" alternatives');
    const negative = { ...valid, jobs: [{ id: 'J1', operations: [op('cut', { M1: -3 })] }] };
    expect(thrown(() => validatePlanProblem(negative)).message).toMatch(
      /job "J1" operation "cut" alternatives 0 duration: .*>=0/,
    );
  });

  it('rejects duplicate machine, job and operation ids and unknown machines in machineSetups', () => {
    expect(
      thrown(() => validatePlanProblem({ ...valid, machines: [{ id: 'M1' }, { id: 'M1' }] })).message,
    ).toContain('machine "M1" is defined twice');
    const j = valid.jobs[0];
    expect(thrown(() => validatePlanProblem({ ...valid, jobs: [j, j] })).message).toContain(
      'job "J1" is defined twice',
    );
    const twice = {
      ...valid,
      jobs: [{ id: 'J1', operations: [op('cut', { M1: 1 }), op('cut', { M2: 1 })] }],
    };
    expect(thrown(() => validatePlanProblem(twice)).message).toContain(
      'job "J1": operation "cut" is defined twice',
    );
    expect(thrown(() => validatePlanProblem({ ...valid, machineSetups: { M7: {} } })).message).toContain(
      'machineSetups: unknown machine "M7"',
    );
  });

  it('rejects an unavailability window that ends before it starts', () => {
    const bad = { ...valid, machines: [{ id: 'M1', unavailable: [{ start: 20, end: 10 }] }] };
    expect(thrown(() => validatePlanProblem(bad)).message).toContain('machine "M1" unavailable 0');
  });
});

describe('solvePlan on hand-checked problems', () => {
  it('sequences families to save setups', () => {
    // One machine; J1 (A, 3), J2 (B, 4), J3 (A, 2); A→B costs 5, B→A costs 2.
    //   J2, J1, J3: 4 + 2 (B→A) + 3 + 0 + 2 = 11   ← best
    //   J1, J3, J2: 3 + 2 + 5 (A→B) + 4     = 14
    //   any A, B, A order pays both setups: 3 + 5 + 4 + 2 + 2 = 16
    const problem: PlanProblem = {
      machines: [{ id: 'M' }],
      jobs: [
        { id: 'J1', operations: [op('o', { M: 3 }, 'A')] },
        { id: 'J2', operations: [op('o', { M: 4 }, 'B')] },
        { id: 'J3', operations: [op('o', { M: 2 }, 'A')] },
      ],
      setups: { A: { B: 5 }, B: { A: 2 } },
    };
    const { schedule } = solvePlan(problem, { maxIterations: 200 });
    expect(checkPlanSchedule(problem, schedule)).toEqual([]);
    expect(schedule.makespan).toBe(11);
    expect(find(schedule, 'J2')).toMatchObject({ start: 0, end: 4, setup: 0 });
    const a = [find(schedule, 'J1'), find(schedule, 'J3')].sort((x, y) => x.start - y.start);
    expect(a[0]).toMatchObject({ start: 6, setup: 2 });
    expect(a[1]?.setup).toBe(0);

    // A per-machine override B→A = 10 makes J2 first cost 4 + 10 + 5 = 19, so A first: 3 + 2 + 5 + 4 = 14.
    const slow = solvePlan({ ...problem, machineSetups: { M: { B: { A: 10 } } } }, { maxIterations: 200 });
    expect(slow.schedule.makespan).toBe(14);
    expect(find(slow.schedule, 'J2')).toMatchObject({ start: 10, end: 14, setup: 5 });
  });

  it('keeps an operation and its setup out of an unavailability window', () => {
    // One machine, down [2, 4). J0 (A, 1); J1 (B, 1, released at 1); setup A→B = 2, B→A = 0.
    //   J0 first: J0 [0,1); J1's setup would run [1,3) — hits the window — so it waits: setup [4,6), J1 [6,7) → 7.
    //   J1 first: J1 [1,2) (no setup, first on the machine); J0 [2,3) hits the window → J0 [4,5) → 5  ← best.
    const problem: PlanProblem = {
      machines: [{ id: 'M', unavailable: [{ start: 2, end: 4, reason: 'maintenance' }] }],
      jobs: [
        { id: 'J0', operations: [op('o', { M: 1 }, 'A')] },
        { id: 'J1', release: 1, operations: [op('o', { M: 1 }, 'B')] },
      ],
      setups: { A: { B: 2 } },
    };
    const { schedule } = solvePlan(problem, { maxIterations: 100 });
    expect(checkPlanSchedule(problem, schedule)).toEqual([]);
    expect(find(schedule, 'J1')).toMatchObject({ start: 1, end: 2 });
    expect(find(schedule, 'J0')).toMatchObject({ start: 4, end: 5, setup: 0 });
    expect(schedule.makespan).toBe(5);
  });

  it('weighs tardiness and waits for a release when that pays', () => {
    // One machine; J1: 4 min, due 4, weight 1; J2: 2 min, released at 1, due 3, weight 3.
    //   J1 then J2: J1 [0,4), J2 [4,6): tardiness 3·(6−3) = 9.
    //   J2 then J1: idle [0,1), J2 [1,3), J1 [3,7): tardiness 1·(7−4) = 3  ← best; makespan 7.
    const jobs: PlanJob[] = [
      { id: 'J1', due: 4, operations: [op('o', { M: 4 })] },
      { id: 'J2', release: 1, due: 3, weight: 3, operations: [op('o', { M: 2 })] },
    ];
    const tardy: PlanProblem = { machines: [{ id: 'M' }], jobs, objective: { makespan: 0, tardiness: 1 } };
    const r = solvePlan(tardy, { maxIterations: 100 });
    expect(r.schedule).toMatchObject({ makespan: 7, weightedTardiness: 3, objective: 3 });
    expect(find(r.schedule, 'J2')).toMatchObject({ start: 1, end: 3 });
    // Makespan + 2·tardiness: J1 first 6 + 2·9 = 24; J2 first 7 + 2·3 = 13.
    const mixed = solvePlan({ ...tardy, objective: { makespan: 1, tardiness: 2 } }, { maxIterations: 100 });
    expect(mixed.schedule.objective).toBe(13);
    // With makespan only, J1 first finishes at 6, J2 first at 7.
    expect(
      solvePlan({ ...tardy, objective: { makespan: 1 } }, { maxIterations: 100 }).schedule.objective,
    ).toBe(6);
  });

  it('finds the optimum of a tiny flexible instance by choosing machines', () => {
    // x and y take 3 on A or 5 on B; z takes 4 on A or 2 on B.
    // If x or y runs on B (≥ 5 there), the other (3 on A) and z fit together nowhere below 7: A 3 + 4, or B 5 + 2.
    // So the optimum puts x and y on A (6) and z on B (2): makespan 6.
    const problem: PlanProblem = {
      machines: [{ id: 'A' }, { id: 'B' }],
      jobs: [
        { id: 'x', operations: [op('o', { A: 3, B: 5 })] },
        { id: 'y', operations: [op('o', { A: 3, B: 5 })] },
        { id: 'z', operations: [op('o', { A: 4, B: 2 })] },
      ],
    };
    const r = solvePlan(problem, { maxIterations: 200 });
    expect(r.schedule.makespan).toBe(6);
    expect(find(r.schedule, 'z').machine).toBe('B');
    expect(find(r.schedule, 'x').machine).toBe('A');
    // bound: total shortest work (3 + 3 + 2) / 2 machines = 4
    expect(r.lowerBound).toBe(4);
    expect(r.stopped).toBe('iterations');
  });

  it('bounds makespan and tardiness together and proves a schedule that meets the bound optimal', () => {
    // One machine; J1: released at 5, 3 min, due 6, weight 2; J2: 4 min.
    //   makespan bound = J1's release + length = 8 (the machine's load is only 7);
    //   tardiness bound = 2 · max(0, 8 − 6) = 4; objective bound = 8 + 4 = 12.
    //   J2 [0,4), J1 [5,8) meets it.
    const problem: PlanProblem = {
      machines: [{ id: 'M' }],
      jobs: [
        { id: 'J1', release: 5, due: 6, weight: 2, operations: [op('o', { M: 3 })] },
        { id: 'J2', operations: [op('o', { M: 4 })] },
      ],
      objective: { makespan: 1, tardiness: 1 },
    };
    expect(planLowerBound(problem)).toBe(12);
    const r = solvePlan(problem, { maxIterations: 100 });
    expect(r).toMatchObject({ lowerBound: 12, stopped: 'optimal' });
    expect(r.schedule).toMatchObject({ makespan: 8, weightedTardiness: 4, objective: 12 });
  });

  it('stops with "optimal" when the objective meets the bound', () => {
    // Two jobs, two machines, each job 2 + 2 in opposite order: bound = job length 4 = a machine's load 4.
    const problem: PlanProblem = {
      machines: [{ id: 'A' }, { id: 'B' }],
      jobs: [
        { id: 'J1', operations: [op('a', { A: 2 }), op('b', { B: 2 })] },
        { id: 'J2', operations: [op('a', { B: 2 }), op('b', { A: 2 })] },
      ],
    };
    const r = solvePlan(problem, { maxIterations: 1000 });
    expect(r).toMatchObject({ lowerBound: 4, stopped: 'optimal' });
    expect(r.schedule.makespan).toBe(4);
  });
});

describe('solvePlan on classical instances', () => {
  const ft06 = planFromJobShop(loadJobShopFixture('ft06'));

  it('converts a JobShopInstance, one alternative per operation', () => {
    expect(ft06.machines).toHaveLength(6);
    expect(ft06.jobs[0]?.operations[0]).toEqual({ id: 'o0', alternatives: [{ machine: 'm2', duration: 1 }] });
    // ft06: longest job 47, optimum 55 (test/fixtures/jobshop/README.md): a sound bound lies between them.
    const lb = planLowerBound(ft06);
    expect(lb).toBeGreaterThanOrEqual(47);
    expect(lb).toBeLessThanOrEqual(55);
  });

  it('reaches the optimum 55 on ft06 within 3000 moves', () => {
    const r = solvePlan(ft06, { maxIterations: 3000, seed: 1 });
    expect(checkPlanSchedule(ft06, r.schedule)).toEqual([]);
    expect(r.schedule.makespan).toBe(55);
    const bests = r.history.map((h) => h.best);
    expect(bests.at(-1)).toBe(55);
    expect([...bests].sort((a, b) => b - a)).toEqual(bests);
  });

  it('reaches the optimum 666 on la01 (the busiest machine’s load) and stops as optimal', () => {
    const la01 = planFromJobShop(loadJobShopFixture('la01'));
    const r = solvePlan(la01, { maxIterations: 3000, seed: 1 });
    expect(r).toMatchObject({ lowerBound: 666, stopped: 'optimal' });
    expect(r.schedule.makespan).toBe(666);
  });
});

describe('solvePlan as an anytime search', () => {
  const problem = generatePlanProblem({ seed: 3 });

  it('is deterministic for a seed and valid on a flexible instance with setups and tardiness', () => {
    const a = solvePlan(problem, { maxIterations: 300, seed: 7, now: () => 0 });
    const b = solvePlan(problem, { maxIterations: 300, seed: 7, now: () => 0 });
    expect(a).toEqual(b);
    expect(a.iterations).toBe(300);
    expect(checkPlanSchedule(problem, a.schedule)).toEqual([]);
    expect(a.schedule.objective).toBeGreaterThanOrEqual(a.lowerBound);
    // the search improves on the best dispatching rule
    expect(a.schedule.objective).toBeLessThan(a.history[0]?.best ?? 0);
  });

  it('stops at the time limit by the injected clock, reporting progress', () => {
    let t = 0;
    const seen: number[] = [];
    const r = solvePlan(problem, {
      timeLimitMs: 100,
      now: () => (t += 10),
      onProgress: (p) => seen.push(p.best),
    });
    expect(r.stopped).toBe('time');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(100);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(r.schedule.objective);
  });

  it('returns its best schedule when cancelled', () => {
    const controller = new AbortController();
    controller.abort();
    const r = solvePlan(problem, { signal: controller.signal });
    expect(r.stopped).toBe('cancelled');
    expect(r.iterations).toBe(0);
    expect(checkPlanSchedule(problem, r.schedule)).toEqual([]);
  });
});

describe('checkPlanSchedule', () => {
  const problem: PlanProblem = {
    machines: [{ id: 'A', unavailable: [{ start: 20, end: 30 }] }, { id: 'B' }],
    jobs: [
      { id: 'J1', operations: [op('a', { A: 3 }, 'F'), op('b', { B: 2 })] },
      { id: 'J2', release: 2, operations: [op('a', { A: 4 }, 'G')] },
    ],
    setups: { F: { G: 1 } },
  };
  const valid: PlanSchedule = {
    operations: [
      { job: 'J1', operation: 'a', machine: 'A', start: 0, end: 3, setup: 0 },
      { job: 'J1', operation: 'b', machine: 'B', start: 3, end: 5, setup: 0 },
      { job: 'J2', operation: 'a', machine: 'A', start: 4, end: 8, setup: 1 },
    ],
    makespan: 8,
    weightedTardiness: 0,
    objective: 8,
  };
  const withOp = (i: number, change: Partial<PlannedOperation>): PlanSchedule => ({
    ...valid,
    operations: valid.operations.map((o, k) => (k === i ? { ...o, ...change } : o)),
  });

  it('accepts a valid schedule', () => {
    expect(checkPlanSchedule(problem, valid)).toEqual([]);
  });

  it('finds each injected violation', () => {
    const one = (s: PlanSchedule): string => checkPlanSchedule(problem, s).join(' | ');
    expect(one(withOp(1, { start: 2, end: 4 }))).toContain(
      'starts at 2, before the end of operation "a" (3)',
    );
    expect(one(withOp(2, { start: 1, end: 5, setup: 0 }))).toContain('before its release 2');
    expect(one(withOp(2, { start: 3, end: 7 }))).toContain('overlap');
    expect(one(withOp(2, { setup: 0, start: 3, end: 7 }))).toContain('setup 0 is shorter than the 1');
    expect(one(withOp(1, { machine: 'A', start: 10, end: 12 }))).toContain('cannot run on machine "A"');
    expect(one(withOp(0, { end: 4 }))).toContain('lasts 4 on "A", expected 3');
    expect(one(withOp(2, { start: 18, end: 22 }))).toContain('overlaps unavailability 20..30');
    expect(one({ ...valid, operations: valid.operations.slice(0, 2) })).toContain(
      'job "J2" operation "a" is not planned',
    );
    expect(one({ ...valid, makespan: 7 })).toContain('makespan is reported as 7');
    expect(
      one({
        ...valid,
        operations: [
          ...valid.operations,
          { job: 'J9', operation: 'x', machine: 'B', start: 9, end: 10, setup: 0 },
        ],
      }),
    ).toContain('job "J9" operation "x" is not in the problem');
  });
});
