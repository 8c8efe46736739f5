/**
 * Tabular models from a table of records (a CSV export, a historian extract): the table turned into a feature
 * matrix (numbers as they are, categories one-hot, the target split off), a gradient-boosted model evaluated by
 * k-fold cross-validation (stratified for classification) on out-of-fold predictions, then fitted on all rows.
 */
import {
  averagePrecision,
  classificationReport,
  confusionMatrix,
  mae,
  r2,
  rmse,
  rocAuc,
} from '../../analytics/ml/metrics.js';
import type { ClassificationReport, ConfusionMatrix } from '../../analytics/ml/metrics.js';
import { kFold, stratifiedKFold } from '../../analytics/ml/cv.js';
import { type GbdtModel, trainGbdt } from '../../analytics/ml/gbdt.js';
import { type Matrix, selectRows } from '../../analytics/ml/matrix.js';
import { UserError } from '../../domain/index.js';

export interface TableSpec {
  readonly target: string;
  /** Columns left out (ids, and anything that leaks the target). */
  readonly drop?: readonly string[];
  /** Text columns one-hot encoded (a column per value but the first); other columns must be numbers. */
  readonly categorical?: readonly string[];
}

export interface TableMatrix {
  readonly X: Matrix;
  readonly y: Float64Array;
  /** Classification: the target's text values by class code 0..K−1. */
  readonly classes?: readonly string[];
}

/**
 * The feature matrix and target of a table. An empty cell is a missing value (NaN, which the trees route); a
 * non-number in a numeric column is an error naming its line.
 */
export function tableToMatrix(
  table: { columns: readonly string[]; rows: readonly (readonly string[])[] },
  spec: TableSpec,
  task: 'classification' | 'regression',
): TableMatrix {
  const { columns, rows } = table;
  const index = (name: string): number => {
    const i = columns.indexOf(name);
    if (i < 0)
      throw new UserError('invalid_input', `no column "${name}"; the table has: ${columns.join(', ')}`);
    return i;
  };
  const targetAt = index(spec.target);
  const dropped = new Set([spec.target, ...(spec.drop ?? [])]);
  for (const name of spec.drop ?? []) index(name);
  const categorical = new Set(spec.categorical ?? []);
  for (const name of categorical) index(name);
  const features: { name: string; from: number; equals?: string }[] = [];
  columns.forEach((name, i) => {
    if (dropped.has(name)) return;
    if (!categorical.has(name)) {
      features.push({ name, from: i });
      return;
    }
    const values = [...new Set(rows.map((r) => r[i] ?? ''))].sort();
    for (const value of values.slice(1)) features.push({ name: `${name}=${value}`, from: i, equals: value });
  });
  if (features.length === 0) throw new UserError('invalid_input', 'no feature columns are left');
  const data = new Float64Array(rows.length * features.length);
  rows.forEach((row, r) => {
    features.forEach((f, j) => {
      const cell = (row[f.from] ?? '').trim();
      let value: number;
      if (f.equals !== undefined) value = cell === f.equals ? 1 : 0;
      else if (cell === '') value = Number.NaN;
      else {
        value = Number(cell);
        if (!Number.isFinite(value)) {
          throw new UserError(
            'invalid_input',
            `line ${r + 2}: "${cell}" in column ${columns[f.from] ?? ''} is not a number (name it with --categorical)`,
          );
        }
      }
      data[r * features.length + j] = value;
    });
  });
  const raw = rows.map((row) => (row[targetAt] ?? '').trim());
  let y: Float64Array;
  let classes: string[] | undefined;
  if (task === 'classification') {
    classes = [...new Set(raw)].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    if (classes.length < 2)
      throw new UserError('invalid_input', `the target ${spec.target} has only one value`);
    const code = new Map(classes.map((c, i) => [c, i]));
    y = Float64Array.from(raw, (v) => code.get(v) ?? 0);
  } else {
    y = Float64Array.from(raw, (v, r) => {
      const value = Number(v);
      if (v === '' || !Number.isFinite(value)) {
        throw new UserError('invalid_input', `line ${r + 2}: the target "${v}" is not a number`);
      }
      return value;
    });
  }
  return {
    X: { rows: rows.length, cols: features.length, data, names: features.map((f) => f.name) },
    y,
    ...(classes !== undefined && { classes }),
  };
}

export interface TabularEvaluation {
  /** Figures for the registry: accuracy, f1_macro, pr_auc, roc_auc (binary) or rmse, mae, r2. */
  readonly metrics: Record<string, number>;
  readonly report?: ClassificationReport;
  readonly confusion?: ConfusionMatrix;
  /** Out-of-fold predictions (class code or value) and, for regression, their residuals' source. */
  readonly predictions: Float64Array;
  /** The model fitted on every row. */
  readonly model: GbdtModel;
}

export interface TabularOptions {
  readonly task: 'classification' | 'regression';
  readonly folds: number;
  readonly seed: number;
  /** Called as folds and boosting rounds complete: `done` of `total` steps. */
  readonly onProgress?: (done: number, total: number, detail: string) => void;
}

/** Cross-validates a gradient-boosted model on a table's matrix, then fits it on all rows. */
export function evaluateTabular(data: TableMatrix, options: TabularOptions): TabularEvaluation {
  const { X, y } = data;
  const classification = options.task === 'classification';
  const classes = data.classes?.length ?? 0;
  const objective = classification ? (classes > 2 ? 'multiclass' : 'binary') : 'regression';
  const folds = classification
    ? stratifiedKFold(y, options.folds, { seed: options.seed })
    : kFold(X.rows, options.folds, { shuffle: true, seed: options.seed });
  const maxIterations = 200;
  const total = (folds.length + 1) * maxIterations;
  let done = 0;
  const fit = (rows: Matrix, target: ArrayLike<number>, stage: string) =>
    trainGbdt(rows, target, {
      objective,
      maxIterations,
      earlyStopping: true,
      seed: options.seed,
      onProgress: (p) => options.onProgress?.(done + p.iteration, total, stage),
    });
  const predictions = new Float64Array(X.rows);
  const scores = new Float64Array(X.rows);
  folds.forEach((fold, k) => {
    const model = fit(
      selectRows(X, fold.train),
      Float64Array.from(fold.train, (i) => y[i] ?? 0),
      `fold ${k + 1}/${folds.length}`,
    );
    done += maxIterations;
    const test = selectRows(X, fold.test);
    const predicted = model.predict(test);
    fold.test.forEach((row, j) => {
      const p = predicted[j] ?? Number.NaN;
      if (objective === 'binary') {
        scores[row] = p;
        predictions[row] = p >= 0.5 ? 1 : 0;
      } else predictions[row] = p;
    });
  });
  const model = fit(X, y, 'final fit on all rows');
  options.onProgress?.(total, total, 'done');
  if (!classification) {
    return {
      metrics: { rmse: rmse(y, predictions), mae: mae(y, predictions), r2: r2(y, predictions), rows: X.rows },
      predictions,
      model,
    };
  }
  const report = classificationReport(y, predictions);
  const metrics: Record<string, number> = {
    accuracy: report.accuracy,
    f1_macro: report.macro.f1,
    f1_weighted: report.weighted.f1,
    rows: X.rows,
  };
  if (objective === 'binary') {
    metrics['pr_auc'] = averagePrecision(y, scores);
    metrics['roc_auc'] = rocAuc(y, scores);
  }
  return { metrics, report, confusion: confusionMatrix(y, predictions), predictions, model };
}
