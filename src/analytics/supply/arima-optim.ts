/** A variable-metric (BFGS) minimiser with numerical gradients, as R's optim(method = "BFGS") that stats::arima uses. */

export interface BfgsOptions {
  /** Gradient evaluations at most (R optim's maxit: 100). */
  readonly maxIterations?: number;
  /** Stop when an accepted step improves f by no more than reltol·(|f| + reltol) (R: 1.49e-8). */
  readonly relativeTolerance?: number;
  /** Step of the central differences (R optim's ndeps: 1e-3). */
  readonly ndeps?: number;
}

export interface BfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
}

/** Central differences, one-sided where f is infinite on one side (a constraint boundary), 0 when on both. */
function gradient(f: (x: Float64Array) => number, x: Float64Array, fx: number, eps: number): Float64Array {
  const g = new Float64Array(x.length);
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] ?? 0;
    probe[i] = xi + eps;
    const up = f(probe);
    probe[i] = xi - eps;
    const down = f(probe);
    probe[i] = xi;
    if (Number.isFinite(up) && Number.isFinite(down)) g[i] = (up - down) / (2 * eps);
    else if (Number.isFinite(up)) g[i] = (up - fx) / eps;
    else if (Number.isFinite(down)) g[i] = (fx - down) / eps;
  }
  return g;
}

/**
 * Minimises f by the variable-metric method of Nash (1990, "Compact Numerical Methods for Computers", Algorithm 21;
 * R's vmmin): BFGS updates of an inverse-Hessian approximation, backtracking by 0.2 until the Armijo condition with
 * tolerance 1e-4 holds, a reset to the identity when the update would lose positive definiteness. f may return
 * +Infinity outside the feasible set; x0 must be feasible.
 * @example bfgs((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0, 0]).x // ≈ [1, −2]
 */
export function bfgs(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: BfgsOptions = {},
): BfgsResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 100;
  const reltol = options.relativeTolerance ?? 1.490116e-8;
  const eps = options.ndeps ?? 1e-3;
  const acctol = 1e-4;
  const stepReduction = 0.2;
  const reltest = 10;
  let b = Float64Array.from(x0);
  let fmin = f(b);
  if (n === 0 || !Number.isFinite(fmin)) return { x: b, value: fmin, iterations: 0 };
  let g = gradient(f, b, fmin, eps);
  let gradCount = 1;
  let iterations = 1;
  let lastReset = gradCount;
  const H = Array.from({ length: n }, () => new Float64Array(n));
  const t = new Float64Array(n);
  let count: number;
  do {
    if (lastReset === gradCount) H.forEach((row, i) => row.fill(0).fill(1, i, i + 1));
    const X = Float64Array.from(b);
    const c = Float64Array.from(g);
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = H[i] ?? t;
      for (let j = 0; j < n; j++) s -= (row[j] ?? 0) * (g[j] ?? 0);
      t[i] = s;
      gradproj += s * (g[i] ?? 0);
    }
    if (gradproj < 0) {
      let steplength = 1;
      let accepted = false;
      let fNew = fmin;
      const trial = new Float64Array(n);
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          trial[i] = (X[i] ?? 0) + steplength * (t[i] ?? 0);
          if (reltest + (X[i] ?? 0) === reltest + (trial[i] ?? 0)) count++;
        }
        if (count < n) {
          fNew = f(trial);
          accepted = Number.isFinite(fNew) && fNew <= fmin + gradproj * steplength * acctol;
          if (!accepted) steplength *= stepReduction;
        }
      } while (!(count === n || accepted));
      if (accepted) b = Float64Array.from(trial);
      const enough = accepted && Math.abs(fNew - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        if (accepted) fmin = fNew;
      }
      if (count < n) {
        fmin = fNew;
        g = gradient(f, b, fmin, eps);
        gradCount++;
        iterations++;
        let d1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = (t[i] ?? 0) * steplength;
          c[i] = (g[i] ?? 0) - (c[i] ?? 0);
          d1 += (t[i] ?? 0) * (c[i] ?? 0);
        }
        if (d1 > 0) {
          let d2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            const row = H[i] ?? t;
            for (let j = 0; j < n; j++) s += (row[j] ?? 0) * (c[j] ?? 0);
            X[i] = s;
            d2 += s * (c[i] ?? 0);
          }
          d2 = 1 + d2 / d1;
          for (let i = 0; i < n; i++) {
            const row = H[i] ?? t;
            for (let j = 0; j < n; j++) {
              row[j] =
                (row[j] ?? 0) +
                (d2 * (t[i] ?? 0) * (t[j] ?? 0) - (X[i] ?? 0) * (t[j] ?? 0) - (t[i] ?? 0) * (X[j] ?? 0)) / d1;
            }
          }
        } else {
          lastReset = gradCount;
        }
      } else if (lastReset < gradCount) {
        count = 0;
        lastReset = gradCount;
      }
    } else {
      count = 0;
      if (lastReset === gradCount) count = n;
      else lastReset = gradCount;
    }
    if (iterations >= maxIterations) break;
    if (gradCount - lastReset > 2 * n) lastReset = gradCount;
  } while (!(count === n && lastReset === gradCount));
  return { x: b, value: fmin, iterations };
}
