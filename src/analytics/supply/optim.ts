/** A small derivative-free minimiser for model fitting: Nelder–Mead on an unconstrained vector. */

/** Options of `nelderMead`; defaults follow R's `optim(method = "Nelder-Mead")`. */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate; default 10% of |x_i| (0.00025 where x_i = 0, as SciPy). */
  readonly step?: ArrayLike<number>;
  /** Maximum iterations (R: 500 for optim, 2000 in forecast::ets). */
  readonly maxIterations?: number;
  /** Stop when the simplex's value spread is below reltol·(|f(best)| + reltol) (R's `reltol`, 1.5e-8). */
  readonly relativeTolerance?: number;
}

export interface NelderMeadResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Minimises f by the Nelder–Mead simplex method (Nelder & Mead 1965, Comput. J. 7(4)) with the standard
 * coefficients: reflection 1, expansion 2, contraction ½, shrink ½. Constraints are expressed by f returning
 * +Infinity outside the feasible set, as R's ets does.
 * @example nelderMead((x) => (x[0] - 1) ** 2, [0]).x[0] // ≈ 1
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const d = x0.length;
  const maxIterations = options.maxIterations ?? 2000;
  const reltol = options.relativeTolerance ?? 1.5e-8;
  const evaluate = (x: Float64Array): number => {
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const simplex: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < d; i++) {
    const vertex = Float64Array.from(x0);
    const xi = vertex[i] ?? 0;
    const step = options.step?.[i] ?? (xi === 0 ? 0.00025 : 0.1 * Math.abs(xi));
    vertex[i] = xi + step;
    simplex.push(vertex);
  }
  const values = simplex.map(evaluate);
  const order = Array.from({ length: d + 1 }, (_, i) => i);
  const centroid = new Float64Array(d);
  const along = (from: Float64Array, towards: Float64Array, t: number): Float64Array =>
    from.map((v, i) => v + t * ((towards[i] ?? 0) - v));

  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    order.sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
    const best = order[0] ?? 0;
    const worst = order[d] ?? 0;
    const secondWorst = order[d - 1] ?? best;
    const fBest = values[best] ?? 0;
    const fWorst = values[worst] ?? 0;
    if (Number.isFinite(fWorst) && fWorst - fBest <= reltol * (Math.abs(fBest) + reltol)) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (const k of order.slice(0, d)) {
      const vertex = simplex[k] ?? centroid;
      for (let i = 0; i < d; i++) centroid[i] = (centroid[i] ?? 0) + (vertex[i] ?? 0) / d;
    }
    const xWorst = simplex[worst] ?? centroid;
    // Points on the line from the worst vertex through the centroid: t = 2 reflects, 3 expands, 1.5 / 0.5 contract.
    const reflected = along(xWorst, centroid, 2);
    const fReflected = evaluate(reflected);
    if (fReflected < fBest) {
      const expanded = along(xWorst, centroid, 3);
      const fExpanded = evaluate(expanded);
      const takeExpanded = fExpanded < fReflected;
      simplex[worst] = takeExpanded ? expanded : reflected;
      values[worst] = takeExpanded ? fExpanded : fReflected;
      continue;
    }
    if (fReflected < (values[secondWorst] ?? 0)) {
      simplex[worst] = reflected;
      values[worst] = fReflected;
      continue;
    }
    const outside = fReflected < fWorst;
    const contracted = along(xWorst, centroid, outside ? 1.5 : 0.5);
    const fContracted = evaluate(contracted);
    if (fContracted < (outside ? fReflected : fWorst)) {
      simplex[worst] = contracted;
      values[worst] = fContracted;
      continue;
    }
    const xBest = simplex[best] ?? centroid;
    for (const k of order.slice(1)) {
      simplex[k] = along(xBest, simplex[k] ?? xBest, 0.5);
      values[k] = evaluate(simplex[k] ?? xBest);
    }
  }
  let bestIndex = 0;
  for (let k = 1; k <= d; k++) if ((values[k] ?? 0) < (values[bestIndex] ?? 0)) bestIndex = k;
  return {
    x: simplex[bestIndex] ?? Float64Array.from(x0),
    value: values[bestIndex] ?? Number.POSITIVE_INFINITY,
    iterations,
    converged,
  };
}
