import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.js';

describe('symmetricEigen (Jacobi)', () => {
  it('the tridiagonal [2 −1 0; −1 2 −1; 0 −1 2] has eigenvalues 2 + √2, 2, 2 − √2 (closed form, 2 − 2cos(kπ/4))', () => {
    const e = symmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);
    expect(e.values[0]).toBeCloseTo(2 + Math.SQRT2, 13);
    expect(e.values[1]).toBeCloseTo(2, 13);
    expect(e.values[2]).toBeCloseTo(2 - Math.SQRT2, 13);
    // the top eigenvector is (1/2, −1/√2, 1/2) up to sign; sign fixed so the largest-magnitude entry is positive
    const v0 = [e.vectors[0], e.vectors[3], e.vectors[6]];
    expect(v0[0]).toBeCloseTo(-0.5, 13);
    expect(v0[1]).toBeCloseTo(Math.SQRT1_2, 13);
    expect(v0[2]).toBeCloseTo(-0.5, 13);
  });

  it('matches numpy.linalg.eigh on a dense 3 × 3 covariance', () => {
    // numpy 2.4: eigh([[4,1,2],[1,3,0.5],[2,0.5,5]]) → 6.83125443, 3.07222395, 2.09652162 (descending)
    const a = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5];
    const e = symmetricEigen(a, 3);
    expect(Array.from(e.values)).toEqual([
      expect.closeTo(6.83125443, 7),
      expect.closeTo(3.07222395, 7),
      expect.closeTo(2.09652162, 7),
    ]);
    // A v = λ v and the vectors are orthonormal
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += (a[i * 3 + j] ?? 0) * (e.vectors[j * 3 + k] ?? 0);
        expect(av).toBeCloseTo((e.values[k] ?? 0) * (e.vectors[i * 3 + k] ?? 0), 12);
      }
      for (let l = 0; l < 3; l++) {
        let dot = 0;
        for (let i = 0; i < 3; i++) dot += (e.vectors[i * 3 + k] ?? 0) * (e.vectors[i * 3 + l] ?? 0);
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 13);
      }
    }
  });

  it('2 × 2 [[2, 1], [1, 2]] → 3, 1 and rejects a non-symmetric matrix', () => {
    expect(Array.from(symmetricEigen([2, 1, 1, 2], 2).values)).toEqual([
      expect.closeTo(3, 14),
      expect.closeTo(1, 14),
    ]);
    expect(() => symmetricEigen([1, 2, 3, 4], 2)).toThrow(/symmetric/);
  });
});
