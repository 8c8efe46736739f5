/**
 * Failure prediction and remaining useful life on a machine's own tags: a gradient-boosted model on rolling-window
 * features of its signals (src/analytics/ml/features.ts), labelled by the machine's own history of failures — the
 * machine-state events that took it down with a given reason (e.g. `bearing_overheat`).
 *
 * - target `failure`: P(the machine fails within `horizon`), a binary classifier; it alarms at or above `threshold`.
 * - target `rul`: the minutes to the next failure, capped at `horizon` (the piecewise-linear target of
 *   Heimes 2008 for C-MAPSS: far from a failure, its distance cannot be told from the signals); it alarms at or
 *   below `threshold` minutes.
 *
 * Labels come from the failures inside the training window. A row after the last failure has an unknown outcome
 * unless the window goes on for at least `horizon` after it (then it is a sure "no failure within horizon" / a
 * capped RUL); unknown rows are left out. Features are computed over the rows the condition keeps (e.g. running),
 * and start over after a gap of more than RESET_GAP_MS (a repair): a new bearing does not inherit the old one's
 * windows. Training uses the same `SegmentedFeatures` live scoring runs, so the two cannot differ.
 *
 * Evaluation is honest about time: the last VALIDATION_SHARE of the labelled rows (the most recent) are held out,
 * pick the number of boosting rounds (early stopping) and give the reported metrics; the saved model is then
 * refitted on all rows with those rounds.
 */
import { z } from 'zod';
import { PathExplainer } from '../../analytics/ml/explain.js';
import {
  type FeaturePipeline,
  type FeatureSpec,
  FeatureStream,
  fitFeaturePipeline,
  parseFeaturePipeline,
} from '../../analytics/ml/features.js';
import { GbdtModel, trainGbdt } from '../../analytics/ml/gbdt.js';
import { type Matrix, selectRows } from '../../analytics/ml/matrix.js';
import { averagePrecision, classificationReport, mae, rmse, rocAuc } from '../../analytics/ml/metrics.js';
import { UserError } from '../../domain/index.js';
import { inputReferences } from './anomaly-models.js';
import type { RowScore, RowScorer } from './live-models.js';

export const FAILURE_TARGETS = ['failure', 'rul'] as const;
export type FailureTarget = (typeof FAILURE_TARGETS)[number];

const ARTIFACT_FORMAT = 'gemba.failure-model' as const;
/** A gap of more than this between kept rows (a repair, a long stop) starts the feature windows over. */
export const RESET_GAP_MS = 15 * 60_000;
/** The most recent share of labelled rows held out for early stopping and the reported metrics. */
export const VALIDATION_SHARE = 0.3;
const WINDOW_STATS = ['mean', 'std', 'slope', 'max'] as const;

const Reference = z.object({ edges: z.array(z.number()), expected: z.array(z.number()) });

export const FailureArtifact = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(1),
  target: z.enum(FAILURE_TARGETS),
  /** The machine-state reason that counts as the failure. */
  failureReason: z.string().min(1),
  /** failure: the prediction horizon; rul: the cap of the target. */
  horizonMs: z.number().int().positive(),
  bucketMs: z.number().int().positive(),
  inputs: z.array(z.string()).min(1),
  condition: z.object({ input: z.string(), equals: z.array(z.number()) }).optional(),
  /** failure: alarm at or above this probability; rul: at or below this many minutes. */
  threshold: z.number(),
  pipeline: z.unknown(),
  model: z.unknown(),
  reference: z.record(z.string(), Reference),
});
export type FailureArtifact = z.infer<typeof FailureArtifact>;

/** Reads a stored artifact, or undefined when it is not a failure model. */
export function parseFailureArtifact(json: unknown): FailureArtifact | undefined {
  const parsed = FailureArtifact.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Per row, its label from the failure times (sorted): `failure` 1/0, `rul` minutes capped at the horizon; NaN where
 * the outcome is unknown (after the last failure, less than `horizonMs` before the window's end `to`).
 */
export function failureLabels(
  ts: ArrayLike<number>,
  failures: readonly number[],
  to: number,
  target: FailureTarget,
  horizonMs: number,
): Float64Array {
  const out = new Float64Array(ts.length);
  let next = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] ?? 0;
    while (next < failures.length && (failures[next] ?? 0) <= t) next++;
    const failure = failures[next];
    const until =
      failure === undefined ? (to - t >= horizonMs ? Number.POSITIVE_INFINITY : Number.NaN) : failure - t;
    if (Number.isNaN(until)) out[i] = Number.NaN;
    else if (target === 'failure') out[i] = until <= horizonMs ? 1 : 0;
    else out[i] = Math.min(until, horizonMs) / 60_000;
  }
  return out;
}

/** Rolling features over a machine's kept rows, started over after a gap (see RESET_GAP_MS). */
export class SegmentedFeatures {
  readonly names: readonly string[];
  readonly #pipeline: FeaturePipeline;
  readonly #inputs: readonly string[];
  #stream: FeatureStream;
  #lastTs = Number.NEGATIVE_INFINITY;

  constructor(pipeline: FeaturePipeline, inputs: readonly string[]) {
    this.#pipeline = pipeline;
    this.#inputs = inputs;
    this.#stream = new FeatureStream(pipeline, inputs);
    this.names = pipeline.names;
  }

  step(ts: number, values: ArrayLike<number>): Float64Array {
    if (ts - this.#lastTs > RESET_GAP_MS) this.#stream = new FeatureStream(this.#pipeline, this.#inputs);
    this.#lastTs = ts;
    return this.#stream.step(values);
  }

  /** Every row's features, in order. */
  static transform(pipeline: FeaturePipeline, X: Matrix, ts: ArrayLike<number>): Matrix {
    const features = new SegmentedFeatures(pipeline, X.names);
    const cols = pipeline.names.length;
    const data = new Float64Array(X.rows * cols);
    for (let i = 0; i < X.rows; i++) {
      data.set(features.step(ts[i] ?? 0, X.data.subarray(i * X.cols, (i + 1) * X.cols)), i * cols);
    }
    return { rows: X.rows, cols, data, names: pipeline.names };
  }
}

export interface FailureFitOptions {
  readonly target: FailureTarget;
  readonly failureReason: string;
  readonly horizonMs: number;
  readonly bucketMs: number;
  /** Window lengths in rows (e.g. 6 and 30 rows of 10 s: one and five minutes). */
  readonly windows: readonly number[];
  readonly condition?: { input: string; equals: number[] };
  readonly threshold?: number;
  readonly seed?: number;
}

export interface FailureFit {
  readonly artifact: FailureArtifact;
  readonly metrics: Record<string, number>;
}

/**
 * Fits on a machine's kept rows (`X`: the inputs, `ts`: row times) with their labels from `failureLabels`.
 * Throws a UserError naming what is missing when the history cannot teach or check the model.
 */
export function fitFailureModel(
  X: Matrix,
  ts: Float64Array,
  labels: Float64Array,
  options: FailureFitOptions,
): FailureFit {
  const spec: FeatureSpec = {
    sensors: [...X.names],
    normalise: true,
    windows: options.windows.map((size) => ({ size, stats: [...WINDOW_STATS] })),
  };
  const pipeline = fitFeaturePipeline(X, spec);
  const features = SegmentedFeatures.transform(pipeline, X, ts);
  const labelled: number[] = [];
  for (let i = 0; i < labels.length; i++) if (Number.isFinite(labels[i])) labelled.push(i);
  const cut = Math.floor(labelled.length * (1 - VALIDATION_SHARE));
  const trainIdx = labelled.slice(0, cut);
  const validIdx = labelled.slice(cut);
  const near = (i: number) =>
    options.target === 'failure' ? labels[i] === 1 : (labels[i] ?? 0) < options.horizonMs / 60_000;
  const what = `rows within ${options.horizonMs / 60_000} min of a ${options.failureReason} failure`;
  if (!trainIdx.some(near) || !validIdx.some(near)) {
    throw new UserError(
      'invalid_input',
      `the window needs ${what} both in its first ${Math.round((1 - VALIDATION_SHARE) * 100)} % (to learn) and ` +
        `its last ${Math.round(VALIDATION_SHARE * 100)} % (to check): ${trainIdx.filter(near).length} and ` +
        `${validIdx.filter(near).length} found; widen the window to hold more failures`,
    );
  }
  const objective = options.target === 'failure' ? 'binary' : 'regression';
  const Xt = selectRows(features, trainIdx);
  const Xv = selectRows(features, validIdx);
  const yt = Float64Array.from(trainIdx, (i) => labels[i] ?? 0);
  const yv = Float64Array.from(validIdx, (i) => labels[i] ?? 0);
  const maxIterations = 300;
  const seed = options.seed ?? 0;
  const checked = trainGbdt(Xt, yt, {
    objective,
    maxIterations,
    learningRate: 0.05,
    minSamplesLeaf: 20,
    l2Regularization: 1,
    validation: { X: Xv, y: yv },
    earlyStopping: true,
    nIterNoChange: 20,
    seed,
  });
  const threshold = options.threshold ?? (options.target === 'failure' ? 0.5 : options.horizonMs / 120_000);
  const predicted = checked.predict(Xv);
  const metrics: Record<string, number> = {
    training_rows: labelled.length,
    validation_rows: validIdx.length,
    rounds: Math.max(1, checked.bestIteration),
    ...validationMetrics(options.target, yv, predicted, threshold, options.horizonMs / 60_000),
  };
  const all = selectRows(features, labelled);
  const y = Float64Array.from(labelled, (i) => labels[i] ?? 0);
  const final = trainGbdt(all, y, {
    objective,
    maxIterations: Math.max(1, checked.bestIteration),
    learningRate: 0.05,
    minSamplesLeaf: 20,
    l2Regularization: 1,
    earlyStopping: false,
    seed,
  });
  const reference = inputReferences(X);
  return {
    artifact: {
      format: ARTIFACT_FORMAT,
      version: 1,
      target: options.target,
      failureReason: options.failureReason,
      horizonMs: options.horizonMs,
      bucketMs: options.bucketMs,
      inputs: [...X.names],
      ...(options.condition !== undefined && { condition: options.condition }),
      threshold,
      pipeline,
      model: final.toJSON(),
      reference,
    },
    metrics,
  };
}

/**
 * The figures of a failure model on labelled rows: failure — PR-AUC, ROC-AUC, and precision / recall / F1 of the
 * rows at or above the threshold; rul — RMSE and MAE in minutes, overall and on the rows within the horizon.
 */
export function validationMetrics(
  target: FailureTarget,
  yTrue: Float64Array,
  predicted: Float64Array,
  threshold: number,
  /** rul: the cap of the target, minutes (rows below it are "near failure"). */
  capMinutes = Number.POSITIVE_INFINITY,
): Record<string, number> {
  if (target === 'failure') {
    const report = classificationReport(
      yTrue,
      predicted.map((p) => (p >= threshold ? 1 : 0)),
      [0, 1],
    );
    const positive = report.classes.find((c) => c.label === 1);
    const out: Record<string, number> = {
      positives: positive?.support ?? 0,
      pr_auc: averagePrecision(yTrue, predicted),
      roc_auc: rocAuc(yTrue, predicted),
      precision: positive?.precision ?? Number.NaN,
      recall: positive?.recall ?? Number.NaN,
      f1: positive?.f1 ?? Number.NaN,
    };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => Number.isFinite(v)));
  }
  const cap = capMinutes;
  const nearIdx: number[] = [];
  yTrue.forEach((v, i) => {
    if (v < cap) nearIdx.push(i);
  });
  const near = (a: Float64Array) => Float64Array.from(nearIdx, (i) => a[i] ?? 0);
  return {
    rmse_min: rmse(yTrue, predicted),
    mae_min: mae(yTrue, predicted),
    ...(nearIdx.length > 0 && {
      rmse_near_failure_min: rmse(near(yTrue), near(predicted)),
      mae_near_failure_min: mae(near(yTrue), near(predicted)),
    }),
  };
}

/**
 * The live scorer of a saved failure model; its features are the inputs, then the condition input when there is
 * one. Rows outside the condition score NaN and do not enter the windows. Contributions: the decision-path credit
 * of each input's features (src/analytics/ml/explain.ts) toward the failure side.
 */
export function failureScorer(artifact: FailureArtifact): RowScorer {
  const pipeline = parseFeaturePipeline(artifact.pipeline);
  const model = GbdtModel.fromJSON(artifact.model);
  const explainer = new PathExplainer(model.toJSON());
  const { inputs, condition, threshold } = artifact;
  const features = new SegmentedFeatures(pipeline, inputs);
  const owner = model.features.map((name) => inputOfFeature(inputs, name));
  const rul = artifact.target === 'rul';
  const cap = artifact.horizonMs / 60_000;
  const skipped: RowScore = { score: Number.NaN, threshold, anomalous: false };
  return {
    features: condition ? [...inputs, condition.input] : [...inputs],
    bucketMs: artifact.bucketMs,
    score(values, ts) {
      if (condition !== undefined && !condition.equals.includes(values[inputs.length] ?? Number.NaN)) {
        return skipped;
      }
      const row = features.step(ts, values.subarray(0, inputs.length));
      const e = explainer.explain(row);
      const score = rul ? Math.min(cap, Math.max(0, e.raw)) : 1 / (1 + Math.exp(-e.raw));
      // Toward failure: a higher probability, or fewer minutes left.
      const towards = new Float64Array(inputs.length);
      e.contributions.forEach((c, f) => {
        const j = owner[f] ?? -1;
        if (j >= 0) towards[j] = (towards[j] ?? 0) + (rul ? -c : c);
      });
      let total = 0;
      for (const v of towards) total += Math.max(0, v);
      const contributions: Record<string, number> = {};
      inputs.forEach(
        (name, j) => (contributions[name] = total > 0 ? Math.max(0, towards[j] ?? 0) / total : 0),
      );
      return { score, threshold, anomalous: rul ? score <= threshold : score >= threshold, contributions };
    },
    describe(result) {
      return rul
        ? `predicted ${result.score.toFixed(0)} min to a ${artifact.failureReason} failure (alarm at ${threshold} min)`
        : `failure probability ${(result.score * 100).toFixed(0)} % within ${cap} min (alarm at ${(threshold * 100).toFixed(0)} %)`;
    },
  };
}

/** The input a feature was computed from: the longest input name that is the feature or its `<input>_` prefix. */
function inputOfFeature(inputs: readonly string[], feature: string): number {
  let best = -1;
  inputs.forEach((input, j) => {
    const match = feature === input || feature.startsWith(`${input}_`);
    if (match && (best < 0 || input.length > (inputs[best] ?? '').length)) best = j;
  });
  return best;
}
