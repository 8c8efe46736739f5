/**
 * The numerical core of ARIMA: seasonal polynomial expansion, the stationarity transform, root checks, differencing
 * and integration, the stationary state covariance, the Kalman filter likelihood of an ARMA process in state-space
 * form, conditional sum of squares and psi-weights (Durbin & Koopman 2012, "Time Series Analysis by State Space
 * Methods", §3.4; Brockwell & Davis 2002, "Introduction to Time Series and Forecasting", ch. 3; R's src/library/stats/
 * src/arima.c, whose conventions are kept: AR terms enter with +, MA terms with +, y_t = Σφ_i y_{t−i} + ε_t + Σθ_j ε_{t−j}).
 */
import { UserError } from '../../domain/errors.js';

/** ARMA coefficients by part: non-seasonal AR and MA, seasonal AR and MA (per seasonal lag). */
export interface ArmaCoefficients {
  readonly ar: ArrayLike<number>;
  readonly ma: ArrayLike<number>;
  readonly sar: ArrayLike<number>;
  readonly sma: ArrayLike<number>;
}

/**
 * The multiplied-out polynomials φ(B)Φ(B^m) and θ(B)Θ(B^m) as the coefficient vectors φ_1…φ_{p+mP} and
 * θ_1…θ_{q+mQ} of the sign conventions above (R's ARIMA_transPars).
 * @example expandArma({ ar: [0.5], ma: [], sar: [0.3], sma: [] }, 4).phi // [0.5, 0, 0, 0.3, −0.15]
 */
export function expandArma(c: ArmaCoefficients, m: number): { phi: Float64Array; theta: Float64Array } {
  const phi = new Float64Array(c.ar.length + m * c.sar.length);
  const theta = new Float64Array(c.ma.length + m * c.sma.length);
  for (let i = 0; i < c.ar.length; i++) phi[i] = c.ar[i] ?? 0;
  for (let i = 0; i < c.ma.length; i++) theta[i] = c.ma[i] ?? 0;
  for (let j = 0; j < c.sar.length; j++) {
    const s = c.sar[j] ?? 0;
    phi[(j + 1) * m - 1] = (phi[(j + 1) * m - 1] ?? 0) + s;
    for (let i = 0; i < c.ar.length; i++)
      phi[(j + 1) * m + i] = (phi[(j + 1) * m + i] ?? 0) - (c.ar[i] ?? 0) * s;
  }
  for (let j = 0; j < c.sma.length; j++) {
    const s = c.sma[j] ?? 0;
    theta[(j + 1) * m - 1] = (theta[(j + 1) * m - 1] ?? 0) + s;
    for (let i = 0; i < c.ma.length; i++) {
      theta[(j + 1) * m + i] = (theta[(j + 1) * m + i] ?? 0) + (c.ma[i] ?? 0) * s;
    }
  }
  return { phi, theta };
}

/**
 * Maps unconstrained reals to the coefficients of a stationary AR polynomial: tanh gives partial autocorrelations in
 * (−1, 1), the Durbin–Levinson recursion turns them into AR coefficients (Jones 1980, Technometrics 22(3); R's partrans).
 */
export function toStationary(raw: ArrayLike<number>): Float64Array {
  const p = raw.length;
  const phi = Float64Array.from(raw, Math.tanh);
  const work = Float64Array.from(phi);
  for (let j = 1; j < p; j++) {
    const a = phi[j] ?? 0;
    for (let k = 0; k < j; k++) work[k] = (work[k] ?? 0) - a * (phi[j - k - 1] ?? 0);
    for (let k = 0; k < j; k++) phi[k] = work[k] ?? 0;
  }
  return phi;
}

/** The inverse of `toStationary` (R's invpartrans); undefined when the AR polynomial is not stationary. */
export function fromStationary(phi: ArrayLike<number>): Float64Array | undefined {
  const p = phi.length;
  const pacf = Float64Array.from(phi);
  const work = Float64Array.from(phi);
  for (let j = p - 1; j > 0; j--) {
    const a = pacf[j] ?? 0;
    if (Math.abs(a) >= 1) return undefined;
    for (let k = 0; k < j; k++) work[k] = ((pacf[k] ?? 0) + a * (pacf[j - k - 1] ?? 0)) / (1 - a * a);
    for (let k = 0; k < j; k++) pacf[k] = work[k] ?? 0;
  }
  if (p > 0 && !(Math.abs(pacf[0] ?? 0) < 1)) return undefined;
  return pacf.map(Math.atanh);
}

/**
 * True when every root of 1 − Σ a_k z^k lies outside the circle |z| = radius: the step-down (Schur–Cohn) recursion
 * scaled by radius^k, every reflection coefficient strictly inside (−1, 1) (Brockwell & Davis 2002, §5.1.1).
 */
export function rootsOutside(a: ArrayLike<number>, radius = 1): boolean {
  const c = Float64Array.from(a, (v, k) => v * radius ** (k + 1));
  const work = Float64Array.from(c);
  for (let k = c.length; k >= 1; k--) {
    const kappa = c[k - 1] ?? 0;
    if (!(Math.abs(kappa) < 1)) return false;
    for (let j = 0; j < k - 1; j++)
      work[j] = ((c[j] ?? 0) + kappa * (c[k - 2 - j] ?? 0)) / (1 - kappa * kappa);
    for (let j = 0; j < k - 1; j++) c[j] = work[j] ?? 0;
  }
  return true;
}

/**
 * The coefficients δ of the differencing polynomial (1 − B)^d (1 − B^m)^D = 1 − Σ δ_k B^k, so that the differenced
 * series is w_t = y_t − Σ δ_k y_{t−k} (Box, Jenkins & Reinsel, ch. 9).
 */
export function differencingPolynomial(d: number, D: number, m: number): Float64Array {
  let poly = Float64Array.of(1);
  const multiply = (lag: number) => {
    const next = new Float64Array(poly.length + lag);
    poly.forEach((c, i) => {
      next[i] = (next[i] ?? 0) + c;
      next[i + lag] = (next[i + lag] ?? 0) - c;
    });
    poly = next;
  };
  for (let i = 0; i < d; i++) multiply(1);
  for (let i = 0; i < D; i++) multiply(m);
  return Float64Array.from({ length: poly.length - 1 }, (_, k) => 0 - (poly[k + 1] ?? 0) + 0);
}

/** w_t = y_t − Σ δ_k y_{t−k} for t ≥ deg δ (the first deg δ observations have no difference). */
export function applyDifferencing(y: ArrayLike<number>, delta: ArrayLike<number>): Float64Array {
  const k0 = delta.length;
  const out = new Float64Array(Math.max(0, y.length - k0));
  for (let t = k0; t < y.length; t++) {
    let v = y[t] ?? 0;
    for (let k = 1; k <= k0; k++) v -= (delta[k - 1] ?? 0) * (y[t - k] ?? 0);
    out[t - k0] = v;
  }
  return out;
}

/** Undoes `applyDifferencing` forward in time: y_{n+i} = w_i + Σ δ_k y_{n+i−k}, starting from the history y. */
export function integrate(
  w: ArrayLike<number>,
  history: ArrayLike<number>,
  delta: ArrayLike<number>,
): Float64Array {
  const n = history.length;
  const all = new Float64Array(n + w.length);
  all.set(Array.from(history));
  for (let i = 0; i < w.length; i++) {
    let v = w[i] ?? 0;
    for (let k = 1; k <= delta.length; k++) v += (delta[k - 1] ?? 0) * (all[n + i - k] ?? 0);
    all[n + i] = v;
  }
  return all.slice(n);
}

/** ψ_0…ψ_{h−1} of the MA(∞) form ψ(B) = θ(B)/φ(B): ψ_0 = 1, ψ_j = θ_j + Σ_i φ_i ψ_{j−i} (Brockwell & Davis §3.1). */
export function psiWeights(phi: ArrayLike<number>, theta: ArrayLike<number>, h: number): Float64Array {
  const psi = new Float64Array(h);
  if (h > 0) psi[0] = 1;
  for (let j = 1; j < h; j++) {
    let v = theta[j - 1] ?? 0;
    for (let i = 1; i <= Math.min(j, phi.length); i++) v += (phi[i - 1] ?? 0) * (psi[j - i] ?? 0);
    psi[j] = v;
  }
  return psi;
}

/** Solves A x = b in place by Gaussian elimination with partial pivoting; undefined when A is singular. */
function solve(a: Float64Array[], b: Float64Array): Float64Array | undefined {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[pivot]?.[c] ?? 0)) pivot = r;
    const rowP = a[pivot];
    const rowC = a[c];
    if (rowP === undefined || rowC === undefined || Math.abs(rowP[c] ?? 0) < 1e-300) return undefined;
    a[pivot] = rowC;
    a[c] = rowP;
    const bp = b[pivot] ?? 0;
    b[pivot] = b[c] ?? 0;
    b[c] = bp;
    const d = rowP[c] ?? 1;
    for (let r = c + 1; r < n; r++) {
      const row = a[r];
      if (row === undefined) continue;
      const f = (row[c] ?? 0) / d;
      if (f === 0) continue;
      for (let j = c; j < n; j++) row[j] = (row[j] ?? 0) - f * (rowP[j] ?? 0);
      b[r] = (b[r] ?? 0) - f * bp;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    const row = a[r] ?? new Float64Array(n);
    let s = b[r] ?? 0;
    for (let j = r + 1; j < n; j++) s -= (row[j] ?? 0) * (x[j] ?? 0);
    x[r] = s / (row[r] ?? 1);
  }
  return x;
}

/**
 * Autocovariances γ(0…maxLag) of a causal ARMA process with unit innovation variance: the p + 1 equations
 * γ(k) − Σ φ_j γ(|k − j|) = Σ_{j≥k} θ_j ψ_{j−k} solved for γ(0…p), then the recursion (Brockwell & Davis §3.2.1,
 * method 2). Undefined when the system is singular (a unit root).
 */
export function armaAutocovariance(
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
  maxLag: number,
): Float64Array | undefined {
  const p = phi.length;
  const q = theta.length;
  const psi = psiWeights(phi, theta, q + 1);
  const rhs = (k: number): number => {
    let s = 0;
    for (let j = k; j <= q; j++) s += (j === 0 ? 1 : (theta[j - 1] ?? 0)) * (psi[j - k] ?? 0);
    return s;
  };
  const a = Array.from({ length: p + 1 }, () => new Float64Array(p + 1));
  const b = Float64Array.from({ length: p + 1 }, (_, k) => rhs(k));
  for (let k = 0; k <= p; k++) {
    const row = a[k] ?? new Float64Array(p + 1);
    row[k] = (row[k] ?? 0) + 1;
    for (let j = 1; j <= p; j++) {
      const lag = Math.abs(k - j);
      row[lag] = (row[lag] ?? 0) - (phi[j - 1] ?? 0);
    }
  }
  const head = solve(a, b);
  if (head === undefined) return undefined;
  const gamma = new Float64Array(Math.max(maxLag, p) + 1);
  gamma.set(head);
  for (let k = p + 1; k < gamma.length; k++) {
    let s = rhs(k);
    for (let j = 1; j <= p; j++) s += (phi[j - 1] ?? 0) * (gamma[k - j] ?? 0);
    gamma[k] = s;
  }
  return gamma.slice(0, maxLag + 1);
}

/**
 * The stationary covariance P0 of the state of Harvey's ARMA state-space form (r = max(p, q + 1);
 * α_t(i) = Σ_{k≥i} φ_k y_{t+i−1−k} + Σ_{k≥i−1} θ_k ε_{t+i−1−k}; Durbin & Koopman §3.4): the first row from γ and ψ,
 * then P(i, j) = φ_iφ_j P(1,1) + φ_i P(1, j+1) + φ_j P(i+1, 1) + P(i+1, j+1) + θ_{i−1}θ_{j−1} from the transition.
 * Costs O(p³ + r²) where R's Gardner et al. (1980) algorithm costs O(r⁴).
 */
export function stationaryCovariance(
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
  r: number,
): Float64Array[] | undefined {
  const gamma = armaAutocovariance(phi, theta, r);
  if (gamma === undefined) return undefined;
  const psi = psiWeights(phi, theta, r + 1);
  const ph = (k: number) => (k >= 1 && k <= phi.length ? (phi[k - 1] ?? 0) : 0);
  const th = (k: number) => (k === 0 ? 1 : k >= 1 && k <= theta.length ? (theta[k - 1] ?? 0) : 0);
  const P = Array.from({ length: r }, () => new Float64Array(r));
  const first = P[0] ?? new Float64Array(r);
  for (let j = 1; j <= r; j++) {
    let s = 0;
    for (let u = 1; u <= r - j + 1; u++) s += ph(u + j - 1) * (gamma[u] ?? 0);
    for (let u = 0; u <= r - j; u++) s += th(u + j - 1) * (psi[u] ?? 0);
    first[j - 1] = s;
  }
  const at = (i: number, j: number) => (i > r || j > r ? 0 : (P[i - 1]?.[j - 1] ?? 0));
  for (let i = r; i >= 2; i--) {
    for (let j = r; j >= i; j--) {
      const v =
        ph(i) * ph(j) * at(1, 1) +
        ph(i) * at(1, j + 1) +
        ph(j) * at(1, i + 1) +
        at(i + 1, j + 1) +
        th(i - 1) * th(j - 1);
      const rowI = P[i - 1];
      const rowJ = P[j - 1];
      if (rowI) rowI[j - 1] = v;
      if (rowJ) rowJ[i - 1] = v;
    }
  }
  for (let j = 2; j <= r; j++) {
    const row = P[j - 1];
    if (row) row[0] = first[j - 1] ?? 0;
  }
  return P;
}

/** The result of filtering a zero-mean series with the ARMA Kalman filter (innovation variance 1). */
export interface KalmanRun {
  /** Σ v_t²/F_t. */
  readonly ssq: number;
  /** Σ log F_t. */
  readonly sumlog: number;
  readonly nu: number;
  /** Standardised innovations v_t/√F_t (R's residuals of arima, in the units of the series). */
  readonly residuals: Float64Array;
  /** The predicted state for the first time after the series, and its covariance. */
  readonly state: Float64Array;
  readonly covariance: Float64Array[];
}

/**
 * The Kalman filter of Harvey's ARMA state-space form with Z = e1, T the companion of φ, R = (1, θ_1, …, θ_{r−1})′
 * and σ² = 1 (Durbin & Koopman §4.3, §7.2: σ² concentrated out). The covariance update costs O(r²): T is a companion
 * matrix and the first state element is observed exactly;
 * once P stops changing (pure AR after r steps; invertible MA geometrically) only the state is updated.
 * Undefined when the stationary covariance does not exist.
 */
export function kalmanArma(
  x: ArrayLike<number>,
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
): KalmanRun | undefined {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const P0 = stationaryCovariance(phi, theta, r);
  if (P0 === undefined) return undefined;
  // Flat row-major r × r covariance, updated in place.
  const P = new Float64Array(r * r);
  P0.forEach((row, i) => P.set(row, i * r));
  const col = new Float64Array(r);
  const ph = Float64Array.from({ length: r }, (_, i) => (i < p ? (phi[i] ?? 0) : 0));
  const rv = Float64Array.from({ length: r }, (_, i) => (i === 0 ? 1 : i - 1 < q ? (theta[i - 1] ?? 0) : 0));
  const a = new Float64Array(r);
  const gain = new Float64Array(r);
  const n = x.length;
  const residuals = new Float64Array(n);
  let ssq = 0;
  let sumlog = 0;
  let steady = false;
  for (let t = 0; t < n; t++) {
    const F = P[0] ?? 0;
    if (!(F > 0)) return undefined;
    const v = (x[t] ?? 0) - (a[0] ?? 0);
    residuals[t] = v / Math.sqrt(F);
    ssq += (v * v) / F;
    sumlog += Math.log(F);
    for (let i = 0; i < r; i++) gain[i] = (P[i * r] ?? 0) / F;
    // a ← T(a + K v)
    const a0 = (a[0] ?? 0) + (gain[0] ?? 0) * v;
    for (let i = 0; i < r; i++) {
      const next = i + 1 < r ? (a[i + 1] ?? 0) + (gain[i + 1] ?? 0) * v : 0;
      a[i] = (ph[i] ?? 0) * a0 + next;
    }
    if (steady) continue;
    // P ← T(P − P e1 e1′ P / F)T′ + R R′. The first state element is observed without noise, so the updated first
    // row and column vanish and φ drops out: P(i, j) ← P(i+1, j+1) − P(i+1, 1) P(1, j+1) / F + R_i R_j.
    for (let i = 0; i < r; i++) col[i] = P[i * r] ?? 0;
    let change = 0;
    for (let i = 0; i < r; i++) {
      const ci = i + 1 < r ? (col[i + 1] ?? 0) / F : 0;
      for (let j = i; j < r; j++) {
        const shifted = i + 1 < r && j + 1 < r ? (P[(i + 1) * r + j + 1] ?? 0) - ci * (col[j + 1] ?? 0) : 0;
        const value = shifted + (rv[i] ?? 0) * (rv[j] ?? 0);
        change = Math.max(change, Math.abs(value - (P[i * r + j] ?? 0)));
        P[i * r + j] = value;
        P[j * r + i] = value;
      }
    }
    if (change < 1e-10 * (P[0] ?? 1)) steady = true;
  }
  const covariance = Array.from({ length: r }, (_, i) => P.slice(i * r, (i + 1) * r));
  return { ssq, sumlog, nu: n, residuals, state: a, covariance };
}

/**
 * Conditional sum of squares (R's ARIMA_CSS): residuals e_t = x_t − Σ φ_i x_{t−i} − Σ θ_j e_{t−j} for t ≥ ncond,
 * with the residuals before ncond taken as 0.
 */
export function cssResiduals(
  x: ArrayLike<number>,
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
  ncond: number,
): { ssq: number; nu: number; residuals: Float64Array } {
  const n = x.length;
  const residuals = new Float64Array(n);
  // Seasonal polynomials are mostly zeros: loop over the non-zero lags only.
  const arLags = Array.from(phi, (c, i) => [i + 1, c] as const).filter(([, c]) => c !== 0);
  const maLags = Array.from(theta, (c, j) => [j + 1, c] as const).filter(([, c]) => c !== 0);
  let ssq = 0;
  let nu = 0;
  for (let t = ncond; t < n; t++) {
    let e = x[t] ?? 0;
    for (const [lag, c] of arLags) e -= c * (x[t - lag] ?? 0);
    for (const [lag, c] of maLags) if (lag <= t - ncond) e -= c * (residuals[t - lag] ?? 0);
    residuals[t] = e;
    ssq += e * e;
    nu++;
  }
  return { ssq, nu, residuals };
}

/** Throws unless the orders are non-negative integers. */
export function checkOrders(orders: Readonly<Record<string, number>>): void {
  for (const [name, v] of Object.entries(orders)) {
    if (!Number.isInteger(v) || v < 0) {
      throw new UserError('invalid_input', `ARIMA order ${name} must be a non-negative integer, got ${v}`);
    }
  }
}
