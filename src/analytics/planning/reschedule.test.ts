import { describe, expect, it } from 'vitest';
import { loadJobShopFixture } from '../../../test/helpers/jobshop-fixtures.js';
import { UserError } from '../../domain/errors.js';
import {
  type PlanChange,
  type PlanDisruption,
  type PlanProblem,
  type PlanSchedule,
  type PlannedOperation,
  type RescheduleResult,
  checkPlanSchedule,
  planFromJobShop,
  reschedulePlan,
  solvePlan,
} from './plan.js';
import { generatePlanProblem } from './plan-generator.js';

const key = (p: PlannedOperation): string => `${p.job}/${p.operation}`;

/** The diff the result should report, computed independently of the implementation. */
function expectedChanges(before: PlanSchedule, after: PlanSchedule): PlanChange[] {
  const old = new Map(before.operations.map((p) => [key(p), p]));
  const out: PlanChange[] = [];
  for (const p of after.operations) {
    const q = old.get(key(p));
    const to = { machine: p.machine, start: p.start, end: p.end };
    if (q === undefined) out.push({ job: p.job, operation: p.operation, to, kind: 'added' });
    else if (q.machine !== p.machine || q.start !== p.start || q.end !== p.end)
      out.push({
        job: p.job,
        operation: p.operation,
        from: { machine: q.machine, start: q.start, end: q.end },
        to,
        kind: q.machine === p.machine ? 'moved' : 'machine_changed',
      });
  }
  return out;
}

/** What every rescheduling must satisfy: valid, the past untouched, nothing new before now, a true diff. */
function expectSound(before: PlanSchedule, now: number, r: RescheduleResult): void {
  expect(checkPlanSchedule(r.problem, r.schedule)).toEqual([]);
  expect(r.changes).toEqual(expectedChanges(before, r.schedule));
  const after = new Map(r.schedule.operations.map((p) => [key(p), p]));
  for (const p of before.operations) {
    const q = after.get(key(p));
    if (p.end <= now) expect(q).toEqual(p);
    else if (p.start >= now) expect((q?.start ?? 0) - (q?.setup ?? 0)).toBeGreaterThanOrEqual(now);
  }
  let moved = 0;
  let changed = 0;
  for (const p of before.operations) {
    const q = after.get(key(p));
    if (q?.start !== p.start) moved++;
    if (q?.machine !== p.machine) changed++;
  }
  expect(r.disruption).toBe(moved * 1 + changed * 5);
  expect(r.objectiveAfter).toBe(r.schedule.objective);
}

/** An operation running at `now` (on `machine` when given), the first by start. */
function runningAt(schedule: PlanSchedule, now: number, machine?: string): PlannedOperation {
  const p = schedule.operations
    .filter((x) => x.start < now && x.end > now && (machine === undefined || x.machine === machine))
    .sort((a, b) => a.start - b.start)[0];
  if (p === undefined) throw new UserError('not_found', `nothing runs at ${now}`);
  return p;
}

describe('reschedulePlan', () => {
  const problem: PlanProblem = generatePlanProblem({ seed: 3 });
  const plan = solvePlan(problem, { maxIterations: 300, seed: 1 }).schedule;
  const now = 15;
  /** The machine of `victim` down for 20 minutes from now. */
  const down = (victim: PlannedOperation, machine = victim.machine): PlanDisruption => ({
    kind: 'machine_down',
    machine,
    start: now,
    end: now + 20,
    reason: 'breakdown',
  });

  it('clears a machine that goes down mid-schedule, keeping the past and repairing no worse than right-shift', () => {
    const victim = runningAt(plan, now);
    const r = reschedulePlan(problem, plan, now, down(victim), { maxIterations: 300, seed: 1 });
    expectSound(plan, now, r);
    expect(r.problem.machines.find((m) => m.id === victim.machine)?.unavailable).toContainEqual({
      start: now,
      end: now + 20,
      reason: 'breakdown',
    });
    for (const p of r.schedule.operations)
      if (p.machine === victim.machine) expect(p.start - p.setup < now + 20 && p.end > now).toBe(false);
    // the interrupted operation is rerun entirely, after now
    const rerun = r.schedule.operations.find((p) => key(p) === key(victim));
    expect(rerun?.start).toBeGreaterThanOrEqual(now);
    expect(r.changes.some((c) => c.job === victim.job && c.operation === victim.operation)).toBe(true);
    expect(r.objectiveAfter).toBeLessThanOrEqual(r.objectiveBefore);
    // an operation running on a machine that stays up keeps its place
    const other = plan.operations.find((p) => p.start < now && p.end > now && p.machine !== victim.machine);
    expect(other).toBeDefined();
    expect(r.schedule.operations.find((p) => key(p) === key(other as PlannedOperation))).toEqual(other);
  });

  it('starts from the right-shift repair: same machines, same order, nothing earlier', () => {
    const victim = runningAt(plan, now);
    const r = reschedulePlan(problem, plan, now, down(victim), { maxIterations: 0 });
    expectSound(plan, now, r);
    expect(r.objectiveAfter).toBe(r.objectiveBefore);
    const old = new Map(plan.operations.map((p) => [key(p), p]));
    for (const p of r.schedule.operations) {
      const q = old.get(key(p)) as PlannedOperation;
      expect(p.machine).toBe(q.machine);
      expect(p.start).toBeGreaterThanOrEqual(q.start);
    }
  });

  it('makes a single-machine operation wait out the window (ft06)', () => {
    const ft06 = planFromJobShop(loadJobShopFixture('ft06'));
    const s = solvePlan(ft06, { maxIterations: 500 }).schedule;
    const victim = runningAt(s, 20);
    const r = reschedulePlan(
      ft06,
      s,
      20,
      { kind: 'machine_down', machine: victim.machine, start: 20, end: 30 },
      { maxIterations: 300 },
    );
    expectSound(s, 20, r);
    expect(r.schedule.operations.find((p) => key(p) === key(victim))?.start).toBeGreaterThanOrEqual(30);
    expect(r.objectiveAfter).toBeLessThanOrEqual(r.objectiveBefore);
  });

  it('adds a rush order after now, reporting its operations as added', () => {
    const rush = {
      id: 'RUSH',
      due: now + 12,
      weight: 10,
      operations: [
        {
          id: 'o0',
          alternatives: [
            { machine: 'M0', duration: 4 },
            { machine: 'M1', duration: 5 },
          ],
        },
        { id: 'o1', alternatives: [{ machine: 'M2', duration: 3 }], family: 'A' },
      ],
    };
    const r = reschedulePlan(problem, plan, now, { kind: 'rush_order', job: rush }, { maxIterations: 300 });
    expectSound(plan, now, r);
    const added = r.changes.filter((c) => c.kind === 'added');
    expect(added.map((c) => c.operation)).toEqual(['o0', 'o1']);
    expect(added.every((c) => c.from === undefined && c.to.start >= now)).toBe(true);
    expect(r.problem.jobs.at(-1)?.id).toBe('RUSH');
    // appended at the end, the rush order is late; the search brings it forward
    expect(r.objectiveAfter).toBeLessThan(r.objectiveBefore);
    expect(() =>
      reschedulePlan(problem, plan, now, { kind: 'rush_order', job: { ...rush, id: 'J0' } }),
    ).toThrow(expect.objectContaining({ code: 'already_exists' }));
    const bad = { ...rush, operations: [{ id: 'o0', alternatives: [{ machine: 'M42', duration: 1 }] }] };
    expect(() => reschedulePlan(problem, plan, now, { kind: 'rush_order', job: bad })).toThrow(
      'job "RUSH" operation "o0": unknown machine "M42"',
    );
  });

  it('lengthens an overrunning operation in place and pushes what follows', () => {
    const victim = runningAt(plan, now);
    const r = reschedulePlan(
      problem,
      plan,
      now,
      { kind: 'overrun', job: victim.job, operation: victim.operation, extra: 7 },
      { maxIterations: 300 },
    );
    expectSound(plan, now, r);
    const after = r.schedule.operations.find((p) => key(p) === key(victim));
    expect(after).toEqual({ ...victim, end: victim.end + 7 });
    expect(r.changes).toContainEqual({
      job: victim.job,
      operation: victim.operation,
      from: { machine: victim.machine, start: victim.start, end: victim.end },
      to: { machine: victim.machine, start: victim.start, end: victim.end + 7 },
      kind: 'moved',
    });
    expect(() =>
      reschedulePlan(problem, plan, now, { kind: 'overrun', job: 'J0', operation: 'zz', extra: 1 }),
    ).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('rejects a schedule that misses operations and an unknown machine going down', () => {
    const partial = { ...plan, operations: plan.operations.slice(1) };
    expect(() => reschedulePlan(problem, partial, now, down(plan.operations[0] as PlannedOperation))).toThrow(
      'the current schedule has no job "J0" operation "o0"',
    );
    expect(() =>
      reschedulePlan(problem, plan, now, down(plan.operations[0] as PlannedOperation, 'M9')),
    ).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
