/** Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, for PCA (no native libraries). */
import { UserError } from '../../domain/errors.js';

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** Eigenvectors as columns, n × n row-major: vector k is vectors[i * n + k], unit length, sign fixed so that its
   * largest-magnitude entry is positive. */
  readonly vectors: Float64Array;
  readonly n: number;
  /** Jacobi sweeps used. */
  readonly sweeps: number;
}

/**
 * Eigenvalues and eigenvectors of a symmetric n × n matrix (row-major). Cyclic Jacobi with the rotation of
 * Golub & Van Loan, Matrix Computations, 4th ed., §8.5.2 (Algorithm 8.5.1 `symSchur2`, tan θ chosen as the
 * smaller root so |θ| ≤ π/4), sweeping until the off-diagonal norm is below 1e-15 of the Frobenius norm. Jacobi is
 * O(n³) per sweep and converges quadratically; it is accurate for the small covariance matrices (p ≤ ~50) of a
 * machine's signals.
 * @example symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // Float64Array [3, 1]
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new UserError(
      'invalid_input',
      `symmetricEigen needs an n × n matrix, got ${matrix.length} values for n = ${n}`,
    );
  }
  const a = Float64Array.from(matrix);
  let frob = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = a[i * n + j] ?? 0;
      if (!Number.isFinite(x)) throw new UserError('invalid_input', 'symmetricEigen needs finite entries');
      if (Math.abs(x - (a[j * n + i] ?? 0)) > 1e-9 * (Math.abs(x) + 1)) {
        throw new UserError('invalid_input', `matrix is not symmetric at (${i}, ${j})`);
      }
      frob += x * x;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const tol = 1e-15 * Math.sqrt(frob);
  let sweeps = 0;
  for (; sweeps < 100; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] ?? 0) ** 2;
    if (Math.sqrt(2 * off) <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (apq === 0) continue;
        const app = a[p * n + p] ?? 0;
        const aqq = a[q * n + q] ?? 0;
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // A ← JᵀAJ on rows/columns p and q.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (a[y * n + y] ?? 0) - (a[x * n + x] ?? 0),
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = a[src * n + src] ?? 0;
    let big = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i * n + src] ?? 0;
      if (Math.abs(x) > Math.abs(big)) big = x;
    }
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + k] = sign * (v[i * n + src] ?? 0);
  });
  return { values, vectors, n, sweeps };
}
