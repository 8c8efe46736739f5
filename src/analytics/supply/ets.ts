/**
 * Exponential smoothing state-space models ETS(E,T,S), E ∈ {A,M}, T ∈ {N,A,Ad}, S ∈ {N,A,M}, after Hyndman, Koehler,
 * Ord & Snyder (2008) "Forecasting with Exponential Smoothing" (HKOS) and R's forecast::ets: likelihood estimation by
 * Nelder–Mead under the "usual" bounds, the initial-state heuristic of Hyndman et al. (2002), AICc selection.
 */
import { UnexpectedError, UserError } from '../../domain/errors.js';
import { seededNormal } from '../random.js';
import {
  DEFAULT_LEVELS,
  checkHorizon,
  normalForecast,
  simulatedForecast,
  type FittedModel,
  type Forecast,
  type Forecaster,
} from './forecaster.js';
import { nelderMead } from './optim.js';
import { classicalSeasonalIndices, mean, type Series } from './series.js';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  readonly error: ErrorType;
  readonly trend: TrendType;
  readonly season: SeasonType;
}

/** Smoothing parameters in state-space form (HKOS Table 2.3): β and γ multiply the error, so β ≤ α, γ ≤ 1 − α. */
export interface EtsParameters {
  readonly alpha: number;
  /** 0 without trend. */
  readonly beta: number;
  /** 0 without season. */
  readonly gamma: number;
  /** 1 for an undamped trend. */
  readonly phi: number;
}

/** Level, trend and seasonal states; `season[p]` is the seasonal state of phase p = t mod m of observation t (0-based). */
export interface EtsState {
  readonly level: number;
  readonly trend: number;
  readonly season: Float64Array;
}

/** The bounds R's forecast::ets calls "usual" (Hyndman & Athanasopoulos, fpp2 §7.6). */
export const USUAL_BOUNDS = { lower: 1e-4, upper: 0.9999, phiLower: 0.8, phiUpper: 0.98 } as const;

/** The notation ETS(A,Ad,M). */
export function etsName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend},${spec.season})`;
}

interface MutableState {
  level: number;
  trend: number;
  season: Float64Array;
}

/** One-step point forecast of phase p from a state: (l + φb) ⊕ s_p (HKOS Table 2.1). */
function oneStep(
  spec: EtsSpec,
  p: EtsParameters,
  state: MutableState,
  phase: number,
): { q: number; yhat: number } {
  const q = spec.trend === 'N' ? state.level : state.level + p.phi * state.trend;
  const s = state.season[phase] ?? 0;
  return { q, yhat: spec.season === 'N' ? q : spec.season === 'A' ? q + s : q * s };
}

/**
 * Updates the states after observing y, in the form of R's etscalc (C): written in y, it is the same for additive
 * and multiplicative errors (HKOS §2.5.2); level ℓ = q + α(p − q) with p the seasonally adjusted y,
 * b = φb + (β/α)(ℓ − ℓ₋₁ − φb), s = s₋ₘ + γ(y ⊖ q − s₋ₘ).
 */
function update(
  spec: EtsSpec,
  p: EtsParameters,
  state: MutableState,
  phase: number,
  y: number,
  q: number,
): void {
  const sOld = state.season[phase] ?? 0;
  const adjusted = spec.season === 'N' ? y : spec.season === 'A' ? y - sOld : y / sOld;
  const previous = state.level;
  state.level = q + p.alpha * (adjusted - q);
  if (spec.trend !== 'N') {
    const phib = p.phi * state.trend;
    state.trend = phib + (p.beta / p.alpha) * (state.level - previous - phib);
  }
  if (spec.season !== 'N') {
    const detrended = spec.season === 'A' ? y - q : y / q;
    state.season[phase] = sOld + p.gamma * (detrended - sOld);
  }
}

function copyState(state: EtsState): MutableState {
  return { level: state.level, trend: state.trend, season: Float64Array.from(state.season) };
}

/** The result of running the recursions over a series. */
export interface EtsRun {
  /** R's `lik`: n·log Σe² for additive errors, plus 2·Σ log|ŷ| for multiplicative (HKOS §5.2); Infinity if infeasible. */
  readonly lik: number;
  readonly fitted: Float64Array;
  /** y − ŷ for additive errors, (y − ŷ)/ŷ for multiplicative. */
  readonly residuals: Float64Array;
  readonly final: EtsState;
}

/** Runs the ETS recursions from an initial state over y (HKOS ch. 2). */
export function etsFilter(
  y: ArrayLike<number>,
  spec: EtsSpec,
  params: EtsParameters,
  initial: EtsState,
): EtsRun {
  const n = y.length;
  const m = initial.season.length;
  const state = copyState(initial);
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  let sse = 0;
  let logs = 0;
  let feasible = true;
  for (let t = 0; t < n; t++) {
    const phase = t % m;
    const { q, yhat } = oneStep(spec, params, state, phase);
    const obs = y[t] ?? 0;
    fitted[t] = yhat;
    if (spec.error === 'M' && !(yhat > 0)) feasible = false;
    const e = spec.error === 'A' ? obs - yhat : (obs - yhat) / yhat;
    residuals[t] = e;
    sse += e * e;
    if (spec.error === 'M') logs += Math.log(Math.abs(yhat));
    update(spec, params, state, phase, obs, q);
  }
  const lik = n * Math.log(sse) + 2 * logs;
  return {
    lik: feasible && Number.isFinite(lik) ? lik : Number.POSITIVE_INFINITY,
    fitted,
    residuals,
    final: state,
  };
}

/** Information criteria from R's lik (−2 log L up to a constant) and k estimated quantities including σ² (fpp2 §7.6). */
export function informationCriteria(
  lik: number,
  k: number,
  n: number,
): { aic: number; aicc: number; bic: number } {
  const aic = lik + 2 * k;
  return { aic, aicc: aic + (2 * k * (k + 1)) / (n - k - 1), bic: lik + Math.log(n) * k };
}

/** Least squares by the normal equations and Gaussian elimination with partial pivoting (a handful of columns). */
function leastSquares(columns: readonly Float64Array[], y: ArrayLike<number>): Float64Array {
  const k = columns.length;
  const a = Array.from({ length: k }, (_, i) =>
    Float64Array.from({ length: k + 1 }, (_, j) => {
      const ci = columns[i] ?? new Float64Array(0);
      const cj = j < k ? (columns[j] ?? ci) : Float64Array.from(y);
      let s = 0;
      for (let t = 0; t < ci.length; t++) s += (ci[t] ?? 0) * (cj[t] ?? 0);
      return s;
    }),
  );
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[pivot]?.[c] ?? 0)) pivot = r;
    const rowP = a[pivot] ?? new Float64Array(k + 1);
    a[pivot] = a[c] ?? rowP;
    a[c] = rowP;
    const d = rowP[c] ?? 0;
    if (d === 0) throw new UserError('invalid_input', 'initial-state regression is singular');
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const row = a[r] ?? rowP;
      const factor = (row[c] ?? 0) / d;
      for (let j = c; j <= k; j++) row[j] = (row[j] ?? 0) - factor * (rowP[j] ?? 0);
    }
  }
  return Float64Array.from({ length: k }, (_, i) => (a[i]?.[k] ?? 0) / (a[i]?.[i] ?? 1));
}

/**
 * Initial states by the heuristic of Hyndman, Koehler, Snyder & Grose (2002, IJF 18(3), §2.6) as R's
 * forecast:::initstate: seasonal states from classical decomposition (from a linear trend + one Fourier pair when
 * n < 3m), then level and trend from a regression on the first max(10, 2m) seasonally adjusted values.
 */
export function initialStates(y: Float64Array, spec: EtsSpec, m: number): EtsState {
  const n = y.length;
  let adjusted = y;
  let season = new Float64Array(1);
  let period = 1;
  if (spec.season !== 'N') {
    period = m;
    let component: Float64Array;
    if (n >= 3 * m) {
      const figure = classicalSeasonalIndices(y, m, spec.season === 'A' ? 'additive' : 'multiplicative');
      component = Float64Array.from(y, (_, t) => figure[t % m] ?? 0);
    } else {
      const time = Float64Array.from(y, (_, t) => t + 1);
      const columns = [new Float64Array(n).fill(1), time, time.map((t) => Math.cos((2 * Math.PI * t) / m))];
      if (m > 2) columns.push(time.map((t) => Math.sin((2 * Math.PI * t) / m)));
      const [a = 0, b = 0] = leastSquares(columns, y);
      component = y.map((v, t) => (spec.season === 'A' ? v - a - b * (t + 1) : v / (a + b * (t + 1))));
    }
    season = Float64Array.from({ length: m }, (_, p) => component[p] ?? 0);
    if (spec.season === 'A') {
      adjusted = y.map((v, t) => v - (component[t] ?? 0));
      season[0] = -season.subarray(1).reduce((s, v) => s + v, 0);
    } else {
      for (let p = 1; p < m; p++) season[p] = Math.max(season[p] ?? 0, 1e-2);
      const sum = season.subarray(1).reduce((s, v) => s + v, 0);
      if (sum > m) for (let p = 1; p < m; p++) season[p] = (season[p] ?? 0) / (sum + (m - 1) * 1e-2);
      season[0] = m - season.subarray(1).reduce((s, v) => s + v, 0);
      adjusted = y.map((v, t) => v / Math.max(component[t] ?? 0, 1e-2));
    }
  }
  const maxn = Math.min(Math.max(10, 2 * period), n);
  const head = adjusted.subarray(0, maxn);
  if (spec.trend === 'N') return { level: mean(head), trend: 0, season };
  const [intercept = 0, slope = 0] = leastSquares(
    [new Float64Array(maxn).fill(1), Float64Array.from({ length: maxn }, (_, t) => t + 1)],
    head,
  );
  // R perturbs ℓ0 up and b0 down so that ℓ0 + b0 ≠ 0 (a multiplicative error divides by it).
  const tiny = Math.abs(intercept + slope) < 1e-8;
  return {
    level: tiny ? intercept * (1 + 1e-3) : intercept,
    trend: tiny ? slope * (1 - 1e-3) : slope,
    season,
  };
}

/** Options of ETS fitting and forecasting. */
export interface EtsOptions {
  /** A fixed model; omitted, every admissible model is fitted and the lowest AICc wins. */
  readonly model?: EtsSpec;
  /** Seed of the simulated intervals of non-linear models (default 1). */
  readonly seed?: number;
  /** Simulated paths for non-linear intervals (default 5000, as R). */
  readonly paths?: number;
  /** Largest period whose m − 1 initial seasonal states are estimated (R: 24); above, the heuristic ones are kept. */
  readonly maxOptimizedPeriod?: number;
  /** Nelder–Mead iteration cap (R ets: 2000). */
  readonly maxIterations?: number;
}

/** A fitted ETS model. */
export interface EtsModel extends FittedModel {
  readonly spec: EtsSpec;
  readonly parameters: EtsParameters;
  readonly initial: EtsState;
  readonly final: EtsState;
  readonly residuals: Float64Array;
  /** SSE/(n − np) of the residuals (np: estimated smoothing parameters and initial states), as R. */
  readonly sigma2: number;
  readonly lik: number;
  readonly aic: number;
  readonly aicc: number;
  readonly bic: number;
}

/** Smoothing-parameter count plus free initial states: R's test n > npars + 4 uses the same count with m states. */
function stateCount(spec: EtsSpec, m: number): number {
  return 1 + (spec.trend === 'N' ? 0 : 1) + (spec.season === 'N' ? 0 : m - 1);
}

function parameterCount(spec: EtsSpec): number {
  return 1 + (spec.trend === 'N' ? 0 : 1) + (spec.season === 'N' ? 0 : 1) + (spec.trend === 'Ad' ? 1 : 0);
}

/** Fits one ETS model by minimising R's lik with Nelder–Mead under the usual bounds (fpp2 §7.6). */
export function fitEts(series: Series, spec: EtsSpec, options: EtsOptions = {}): EtsModel {
  const y = series.values;
  const n = y.length;
  const m = spec.season === 'N' ? 1 : series.period;
  if (spec.season !== 'N' && (series.period < 2 || n < 2 * series.period)) {
    throw new UserError('invalid_input', `${etsName(spec)} needs period ≥ 2 and two full seasons of data`);
  }
  if ((spec.error === 'M' || spec.season === 'M') && !y.every((v) => v > 0)) {
    throw new UserError('invalid_input', `${etsName(spec)} needs strictly positive data`);
  }
  const free = parameterCount(spec) + stateCount(spec, m);
  if (n <= free + 4)
    throw new UserError('invalid_input', `${etsName(spec)} needs more than ${free + 4} observations`);

  const init = initialStates(y, spec, m);
  const optimiseSeason = spec.season !== 'N' && m <= (options.maxOptimizedPeriod ?? 24);
  const { lower, upper, phiLower, phiUpper } = USUAL_BOUNDS;
  // R's forecast:::initparam starting values.
  const alpha0 = lower + (0.2 * (upper - lower)) / m;
  const start: number[] = [alpha0];
  const steps: number[] = [0.05];
  if (spec.trend !== 'N') {
    start.push(lower + 0.1 * (Math.min(upper, alpha0) - lower));
    steps.push(0.01);
  }
  if (spec.season !== 'N') {
    start.push(lower + 0.05 * (Math.min(upper, 1 - alpha0) - lower));
    steps.push(0.05);
  }
  if (spec.trend === 'Ad') {
    start.push(phiLower + 0.99 * (phiUpper - phiLower));
    steps.push(-0.05);
  }
  const scale = Math.max(Math.abs(init.level), 1e-3);
  start.push(init.level);
  steps.push(0.1 * scale);
  if (spec.trend !== 'N') {
    start.push(init.trend);
    steps.push(0.01 * scale);
  }
  if (optimiseSeason) {
    for (let p = 1; p < m; p++) {
      start.push(init.season[p] ?? 0);
      steps.push(spec.season === 'A' ? 0.05 * scale : 0.05);
    }
  }

  const decode = (x: ArrayLike<number>): { params: EtsParameters; state: EtsState } | undefined => {
    let i = 0;
    const alpha = x[i++] ?? 0;
    const beta = spec.trend === 'N' ? 0 : (x[i++] ?? 0);
    const gamma = spec.season === 'N' ? 0 : (x[i++] ?? 0);
    const phi = spec.trend === 'Ad' ? (x[i++] ?? 0) : 1;
    if (alpha < lower || alpha > upper) return undefined;
    if (spec.trend !== 'N' && (beta < lower || beta > alpha)) return undefined;
    if (spec.season !== 'N' && (gamma < lower || gamma > 1 - alpha)) return undefined;
    if (spec.trend === 'Ad' && (phi < phiLower || phi > phiUpper)) return undefined;
    const level = x[i++] ?? 0;
    const trend = spec.trend === 'N' ? 0 : (x[i++] ?? 0);
    const season = Float64Array.from(init.season);
    if (optimiseSeason) {
      let sum = 0;
      for (let p = 1; p < m; p++) {
        season[p] = x[i++] ?? 0;
        sum += season[p] ?? 0;
      }
      season[0] = spec.season === 'A' ? -sum : m - sum;
    }
    if (spec.season === 'M' && !season.every((s) => s > 0)) return undefined;
    return { params: { alpha, beta, gamma, phi }, state: { level, trend, season } };
  };
  const objective = (x: Float64Array): number => {
    const decoded = decode(x);
    return decoded === undefined
      ? Number.POSITIVE_INFINITY
      : etsFilter(y, spec, decoded.params, decoded.state).lik;
  };
  const best = nelderMead(objective, start, { step: steps, maxIterations: options.maxIterations ?? 2000 });
  const decoded = decode(best.x);
  if (decoded === undefined || !Number.isFinite(best.value)) {
    throw new UserError('invalid_input', `${etsName(spec)} found no admissible parameters for this series`);
  }
  return etsModel(series, spec, decoded.params, decoded.state, free, options);
}

/**
 * An ETS model with given smoothing parameters and initial states, as R's `ets(y, model = fit)` with
 * `use.initial.values = TRUE`: no estimation, but σ², information criteria and forecasts as for a fitted model
 * (counting the parameters and states as estimated).
 */
export function etsWithParameters(
  series: Series,
  spec: EtsSpec,
  parameters: EtsParameters,
  initial: EtsState,
  options: EtsOptions = {},
): EtsModel {
  const m = spec.season === 'N' ? 1 : series.period;
  if (initial.season.length !== m) {
    throw new UserError('invalid_input', `${etsName(spec)} needs ${m} initial seasonal states`);
  }
  return etsModel(series, spec, parameters, initial, parameterCount(spec) + stateCount(spec, m), options);
}

function etsModel(
  series: Series,
  spec: EtsSpec,
  parameters: EtsParameters,
  initial: EtsState,
  free: number,
  options: EtsOptions,
): EtsModel {
  const n = series.values.length;
  const run = etsFilter(series.values, spec, parameters, initial);
  let sse = 0;
  for (const e of run.residuals) sse += e * e;
  const sigma2 = sse / (n - free);
  const criteria = informationCriteria(run.lik, free + 1, n);
  const params: Record<string, number> = { alpha: parameters.alpha, l0: initial.level, sigma2 };
  if (spec.trend !== 'N') Object.assign(params, { beta: parameters.beta, b0: initial.trend });
  if (spec.season !== 'N') params.gamma = parameters.gamma;
  if (spec.trend === 'Ad') params.phi = parameters.phi;
  initial.season.forEach((s, p) => {
    if (spec.season !== 'N') params[`s${p}`] = s;
  });
  return {
    name: etsName(spec),
    spec,
    parameters,
    initial,
    final: run.final,
    fitted: run.fitted,
    residuals: run.residuals,
    sigma2,
    lik: run.lik,
    ...criteria,
    params,
    forecast: (h, levels = DEFAULT_LEVELS) =>
      etsForecast({ spec, parameters, final: run.final, n, sigma2, h, levels, options }),
  };
}

/** Point forecasts ŷ_{n+h} = (ℓ + φ_h b) ⊕ s, φ_h = φ + … + φ^h (HKOS Table 2.1). */
function pointForecasts(
  spec: EtsSpec,
  p: EtsParameters,
  final: EtsState,
  n: number,
  h: number,
): Float64Array {
  const m = final.season.length;
  const out = new Float64Array(h);
  let phiH = 0;
  for (let i = 1; i <= h; i++) {
    phiH += p.phi ** i;
    const q = spec.trend === 'N' ? final.level : final.level + phiH * final.trend;
    const s = final.season[(n + i - 1) % m] ?? 0;
    out[i - 1] = spec.season === 'N' ? q : spec.season === 'A' ? q + s : q * s;
  }
  return out;
}

/**
 * Forecast variance of the linear (class 1) models: v_h = σ²(1 + Σ_{j<h} c_j²), c_j = α + β·φ_j + γ·[j mod m = 0]
 * with φ_j = j for an undamped trend (HKOS Table 6.1; fpp2 Table 7.8).
 */
function linearVariance(spec: EtsSpec, p: EtsParameters, m: number, sigma2: number, h: number): Float64Array {
  const out = new Float64Array(h);
  let sum = 0;
  let phiJ = 0;
  for (let i = 1; i <= h; i++) {
    out[i - 1] = sigma2 * (1 + sum);
    const j = i;
    phiJ += p.phi ** j;
    const c =
      p.alpha + (spec.trend === 'N' ? 0 : p.beta * phiJ) + (spec.season !== 'N' && j % m === 0 ? p.gamma : 0);
    sum += c * c;
  }
  return out;
}

function etsForecast(args: {
  spec: EtsSpec;
  parameters: EtsParameters;
  final: EtsState;
  n: number;
  sigma2: number;
  h: number;
  levels: readonly number[];
  options: EtsOptions;
}): Forecast {
  const { spec, parameters, final, n, sigma2, h, levels, options } = args;
  checkHorizon(h);
  const mean = pointForecasts(spec, parameters, final, n, h);
  const m = final.season.length;
  if (spec.error === 'A' && spec.season !== 'M') {
    return normalForecast(mean, linearVariance(spec, parameters, m, sigma2, h).map(Math.sqrt), levels);
  }
  const paths = simulateEts({
    spec,
    parameters,
    state: final,
    n,
    sigma: Math.sqrt(sigma2),
    h,
    paths: options.paths ?? 5000,
    seed: options.seed ?? 1,
  });
  return simulatedForecast(mean, paths, levels);
}

/**
 * Future sample paths of an ETS model from a state, with N(0, σ²) errors from `seededNormal` (HKOS §6.1): each step
 * y = ŷ + ε (additive) or ŷ(1 + ε) (multiplicative), then the usual update.
 */
export function simulateEts(args: {
  spec: EtsSpec;
  parameters: EtsParameters;
  state: EtsState;
  /** Index of the first simulated observation (sets the seasonal phase). */
  n: number;
  sigma: number;
  h: number;
  paths: number;
  seed: number;
}): Float64Array[] {
  const { spec, parameters, state, n, sigma, h, seed } = args;
  const normal = seededNormal(seed);
  const m = state.season.length;
  return Array.from({ length: args.paths }, () => {
    const s = copyState(state);
    const path = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const phase = (n + i) % m;
      const { q, yhat } = oneStep(spec, parameters, s, phase);
      const e = sigma * normal();
      const y = spec.error === 'A' ? yhat + e : yhat * (1 + e);
      path[i] = y;
      update(spec, parameters, s, phase, y, q);
    }
    return path;
  });
}

/**
 * The models R's ets(…, restrict = TRUE) searches without multiplicative trends: multiplicative error or season
 * only for strictly positive data, no additive error with multiplicative season, seasonal only when m > 1 and the
 * series holds two full seasons.
 */
export function admissibleSpecs(series: Series): EtsSpec[] {
  const positive = series.values.every((v) => v > 0);
  const seasonal = series.period > 1 && series.values.length >= 2 * series.period;
  const specs: EtsSpec[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const)) {
    for (const trend of ['N', 'A', 'Ad'] as const) {
      for (const season of ['N', 'A', 'M'] as const) {
        if (season !== 'N' && !seasonal) continue;
        if (season === 'M' && (!positive || error === 'A')) continue;
        specs.push({ error, trend, season });
      }
    }
  }
  return specs;
}

/** Fits every admissible model (or the one named) and keeps the lowest AICc (fpp2 §7.7). */
export function autoEts(series: Series, options: EtsOptions = {}): EtsModel {
  if (options.model !== undefined) return fitEts(series, options.model, options);
  let best: EtsModel | undefined;
  let lastError: unknown;
  for (const spec of admissibleSpecs(series)) {
    let model: EtsModel;
    try {
      model = fitEts(series, spec, options);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      lastError = error;
      continue;
    }
    if (best === undefined || model.aicc < best.aicc) best = model;
  }
  if (best === undefined) {
    if (lastError instanceof UserError) throw lastError;
    throw new UnexpectedError('no ETS model was tried');
  }
  return best;
}

/** ETS as a Forecaster: automatic selection by AICc unless `options.model` fixes the model. */
export function ets(options: EtsOptions = {}): Forecaster {
  return {
    name: options.model === undefined ? 'ETS' : etsName(options.model),
    fit: (series) => autoEts(series, options),
  };
}
