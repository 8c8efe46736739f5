import { describe, expect, it } from 'vitest';
import { MAD_TO_SIGMA, MODIFIED_Z_CONSTANT, mad, median, modifiedZ, quantile, sortedMad } from './robust.js';

describe('robust order statistics', () => {
  it('median and MAD of hand-made series', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // |x − 3| of 1..5 are 2, 1, 0, 1, 2 → median 1
    expect(mad([1, 2, 3, 4, 5])).toBe(1);
    // median 3.5; deviations 2.5, 1.5, 0.5, 0.5, 1.5, 96.5 → sorted 0.5, 0.5, 1.5, 1.5, 2.5, 96.5 → MAD 1.5
    expect(sortedMad([1, 2, 3, 4, 5, 100])).toBe(1.5);
    expect(mad([7, 7, 7, 7])).toBe(0);
    expect(Number.isNaN(mad([]))).toBe(true);
  });

  it('merge-based MAD equals the sort-the-deviations definition on random data', () => {
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 10;
    for (let trial = 0; trial < 50; trial++) {
      const xs = Array.from({ length: 1 + trial }, () => Math.round(rand() * 4) / 4);
      const m = median(xs);
      const reference = median(xs.map((x) => Math.abs(x - m)));
      expect(mad(xs)).toBeCloseTo(reference, 12);
    }
  });

  it('normal-consistency constants are 1/Φ⁻¹(0.75) and Φ⁻¹(0.75) (0.6745 in Iglewicz & Hoaglin)', () => {
    expect(MAD_TO_SIGMA * MODIFIED_Z_CONSTANT).toBeCloseTo(1, 14);
    expect(MODIFIED_Z_CONSTANT).toBeCloseTo(0.6745, 4);
    expect(MAD_TO_SIGMA).toBeCloseTo(1.4826, 4);
  });

  it('modified z-score: 0.6745·(x − median)/MAD', () => {
    // series 10, 11, 9, 10, 12: median 10, MAD 1; x = 20 → 6.745 > 3.5
    expect(modifiedZ(20, median([10, 11, 9, 10, 12]), mad([10, 11, 9, 10, 12]))).toBeCloseTo(6.7449, 4);
    expect(modifiedZ(5, 5, 0)).toBe(0);
    expect(modifiedZ(6, 5, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(modifiedZ(6, 5, 0, 0.5)).toBeCloseTo(MODIFIED_Z_CONSTANT * 2, 12);
  });

  it('quantile type 7 matches numpy.quantile', () => {
    // numpy.quantile([1, 2, 3, 4], [0.5, 0.9]) → [2.5, 3.7]
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    expect(() => quantile([1], 1.5)).toThrow(/probability/);
  });
});
