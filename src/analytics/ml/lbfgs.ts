/** L-BFGS minimisation and the small vector helpers it needs. */

export interface LbfgsOptions {
  readonly tolerance: number;
  readonly maxIterations: number;
  readonly memory: number;
}

/**
 * Limited-memory BFGS for a smooth convex function, shared by the logistic regressions (dense and sparse): two-loop
 * recursion for the direction (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.4, initial Hessian
 * γ = sᵀy / yᵀy, eq. 7.20) and backtracking until the Armijo condition f(x + αp) ≤ f(x) + 10⁻⁴ α ∇fᵀp holds
 * (ibid. Algorithm 3.1). Pairs with sᵀy ≤ 0 are not stored, so the direction stays a descent one.
 */
export function lbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  options: LbfgsOptions,
): { x: Float64Array; iterations: number; converged: boolean } {
  const dims = x0.length;
  let x = x0;
  let g = new Float64Array(dims);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(options.memory);
  const p = new Float64Array(dims);
  const xNew = new Float64Array(dims);
  const gNew = new Float64Array(dims);
  for (let iter = 0; iter < options.maxIterations; iter++) {
    if (maxAbs(g) <= options.tolerance) return { x, iterations: iter, converged: true };
    // direction p = −H∇f
    p.set(g);
    for (let m = S.length - 1; m >= 0; m--) {
      const a = (rho[m] ?? 0) * dot(S[m] as Float64Array, p);
      alpha[m] = a;
      axpy(-a, Y[m] as Float64Array, p);
    }
    const last = S.length - 1;
    const gamma =
      last >= 0
        ? dot(S[last] as Float64Array, Y[last] as Float64Array) /
          dot(Y[last] as Float64Array, Y[last] as Float64Array)
        : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let d = 0; d < dims; d++) p[d] = (p[d] ?? 0) * gamma;
    for (let m = 0; m < S.length; m++) {
      const b = (rho[m] ?? 0) * dot(Y[m] as Float64Array, p);
      axpy((alpha[m] ?? 0) - b, S[m] as Float64Array, p);
    }
    for (let d = 0; d < dims; d++) p[d] = -(p[d] ?? 0);
    let slope = dot(g, p);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let d = 0; d < dims; d++) p[d] = -(g[d] ?? 0);
      slope = dot(g, p);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let d = 0; d < dims; d++) xNew[d] = (x[d] ?? 0) + step * (p[d] ?? 0);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew <= fx)) return { x, iterations: iter, converged: false };
    const s = new Float64Array(dims);
    const yv = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      s[d] = (xNew[d] ?? 0) - (x[d] ?? 0);
      yv[d] = (gNew[d] ?? 0) - (g[d] ?? 0);
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (S.length === options.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    x = Float64Array.from(xNew);
    g = Float64Array.from(gNew);
    fx = fNew;
    if (improvement === 0 && maxAbs(g) > options.tolerance)
      return { x, iterations: iter + 1, converged: false };
  }
  return { x, iterations: options.maxIterations, converged: maxAbs(g) <= options.tolerance };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] ?? 0) + a * (x[i] ?? 0);
}

export function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) if (Math.abs(x) > m) m = Math.abs(x);
  return m;
}
