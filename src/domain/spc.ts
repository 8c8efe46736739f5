/**
 * Live SPC: a control chart attached to a tag. Samples of the tag are grouped into subgroups (by count or by time
 * window), each subgroup is plotted against frozen limits, and the run rules that fire raise alarms.
 */
import { z } from 'zod';
import { ALARM_SEVERITIES } from './event.js';
import { EpochMs } from './sample.js';
import { TagPath } from './tag.js';

/** Chart types that can run live on a tag's samples (variables charts: one measured value per sample). */
export const LIVE_CHART_TYPES = ['xbar-r', 'xbar-s', 'i-mr'] as const;
export type LiveChartType = (typeof LIVE_CHART_TYPES)[number];

/** Largest subgroup a live chart forms (the engine's constants go to 50; X̄-R is meant for n ≤ 10). */
export const MAX_LIVE_SUBGROUP = 50;

export const SpcChartId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-" and ".", at most 64')
  .meta({ example: 'press1-flange-height' });

const RuleTestSetting = z.object({
  enabled: z.boolean(),
  k: z.number().int().positive().max(100).optional(),
});

/** Which run rules a chart applies: Nelson (default) or Western Electric, each test on/off with its K. */
export const RuleSettings = z.object({
  preset: z.enum(['nelson', 'western-electric']).optional(),
  tests: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7', '8']), RuleTestSetting).optional(),
});
export type RuleSettings = z.infer<typeof RuleSettings>;

export const SubgroupPolicy = z.discriminatedUnion('by', [
  z.object({
    by: z.literal('count'),
    size: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIVE_SUBGROUP)
      .meta({ description: 'Samples per subgroup (1 for I-MR)' }),
  }),
  z.object({
    by: z.literal('time'),
    windowMs: z
      .number()
      .int()
      .min(1000)
      .max(7 * 86_400_000)
      .meta({ description: 'Subgroups are the samples of consecutive windows aligned to the epoch' }),
    minSize: z
      .number()
      .int()
      .min(2)
      .max(MAX_LIVE_SUBGROUP)
      .default(2)
      .meta({ description: 'A window with fewer good samples is skipped' }),
  }),
]);
export type SubgroupPolicy = z.infer<typeof SubgroupPolicy>;

/** Frozen limits: the process centre and within-subgroup σ, given (a standard) or estimated in phase I. */
export const FrozenChartLimits = z.object({
  center: z.number().refine(Number.isFinite, 'must be finite'),
  sigma: z.number().positive().refine(Number.isFinite, 'must be finite'),
  nsigmas: z.number().positive().max(6).default(3),
  source: z.enum(['given', 'phase-one']),
  /** Phase I only: the window the limits were estimated from, and what the revision left out. */
  estimatedFrom: z
    .object({
      from: EpochMs,
      to: EpochMs,
      subgroups: z.number().int().nonnegative(),
      excluded: z.number().int().nonnegative(),
    })
    .optional(),
});
export type FrozenChartLimits = z.infer<typeof FrozenChartLimits>;

export const SpcChartConfig = z
  .object({
    id: SpcChartId,
    tag: TagPath,
    type: z.enum(LIVE_CHART_TYPES),
    subgroup: SubgroupPolicy,
    limits: FrozenChartLimits,
    rules: RuleSettings.default({}),
    severity: z.enum(ALARM_SEVERITIES).default('medium'),
    clearAfter: z.number().int().min(1).max(1000).default(5).meta({
      description: 'An alarm clears after this many subgroups in a row on which its rule does not fire',
    }),
    description: z.string().max(500).optional(),
    createdAt: EpochMs,
  })
  .superRefine((c, ctx) => {
    const single = c.subgroup.by === 'count' && c.subgroup.size === 1;
    if (c.type === 'i-mr' && !single) {
      ctx.addIssue({
        code: 'custom',
        path: ['subgroup'],
        message: 'an I-MR chart takes subgroups of one sample',
      });
    }
    if (c.type !== 'i-mr' && single) {
      ctx.addIssue({
        code: 'custom',
        path: ['subgroup'],
        message: `a ${c.type} chart needs subgroups of 2 or more`,
      });
    }
  });
export type SpcChartConfig = z.infer<typeof SpcChartConfig>;
export type SpcChartConfigInput = z.input<typeof SpcChartConfig>;

/** Alarm code of a run rule on a live chart, e.g. "spc.nelson.1". */
export function spcAlarmCode(rule: string): string {
  return `spc.${rule}`;
}

const Plotted = z.object({
  value: z.number(),
  center: z.number(),
  lcl: z.number(),
  ucl: z.number(),
  violations: z.array(z.object({ rule: z.string(), description: z.string() })),
});

/** One plotted subgroup of a live chart, as it was evaluated (kept, so the chart shown is the one that alarmed). */
export const SpcPoint = z.object({
  chart: SpcChartId,
  /** Time of the subgroup's last sample. */
  ts: EpochMs,
  /** Time of its first sample. */
  start: EpochMs,
  n: z.number().int().positive(),
  /** 'uncertain' when a sample of the subgroup was uncertain, or a bad one was left out. */
  quality: z.enum(['good', 'uncertain']),
  level: Plotted,
  /** Absent on the first point of an I-MR chart. */
  dispersion: Plotted.optional(),
});
export type SpcPoint = z.infer<typeof SpcPoint>;
