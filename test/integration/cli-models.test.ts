/** `gemba models fit`: a table in, a cross-validated gradient-boosted model out, stored in the registry. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gemba } from '../helpers/cli.js';
import { tempDir } from '../helpers/platform.js';

const dir = tempDir('gemba-cli-models-');
afterAll(() => dir[Symbol.dispose]());

/**
 * 400 parts: a width away from 0.5 (a gap in [0.4, 0.6]), a supplier a or b, a noise column. The part is bad when
 * the width is above 0.5 for supplier a or below it for supplier b: separable by two splits, so the cross-validated
 * ranking is perfect (ROC-AUC and PR-AUC 1) and at most a part or two fall on the wrong side of 0.5 (early stopping
 * ends boosting before every probability is pushed past it). The regression target is 3·width + 10 for supplier b.
 */
function table(from = 0, to = 400): string {
  const lines = ['part,width,supplier,noise,bad,weight'];
  for (let i = from; i < to; i++) {
    const width = i % 2 === 0 ? (0.4 * ((i * 37) % 100)) / 100 : 0.6 + (0.4 * ((i * 53) % 100)) / 100;
    const supplier = (i * 7) % 3 === 0 ? 'b' : 'a';
    const bad = width > 0.5 !== (supplier === 'b') ? 'yes' : 'no';
    const weight = 3 * width + (supplier === 'b' ? 10 : 0);
    lines.push(`P${i},${width.toFixed(4)},${supplier},${((i * 31) % 17) / 17},${bad},${weight.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('gemba models fit', () => {
  const file = join(dir.path, 'parts.csv');
  writeFileSync(file, table());
  const data = join(dir.path, 'data');

  it('classifies, prints the report and confusion matrix, and registers the model', async () => {
    const r = await gemba(
      'models',
      'fit',
      '--file',
      file,
      '--target',
      'bad',
      '--drop',
      'part,weight',
      '--categorical',
      'supplier',
      '--name',
      'bad-parts',
      '--folds',
      '4',
      '--data',
      data,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bad-parts v1: 400 rows, 3 features, 4-fold cross-validation');
    // 200 good and 200 bad parts; rows are the true class, columns the predicted one.
    const matrix = /confusion matrix[^\n]*\n\s+no\s+yes\nno\s+(\d+)\s+(\d+)\nyes\s+(\d+)\s+(\d+)/.exec(
      r.stdout,
    );
    const [tn, fp, fn, tp] = (matrix ?? []).slice(1).map(Number);
    expect([(tn ?? 0) + (fp ?? 0), (fn ?? 0) + (tp ?? 0)]).toEqual([200, 200]);
    expect((fp ?? 9) + (fn ?? 9)).toBeLessThanOrEqual(2);
    expect(r.stdout).toMatch(/pr_auc 1\.0000 {3}roc_auc 1\.0000/);
    expect(r.stderr).toMatch(/training bad-parts \[#+\] 100\.0%/);
    const listed = await gemba('models', 'list', '--data', data);
    const model = JSON.parse(listed.stdout).models[0];
    expect(model).toMatchObject({ name: 'bad-parts', version: 1, task: 'classification', algorithm: 'gbdt' });
    expect(model.features).toEqual(['width', 'supplier=b', 'noise']);
    expect(model.metrics).toMatchObject({ pr_auc: 1, roc_auc: 1, rows: 400 });
    expect(model.metrics.accuracy).toBeGreaterThanOrEqual(0.995);
  });

  it('regresses and reports RMSE, MAE and R²', async () => {
    const r = await gemba(
      'models',
      'fit',
      '--file',
      file,
      '--target',
      'weight',
      '--task',
      'regression',
      '--drop',
      'part,bad',
      '--categorical',
      'supplier',
      '--name',
      'part-weight',
      '--data',
      data,
      '--format',
      'json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toMatchObject({ name: 'part-weight', version: 1 });
    // The target spans 0..13; trees fit the step of 10 and the slope closely.
    expect(out.metrics.r2).toBeGreaterThan(0.99);
    expect(out.metrics.rmse).toBeLessThan(0.3);
  });

  it('draws the residual plot of a regression as PNG, and refuses one for a classification', async () => {
    const png = join(dir.path, 'residuals.png');
    const r = await gemba(
      'models',
      'fit',
      '--file',
      file,
      '--target',
      'weight',
      '--task',
      'regression',
      '--drop',
      'part,bad',
      '--categorical',
      'supplier',
      '--name',
      'part-weight',
      '--data',
      data,
      '--plot',
      png,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`residual plot written to ${png}`);
    const { pngSize } = await import('../../src/cli/png.js');
    expect(pngSize(readFileSync(png))).toEqual({ width: 1000, height: 492 });
    const refused = await gemba(
      'models',
      'fit',
      '--file',
      file,
      '--target',
      'bad',
      '--name',
      'x',
      '--data',
      data,
      '--plot',
      png,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--plot draws the residuals of a regression/);
  });

  it('scores a registered model on a table it never saw, with the classes it was trained on', async () => {
    // Parts 400..599, the columns in another order (the model finds its own by name).
    const [head, ...rows] = table(400, 600).trim().split('\n');
    const order = [4, 2, 1, 3, 0, 5];
    const reorder = (line: string) => {
      const cells = line.split(',');
      return order.map((i) => cells[i]).join(',');
    };
    const fresh = join(dir.path, 'new-parts.csv');
    writeFileSync(fresh, [head ?? '', ...rows].map(reorder).join('\n'));
    const bad = rows.filter((l) => l.split(',')[4] === 'yes').length;
    const r = await gemba('models', 'test', '--name', 'bad-parts', '--file', fresh, '--data', data);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bad-parts v1 on new-parts.csv: 200 rows (trained on parts.csv, 400 rows)');
    const matrix = /confusion matrix[^\n]*\n\s+no\s+yes\nno\s+(\d+)\s+(\d+)\nyes\s+(\d+)\s+(\d+)/.exec(
      r.stdout,
    );
    const [tn, fp, fn, tp] = (matrix ?? []).slice(1).map(Number);
    expect([(tn ?? 0) + (fp ?? 0), (fn ?? 0) + (tp ?? 0)]).toEqual([200 - bad, bad]);
    expect((fp ?? 9) + (fn ?? 9)).toBeLessThanOrEqual(2);

    const unknown = join(dir.path, 'unknown-class.csv');
    writeFileSync(unknown, `${head}\nP1,0.9,a,0.1,maybe,3\n`);
    const refused = await gemba('models', 'test', '--name', 'bad-parts', '--file', unknown, '--data', data);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/line 2: the class "maybe" is not one the model knows \(no, yes\)/);
    const missing = join(dir.path, 'no-width.csv');
    writeFileSync(missing, 'part,supplier,noise,bad\nP1,a,0.1,no\n');
    const noColumn = await gemba('models', 'test', '--name', 'bad-parts', '--file', missing, '--data', data);
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toMatch(/no column for the model's feature "width"/);

    const weight = await gemba(
      'models',
      'test',
      '--name',
      'part-weight',
      '--file',
      fresh,
      '--data',
      data,
      '--format',
      'json',
    );
    expect(weight.code, weight.stderr).toBe(0);
    expect(JSON.parse(weight.stdout).metrics.r2).toBeGreaterThan(0.99);
  });

  it('says what is wrong with the table', async () => {
    const bad = await gemba(
      'models',
      'fit',
      '--file',
      file,
      '--target',
      'nope',
      '--name',
      'x',
      '--data',
      data,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no column "nope"/);
    const text = await gemba(
      'models',
      'fit',
      '--file',
      file,
      '--target',
      'bad',
      '--name',
      'x',
      '--data',
      data,
    );
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/"P0" in column part is not a number \(name it with --categorical\)/);
  });
});
