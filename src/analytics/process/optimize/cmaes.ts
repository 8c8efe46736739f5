/** Derivative-free minimisers for cheap objectives in box bounds: CMA-ES, and Nelder–Mead from supply/optim.ts. */
import { UserError } from '../../../domain/errors.js';
import { seededNormal } from '../../random.js';
import { nelderMead } from '../../supply/optim.js';
import { type Bounds } from './gp.js';

export interface MinimizeResult {
  /** The best point evaluated (original units, inside the bounds). */
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
  /** Every evaluation in order: the point (inside the bounds) and its value. */
  readonly history: readonly { readonly x: number[]; readonly value: number }[];
}

export interface CmaEsOptions {
  /** Start (original units); default the centre of the box. */
  readonly x0?: readonly number[];
  /** Initial step size as a fraction of the box width (default 0.3). */
  readonly sigma0?: number;
  /** Population size λ (default 4 + ⌊3 ln d⌋). */
  readonly populationSize?: number;
  /** Evaluation budget (default 1000·d). */
  readonly maxEvaluations?: number;
  readonly seed?: number;
  /** Stop when σ·max(D) falls below this, in unit-box coordinates (default 1e-10). */
  readonly tolX?: number;
}

function checkBounds(bounds: Bounds): number {
  const d = bounds.lower.length;
  if (d === 0 || bounds.upper.length !== d)
    throw new UserError('invalid_input', 'bounds need as many upper as lower values, at least one');
  for (let j = 0; j < d; j++)
    if (!((bounds.upper[j] ?? 0) > (bounds.lower[j] ?? 0)))
      throw new UserError('invalid_input', `bound ${j}: upper must exceed lower`);
  return d;
}

/** Eigen-decomposition of a symmetric d × d matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5). */
export function symmetricEigen(A: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += (a[p * d + q] ?? 0) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q] ?? 0;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q * d + q] ?? 0) - (a[p * d + p] ?? 0)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p] ?? 0;
          const akq = a[k * d + q] ?? 0;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k] ?? 0;
          const aqk = a[q * d + k] ?? 0;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p] ?? 0;
          const vkq = v[k * d + q] ?? 0;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: Float64Array.from({ length: d }, (_, i) => a[i * d + i] ?? 0), vectors: v };
}

/**
 * (μ/μ_w, λ)-CMA-ES with the default parameters of Hansen, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772,
 * 2016, Table 1 and Fig. 6), using the μ positive recombination weights (no active negative update). The search runs
 * in unit-box coordinates. Bounds: a candidate outside the box is evaluated at its projection onto the box and
 * ranked by f(projection) + γ·‖x − projection‖², γ the population's current range of f (at least 1e-12) — repair plus
 * a quadratic penalty, so the mean is drawn back inside (Hansen et al. 2009, "A method for handling uncertainty…",
 * boundary handling in spirit, simplified).
 * @example cmaEs((x) => (x[0] - 1) ** 2, { lower: [-5], upper: [5] }).x[0] // ≈ 1
 */
export function cmaEs(
  f: (x: readonly number[]) => number,
  bounds: Bounds,
  options: CmaEsOptions = {},
): MinimizeResult {
  const n = checkBounds(bounds);
  const toX = (u: ArrayLike<number>): number[] =>
    Array.from(
      { length: n },
      (_, j) => (bounds.lower[j] ?? 0) + (u[j] ?? 0) * ((bounds.upper[j] ?? 0) - (bounds.lower[j] ?? 0)),
    );
  const normal = seededNormal(options.seed ?? 1);
  const lambda = options.populationSize ?? 4 + Math.floor(3 * Math.log(n));
  const mu = Math.floor(lambda / 2);
  const rawW = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const sumW = rawW.reduce((a, b) => a + b, 0);
  const w = rawW.map((x) => x / sumW);
  const muEff = 1 / w.reduce((a, b) => a + b * b, 0);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  const cMu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const maxEvaluations = options.maxEvaluations ?? 1000 * n;
  const tolX = options.tolX ?? 1e-10;

  const m = Float64Array.from({ length: n }, (_, j) => {
    const x0 = options.x0?.[j];
    if (x0 === undefined) return 0.5;
    return Math.min(
      1,
      Math.max(0, (x0 - (bounds.lower[j] ?? 0)) / ((bounds.upper[j] ?? 0) - (bounds.lower[j] ?? 0))),
    );
  });
  let sigma = options.sigma0 ?? 0.3;
  const pSigma = new Float64Array(n);
  const pc = new Float64Array(n);
  let C: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) C[i * n + i] = 1;
  let B: Float64Array = Float64Array.from(C);
  let D: Float64Array = new Float64Array(n).fill(1);

  const history: { x: number[]; value: number }[] = [];
  let best: { x: number[]; value: number } | undefined;
  let generation = 0;
  while (history.length < maxEvaluations) {
    const count = Math.min(lambda, maxEvaluations - history.length);
    const ys: Float64Array[] = [];
    const fitness: number[] = [];
    const raw: number[] = [];
    const distances: number[] = [];
    for (let k = 0; k < count; k++) {
      const z = Float64Array.from({ length: n }, () => normal());
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += (B[i * n + j] ?? 0) * (D[j] ?? 1) * (z[j] ?? 0);
        y[i] = s;
      }
      const u = Float64Array.from(m, (mi, i) => mi + sigma * (y[i] ?? 0));
      const clipped = Float64Array.from(u, (v) => Math.min(1, Math.max(0, v)));
      let dist2 = 0;
      for (let i = 0; i < n; i++) dist2 += ((u[i] ?? 0) - (clipped[i] ?? 0)) ** 2;
      const x = toX(clipped);
      let value = f(x);
      if (Number.isNaN(value)) value = Number.POSITIVE_INFINITY;
      history.push({ x, value });
      if (best === undefined || value < best.value) best = { x, value };
      ys.push(y);
      raw.push(value);
      distances.push(dist2);
    }
    if (count < mu) break;
    const finite = raw.filter(Number.isFinite);
    const gamma = Math.max(1e-12, finite.length > 0 ? Math.max(...finite) - Math.min(...finite) : 1);
    for (let k = 0; k < count; k++) fitness.push((raw[k] ?? 0) + gamma * (distances[k] ?? 0));
    const order = Array.from({ length: count }, (_, k) => k).sort(
      (a, b) => (fitness[a] ?? 0) - (fitness[b] ?? 0),
    );

    const yw = new Float64Array(n);
    for (let i = 0; i < mu; i++) {
      const y = ys[order[i] ?? 0] ?? yw;
      for (let j = 0; j < n; j++) yw[j] = (yw[j] ?? 0) + (w[i] ?? 0) * (y[j] ?? 0);
    }
    for (let j = 0; j < n; j++) m[j] = (m[j] ?? 0) + sigma * (yw[j] ?? 0);
    // C^{-1/2}·y_w = B·D⁻¹·Bᵀ·y_w
    const bty = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (B[i * n + j] ?? 0) * (yw[i] ?? 0);
      bty[j] = s / (D[j] ?? 1);
    }
    const cs = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    let normPs = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (B[i * n + j] ?? 0) * (bty[j] ?? 0);
      pSigma[i] = (1 - cSigma) * (pSigma[i] ?? 0) + cs * s;
      normPs += (pSigma[i] ?? 0) ** 2;
    }
    normPs = Math.sqrt(normPs);
    generation++;
    const hSigma =
      normPs / Math.sqrt(1 - (1 - cSigma) ** (2 * generation)) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
    const ccs = Math.sqrt(cc * (2 - cc) * muEff);
    for (let i = 0; i < n; i++) pc[i] = (1 - cc) * (pc[i] ?? 0) + hSigma * ccs * (yw[i] ?? 0);
    const deltaH = (1 - hSigma) * cc * (2 - cc);
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        for (let k = 0; k < mu; k++) {
          const y = ys[order[k] ?? 0] ?? yw;
          rankMu += (w[k] ?? 0) * (y[i] ?? 0) * (y[j] ?? 0);
        }
        const cij = C[i * n + j] ?? 0;
        const v = (1 - c1 - cMu) * cij + c1 * ((pc[i] ?? 0) * (pc[j] ?? 0) + deltaH * cij) + cMu * rankMu;
        next[i * n + j] = v;
        next[j * n + i] = v;
      }
    C = next;
    sigma *= Math.exp((cSigma / dSigma) * (normPs / chiN - 1));
    const eig = symmetricEigen(C, n);
    B = eig.vectors;
    D = Float64Array.from(eig.values, (v) => Math.sqrt(Math.max(v, 1e-20)));
    if (sigma * Math.max(...D) < tolX) break;
  }
  if (best === undefined) throw new UserError('invalid_input', 'maxEvaluations must be at least 1');
  return { x: best.x, value: best.value, evaluations: history.length, history };
}

export interface NelderMeadBoxOptions {
  readonly x0?: readonly number[];
  /** Initial simplex step as a fraction of the box width (default 0.2). */
  readonly step?: number;
  readonly maxIterations?: number;
}

/**
 * Nelder–Mead (supply/optim.ts) inside box bounds: the search runs in unit-box coordinates and f is +∞ outside the
 * box, which the simplex treats as infeasible.
 * @example nelderMeadInBox((x) => (x[0] - 1) ** 2, { lower: [-5], upper: [5] }).x[0] // ≈ 1
 */
export function nelderMeadInBox(
  f: (x: readonly number[]) => number,
  bounds: Bounds,
  options: NelderMeadBoxOptions = {},
): MinimizeResult {
  const n = checkBounds(bounds);
  const history: { x: number[]; value: number }[] = [];
  const toX = (u: ArrayLike<number>): number[] =>
    Array.from(
      { length: n },
      (_, j) => (bounds.lower[j] ?? 0) + (u[j] ?? 0) * ((bounds.upper[j] ?? 0) - (bounds.lower[j] ?? 0)),
    );
  const u0 = Array.from({ length: n }, (_, j) => {
    const x0 = options.x0?.[j];
    return x0 === undefined
      ? 0.5
      : Math.min(
          1,
          Math.max(0, (x0 - (bounds.lower[j] ?? 0)) / ((bounds.upper[j] ?? 0) - (bounds.lower[j] ?? 0))),
        );
  });
  const step = options.step ?? 0.2;
  const result = nelderMead(
    (u) => {
      for (let j = 0; j < n; j++) if ((u[j] ?? 0) < 0 || (u[j] ?? 0) > 1) return Number.POSITIVE_INFINITY;
      const x = toX(u);
      const value = f(x);
      history.push({ x, value });
      return value;
    },
    u0,
    { step: u0.map((u) => (u + step <= 1 ? step : -step)), maxIterations: options.maxIterations ?? 200 * n },
  );
  return { x: toX(result.x), value: result.value, evaluations: history.length, history };
}
