import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import {
  crossValidate,
  type Fold,
  groupKFold,
  holdOutSplit,
  kFold,
  stratifiedKFold,
  timeSeriesSplit,
} from './cv.js';
import { seededRandom } from '../random.js';
import { matrixFromRows } from './matrix.js';

/** Every row is in exactly one test fold, and never in the training rows of its own fold. */
function expectPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const { train, test } of folds) {
    expect(train.length + test.length).toBe(n);
    const inTest = new Set(test);
    for (const i of train) expect(inTest.has(i)).toBe(false);
    for (const i of test) seen[i] = (seen[i] ?? 0) + 1;
  }
  expect([...seen].every((c) => c === 1)).toBe(true);
}

describe('seededRandom', () => {
  it('is the mulberry32 sequence', () => {
    // mulberry32 seeded with 42: the C reference (Ettinger 2017) transcribed to Python gives these outputs / 2³².
    const r = seededRandom(42);
    expect(r()).toBeCloseTo(0.6011037519201636, 15);
    expect(r()).toBeCloseTo(0.44829055899754167, 15);
  });
});

describe('kFold', () => {
  it('makes sklearn KFold folds: first n mod k folds one larger, consecutive rows', () => {
    const folds = kFold(10, 3);
    expect(folds.map((f) => [...f.test])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect([...(folds[0]?.train ?? [])]).toEqual([4, 5, 6, 7, 8, 9]);
    expectPartition(folds, 10);
  });

  it('shuffles deterministically with a seed', () => {
    const a = kFold(20, 4, { shuffle: true, seed: 3 });
    const b = kFold(20, 4, { shuffle: true, seed: 3 });
    const c = kFold(20, 4, { shuffle: true, seed: 4 });
    expect(a.map((f) => [...f.test])).toEqual(b.map((f) => [...f.test]));
    expect(a.map((f) => [...f.test])).not.toEqual(c.map((f) => [...f.test]));
    expect(a.map((f) => f.test.length)).toEqual([5, 5, 5, 5]);
    expectPartition(a, 20);
  });

  it('refuses more folds than rows', () => {
    expect(() => kFold(3, 4)).toThrow(UserError);
    expect(() => kFold(3, 1)).toThrow(UserError);
  });
});

describe('stratifiedKFold', () => {
  it('keeps each class share in every fold', () => {
    // 30 rows of class 0, 15 of class 1 (2:1), 5 folds → each test fold: 6 of class 0 and 3 of class 1.
    const y = [...Array(30).fill(0), ...Array(15).fill(1)] as number[];
    for (const options of [{}, { shuffle: true, seed: 9 }]) {
      const folds = stratifiedKFold(y, 5, options);
      expectPartition(folds, y.length);
      for (const f of folds) {
        expect([...f.test].filter((i) => y[i] === 0)).toHaveLength(6);
        expect([...f.test].filter((i) => y[i] === 1)).toHaveLength(3);
      }
    }
  });

  it('spreads uneven classes by at most one row per fold', () => {
    const y = [...Array(7).fill(2), ...Array(4).fill(5)] as number[];
    const folds = stratifiedKFold(y, 3);
    for (const f of folds) {
      const twos = [...f.test].filter((i) => y[i] === 2).length;
      expect(twos === 2 || twos === 3).toBe(true);
    }
    expect(folds.map((f) => f.test.length).sort()).toEqual([3, 4, 4]);
  });
});

describe('groupKFold', () => {
  it('never puts one group in two folds and balances the rows', () => {
    // Engines 1..6 of C-MAPSS-like data with 5, 4, 3, 3, 2, 1 cycles: greedy largest-first gives fold sizes 6/6/6.
    const groups = [1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6];
    const folds = groupKFold(groups, 3);
    expectPartition(folds, groups.length);
    expect(folds.map((f) => f.test.length)).toEqual([6, 6, 6]);
    const foldOf = new Map<number, number>();
    folds.forEach((f, k) => {
      for (const i of f.test) {
        const g = groups[i] ?? -1;
        expect(foldOf.get(g) ?? k).toBe(k);
        foldOf.set(g, k);
      }
    });
    // 5 → fold 0, 4 → 1, 3 → 2, 3 → 2 (3 < 4, 5), 2 → 1, 1 → 0.
    expect([...foldOf.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 1],
      [6, 0],
    ]);
  });

  it('refuses fewer groups than folds', () => {
    expect(() => groupKFold([1, 1, 2, 2], 3)).toThrow(/2 groups/);
  });
});

describe('timeSeriesSplit', () => {
  it('reproduces the sklearn TimeSeriesSplit example', () => {
    // sklearn docs: 6 rows, n_splits=5: train [0] test [1], …, train [0..4] test [5].
    const folds = timeSeriesSplit(6, 5);
    expect(folds.map((f) => [[...f.train], [...f.test]])).toEqual([
      [[0], [1]],
      [[0, 1], [2]],
      [[0, 1, 2], [3]],
      [[0, 1, 2, 3], [4]],
      [[0, 1, 2, 3, 4], [5]],
    ]);
  });

  it('leaves a gap before each test block (sklearn example with gap=2, test_size=2)', () => {
    // sklearn docs: 12 rows, n_splits=3, test_size=2, gap=2 → train [0..3] test [6, 7]; [0..5] [8, 9]; [0..7] [10, 11].
    const folds = timeSeriesSplit(12, 3, { gap: 2, testSize: 2 });
    expect(folds.map((f) => [f.train.length, [...f.test]])).toEqual([
      [4, [6, 7]],
      [6, [8, 9]],
      [8, [10, 11]],
    ]);
    for (const f of folds) expect(Math.max(...f.train)).toBeLessThan(Math.min(...f.test) - 2);
  });
});

describe('holdOutSplit', () => {
  it('holds out ⌈fraction·n⌉ rows, stratified by class', () => {
    const y = [...Array(90).fill(0), ...Array(10).fill(1)] as number[];
    const split = holdOutSplit(y, 0.2, { seed: 1, stratify: true });
    expect(split.test).toHaveLength(20);
    expect([...split.test].filter((i) => y[i] === 1)).toHaveLength(2);
    expect(new Set([...split.train, ...split.test]).size).toBe(100);
    expect(split.train.length + split.test.length).toBe(100);
    expect([...holdOutSplit(y, 0.2, { seed: 1, stratify: true }).test]).toEqual([...split.test]);
    expect([...holdOutSplit(y, 0.2, { seed: 2, stratify: true }).test]).not.toEqual([...split.test]);
  });
});

describe('crossValidate', () => {
  it('fits and scores on each fold', () => {
    // "Model" = the training mean; score = mean absolute error on the test rows. y = 0..5, 3 folds of 2:
    // fold 0 trains on 2..5 (mean 3.5), tests 0, 1 → 3; fold 1 → mean 2.5, tests 2, 3 → 0.5; fold 2 → 1.5 vs 4, 5 → 3.
    const X = matrixFromRows([[0], [1], [2], [3], [4], [5]], ['t']);
    const y = [0, 1, 2, 3, 4, 5];
    const result = crossValidate(
      X,
      y,
      kFold(6, 3),
      (_X, yt) => yt.reduce((s, v) => s + v, 0) / yt.length,
      (mean, _X, yv) => yv.reduce((s, v) => s + Math.abs(v - mean), 0) / yv.length,
    );
    // Mean 13/6; population variance ((5/6)² + (10/6)² + (5/6)²)/3 = 25/18.
    expect(result.scores).toEqual([3, 0.5, 3]);
    expect(result.mean).toBeCloseTo(13 / 6, 15);
    expect(result.std).toBeCloseTo(5 / Math.sqrt(18), 15);
  });
});
