/**
 * Scores of regression and classification models: RMSE, MAE, R², the PHM08 score of C-MAPSS, accuracy,
 * precision/recall/F1, confusion matrix, ROC-AUC, average precision and log loss. Definitions follow
 * scikit-learn's `sklearn.metrics` (cited per function) so numbers can be compared with it.
 */
import { UserError } from '../../domain/errors.js';

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) {
    throw new UserError('invalid_input', `yTrue has ${yTrue.length} values but yPred has ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new UserError('invalid_input', 'a metric needs at least one value');
}

function val(a: ArrayLike<number>, i: number): number {
  return a[i] ?? Number.NaN;
}

/** Root mean squared error √(Σ(ŷ − y)²/n). */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(mse(yTrue, yPred));
}

/** Mean squared error Σ(ŷ − y)²/n (sklearn `mean_squared_error`). */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (val(yPred, i) - val(yTrue, i)) ** 2;
  return s / yTrue.length;
}

/** Mean absolute error Σ|ŷ − y|/n (sklearn `mean_absolute_error`). */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(val(yPred, i) - val(yTrue, i));
  return s / yTrue.length;
}

/**
 * Coefficient of determination R² = 1 − SS_res/SS_tot. A constant yTrue gives 1 for a perfect prediction and 0
 * otherwise (sklearn `r2_score` with `force_finite=True`).
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += val(yTrue, i);
  mean /= yTrue.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    ssRes += (val(yTrue, i) - val(yPred, i)) ** 2;
    ssTot += (val(yTrue, i) - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * The PHM08 challenge score of remaining-useful-life predictions (A. Saxena, K. Goebel, D. Simon, N. Eklund,
 * "Damage propagation modeling for aircraft engine run-to-failure simulation", PHM 2008, eq. 1):
 * s = Σ exp(−d/13) − 1 for d < 0 and exp(d/10) − 1 for d ≥ 0, with d = predicted − true RUL. Late predictions
 * (d > 0) cost more than early ones. Lower is better; 0 is perfect.
 */
export function phm08Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = val(yPred, i) - val(yTrue, i);
    s += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
  }
  return s;
}

/** Share of exact matches (sklearn `accuracy_score`). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (val(yTrue, i) === val(yPred, i)) hits++;
  return hits / yTrue.length;
}

/** Sorted distinct values of one or more label arrays. */
export function uniqueLabels(...arrays: ArrayLike<number>[]): number[] {
  const set = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(val(a, i));
  return [...set].sort((a, b) => a - b);
}

/** Counts C[i][j] of rows whose true label is labels[i] and predicted label labels[j]. */
export interface ConfusionMatrix {
  readonly labels: number[];
  readonly matrix: number[][];
}

/**
 * Rows: true label; columns: predicted label, both in `labels` order (default: sorted union of both arrays), as
 * sklearn `confusion_matrix`. Rows whose labels are not in `labels` are ignored.
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  labels?: readonly number[],
): ConfusionMatrix {
  checkPair(yTrue, yPred);
  const ls = labels === undefined ? uniqueLabels(yTrue, yPred) : [...labels];
  const index = new Map(ls.map((l, i) => [l, i]));
  const matrix = ls.map(() => ls.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(val(yTrue, i));
    const p = index.get(val(yPred, i));
    const row = t === undefined ? undefined : matrix[t];
    if (row !== undefined && p !== undefined) row[p] = (row[p] ?? 0) + 1;
  }
  return { labels: ls, matrix };
}

/** Precision, recall, F1 and support of one class (or of an average). */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** One row of a classification report. */
export interface ClassReportRow extends ClassScores {
  readonly label: number;
}

/** The per-class rows and the averages, as sklearn `classification_report(output_dict=True)`. */
export interface ClassificationReport {
  readonly classes: ClassReportRow[];
  readonly accuracy: number;
  readonly macro: ClassScores;
  readonly weighted: ClassScores;
}

function ratio(a: number, b: number): number {
  // sklearn's zero_division default: an undefined ratio (0/0) counts as 0.
  return b === 0 ? 0 : a / b;
}

/**
 * Per-class precision tp/(tp+fp), recall tp/(tp+fn) and F1 = 2·P·R/(P+R) (0 where undefined, sklearn's
 * `zero_division` default), with macro (unweighted mean over classes) and weighted (by support) averages
 * (sklearn `precision_recall_fscore_support`, `classification_report`).
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  labels?: readonly number[],
): ClassificationReport {
  const { labels: ls, matrix } = confusionMatrix(yTrue, yPred, labels);
  const classes = ls.map((label, c) => {
    const tp = matrix[c]?.[c] ?? 0;
    const support = (matrix[c] ?? []).reduce((s, v) => s + v, 0);
    const predicted = matrix.reduce((s, row) => s + (row[c] ?? 0), 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { label, precision, recall, f1, support };
  });
  const total = classes.reduce((s, r) => s + r.support, 0);
  const average = (weight: (r: ClassReportRow) => number, norm: number): ClassScores => ({
    precision: classes.reduce((s, r) => s + weight(r) * r.precision, 0) / norm,
    recall: classes.reduce((s, r) => s + weight(r) * r.recall, 0) / norm,
    f1: classes.reduce((s, r) => s + weight(r) * r.f1, 0) / norm,
    support: total,
  });
  return {
    classes,
    accuracy: accuracy(yTrue, yPred),
    macro: average(() => 1, Math.max(1, classes.length)),
    weighted: average((r) => r.support, Math.max(1, total)),
  };
}

/** Binary labels as 0/1 with the larger label positive (sklearn's default `pos_label` for {0, 1} and {−1, 1}). */
function binaryTargets(yTrue: ArrayLike<number>): Uint8Array {
  const ls = uniqueLabels(yTrue);
  if (ls.length !== 2) {
    throw new UserError(
      'invalid_input',
      `a binary metric needs exactly two classes in yTrue, found ${ls.length}`,
    );
  }
  const positive = ls[1];
  return Uint8Array.from({ length: yTrue.length }, (_, i) => (val(yTrue, i) === positive ? 1 : 0));
}

/** Rows ordered by descending score, and the positions where the score changes (ties share one threshold). */
function rankByScore(scores: ArrayLike<number>): { order: Int32Array; ends: number[] } {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => val(scores, b) - val(scores, a) || a - b,
  );
  const ends: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const next = order[k + 1];
    if (next === undefined || val(scores, next) !== val(scores, order[k] ?? 0)) ends.push(k + 1);
  }
  return { order, ends };
}

/**
 * Area under the ROC curve, by the trapezoidal rule over the distinct score thresholds (ties make a diagonal step),
 * as sklearn `roc_auc_score` for binary targets; equals the Mann–Whitney U statistic / (n₊·n₋).
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPair(yTrue, scores);
  const y = binaryTargets(yTrue);
  const { order, ends } = rankByScore(scores);
  const pos = y.reduce((s, v) => s + v, 0);
  const neg = y.length - pos;
  let tp = 0;
  let fp = 0;
  let area = 0;
  let k = 0;
  for (const end of ends) {
    const [tp0, fp0] = [tp, fp];
    for (; k < end; k++) {
      if (y[order[k] ?? 0] === 1) tp++;
      else fp++;
    }
    area += ((fp - fp0) * (tp + tp0)) / 2;
  }
  return area / (pos * neg);
}

/**
 * Average precision AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds in descending order (sklearn
 * `average_precision_score`: a step function, not the trapezoidal area, which would be optimistic).
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPair(yTrue, scores);
  const y = binaryTargets(yTrue);
  const { order, ends } = rankByScore(scores);
  const pos = y.reduce((s, v) => s + v, 0);
  let tp = 0;
  let k = 0;
  let ap = 0;
  let lastRecall = 0;
  for (const end of ends) {
    for (; k < end; k++) if (y[order[k] ?? 0] === 1) tp++;
    const recall = tp / pos;
    ap += (recall - lastRecall) * (tp / end);
    lastRecall = recall;
  }
  return ap;
}

/**
 * Mean negative log-likelihood −(1/n)·Σ log p̂(yᵢ) (sklearn `log_loss`), probabilities clipped to [ε, 1 − ε] with
 * ε the float64 machine epsilon. `proba` is either, per row, P(larger label) for binary targets, or, per row, the
 * probabilities of `labels` (default: sorted labels of yTrue) in that order.
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number> | readonly ArrayLike<number>[],
  labels?: readonly number[],
): number {
  if (yTrue.length !== proba.length || yTrue.length === 0) {
    throw new UserError(
      'invalid_input',
      `yTrue has ${yTrue.length} values but proba has ${proba.length} rows`,
    );
  }
  const ls = labels === undefined ? uniqueLabels(yTrue) : [...labels];
  const index = new Map(ls.map((l, i) => [l, i]));
  const eps = Number.EPSILON;
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const c = index.get(val(yTrue, i));
    if (c === undefined)
      throw new UserError('invalid_input', `label ${val(yTrue, i)} of row ${i} is not in labels`);
    const row = proba[i];
    let p: number;
    if (typeof row === 'number') {
      if (ls.length > 2)
        throw new UserError('invalid_input', 'one probability per row needs a binary target');
      p = c === ls.length - 1 ? row : 1 - row;
    } else {
      p = row?.[c] ?? Number.NaN;
    }
    s -= Math.log(Math.min(1 - eps, Math.max(eps, p)));
  }
  return s / yTrue.length;
}
