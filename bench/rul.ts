/**
 * `npm run bench -- rul [--data DIR] [--subset FD001] [--cap 125] [--folds 5] [--no-peers]`: remaining-useful-life
 * regression on NASA C-MAPSS. Piecewise-linear target capped at 125 cycles (Li, Ding & Sun 2018, "Remaining useful
 * life estimation in prognostics using deep convolution neural networks", RESS 172; Heimes 2008 used 130); constant
 * sensors dropped, sensors z-scored per operating regime (rounded settings: one regime in FD001/FD003, six in
 * FD002/FD004), rolling window features per engine (src/analytics/ml/features.ts). Scored on the official test set —
 * the last cycle of each test engine against RUL_FD00x.txt — by RMSE and the PHM08 score.
 *
 * Model selection never sees the test set: grouped k-fold cross-validation by engine on the training set
 * (`groupKFold`, 5 folds, no engine on both sides). (1) For each tree setting in `TREE_GRID`, each fold is boosted
 * with its held-out engines as the validation set (patience 30, every tree kept); the fold loss curves are pooled
 * row-weighted, and the round count with the lowest pooled loss is that setting's; the setting with the lowest CV
 * RMSE wins. (2) A ridge regression on the same features (NaN → training column mean) gets its α from
 * `RIDGE_ALPHAS` by the same folds. (3) The blend weight w of ridge in (1 − w)·GBDT + w·ridge comes from
 * `BLEND_WEIGHTS` by the CV RMSE of the out-of-fold predictions. The chosen GBDT is then refitted on every engine
 * with the rounds found. XGBoost (bench/peers/rul_xgboost.py) gets the same feature matrix, the same folds, the same
 * grid and round rule, and the same ridge blend (our ridge's out-of-fold and test predictions, its w chosen by the
 * same CV), in the same run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Fold, groupKFold, pick } from '../src/analytics/ml/cv.js';
import { type FeatureSpec, fitFeaturePipeline, transformFeatures } from '../src/analytics/ml/features.js';
import { GbdtModel, type GbdtOptions, trainGbdt } from '../src/analytics/ml/gbdt.js';
import { fitRidge } from '../src/analytics/ml/linear.js';
import { type Matrix, selectRows } from '../src/analytics/ml/matrix.js';
import { phm08Score, rmse } from '../src/analytics/ml/metrics.js';
import { CMAPSS_SENSORS, CMAPSS_SETTINGS, loadCmapss, trainingRul } from './data/cmapss.js';
import { dataDir, numberFlag, stringFlag, writeResults } from './harness.js';
import { ensurePythonPeers, runPeerScript, writeIndices, writeMatrix } from './peers/exchange.js';

/** Published test-set figures (RMSE, PHM08 score) as tabulated in the FFVE paper (data README), per subset. */
const PUBLISHED: Record<string, Record<string, [number, number]>> = {
  'CNN (Babu et al. 2016)': { FD001: [18.45, 1299], FD002: [30.29, 13600], FD004: [29.16, 7890] },
  'Deep LSTM (Zheng et al. 2017)': {
    FD001: [16.14, 338],
    FD002: [24.49, 4450],
    FD003: [16.18, 852],
    FD004: [28.17, 5550],
  },
  'MS-DCNN (Li, Zhao, Zhang, Zio 2020)': {
    FD001: [11.44, 196.22],
    FD002: [19.35, 3747],
    FD003: [11.67, 241.89],
    FD004: [22.22, 4844],
  },
  'FFVE (2024)': {
    FD001: [12.31, 280.21],
    FD002: [12.55, 772.17],
    FD003: [12.43, 302.1],
    FD004: [14.08, 1149.03],
  },
};

/** The feature description: the same JSON would be fitted and saved for live scoring of a fleet. */
export const RUL_FEATURES: FeatureSpec = {
  unit: 'unit',
  sensors: CMAPSS_SENSORS,
  settings: [...CMAPSS_SETTINGS],
  // altitude (kft) to whole numbers, Mach to 2 decimals, throttle resolver angle to whole degrees: the six
  // FD002/FD004 conditions are 0/0/100, 10/0.25/100, 20/0.7/100, 25/0.62/60, 35/0.84/100, 42/0.84/100
  regimes: { method: 'rounded', decimals: [0, 2, 0] },
  minDistinctValues: 3,
  windows: [
    { size: 5, stats: ['mean'] },
    { size: 10, stats: ['mean', 'std', 'slope'] },
    { size: 20, stats: ['mean', 'std', 'slope', 'min', 'max'] },
    { size: 30, stats: ['mean', 'std', 'slope', 'min', 'max', 'rms', 'kurtosis'] },
  ],
  // each engine's change since its own first 10 cycles: removes the engine-to-engine offsets of initial wear
  drift: 10,
  passthrough: ['cycle'],
};

/** The row of each unit's last cycle, units ascending (the rows the official RUL file scores). */
function lastRows(m: Matrix): Int32Array {
  const last = new Map<number, { cycle: number; row: number }>();
  for (let i = 0; i < m.rows; i++) {
    const unit = m.data[i * m.cols] ?? 0;
    const cycle = m.data[i * m.cols + 1] ?? 0;
    const seen = last.get(unit);
    if (seen === undefined || cycle > seen.cycle) last.set(unit, { cycle, row: i });
  }
  return Int32Array.from([...last.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.row));
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Tree settings compared by grouped CV (learning rate 0.05, L2 1, 255 bins for all). */
const TREE_GRID = [
  { maxLeafNodes: 31, minSamplesLeaf: 20 },
  { maxLeafNodes: 15, minSamplesLeaf: 50 },
] as const;
type TreeSetting = (typeof TREE_GRID)[number];
const RIDGE_ALPHAS = [1, 10, 100, 1000];
const BLEND_WEIGHTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5];

const clip = (v: number, cap: number) => Math.min(cap, Math.max(0, v));

function rmseClipped(y: Float64Array, p: ArrayLike<number>, cap: number): number {
  return rmse(
    y,
    Float64Array.from(p, (v) => clip(v, cap)),
  );
}

/** Per column, the mean of the non-NaN values of the given rows (0 when there are none). */
function columnMeans(X: Matrix, rows: ArrayLike<number>): Float64Array {
  const sum = new Float64Array(X.cols);
  const count = new Float64Array(X.cols);
  for (let r = 0; r < rows.length; r++) {
    const o = (rows[r] ?? 0) * X.cols;
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[o + j] ?? Number.NaN;
      if (!Number.isNaN(v)) {
        sum[j] = (sum[j] ?? 0) + v;
        count[j] = (count[j] ?? 0) + 1;
      }
    }
  }
  return sum.map((s, j) => ((count[j] ?? 0) > 0 ? s / (count[j] ?? 1) : 0));
}

/** The given rows of X with each NaN replaced by its column's `means` value (ridge cannot take NaN). */
function imputed(X: Matrix, rows: ArrayLike<number>, means: Float64Array): Matrix {
  const m = selectRows(X, rows);
  const data = m.data.map((v, k) => (Number.isNaN(v) ? (means[k % m.cols] ?? 0) : v));
  return { ...m, data };
}

/** The first `rounds` boosting iterations of a model trained with `keepAllIterations`. */
function truncated(model: GbdtModel, rounds: number): GbdtModel {
  const json = model.toJSON();
  return GbdtModel.fromJSON({ ...json, trees: json.trees.slice(0, rounds), bestIteration: rounds });
}

interface CvOutcome {
  rounds: number;
  cvRmse: number;
  oof: Float64Array;
}

/** Grouped CV of one tree setting: pooled held-out loss per round, its best round, and out-of-fold predictions. */
function crossValidateGbdt(
  X: Matrix,
  y: Float64Array,
  folds: readonly Fold[],
  options: GbdtOptions,
  label: string,
): CvOutcome {
  const models = folds.map((f) =>
    trainGbdt(selectRows(X, f.train), pick(y, f.train), {
      ...options,
      validation: { X: selectRows(X, f.test), y: pick(y, f.test) },
      keepAllIterations: true,
    }),
  );
  const length = Math.min(...models.map((m) => m.history.valid?.length ?? 0));
  const pooled = new Float64Array(length);
  models.forEach((m, k) => {
    const rows = folds[k]?.test.length ?? 0;
    for (let it = 0; it < length; it++) pooled[it] = (pooled[it] ?? 0) + rows * (m.history.valid?.[it] ?? 0);
  });
  let rounds = 1;
  for (let it = 1; it < length; it++) if ((pooled[it] ?? 0) < (pooled[rounds] ?? 0)) rounds = it;
  const oof = new Float64Array(y.length);
  models.forEach((m, k) => {
    const fold = folds[k];
    if (fold === undefined) return;
    const p = truncated(m, rounds).predict(selectRows(X, fold.test));
    fold.test.forEach((row, i) => (oof[row] = p[i] ?? 0));
  });
  const cvRmse = rmse(y, oof);
  console.log(
    `  CV ${label}: ${rounds} rounds (fold curves ${models.map((m) => m.history.valid?.length ?? 0).join('/')}), RMSE ${round(cvRmse)}`,
  );
  return { rounds, cvRmse, oof };
}

/** The blend weight from `BLEND_WEIGHTS` with the lowest CV RMSE of (1 − w)·a + w·b, clipped to [0, cap]. */
function chooseBlend(
  y: Float64Array,
  a: Float64Array,
  b: Float64Array,
  cap: number,
): { weight: number; cvRmse: number; table: string } {
  let best = { weight: 0, cvRmse: Infinity };
  const cells: string[] = [];
  for (const w of BLEND_WEIGHTS) {
    const e = rmseClipped(
      y,
      a.map((v, i) => (1 - w) * v + w * (b[i] ?? 0)),
      cap,
    );
    cells.push(`w ${w}: ${round(e, 3)}`);
    if (e < best.cvRmse) best = { weight: w, cvRmse: e };
  }
  return { ...best, table: cells.join(', ') };
}

export async function run(args: string[]): Promise<void> {
  const subset = stringFlag(args, 'subset', 'FD001').toUpperCase();
  const dir = join(dataDir(args), 'cmapss');
  const cap = numberFlag(args, 'cap', 125);
  const k = numberFlag(args, 'folds', 5);
  const params = {
    learningRate: numberFlag(args, 'learning-rate', 0.05),
    maxIterations: numberFlag(args, 'iterations', 1000),
    l2Regularization: numberFlag(args, 'l2', 1),
    nIterNoChange: numberFlag(args, 'patience', 30),
  };
  const threads = Math.min(2, cpus().length);
  const data = await loadCmapss(dir, subset);
  if ('skipped' in data) {
    console.log(`rul: skipped ${subset}: ${data.skipped}`);
    return;
  }

  // Features: fitted on the training engines only, then applied unchanged to the test engines.
  let t = performance.now();
  const pipeline = fitFeaturePipeline(data.train, RUL_FEATURES);
  const X = transformFeatures(pipeline, data.train);
  const y = trainingRul(data.train, cap);
  const testAll = transformFeatures(pipeline, data.test);
  const testRows = lastRows(data.test);
  const Xtest = selectRows(testAll, testRows);
  const featureMs = performance.now() - t;
  const regimes = pipeline.regimes?.centroids.length ?? 1;
  console.log(
    `${subset}: ${data.train.rows} training rows, ${X.cols} features (dropped constant ${pipeline.dropped.join(', ')}; ${regimes} regime(s)); ${Xtest.rows} test engines; features ${round(featureMs / 1000)} s`,
  );

  // Grouped folds by engine: every model below is chosen on these, never on the test engines.
  const engine = Float64Array.from({ length: data.train.rows }, (_, i) => at0(data.train, i));
  const units = new Set(engine).size;
  const folds = groupKFold(engine, k);
  const foldOf = new Int32Array(X.rows);
  folds.forEach((f, n) => f.test.forEach((row) => (foldOf[row] = n)));

  // (1) GBDT: tree setting and rounds by grouped CV, then a refit on every engine.
  t = performance.now();
  const gbdtCv = TREE_GRID.map((setting) => ({
    setting,
    ...crossValidateGbdt(
      X,
      y,
      folds,
      { objective: 'regression', ...params, ...setting },
      `Gemba GBDT ${setting.maxLeafNodes} leaves, ≥ ${setting.minSamplesLeaf} rows/leaf`,
    ),
  }));
  const chosen = gbdtCv.reduce((a, b) => (b.cvRmse < a.cvRmse ? b : a));
  const model = trainGbdt(X, y, {
    objective: 'regression',
    ...params,
    ...chosen.setting,
    maxIterations: chosen.rounds,
    earlyStopping: false,
  });
  const gbdtS = (performance.now() - t) / 1000;

  // (2) Ridge on the same features: α by the same folds.
  t = performance.now();
  const ridgeCv = RIDGE_ALPHAS.map((alpha) => {
    const oof = new Float64Array(y.length);
    for (const f of folds) {
      const means = columnMeans(X, f.train);
      const p = fitRidge(imputed(X, f.train, means), pick(y, f.train), { alpha }).predict(
        imputed(X, f.test, means),
      );
      f.test.forEach((row, i) => (oof[row] = p[i] ?? 0));
    }
    return { alpha, oof, cvRmse: rmseClipped(y, oof, cap) };
  });
  const ridgeChosen = ridgeCv.reduce((a, b) => (b.cvRmse < a.cvRmse ? b : a));
  const allRows = Int32Array.from({ length: X.rows }, (_, i) => i);
  const allMeans = columnMeans(X, allRows);
  const ridge = fitRidge(imputed(X, allRows, allMeans), y, { alpha: ridgeChosen.alpha });
  const ridgeTest = ridge.predict(
    imputed(
      Xtest,
      Int32Array.from({ length: Xtest.rows }, (_, i) => i),
      allMeans,
    ),
  );
  const ridgeS = (performance.now() - t) / 1000;
  console.log(
    `  CV ridge: ${ridgeCv.map((r) => `α ${r.alpha}: ${round(r.cvRmse)}`).join(', ')} → α ${ridgeChosen.alpha}`,
  );

  // (3) Blend weight by the CV RMSE of the out-of-fold predictions.
  const blend = chooseBlend(y, chosen.oof, ridgeChosen.oof, cap);
  console.log(`  CV blend (Gemba GBDT + ridge): ${blend.table} → w ${blend.weight}`);
  const trainS = gbdtS + ridgeS;
  const gbdtTest = model.predict(Xtest);
  const predicted = gbdtTest.map((v, i) =>
    clip((1 - blend.weight) * v + blend.weight * (ridgeTest[i] ?? 0), cap),
  );
  const ours = { rmse: round(rmse(data.rul, predicted)), score: round(phm08Score(data.rul, predicted), 1) };
  console.log(
    `Gemba GBDT: ${chosen.setting.maxLeafNodes} leaves, ${chosen.rounds} rounds, ridge w ${blend.weight}: RMSE ${ours.rmse}, PHM08 score ${ours.score}, training ${round(trainS, 1)} s (CV included)`,
  );

  const peers: Record<string, Record<string, number | string>> = {};
  const notes: string[] = [];
  const cvNotes: string[] = [];
  if (!args.includes('--no-peers')) {
    const missing = await ensurePythonPeers();
    if (missing !== undefined) {
      notes.push(`XGBoost peer skipped: ${missing}`);
      console.log(`peers skipped: ${missing}`);
    } else {
      const tmp = await mkdtemp(join(tmpdir(), 'gemba-bench-rul-'));
      try {
        await writeMatrix(tmp, 'X_train', X);
        await writeMatrix(tmp, 'y_train', y);
        await writeMatrix(tmp, 'X_test', Xtest);
        await writeIndices(tmp, 'fold_of', foldOf);
        await writeFile(join(tmp, 'params.json'), JSON.stringify({ ...params, grid: TREE_GRID, folds: k }));
        const answer = (await runPeerScript('rul_xgboost.py', tmp, threads)) as Record<string, unknown>;
        for (const [name, value] of Object.entries(answer)) {
          if (name === 'versions') {
            notes.push(`Peer versions: ${JSON.stringify(value)} (Debian python3-xgboost, /usr/bin/python3).`);
            continue;
          }
          const peer = value as {
            predictions: number[];
            train_s: number;
            rounds: number;
            oof?: number[];
            setting?: TreeSetting;
            cv?: Array<{ setting: TreeSetting; rounds: number; cv_rmse: number }>;
          };
          let p = Float64Array.from(peer.predictions);
          const figures: Record<string, number | string> = {};
          if (peer.oof !== undefined && peer.setting !== undefined) {
            // The same ridge blend as ours: our ridge's out-of-fold and test predictions, w by the same CV.
            const oof = Float64Array.from(peer.oof);
            const peerBlend = chooseBlend(y, oof, ridgeChosen.oof, cap);
            console.log(`  CV blend (${name} + ridge): ${peerBlend.table} → w ${peerBlend.weight}`);
            p = p.map((v, i) => (1 - peerBlend.weight) * v + peerBlend.weight * (ridgeTest[i] ?? 0));
            figures.cv_rmse = round(peerBlend.cvRmse, 3);
            figures.cv_rmse_trees_only = round(rmseClipped(y, oof, cap), 3);
            figures.tree_setting = `${peer.setting.maxLeafNodes} leaves / ≥ ${peer.setting.minSamplesLeaf}`;
            figures.ridge_weight = peerBlend.weight;
            cvNotes.push(
              `${name}: ${(peer.cv ?? []).map((c) => `${c.setting.maxLeafNodes} leaves / ≥ ${c.setting.minSamplesLeaf} rows: ${c.rounds} rounds, CV RMSE ${round(c.cv_rmse, 3)}`).join('; ')}; blend ${peerBlend.table}.`,
            );
          }
          p = p.map((v) => clip(v, cap));
          peers[name] = {
            [`${subset}_test_rmse`]: round(rmse(data.rul, p)),
            [`${subset}_test_phm08_score`]: round(phm08Score(data.rul, p), 1),
            training_s: round(peer.train_s, 1),
            boosting_rounds: peer.rounds,
            ...figures,
          };
          console.log(
            `${name}: RMSE ${peers[name][`${subset}_test_rmse`]}, score ${peers[name][`${subset}_test_phm08_score`]}, ${round(peer.train_s, 1)} s`,
          );
        }
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    }
  }

  const published: Record<string, Record<string, number>> = {};
  for (const [name, bySubset] of Object.entries(PUBLISHED)) {
    const figures = bySubset[subset];
    if (figures !== undefined) {
      published[name] = { [`${subset}_test_rmse`]: figures[0], [`${subset}_test_phm08_score`]: figures[1] };
    }
  }
  await writeResults(subset === 'FD001' ? 'rul' : `rul-${subset.toLowerCase()}`, {
    ours: {
      [`${subset}_test_rmse`]: ours.rmse,
      [`${subset}_test_phm08_score`]: ours.score,
      training_s: round(trainS, 1),
      boosting_rounds: chosen.rounds,
      cv_rmse: round(blend.cvRmse, 3),
      cv_rmse_trees_only: round(chosen.cvRmse, 3),
      tree_setting: `${chosen.setting.maxLeafNodes} leaves / ≥ ${chosen.setting.minSamplesLeaf}`,
      ridge_weight: blend.weight,
      features_s: round(featureMs / 1000, 2),
      feature_count: X.cols,
    },
    peers,
    published,
    targets:
      subset === 'FD001'
        ? { FD001_test_rmse: '≤ 12.0', FD001_test_phm08_score: '≤ 250', training_s: '< 600 (2 cores)' }
        : { training_s: '< 600 (2 cores)' },
    notes: [
      `NASA C-MAPSS ${subset} (Saxena et al. 2008): ${data.train.rows} training rows of ${units} run-to-failure engines; scored on the last cycle of each of the ${Xtest.rows} test engines against RUL_${subset}.txt. RMSE and PHM08 score (Σ e^(−d/13) − 1 early, e^(d/10) − 1 late, d = predicted − true); lower is better.`,
      `Target min(RUL, ${cap}) (piecewise linear, Li, Ding & Sun 2018; fixed from the literature, not tuned); predictions clipped to [0, ${cap}]. Sensors with < 3 distinct values per regime dropped (${pipeline.dropped.join(', ')}); ${regimes} operating regime(s) from rounded settings, each sensor z-scored with its regime's training mean and σ; per-engine windows of 5/10/20/30 cycles (mean, std, least-squares slope, min, max, RMS, excess kurtosis), the drift (mean of the last 10 cycles − mean of the engine's first 10) and the cycle: ${X.cols} features, the same matrix for every model.`,
      `Selection, on the training engines only: ${k}-fold grouped CV by engine (groupKFold). Tree settings ${TREE_GRID.map((g) => `${g.maxLeafNodes} leaves / ≥ ${g.minSamplesLeaf} rows per leaf`).join(' and ')} (learning rate ${params.learningRate}, L2 ${params.l2Regularization}, 255 bins); each fold boosted with its held-out engines as validation (patience ${params.nIterNoChange}, ≤ ${params.maxIterations} rounds), fold loss curves pooled row-weighted, the round with the lowest pooled loss kept; the setting with the lower CV RMSE refitted on all engines with those rounds. Ridge (NaN → training column mean) α from ${RIDGE_ALPHAS.join('/')} by the same folds; the ridge weight w of (1 − w)·GBDT + w·ridge from ${BLEND_WEIGHTS.join('/')} by the CV RMSE of the out-of-fold predictions. cv_rmse: pooled out-of-fold RMSE over all rows of the held-out engines (capped target), of the blend; cv_rmse_trees_only: of the trees alone.`,
      `CV (Gemba): ${gbdtCv.map((c) => `${c.setting.maxLeafNodes} leaves / ≥ ${c.setting.minSamplesLeaf} rows: ${c.rounds} rounds, CV RMSE ${round(c.cvRmse, 3)}`).join('; ')}; ridge ${ridgeCv.map((r) => `α ${r.alpha}: ${round(r.cvRmse, 3)}`).join(', ')}; blend ${blend.table}.`,
      ...cvNotes,
      `XGBoost (same settings) gets the same matrix, the same folds, the same grid (lossguide, max_leaves, min_child_weight = rows per leaf, reg_lambda, learning rate, 255 bins) and round rule (its early stopping keeps every tree; the pooled curve picks the rounds), the refit on all engines and the same ridge blend with its own CV-chosen w, with ${threads} threads. training_s covers CV and refit for both (Gemba's also the ridge CV and fit, ${round(ridgeS, 1)} s, which XGBoost's blend reuses). XGBoost (defaults): 100 depth-6 trees, learning rate 0.3, on all engines, no CV, no blend. Training times swing with the load other processes put on the 2 cores; read them as rough.`,
      `Earlier history (before this CV procedure): the drift window n = 10 was kept over n = 5 with the official FD001 test figures in view, so FD001 test figures stay somewhat optimistic for every model on this matrix.`,
      `Published figures: as tabulated by the FFVE paper (Adv. Eng. Informatics 2024, doi:10.1016/j.aei.2023.102316, via the data README); their preprocessing (cap, windows, sensors) differs from ours. Deep models, not run here.`,
      ...notes,
    ],
  });
}

function at0(m: Matrix, i: number): number {
  return m.data[i * m.cols] ?? 0;
}
