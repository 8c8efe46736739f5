/**
 * Bayesian optimisation for minimisation in box bounds: GP surrogates, expected improvement, and black-box
 * constraints g(x) ≤ 0 by probability of feasibility; an ask/tell optimiser so trials can run on the real process.
 */
import { UserError } from '../../../domain/errors.js';
import { normalCdf } from '../../quality/normal.js';
import { seededRandom } from '../../random.js';
import { nelderMead } from '../../supply/optim.js';
import { latinHypercube, unitToBounds } from './design.js';
import { type Bounds, type GaussianProcess, type GpHyperparameters, type KernelKind, fitGp } from './gp.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Expected improvement below the incumbent `best` of a normal prediction N(mean, sd²), for minimisation
 * (Jones, Schonlau & Welch, "Efficient global optimization of expensive black-box functions", J. Global Optim. 13,
 * 1998, eq. 15): EI = (best − μ)·Φ(z) + σ·φ(z), z = (best − μ)/σ; max(best − μ, 0) when σ = 0.
 * @example expectedImprovement(0, 0, 1) // φ(0) = 0.3989422804014327
 */
export function expectedImprovement(best: number, mean: number, sd: number): number {
  const diff = best - mean;
  if (!(sd > 0)) return Math.max(diff, 0);
  const z = diff / sd;
  return diff * normalCdf(z) + sd * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

export interface Observation {
  readonly x: readonly number[];
  readonly value: number;
  /** Observed constraint values; the trial is feasible when all are ≤ 0. */
  readonly constraints: readonly number[];
}

export interface BayesOptions {
  /** Number of constraint outputs g(x) ≤ 0 each trial reports (default 0). */
  readonly constraintCount?: number;
  readonly kernel?: KernelKind;
  readonly seed?: number;
  /** Size of the initial maximin Latin-hypercube design (default max(5, 2(d + 1))). */
  readonly initialPoints?: number;
  /** Random candidates for the acquisition search (default 1000), plus 100 around each of the 5 best trials. */
  readonly candidates?: number;
  /** Local Nelder–Mead refinements from the best candidates (default 3). */
  readonly refinements?: number;
  /** Random restarts when fitting each GP's hyperparameters (default 1, plus a warm start from the last fit). */
  readonly gpRestarts?: number;
}

export interface PredictedOptimum {
  readonly x: number[];
  /** Posterior mean of the objective there. */
  readonly mean: number;
  /** Posterior standard deviation of the objective there (the latent f, without observation noise). */
  readonly sd: number;
  /** Probability that all constraints hold there (1 without constraints). */
  readonly probabilityFeasible: number;
}

interface Models {
  readonly objective: GaussianProcess;
  readonly constraints: readonly GaussianProcess[];
}

/**
 * Ask/tell Bayesian optimiser. `suggest(n)` proposes the next n trials: first the unobserved points of a seeded
 * maximin Latin hypercube, then maximisers of EI × P(feasible) (Gardner, Kusner, Xu, Weinberger & Cunningham,
 * "Bayesian optimization with inequality constraints", ICML 2014, eq. 5; P(feasible) = Πₖ Φ(−μₖ/σₖ) from one GP per
 * constraint; P(feasible) alone while no observed trial is feasible, as they do). The acquisition is maximised over
 * random candidates and points near the best trials, then refined by Nelder–Mead from the best candidates. Batches
 * use the "kriging believer" heuristic (Ginsbourger, Le Riche & Carraro 2010): each chosen point is added with its
 * posterior mean as a pretend observation before choosing the next. The incumbent for EI is the lowest posterior
 * mean at a feasible trial, which copes with noisy observations (Picheny et al. 2013, "plug-in" EI).
 */
export class BayesianOptimizer {
  readonly bounds: Bounds;
  readonly dimension: number;
  private readonly options: BayesOptions;
  private readonly design: number[][];
  private readonly observations: Observation[] = [];
  private lastHyper: GpHyperparameters[] = [];
  private cached: { count: number; models: Models } | undefined;

  constructor(bounds: Bounds, options: BayesOptions = {}) {
    const d = bounds.lower.length;
    if (d === 0 || bounds.upper.length !== d)
      throw new UserError('invalid_input', 'bounds need as many upper as lower values, at least one');
    for (let j = 0; j < d; j++)
      if (!((bounds.upper[j] ?? 0) > (bounds.lower[j] ?? 0)))
        throw new UserError('invalid_input', `bound ${j}: upper must exceed lower`);
    this.bounds = bounds;
    this.dimension = d;
    this.options = options;
    const n0 = options.initialPoints ?? Math.max(5, 2 * (d + 1));
    this.design = unitToBounds(
      latinHypercube(n0, d, seededRandom(options.seed ?? 1), { criterion: 'maximin', candidates: 20 }),
      bounds,
    );
  }

  /** Records a trial's result. */
  tell(x: readonly number[], value: number, constraints: readonly number[] = []): void {
    if (x.length !== this.dimension)
      throw new UserError('invalid_input', `x must have ${this.dimension} values`);
    if (!Number.isFinite(value)) throw new UserError('invalid_input', 'the observed value must be finite');
    if (constraints.length !== (this.options.constraintCount ?? 0))
      throw new UserError('invalid_input', `give ${this.options.constraintCount ?? 0} constraint values`);
    this.observations.push({ x: [...x], value, constraints: [...constraints] });
  }

  /** Every trial told so far, in order. */
  get history(): readonly Observation[] {
    return this.observations;
  }

  /** The best feasible observed trial by its observed value (undefined when none is feasible). */
  bestObserved(): Observation | undefined {
    let best: Observation | undefined;
    for (const o of this.observations)
      if (o.constraints.every((g) => g <= 0) && (best === undefined || o.value < best.value)) best = o;
    return best;
  }

  /**
   * The feasible observed trial with the lowest posterior mean — the recommendation under noise (Picheny et al.
   * 2013); the best observed trial while there are too few trials for a model.
   */
  recommended(): Observation | undefined {
    const models = this.models();
    if (models === undefined) return this.bestObserved();
    let best: { o: Observation; mean: number } | undefined;
    for (const o of this.observations) {
      if (!o.constraints.every((g) => g <= 0)) continue;
      const mean = models.objective.predict(o.x).mean;
      if (best === undefined || mean < best.mean) best = { o, mean };
    }
    return best?.o;
  }

  /** The next n trials to run (deterministic for a given seed and history). */
  suggest(n = 1): number[][] {
    const out: number[][] = [];
    for (let i = this.observations.length; i < this.design.length && out.length < n; i++)
      out.push([...(this.design[i] ?? [])]);
    if (out.length === n) return out;
    let models = this.models();
    if (models === undefined) {
      const rnd = seededRandom((this.options.seed ?? 1) * 7919 + this.observations.length);
      while (out.length < n)
        out.push(unitToBounds([Array.from({ length: this.dimension }, rnd)], this.bounds)[0] ?? []);
      return out;
    }
    const pretend: Observation[] = [];
    while (out.length < n) {
      const x = this.maximiseAcquisition(models, out.length);
      out.push(x);
      if (out.length === n) break;
      pretend.push({
        x,
        value: models.objective.predict(x).mean,
        constraints: models.constraints.map((g) => g.predict(x).mean),
      });
      models = this.fit([...this.observations, ...pretend], false);
    }
    return out;
  }

  /** Minimiser of the posterior mean subject to every constraint's posterior mean ≤ 0, with its uncertainty. */
  predictedOptimum(): PredictedOptimum | undefined {
    const models = this.models();
    if (models === undefined) return undefined;
    const score = (x: readonly number[]): number => {
      let penalty = 0;
      for (const g of models.constraints) penalty += Math.max(0, g.predict(x).mean);
      return models.objective.predict(x).mean + 1e6 * penalty;
    };
    const x = this.searchBox(score, this.observations.length + 104729);
    const p = models.objective.predict(x);
    return {
      x,
      mean: p.mean,
      sd: Math.sqrt(p.variance),
      probabilityFeasible: probabilityFeasible(models, x),
    };
  }

  private models(): Models | undefined {
    if (this.observations.length < 2) return undefined;
    if (this.cached?.count !== this.observations.length)
      this.cached = { count: this.observations.length, models: this.fit(this.observations, true) };
    return this.cached.models;
  }

  private fit(observations: readonly Observation[], optimise: boolean): Models {
    const X = observations.map((o) => o.x);
    const k = this.options.constraintCount ?? 0;
    const outputs = [observations.map((o) => o.value)];
    for (let c = 0; c < k; c++) outputs.push(observations.map((o) => o.constraints[c] ?? 0));
    const gps = outputs.map((y, i) => {
      const previous = this.lastHyper[i];
      const gp = fitGp(X, y, {
        kernel: this.options.kernel ?? 'matern52',
        bounds: this.bounds,
        seed: (this.options.seed ?? 1) * 31 + observations.length * 7 + i,
        restarts: this.options.gpRestarts ?? 1,
        ...(optimise ? {} : previous === undefined ? {} : { hyperparameters: previous }),
        ...(previous === undefined ? {} : { initial: previous }),
      });
      if (optimise) this.lastHyper[i] = gp.hyperparameters;
      return gp;
    });
    const [objective, ...constraints] = gps;
    if (objective === undefined) throw new UserError('invalid_input', 'no observations');
    return { objective, constraints };
  }

  private maximiseAcquisition(models: Models, batchIndex: number): number[] {
    const feasibleMeans = this.observations
      .filter((o) => o.constraints.every((g) => g <= 0))
      .map((o) => models.objective.predict(o.x).mean);
    const incumbent = feasibleMeans.length > 0 ? Math.min(...feasibleMeans) : undefined;
    const negAcquisition = (x: readonly number[]): number => {
      const pf = probabilityFeasible(models, x);
      if (incumbent === undefined) return -pf;
      const p = models.objective.predict(x);
      return -expectedImprovement(incumbent, p.mean, Math.sqrt(p.variance)) * pf;
    };
    return this.searchBox(negAcquisition, this.observations.length * 131 + batchIndex);
  }

  /** Minimises a cheap function of x over the box: random + local candidates, then Nelder–Mead from the best. */
  private searchBox(score: (x: readonly number[]) => number, salt: number): number[] {
    const d = this.dimension;
    const rnd = seededRandom(((this.options.seed ?? 1) * 1000003 + salt) >>> 0);
    const toX = (u: ArrayLike<number>) => unitToBounds([Array.from(u)], this.bounds)[0] ?? [];
    const toU = (x: readonly number[]) =>
      x.map(
        (v, j) =>
          (v - (this.bounds.lower[j] ?? 0)) / ((this.bounds.upper[j] ?? 0) - (this.bounds.lower[j] ?? 0)),
      );
    const candidates: number[][] = [];
    const count = this.options.candidates ?? 1000;
    for (let i = 0; i < count; i++) candidates.push(Array.from({ length: d }, rnd));
    const best = [...this.observations].sort((a, b) => a.value - b.value).slice(0, 5);
    for (const o of best) {
      const u0 = toU(o.x);
      for (let i = 0; i < 100; i++) {
        // Box–Muller for a local Gaussian step of sd 0.05 (unit-box units), clipped to the box.
        candidates.push(
          u0.map((u) => {
            const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
            return Math.min(1, Math.max(0, u + 0.05 * z));
          }),
        );
      }
    }
    const scored = candidates.map((u) => ({ u, s: score(toX(u)) })).sort((a, b) => a.s - b.s);
    let winner = scored[0] ?? { u: new Array<number>(d).fill(0.5), s: Number.POSITIVE_INFINITY };
    for (const start of scored.slice(0, this.options.refinements ?? 3)) {
      const result = nelderMead(
        (u) => {
          for (let j = 0; j < d; j++) if ((u[j] ?? 0) < 0 || (u[j] ?? 0) > 1) return Number.POSITIVE_INFINITY;
          return score(toX(u));
        },
        start.u,
        {
          step: start.u.map((u) => (u > 0.5 ? -0.02 : 0.02)),
          maxIterations: 60 * d,
          relativeTolerance: 1e-6,
        },
      );
      if (result.value < winner.s) winner = { u: Array.from(result.x), s: result.value };
    }
    return toX(winner.u);
  }
}

function probabilityFeasible(models: Models, x: readonly number[]): number {
  let pf = 1;
  for (const g of models.constraints) {
    const p = g.predict(x);
    const sd = Math.sqrt(p.variance);
    pf *= sd > 0 ? normalCdf(-p.mean / sd) : p.mean <= 0 ? 1 : 0;
  }
  return pf;
}

export interface BayesResult {
  /** The best feasible observed trial (by observed value). */
  readonly best: Observation | undefined;
  /** The feasible trial with the lowest posterior mean (the choice under noise). */
  readonly recommended: Observation | undefined;
  readonly predictedOptimum: PredictedOptimum | undefined;
  readonly history: readonly Observation[];
  /** The next n trials the model would run. */
  readonly suggest: (n?: number) => number[][];
}

/**
 * Runs Bayesian optimisation for `maxEvaluations` trials of `evaluate`, which returns the objective and, with
 * `constraintCount`, the constraint values g(x) (feasible when all ≤ 0).
 * @example bayesianOptimize((x) => ({ value: branin(x) }), BRANIN.bounds, { maxEvaluations: 30 }).best
 */
export function bayesianOptimize(
  evaluate: (x: readonly number[]) => { value: number; constraints?: readonly number[] },
  bounds: Bounds,
  options: BayesOptions & { readonly maxEvaluations?: number } = {},
): BayesResult {
  const optimizer = new BayesianOptimizer(bounds, options);
  const budget = options.maxEvaluations ?? 50;
  while (optimizer.history.length < budget) {
    const [x] = optimizer.suggest(1);
    if (x === undefined) break;
    const r = evaluate(x);
    optimizer.tell(x, r.value, r.constraints ?? []);
  }
  return {
    best: optimizer.bestObserved(),
    recommended: optimizer.recommended(),
    predictedOptimum: optimizer.predictedOptimum(),
    history: optimizer.history,
    suggest: (n = 1) => optimizer.suggest(n),
  };
}
