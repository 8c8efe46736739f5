/**
 * How many differences ARIMA needs: the KPSS stationarity test for first differences (as R's forecast::ndiffs) and a
 * seasonal-strength rule for seasonal differences (as forecast::nsdiffs, test = "seas").
 */
import { centredMovingAverage, classicalSeasonalIndices, mean } from './series.js';

/**
 * Critical values of the KPSS level-stationarity statistic η_μ at 10%, 5%, 2.5% and 1% (Kwiatkowski, Phillips,
 * Schmidt & Shin 1992, J. Econometrics 54, Table 1; the table R's urca::ur.kpss carries).
 */
export const KPSS_LEVEL_CRITICAL: readonly { readonly level: number; readonly value: number }[] = [
  { level: 0.1, value: 0.347 },
  { level: 0.05, value: 0.463 },
  { level: 0.025, value: 0.574 },
  { level: 0.01, value: 0.739 },
];

/** The lag truncation of forecast::ndiffs: ⌊3√n/13⌋ (urca's "short" rule is ⌊4(n/100)^¼⌋; forecast overrides it). */
export function kpssLag(n: number): number {
  return Math.trunc((3 * Math.sqrt(n)) / 13);
}

/**
 * The KPSS statistic for level stationarity (Kwiatkowski et al. 1992, eq. 14): η = n⁻² Σ S_t² / s²(l) with S_t the
 * partial sums of the demeaned series and s²(l) the Newey–West long-run variance with Bartlett weights 1 − s/(l + 1).
 * @example kpssStatistic([1, 2, 3, 4], 0) // 0.425
 */
export function kpssStatistic(values: ArrayLike<number>, lag = kpssLag(values.length)): number {
  const n = values.length;
  const mu = mean(values);
  const e = Float64Array.from({ length: n }, (_, t) => (values[t] ?? 0) - mu);
  let partial = 0;
  let eta = 0;
  for (let t = 0; t < n; t++) {
    partial += e[t] ?? 0;
    eta += partial * partial;
  }
  eta /= n * n;
  let s2 = 0;
  for (let t = 0; t < n; t++) s2 += (e[t] ?? 0) ** 2;
  for (let s = 1; s <= lag; s++) {
    let cross = 0;
    for (let t = s; t < n; t++) cross += (e[t] ?? 0) * (e[t - s] ?? 0);
    s2 += 2 * (1 - s / (lag + 1)) * cross;
  }
  s2 /= n;
  return eta / s2;
}

/** The p-value of a KPSS level statistic by linear interpolation in the critical table, clamped to [0.01, 0.1] (as urca + forecast). */
export function kpssPValue(statistic: number): number {
  const table = KPSS_LEVEL_CRITICAL;
  const first = table[0];
  const last = table[table.length - 1];
  if (first === undefined || last === undefined) return Number.NaN;
  if (statistic <= first.value) return first.level;
  if (statistic >= last.value) return last.level;
  for (let i = 1; i < table.length; i++) {
    const lo = table[i - 1];
    const hi = table[i];
    if (lo === undefined || hi === undefined) continue;
    if (statistic <= hi.value) {
      return lo.level + ((statistic - lo.value) / (hi.value - lo.value)) * (hi.level - lo.level);
    }
  }
  return last.level;
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/**
 * First differences needed for level stationarity, as forecast::ndiffs(x, test = "kpss", alpha): difference while the
 * KPSS p-value is below alpha (5%: while η > 0.463), at most maxD times; a constant series needs none.
 */
export function ndiffs(values: ArrayLike<number>, options: { alpha?: number; maxD?: number } = {}): number {
  const alpha = options.alpha ?? 0.05;
  const maxD = options.maxD ?? 2;
  let x = Float64Array.from(values);
  let d = 0;
  if (isConstant(x) || x.length < 3) return 0;
  while (d < maxD && kpssPValue(kpssStatistic(x)) < alpha) {
    d++;
    x = x.subarray(1).map((v, t) => v - (x[t] ?? 0));
    if (isConstant(x) || x.length < 3) return d;
  }
  return d;
}

/**
 * Strength of seasonality F_S = max(0, 1 − Var(R)/Var(S + R)) (Wang, Smith & Hyndman 2006, DMKD 13(3); fpp3 §4.3)
 * from a classical additive decomposition (R `decompose`: 2×m moving-average trend, seasonal indices as phase means)
 * in place of the STL decomposition forecast::nsdiffs uses — simpler, and without STL's robustness to outliers.
 * Over the observations where the centred moving average exists; 0 for fewer than two full seasons plus one.
 */
export function seasonalStrength(values: ArrayLike<number>, m: number): number {
  const n = values.length;
  if (m < 2 || n <= 2 * m) return 0;
  const trend = centredMovingAverage(values, m);
  const season = classicalSeasonalIndices(values, m, 'additive');
  const remainder: number[] = [];
  const seasonPlusRemainder: number[] = [];
  for (let t = 0; t < n; t++) {
    const tr = trend[t] ?? Number.NaN;
    if (Number.isNaN(tr)) continue;
    const s = season[t % m] ?? 0;
    const rem = (values[t] ?? 0) - tr - s;
    remainder.push(rem);
    seasonPlusRemainder.push(rem + s);
  }
  const variance = (xs: number[]) => {
    const mu = mean(xs);
    return xs.reduce((acc, v) => acc + (v - mu) ** 2, 0) / Math.max(1, xs.length - 1);
  };
  const total = variance(seasonPlusRemainder);
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(1, 1 - variance(remainder) / total));
}

/** The threshold of forecast::nsdiffs (≥ 8.0): seasonal differencing when F_S > 0.64 (chosen on M3/M4 accuracy). */
export const SEASONAL_STRENGTH_THRESHOLD = 0.64;

/** Seasonal differences needed (0 or 1 by default), as forecast::nsdiffs(test = "seas") with the measure above. */
export function nsdiffs(values: ArrayLike<number>, m: number, maxD = 1): number {
  let x = Float64Array.from(values);
  let D = 0;
  if (m < 2 || isConstant(x) || m >= x.length) return 0;
  while (D < maxD && seasonalStrength(x, m) > SEASONAL_STRENGTH_THRESHOLD) {
    D++;
    x = x.subarray(m).map((v, t) => v - (x[t] ?? 0));
    if (isConstant(x) || x.length < 2 * m) return D;
  }
  return D;
}
