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
  /** A trained model's encoding: its feature names (in order) and class names, instead of this table's values. */
  known?: { readonly features: readonly string[]; readonly classes?: readonly string[] },
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
    const values = known
      ? known.features.filter((f) => f.startsWith(`${name}=`)).map((f) => f.slice(name.length + 1))
      : [...new Set(rows.map((r) => r[i] ?? ''))].sort().slice(1);
    for (const value of values) features.push({ name: `${name}=${value}`, from: i, equals: value });
  });
  if (known) {
    const order = new Map(known.features.map((f, j) => [f, j]));
    features.sort((a, b) => (order.get(a.name) ?? -1) - (order.get(b.name) ?? -1));
  }
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
    classes = known?.classes
      ? [...known.classes]
      : [...new Set(raw)].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    if (classes.length < 2)
      throw new UserError('invalid_input', `the target ${spec.target} has only one value`);
    const code = new Map(classes.map((c, i) => [c, i]));
    y = Float64Array.from(raw, (v, r) => {
      const c = code.get(v);
      if (c === undefined) {
        throw new UserError(
          'invalid_input',
          `line ${r + 2}: the class "${v}" is not one the model knows (${classes?.join(', ') ?? ''})`,
        );
      }
      return c;
    });
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
  return {
    ...tabularScores(y, predictions, objective === 'binary' ? scores : undefined, classification),
    model,
  };
}

export type TabularScores = Omit<TabularEvaluation, 'model'>;

/**
 * The figures of predictions against the truth: accuracy, F1 (macro, weighted), the report and confusion matrix,
 * and PR-AUC / ROC-AUC from the binary `scores`; or RMSE, MAE and R².
 */
export function tabularScores(
  y: Float64Array,
  predictions: Float64Array,
  scores: Float64Array | undefined,
  classification: boolean,
  labels?: readonly number[],
): TabularScores {
  if (!classification) {
    return {
      metrics: {
        rmse: rmse(y, predictions),
        mae: mae(y, predictions),
        r2: r2(y, predictions),
        rows: y.length,
      },
      predictions,
    };
  }
  const report = classificationReport(y, predictions, labels);
  const metrics: Record<string, number> = {
    accuracy: report.accuracy,
    f1_macro: report.macro.f1,
    f1_weighted: report.weighted.f1,
    rows: y.length,
  };
  if (scores !== undefined && new Set(y).size === 2) {
    metrics['pr_auc'] = averagePrecision(y, scores);
    metrics['roc_auc'] = rocAuc(y, scores);
  }
  return { metrics, report, confusion: confusionMatrix(y, predictions, labels), predictions };
}

/**
 * A registered model's figures on a new table (a later period, another line): its feature columns rebuilt by name
 * — a column as it is, or `column=value` as the indicator of that value — and its labels mapped by the class names
 * it was trained with. Columns the model does not use are ignored; a missing one is an error.
 */
export function scoreTable(
  model: GbdtModel,
  table: { columns: readonly string[]; rows: readonly (readonly string[])[] },
  target: string,
  classes: readonly string[] | undefined,
): TabularScores & { readonly y: Float64Array } {
  const classification = model.objective !== 'regression';
  if (classification && classes === undefined) {
    throw new UserError('invalid_input', 'the model does not record its class names; register it again');
  }
  const present = new Set(table.columns);
  const columns: string[] = [];
  for (const feature of model.features) {
    const base = present.has(feature) ? feature : feature.split('=')[0];
    if (base === undefined || !present.has(base)) {
      throw new UserError('invalid_input', `the table has no column for the model's feature "${feature}"`);
    }
    if (!columns.includes(base)) columns.push(base);
  }
  const numeric = columns.filter((c) => model.features.includes(c));
  const categorical = columns.filter((c) => !numeric.includes(c));
  const keep = [...columns, target].map((c) => table.columns.indexOf(c));
  if ((keep.at(-1) ?? -1) < 0) throw new UserError('invalid_input', `no target column "${target}"`);
  const narrow = { columns: [...columns, target], rows: table.rows.map((r) => keep.map((i) => r[i] ?? '')) };
  const data = tableToMatrix(
    narrow,
    { target, categorical },
    classification ? 'classification' : 'regression',
    {
      features: model.features,
      ...(classes !== undefined && { classes }),
    },
  );
  const predicted = model.predict(data.X);
  if (!classification) return { ...tabularScores(data.y, predicted, undefined, false), y: data.y };
  const binary = model.objective === 'binary';
  const predictions = binary ? predicted.map((p) => (p >= 0.5 ? 1 : 0)) : predicted;
  const labels = (classes ?? []).map((_, i) => i);
  return { ...tabularScores(data.y, predictions, binary ? predicted : undefined, true, labels), y: data.y };
}
