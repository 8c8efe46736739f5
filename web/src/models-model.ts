/**
 * The Models page, the pure part: the wire shape of /api/v1/models (mirroring ModelSummary in src/domain/model.ts),
 * versions grouped by name, metrics as numbers read, and input drift (PSI per feature) as bars. No DOM here.
 */
import * as z from 'zod/mini';
import { formatCompact, formatFixed } from './format.js';

// As in model.ts: optional fields accept null, and enumerations a newer server may extend (tasks, statuses, drift
// levels) stay open strings, so a new value shows as itself instead of blanking the page.
const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

export const ModelTraining = z.object({
  from: optionalNumber,
  to: optionalNumber,
  assets: z.nullish(z.array(z.string())),
  tags: z.nullish(z.array(z.string())),
  dataset: optionalString,
  rows: z.number(),
  target: optionalString,
  durationMs: optionalNumber,
});
export type ModelTraining = z.infer<typeof ModelTraining>;

export const ModelDeployment = z.object({
  since: z.number(),
  by: z.string(),
  asset: z.string(),
  /** Feature → live tag path. */
  inputs: z.record(z.string(), z.string()),
  threshold: optionalNumber,
});
export type ModelDeployment = z.infer<typeof ModelDeployment>;

export const ModelDrift = z.object({
  checkedAt: z.number(),
  psi: z.record(z.string(), z.number()),
  /** 'stable' | 'moderate' | 'significant' today. */
  level: z.string(),
  recommendation: z.string(),
  /** A failure / RUL model's figure on recent failures against its validation figure. */
  performance: z.nullish(
    z.object({
      metric: z.string(),
      training: z.number(),
      recent: z.number(),
      rows: z.number(),
      failures: z.number(),
      level: z.string(),
    }),
  ),
});
export type ModelDrift = z.infer<typeof ModelDrift>;

export const ModelSummary = z.object({
  name: z.string(),
  version: z.number(),
  /** 'regression' | 'classification' | 'anomaly' | 'text-classification' today. */
  task: z.string(),
  algorithm: z.string(),
  /** 'trained' | 'deployed' | 'retired' today. */
  status: z.string(),
  description: optionalString,
  createdAt: z.number(),
  createdBy: z.string(),
  training: ModelTraining,
  features: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  deployment: z.nullish(ModelDeployment),
  drift: z.nullish(ModelDrift),
});
export type ModelSummary = z.infer<typeof ModelSummary>;
export const ModelListResponse = z.object({ models: z.array(ModelSummary) });

/** One model name and its versions. */
export interface ModelGroup {
  readonly name: string;
  /** Newest version first. */
  readonly versions: readonly ModelSummary[];
  /** The version that scores live data, if one does. */
  readonly deployed: ModelSummary | undefined;
}

/**
 * Versions grouped by model name (names in natural order), each group newest version first.
 * @example groupModels([a1, b1, a2]).map((g) => g.versions.map((v) => v.version)) // [[2, 1], [1]]
 */
export function groupModels(models: readonly ModelSummary[]): ModelGroup[] {
  const byName = new Map<string, ModelSummary[]>();
  for (const model of models) {
    const versions = byName.get(model.name);
    if (versions) versions.push(model);
    else byName.set(model.name, [model]);
  }
  return [...byName]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([name, versions]) => {
      const sorted = [...versions].sort((a, b) => b.version - a.version);
      return { name, versions: sorted, deployed: sorted.find((v) => v.status === 'deployed') };
    });
}

/** Totals for the page's head: names, versions, deployed versions, versions whose inputs drifted significantly. */
export function registrySummary(groups: readonly ModelGroup[]): {
  models: number;
  versions: number;
  deployed: number;
  drifting: number;
} {
  const versions = groups.flatMap((g) => g.versions);
  return {
    models: groups.length,
    versions: versions.length,
    deployed: versions.filter((v) => v.status === 'deployed').length,
    drifting: versions.filter((v) => v.drift?.level === 'significant').length,
  };
}

/**
 * The usual reading of a population stability index: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a
 * significant one (Siddiqi, Credit Risk Scorecards, 2006; the same cut-offs as src/analytics/ml/drift.ts).
 */
export function psiLevel(psi: number): 'stable' | 'moderate' | 'significant' {
  return psi < 0.1 ? 'stable' : psi <= 0.25 ? 'moderate' : 'significant';
}

/** Where a bar's scale ends: a PSI of 0.5 fills it (twice the "significant" cut-off); more overflows. */
export const PSI_SCALE = 0.5;

export interface DriftBar {
  readonly feature: string;
  readonly psi: number;
  readonly level: 'stable' | 'moderate' | 'significant';
  /** Bar length as a share of the scale, 0…1. */
  readonly fraction: number;
  /** The PSI is beyond the scale (the bar is full). */
  readonly overflow: boolean;
}

/**
 * One bar per input feature, the most shifted first.
 * @example driftBars({ a: 0.05, b: 0.3 }) // [{ feature: 'b', psi: 0.3, level: 'significant', fraction: 0.6, … }, …]
 */
export function driftBars(psi: Readonly<Record<string, number>>): DriftBar[] {
  return Object.entries(psi)
    .filter(([, value]) => Number.isFinite(value))
    .sort((a, b) => b[1] - a[1] || collator.compare(a[0], b[0]))
    .map(([feature, value]) => ({
      feature,
      psi: value,
      level: psiLevel(value),
      fraction: Math.min(1, Math.max(0, value / PSI_SCALE)),
      overflow: value > PSI_SCALE,
    }));
}

/**
 * How long a training window or run lasted, in the largest unit that keeps it readable and without padding.
 * @example [45_000, 5_400_000, 7 * 86_400_000].map(formatSpan) // ['45 s', '1.5 h', '7 d']
 */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${formatCompact(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${formatCompact(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${formatCompact(ms / 3_600_000)} h`;
  return `${formatCompact(ms / 86_400_000)} d`;
}

/** A task as words: 'text-classification' → 'Text classification'. */
export function taskLabel(task: string): string {
  const words = task.replaceAll(/[-_]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What the model was trained on, in a line: the rows, and the data set or the number of assets and tags.
 * @example trainingSource({ rows: 5000, assets: ['a'], tags: ['a/x', 'a/y'] }) // '5,000 rows · 1 asset, 2 tags'
 */
export function trainingSource(training: ModelTraining): string {
  const parts = [`${formatFixed(training.rows, 0)} row${training.rows === 1 ? '' : 's'}`];
  if (training.dataset) parts.push(training.dataset);
  const assets = training.assets?.length ?? 0;
  const tags = training.tags?.length ?? 0;
  const scope = [
    assets > 0 ? `${assets} asset${assets === 1 ? '' : 's'}` : '',
    tags > 0 ? `${tags} tag${tags === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  if (scope.length > 0) parts.push(scope.join(', '));
  return parts.join(' · ');
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
