/** Dense Cholesky factorisation with jitter and triangular solves for the Gaussian-process regressor. */
import { UserError } from '../../../domain/errors.js';

/** A lower-triangular Cholesky factor L (n × n, row-major) of A + jitter·I, and the jitter that was needed. */
export interface CholeskyFactor {
  readonly n: number;
  readonly L: Float64Array;
  readonly jitter: number;
}

/**
 * Factorises a symmetric positive-(semi)definite A = L·Lᵀ (Golub & Van Loan, Matrix Computations, 4th ed.,
 * Algorithm 4.2.1). When A is numerically singular, adds jitter 1e-10·mean(diag A) to the diagonal and retries, ten
 * times larger each time up to 1e-2·mean(diag) (the usual GP remedy: Rasmussen & Williams 2006, §A.4; GPy's
 * `jitchol`). `solveSpd` in ml/linear.ts solves but does not return the factor, which the GP needs for variances.
 * @example choleskyWithJitter(Float64Array.of(4, 2, 2, 3), 2).L // [2, 0, 1, √2]
 */
export function choleskyWithJitter(A: Float64Array, n: number): CholeskyFactor {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += (A[i * n + i] ?? 0) / n;
  const scale = meanDiag > 0 ? meanDiag : 1;
  for (let jitter = 0; jitter <= 1e-2 * scale; jitter = jitter === 0 ? 1e-10 * scale : jitter * 10) {
    const L = tryCholesky(A, n, jitter);
    if (L !== undefined) return { n, L, jitter };
  }
  throw new UserError('invalid_input', 'the covariance matrix is not positive definite, even with jitter');
}

function tryCholesky(A: Float64Array, n: number, jitter: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = (A[j * n + j] ?? 0) + jitter;
    const rowJ = j * n;
    for (let k = 0; k < j; k++) d -= (L[rowJ + k] ?? 0) ** 2;
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    L[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = A[rowI + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (L[rowI + k] ?? 0) * (L[rowJ + k] ?? 0);
      L[rowI + j] = s / ljj;
    }
  }
  return L;
}

/** Solves L·z = b (forward substitution). */
export function solveLower(f: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { n, L } = f;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] ?? 0;
    const row = i * n;
    for (let k = 0; k < i; k++) s -= (L[row + k] ?? 0) * (z[k] ?? 0);
    z[i] = s / (L[row + i] ?? 1);
  }
  return z;
}

/** Solves Lᵀ·x = z (back substitution). */
export function solveUpper(f: CholeskyFactor, z: ArrayLike<number>): Float64Array {
  const { n, L } = f;
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] ?? 0;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] ?? 0) * (x[k] ?? 0);
    x[i] = s / (L[i * n + i] ?? 1);
  }
  return x;
}

/** log det(A) = 2·Σ log Lᵢᵢ. */
export function logDeterminant(f: CholeskyFactor): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(f.L[i * f.n + i] ?? 1);
  return 2 * s;
}
