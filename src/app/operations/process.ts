/**
 * Process-parameter optimisation as an operation: reads the history of an output tag, controllable setpoint tags
 * and measured context tags, fits the surrogate and recommends setpoints (src/app/process/optimize-process.ts). It
 * writes nothing: the recommendation comes with a ready `proposal` body (setpoints.apply) for proposals.create,
 * which an engineer approves.
 */
import { z } from 'zod';
import {
  QUALITY_CODE,
  type SampleReader,
  type Tag,
  TagPath,
  UserError,
  parseDurationMs,
} from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import { type Goal, optimizeProcess, resolution } from '../process/optimize-process.js';
import type { TagDirectory } from '../tag-directory.js';
import { TimeArg, resolveWindow } from './common.js';

/** Samples read per tag. */
const MAX_SAMPLES_PER_TAG = 2_000_000;
/** Buckets a control or context value is held when it has no sample in a bucket (setpoints are sent on change). */
const HOLD_BUCKETS = 3;

const Prediction = z.object({ mean: z.number(), sd: z.number() });

const Input = z.object({
  output: TagPath.meta({ description: 'The quality or cost tag to improve' }),
  controls: z
    .array(
      z.object({
        tag: TagPath,
        min: z.coerce.number().optional().meta({ description: 'Lower bound; default the tag’s lsl' }),
        max: z.coerce.number().optional().meta({ description: 'Upper bound; default the tag’s usl' }),
      }),
    )
    .min(1)
    .max(6)
    .meta({ description: 'Setpoint tags the optimiser may change, with their bounds' }),
  context: z
    .array(TagPath)
    .max(6)
    .default([])
    .meta({ description: 'Measured inputs that cannot be set (held at their current value)' }),
  from: TimeArg.default('now-24h'),
  to: TimeArg.default('now'),
  bucket: z
    .string()
    .default('5m')
    .meta({ description: 'Row width: each row holds bucket means (e.g. 1m, 5m)' }),
  goal: z.enum(['min', 'max', 'target']).default('min'),
  target: z.coerce.number().optional().meta({ description: 'The value to hit, with goal "target"' }),
  constraints: z
    .array(z.object({ coefficients: z.record(z.string(), z.number()), max: z.number() }))
    .max(10)
    .default([])
    .meta({ description: 'Linear constraints Σ coefficient·control ≤ max, controls named by tag path' }),
  kappa: z.coerce.number().min(0).max(5).default(1).meta({
    description: 'How cautious: the search minimises the predicted loss + kappa × its sd',
  }),
  surfaceAxes: z.array(TagPath).length(2).optional(),
  trials: z.coerce.number().int().min(0).max(20).default(6),
  seed: z.coerce.number().int().default(1),
});

const ControlOut = z.object({
  tag: z.string(),
  unit: z.string().optional(),
  min: z.number(),
  max: z.number(),
  current: z.number().nullable(),
  recommended: z.number(),
  change: z.number().nullable(),
});

const Output = z.object({
  output: z.object({
    tag: z.string(),
    unit: z.string().optional(),
    goal: z.enum(['min', 'max', 'target']),
    target: z.number().optional(),
  }),
  window: z.object({ from: z.number(), to: z.number(), bucketMs: z.number() }),
  rows: z.object({ available: z.number(), fitted: z.number() }),
  controls: z.array(ControlOut),
  context: z.array(z.object({ tag: z.string(), unit: z.string().optional(), current: z.number() })),
  surrogate: z.object({
    kind: z.literal('gaussian-process'),
    kernel: z.literal('matern52'),
    trend: z.enum(['quadratic', 'constant']),
    lengthScales: z.record(z.string(), z.number()),
    noiseSd: z.number(),
  }),
  fit: z.object({
    folds: z.number(),
    r2: z.number(),
    rmse: z.number(),
    candidates: z.array(z.object({ model: z.string(), r2: z.number(), rmse: z.number() })),
  }),
  search: z.string(),
  predicted: z.object({ current: Prediction, recommended: Prediction }),
  improvement: Prediction,
  extrapolation: z.object({
    warning: z.boolean(),
    sdRatio: z.number(),
    nearestDistance: z.number(),
    message: z.string().optional(),
  }),
  surface: z.object({
    x: z.object({ tag: z.string(), values: z.array(z.number()) }),
    y: z.object({ tag: z.string(), values: z.array(z.number()) }),
    mean: z.array(z.array(z.number())),
    sd: z.array(z.array(z.number())),
    points: z.object({ x: z.array(z.number()), y: z.array(z.number()) }),
  }),
  nextTrials: z.object({
    design: z.string(),
    rows: z.array(
      z.object({
        values: z.record(z.string(), z.number()),
        mean: z.number(),
        sd: z.number(),
        why: z.string(),
      }),
    ),
  }),
  proposal: z
    .object({
      operation: z.literal('setpoints.apply'),
      input: z.object({
        changes: z.array(z.object({ tag: z.string(), value: z.number() })),
        reason: z.string(),
      }),
      reason: z.string(),
    })
    .nullable()
    .meta({ description: 'A ready proposals.create body; null when no setpoint would change' }),
});

function requireTag(tags: TagDirectory, path: string): Tag {
  const tag = tags.byPath(path);
  if (!tag) throw new UserError('not_found', `no tag ${path}`, { details: { tag: path } });
  if (tag.dataType !== 'float' && tag.dataType !== 'integer')
    throw new UserError('invalid_input', `${path} is a ${tag.dataType} tag: give numeric tags`);
  return tag;
}

/**
 * Rows of bucket means: one per bucket in which the output has a good or uncertain sample; each input (control or
 * context) its bucket mean, or its last bucket's within HOLD_BUCKETS; rows with an input missing longer are left out.
 */
export async function readProcessRows(
  reader: SampleReader,
  request: { inputs: readonly Tag[]; output: Tag; from: number; to: number; bucketMs: number },
): Promise<{ X: number[][]; y: number[]; ts: number[]; incomplete: number }> {
  const all = [...request.inputs, request.output];
  const means = await Promise.all(
    all.map(async (tag) => {
      const samples = await reader.readRaw({
        tagId: tag.id,
        from: request.from,
        to: request.to,
        limit: MAX_SAMPLES_PER_TAG,
      });
      const sums = new Map<number, { sum: number; n: number }>();
      for (const s of samples) {
        if (QUALITY_CODE[s.quality] >= QUALITY_CODE.bad || !Number.isFinite(s.value)) continue;
        const b = Math.floor(s.ts / request.bucketMs);
        const acc = sums.get(b) ?? { sum: 0, n: 0 };
        acc.sum += s.value;
        acc.n++;
        sums.set(b, acc);
      }
      const buckets = [...sums.keys()].sort((a, b) => a - b);
      return {
        buckets,
        mean: new Map(buckets.map((b) => [b, (sums.get(b)?.sum ?? 0) / (sums.get(b)?.n ?? 1)])),
      };
    }),
  );
  const out = means.at(-1);
  const inputs = means.slice(0, -1);
  const X: number[][] = [];
  const y: number[] = [];
  const ts: number[] = [];
  let incomplete = 0;
  const cursor = inputs.map(() => 0);
  for (const b of out?.buckets ?? []) {
    const row: number[] = [];
    for (const [k, input] of inputs.entries()) {
      // The latest bucket ≤ b of this input (buckets ascending, so the cursor only moves forward).
      let c = cursor[k] ?? 0;
      while (c + 1 < input.buckets.length && (input.buckets[c + 1] ?? Infinity) <= b) c++;
      cursor[k] = c;
      const at = input.buckets[c];
      row.push(at !== undefined && at <= b && b - at <= HOLD_BUCKETS ? (input.mean.get(at) ?? NaN) : NaN);
    }
    if (row.some((v) => !Number.isFinite(v))) {
      incomplete++;
      continue;
    }
    X.push(row);
    y.push(out?.mean.get(b) ?? NaN);
    ts.push(b * request.bucketMs);
  }
  return { X, y, ts, incomplete };
}

export const optimizeProcessOperation = defineOperation({
  name: 'process.optimize',
  description:
    'Recommend setpoints from plant history: fits a Gaussian-process surrogate of an output tag on setpoint ' +
    '(control) and measured context tags, reports its cross-validated R² and RMSE, and finds the controls within ' +
    'their bounds that minimise (maximise, or bring to a target) the predicted output at the current context — ' +
    'predicted output ± sd now and at the recommendation, the improvement ± sd, an extrapolation warning, a ' +
    'response surface and next trials to run. Writes nothing: the `proposal` field is a ready proposals.create body.',
  input: Input,
  output: Output,
  permission: 'viewer',
  http: { method: 'POST', path: '/process/optimize' },
  audit: false,
  readOnly: true,
  handler: async (input, { services }) => {
    const { tags, store, clock } = services;
    const bucketMs = parseDurationMs(input.bucket);
    const window = resolveWindow(input.from, input.to, clock.now(), { throughTo: true });
    const output = requireTag(tags, input.output);
    const controlTags = input.controls.map((c) => requireTag(tags, c.tag));
    const contextTags = input.context.map((p) => requireTag(tags, p));
    const seen = new Set<string>();
    for (const t of [output, ...controlTags, ...contextTags]) {
      if (seen.has(t.path)) throw new UserError('invalid_input', `${t.path} is given twice`);
      seen.add(t.path);
    }
    const controls = input.controls.map((c, j) => {
      const tag = controlTags[j] as Tag;
      const min = c.min ?? tag.spec?.lsl;
      const max = c.max ?? tag.spec?.usl;
      if (min === undefined || max === undefined)
        throw new UserError(
          'invalid_input',
          `give bounds for ${tag.path} (min and max): the tag has no spec limits to default to`,
        );
      if (!(max > min)) throw new UserError('invalid_input', `${tag.path}: max must be above min`);
      return { name: tag.path, min, max, tag };
    });
    let goal: Goal;
    if (input.goal === 'target') {
      if (input.target === undefined)
        throw new UserError('invalid_input', 'goal "target" needs the target value');
      goal = { kind: 'target', value: input.target };
    } else goal = { kind: input.goal };
    for (const c of input.constraints)
      for (const name of Object.keys(c.coefficients))
        if (!controls.some((ctl) => ctl.name === name))
          throw new UserError('invalid_input', `constraint names ${name}, which is not one of the controls`);

    const history = await readProcessRows(store, {
      inputs: [...controlTags, ...contextTags],
      output,
      from: window.from,
      to: window.to,
      bucketMs,
    });
    if (history.X.length < 8)
      throw new UserError(
        'invalid_input',
        `only ${history.X.length} rows with the output and every input between ${new Date(window.from).toISOString()} and ${new Date(window.to).toISOString()} (bucket ${input.bucket}): widen the window (--from) or shorten the bucket`,
      );
    // Current setpoints and context: the latest samples, or the last history row.
    const latest = await store.latest([...controlTags, ...contextTags].map((t) => t.id));
    const lastRow = history.X.at(-1) ?? [];
    const currentOf = (tag: Tag, j: number) =>
      latest.find((s) => s.tagId === tag.id)?.value ?? lastRow[j] ?? NaN;
    const currentControls = controlTags.map((t, j) => currentOf(t, j));
    const currentContext = contextTags.map((t, k) => currentOf(t, controlTags.length + k));

    const rec = optimizeProcess({
      controls: controls.map(({ name, min, max }) => ({ name, min, max })),
      context: contextTags.map((t) => t.path),
      history: { X: history.X, y: history.y },
      current: { controls: currentControls, context: currentContext },
      goal,
      constraints: input.constraints,
      kappa: input.kappa,
      trials: input.trials,
      seed: input.seed,
      ...(input.surfaceAxes !== undefined && {
        surfaceAxes: [input.surfaceAxes[0] ?? '', input.surfaceAxes[1] ?? ''],
      }),
    });

    const controlRows = controls.map((c, j) => {
      const recommended = rec.recommended[j] ?? NaN;
      const current = currentControls[j] ?? NaN;
      const changed = !(Math.abs(recommended - current) < resolution(c.min, c.max) / 2);
      return {
        tag: c.name,
        ...(c.tag.unit !== undefined && { unit: c.tag.unit }),
        min: c.min,
        max: c.max,
        current: Number.isFinite(current) ? current : null,
        recommended,
        change: Number.isFinite(current) ? (changed ? recommended - current : 0) : null,
      };
    });
    const changes = controlRows
      .filter((c) => c.change !== 0)
      .map((c) => ({ tag: c.tag, value: c.recommended }));
    const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3));
    const unit = output.unit ? ` ${output.unit}` : '';
    const reason =
      `process.optimize: predicted ${output.name} ${fmt(rec.predicted.current.mean)} → ` +
      `${fmt(rec.predicted.recommended.mean)} ± ${fmt(rec.predicted.recommended.sd)}${unit} ` +
      `(improvement ${fmt(rec.improvement.mean)} ± ${fmt(rec.improvement.sd)}; cross-validated R² ${rec.fit.r2.toFixed(3)}` +
      `${rec.extrapolation.warning ? '; extrapolates beyond the history' : ''})`;
    const byName = (values: readonly number[]) =>
      Object.fromEntries(controls.map((c, j) => [c.name, values[j] ?? NaN]));
    return {
      output: {
        tag: output.path,
        ...(output.unit !== undefined && { unit: output.unit }),
        goal: goal.kind,
        ...(goal.kind === 'target' && { target: goal.value }),
      },
      window: { ...window, bucketMs },
      rows: rec.rows,
      controls: controlRows,
      context: contextTags.map((t, k) => ({
        tag: t.path,
        ...(t.unit !== undefined && { unit: t.unit }),
        current: currentContext[k] ?? NaN,
      })),
      surrogate: rec.surrogate,
      fit: { folds: rec.fit.folds, r2: rec.fit.r2, rmse: rec.fit.rmse, candidates: [...rec.fit.candidates] },
      search: rec.search,
      predicted: rec.predicted,
      improvement: rec.improvement,
      extrapolation: rec.extrapolation,
      surface: {
        x: { tag: rec.surface.x.name, values: rec.surface.x.values },
        y: { tag: rec.surface.y.name, values: rec.surface.y.values },
        mean: rec.surface.mean,
        sd: rec.surface.sd,
        points: rec.surface.points,
      },
      nextTrials: {
        design: rec.nextTrials.design,
        rows: rec.nextTrials.rows.map((r) => ({
          values: byName(r.values),
          mean: r.mean,
          sd: r.sd,
          why: r.why,
        })),
      },
      proposal:
        changes.length === 0
          ? null
          : { operation: 'setpoints.apply' as const, input: { changes, reason }, reason },
    };
  },
});

export const PROCESS_OPERATIONS = [optimizeProcessOperation] as const;
