/**
 * Cross-validation splits (k-fold, stratified, grouped, time-ordered), a seeded hold-out split and a helper that
 * fits and scores a learner on each fold. Split rules follow scikit-learn's `model_selection` module
 * (`KFold`, `StratifiedKFold`, `GroupKFold`, `TimeSeriesSplit`, `train_test_split`) so results can be compared.
 */
import { UserError } from '../../domain/errors.js';
import { seededRandom } from '../random.js';
import { type Matrix, selectRows } from './matrix.js';

/** One fold: the row indices to train on and the row indices to test on, each ascending. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Shuffles in place with the Fisher–Yates algorithm (Knuth, TAOCP vol. 2, §3.4.2, Algorithm P). */
export function shuffleInPlace(a: Int32Array, random: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
  return a;
}

function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function checkSplits(n: number, k: number, what: string): void {
  if (!Number.isInteger(k) || k < 2)
    throw new UserError('invalid_input', `${what} needs k ≥ 2 folds, got ${k}`);
  if (!Number.isInteger(n) || n < k)
    throw new UserError('invalid_input', `${what}: ${n} rows cannot fill ${k} folds`);
}

/** Folds from a fold number per row (−1: in no test fold). */
function foldsFromAssignment(assignment: Int32Array, k: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    let nTest = 0;
    let nTrain = 0;
    for (const a of assignment) {
      if (a === f) nTest++;
      else nTrain++;
    }
    const test = new Int32Array(nTest);
    const train = new Int32Array(nTrain);
    let t = 0;
    let r = 0;
    for (let i = 0; i < assignment.length; i++) {
      if (assignment[i] === f) test[t++] = i;
      else train[r++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}

/**
 * k consecutive folds of (optionally shuffled) rows; the first n mod k folds have one row more (as sklearn `KFold`).
 * @example kFold(5, 2).map((f) => [...f.test]) // [[0, 1, 2], [3, 4]]
 */
export function kFold(n: number, k: number, options: { shuffle?: boolean; seed?: number } = {}): Fold[] {
  checkSplits(n, k, 'kFold');
  const order = range(n);
  if (options.shuffle === true) shuffleInPlace(order, seededRandom(options.seed ?? 0));
  const assignment = new Int32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let s = 0; s < size; s++) assignment[order[pos++] ?? 0] = f;
  }
  return foldsFromAssignment(assignment, k);
}

/** Row indices grouped by label, labels ascending. */
function indicesByLabel(labels: ArrayLike<number>): Map<number, number[]> {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] ?? Number.NaN;
    if (Number.isNaN(l)) throw new UserError('invalid_input', `label of row ${i} is missing (NaN)`);
    const list = byLabel.get(l);
    if (list === undefined) byLabel.set(l, [i]);
    else list.push(i);
  }
  return new Map([...byLabel.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * k folds that keep each class's share: rows of each class (shuffled when `shuffle`) are dealt to the folds in turn,
 * so every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of class c and the fold sizes differ by at most one
 * (the allocation of sklearn `StratifiedKFold`).
 */
export function stratifiedKFold(
  y: ArrayLike<number>,
  k: number,
  options: { shuffle?: boolean; seed?: number } = {},
): Fold[] {
  checkSplits(y.length, k, 'stratifiedKFold');
  const random = seededRandom(options.seed ?? 0);
  const assignment = new Int32Array(y.length);
  let next = 0;
  for (const rows of indicesByLabel(y).values()) {
    const order = Int32Array.from(rows);
    if (options.shuffle === true) shuffleInPlace(order, random);
    for (const i of order) {
      assignment[i] = next;
      next = (next + 1) % k;
    }
  }
  return foldsFromAssignment(assignment, k);
}

/**
 * k folds in which no group appears in two test folds (e.g. the engines of C-MAPSS, so a model is never tested on an
 * engine it saw): groups, largest first, go to the fold with the fewest rows so far (sklearn `GroupKFold`).
 */
export function groupKFold(groups: ArrayLike<number>, k: number): Fold[] {
  checkSplits(groups.length, k, 'groupKFold');
  const byGroup = [...indicesByLabel(groups).entries()];
  if (byGroup.length < k) {
    throw new UserError('invalid_input', `groupKFold: ${byGroup.length} groups cannot fill ${k} folds`);
  }
  // Largest group first; equal sizes keep ascending group order (a stable sort).
  byGroup.sort((a, b) => b[1].length - a[1].length);
  const sizes = new Float64Array(k);
  const assignment = new Int32Array(groups.length);
  for (const [, rows] of byGroup) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if ((sizes[f] ?? 0) < (sizes[lightest] ?? 0)) lightest = f;
    sizes[lightest] = (sizes[lightest] ?? 0) + rows.length;
    for (const i of rows) assignment[i] = lightest;
  }
  return foldsFromAssignment(assignment, k);
}

/**
 * k expanding-window splits of time-ordered rows: test blocks of `testSize` (default ⌊n/(k+1)⌋) rows at the end,
 * training on every row before the block minus `gap` rows (sklearn `TimeSeriesSplit`).
 * @example timeSeriesSplit(6, 5)[0] // { train: [0], test: [1] }
 */
export function timeSeriesSplit(
  n: number,
  k: number,
  options: { gap?: number; testSize?: number } = {},
): Fold[] {
  checkSplits(n, k, 'timeSeriesSplit');
  const gap = options.gap ?? 0;
  const testSize = options.testSize ?? Math.floor(n / (k + 1));
  if (!Number.isInteger(gap) || gap < 0)
    throw new UserError('invalid_input', `gap must be an integer ≥ 0, got ${gap}`);
  if (!Number.isInteger(testSize) || testSize < 1) {
    throw new UserError('invalid_input', `testSize must be an integer ≥ 1, got ${testSize}`);
  }
  const firstTest = n - k * testSize;
  if (firstTest - gap < 1) {
    throw new UserError(
      'invalid_input',
      `timeSeriesSplit: ${n} rows are too few for ${k} test blocks of ${testSize}`,
    );
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const start = firstTest + f * testSize;
    const train = range(start - gap);
    const test = new Int32Array(testSize);
    for (let s = 0; s < testSize; s++) test[s] = start + s;
    folds.push({ train, test });
  }
  return folds;
}

/**
 * A seeded hold-out split: ⌈fraction·n⌉ rows for validation, the rest for training. With `stratify`, each class gives
 * its share (largest remainders settle the rounding, like sklearn `train_test_split(stratify=y)`); classes with a
 * single row stay in training.
 */
export function holdOutSplit(
  y: ArrayLike<number>,
  fraction: number,
  options: { seed?: number; stratify?: boolean } = {},
): Fold {
  const n = y.length;
  if (!(fraction > 0 && fraction < 1)) {
    throw new UserError('invalid_input', `the validation fraction must lie in (0, 1), got ${fraction}`);
  }
  const nTest = Math.ceil(fraction * n);
  if (nTest < 1 || nTest >= n) throw new UserError('invalid_input', `cannot hold out ${nTest} of ${n} rows`);
  const random = seededRandom(options.seed ?? 0);
  const inTest = new Uint8Array(n);
  if (options.stratify === true) {
    const groups = [...indicesByLabel(y).values()];
    const quota = groups.map((g) => (g.length > 1 ? Math.floor(fraction * g.length) : 0));
    let left = nTest - quota.reduce((s, q) => s + q, 0);
    const byRemainder = groups
      .map((g, c) => ({ c, r: g.length > 1 ? fraction * g.length - Math.floor(fraction * g.length) : -1 }))
      .sort((a, b) => b.r - a.r || a.c - b.c);
    for (const { c, r } of byRemainder) {
      if (left <= 0 || r < 0) break;
      const g = groups[c];
      if (g !== undefined && (quota[c] ?? 0) < g.length - 1) {
        quota[c] = (quota[c] ?? 0) + 1;
        left--;
      }
    }
    groups.forEach((g, c) => {
      const order = shuffleInPlace(Int32Array.from(g), random);
      for (let s = 0; s < (quota[c] ?? 0); s++) inTest[order[s] ?? 0] = 1;
    });
  } else {
    const order = shuffleInPlace(range(n), random);
    for (let s = 0; s < nTest; s++) inTest[order[s] ?? 0] = 1;
  }
  const assignment = Int32Array.from(inTest, (t) => (t === 1 ? 0 : -1));
  const [fold] = foldsFromAssignment(assignment, 1);
  return fold ?? { train: new Int32Array(0), test: new Int32Array(0) };
}

/** The elements of `values` at the given indices. */
export function pick(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k] ?? 0] ?? Number.NaN;
  return out;
}

/** Scores of a learner on each fold, with their mean and (population) standard deviation. */
export interface CrossValidationResult {
  readonly scores: number[];
  readonly mean: number;
  readonly std: number;
}

/**
 * Fits on each fold's training rows and scores on its test rows.
 * @example crossValidate(X, y, kFold(X.rows, 5), (Xt, yt) => fitRidge(Xt, yt), (m, Xv, yv) => rmse(yv, m.predict(Xv)))
 */
export function crossValidate<M>(
  X: Matrix,
  y: ArrayLike<number>,
  folds: readonly Fold[],
  fit: (X: Matrix, y: Float64Array) => M,
  score: (model: M, X: Matrix, y: Float64Array) => number,
): CrossValidationResult {
  if (X.rows !== y.length)
    throw new UserError('invalid_input', `X has ${X.rows} rows but y has ${y.length} values`);
  const scores = folds.map((f) => {
    const model = fit(selectRows(X, f.train), pick(y, f.train));
    return score(model, selectRows(X, f.test), pick(y, f.test));
  });
  const mean = scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length);
  const std = Math.sqrt(scores.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, scores.length));
  return { scores, mean, std };
}
