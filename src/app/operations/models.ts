/** The model registry: list the trained models with their metrics, read one version. */
import { z } from 'zod';
import { driftLevel, populationStability } from '../../analytics/ml/drift.js';
import { GbdtModel } from '../../analytics/ml/gbdt.js';
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
import { ANOMALY_ALGORITHMS, AnomalyArtifact, anomalyScorer, fitAnomalyModel } from '../ml/anomaly-models.js';
import { AlarmDebounce, scoreTagName } from '../ml/live-models.js';
import { readModelRows } from '../ml/rows.js';
import { defineOperation } from '../operation.js';
import type { AppServices } from '../services.js';
import { TimeArg, listArg, resolveWindow } from './common.js';

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

function artifactOf(model: ModelRecord): AnomalyArtifact {
  const parsed = AnomalyArtifact.safeParse(model.artifact);
  if (!parsed.success) {
    throw new UserError(
      'invalid_input',
      `model ${model.name} v${model.version} is not an anomaly model this build runs`,
    );
  }
  return parsed.data;
}

/** The asset a model was trained on (and runs on). */
function assetOf(model: ModelRecord): string {
  const asset = model.training.assets[0];
  if (asset === undefined) throw new UserError('invalid_input', `model ${model.name} names no asset`);
  return asset;
}

/** The artifact's gate as `readModelRows` takes it: the state tag and its codes. */
function whenOfArtifact(artifact: AnomalyArtifact): { tag: string; states: string[] } | undefined {
  const condition = artifact.condition;
  return condition ? { tag: condition.input, states: condition.equals.map(String) } : undefined;
}

function summaryOf(model: ModelRecord): ModelSummary {
  const { artifact: _artifact, ...summary } = model;
  return summary;
}

export const trainModel = defineOperation({
  name: 'models.train',
  description:
    'Train an anomaly model on an asset’s tags over a window of normal operation (pca: T²/SPE of several signals; ' +
    'robust-z: one signal against its rolling median), optionally only while a state tag is in given states; ' +
    'stores it as the next version of its name with its metrics and training deciles.',
  input: z.object({
    name: ModelName,
    algorithm: z.enum(ANOMALY_ALGORITHMS),
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
    const needed = input.algorithm === 'pca' ? input.inputs.length + 20 : 0;
    if (rows.X.rows < needed) {
      throw new UserError(
        'invalid_input',
        `only ${rows.X.rows} rows of ${input.asset} in the window (${rows.skipped.condition} outside the condition, ` +
          `${rows.skipped.incomplete} with an input missing); pca needs at least ${needed}: widen the window`,
      );
    }
    const fit = fitAnomalyModel(rows.X, {
      algorithm: input.algorithm,
      bucketMs,
      falseAlarmRate: input.falseAlarmRate,
      ...(rows.condition !== undefined && { condition: rows.condition }),
      ...(input.window !== undefined && { window: input.window }),
    });
    const latest = await services.store.getModel(input.name);
    const model: ModelRecord = {
      name: input.name,
      version: (latest?.version ?? 0) + 1,
      task: 'anomaly',
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
    'Replay a window of an anomaly model’s asset through it: rows scored, anomalous share, alarms (3 anomalous rows in ' +
    'a row), and — where the machine went down with the given reason in the window — faults warned of before the ' +
    'failure, precision and lead time. The figures are saved with the model (eval_*).',
  input: z.object({
    name: ModelName,
    version: z.coerce.number().int().positive().optional(),
    from: TimeArg,
    to: TimeArg.default('now'),
    failureReason: z
      .string()
      .optional()
      .meta({ description: 'Machine-state reason of a failure, e.g. bearing_overheat' }),
    lookbackMs: z.coerce
      .number()
      .int()
      .positive()
      .default(3_600_000)
      .meta({ description: 'How long before a failure a warning counts (default 1 h)' }),
  }),
  output: z.object({ model: z.string(), version: z.number(), report: z.record(z.string(), z.number()) }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/evaluate' },
  audit: true,
  handler: async (input, { services }) => {
    const model = await requireModel(services, input.name, input.version);
    const artifact = artifactOf(model);
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now());
    const asset = assetOf(model);
    const states = whenOfArtifact(artifact);
    const rows = await readModelRows(services.store, services.tags, {
      asset,
      inputs: [...artifact.inputs, ...(states ? [states.tag] : [])],
      from,
      to,
      bucketMs: artifact.bucketMs,
    });
    // The scorer applies the condition itself (its last input is the state).
    const scorer = anomalyScorer(artifact);
    const debounce = new AlarmDebounce();
    const alarms: { startTs: number; endTs: number }[] = [];
    let scored = 0;
    let anomalous = 0;
    let open: { startTs: number; endTs: number } | undefined;
    for (let i = 0; i < rows.X.rows; i++) {
      const r = scorer.score(rows.X.data.subarray(i * rows.X.cols, (i + 1) * rows.X.cols));
      if (!Number.isFinite(r.score)) continue;
      scored++;
      if (r.anomalous) anomalous++;
      const ts = rows.ts[i] ?? 0;
      const change = debounce.push(ts, r.anomalous);
      if (change === 'raised') {
        open = { startTs: ts, endTs: ts };
        alarms.push(open);
      } else if (change === 'cleared') open = undefined;
      else if (open && r.anomalous) open.endTs = ts;
    }
    const report: Record<string, number> = {
      rows: scored,
      anomalous_share: scored === 0 ? 0 : anomalous / scored,
      alarms: alarms.length,
    };
    if (input.failureReason !== undefined) {
      const events = await services.store.listEvents({
        from,
        to,
        assetPrefix: asset,
        kinds: ['machine_state'],
        limit: 100_000,
      });
      const failures = events
        .filter((e) => e.kind === 'machine_state' && e.asset === asset && e.reason === input.failureReason)
        .map((e) => e.ts)
        .sort((a, b) => a - b);
      const faults = failures.map((failureTs) => ({
        startTs: failureTs - input.lookbackMs,
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
    '"<model>.score" on the asset, and an alarm raised (model.<name>) naming the inputs that drove it. Replaces a ' +
    'deployed version of the same name.',
  input: z.object({ name: ModelName, version: z.coerce.number().int().positive().optional() }),
  output: z.object({ model: ModelSummary }),
  permission: 'engineer',
  http: { method: 'POST', path: '/models/deploy' },
  audit: true,
  handler: async (input, { services, principal }) => {
    const model = await requireModel(services, input.name, input.version);
    const artifact = artifactOf(model);
    const asset = assetOf(model);
    const names = [...artifact.inputs, ...(artifact.condition ? [artifact.condition.input] : [])];
    const deployed: ModelRecord = {
      ...model,
      status: 'deployed',
      deployment: {
        since: services.clock.now(),
        by: principal.name,
        asset,
        inputs: Object.fromEntries(names.map((n) => [n, tagPath(asset, n)])),
        threshold: artifact.threshold,
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
        description: `Anomaly score of model ${model.name} (alarm above ${artifact.threshold.toPrecision(3)})`,
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

export const checkModelDrift = defineOperation({
  name: 'models.drift',
  description:
    'Compare a model’s recent inputs with its training data (population stability index per input, on the training ' +
    'deciles): stable < 0.1 ≤ moderate ≤ 0.25 < significant, with a retrain recommendation. Saved with the model.',
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
    const artifact = artifactOf(model);
    const now = services.clock.now();
    const { from, to } = resolveWindow(input.from, input.to, now);
    const asset = assetOf(model);
    const when = whenOfArtifact(artifact);
    const rows = await readModelRows(services.store, services.tags, {
      asset,
      inputs: artifact.inputs,
      from,
      to,
      bucketMs: artifact.bucketMs,
      ...(when !== undefined && { when }),
    });
    if (rows.X.rows === 0)
      throw new UserError('invalid_input', `no rows of ${asset} in the window to compare`);
    const psi: Record<string, number> = {};
    artifact.inputs.forEach((name, j) => {
      const reference = artifact.reference[name];
      if (!reference) return;
      const values = new Float64Array(rows.X.rows);
      for (let i = 0; i < rows.X.rows; i++) values[i] = rows.X.data[i * rows.X.cols + j] ?? Number.NaN;
      psi[name] = populationStability(reference, values).psi;
    });
    const worst = Math.max(0, ...Object.values(psi));
    const level = driftLevel(worst);
    const shifted = Object.entries(psi)
      .filter(([, v]) => driftLevel(v) !== 'stable')
      .sort((a, b) => b[1] - a[1])
      .map(([n, v]) => `${n} (PSI ${v.toFixed(2)})`);
    const recommendation =
      level === 'significant'
        ? `Retrain: the inputs moved away from the training data: ${shifted.join(', ')}. Check first that the change is the new normal and not a fault.`
        : level === 'moderate'
          ? `Watch: some inputs shifted (${shifted.join(', ')}); retrain if it persists.`
          : 'No action: the inputs look like the training data.';
    const drift = { checkedAt: now, psi, level, recommendation };
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
