/** Quality operations: inspection records, the Pareto of their defects, and process capability (from data or a tag). */
import { z } from 'zod';
import { type CapabilityResult, capability } from '../../analytics/quality/capability.js';
import { type ParetoRow, pareto } from '../../analytics/quality/pareto.js';
import {
  AssetPath,
  type DeadLetter,
  EpochMs,
  INSPECTION_RESULTS,
  Inspection,
  InspectionInput,
  type Tag,
  TagPath,
  UserError,
  deadLetterPayload,
} from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import type { AppServices } from '../services.js';
import { PositiveInt, TimeArg, resolveWindow } from './common.js';
import { IngestResultSchema } from './samples.js';

/** Largest batch of inspections one call may carry. */
export const MAX_INSPECTION_BATCH = 10_000;
/** Rejections listed in a create answer (all of them are dead-lettered). */
const MAX_REPORTED_ERRORS = 100;
/** Most inspections one Pareto looks at; a wider window is refused rather than silently cut. */
const MAX_PARETO_INSPECTIONS = 100_000;
/** Most samples one capability study reads from a tag. */
const MAX_CAPABILITY_SAMPLES = 1_000_000;
/** Category of a failed inspection that names none. */
export const UNCATEGORISED = '(uncategorised)';

export const createInspections = defineOperation({
  name: 'inspections.create',
  description:
    'Record inspections (a part or lot checked at an asset: result, measurements, defect). Each is validated on its ' +
    'own, and its asset must exist; bad ones are dead-lettered with their reason and the rest are stored.',
  input: z.object({ inspections: z.array(z.unknown()).max(MAX_INSPECTION_BATCH) }),
  docsInput: z.object({ inspections: z.array(InspectionInput).max(MAX_INSPECTION_BATCH) }),
  output: IngestResultSchema,
  permission: 'operator',
  http: { method: 'POST', path: '/inspections' },
  audit: true,
  handler: async ({ inspections }, { services }) => {
    const { store, clock } = services;
    const stored: Inspection[] = [];
    const letters: DeadLetter[] = [];
    const errors: Array<{ index: number; reason: string }> = [];
    const reject = (index: number, item: unknown, reason: string) => {
      letters.push({ ts: clock.now(), source: 'http:inspections', reason, payload: deadLetterPayload(item) });
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index, reason });
    };
    const known = new Map<string, boolean>();
    for (const [index, item] of inspections.entries()) {
      const parsed = InspectionInput.safeParse(item);
      if (!parsed.success) {
        reject(
          index,
          item,
          parsed.error.issues.map((i) => `${i.path.join('.') || '(inspection)'}: ${i.message}`).join('; '),
        );
        continue;
      }
      const { asset } = parsed.data;
      let exists = known.get(asset);
      if (exists === undefined) {
        exists = (await store.getAsset(asset)) !== undefined;
        known.set(asset, exists);
      }
      if (!exists) {
        reject(index, item, `asset: no asset "${asset}"; create it first (assets.create)`);
        continue;
      }
      const ts = typeof parsed.data.ts === 'number' ? parsed.data.ts : Date.parse(parsed.data.ts);
      stored.push({ ...parsed.data, ts, id: crypto.randomUUID() });
    }
    await Promise.all([
      stored.length > 0 ? store.appendInspections(stored) : undefined,
      letters.length > 0 ? store.appendDeadLetters(letters) : undefined,
    ]);
    // Failed ones are rejects of the machines whose OEE counts them: the live view takes them now.
    services.oee.noteInspections(stored);
    return { accepted: stored.length, rejected: letters.length, errors };
  },
});

export const listInspections = defineOperation({
  name: 'inspections.list',
  description:
    'Inspections in a time window, newest first, for assets at or below a path, by result and defect category.',
  input: z.object({
    under: AssetPath.optional(),
    from: TimeArg.default('now-7d'),
    to: TimeArg.default('now'),
    result: z.enum(INSPECTION_RESULTS).optional(),
    defectCategory: z.string().min(1).max(100).optional(),
    limit: PositiveInt(10_000).default(500),
  }),
  output: z.object({ inspections: z.array(Inspection) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/inspections' },
  audit: false,
  handler: async (input, { services }) => {
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const inspections = await services.store.listInspections({
      from,
      to,
      limit: input.limit,
      ...(input.under !== undefined && { assetPrefix: input.under }),
      ...(input.result !== undefined && { result: input.result }),
      ...(input.defectCategory !== undefined && { defectCategory: input.defectCategory }),
    });
    return { inspections };
  },
});

const ParetoRowSchema = z.object({
  category: z.string(),
  count: z.number(),
  percent: z.number().meta({ description: '100 · count / total' }),
  cumulativePercent: z.number().meta({ description: 'Percent of this row and all rows above it' }),
  categories: z
    .array(z.string())
    .readonly()
    .optional()
    .meta({ description: 'For the grouped "Other" row: the categories it holds' }),
});

export const qualityPareto = defineOperation({
  name: 'quality.pareto',
  description:
    'Pareto of the failed inspections under an asset in a time window, by defect category or by asset: counts ' +
    'largest first with percent and cumulative percent (Montgomery §5.4).',
  input: z.object({
    under: AssetPath.optional(),
    from: TimeArg.default('now-30d'),
    to: TimeArg.default('now'),
    by: z.enum(['defectCategory', 'asset']).default('defectCategory'),
    top: PositiveInt(1000)
      .optional()
      .meta({ description: 'Keep the N largest rows and group the rest into one "Other" row, drawn last' }),
  }),
  output: z.object({
    from: EpochMs,
    to: EpochMs,
    by: z.enum(['defectCategory', 'asset']),
    total: z.number().int().meta({ description: 'Failed inspections counted' }),
    inspections: z.object({
      looked: z.number().int().meta({ description: 'Inspections in the window under the asset' }),
      failed: z.number().int(),
    }),
    rows: z.array(ParetoRowSchema),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/quality/pareto' },
  audit: false,
  handler: async (input, { services }) => {
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const all = await services.store.listInspections({
      from,
      to,
      limit: MAX_PARETO_INSPECTIONS + 1,
      ...(input.under !== undefined && { assetPrefix: input.under }),
    });
    if (all.length > MAX_PARETO_INSPECTIONS) {
      throw new UserError(
        'invalid_input',
        `more than ${MAX_PARETO_INSPECTIONS} inspections in the window: narrow it (from/to) or the asset (under)`,
      );
    }
    const failed = all.filter((i) => i.result === 'fail');
    const counts = new Map<string, number>();
    for (const i of failed) {
      const key = input.by === 'asset' ? i.asset : (i.defectCategory ?? UNCATEGORISED);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const result = pareto([...counts].map(([category, count]) => ({ category, count })));
    return {
      from,
      to,
      by: input.by,
      total: result.total,
      inspections: { looked: all.length, failed: failed.length },
      rows: input.top === undefined ? result.rows : keepTop(result.rows, result.total, input.top),
    };
  },
});

/** The first `top` rows, and the rest summed into one "Other" row placed last (Minitab's convention). */
function keepTop(rows: readonly ParetoRow[], total: number, top: number): ParetoRow[] {
  if (rows.length <= top) return [...rows];
  const rest = rows.slice(top);
  const count = rest.reduce((s, r) => s + r.count, 0);
  return [
    ...rows.slice(0, top),
    {
      category: 'Other',
      count,
      percent: total > 0 ? (100 * count) / total : 0,
      cumulativePercent: 100,
      categories: rest.map((r) => r.category),
    },
  ];
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Interval = z.object({ lower: z.number(), upper: z.number() });
const PpmSet = z.object({
  belowLsl: z.number().optional(),
  aboveUsl: z.number().optional(),
  total: z.number(),
});

/** The engine's CapabilityResult (capability.ts); indices that need a limit that was not given are absent. */
export const CapabilityResultSchema = z.object({
  n: z.number().int(),
  mean: z.number(),
  sigmaWithin: z.number(),
  sigmaOverall: z.number().meta({ description: 'Overall standard deviation, n − 1 degrees of freedom' }),
  sigmaWithinSource: z.enum(['given', 'moving-range', 'pooled']),
  cp: z.number().optional(),
  cpu: z.number().optional(),
  cpl: z.number().optional(),
  cpk: z.number(),
  pp: z.number().optional(),
  ppu: z.number().optional(),
  ppl: z.number().optional(),
  ppk: z.number(),
  cpm: z.number().optional(),
  confidence: z.number(),
  cpInterval: Interval.optional(),
  cpkInterval: Interval,
  ppInterval: Interval.optional(),
  ppkInterval: Interval,
  expectedPpmWithin: PpmSet,
  expectedPpmOverall: PpmSet,
  observedPpm: PpmSet,
  normality: z
    .object({ n: z.number().int(), a2: z.number(), a2Adjusted: z.number(), pValue: z.number() })
    .optional()
    .meta({ description: 'Anderson–Darling test; absent below 8 values' }),
  warnings: z.array(z.string()),
});

/** Spec limits and engine options; GET query strings arrive as text, so numbers coerce. */
const capabilityOptions = (number: z.ZodType<number, unknown>) => ({
  lsl: number.optional().meta({ description: 'Lower specification limit' }),
  usl: number.optional().meta({ description: 'Upper specification limit' }),
  target: number.optional().meta({ description: 'Target (nominal); Cpm needs it and both limits' }),
  sigmaWithin: z.coerce
    .number()
    .positive()
    .optional()
    .meta({ description: 'σ within from the control chart (R̄/d₂, s̄/c₄, M̄R/d₂); estimated when absent' }),
  subgroupSize: PositiveInt(1000).optional().meta({
    description: 'Values form consecutive subgroups of this size (pooled σ within); 1: moving range',
  }),
  confidence: z.coerce
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .meta({ description: 'Confidence level of the intervals (0.95)' }),
  inControl: z
    .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean())
    .optional()
    .meta({ description: 'Whether the control chart shows the process in control; false adds a warning' }),
});

type CapabilityArgs = {
  lsl?: number | undefined;
  usl?: number | undefined;
  target?: number | undefined;
  sigmaWithin?: number | undefined;
  subgroupSize?: number | undefined;
  confidence?: number | undefined;
  inControl?: boolean | undefined;
};

function runCapability(values: readonly number[], args: CapabilityArgs): CapabilityResult {
  return capability(
    values,
    {
      ...(args.lsl !== undefined && { lsl: args.lsl }),
      ...(args.usl !== undefined && { usl: args.usl }),
      ...(args.target !== undefined && { target: args.target }),
    },
    {
      ...(args.sigmaWithin !== undefined && { sigmaWithin: args.sigmaWithin }),
      ...(args.subgroupSize !== undefined && { subgroupSize: args.subgroupSize }),
      ...(args.confidence !== undefined && { confidence: args.confidence }),
      ...(args.inControl !== undefined && { inControl: args.inControl }),
    },
  );
}

export const spcCapability = defineOperation({
  name: 'spc.capability',
  readOnly: true,
  description:
    'Process capability of values against spec limits: Cp, Cpk, Pp, Ppk, Cpm with confidence intervals, expected ' +
    'and observed PPM, Anderson–Darling normality and warnings (Montgomery ch. 8).',
  input: z.object({ values: z.array(finite).min(2).max(1_000_000), ...capabilityOptions(finite) }),
  output: CapabilityResultSchema,
  permission: 'viewer',
  http: { method: 'POST', path: '/spc/capability' },
  audit: false,
  handler: ({ values, ...args }) => Promise.resolve(runCapability(values, args)),
});

/** The spec limits a study uses: the ones given, else the tag's. */
function specOf(
  given: { lsl?: number | undefined; usl?: number | undefined; target?: number | undefined },
  tag: Pick<Tag, 'path' | 'spec'>,
) {
  const spec = {
    lsl: given.lsl ?? tag.spec?.lsl,
    usl: given.usl ?? tag.spec?.usl,
    target: given.target ?? tag.spec?.target,
  };
  if (spec.lsl === undefined && spec.usl === undefined) {
    throw new UserError(
      'invalid_input',
      `tag ${tag.path} has no specification limits: give lsl and/or usl (or set the tag's spec)`,
    );
  }
  return spec;
}

async function readGoodValues(services: AppServices, tagId: number, from: number, to: number) {
  const rows = await services.store.readRaw({ tagId, from, to, limit: MAX_CAPABILITY_SAMPLES + 1 });
  if (rows.length > MAX_CAPABILITY_SAMPLES) {
    throw new UserError(
      'invalid_input',
      `more than ${MAX_CAPABILITY_SAMPLES} samples in the window: narrow it (from/to)`,
    );
  }
  const values: number[] = [];
  let uncertain = 0;
  let bad = 0;
  for (const r of rows) {
    if (r.quality === 'good') values.push(r.value);
    else if (r.quality === 'uncertain') uncertain++;
    else bad++;
  }
  return { values, read: rows.length, uncertain, bad };
}

export const qualityCapability = defineOperation({
  name: 'quality.capability',
  description:
    "Process capability of a tag's stored samples in a time window, against the tag's spec limits unless others " +
    'are given. Only good samples count: bad and uncertain ones are left out, and the answer says how many.',
  input: z.object({
    tag: TagPath,
    from: TimeArg.default('now-24h'),
    to: TimeArg.default('now'),
    ...capabilityOptions(z.coerce.number().refine(Number.isFinite, 'must be a finite number')),
  }),
  output: z.object({
    tag: TagPath,
    from: EpochMs,
    to: EpochMs,
    spec: z.object({ lsl: z.number().optional(), usl: z.number().optional(), target: z.number().optional() }),
    samples: z.object({
      read: z.number().int().meta({ description: 'Samples in the window' }),
      used: z.number().int().meta({ description: 'Good samples, the ones the study uses' }),
      leftOutUncertain: z.number().int(),
      leftOutBad: z.number().int(),
    }),
    capability: CapabilityResultSchema,
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/quality/capability' },
  audit: false,
  handler: async (input, { services }) => {
    const tag = services.tags.require(input.tag);
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const spec = specOf(input, tag);
    const { values, read, uncertain, bad } = await readGoodValues(services, tag.id, from, to);
    if (values.length < 2) {
      throw new UserError(
        'invalid_input',
        `${tag.path} has ${values.length} good samples in the window (${read} in all): capability needs at least 2`,
      );
    }
    return {
      tag: tag.path,
      from,
      to,
      spec,
      samples: { read, used: values.length, leftOutUncertain: uncertain, leftOutBad: bad },
      capability: runCapability(values, { ...input, ...spec }),
    };
  },
});
