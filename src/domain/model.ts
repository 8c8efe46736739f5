/**
 * The model registry: every trained model with what it was trained on (window, assets, tags, features), how it
 * scored, the artifact itself (versioned JSON), where it is deployed and what drift was last seen. A name has
 * versions 1, 2, …; retraining adds a version.
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { EpochMs } from './sample.js';
import { TagPath } from './tag.js';

export const MODEL_TASKS = ['regression', 'classification', 'anomaly', 'text-classification'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];
export const MODEL_STATUSES = ['trained', 'deployed', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export const ModelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits, "_", "-" and ".", at most 64')
  .meta({ example: 'press-bearing-rul' });

export const ModelTraining = z.object({
  /** The data window, when the data came from the plant's store. */
  from: EpochMs.optional(),
  to: EpochMs.optional(),
  assets: z.array(AssetPath).default([]),
  tags: z.array(TagPath).default([]),
  /** A file or data set name, when it came from elsewhere. */
  dataset: z.string().max(500).optional(),
  rows: z.number().int().nonnegative(),
  target: z.string().max(200).optional(),
  /** A classifier's class names, by class code 0, 1, …: how new data's labels map onto its predictions. */
  classes: z.array(z.string().max(200)).max(1000).optional(),
  durationMs: z.number().nonnegative().optional(),
});

export const ModelDeployment = z.object({
  since: EpochMs,
  by: z.string(),
  /** The asset whose live data the model scores. */
  asset: AssetPath,
  /** Live tags mapped onto the model's input features, feature → tag. */
  inputs: z.record(z.string(), TagPath),
  /** Score above which an event is raised (anomaly, failure probability). */
  threshold: z.number().optional(),
});

export const ModelDrift = z.object({
  checkedAt: EpochMs,
  /** PSI per input feature (recent window vs training). */
  psi: z.record(z.string(), z.number()),
  level: z.enum(['stable', 'moderate', 'significant']),
  recommendation: z.string().max(1000),
  /** When labels arrived in the window (failures of a failure / RUL model): the model's figure then vs. validation. */
  performance: z
    .object({
      metric: z.string(),
      training: z.number(),
      recent: z.number(),
      rows: z.number().int().nonnegative(),
      failures: z.number().int().nonnegative(),
      level: z.enum(['stable', 'moderate', 'significant']),
    })
    .optional(),
});
export type ModelDrift = z.infer<typeof ModelDrift>;

export const ModelRecord = z.object({
  name: ModelName,
  version: z.number().int().positive(),
  task: z.enum(MODEL_TASKS),
  /** e.g. "gbdt", "logistic", "pca", "iforest", "tfidf-logistic". */
  algorithm: z.string().min(1).max(100),
  status: z.enum(MODEL_STATUSES),
  description: z.string().max(2000).optional(),
  createdAt: EpochMs,
  createdBy: z.string(),
  training: ModelTraining,
  features: z.array(z.string()),
  /** Evaluation figures by name: rmse, phm08, f1_macro, pr_auc, … */
  metrics: z.record(z.string(), z.number()),
  /** The learner's versioned JSON (and its feature pipeline). */
  artifact: z.unknown(),
  deployment: ModelDeployment.optional(),
  drift: ModelDrift.optional(),
});
export type ModelRecord = z.infer<typeof ModelRecord>;
/** A registry listing: everything but the artifact. */
export const ModelSummary = ModelRecord.omit({ artifact: true });
export type ModelSummary = z.infer<typeof ModelSummary>;
