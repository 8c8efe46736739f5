/**
 * Operating regimes: groups of operating settings (altitude, Mach, throttle, load, speed…) under which sensors read
 * at different levels, so a sensor is compared with its own regime's normal (C-MAPSS FD002/FD004 have 6 regimes).
 * Two ways to find them: k-means with k-means++ seeding on z-scored settings, or exact grouping of rounded settings.
 */
import { UserError } from '../../domain/errors.js';
import { seededRandom } from '../random.js';

/** A fitted regime model: plain data, safe to JSON.stringify and reload. */
export interface RegimeModel {
  readonly method: 'kmeans' | 'rounded';
  /** Names of the setting columns, in the order the centroids use. */
  readonly settings: string[];
  /** Per setting, the mean and standard deviation (population) of the training data; distances use z-scores. */
  readonly center: number[];
  readonly scale: number[];
  /** One centroid per regime, in raw setting units; regime r is centroids[r]. */
  readonly centroids: number[][];
  /** 'rounded' only: decimals per setting, and the rounded key of each regime (same order as centroids). */
  readonly decimals?: number[] | undefined;
  readonly keys?: string[] | undefined;
}

export interface KMeansOptions {
  readonly k: number;
  /** Seed of the k-means++ draws (default 1). */
  readonly seed?: number;
  /** Independent k-means++ starts; the one with the least within-cluster sum of squares wins (default 4). */
  readonly restarts?: number;
  /** Lloyd iterations per start (default 100). */
  readonly maxIterations?: number;
}

export interface KMeansResult {
  readonly centroids: Float64Array[];
  /** Cluster of each point. */
  readonly labels: Int32Array;
  /** Within-cluster sum of squared distances. */
  readonly inertia: number;
}

function squaredDistance(points: Float64Array, i: number, c: Float64Array, dim: number): number {
  let d = 0;
  for (let j = 0; j < dim; j++) {
    const diff = (points[i * dim + j] ?? 0) - (c[j] ?? 0);
    d += diff * diff;
  }
  return d;
}

/**
 * k-means (Lloyd 1982) started by k-means++ (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
 * seeding", SODA): the first centre is a uniform draw, each next one a draw with probability ∝ D(x)², the squared
 * distance to the nearest centre chosen so far. `points` is n × dim, row-major.
 * @example kMeans(new Float64Array([0, 0, 0, 1, 10, 10, 10, 11]), 2, { k: 2 }).labels // e.g. Int32Array [0, 0, 1, 1]
 */
export function kMeans(points: Float64Array, dim: number, options: KMeansOptions): KMeansResult {
  const n = dim === 0 ? 0 : points.length / dim;
  const { k } = options;
  if (!Number.isInteger(k) || k < 1)
    throw new UserError('invalid_input', `k must be a positive integer, got ${k}`);
  if (!Number.isInteger(n) || n < k) {
    throw new UserError(
      'invalid_input',
      `k-means needs at least k = ${k} points of dimension ${dim}, got ${n}`,
    );
  }
  const rand = seededRandom(options.seed ?? 1);
  const restarts = options.restarts ?? 4;
  const maxIterations = options.maxIterations ?? 100;
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const result = lloyd(points, n, dim, seedPlusPlus(points, n, dim, k, rand), maxIterations);
    if (best === undefined || result.inertia < best.inertia) best = result;
  }
  if (best === undefined) throw new UserError('invalid_input', 'restarts must be at least 1');
  return best;
}

function seedPlusPlus(
  points: Float64Array,
  n: number,
  dim: number,
  k: number,
  rand: () => number,
): Float64Array[] {
  const centroids: Float64Array[] = [];
  const first = Math.min(n - 1, Math.floor(rand() * n));
  centroids.push(points.slice(first * dim, (first + 1) * dim));
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  while (centroids.length < k) {
    const last = centroids[centroids.length - 1] ?? new Float64Array(dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.min(nearest[i] ?? 0, squaredDistance(points, i, last, dim));
      nearest[i] = d;
      total += d;
    }
    let pick: number;
    if (total > 0) {
      let target = rand() * total;
      for (pick = 0; pick < n - 1; pick++) {
        target -= nearest[pick] ?? 0;
        if (target < 0) break;
      }
    } else {
      pick = Math.min(n - 1, Math.floor(rand() * n)); // every point coincides with a centre: any pick will do
    }
    centroids.push(points.slice(pick * dim, (pick + 1) * dim));
  }
  return centroids;
}

function lloyd(
  points: Float64Array,
  n: number,
  dim: number,
  centroids: Float64Array[],
  maxIterations: number,
): KMeansResult {
  const k = centroids.length;
  const labels = new Int32Array(n).fill(-1);
  let inertia = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bestC = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const d = squaredDistance(points, i, centroids[c] ?? new Float64Array(dim), dim);
        if (d < bestD) {
          bestD = d;
          bestC = c;
        }
      }
      inertia += bestD;
      if (labels[i] !== bestC) {
        labels[i] = bestC;
        changed = true;
      }
    }
    if (!changed) break;
    const sums = Array.from({ length: k }, () => new Float64Array(dim));
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
      const sum = sums[c] ?? new Float64Array(dim);
      for (let j = 0; j < dim; j++) sum[j] = (sum[j] ?? 0) + (points[i * dim + j] ?? 0);
    }
    for (let c = 0; c < k; c++) {
      const count = counts[c] ?? 0;
      if (count === 0) continue; // an emptied cluster keeps its centre
      const sum = sums[c] ?? new Float64Array(dim);
      centroids[c] = sum.map((s) => s / count);
    }
  }
  return { centroids, labels, inertia };
}

export type RegimeOptions =
  | ({ readonly method: 'kmeans' } & KMeansOptions)
  | {
      readonly method: 'rounded';
      /** Decimals each setting is rounded to before grouping (one per setting, or one for all). */
      readonly decimals: number | readonly number[];
    };

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f + 0; // + 0 turns -0 into 0, so -0.0004 and 0.0004 share a key
}

function roundedKey(values: ArrayLike<number>, decimals: readonly number[]): string {
  const parts: string[] = [];
  for (let j = 0; j < decimals.length; j++)
    parts.push(String(roundTo(values[j] ?? Number.NaN, decimals[j] ?? 0)));
  return parts.join('|');
}

/**
 * Fits a regime model on the settings of the training rows (`settings` is n × names.length, row-major).
 * 'rounded' makes one regime per distinct key of rounded settings, in order of first appearance; 'kmeans' clusters
 * the z-scored settings. Either way, unseen settings are later assigned to the nearest centroid in z-score units.
 * @example fitRegimes(rows, ['altitude', 'mach', 'tra'], { method: 'rounded', decimals: [0, 2, 0] })
 */
export function fitRegimes(
  settings: Float64Array,
  names: readonly string[],
  options: RegimeOptions,
): RegimeModel {
  const dim = names.length;
  if (dim === 0) throw new UserError('invalid_input', 'regimes need at least one setting column');
  const n = settings.length / dim;
  if (!Number.isInteger(n) || n === 0) {
    throw new UserError(
      'invalid_input',
      `regimes need rows of ${dim} settings, got ${settings.length} values`,
    );
  }
  for (const v of settings) {
    if (!Number.isFinite(v))
      throw new UserError('invalid_input', 'operating settings must be finite numbers');
  }
  const center = new Array<number>(dim).fill(0);
  const scale = new Array<number>(dim).fill(0);
  for (let j = 0; j < dim; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += settings[i * dim + j] ?? 0;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += ((settings[i * dim + j] ?? 0) - mean) ** 2;
    center[j] = mean;
    const sd = Math.sqrt(ss / n);
    scale[j] = sd > 0 ? sd : 1; // a constant setting separates nothing; keep it from dividing by zero
  }
  if (options.method === 'rounded') {
    const decimals =
      typeof options.decimals === 'number'
        ? new Array<number>(dim).fill(options.decimals)
        : [...options.decimals];
    if (decimals.length !== dim) {
      throw new UserError(
        'invalid_input',
        `decimals has ${decimals.length} entries; there are ${dim} settings`,
      );
    }
    const index = new Map<string, number>();
    const sums: Float64Array[] = [];
    const counts: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = settings.subarray(i * dim, (i + 1) * dim);
      const key = roundedKey(row, decimals);
      let r = index.get(key);
      if (r === undefined) {
        r = index.size;
        index.set(key, r);
        sums.push(new Float64Array(dim));
        counts.push(0);
      }
      const sum = sums[r] ?? new Float64Array(dim);
      for (let j = 0; j < dim; j++) sum[j] = (sum[j] ?? 0) + (row[j] ?? 0);
      counts[r] = (counts[r] ?? 0) + 1;
    }
    const centroids = sums.map((sum, r) => Array.from(sum, (s) => s / (counts[r] ?? 1)));
    return {
      method: 'rounded',
      settings: [...names],
      center,
      scale,
      centroids,
      decimals,
      keys: [...index.keys()],
    };
  }
  const z = new Float64Array(settings.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      z[i * dim + j] = ((settings[i * dim + j] ?? 0) - (center[j] ?? 0)) / (scale[j] ?? 1);
    }
  }
  const result = kMeans(z, dim, options);
  // Relabel clusters by first appearance so the regime numbers do not depend on the random draws' order.
  const order = new Map<number, number>();
  for (const label of result.labels) if (!order.has(label)) order.set(label, order.size);
  const centroids: number[][] = new Array<number[]>(order.size);
  for (const [label, r] of order) {
    const c = result.centroids[label] ?? new Float64Array(dim);
    centroids[r] = Array.from(c, (v, j) => v * (scale[j] ?? 1) + (center[j] ?? 0));
  }
  return { method: 'kmeans', settings: [...names], center, scale, centroids };
}

/**
 * The regime of one row of settings: for 'rounded', the regime with the same key when there is one; otherwise (and
 * for 'kmeans') the nearest centroid in z-score units. A NaN setting gives -1 (regime unknown).
 */
export function assignRegime(model: RegimeModel, settings: ArrayLike<number>): number {
  const dim = model.settings.length;
  for (let j = 0; j < dim; j++) if (!Number.isFinite(settings[j] ?? Number.NaN)) return -1;
  if (model.method === 'rounded' && model.keys !== undefined && model.decimals !== undefined) {
    const r = model.keys.indexOf(roundedKey(settings, model.decimals));
    if (r >= 0) return r;
  }
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  model.centroids.forEach((c, r) => {
    let d = 0;
    for (let j = 0; j < dim; j++) d += (((settings[j] ?? 0) - (c[j] ?? 0)) / (model.scale[j] ?? 1)) ** 2;
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  });
  return best;
}
