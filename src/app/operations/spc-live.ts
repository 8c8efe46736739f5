/** Live SPC operations: attach a control chart to a tag, list charts with their active alarms, read plotted points. */
import { z } from 'zod';
import { imrChart, phaseOneRevise, xbarRChart, xbarSChart } from '../../analytics/quality/variables.js';
import {
  ALARM_SEVERITIES,
  EpochMs,
  LIVE_CHART_TYPES,
  MAX_LIVE_SUBGROUP,
  PlantEvent,
  QUALITY_CODE,
  RuleSettings,
  SpcChartConfig,
  SpcChartId,
  SpcPoint,
  TagPath,
  UserError,
  parseDurationMs,
  type FrozenChartLimits,
  type SubgroupPolicy,
} from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import type { AppServices } from '../services.js';
import { Subgrouper } from '../spc/subgroups.js';
import { PositiveInt, TimeArg, resolveWindow } from './common.js';

/** Montgomery (7th ed. §6.2.1) advises 20–25 subgroups for trial limits; fewer give too uncertain a σ. */
const MIN_PHASE_ONE_SUBGROUPS = 20;
/** Samples read for a phase I estimate. */
const MAX_PHASE_ONE_SAMPLES = 1_000_000;

const ActiveAlarm = z.object({
  code: z.string(),
  rule: z.string(),
  statistic: z.string(),
  description: z.string(),
  severity: z.enum(ALARM_SEVERITIES),
  since: EpochMs,
});

const ChartStatus = z.object({
  subgroups: z.number().int().meta({ description: 'Subgroups evaluated since the chart was loaded' }),
  lastSubgroupTs: EpochMs.optional(),
  pending: z.number().int().meta({ description: 'Samples in the open subgroup' }),
  skipped: z.object({ bad: z.number(), late: z.number(), dropped: z.number() }),
  activeAlarms: z.array(ActiveAlarm),
});

export const listSpcCharts = defineOperation({
  name: 'spc.charts.list',
  description:
    'Live control charts attached to tags, each with its settings, frozen limits and active alarms.',
  input: z.object({}),
  output: z.object({ charts: z.array(z.object({ config: SpcChartConfig, status: ChartStatus })) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/spc/charts' },
  audit: false,
  handler: async (_input, { services }) => {
    const configs = await services.store.listSpcCharts();
    return {
      charts: configs.map((config) => ({
        config,
        status: services.spc.status(config.id) ?? {
          subgroups: 0,
          pending: 0,
          skipped: { bad: 0, late: 0, dropped: 0 },
          activeAlarms: [],
        },
      })),
    };
  },
});

const CreateInput = z.object({
  id: SpcChartId,
  tag: TagPath,
  type: z.enum(LIVE_CHART_TYPES),
  subgroupSize: z.coerce.number().int().min(2).max(MAX_LIVE_SUBGROUP).optional().meta({
    description: 'X̄ charts: samples per subgroup, in arrival order (default 5 unless subgroupWindow)',
  }),
  subgroupWindow: z
    .string()
    .optional()
    .meta({ description: 'X̄ charts: subgroups are the samples of each window instead, e.g. "1m", "15m"' }),
  minSize: z.coerce.number().int().min(2).max(MAX_LIVE_SUBGROUP).optional().meta({
    description: 'With subgroupWindow: windows with fewer good samples are skipped (default 2)',
  }),
  center: z.coerce.number().optional().meta({ description: 'Given centre line (a standard); with sigma' }),
  sigma: z.coerce.number().positive().optional().meta({ description: 'Given process σ (within subgroups)' }),
  limitsFrom: TimeArg.optional().meta({
    description: 'Or estimate centre and σ in phase I from the tag’s history from this time (e.g. now-8h)',
  }),
  limitsTo: TimeArg.optional().meta({ description: 'End of the phase I window (default now)' }),
  revise: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(true)
    .meta({
      description: 'Phase I: drop subgroups beyond the limits and re-estimate until none is (default true)',
    }),
  nsigmas: z.coerce.number().positive().max(6).default(3),
  rules: z
    .enum(['nelson', 'western-electric'])
    .optional()
    .meta({ description: 'Rule preset (default nelson)' }),
  tests: RuleSettings.shape.tests.meta({ description: 'Per-test settings, e.g. {"7":{"enabled":false}}' }),
  severity: z.enum(ALARM_SEVERITIES).default('medium'),
  clearAfter: z.coerce.number().int().min(1).max(1000).optional(),
  description: z.string().max(500).optional(),
});

function subgroupPolicy(input: z.infer<typeof CreateInput>): SubgroupPolicy {
  if (input.type === 'i-mr') {
    if (input.subgroupSize !== undefined || input.subgroupWindow !== undefined) {
      throw new UserError(
        'invalid_input',
        'an I-MR chart plots every sample; give no subgroupSize or subgroupWindow',
      );
    }
    return { by: 'count', size: 1 };
  }
  if (input.subgroupWindow !== undefined) {
    if (input.subgroupSize !== undefined) {
      throw new UserError('invalid_input', 'give either subgroupSize or subgroupWindow, not both');
    }
    return { by: 'time', windowMs: parseDurationMs(input.subgroupWindow), minSize: input.minSize ?? 2 };
  }
  return { by: 'count', size: input.subgroupSize ?? 5 };
}

/** Phase I from stored samples: subgroups as the live chart would form them, limits revised (Montgomery §6.2.1). */
async function estimateLimits(
  services: AppServices,
  input: z.infer<typeof CreateInput>,
  policy: SubgroupPolicy,
  tagId: number,
): Promise<FrozenChartLimits> {
  const now = services.clock.now();
  const { from, to } = resolveWindow(input.limitsFrom ?? 'now-8h', input.limitsTo ?? 'now', now);
  const samples = await services.store.readRaw({ tagId, from, to, limit: MAX_PHASE_ONE_SAMPLES });
  const grouper = new Subgrouper(policy);
  const groups: number[][] = [];
  for (const s of samples) {
    const g = grouper.add(s.ts, s.value, QUALITY_CODE[s.quality]);
    if (g) groups.push([...g.values]);
  }
  const last = grouper.flush();
  if (last) groups.push([...last.values]);
  if (groups.length < MIN_PHASE_ONE_SUBGROUPS) {
    throw new UserError(
      'invalid_input',
      `phase I needs at least ${MIN_PHASE_ONE_SUBGROUPS} subgroups; ${input.tag} has ${groups.length} between ` +
        `${new Date(from).toISOString()} and ${new Date(to).toISOString()} (widen limitsFrom, or give center and sigma)`,
    );
  }
  const nsigmas = input.nsigmas;
  let center: number;
  let sigma: number;
  let excluded: number;
  if (policy.by === 'count' && policy.size === 1) {
    const values = groups.map((g) => g[0] ?? Number.NaN);
    const steps = phaseOneRevise((exclude) => imrChart(values, { exclude, nsigmas }), {
      ...(input.revise ? {} : { maxIterations: 0 }),
    });
    const final = steps.at(-1);
    center = final?.charts.i.center ?? NaN;
    sigma = final?.charts.i.sigma ?? NaN;
    excluded = final?.exclude.length ?? 0;
  } else {
    // Each revision step builds the pair once: the X̄ chart and the R (or S) chart beside it.
    const build = (exclude: readonly number[]) => {
      if (input.type === 'xbar-s') {
        const { xbar, s } = xbarSChart(groups, { exclude, nsigmas });
        return { xbar, spread: s };
      }
      const { xbar, r } = xbarRChart(groups, { exclude, nsigmas });
      return { xbar, spread: r };
    };
    const steps = phaseOneRevise(build, { ...(input.revise ? {} : { maxIterations: 0 }) });
    const final = steps.at(-1);
    center = final?.charts.xbar.center ?? NaN;
    sigma = final?.charts.xbar.sigma ?? NaN;
    excluded = final?.exclude.length ?? 0;
  }
  return {
    center,
    sigma,
    nsigmas,
    source: 'phase-one',
    estimatedFrom: { from, to, subgroups: groups.length, excluded },
  };
}

export const createSpcChart = defineOperation({
  name: 'spc.charts.create',
  description:
    'Attach a live control chart (X̄-R, X̄-S or I-MR) to a tag: subgroups by count or time window, limits given ' +
    '(center, sigma) or estimated in phase I from the tag’s history, Nelson or Western Electric rules. Each new ' +
    'subgroup is evaluated as it arrives; rules that fire raise alarm events, which clear after clearAfter quiet subgroups.',
  input: CreateInput,
  output: z.object({ chart: SpcChartConfig }),
  permission: 'engineer',
  http: { method: 'POST', path: '/spc/charts' },
  audit: true,
  handler: async (input, { services }) => {
    const tag = services.tags.require(input.tag);
    if (tag.dataType !== 'float' && tag.dataType !== 'integer') {
      throw new UserError(
        'invalid_input',
        `${tag.path} is a ${tag.dataType} tag; control charts need measured values`,
      );
    }
    const policy = subgroupPolicy(input);
    const given = input.center !== undefined || input.sigma !== undefined;
    if (given && input.limitsFrom !== undefined) {
      throw new UserError('invalid_input', 'give either center and sigma, or limitsFrom, not both');
    }
    if (given && (input.center === undefined || input.sigma === undefined)) {
      throw new UserError('invalid_input', 'given limits need both center and sigma');
    }
    const limits: FrozenChartLimits =
      input.center !== undefined && input.sigma !== undefined
        ? { center: input.center, sigma: input.sigma, nsigmas: input.nsigmas, source: 'given' }
        : await estimateLimits(services, input, policy, tag.id);
    const rules = {
      ...(input.rules !== undefined && { preset: input.rules }),
      ...(input.tests !== undefined && { tests: input.tests }),
    };
    const config = SpcChartConfig.parse({
      id: input.id,
      tag: tag.path,
      type: input.type,
      subgroup: policy,
      limits,
      rules,
      severity: input.severity,
      ...(input.clearAfter !== undefined && { clearAfter: input.clearAfter }),
      ...(input.description !== undefined && { description: input.description }),
      createdAt: services.clock.now(),
    });
    // Rule settings are checked (unknown tests, bad K) before anything is stored.
    services.spc.check(config);
    await services.store.createSpcChart(config);
    await services.spc.attach(config);
    return { chart: config };
  },
});

export const removeSpcChart = defineOperation({
  name: 'spc.charts.remove',
  description:
    'Detach a live control chart and delete its plotted points (its alarm events stay in the event log).',
  input: z.object({ id: SpcChartId }),
  output: z.object({ removed: z.boolean() }),
  permission: 'engineer',
  http: { method: 'POST', path: '/spc/charts/remove' },
  audit: true,
  handler: async ({ id }, { services }) => {
    services.spc.detach(id);
    const removed = await services.store.deleteSpcChart(id);
    if (!removed) throw new UserError('not_found', `no SPC chart "${id}"`);
    return { removed };
  },
});

export const readSpcPoints = defineOperation({
  name: 'spc.charts.points',
  description:
    'The plotted subgroups of a live chart in a time window (each with its limits and the rules that fired), and ' +
    'the chart’s alarm events in that window, oldest first.',
  input: z.object({
    id: SpcChartId,
    from: TimeArg.default('now-8h'),
    to: TimeArg.default('now'),
    limit: PositiveInt(100_000).default(5000).meta({ description: 'At most this many points (the newest)' }),
  }),
  output: z.object({
    chart: SpcChartConfig,
    statistics: z.object({ level: z.string(), dispersion: z.string() }),
    points: z.array(SpcPoint),
    alarms: z.array(PlantEvent),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/spc/charts/points' },
  audit: false,
  handler: async (input, { services }) => {
    const chart = (await services.store.listSpcCharts()).find((c) => c.id === input.id);
    if (!chart) throw new UserError('not_found', `no SPC chart "${input.id}"`);
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const tag = services.tags.require(chart.tag);
    const [points, events] = await Promise.all([
      services.store.listSpcPoints({ chart: chart.id, from, to, limit: input.limit }),
      services.store.listEvents({ from, to, assetPrefix: tag.asset, kinds: ['alarm'], limit: 10_000 }),
    ]);
    const alarms = events.filter((e) => e.kind === 'alarm' && e.data?.['chart'] === chart.id).reverse();
    const statistics =
      chart.type === 'i-mr'
        ? { level: 'i', dispersion: 'mr' }
        : { level: 'xbar', dispersion: chart.type === 'xbar-r' ? 'r' : 's' };
    return { chart, statistics, points, alarms };
  },
});
