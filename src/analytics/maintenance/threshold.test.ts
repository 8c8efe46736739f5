import { describe, expect, it } from 'vitest';
import { calibrateThreshold } from './threshold.js';

describe('calibrateThreshold', () => {
  it('puts at most the target share of clean scores above the threshold', () => {
    const scores = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(calibrateThreshold(scores, 0.2)).toEqual({
      threshold: 8,
      targetRate: 0.2,
      achievedRate: 0.2,
      n: 10,
    });
    expect(calibrateThreshold(scores, 0.15).threshold).toBe(9); // ⌈8.5⌉ = 9th: only 10 lies above (10 %)
    const thousand = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000); // 0..999 shuffled
    const t = calibrateThreshold(thousand, 0.01);
    expect(t.threshold).toBe(989);
    expect(t.achievedRate).toBe(0.01);
  });

  it('ignores non-finite scores and handles ties and too few scores', () => {
    expect(calibrateThreshold([1, Number.NaN, 2, Number.POSITIVE_INFINITY, 3], 0.5)).toMatchObject({
      threshold: 2,
      n: 3,
    });
    expect(calibrateThreshold([5, 5, 5, 5], 0.25)).toMatchObject({ threshold: 5, achievedRate: 0 });
    expect(calibrateThreshold([1, 2, 3], 0.001)).toMatchObject({ threshold: 3, achievedRate: 0 });
  });

  it('rejects a rate outside (0, 1) and an empty window', () => {
    expect(() => calibrateThreshold([1, 2], 0)).toThrow(/rate/);
    expect(() => calibrateThreshold([Number.NaN], 0.1)).toThrow(/finite/);
  });
});
