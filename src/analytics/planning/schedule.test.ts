import { loadJobShopFixture } from '../../../test/helpers/jobshop-fixtures.js';
import { describe, expect, it } from 'vitest';
import { dispatchSchedule } from './dispatch.js';
import { type OperationRef, parseJobShop } from './instance.js';
import { criticalBlocks, criticalPath, scheduleFromSequences, validateSchedule } from './schedule.js';

const ft06 = loadJobShopFixture('ft06');
const tiny = parseJobShop('2 2\n0 3 1 2\n1 4 0 1\n', { name: 'tiny' });
const ref = (job: number, index: number): OperationRef => ({ job, index });

describe('scheduleFromSequences', () => {
  it('starts each operation as soon as its job and machine predecessors end', () => {
    // machine 0: job0 op0 (0-3), job1 op1; machine 1: job1 op0 (0-4), job0 op1 (4-6); job1 op1 at max(4,3) = 4
    const s = scheduleFromSequences(tiny, [
      [ref(0, 0), ref(1, 1)],
      [ref(1, 0), ref(0, 1)],
    ]);
    expect(s.start).toEqual([
      [0, 4],
      [0, 4],
    ]);
    expect(s.makespan).toBe(6);
    expect(validateSchedule(tiny, s)).toEqual([]);
  });

  it('rejects cyclic or incomplete sequences', () => {
    // machine 0 runs job1 op1 first, machine 1 runs job0 op1 first: each waits for the other
    expect(() =>
      scheduleFromSequences(tiny, [
        [ref(1, 1), ref(0, 0)],
        [ref(0, 1), ref(1, 0)],
      ]),
    ).toThrow(/cycle/);
    expect(() => scheduleFromSequences(tiny, [[ref(0, 0)], [ref(1, 0), ref(0, 1)]])).toThrow(
      /job 1 operation 1|machine 0/,
    );
    expect(() => scheduleFromSequences(tiny, [[ref(0, 1)], []])).toThrow(/runs on machine 1/);
  });
});

describe('validateSchedule', () => {
  it('reports precedence violations, overlaps and a wrong makespan', () => {
    const problems = validateSchedule(tiny, {
      start: [
        [0, 2],
        [0, 3],
      ],
      makespan: 7,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/job 0 operation 1 starts at 2, before its predecessor ends at 3/),
        expect.stringMatching(
          /machine 0: job 0 op 0 \[0, 3\) overlaps job 1 op 1 \[3, 4\)|job 1 operation 1 starts at 3/,
        ),
        expect.stringMatching(/machine 1: .* overlaps/),
        expect.stringMatching(/makespan 7 differs from the last end 4/),
      ]),
    );
  });
});

describe('critical path and blocks', () => {
  it('form a gap-free chain from 0 to the makespan on a dispatched ft06 schedule', () => {
    const s = dispatchSchedule(ft06, 'mwkr');
    expect(validateSchedule(ft06, s)).toEqual([]);
    const path = criticalPath(ft06, s);
    const dur = (r: OperationRef) => ft06.jobs[r.job]?.[r.index]?.duration ?? 0;
    expect(s.start[path[0]?.job ?? -1]?.[path[0]?.index ?? -1]).toBe(0);
    for (let i = 1; i < path.length; i++) {
      const a = path[i - 1] as OperationRef;
      const b = path[i] as OperationRef;
      expect(s.start[b.job]?.[b.index]).toBe((s.start[a.job]?.[a.index] ?? 0) + dur(a));
    }
    expect(path.reduce((t, r) => t + dur(r), 0)).toBe(s.makespan);
    const blocks = criticalBlocks(ft06, path);
    expect(blocks.flatMap((b) => b.operations)).toEqual(path);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]?.machine).not.toBe(blocks[i - 1]?.machine);
  });
});
