/**
 * Standard optimisation test functions with their known minima, as defined in the Virtual Library of Simulation
 * Experiments (S. Surjanovic & D. Bingham, Simon Fraser University, https://www.sfu.ca/~ssurjano/optimization.html).
 */
import { type Bounds } from './gp.js';

export interface TestFunction {
  readonly name: string;
  readonly bounds: Bounds;
  /** The noise-free objective. */
  readonly f: (x: readonly number[]) => number;
  /** The known global minimum value (within the constraints, if any). */
  readonly minimum: number;
  /** The known minimisers. */
  readonly minimizers: readonly (readonly number[])[];
  /** Constraints g(x) ≤ 0, if any. */
  readonly constraints?: readonly ((x: readonly number[]) => number)[];
  /** Standard deviation of the Gaussian noise added to observations of f (0 or absent: noise-free). */
  readonly noiseSd?: number;
}

/**
 * Branin (Branin–Hoo) on [−5, 10] × [0, 15]: f = a(x₂ − b x₁² + c x₁ − r)² + s(1 − t) cos x₁ + s with a = 1,
 * b = 5.1/(4π²), c = 5/π, r = 6, s = 10, t = 1/(8π); global minimum 0.397887 at (−π, 12.275), (π, 2.275) and
 * (9.42478, 2.475) (VLSE "branin").
 */
export function branin(x: readonly number[]): number {
  const x1 = x[0] ?? 0;
  const x2 = x[1] ?? 0;
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

export const BRANIN: TestFunction = {
  name: 'branin',
  bounds: { lower: [-5, 0], upper: [10, 15] },
  f: branin,
  minimum: 0.397887357729738,
  minimizers: [
    [-Math.PI, 12.275],
    [Math.PI, 2.275],
    [9.42478, 2.475],
  ],
};

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/**
 * Hartmann 6-D on [0, 1]⁶: f = −Σᵢ αᵢ exp(−Σⱼ Aᵢⱼ (xⱼ − Pᵢⱼ)²); global minimum −3.32237 at
 * (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573) (VLSE "hart6").
 */
export function hartmann6(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++)
      inner += (HARTMANN_A[i]?.[j] ?? 0) * ((x[j] ?? 0) - (HARTMANN_P[i]?.[j] ?? 0)) ** 2;
    s += (HARTMANN_ALPHA[i] ?? 0) * Math.exp(-inner);
  }
  return -s;
}

export const HARTMANN6: TestFunction = {
  name: 'hartmann6',
  bounds: { lower: [0, 0, 0, 0, 0, 0], upper: [1, 1, 1, 1, 1, 1] },
  f: hartmann6,
  minimum: -3.32236801141551,
  minimizers: [[0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]],
};

/**
 * Branin observed with Gaussian noise (sd 1) subject to the disc constraint (x₁ − 2.5)² + (x₂ − 7.5)² ≤ 50 used by
 * Gelbart, Snoek & Adams ("Bayesian optimization with unknown constraints", UAI 2014, §5.1): it excludes two of
 * Branin's three minimisers, leaving (π, 2.275) with value 0.397887. The constraint is a black box to the
 * optimiser, as in Gardner et al. (ICML 2014).
 */
export const NOISY_CONSTRAINED_BRANIN: TestFunction = {
  name: 'branin_noisy_constrained',
  bounds: BRANIN.bounds,
  f: branin,
  minimum: BRANIN.minimum,
  minimizers: [[Math.PI, 2.275]],
  constraints: [(x) => ((x[0] ?? 0) - 2.5) ** 2 + ((x[1] ?? 0) - 7.5) ** 2 - 50],
  noiseSd: 1,
};
