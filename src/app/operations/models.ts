/** The model registry: list the trained models with their metrics, read one version. */
import { z } from 'zod';
import { driftLevel, populationStability } from '../../analytics/ml/drift.js';
import { GbdtModel } from '../../analytics/ml/gbdt.js';
import { column } from '../../analytics/ml/matrix.js';
import { scoreAlarms } from '../../analytics/maintenance/events.js';
import {
  AssetPath,
  ModelDrift,
  ModelName,
  ModelRecord,
  ModelSummary,
  UserError,
  parseDurationMs,
  tagPath,
} from '../../domain/index.js';
import { ANOMALY_ALGORITHMS, fitAnomalyModel } from '../ml/anomaly-models.js';
import { type LiveModelView, liveModelView } from '../ml/deployable.js';
import {
  FAILURE_TARGETS,
  type FailureArtifact,
  failureLabels,
  fitFailureModel,
  validationMetrics,
} from '../ml/failure-models.js';
import { AlarmDebounce, type RowScore, scoreTagName } from '../ml/live-models.js';
import { readModelRows } from '../ml/rows.js';
import { defineOperation } from '../operation.js';
import type { AppServices } from '../services.js';
import { PositiveInt, TimeArg, listArg, resolveWindow } from './common.js';

export const listModels = defineOperation({
  name: 'models.list',
  description:
    'Every model version in the registry (newest version first per name): task, algorithm, status, training window, ' +
    'features, metrics, deployment and the last drift check — without the artifacts.',
  input: z.object({ name: ModelName.optional() }),
  output: z.object({ models: z.array(ModelSummary) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/models' },
  audit: false,
  handler: async ({ name }, { services }) => {
    const models = await services.store.listModels();
    return { models: name === undefined ? models : models.filter((m) => m.name === name) };
  },
});

export const getModel = defineOperation({
  name: 'models.get',
  description: 'One model version (the newest when no version is given), with its artifact when asked for.',
  input: z.object({
    name: ModelName,
    version: z.coerce.number().int().positive().optional(),
    artifact: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(false)
      .meta({ description: 'Include the learner’s JSON (can be large)' }),
  }),
  output: z.object({ model: ModelRecord.partial({ artifact: true }) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/models/get' },
  audit: false,
  handler: async (input, { services }) => {
    const model = await services.store.getModel(input.name, input.version);
    if (!model) {
      throw new UserError(
        'not_found',
        `no model ${input.name}${input.version === undefined ? '' : ` version ${input.version}`}`,
      );
    }
    if (input.artifact) return { model };
    const { artifact: _artifact, ...summary } = model;
    return { model: summary };
  },
});

const When = {
  whenTag: z
    .string()
    .optional()
    .meta({ description: 'A state tag on the asset that gates the rows, e.g. "state"' }),
  whenStates: listArg(z.string())
    .optional()
    .meta({ description: 'The states rows must be in, e.g. "running" (names or codes)' }),
};

function whenOf(input: { whenTag?: string | undefined; whenStates?: string[] | undefined }) {
  if (input.whenTag === undefined) return undefined;
  if (!input.whenStates || input.whenStates.length === 0) {
    throw new UserError('invalid_input', 'whenTag needs whenStates (e.g. running)');
  }
  return { tag: input.whenTag, states: input.whenStates };
}

async function requireModel(services: AppServices, name: string, version?: number): Promise<ModelRecord> {
  const model = await services.store.getModel(name, version);
  if (!model)
    throw new UserError('not_found', `no model ${name}${version === undefined ? '' : ` version ${version}`}`);
  return model;
}

/** The asset a model was trained on (and runs on). */
function assetOf(model: ModelRecord): string {
  const asset = model.training.assets[0];
  if (asset === undefined) throw new UserError('invalid_input', `model ${model.name} names no asset`);
  return asset;
}

/** The model's gate as `readModelRows` takes it: the state tag and its codes. */
function whenOfView(view: LiveModelView): { tag: string; states: string[] } | undefined {
  const condition = view.condition;
  return condition ? { tag: condition.input, states: condition.equals.map(String) } : undefined;
}

/** The failure times of an asset in a window: machine-state events with the reason, oldest first. */
async function failureTimes(
  services: AppServices,
  asset: string,
  reason: string,
  from: number,
  to: number,
): Promise<number[]> {
  const events = await services.store.listEvents({
    from,
    to,
    assetPrefix: asset,
    kinds: ['machine_state'],
    limit: 100_000,
  });
  return events
    .filter((e) => e.kind === 'machine_state' && e.asset === asset && e.reason === reason)
    .map((e) => e.ts)
    .sort((a, b) => a - b);
}

interface Replay {
  readonly ts: Float64Array;
  readonly results: RowScore[];
}

/**
 * A window of the model's asset run through a fresh scorer, row by row as live scoring would (the scorer gates
 * rows on the condition itself: its last input is the state).
 */
async function replay(
  services: AppServices,
  view: LiveModelView,
  asset: string,
  from: number,
  to: number,
): Promise<Replay> {
  const when = whenOfView(view);
  const rows = await readModelRows(services.store, services.tags, {
    asset,
    inputs: [...view.inputs, ...(when ? [when.tag] : [])],
    from,
    to,
    bucketMs: view.bucketMs,
  });
  const scorer = view.scorer();
  const results: RowScore[] = [];
  for (let i = 0; i < rows.X.rows; i++) {
    results.push(scorer.score(rows.X.data.subarray(i * rows.X.cols, (i + 1) * rows.X.cols), rows.ts[i] ?? 0));
  }
  return { ts: rows.ts, results };
}

/** The failure model's figures on the replayed rows whose outcome the window tells. */
function labelledMetrics(
  failure: FailureArtifact,
  run: Replay,
  failures: readonly number[],
  to: number,
): { rows: number; metrics: Record<string, number> } {
  const scored: number[] = [];
  run.results.forEach((r, i) => {
    if (Number.isFinite(r.score)) scored.push(i);
  });
  const ts = Float64Array.from(scored, (i) => run.ts[i] ?? 0);
  const labels = failureLabels(ts, failures, to, failure.target, failure.horizonMs);
  const keep = scored.flatMap((_, k) => (Number.isFinite(labels[k]) ? [k] : []));
  if (keep.length === 0) return { rows: 0, metrics: {} };
  const yTrue = Float64Array.from(keep, (k) => labels[k] ?? 0);
  const predicted = Float64Array.from(keep, (k) => run.results[scored[k] ?? 0]?.score ?? 0);
  return {
    rows: keep.length,
    metrics: validationMetrics(
      failure.target,
      yTrue,
      predicted,
      failure.threshold,
      failure.horizonMs / 60_000,
    ),
  };
}

function summaryOf(model: ModelRecord): ModelSummary {
  const { artifact: _artifact, ...summary } = model;
  return summary;
}

const TRAIN_ALGORITHMS = [...ANOMALY_ALGORITHMS, 'gbdt'] as const;

export const trainModel = defineOperation({
  name: 'models.train',
  description:
    'Train a model on an asset’s tags over a window, optionally only while a state tag is in given states, and ' +
    'store it as the next version of its name with its metrics and training deciles. Anomaly models learn normal ' +
    'operation (pca: T²/SPE of several signals; iforest: an isolation forest on several signals, weaker than pca on ' +
    'a fault in one signal; robust-z: one signal against its rolling median). gbdt learns ' +
    'from the asset’s own failures — machine-state events with `failureReason` — either the probability of a ' +
    'failure within `horizon` (target failure) or the minutes left to one, capped at `horizon` (target rul), on ' +
    'rolling-window features; the most recent 30 % of the rows check it.',
  input: z.object({
    name: ModelName,
    algorithm: z.enum(TRAIN_ALGORITHMS),
    asset: AssetPath,
    inputs: listArg(z.string().min(1)).meta({
      description: 'Tag names on the asset, e.g. "vibration_rms,motor_temp"',
    }),
    from: TimeArg,
    to: TimeArg.default('now'),
    bucket: z
      .string()
      .default('10s')
      .meta({ description: 'Row width: each row holds the bucket means (e.g. 10s, 1m)' }),
    falseAlarmRate: z.coerce.number().gt(0).lt(1).default(0.001),
    window: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'robust-z: rows in the baseline (360)' }),
    target: z.enum(FAILURE_TARGETS).optional().meta({ description: 'gbdt: failure or rul' }),
    failureReason: z
      .string()
      .optional()
      .meta({ description: 'gbdt: the machine-state reason of the failure, e.g. bearing_overheat' }),
    horizon: z
      .string()
      .default('1h')
      .meta({ description: 'gbdt: the prediction horizon (failure) or the RUL cap (rul)' }),
    windows: listArg(PositiveInt(10_000))
      .default([6, 30])
      .meta({ description: 'gbdt: rolling windows in rows, e.g. "6,30"' }),
    threshold: z.coerce.number().optional().meta({
      description: 'gbdt: alarm at/above this probability (0.5), or at/below these minutes (horizon/2)',
    }),
    seed: z.coerce.number().int().min(0).default(0),
    description: z.string().max(2000).optional(),
    ...When,
  }),
  output: z.object({ model: ModelSummary }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/train' },
  audit: true,
  handler: async (input, { services, principal }) => {
    const started = services.clock.now();
    const { from, to } = resolveWindow(input.from, input.to, started);
    const bucketMs = parseDurationMs(input.bucket);
    const when = whenOf(input);
    const rows = await readModelRows(services.store, services.tags, {
      asset: input.asset,
      inputs: input.inputs,
      from,
      to,
      bucketMs,
      ...(when !== undefined && { when }),
    });
    // pca: a covariance to estimate; iforest: 1/rate rows for the calibrated rate to be reachable (64 at least);
    // gbdt: failures to learn from and to check against (it says which it lacks itself).
    const needed = {
      pca: input.inputs.length + 20,
      iforest: Math.max(64, Math.ceil(1 / input.falseAlarmRate)),
      gbdt: 100,
      'robust-z': 0,
    }[input.algorithm];
    if (rows.X.rows < needed) {
      throw new UserError(
        'invalid_input',
        `only ${rows.X.rows} rows of ${input.asset} in the window (${rows.skipped.condition} outside the condition, ` +
          `${rows.skipped.incomplete} with an input missing); ${input.algorithm} needs at least ${needed}: widen the window`,
      );
    }
    let fit: { artifact: unknown; metrics: Record<string, number> };
    let task: ModelRecord['task'] = 'anomaly';
    if (input.algorithm === 'gbdt') {
      if (input.target === undefined || input.failureReason === undefined) {
        throw new UserError('invalid_input', 'gbdt needs a target (failure or rul) and a failureReason');
      }
      const horizonMs = parseDurationMs(input.horizon);
      const failures = await failureTimes(services, input.asset, input.failureReason, from, to);
      const labels = failureLabels(rows.ts, failures, to, input.target, horizonMs);
      fit = fitFailureModel(rows.X, rows.ts, labels, {
        target: input.target,
        failureReason: input.failureReason,
        horizonMs,
        bucketMs,
        windows: input.windows,
        seed: input.seed,
        ...(rows.condition !== undefined && { condition: rows.condition }),
        ...(input.threshold !== undefined && { threshold: input.threshold }),
      });
      fit.metrics.failures = failures.length;
      task = input.target === 'failure' ? 'classification' : 'regression';
    } else {
      fit = fitAnomalyModel(rows.X, {
        algorithm: input.algorithm,
        bucketMs,
        falseAlarmRate: input.falseAlarmRate,
        ...(rows.condition !== undefined && { condition: rows.condition }),
        ...(input.window !== undefined && { window: input.window }),
      });
    }
    const latest = await services.store.getModel(input.name);
    const model: ModelRecord = {
      name: input.name,
      version: (latest?.version ?? 0) + 1,
      task,
      algorithm: input.algorithm,
      status: 'trained',
      ...(input.description !== undefined && { description: input.description }),
      createdAt: services.clock.now(),
      createdBy: principal.name,
      training: {
        from,
        to,
        assets: [input.asset],
        tags: [...input.inputs, ...(when ? [when.tag] : [])].map((n) => tagPath(input.asset, n)),
        rows: rows.X.rows,
        ...(input.algorithm === 'gbdt' && { target: `${input.target ?? ''}:${input.failureReason ?? ''}` }),
        durationMs: services.clock.now() - started,
      },
      features: input.inputs,
      metrics: fit.metrics,
      artifact: fit.artifact,
    };
    await services.store.createModel(model);
    return { model: summaryOf(model) };
  },
});

export const evaluateModel = defineOperation({
  name: 'models.evaluate',
  description:
    'Replay a window of a model’s asset through it, as live scoring would: rows scored, alarm share, alarms (3 ' +
    'alarming rows in a row), and — where the machine went down with the failure reason in the window — failures ' +
    'warned of before they happened, precision and lead time. A failure or RUL model is also scored on the rows ' +
    'whose outcome the window tells (PR-AUC, F1 / RMSE, MAE in minutes). The figures are saved with the model (eval_*).',
  input: z.object({
    name: ModelName,
    version: z.coerce.number().int().positive().optional(),
    from: TimeArg,
    to: TimeArg.default('now'),
    failureReason: z.string().optional().meta({
      description:
        'Machine-state reason of a failure, e.g. bearing_overheat (a failure model’s own by default)',
    }),
    lookbackMs: z.coerce.number().int().positive().optional().meta({
      description: 'How long before a failure a warning counts (default 1 h, a failure model’s horizon)',
    }),
  }),
  output: z.object({ model: z.string(), version: z.number(), report: z.record(z.string(), z.number()) }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/evaluate' },
  audit: true,
  handler: async (input, { services }) => {
    const model = await requireModel(services, input.name, input.version);
    const view = liveModelView(model);
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now());
    const asset = assetOf(model);
    const run = await replay(services, view, asset, from, to);
    const debounce = new AlarmDebounce();
    const alarms: { startTs: number; endTs: number }[] = [];
    let scored = 0;
    let alarming = 0;
    let open: { startTs: number; endTs: number } | undefined;
    run.results.forEach((r, i) => {
      if (!Number.isFinite(r.score)) return;
      scored++;
      if (r.anomalous) alarming++;
      const ts = run.ts[i] ?? 0;
      const change = debounce.push(ts, r.anomalous);
      if (change === 'raised') {
        open = { startTs: ts, endTs: ts };
        alarms.push(open);
      } else if (change === 'cleared') open = undefined;
      else if (open && r.anomalous) open.endTs = ts;
    });
    const report: Record<string, number> = {
      rows: scored,
      anomalous_share: scored === 0 ? 0 : alarming / scored,
      alarms: alarms.length,
    };
    const reason = input.failureReason ?? view.failure?.failureReason;
    if (reason !== undefined) {
      const failures = await failureTimes(services, asset, reason, from, to);
      const lookbackMs = input.lookbackMs ?? view.failure?.horizonMs ?? 3_600_000;
      const faults = failures.map((failureTs) => ({
        startTs: failureTs - lookbackMs,
        failureTs,
        endTs: failureTs,
      }));
      const score = scoreAlarms(alarms, faults);
      Object.assign(report, {
        failures: score.faults,
        warned_before_failure: score.detected,
        recall: score.recall,
        precision: score.precision,
        median_lead_minutes: score.medianLeadMs / 60_000,
      });
      if (view.failure) {
        const labelled = labelledMetrics(view.failure, run, failures, to);
        Object.assign(report, { labelled_rows: labelled.rows }, labelled.metrics);
      }
    }
    const finite = Object.fromEntries(Object.entries(report).filter(([, v]) => Number.isFinite(v)));
    const metrics = {
      ...model.metrics,
      ...Object.fromEntries(Object.entries(finite).map(([k, v]) => [`eval_${k}`, v])),
    };
    await services.store.updateModel({ ...model, metrics });
    return { model: model.name, version: model.version, report: finite };
  },
});

export const deployModel = defineOperation({
  name: 'models.deploy',
  description:
    'Put a model version to work on its asset’s live tags: every new row is scored, the score written to the tag ' +
    '"<model>.score" on the asset (an anomaly score, a failure probability or the predicted minutes left), and an ' +
    'alarm raised (model.<name>) naming the inputs that drove it. Replaces a deployed version of the same name.',
  input: z.object({ name: ModelName, version: z.coerce.number().int().positive().optional() }),
  output: z.object({ model: ModelSummary }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/deploy' },
  audit: true,
  handler: async (input, { services, principal }) => {
    const model = await requireModel(services, input.name, input.version);
    const view = liveModelView(model);
    const asset = assetOf(model);
    const names = [...view.inputs, ...(view.condition ? [view.condition.input] : [])];
    const deployed: ModelRecord = {
      ...model,
      status: 'deployed',
      deployment: {
        since: services.clock.now(),
        by: principal.name,
        asset,
        inputs: Object.fromEntries(names.map((n) => [n, tagPath(asset, n)])),
        threshold: view.threshold,
      },
    };
    services.models.check(deployed);
    const scoreTag = scoreTagName(model.name);
    if (!services.tags.byPath(tagPath(asset, scoreTag))) {
      const tag = await services.store.createTag({
        asset,
        name: scoreTag,
        path: tagPath(asset, scoreTag),
        dataType: 'float',
        description: view.scoreMeaning,
      });
      services.tags.add(tag);
    }
    // One deployed version per name.
    for (const other of await services.store.listModels()) {
      if (other.name === model.name && other.version !== model.version && other.status === 'deployed') {
        const full = await requireModel(services, other.name, other.version);
        const { deployment: _gone, ...rest } = full;
        await services.store.updateModel({ ...rest, status: 'trained' });
      }
    }
    await services.store.updateModel(deployed);
    await services.models.attach(deployed);
    return { model: summaryOf(deployed) };
  },
});

export const undeployModel = defineOperation({
  name: 'models.undeploy',
  description: 'Stop scoring a deployed model (it stays in the registry as trained).',
  input: z.object({ name: ModelName }),
  output: z.object({ undeployed: z.boolean() }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/undeploy' },
  audit: true,
  handler: async ({ name }, { services }) => {
    services.models.detach(name);
    let undeployed = false;
    for (const summary of await services.store.listModels()) {
      if (summary.name !== name || summary.status !== 'deployed') continue;
      const full = await requireModel(services, summary.name, summary.version);
      const { deployment: _gone, ...rest } = full;
      await services.store.updateModel({ ...rest, status: 'trained' });
      undeployed = true;
    }
    if (!undeployed) throw new UserError('not_found', `model ${name} is not deployed`);
    return { undeployed };
  },
});

/** How much worse the recent figure is than the validation one before it counts (moderate, significant). */
const PERFORMANCE_LEVELS = {
  pr_auc: { higherIsBetter: true, moderate: 0.1, significant: 0.2 },
  mae_near_failure_min: { higherIsBetter: false, moderate: 0.25, significant: 0.5 },
} as const;
/** Minutes: an MAE rise is measured against at least this, so a model that is off by seconds is not flagged for a minute. */
const MAE_FLOOR_MIN = 2;

function performanceLevel(metric: keyof typeof PERFORMANCE_LEVELS, trained: number, recent: number) {
  const rule = PERFORMANCE_LEVELS[metric];
  // pr_auc: an absolute drop; MAE: a relative rise.
  const worse = rule.higherIsBetter
    ? trained - recent
    : (recent - trained) / Math.max(trained, MAE_FLOOR_MIN);
  return worse > rule.significant ? 'significant' : worse > rule.moderate ? 'moderate' : 'stable';
}

const LEVEL_RANK = { stable: 0, moderate: 1, significant: 2 } as const;

export const checkModelDrift = defineOperation({
  name: 'models.drift',
  description:
    'Compare a model’s recent inputs with its training data (population stability index per input, on the training ' +
    'deciles): stable < 0.1 ≤ moderate ≤ 0.25 < significant. For a failure or RUL model, when failures in the ' +
    'window give labels, also its performance then against its validation figure (PR-AUC 0.1 / 0.2 lower, or the ' +
    'MAE within the horizon of a failure 25 % / 50 % higher, of at least 2 min: moderate / significant). With a retrain recommendation; saved with the model.',
  input: z.object({
    name: ModelName,
    version: z.coerce.number().int().positive().optional(),
    from: TimeArg.default('now-24h'),
    to: TimeArg.default('now'),
  }),
  output: z.object({ model: z.string(), version: z.number(), drift: ModelDrift }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/drift' },
  audit: true,
  handler: async (input, { services }) => {
    const model = await requireModel(services, input.name, input.version);
    const view = liveModelView(model);
    const now = services.clock.now();
    const { from, to } = resolveWindow(input.from, input.to, now);
    const asset = assetOf(model);
    const when = whenOfView(view);
    const rows = await readModelRows(services.store, services.tags, {
      asset,
      inputs: view.inputs,
      from,
      to,
      bucketMs: view.bucketMs,
      ...(when !== undefined && { when }),
    });
    if (rows.X.rows === 0)
      throw new UserError('invalid_input', `no rows of ${asset} in the window to compare`);
    const psi: Record<string, number> = {};
    view.inputs.forEach((name, j) => {
      const reference = view.reference[name];
      if (!reference) return;
      psi[name] = populationStability(reference, column(rows.X, j)).psi;
    });
    const worst = Math.max(0, ...Object.values(psi));
    let level = driftLevel(worst);
    const shifted = Object.entries(psi)
      .filter(([, v]) => driftLevel(v) !== 'stable')
      .sort((a, b) => b[1] - a[1])
      .map(([n, v]) => `${n} (PSI ${v.toFixed(2)})`);
    let performance: ModelDrift['performance'];
    if (view.failure) {
      const failures = await failureTimes(services, asset, view.failure.failureReason, from, to);
      const metric = view.failure.target === 'failure' ? 'pr_auc' : 'mae_near_failure_min';
      const trained = model.metrics[metric];
      const run = failures.length > 0 ? await replay(services, view, asset, from, to) : undefined;
      const recent = run ? labelledMetrics(view.failure, run, failures, to) : undefined;
      const value = recent?.metrics[metric];
      if (trained !== undefined && value !== undefined && recent) {
        const perfLevel = performanceLevel(metric, trained, value);
        performance = {
          metric,
          training: trained,
          recent: value,
          rows: recent.rows,
          failures: failures.length,
          level: perfLevel,
        };
        if (LEVEL_RANK[perfLevel] > LEVEL_RANK[level]) level = perfLevel;
      }
    }
    const worse =
      performance && performance.level !== 'stable'
        ? `${performance.metric} ${performance.recent.toFixed(3)} on ${performance.failures} recent failure(s) against ${performance.training.toFixed(3)} in validation`
        : undefined;
    const reasons = [
      ...(shifted.length > 0 ? [`inputs moved: ${shifted.join(', ')}`] : []),
      ...(worse ? [worse] : []),
    ];
    const recommendation =
      level === 'significant'
        ? `Retrain: ${reasons.join('; ')}. Check first that the change is the new normal and not a fault.`
        : level === 'moderate'
          ? `Watch: ${reasons.join('; ')}; retrain if it persists.`
          : 'No action: the inputs look like the training data' +
            (performance ? ' and the model predicted the recent failures as well as in validation.' : '.');
    const drift = {
      checkedAt: now,
      psi,
      level,
      recommendation,
      ...(performance !== undefined && { performance }),
    };
    await services.store.updateModel({ ...model, drift });
    return { model: model.name, version: model.version, drift };
  },
});

export const registerModel = defineOperation({
  name: 'models.register',
  description:
    'Store a model trained elsewhere (e.g. `gemba models fit` on a table) as the next version of its name, with its ' +
    'metrics; its artifact must be a gradient-boosted model Gemba can load.',
  input: z.object({
    name: ModelName,
    task: z.enum(['classification', 'regression']),
    description: z.string().max(2000).optional(),
    training: ModelRecord.shape.training,
    features: z.array(z.string()).min(1),
    metrics: z.record(z.string(), z.number()),
    artifact: z.unknown(),
  }),
  output: z.object({ model: ModelSummary }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/register' },
  audit: true,
  handler: async (input, { services, principal }) => {
    const loaded = GbdtModel.fromJSON(input.artifact);
    if (loaded.features.join('\u0000') !== input.features.join('\u0000')) {
      throw new UserError('invalid_input', 'features must be the model’s own features, in order');
    }
    const latest = await services.store.getModel(input.name);
    const model: ModelRecord = {
      name: input.name,
      version: (latest?.version ?? 0) + 1,
      task: input.task,
      algorithm: 'gbdt',
      status: 'trained',
      ...(input.description !== undefined && { description: input.description }),
      createdAt: services.clock.now(),
      createdBy: principal.name,
      training: input.training,
      features: input.features,
      metrics: input.metrics,
      artifact: input.artifact,
    };
    await services.store.createModel(model);
    return { model: summaryOf(model) };
  },
});
