/**
 * Seasonal-trend decomposition by loess (STL; Cleveland, Cleveland, McRae & Terpenning 1990, "STL: A
 * Seasonal-Trend Decomposition Procedure Based on Loess", J. Official Statistics 6(1):3–73) and its repetition over
 * several seasonal periods (MSTL; Bandara, Hyndman & Bergmeir 2021, arXiv:2107.13462), for hourly demand with a
 * daily and a weekly cycle.
 *
 * The inner loop, the loess with "jumps" (fits every k-th point, interpolates between them), the low-pass filter and
 * the bisquare robustness weights follow the paper's procedure with the defaults R's `stats::stl` uses, so the
 * components agree with R's to rounding (stl.test.ts).
 */
import { UserError } from '../../domain/errors.js';

export interface StlOptions {
  /** Seasonal period np ≥ 2. */
  readonly period: number;
  /** Span of the cycle-subseries smoother, in cycles (odd, ≥ 7 recommended; R's `s.window`). */
  readonly seasonalWindow: number;
  /** Span of the trend smoother (default the paper's nextodd(1.5·np / (1 − 1.5/ns))). */
  readonly trendWindow?: number;
  /** Span of the low-pass smoother (default nextodd(np)). */
  readonly lowPassWindow?: number;
  readonly seasonalDegree?: 0 | 1;
  readonly trendDegree?: 0 | 1;
  readonly lowPassDegree?: 0 | 1;
  /** Inner iterations (default 2, or 1 when robust). */
  readonly inner?: number;
  /** Robustness iterations (default 0, or 15 when robust). */
  readonly outer?: number;
  readonly robust?: boolean;
}

export interface StlDecomposition {
  readonly seasonal: Float64Array;
  readonly trend: Float64Array;
  readonly remainder: Float64Array;
  /** Robustness weights (all 1 without robustness iterations). */
  readonly weights: Float64Array;
}

const nextOdd = (x: number): number => {
  const k = Math.round(x);
  return k % 2 === 0 ? k + 1 : k;
};

/**
 * The locally weighted fit at abscissa xs (1-based) from points nleft…nright of y (1-based, y[j − 1] is at j):
 * tricube weights over the span, times the robustness weights when given, and a local line when degree is 1.
 * Returns NaN when every weight is zero.
 */
function loessAt(
  y: ArrayLike<number>,
  n: number,
  span: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  robustness: ArrayLike<number> | undefined,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (span > n) h += Math.trunc((span - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    w[j] = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      const wj =
        (r <= h1 ? 1 : (1 - (r / h) ** 3) ** 3) * (robustness === undefined ? 1 : (robustness[j - 1] ?? 0));
      w[j] = wj;
      a += wj;
    }
  }
  if (a <= 0) return Number.NaN;
  for (let j = nleft; j <= nright; j++) w[j] = (w[j] ?? 0) / a;
  if (h > 0 && degree > 0) {
    let centre = 0;
    for (let j = nleft; j <= nright; j++) centre += (w[j] ?? 0) * j;
    let b = xs - centre;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += (w[j] ?? 0) * (j - centre) ** 2;
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j] = (w[j] ?? 0) * (b * (j - centre) + 1);
    }
  }
  let fit = 0;
  for (let j = nleft; j <= nright; j++) fit += (w[j] ?? 0) * (y[j - 1] ?? 0);
  return fit;
}

/** Loess smooth of y (length n) with the given span and degree, fitted every `jump` points and interpolated between. */
function loessSmooth(
  y: ArrayLike<number>,
  n: number,
  span: number,
  degree: number,
  jump: number,
  robustness: ArrayLike<number> | undefined,
  out: Float64Array,
  offset = 0,
): void {
  if (n < 2) {
    out[offset] = y[0] ?? 0;
    return;
  }
  const w = new Float64Array(n + 1);
  const step = Math.min(jump, n - 1);
  const fitAt = (i: number, nleft: number, nright: number) => {
    const v = loessAt(y, n, span, degree, i, nleft, nright, w, robustness);
    out[offset + i - 1] = Number.isNaN(v) ? (y[i - 1] ?? 0) : v;
  };
  if (span >= n) {
    for (let i = 1; i <= n; i += step) fitAt(i, 1, n);
  } else if (step === 1) {
    const half = Math.trunc((span + 1) / 2);
    let nleft = 1;
    let nright = span;
    for (let i = 1; i <= n; i++) {
      if (i > half && nright !== n) {
        nleft++;
        nright++;
      }
      fitAt(i, nleft, nright);
    }
  } else {
    const half = Math.trunc((span + 1) / 2);
    for (let i = 1; i <= n; i += step) {
      if (i < half) fitAt(i, 1, span);
      else if (i >= n - half + 1) fitAt(i, n - span + 1, n);
      else fitAt(i, i - half + 1, span + i - half);
    }
  }
  if (step === 1) return;
  const at = (i: number) => out[offset + i - 1] ?? 0;
  for (let i = 1; i <= n - step; i += step) {
    const delta = (at(i + step) - at(i)) / step;
    for (let j = i + 1; j < i + step; j++) out[offset + j - 1] = at(i) + delta * (j - i);
  }
  const k = Math.trunc((n - 1) / step) * step + 1;
  if (k !== n) {
    const nleft = span >= n ? 1 : n - span + 1;
    fitAt(n, nleft, n);
    if (k !== n - 1) {
      const delta = (at(n) - at(k)) / (n - k);
      for (let j = k + 1; j < n; j++) out[offset + j - 1] = at(k) + delta * (j - k);
    }
  }
}

/** Moving average of length `len` over the first n values of x: n − len + 1 values. */
function movingAverage(x: ArrayLike<number>, n: number, len: number): Float64Array {
  const out = new Float64Array(n - len + 1);
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i] ?? 0;
  out[0] = v / len;
  for (let j = 1; j < out.length; j++) {
    v += (x[j + len - 1] ?? 0) - (x[j - 1] ?? 0);
    out[j] = v / len;
  }
  return out;
}

/**
 * Smooths each cycle-subseries (all Januaries, all Mondays 09:00, …) and extends each by one cycle at both ends:
 * n + 2·np values, the extension being what the low-pass filter needs to return n values.
 */
function smoothSubseries(
  y: Float64Array,
  period: number,
  span: number,
  degree: number,
  jump: number,
  robustness: Float64Array | undefined,
): Float64Array {
  const n = y.length;
  const out = new Float64Array(n + 2 * period);
  for (let j = 0; j < period; j++) {
    const k = Math.trunc((n - j - 1) / period) + 1;
    const sub = new Float64Array(k);
    const subW = robustness === undefined ? undefined : new Float64Array(k);
    for (let i = 0; i < k; i++) {
      sub[i] = y[i * period + j] ?? 0;
      if (subW !== undefined) subW[i] = robustness?.[i * period + j] ?? 0;
    }
    const smooth = new Float64Array(k + 2);
    loessSmooth(sub, k, span, degree, jump, subW, smooth, 1);
    const w = new Float64Array(k + 1);
    const before = loessAt(sub, k, span, degree, 0, 1, Math.min(span, k), w, subW);
    smooth[0] = Number.isNaN(before) ? (smooth[1] ?? 0) : before;
    const after = loessAt(sub, k, span, degree, k + 1, Math.max(1, k - span + 1), k, w, subW);
    smooth[k + 1] = Number.isNaN(after) ? (smooth[k] ?? 0) : after;
    for (let m = 0; m < k + 2; m++) out[m * period + j] = smooth[m] ?? 0;
  }
  return out;
}

/** Bisquare robustness weights from the residuals (6 × their median absolute value as the scale). */
function robustnessWeights(y: Float64Array, fit: Float64Array): Float64Array {
  const n = y.length;
  const r = y.map((v, i) => Math.abs(v - (fit[i] ?? 0)));
  const sorted = Float64Array.from(r).sort();
  const mid1 = Math.trunc(n / 2) + 1;
  const mid2 = n - mid1 + 1;
  const cmad = 3 * ((sorted[mid1 - 1] ?? 0) + (sorted[mid2 - 1] ?? 0));
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  return r.map((v) => (v <= c1 ? 1 : v <= c9 ? (1 - (v / cmad) ** 2) ** 2 : 0));
}

/** STL decomposition y = seasonal + trend + remainder (additive; decompose log values for a multiplicative season). */
export function stl(values: ArrayLike<number>, options: StlOptions): StlDecomposition {
  const y = Float64Array.from(values);
  const n = y.length;
  const np = Math.max(2, options.period);
  if (!Number.isInteger(options.period) || options.period < 2) {
    throw new UserError('invalid_input', `STL needs a seasonal period ≥ 2, got ${options.period}`);
  }
  if (n <= 2 * np) {
    throw new UserError('invalid_input', `STL needs more than two full periods (${2 * np}), got ${n}`, {
      details: { needed: 2 * np + 1, got: n },
    });
  }
  if (y.some((v) => !Number.isFinite(v))) throw new UserError('invalid_input', 'STL needs finite values');
  const odd = (x: number) => (Math.max(3, x) % 2 === 0 ? Math.max(3, x) + 1 : Math.max(3, x));
  const ns = odd(options.seasonalWindow);
  const nt = odd(options.trendWindow ?? nextOdd(Math.ceil((1.5 * np) / (1 - 1.5 / ns))));
  const nl = odd(options.lowPassWindow ?? nextOdd(np));
  const robust = options.robust ?? false;
  const inner = options.inner ?? (robust ? 1 : 2);
  const outer = options.outer ?? (robust ? 15 : 0);
  const sDeg = options.seasonalDegree ?? 0;
  const tDeg = options.trendDegree ?? 1;
  const lDeg = options.lowPassDegree ?? tDeg;
  const sJump = Math.ceil(ns / 10);
  const tJump = Math.ceil(nt / 10);
  const lJump = Math.ceil(nl / 10);

  const trend = new Float64Array(n);
  const seasonal = new Float64Array(n);
  let weights: Float64Array | undefined;
  for (let pass = 0; ; pass++) {
    for (let it = 0; it < inner; it++) {
      const detrended = y.map((v, i) => v - (trend[i] ?? 0));
      const cycles = smoothSubseries(detrended, np, ns, sDeg, sJump, weights);
      const lowPass = movingAverage(
        movingAverage(movingAverage(cycles, n + 2 * np, np), n + np + 1, np),
        n + 2,
        3,
      );
      const level = new Float64Array(n);
      loessSmooth(lowPass, n, nl, lDeg, lJump, undefined, level);
      for (let i = 0; i < n; i++) seasonal[i] = (cycles[np + i] ?? 0) - (level[i] ?? 0);
      const deseasonalised = y.map((v, i) => v - (seasonal[i] ?? 0));
      loessSmooth(deseasonalised, n, nt, tDeg, tJump, weights, trend);
    }
    if (pass >= outer) break;
    weights = robustnessWeights(
      y,
      trend.map((t, i) => t + (seasonal[i] ?? 0)),
    );
  }
  const remainder = y.map((v, i) => v - (seasonal[i] ?? 0) - (trend[i] ?? 0));
  return { seasonal, trend, remainder, weights: weights ?? new Float64Array(n).fill(1) };
}

export interface MstlDecomposition {
  readonly trend: Float64Array;
  /** One seasonal component per period kept, in increasing period order. */
  readonly seasonals: readonly { readonly period: number; readonly values: Float64Array }[];
  readonly remainder: Float64Array;
}

/**
 * MSTL: STL applied in turn for each seasonal period (shortest first), each on the series with the other seasonal
 * components removed, repeated `iterate` times (R's `forecast::mstl`: s.window 7 + 4·i for the i-th period,
 * 2 iterations). Periods with two or fewer full cycles in the data are dropped, as there.
 */
export function mstl(
  values: ArrayLike<number>,
  periods: readonly number[],
  options: { readonly iterate?: number; readonly seasonalWindows?: readonly number[] } = {},
): MstlDecomposition {
  const n = values.length;
  const kept = [...new Set(periods)].filter((p) => p >= 2 && p < n / 2).sort((a, b) => a - b);
  if (kept.length === 0) {
    throw new UserError(
      'invalid_input',
      `MSTL needs more than two full cycles of at least one period (${periods.join(', ')}); got ${n} observations`,
    );
  }
  const iterate = Math.max(1, options.iterate ?? 2);
  const seasonals = kept.map((period) => ({ period, values: new Float64Array(n) }));
  const deseasonalised = Float64Array.from(values);
  let trend: Float64Array = new Float64Array(n);
  for (let it = 0; it < iterate; it++) {
    seasonals.forEach((s, i) => {
      for (let t = 0; t < n; t++) deseasonalised[t] = (deseasonalised[t] ?? 0) + (s.values[t] ?? 0);
      const fit = stl(deseasonalised, {
        period: s.period,
        seasonalWindow: options.seasonalWindows?.[i] ?? 7 + 4 * (i + 1),
      });
      s.values.set(fit.seasonal);
      for (let t = 0; t < n; t++) deseasonalised[t] = (deseasonalised[t] ?? 0) - (fit.seasonal[t] ?? 0);
      trend = fit.trend;
    });
  }
  const remainder = deseasonalised.map((v, t) => v - (trend[t] ?? 0));
  return { trend, seasonals, remainder };
}
