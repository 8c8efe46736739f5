/**
 * `gemba models fit --file table.csv --target COLUMN --name NAME [--task classification|regression]
 *   [--drop a,b] [--categorical c] [--folds 5] [--seed 42] [--format table|json] [--plot residuals.svg|png]`
 * Trains a gradient-boosted model on a table here, with k-fold cross-validation (a progress bar on stderr), prints
 * the evaluation (classification report and confusion matrix, or RMSE / MAE / R²) and stores the model, fitted on
 * every row, in the registry (models.register, through the server or a data directory).
 * `gemba models test --name NAME --file new.csv [--plot …]` scores such a model on a table it never saw.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { GbdtModel } from '../../analytics/ml/gbdt.js';
import { type TabularScores, evaluateTabular, scoreTable, tableToMatrix } from '../../app/ml/tabular.js';
import { type ModelRecord, UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';
import { progressBar } from '../progress.js';
import { plotTarget, readTable, writePlot } from './spc.js';

const list = (text: string | undefined): string[] =>
  text === undefined
    ? []
    : text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);

function intFlag(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const text = stringFlag(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new UserError('invalid_input', `--${name} must be an integer ≥ ${min}`);
  return value;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '—');

export async function modelsFitCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const file = stringFlag(args, 'file');
  const target = stringFlag(args, 'target');
  const name = stringFlag(args, 'name');
  if (file === undefined || target === undefined || name === undefined) {
    throw new UserError(
      'invalid_input',
      'usage: gemba models fit --file table.csv --target COLUMN --name NAME',
    );
  }
  const task = stringFlag(args, 'task') ?? 'classification';
  if (task !== 'classification' && task !== 'regression') {
    throw new UserError('invalid_input', '--task is classification or regression');
  }
  const plot = plotTarget(args);
  if (plot !== undefined && task !== 'regression') {
    throw new UserError('invalid_input', '--plot draws the residuals of a regression (--task regression)');
  }
  const folds = intFlag(args, 'folds', 5, 2);
  const seed = intFlag(args, 'seed', 42, 0);
  const data = tableToMatrix(
    readTableFile(file),
    { target, drop: list(stringFlag(args, 'drop')), categorical: list(stringFlag(args, 'categorical')) },
    task,
  );
  const bar = progressBar(`training ${name}`, 1);
  const evaluation = evaluateTabular(data, {
    task,
    folds,
    seed,
    onProgress: (done, total, detail) => (done >= total ? undefined : bar.update(done / total, detail)),
  });
  bar.finish(`${folds} folds + final fit`);
  const registered = (await client.call('models.register', {
    name,
    task,
    training: {
      dataset: basename(file),
      rows: data.X.rows,
      target,
      assets: [],
      tags: [],
      ...(data.classes !== undefined && { classes: [...data.classes] }),
    },
    features: [...data.X.names],
    metrics: evaluation.metrics,
    artifact: evaluation.model.toJSON(),
  })) as { model: { name: string; version: number } };
  if (plot !== undefined) {
    const { renderResidualsSvg } = await import('../../analytics/ml/residual-plot.js');
    const svg = renderResidualsSvg(data.y, evaluation.predictions, {
      title: `${name}: ${folds}-fold cross-validated predictions of ${target}`,
      label: target,
    });
    await writePlot(plot, svg);
  }
  if (stringFlag(args, 'format') === 'json') {
    return JSON.stringify(
      {
        model: registered.model,
        metrics: evaluation.metrics,
        report: evaluation.report,
        confusion: evaluation.confusion,
      },
      null,
      2,
    );
  }
  const out = [
    `${registered.model.name} v${registered.model.version}: ${data.X.rows} rows, ${data.X.cols} features, ${folds}-fold cross-validation (seed ${seed})`,
    '',
    ...formatScores(evaluation, data.classes),
  ];
  if (plot !== undefined) out.push(`residual plot written to ${plot.path}`);
  const importance = evaluation.model.featureImportance('gain').slice(0, 5);
  out.push(
    '',
    `most important features (gain): ${importance.map((f) => `${f.feature} ${(f.importance * 100).toFixed(1)} %`).join(', ')}`,
  );
  return out.join('\n');
}

/** The classification report, confusion matrix and AUCs, or RMSE / MAE / R², as text lines. */
function formatScores(scores: TabularScores, classes: readonly string[] | undefined): string[] {
  const out: string[] = [];
  if (!scores.report || !scores.confusion || !classes) {
    out.push(['rmse', 'mae', 'r2'].map((k) => `${k} ${fmt(scores.metrics[k] ?? Number.NaN)}`).join('   '));
    return out;
  }
  const width = Math.max(8, ...classes.map((l) => l.length));
  out.push(`${'class'.padEnd(width)}  precision  recall      f1  support`);
  for (const row of scores.report.classes) {
    out.push(
      `${(classes[row.label] ?? String(row.label)).padEnd(width)}  ${fmt(row.precision).padStart(9)}  ${fmt(row.recall).padStart(6)}  ${fmt(row.f1).padStart(6)}  ${String(row.support).padStart(7)}`,
    );
  }
  const { macro, weighted } = scores.report;
  out.push(
    `${'macro'.padEnd(width)}  ${fmt(macro.precision).padStart(9)}  ${fmt(macro.recall).padStart(6)}  ${fmt(macro.f1).padStart(6)}`,
    `${'weighted'.padEnd(width)}  ${fmt(weighted.precision).padStart(9)}  ${fmt(weighted.recall).padStart(6)}  ${fmt(weighted.f1).padStart(6)}`,
    `accuracy ${fmt(scores.report.accuracy)}`,
    '',
    'confusion matrix (rows: true, columns: predicted)',
    `${''.padEnd(width)}  ${classes.map((l) => l.padStart(7)).join(' ')}`,
  );
  scores.confusion.matrix.forEach((row, i) => {
    out.push(`${(classes[i] ?? '').padEnd(width)}  ${row.map((v) => String(v).padStart(7)).join(' ')}`);
  });
  const extra = ['pr_auc', 'roc_auc'].filter((k) => scores.metrics[k] !== undefined);
  if (extra.length > 0)
    out.push('', extra.map((k) => `${k} ${fmt(scores.metrics[k] ?? Number.NaN)}`).join('   '));
  return out;
}

function readTableFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('invalid_input', `cannot read ${file}`);
  }
  return readTable(text);
}

/**
 * `gemba models test --name NAME [--version V] --file new.csv [--format table|json] [--plot residuals.svg|png]`:
 * a registered table model (from `gemba models fit`) scored on data it never saw — a later month, another line —
 * with the same report as at training. The figures are printed, not stored.
 */
export async function modelsTestCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const file = stringFlag(args, 'file');
  const name = stringFlag(args, 'name');
  if (file === undefined || name === undefined) {
    throw new UserError('invalid_input', 'usage: gemba models test --name NAME --file new.csv');
  }
  const version = stringFlag(args, 'version');
  const { model: record } = (await client.call('models.get', {
    name,
    ...(version !== undefined && { version }),
    artifact: true,
  })) as { model: ModelRecord };
  const target = record.training.target;
  if (record.algorithm !== 'gbdt' || record.training.dataset === undefined || target === undefined) {
    throw new UserError(
      'invalid_input',
      `${name} v${record.version} was not fitted on a table (gemba models fit); evaluate plant models with gemba models evaluate`,
    );
  }
  const model = GbdtModel.fromJSON(record.artifact);
  const plot = plotTarget(args);
  if (plot !== undefined && model.objective !== 'regression') {
    throw new UserError('invalid_input', '--plot draws the residuals of a regression model');
  }
  const table = readTableFile(file);
  const scores = scoreTable(model, table, target, record.training.classes);
  if (plot !== undefined) {
    const { renderResidualsSvg } = await import('../../analytics/ml/residual-plot.js');
    await writePlot(
      plot,
      renderResidualsSvg(scores.y, scores.predictions, {
        title: `${name} v${record.version} on ${basename(file)}: predictions of ${target}`,
        label: target,
      }),
    );
  }
  if (stringFlag(args, 'format') === 'json') {
    return JSON.stringify(
      {
        model: { name, version: record.version },
        metrics: scores.metrics,
        report: scores.report,
        confusion: scores.confusion,
      },
      null,
      2,
    );
  }
  return [
    `${name} v${record.version} on ${basename(file)}: ${table.rows.length} rows (trained on ${record.training.dataset}, ${record.training.rows} rows)`,
    '',
    ...formatScores(scores, record.training.classes),
    ...(plot !== undefined ? [`residual plot written to ${plot.path}`] : []),
  ].join('\n');
}
