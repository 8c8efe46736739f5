/**
 * Anomaly models of the registry: what is saved (the artifact), how one is fitted on a machine's rows, and how a
 * saved one scores live rows.
 *
 * - `pca`: Hotelling's T² and SPE of the inputs (src/analytics/maintenance/pca.ts); the score is
 *   max(T²/T²-limit, SPE/SPE-limit) and its alarm threshold is calibrated on the training rows at the asked
 *   false-alarm rate; contributions are those of the statistic that is further beyond its limit.
 * - `robust-z`: the rolling robust z-score of one input (median/MAD of the last `window` rows, anomalous rows kept
 *   out of the baseline): self-baselining, so it needs no training data; its threshold is 3.5 (Iglewicz & Hoaglin)
 *   unless calibrated on training rows.
 * - `iforest`: the isolation-forest score s of the inputs (src/analytics/maintenance/isolation-forest.ts; 100 trees
 *   of 256 rows, seeded, so a fit is reproducible), threshold calibrated on the training rows at the asked
 *   false-alarm rate like `pca`; contributions are each input's share of the bits of isolation along the row's paths.
 *   Needs no linear structure, but its score saturates: a row beyond the training range in one input only goes as
 *   far as the extreme leaf of the splits on that input, while the other inputs' splits treat it as normal, so it
 *   scores about as high as the training set's own extremes (with three inputs, near their 95th–99th percentile).
 *   At a low false-alarm rate (0.001) it can miss a single-signal step that `pca` catches.
 * A `condition` (e.g. the state tag equal to running) gates the rows, in training and live alike: a machine that is
 * stopped or warming up is not what the model learned.
 */
import { z } from 'zod';
import { driftReference } from '../../analytics/ml/drift.js';
import { type Matrix, column } from '../../analytics/ml/matrix.js';
import {
  fitIsolationForest,
  isolationForestFromJSON,
  isolationForestToJSON,
} from '../../analytics/maintenance/isolation-forest.js';
import { fitPca, pcaFromJSON, pcaToJSON } from '../../analytics/maintenance/pca.js';
import { RollingRobustZ } from '../../analytics/maintenance/streaming.js';
import { calibrateThreshold } from '../../analytics/maintenance/threshold.js';
import { UserError } from '../../domain/index.js';
import type { RowScore, RowScorer } from './live-models.js';

export const ANOMALY_ALGORITHMS = ['pca', 'robust-z', 'iforest'] as const;
export type AnomalyAlgorithm = (typeof ANOMALY_ALGORITHMS)[number];

const ARTIFACT_FORMAT = 'gemba.anomaly-model' as const;

const Reference = z.object({ edges: z.array(z.number()), expected: z.array(z.number()) });

export const AnomalyArtifact = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(1),
  algorithm: z.enum(ANOMALY_ALGORITHMS),
  /** Width of the rows (bucket means), ms. */
  bucketMs: z.number().int().positive(),
  /** The model's inputs, in order: tag names on the asset. */
  inputs: z.array(z.string()).min(1),
  /** Rows are scored only while this input (a state tag) has one of these codes. */
  condition: z.object({ input: z.string(), equals: z.array(z.number()) }).optional(),
  threshold: z.number(),
  pca: z.unknown().optional(),
  iforest: z.unknown().optional(),
  robustZ: z
    .object({ window: z.number().int().positive(), minPoints: z.number().int().positive() })
    .optional(),
  /** Training deciles of each input, for drift checks. */
  reference: z.record(z.string(), Reference),
});
export type AnomalyArtifact = z.infer<typeof AnomalyArtifact>;

export interface AnomalyFitOptions {
  readonly algorithm: AnomalyAlgorithm;
  readonly bucketMs: number;
  readonly condition?: { input: string; equals: number[] };
  /** Target share of normal rows above the threshold (calibration). */
  readonly falseAlarmRate: number;
  /** PCA: keep components explaining this share of the variance (0.9). */
  readonly explainedVariance?: number;
  /** robust-z: rows in the rolling baseline. */
  readonly window?: number;
  /** iforest: seed of the tree sampling (1), so the same rows give the same forest. */
  readonly seed?: number;
}

/** Scores every training row and calibrates the alarm threshold on those scores at the asked false-alarm rate. */
function calibrateOnRows(rows: Matrix, score: (row: Float64Array) => number, falseAlarmRate: number) {
  const scores = new Float64Array(rows.rows);
  for (let i = 0; i < rows.rows; i++)
    scores[i] = score(rows.data.subarray(i * rows.cols, (i + 1) * rows.cols));
  return calibrateThreshold(scores, falseAlarmRate);
}

export interface AnomalyFit {
  readonly artifact: AnomalyArtifact;
  readonly metrics: Record<string, number>;
}

/** Fits on rows of normal operation (the condition already applied); `rows` columns are the model's inputs. */
/** The training deciles of each input (a column of `rows`), kept with a model for its drift checks. */
export function inputReferences(rows: Matrix): Record<string, { edges: number[]; expected: number[] }> {
  const reference: Record<string, { edges: number[]; expected: number[] }> = {};
  rows.names.forEach((name, j) => {
    const ref = driftReference(column(rows, j));
    reference[name] = { edges: [...ref.edges], expected: [...ref.expected] };
  });
  return reference;
}

export function fitAnomalyModel(rows: Matrix, options: AnomalyFitOptions): AnomalyFit {
  const inputs = [...rows.names];
  const reference = inputReferences(rows);
  const base = {
    format: ARTIFACT_FORMAT,
    version: 1 as const,
    bucketMs: options.bucketMs,
    inputs,
    ...(options.condition !== undefined && { condition: options.condition }),
    reference,
  };
  if (options.algorithm === 'pca') {
    const model = fitPca(rows, { explainedVariance: options.explainedVariance ?? 0.9 });
    const calibrated = calibrateOnRows(rows, (row) => pcaRatio(model.score(row)), options.falseAlarmRate);
    return {
      artifact: { ...base, algorithm: 'pca', threshold: calibrated.threshold, pca: pcaToJSON(model) },
      metrics: {
        training_rows: rows.rows,
        components: model.components,
        explained_variance: model.explained,
        training_false_alarm_rate: calibrated.achievedRate,
      },
    };
  }
  if (options.algorithm === 'iforest') {
    const forest = fitIsolationForest(rows, { seed: options.seed ?? 1 });
    const calibrated = calibrateOnRows(rows, (row) => forest.score(row).score, options.falseAlarmRate);
    forest.threshold = calibrated.threshold;
    return {
      artifact: {
        ...base,
        algorithm: 'iforest',
        threshold: calibrated.threshold,
        iforest: isolationForestToJSON(forest),
      },
      metrics: {
        training_rows: rows.rows,
        trees: forest.trees,
        sample_size: forest.sampleSize,
        training_false_alarm_rate: calibrated.achievedRate,
      },
    };
  }
  if (inputs.length !== 1) throw new UserError('invalid_input', 'a robust-z model watches exactly one input');
  const window = options.window ?? 360;
  const minPoints = Math.min(window, 30);
  let threshold = 3.5;
  let achieved = Number.NaN;
  if (rows.rows > minPoints) {
    const detector = new RollingRobustZ({ window, minPoints, excludeAnomalies: true });
    const scores: number[] = [];
    for (let i = 0; i < rows.rows; i++) {
      const r = detector.update(i, rows.data[i] ?? Number.NaN);
      if (r.warm) scores.push(r.score);
    }
    // The calibrated level, but never below the textbook 3.5: a quiet training window must not make it jumpy.
    const calibrated = calibrateThreshold(scores, options.falseAlarmRate);
    threshold = Math.max(3.5, calibrated.threshold);
    achieved = scores.filter((s) => s > threshold).length / scores.length;
  }
  return {
    artifact: { ...base, algorithm: 'robust-z', threshold, robustZ: { window, minPoints } },
    metrics: {
      training_rows: rows.rows,
      threshold,
      ...(Number.isFinite(achieved) && { training_false_alarm_rate: achieved }),
    },
  };
}

function pcaRatio(s: { t2: number; spe: number; t2Limit: number; speLimit: number }): number {
  const t2 = s.t2 / s.t2Limit;
  const spe = s.speLimit > 0 ? s.spe / s.speLimit : 0;
  return Math.max(t2, spe);
}

function shares(names: readonly string[], values: ArrayLike<number>): Record<string, number> {
  let total = 0;
  for (let j = 0; j < values.length; j++) total += Math.max(0, values[j] ?? 0);
  const out: Record<string, number> = {};
  names.forEach((name, j) => {
    out[name] = total > 0 ? Math.max(0, values[j] ?? 0) / total : 0;
  });
  return out;
}

/**
 * The live scorer of a saved anomaly model; its features are the inputs, then the condition input when there is
 * one. Rows outside the condition score NaN (not anomalous, not written).
 */
export function anomalyScorer(json: unknown): RowScorer {
  const parsed = AnomalyArtifact.safeParse(json);
  if (!parsed.success) {
    throw new UserError(
      'invalid_input',
      `not a saved anomaly model: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const artifact = parsed.data;
  const { inputs, condition, threshold } = artifact;
  const features = condition ? [...inputs, condition.input] : [...inputs];
  const outside = (values: Float64Array): boolean =>
    condition !== undefined && !condition.equals.includes(values[inputs.length] ?? Number.NaN);
  const skipped: RowScore = { score: Number.NaN, threshold, anomalous: false };
  if (artifact.algorithm === 'pca') {
    const model = pcaFromJSON(artifact.pca);
    return {
      features,
      bucketMs: artifact.bucketMs,
      score(values) {
        if (outside(values)) return skipped;
        const s = model.score(values.subarray(0, inputs.length));
        if (s.missing) return skipped;
        const score = pcaRatio(s);
        const speSide = s.speLimit > 0 && s.spe / s.speLimit >= s.t2 / s.t2Limit;
        const contributions = shares(inputs, speSide ? s.contributions.spe : s.contributions.t2);
        return { score, threshold, anomalous: score > threshold, contributions };
      },
    };
  }
  if (artifact.algorithm === 'iforest') {
    const forest = isolationForestFromJSON(artifact.iforest);
    if (forest.names.length !== inputs.length || forest.names.some((name, j) => name !== inputs[j])) {
      throw new UserError(
        'invalid_input',
        `the saved forest's inputs are not the model's (${inputs.join(', ')})`,
      );
    }
    return {
      features,
      bucketMs: artifact.bucketMs,
      score(values) {
        if (outside(values)) return skipped;
        const row = values.subarray(0, inputs.length);
        // A missing input is not scored (as pca): the forest would send it down every right branch.
        if (!row.every(Number.isFinite)) return skipped;
        const s = forest.score(row);
        return {
          score: s.score,
          threshold,
          anomalous: s.score > threshold,
          contributions: shares(inputs, s.contributions),
        };
      },
    };
  }
  const settings = artifact.robustZ ?? { window: 360, minPoints: 30 };
  const detector = new RollingRobustZ({ ...settings, threshold, excludeAnomalies: true });
  const input = inputs[0] ?? '';
  return {
    features,
    bucketMs: artifact.bucketMs,
    score(values) {
      if (outside(values)) return skipped;
      const r = detector.update(0, values[0] ?? Number.NaN);
      if (!r.warm) return skipped;
      return { score: r.score, threshold, anomalous: r.anomalous, contributions: { [input]: 1 } };
    },
  };
}
