/** SPC operations: build a control chart from data, with run rules. */
import { z } from 'zod';
import { buildChart } from '../../analytics/quality/chart.js';
import { SIGMA_ESTIMATORS } from '../../analytics/quality/variables.js';
import { defineOperation } from '../operation.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const series = z.array(finite).min(2).max(1_000_000);
const TestSetting = z.object({ enabled: z.boolean(), k: z.number().int().positive().optional() });
const Common = {
  nsigmas: z.number().positive().max(6).optional().meta({ description: 'Width of the limits in σ (3)' }),
  phaseOne: z
    .number()
    .int()
    .min(2)
    .optional()
    .meta({ description: 'The first N subgroups estimate the limits; the rest are monitored against them' }),
  exclude: z
    .array(z.number().int().nonnegative())
    .optional()
    .meta({ description: 'Phase I subgroups left out of the estimates' }),
  rules: z
    .object({
      preset: z.enum(['nelson', 'western-electric']).optional(),
      tests: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7', '8']), TestSetting).optional(),
    })
    .optional()
    .meta({ description: 'Run rules: Nelson (default) or Western Electric, each test on/off with its K' }),
};

export const ChartRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['xbar-r', 'xbar-s']),
    subgroups: z.array(z.array(finite).min(2)).min(2),
    sigmaEstimator: z.enum(SIGMA_ESTIMATORS).optional(),
    ...Common,
  }),
  z.object({ type: z.literal('i-mr'), values: series, ...Common }),
  z.object({ type: z.literal('p'), counts: series, sizes: series, ...Common }),
  z.object({ type: z.literal('np'), counts: series, size: z.number().int().positive(), ...Common }),
  z.object({ type: z.literal('c'), counts: series, ...Common }),
  z.object({ type: z.literal('u'), counts: series, units: series, ...Common }),
  z.object({
    type: z.literal('ewma'),
    values: series,
    lambda: z.number().gt(0).max(1).optional(),
    L: z.number().positive().optional(),
    target: finite.optional(),
    sigma: z.number().positive().optional(),
  }),
  z.object({
    type: z.literal('cusum'),
    values: series,
    target: finite,
    sigma: z.number().positive(),
    k: z.number().positive().optional(),
    h: z.number().positive().optional(),
  }),
]);

export const spcChart = defineOperation({
  name: 'spc.chart',
  readOnly: true,
  description:
    'Build a control chart (X̄-R, X̄-S, I-MR, p, np, c, u, EWMA, CUSUM) from data: centre line, limits, σ, and every run rule that fired, per point.',
  input: ChartRequestSchema,
  output: z.object({
    type: z.string(),
    charts: z.array(z.record(z.string(), z.unknown())),
    findings: z.array(
      z.object({
        chart: z.number(),
        statistic: z.string(),
        index: z.number(),
        value: z.number(),
        rule: z.string(),
        description: z.string(),
      }),
    ),
  }),
  permission: 'viewer',
  http: { method: 'POST', path: '/spc/chart' },
  audit: false,
  handler: (input) => Promise.resolve(buildChart(input) as never),
});
