/**
 * Recommends setpoints from process history: fits the surrogate (surrogate.ts) on aligned rows, then chooses the
 * controllable inputs u* at the current context x that minimise (maximise, or bring to a target) the predicted
 * output, within bounds and linear constraints, with the predicted improvement and its uncertainty, an
 * extrapolation warning, a response surface over two controls and a design of next trials.
 *
 * Why this search: the recommendation is applied to production by an engineer, not spent as an experiment, so it
 * minimises a pessimistic score — the GP mean plus κ posterior sds (κ = 1 by default; a lower confidence bound
 * used the cautious way round) — rather than expected improvement, which would reward uncertain corners. The
 * surrogate is cheap to evaluate, so CMA-ES (Hansen 2016) searches the box globally and Nelder–Mead polishes the
 * best point. Expected improvement (Jones, Schonlau & Welch 1998) is used where exploring is the point: the first
 * of the next trials.
 */
import { expectedImprovement } from '../../analytics/process/optimize/bayes.js';
import { cmaEs, nelderMeadInBox } from '../../analytics/process/optimize/cmaes.js';
import { latinHypercube } from '../../analytics/process/optimize/design.js';
import { seededRandom } from '../../analytics/random.js';
import { UserError } from '../../domain/index.js';
import { type FitScore, type Surrogate, type Trend, fitSurrogate } from './surrogate.js';

export type Goal =
  { readonly kind: 'min' } | { readonly kind: 'max' } | { readonly kind: 'target'; readonly value: number };

export interface ControlSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** Σ coefficients[name]·u[name] ≤ max over the controls. */
export interface LinearConstraint {
  readonly coefficients: Readonly<Record<string, number>>;
  readonly max: number;
}

export interface ProcessHistory {
  /** Rows of control values then context values, in the order of `controls` and `context`. */
  readonly X: readonly (readonly number[])[];
  readonly y: readonly number[];
}

export interface OptimizeProcessRequest {
  readonly controls: readonly ControlSpec[];
  readonly context: readonly string[];
  readonly history: ProcessHistory;
  /** Current setpoints (per control) and context values (per context input). */
  readonly current: { readonly controls: readonly number[]; readonly context: readonly number[] };
  readonly goal: Goal;
  readonly constraints?: readonly LinearConstraint[];
  /** Posterior sds added to the score (default 1). */
  readonly kappa?: number;
  /** Rows the GP is fitted on (default 150, evenly spread over the history); the rest only count in `rows`. */
  readonly maxRows?: number;
  /** Grid points per axis of the response surface (default 25). */
  readonly gridSize?: number;
  /** The two controls of the response surface (default the first two). */
  readonly surfaceAxes?: readonly [string, string];
  /** Next trials suggested (default 6). */
  readonly trials?: number;
  readonly seed?: number;
  readonly trend?: Trend;
}

export interface Prediction {
  readonly mean: number;
  readonly sd: number;
}

export interface ProcessRecommendation {
  readonly rows: { readonly available: number; readonly fitted: number };
  readonly surrogate: {
    readonly kind: 'gaussian-process';
    readonly kernel: 'matern52';
    readonly trend: Trend;
    /** Length-scale per input (controls then context) as a fraction of its range. */
    readonly lengthScales: Readonly<Record<string, number>>;
    readonly noiseSd: number;
  };
  readonly fit: {
    readonly folds: number;
    readonly r2: number;
    readonly rmse: number;
    readonly candidates: readonly FitScore[];
  };
  readonly search: string;
  readonly recommended: readonly number[];
  readonly predicted: { readonly current: Prediction; readonly recommended: Prediction };
  /** Better by this much (positive = better for the goal); sd assumes the two predictions independent (an upper bound when they correlate positively). */
  readonly improvement: Prediction;
  readonly extrapolation: {
    readonly warning: boolean;
    /** Posterior sd at u* over the sd of the output in the history. */
    readonly sdRatio: number;
    /** Distance from u* (with the current context) to the nearest history row, in unit-box coordinates. */
    readonly nearestDistance: number;
    readonly message?: string;
  };
  readonly surface: {
    readonly x: { readonly name: string; readonly values: number[] };
    readonly y: { readonly name: string; readonly values: number[] };
    /** mean[i][j] at y.values[i], x.values[j]. */
    readonly mean: number[][];
    readonly sd: number[][];
    /** History rows projected on the two axes. */
    readonly points: { readonly x: number[]; readonly y: number[] };
  };
  readonly nextTrials: {
    readonly design: string;
    readonly rows: readonly {
      readonly values: number[];
      readonly mean: number;
      readonly sd: number;
      readonly why: string;
    }[];
  };
}

/** Extrapolation thresholds: sd at u* above a quarter of the output's spread, or u* a fifth of the box from any row. */
const SD_RATIO_WARN = 0.25;
const DISTANCE_WARN = 0.2;

function evenlySpread(n: number, m: number): number[] {
  if (n <= m) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
}

/** Step to round a recommended value to: about 1/200 of the range, a power of ten. */
export function resolution(min: number, max: number): number {
  return 10 ** Math.floor(Math.log10((max - min) / 200));
}

function roundTo(value: number, step: number): number {
  const r = Math.round(value / step) * step;
  return Number(r.toFixed(Math.max(0, -Math.floor(Math.log10(step)))));
}

/**
 * @example
 * optimizeProcess({ controls: [{ name: 'force', min: 200, max: 600 }], context: [], history: { X, y },
 *   current: { controls: [320], context: [] }, goal: { kind: 'min' } }).recommended // [≈ 420]
 */
export function optimizeProcess(request: OptimizeProcessRequest): ProcessRecommendation {
  const { controls, context, history, goal } = request;
  const nc = controls.length;
  if (nc === 0) throw new UserError('invalid_input', 'give at least one control with its bounds');
  for (const c of controls)
    if (!(c.max > c.min))
      throw new UserError('invalid_input', `control ${c.name}: the upper bound must be above the lower`);
  const seed = request.seed ?? 1;
  const kappa = request.kappa ?? 1;
  const names = [...controls.map((c) => c.name), ...context];
  const keep = evenlySpread(history.X.length, request.maxRows ?? 150);
  const X = keep.map((i) => history.X[i] ?? []);
  const y = keep.map((i) => history.y[i] ?? Number.NaN);
  // Context inputs are scaled by their range in the data, widened to include the current value.
  const lower = [...controls.map((c) => c.min)];
  const upper = [...controls.map((c) => c.max)];
  context.forEach((_, k) => {
    const col = X.map((r) => r[nc + k] ?? 0);
    const cur = request.current.context[k] ?? 0;
    const lo = Math.min(cur, ...col);
    const hi = Math.max(cur, ...col);
    lower.push(lo);
    upper.push(hi > lo ? hi : lo + 1);
  });
  const surrogate: Surrogate = fitSurrogate(X, y, {
    lower,
    upper,
    seed,
    ...(request.trend !== undefined && { trend: request.trend }),
  });
  const at = (u: readonly number[]) => surrogate.predict([...u, ...request.current.context]);
  // Score to minimise for the goal: the value of the mean for the goal plus κ sds.
  const loss = (p: Prediction): number =>
    goal.kind === 'min' ? p.mean : goal.kind === 'max' ? -p.mean : Math.abs(p.mean - goal.value);
  const violation = (u: readonly number[]): number => {
    let v = 0;
    for (const c of request.constraints ?? []) {
      let s = 0;
      controls.forEach((ctl, j) => (s += (c.coefficients[ctl.name] ?? 0) * (u[j] ?? 0)));
      v += Math.max(0, s - c.max);
    }
    return v;
  };
  const yMean = mean(y);
  const ySd = Math.sqrt(y.reduce((s, v) => s + (v - yMean) ** 2, 0) / y.length) || 1;
  const score = (u: readonly number[]) => {
    const p = at(u);
    // A violated constraint costs far more than any difference in the output.
    return loss(p) + kappa * p.sd + 1e3 * ySd * violation(u);
  };
  const bounds = { lower: controls.map((c) => c.min), upper: controls.map((c) => c.max) };
  const current = request.current.controls;
  const global = cmaEs(score, bounds, {
    x0: current.map((v, j) => Math.min(bounds.upper[j] ?? v, Math.max(bounds.lower[j] ?? v, v))),
    sigma0: 0.3,
    maxEvaluations: 150 * (nc + 2),
    seed,
  });
  const polished = nelderMeadInBox(score, bounds, { x0: global.x, step: 0.05, maxIterations: 200 * nc });
  const best = polished.value < global.value ? polished.x : global.x;
  const recommended = best.map((v, j) => {
    const c = controls[j] as ControlSpec;
    return Math.min(c.max, Math.max(c.min, roundTo(v, resolution(c.min, c.max))));
  });
  if (violation(recommended) > 1e-9)
    throw new UserError('invalid_input', 'no setpoints within the bounds satisfy the constraints');
  const predictedCurrent = at(current);
  const predictedBest = at(recommended);
  const improvement = {
    mean: loss(predictedCurrent) - loss(predictedBest),
    sd: Math.sqrt(predictedCurrent.sd ** 2 + predictedBest.sd ** 2),
  };

  // Extrapolation: how far u* (with the current context) is from the history, and how unsure the GP is there.
  const unit = (row: readonly number[]) =>
    row.map((v, j) => (v - (lower[j] ?? 0)) / ((upper[j] ?? 1) - (lower[j] ?? 0) || 1));
  const target = unit([...recommended, ...request.current.context]);
  let nearest = Number.POSITIVE_INFINITY;
  for (const r of X) {
    const u = unit(r);
    nearest = Math.min(nearest, Math.hypot(...u.map((v, j) => v - (target[j] ?? 0))));
  }
  const sdRatio = predictedBest.sd / ySd;
  const warning = sdRatio > SD_RATIO_WARN || nearest > DISTANCE_WARN;

  // Response surface over two controls, the others at u*.
  const axes = request.surfaceAxes ?? [controls[0]?.name ?? '', controls[1]?.name ?? controls[0]?.name ?? ''];
  const ax = axes.map((a) => {
    const j = controls.findIndex((c) => c.name === a);
    if (j < 0) throw new UserError('invalid_input', `surface axis ${a} is not one of the controls`);
    return j;
  }) as [number, number];
  const g = request.gridSize ?? 25;
  const grid = (j: number) => {
    const c = controls[j] as ControlSpec;
    return Array.from({ length: g }, (_, i) => c.min + ((c.max - c.min) * i) / (g - 1));
  };
  const xs = grid(ax[0]);
  const ys = grid(ax[1]);
  const meanGrid: number[][] = [];
  const sdGrid: number[][] = [];
  for (const yv of ys) {
    const mrow: number[] = [];
    const srow: number[] = [];
    for (const xv of xs) {
      const u = [...recommended];
      u[ax[0]] = xv;
      u[ax[1]] = yv;
      const p = at(u);
      mrow.push(p.mean);
      srow.push(p.sd);
    }
    meanGrid.push(mrow);
    sdGrid.push(srow);
  }

  // Next trials: the expected-improvement maximiser (exploration), then a maximin Latin hypercube in a box of ±15 %
  // of each range around u*, clipped to the bounds and kept within the constraints.
  const trials = request.trials ?? 6;
  const rows: { values: number[]; mean: number; sd: number; why: string }[] = [];
  if (trials > 0) {
    const incumbent = loss(predictedBest);
    const negEi = (u: readonly number[]) => {
      const p = at(u);
      if (violation(u) > 0) return Number.POSITIVE_INFINITY;
      // EI of the goal's loss: the loss's mean and the GP's sd (for a target, |μ − T| is treated as the mean).
      return -expectedImprovement(incumbent, loss(p), p.sd);
    };
    const ei = cmaEs(negEi, bounds, {
      x0: recommended,
      sigma0: 0.3,
      maxEvaluations: 100 * (nc + 2),
      seed: seed + 1,
    });
    const eiPoint = ei.x.map((v, j) => roundTo(v, resolution(controls[j]?.min ?? 0, controls[j]?.max ?? 1)));
    rows.push({ values: eiPoint, ...at(eiPoint), why: 'largest expected improvement (explores)' });
    const box = {
      lower: recommended.map((v, j) =>
        Math.max(bounds.lower[j] ?? v, v - 0.15 * ((bounds.upper[j] ?? v) - (bounds.lower[j] ?? v))),
      ),
      upper: recommended.map((v, j) =>
        Math.min(bounds.upper[j] ?? v, v + 0.15 * ((bounds.upper[j] ?? v) - (bounds.lower[j] ?? v))),
      ),
    };
    const design = latinHypercube(Math.max(1, trials - 1), nc, seededRandom(seed + 2), {
      criterion: 'maximin',
    });
    for (const r of design) {
      const values = r.map((v, j) => {
        const lo = box.lower[j] ?? 0;
        const hi = box.upper[j] ?? 0;
        return roundTo(lo + v * (hi - lo), resolution(controls[j]?.min ?? 0, controls[j]?.max ?? 1));
      });
      if (violation(values) > 0) continue;
      rows.push({ values, ...at(values), why: 'Latin hypercube around the recommendation' });
    }
  }

  return {
    rows: { available: history.X.length, fitted: X.length },
    surrogate: {
      kind: 'gaussian-process',
      kernel: 'matern52',
      trend: surrogate.trend,
      lengthScales: Object.fromEntries(
        names.map((n, j) => [n, surrogate.hyperparameters.lengthScales[j] ?? Number.NaN]),
      ),
      noiseSd: surrogate.noiseSd,
    },
    fit: { ...surrogate.fit, candidates: surrogate.candidates },
    search: `CMA-ES then Nelder–Mead on the GP mean + ${kappa}·sd at the current context`,
    recommended,
    predicted: { current: predictedCurrent, recommended: predictedBest },
    improvement,
    extrapolation: {
      warning,
      sdRatio,
      nearestDistance: nearest,
      ...(warning && {
        message:
          nearest > DISTANCE_WARN
            ? 'the recommendation lies away from the settings in the history: the surrogate extrapolates; try it in steps or run the next trials first'
            : 'the surrogate is uncertain at the recommendation: run the next trials to learn more before changing production',
      }),
    },
    surface: {
      x: { name: controls[ax[0]]?.name ?? '', values: xs },
      y: { name: controls[ax[1]]?.name ?? '', values: ys },
      mean: meanGrid,
      sd: sdGrid,
      points: { x: X.map((r) => r[ax[0]] ?? Number.NaN), y: X.map((r) => r[ax[1]] ?? Number.NaN) },
    },
    nextTrials: {
      design: 'expected-improvement point + maximin Latin hypercube (±15 % of each range around u*)',
      rows,
    },
  };
}

function mean(a: readonly number[]): number {
  return a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
}
