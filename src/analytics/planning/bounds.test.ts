import { loadJobShopFixture } from '../../../test/helpers/jobshop-fixtures.js';
import { describe, expect, it } from 'vitest';
import { jacksonPreemptiveBound, lowerBounds } from './bounds.js';

const load = loadJobShopFixture;

describe('lowerBounds', () => {
  // Checked independently with a unit-time simulation of Jackson's preemptive schedule in Python; 808 is the
  // one-machine bound of ft10 (mt10) quoted by Carlier & Pinson (1989); the optimum is 930.
  it('gives job 655, machine 631 and one-machine 808 on ft10, below the optimum 930', () => {
    const b = lowerBounds(load('ft10'));
    expect(b).toEqual({ job: 655, machine: 631, oneMachine: 808, value: 808 });
    expect(b.value).toBeLessThanOrEqual(930);
  });

  it('is tight on la01 (machine load 666 = optimum) and 52 ≤ 55 on ft06', () => {
    expect(lowerBounds(load('la01')).value).toBe(666);
    expect(lowerBounds(load('ft06'))).toEqual({ job: 47, machine: 43, oneMachine: 52, value: 52 });
  });
});

describe('jacksonPreemptiveBound', () => {
  it('preempts for a job with a larger tail', () => {
    // a: r0 p4 q0; b: r1 p2 q10 → b preempts a at 1, ends at 3 (3+10 = 13); a ends at 6
    expect(jacksonPreemptiveBound([0, 1], [4, 2], [0, 10])).toBe(13);
    // idle until the first release
    expect(jacksonPreemptiveBound([5], [3], [2])).toBe(10);
  });
});
