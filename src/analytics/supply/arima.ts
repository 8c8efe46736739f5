/**
 * ARIMA(p,d,q)(P,D,Q)_m with an optional constant (a mean when d + D = 0, a drift when d + D = 1), estimated as R's
 * `arima(method = "CSS-ML")` — conditional sum of squares, then the exact Gaussian likelihood of the differenced series
 * by the Kalman filter — and chosen automatically by the stepwise algorithm of Hyndman & Khandakar (2008, J. Stat.
 * Softw. 27(3)) as R's forecast::auto.arima (≥ 8.0): d by KPSS tests, D by seasonal strength, AICc.
 */
import { UserError } from '../../domain/errors.js';
import {
  DEFAULT_LEVELS,
  checkHorizon,
  normalForecast,
  type FittedModel,
  type Forecast,
  type Forecaster,
} from './forecaster.js';
import { mean, standardDeviation, type Series } from './series.js';
import {
  applyDifferencing,
  checkOrders,
  cssResiduals,
  differencingPolynomial,
  expandArma,
  fromStationary,
  integrate,
  kalmanArma,
  psiWeights,
  rootsOutside,
  toStationary,
  type ArmaCoefficients,
} from './arima-state.js';
import { bfgs } from './arima-optim.js';
import { ndiffs, nsdiffs } from './arima-unit-root.js';

/** The orders of a seasonal ARIMA model and whether it has a constant. */
export interface ArimaSpec {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  /** A mean (d + D = 0) or drift (d + D = 1); ignored with two or more differences, as in R. */
  readonly constant: boolean;
}

/** "CSS-ML": conditional sum of squares for starting values, then exact ML (R's default); "CSS": CSS only. */
export type ArimaMethod = 'CSS-ML' | 'CSS';

/** Estimated coefficients (R's signs: AR enter with +, MA with +) and the constant per period of the differenced series. */
export interface ArimaCoefficients extends ArmaCoefficients {
  readonly ar: Float64Array;
  readonly ma: Float64Array;
  readonly sar: Float64Array;
  readonly sma: Float64Array;
  /** Mean of the differenced series: the intercept (d + D = 0), drift·(1 or m) (d + D = 1), else 0. */
  readonly mean: number;
}

/** A fitted ARIMA model. */
export interface ArimaModel extends FittedModel {
  readonly spec: ArimaSpec;
  /** Seasonal period of the model (1 without seasonal orders). */
  readonly period: number;
  readonly method: ArimaMethod;
  readonly coefficients: ArimaCoefficients;
  /** Residual variance Σe²/(n* − k + 1) as forecast::Arima (k: coefficients + 1); the intervals use it. */
  readonly sigma2: number;
  /** Maximum-likelihood (or CSS) variance Σe²/n*, R stats::arima's `sigma2`. */
  readonly sigma2Ml: number;
  /** Gaussian log-likelihood (R's `loglik`); NaN for a CSS fit. */
  readonly loglik: number;
  readonly aic: number;
  readonly aicc: number;
  readonly bic: number;
  /** Observations after differencing, n* = n − d − mD. */
  readonly nUsed: number;
  /** Residuals on the differenced scale (standardised Kalman innovations, or CSS residuals), length n*. */
  readonly residuals: Float64Array;
  /** False when an AR or MA root lies within 1.01 of the unit circle (forecast::auto.arima then rejects the model). */
  readonly admissible: boolean;
}

/** `ARIMA(1,1,1)(0,1,1)[12] with drift`, as forecast's arima.string. */
export function arimaName(spec: ArimaSpec, m: number): string {
  const seasonal = spec.P + spec.D + spec.Q > 0 ? `(${spec.P},${spec.D},${spec.Q})[${m}]` : '';
  const diffs = spec.d + spec.D;
  const suffix =
    diffs === 0
      ? spec.constant
        ? ' with non-zero mean'
        : ' with zero mean'
      : diffs === 1 && spec.constant
        ? ' with drift'
        : '';
  return `ARIMA(${spec.p},${spec.d},${spec.q})${seasonal}${suffix}`;
}

interface Layout {
  readonly p: number;
  readonly q: number;
  readonly P: number;
  readonly Q: number;
  readonly mean: boolean;
  /**
   * The constant is optimised as (μ − origin)/scale with scale = 10 standard errors of the mean, as R's arima sets
   * optim's parscale for its regression terms: the other parameters are of order 1.
   */
  readonly origin: number;
  readonly scale: number;
}

function split(x: ArrayLike<number>, l: Layout): ArimaCoefficients {
  let i = 0;
  const take = (k: number) => Float64Array.from({ length: k }, () => x[i++] ?? 0);
  const ar = take(l.p);
  const ma = take(l.q);
  const sar = take(l.P);
  const sma = take(l.Q);
  return { ar, ma, sar, sma, mean: l.mean ? l.origin + l.scale * (x[i] ?? 0) : 0 };
}

function join(c: ArimaCoefficients, l: Layout): Float64Array {
  return Float64Array.from([
    ...c.ar,
    ...c.ma,
    ...c.sar,
    ...c.sma,
    ...(l.mean ? [(c.mean - l.origin) / l.scale] : []),
  ]);
}

/** Options of `fitArima`. */
export interface FitArimaOptions {
  readonly method?: ArimaMethod;
  /** BFGS iterations per stage (default 100, R optim's maxit). */
  readonly maxIterations?: number;
  /**
   * For CSS fits: the constant forecast::auto.arima adds to n*·log σ² so that CSS information criteria are comparable
   * with likelihood ones (−2 log L − n log σ² of a reference AR(1) fit).
   */
  readonly offset?: number;
}

function effectivePeriod(spec: ArimaSpec, m: number): number {
  return spec.P + spec.D + spec.Q > 0 ? m : 1;
}

/**
 * Fits one seasonal ARIMA model to a series (R's stats::arima with method "CSS-ML" or "CSS", include.mean / drift as
 * forecast::Arima). The differencing is applied first and the ARMA part fitted to the differenced series: the exact
 * likelihood of the differenced data, which R's diffuse prior (κ = 10⁶) approximates. Estimation by BFGS on
 * R's scale: AR parts through the partial-autocorrelation transform (always stationary), MA parts kept invertible.
 */
export function fitArima(series: Series, spec: ArimaSpec, options: FitArimaOptions = {}): ArimaModel {
  checkOrders({ p: spec.p, d: spec.d, q: spec.q, P: spec.P, D: spec.D, Q: spec.Q });
  const m = effectivePeriod(spec, series.period);
  if (spec.P + spec.D + spec.Q > 0 && m < 2) {
    throw new UserError('invalid_input', 'seasonal ARIMA orders need a seasonal period m ≥ 2');
  }
  const name = arimaName(spec, m);
  const y = series.values;
  const delta = differencingPolynomial(spec.d, spec.D, m);
  const w = applyDifferencing(y, delta);
  const nstar = w.length;
  const layout: Layout = {
    p: spec.p,
    q: spec.q,
    P: spec.P,
    Q: spec.Q,
    mean: spec.constant && spec.d + spec.D <= 1,
    origin: spec.constant ? mean(w) : 0,
    scale: 10 * ((standardDeviation(w) || 1) / Math.sqrt(Math.max(1, w.length))),
  };
  const k = spec.p + spec.q + spec.P + spec.Q + (layout.mean ? 1 : 0);
  const ncond = spec.p + m * spec.P;
  if (nstar < Math.max(ncond + k + 2, 3)) {
    throw new UserError(
      'invalid_input',
      `${name} needs more than ${delta.length + ncond + k + 1} observations, got ${y.length}`,
    );
  }
  const method = options.method ?? 'CSS-ML';
  const maxIterations = options.maxIterations ?? 100;

  const cssObjective = (x: Float64Array): number => {
    const c = split(x, layout);
    const { phi, theta } = expandArma(c, m);
    const res = cssResiduals(
      w.map((v) => v - c.mean),
      phi,
      theta,
      ncond,
    );
    return 0.5 * Math.log(res.ssq / res.nu);
  };
  const start = join(
    {
      ar: new Float64Array(spec.p),
      ma: new Float64Array(spec.q),
      sar: new Float64Array(spec.P),
      sma: new Float64Array(spec.Q),
      mean: layout.origin,
    },
    layout,
  );
  const css = bfgs(cssObjective, start, { maxIterations });
  let coefficients = split(css.x, layout);
  if (method === 'CSS') {
    if (!Number.isFinite(css.value))
      throw new UserError('invalid_input', `${name}: the CSS fit failed on this series`);
    return assemble({ series, spec, m, delta, w, coefficients, method, offset: options.offset ?? 0, k });
  }

  // Exact ML from the CSS estimates, AR parts on the transformed scale (R refuses a non-stationary CSS start).
  const arRaw = fromStationary(coefficients.ar);
  const sarRaw = fromStationary(coefficients.sar);
  if (arRaw === undefined || sarRaw === undefined) {
    throw new UserError('invalid_input', `${name}: non-stationary AR part from CSS`);
  }
  const invertible = (c: ArimaCoefficients) =>
    rootsOutside(c.ma.map((v) => -v)) && rootsOutside(c.sma.map((v) => -v));
  const mlStart = join(
    {
      ar: arRaw,
      sar: sarRaw,
      ma: rootsOutside(coefficients.ma.map((v) => -v)) ? coefficients.ma : new Float64Array(spec.q),
      sma: rootsOutside(coefficients.sma.map((v) => -v)) ? coefficients.sma : new Float64Array(spec.Q),
      mean: coefficients.mean,
    },
    layout,
  );
  const decode = (x: ArrayLike<number>): ArimaCoefficients => {
    const c = split(x, layout);
    return { ...c, ar: toStationary(c.ar), sar: toStationary(c.sar) };
  };
  const mlObjective = (x: Float64Array): number => {
    const c = decode(x);
    if (!invertible(c)) return Number.POSITIVE_INFINITY;
    const { phi, theta } = expandArma(c, m);
    const run = kalmanArma(
      w.map((v) => v - c.mean),
      phi,
      theta,
    );
    if (run === undefined) return Number.POSITIVE_INFINITY;
    return 0.5 * (Math.log(run.ssq / run.nu) + run.sumlog / run.nu);
  };
  const ml = bfgs(mlObjective, mlStart, { maxIterations });
  if (!Number.isFinite(ml.value))
    throw new UserError('invalid_input', `${name}: the likelihood could not be evaluated`);
  coefficients = decode(ml.x);
  return assemble({ series, spec, m, delta, w, coefficients, method, offset: 0, k });
}

/** Builds the fitted model at given coefficients: residuals, variance, criteria, forecasts. */
function assemble(args: {
  series: Series;
  spec: ArimaSpec;
  m: number;
  delta: Float64Array;
  w: Float64Array;
  coefficients: ArimaCoefficients;
  method: ArimaMethod;
  offset: number;
  /** Estimated coefficients (0 when all are fixed). */
  k: number;
}): ArimaModel {
  const { series, spec, m, delta, w, coefficients: c, method, offset, k } = args;
  const nstar = w.length;
  const { phi, theta } = expandArma(c, m);
  const centred = w.map((v) => v - c.mean);
  const run = kalmanArma(centred, phi, theta);
  if (run === undefined) throw new UserError('invalid_input', `${arimaName(spec, m)} has a unit root`);
  let residuals = run.residuals;
  let sigma2Ml = run.ssq / run.nu;
  let loglik = -0.5 * (nstar * Math.log(2 * Math.PI * sigma2Ml) + run.sumlog + nstar);
  const npar = k + 1;
  let aic = -2 * loglik + 2 * npar;
  if (method === 'CSS') {
    const css = cssResiduals(centred, phi, theta, spec.p + m * spec.P);
    residuals = css.residuals;
    sigma2Ml = css.ssq / css.nu;
    loglik = Number.NaN;
    aic = offset + nstar * Math.log(sigma2Ml) + 2 * npar;
  }
  let sse = 0;
  for (const e of residuals) sse += e * e;
  const sigma2 = sse / (nstar - npar + 1);
  const aicc =
    nstar - npar - 1 > 0 ? aic + (2 * npar * (npar + 1)) / (nstar - npar - 1) : Number.POSITIVE_INFINITY;
  const bic = aic + npar * (Math.log(nstar) - 2);
  const admissible =
    rootsOutside(phi, 1.01) &&
    rootsOutside(
      theta.map((v) => -v),
      1.01,
    );

  const y = series.values;
  const lag = delta.length;
  const fitted = new Float64Array(y.length).fill(Number.NaN);
  for (let t = 0; t < nstar; t++) fitted[t + lag] = (y[t + lag] ?? 0) - (residuals[t] ?? 0);
  // ψ-weights of the integrated model: AR polynomial φ(B)·(1 − Σ δ_k B^k).
  const full = new Float64Array(phi.length + delta.length);
  phi.forEach((v, i) => (full[i] = (full[i] ?? 0) + v));
  delta.forEach((v, i) => (full[i] = (full[i] ?? 0) + v));
  phi.forEach((a, i) => delta.forEach((b, j) => (full[i + j + 1] = (full[i + j + 1] ?? 0) - a * b)));

  const params: Record<string, number> = {};
  c.ar.forEach((v, i) => (params[`ar${i + 1}`] = v));
  c.ma.forEach((v, i) => (params[`ma${i + 1}`] = v));
  c.sar.forEach((v, i) => (params[`sar${i + 1}`] = v));
  c.sma.forEach((v, i) => (params[`sma${i + 1}`] = v));
  const diffs = spec.d + spec.D;
  if (spec.constant && diffs === 0) params.intercept = c.mean;
  if (spec.constant && diffs === 1) params.drift = c.mean / (spec.d === 1 ? 1 : m);
  params.sigma2 = sigma2;

  return {
    name: arimaName(spec, m),
    spec,
    period: m,
    method,
    coefficients: c,
    sigma2,
    sigma2Ml,
    loglik,
    aic,
    aicc,
    bic,
    nUsed: nstar,
    residuals,
    admissible,
    params,
    fitted,
    forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): Forecast {
      checkHorizon(h);
      // The ARMA forecasts of the differenced series from the filtered state: a ← T a.
      const r = run.state.length;
      let a = Float64Array.from(run.state);
      const wHat = new Float64Array(h);
      for (let i = 0; i < h; i++) {
        wHat[i] = (a[0] ?? 0) + c.mean;
        const first = a[0] ?? 0;
        a = Float64Array.from(
          { length: r },
          (_, j) => (phi[j] ?? 0) * first + (j + 1 < r ? (a[j + 1] ?? 0) : 0),
        );
      }
      const point = integrate(wHat, y, delta);
      const psi = psiWeights(full, theta, h);
      let cumulative = 0;
      const sd = psi.map((v) => {
        cumulative += v * v;
        return Math.sqrt(sigma2 * cumulative);
      });
      return normalForecast(point, sd, levels);
    },
  };
}

/** A model whose coefficients are all fixed: ARIMA(0,d,0)(0,D,0) with the given constant, as R's `fixed =`. */
function fixedConstantModel(series: Series, spec: ArimaSpec, m: number, level: number): ArimaModel {
  const delta = differencingPolynomial(spec.d, spec.D, m);
  const w = applyDifferencing(series.values, delta);
  const coefficients: ArimaCoefficients = {
    ar: new Float64Array(0),
    ma: new Float64Array(0),
    sar: new Float64Array(0),
    sma: new Float64Array(0),
    mean: level,
  };
  return assemble({ series, spec, m, delta, w, coefficients, method: 'CSS-ML', offset: 0, k: 0 });
}

/** Options of automatic ARIMA; the defaults are forecast::auto.arima's. */
export interface AutoArimaOptions {
  /** A fixed model instead of the search. */
  readonly model?: ArimaSpec;
  /** Fixed differencing orders (default: KPSS for d, seasonal strength for D). */
  readonly d?: number;
  readonly D?: number;
  readonly maxP?: number;
  readonly maxQ?: number;
  readonly maxSeasonalP?: number;
  readonly maxSeasonalQ?: number;
  readonly maxD?: number;
  readonly maxSeasonalD?: number;
  /** Search with CSS and an offset, refit the winner by ML (default: n > 150 or m > 12, as R). */
  readonly approximation?: boolean;
  /** With the approximation: models of the CSS search refitted by ML at most, best first, until one is admissible (all, as R). */
  readonly maxRefits?: number;
  /** Models tried at most in the stepwise search (R: 94). */
  readonly maxModels?: number;
  readonly maxIterations?: number;
}

interface Tried {
  readonly spec: ArimaSpec;
  readonly ic: number;
  readonly model: ArimaModel | undefined;
}

function key(s: ArimaSpec): string {
  return `${s.p},${s.d},${s.q},${s.P},${s.D},${s.Q},${s.constant ? 1 : 0}`;
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/**
 * forecast::auto.arima's stepwise search (Hyndman & Khandakar 2008, §3.2, as implemented in forecast ≥ 8.0): start from
 * ARIMA(2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0) and (0,d,1)(0,D,1) with a constant where allowed, and the
 * null model without one; then move to the first of the neighbours — P ± 1, Q ± 1, both, p ± 1, q ± 1, both, the
 * constant toggled — that lowers the AICc, until none does. Models with roots within 1.01 of the unit circle are
 * rejected.
 */
export function autoArima(series: Series, options: AutoArimaOptions = {}): ArimaModel {
  if (options.model !== undefined)
    return fitArima(series, options.model, { maxIterations: options.maxIterations ?? 100 });
  const y = series.values;
  const n = y.length;
  if (n < 3) throw new UserError('invalid_input', `automatic ARIMA needs at least 3 observations, got ${n}`);
  const m = series.period;
  if (isConstant(y)) {
    return fixedConstantModel(series, { p: 0, d: 0, q: 0, P: 0, D: 0, Q: 0, constant: true }, 1, y[0] ?? 0);
  }
  let maxp = Math.min(options.maxP ?? 5, Math.floor(n / 3));
  let maxq = Math.min(options.maxQ ?? 5, Math.floor(n / 3));
  const seasonal = m > 1;
  const maxSP = seasonal ? Math.min(options.maxSeasonalP ?? 2, Math.floor(n / 3 / m)) : 0;
  const maxSQ = seasonal ? Math.min(options.maxSeasonalQ ?? 2, Math.floor(n / 3 / m)) : 0;
  const D = seasonal ? (options.D ?? nsdiffs(y, m, options.maxSeasonalD ?? 1)) : 0;
  let dx: Float64Array = D > 0 ? applyDifferencing(y, differencingPolynomial(0, D, m)) : Float64Array.from(y);
  const d = options.d ?? ndiffs(dx, { maxD: options.maxD ?? 2 });
  dx = applyDifferencing(dx, differencingPolynomial(d, 0, 1));
  if (dx.length > 0 && isConstant(dx)) {
    if (D === 0 && d >= 2) {
      throw new UserError(
        'invalid_input',
        'the data follow a simple polynomial and are not suitable for ARIMA modelling',
      );
    }
    return fixedConstantModel(
      series,
      { p: 0, d, q: 0, P: 0, D, Q: 0, constant: true },
      D > 0 ? m : 1,
      mean(dx),
    );
  }
  if (seasonal) {
    if (maxSP > 0) maxp = Math.min(maxp, m - 1);
    if (maxSQ > 0) maxq = Math.min(maxq, m - 1);
  }
  const approximation = options.approximation ?? (n > 150 || m > 12);
  const maxIterations = options.maxIterations ?? 100;
  let offset = 0;
  if (approximation) {
    try {
      const reference = fitArima(
        series,
        { p: 1, d, q: 0, P: 0, D, Q: 0, constant: d + D === 0 },
        { maxIterations },
      );
      offset = -2 * reference.loglik - n * Math.log(reference.sigma2Ml);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
  const allowConstant = d + D <= 1;
  const tried = new Map<string, Tried>();
  const maxModels = options.maxModels ?? 94;
  const attempt = (spec: ArimaSpec, method: ArimaMethod): Tried => {
    let model: ArimaModel | undefined;
    try {
      model = fitArima(series, spec, { method, offset, maxIterations });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
    const ic =
      model !== undefined && model.admissible && Number.isFinite(model.aicc)
        ? model.aicc
        : Number.POSITIVE_INFINITY;
    return { spec, ic, model };
  };
  const method: ArimaMethod = approximation ? 'CSS' : 'CSS-ML';
  const visit = (spec: ArimaSpec): Tried | undefined => {
    if (tried.has(key(spec)) || tried.size >= maxModels) return undefined;
    const t = attempt(spec, method);
    tried.set(key(spec), t);
    return t;
  };
  const order = (p: number, q: number, P: number, Q: number, constant: boolean): ArimaSpec => ({
    p,
    d,
    q,
    P: seasonal ? P : 0,
    D,
    Q: seasonal ? Q : 0,
    constant,
  });
  let constant = allowConstant;
  let best: Tried = { spec: order(0, 0, 0, 0, constant), ic: Number.POSITIVE_INFINITY, model: undefined };
  const consider = (t: Tried | undefined): boolean => {
    if (t === undefined || !(t.ic < best.ic)) return false;
    best = t;
    return true;
  };
  consider(
    visit(order(Math.min(2, maxp), Math.min(2, maxq), Math.min(1, maxSP), Math.min(1, maxSQ), constant)),
  );
  consider(visit(order(0, 0, 0, 0, constant)));
  if (maxp > 0 || maxSP > 0) consider(visit(order(maxp > 0 ? 1 : 0, 0, maxSP > 0 ? 1 : 0, 0, constant)));
  if (maxq > 0 || maxSQ > 0) consider(visit(order(0, maxq > 0 ? 1 : 0, 0, maxSQ > 0 ? 1 : 0, constant)));
  if (constant) consider(visit(order(0, 0, 0, 0, false)));

  for (;;) {
    const { p, q, P, Q } = best.spec;
    constant = best.spec.constant;
    const moves: [number, number, number, number, boolean][] = [
      [p, q, P - 1, Q, constant],
      [p, q, P + 1, Q, constant],
      [p, q, P, Q - 1, constant],
      [p, q, P, Q + 1, constant],
      [p, q, P - 1, Q - 1, constant],
      [p, q, P - 1, Q + 1, constant],
      [p, q, P + 1, Q - 1, constant],
      [p, q, P + 1, Q + 1, constant],
      [p - 1, q, P, Q, constant],
      [p + 1, q, P, Q, constant],
      [p, q - 1, P, Q, constant],
      [p, q + 1, P, Q, constant],
      [p - 1, q - 1, P, Q, constant],
      [p - 1, q + 1, P, Q, constant],
      [p + 1, q - 1, P, Q, constant],
      [p + 1, q + 1, P, Q, constant],
      ...(allowConstant ? [[p, q, P, Q, !constant] as [number, number, number, number, boolean]] : []),
    ];
    let improved = false;
    for (const [np, nq, nP, nQ, nc] of moves) {
      if (np < 0 || nq < 0 || nP < 0 || nQ < 0 || np > maxp || nq > maxq || nP > maxSP || nQ > maxSQ)
        continue;
      if (consider(visit(order(np, nq, nP, nQ, nc)))) {
        improved = true;
        break;
      }
    }
    if (!improved || tried.size >= maxModels) break;
  }

  if (!approximation) {
    if (best.model === undefined || !Number.isFinite(best.ic)) {
      throw new UserError('invalid_input', 'no suitable ARIMA model found for this series');
    }
    return best.model;
  }
  // Refit by ML in order of the approximate AICc until one is admissible (forecast ≥ 8.0). Each seasonal ML fit costs
  // seconds, and those whose ML optimum sits on the invertibility boundary fail: maxRefits bounds the cost.
  const ranked = [...tried.values()].filter((t) => Number.isFinite(t.ic)).sort((a, b) => a.ic - b.ic);
  for (const t of ranked.slice(0, options.maxRefits ?? ranked.length)) {
    const refit = attempt(t.spec, 'CSS-ML');
    if (refit.model !== undefined && Number.isFinite(refit.ic)) return refit.model;
  }
  throw new UserError('invalid_input', 'no suitable ARIMA model found for this series');
}

/**
 * ARIMA as a Forecaster: automatic order selection (auto.arima) unless `options.model` fixes the orders.
 * @example arima().fit(makeSeries(weekly, 52)).forecast(13)
 */
export function arima(options: AutoArimaOptions = {}): Forecaster {
  const fixed = options.model;
  const name =
    fixed === undefined
      ? 'ARIMA'
      : `ARIMA(${fixed.p},${fixed.d},${fixed.q})` +
        (fixed.P + fixed.D + fixed.Q > 0 ? `(${fixed.P},${fixed.D},${fixed.Q})` : '');
  return { name, fit: (series) => autoArima(series, options) };
}
