/**
 * OEE configuration of a machine: its ideal cycle time, the part counter it is measured by, where its rejects come
 * from, and the minor-stop and startup settings of the OEE library (src/analytics/process/oee*.ts). Machine states
 * always come from the asset's `machine_state` events (src/domain/event.ts).
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { TagPath } from './tag.js';

/** Tag name of the part counter a machine is measured by when the configuration names none. */
export const OEE_DEFAULT_COUNTER_TAG = 'cycle_count';
/** Reject tags per machine at most. */
export const MAX_OEE_REJECT_TAGS = 20;

const fields = {
  asset: AssetPath.meta({ description: 'The machine (an equipment asset)' }),
  idealCycleTimeS: z
    .number()
    .positive()
    .max(86_400)
    .refine(Number.isFinite, 'must be a finite number')
    .meta({
      description:
        'Ideal cycle time per part in seconds: the rate the machine is rated for (ISO 22400-2 planned runtime per ' +
        'unit), not the rate it usually runs at, so running slower shows as a reduced-speed loss',
    }),
  stateSource: z.enum(['events']).default('events').meta({
    description: 'Where machine states come from: the asset’s machine_state events (with reason codes)',
  }),
  rejectTags: z
    .array(TagPath)
    .max(MAX_OEE_REJECT_TAGS)
    .default([])
    .meta({
      description:
        'Per-part measurement tags with spec limits: each sample outside [lsl, usl] is one reject (bad-quality ' +
        'samples are not counted: a failed gauge reading says nothing about the part)',
    }),
  countFailedInspections: z
    .boolean()
    .default(true)
    .meta({ description: 'Each failed inspection record at the machine (or below it) is one reject' }),
  minorStopMaxS: z.number().min(0).max(86_400).default(300).meta({
    description:
      'Idle episodes shorter than this are minor stops (a performance loss); longer ones are waiting (availability)',
  }),
  startupS: z.number().min(0).max(86_400).default(0).meta({
    description:
      'Rejects within this long after a setup or breakdown ends are startup rejects (reduced yield); 0: none',
  }),
};

/** What `oee.machines.configure` takes: the counter tag defaults to `<asset>/cycle_count`. */
export const OeeMachineConfigInput = z.object({
  ...fields,
  counterTag: TagPath.optional().meta({
    description: 'Cumulative part counter (good + rejected parts); default <asset>/cycle_count',
  }),
});
export type OeeMachineConfigInput = z.input<typeof OeeMachineConfigInput>;

/** A stored OEE configuration. */
export const OeeMachineConfig = z.object({
  ...fields,
  counterTag: TagPath.meta({ description: 'Cumulative part counter (good + rejected parts)' }),
  updatedAt: z.number().int().optional(),
  updatedBy: z.string().optional(),
});
export type OeeMachineConfig = z.infer<typeof OeeMachineConfig>;

/** A parsed configuration input with its defaults filled in. */
export function resolveOeeMachineConfig(
  input: z.output<typeof OeeMachineConfigInput>,
  stamp: { updatedAt?: number; updatedBy?: string } = {},
): OeeMachineConfig {
  return {
    ...input,
    counterTag: input.counterTag ?? `${input.asset}/${OEE_DEFAULT_COUNTER_TAG}`,
    ...stamp,
  };
}
