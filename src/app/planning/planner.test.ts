import { describe, expect, it } from 'vitest';
import { checkPlanSchedule, solvePlan } from '../../analytics/planning/plan.js';
import type { ProductionOrder, Schedule } from '../../domain/index.js';
import { planProblem, planScheduleOf, scheduledOperations } from './planner.js';

const T0 = Date.parse('2026-06-01T06:00:00Z');
const MIN = 60_000;

const order = (id: string, fields: Partial<ProductionOrder> = {}): ProductionOrder => ({
  id,
  weight: 1,
  status: 'planned',
  createdAt: T0,
  updatedAt: T0,
  operations: [
    {
      id: 'stamp',
      family: 'A',
      alternatives: [
        { machine: 'p/press1', minutes: 30 },
        { machine: 'p/press2', minutes: 44.6 },
      ],
    },
    { id: 'mill', alternatives: [{ machine: 'p/mill1', minutes: 0.2 }] },
  ],
  ...fields,
});

describe('plan problems from orders', () => {
  it('counts whole minutes from the origin: releases rounded up, never before it; durations at least 1', () => {
    const problem = planProblem(
      [
        order('SO-1', { releaseTs: T0 - 90 * MIN, dueTs: T0 + 120.4 * MIN }),
        order('SO-2', { releaseTs: T0 + 10.2 * MIN }),
      ],
      T0,
      { objective: { makespan: 1, tardiness: 2 }, setups: { A: { B: 15 } } },
      [{ machine: 'p/press1', start: T0 + 59.5 * MIN, end: T0 + 90.2 * MIN, reason: 'maintenance' }],
    );
    expect(problem.machines.map((m) => m.id)).toEqual(['p/mill1', 'p/press1', 'p/press2']);
    expect(problem.machines[1]?.unavailable).toEqual([{ start: 59, end: 91, reason: 'maintenance' }]);
    expect(problem.jobs.map((j) => [j.release, j.due])).toEqual([
      [0, 120],
      [11, undefined],
    ]);
    expect(problem.jobs[0]?.operations.map((o) => o.alternatives.map((a) => a.duration))).toEqual([
      [30, 45],
      [1],
    ]);
    expect(problem.setups).toEqual({ A: { B: 15 } });
  });

  it('turns a solved plan into epoch ms and back unchanged', () => {
    const problem = planProblem([order('SO-1'), order('SO-2'), order('SO-3')], T0, {
      objective: { makespan: 1, tardiness: 0 },
    });
    const plan = solvePlan(problem, { maxIterations: 200, seed: 1 }).schedule;
    expect(checkPlanSchedule(problem, plan)).toEqual([]);
    const operations = scheduledOperations(plan, T0);
    expect(operations[0]?.start).toBe(T0 + (plan.operations[0]?.start ?? 0) * MIN);
    const stored = {
      origin: T0,
      operations,
      makespanMinutes: plan.makespan,
      weightedTardinessMinutes: plan.weightedTardiness,
      value: plan.objective,
    } as Schedule;
    expect(planScheduleOf(stored)).toEqual(plan);
  });
});
