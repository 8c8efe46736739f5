/**
 * OEE operations: which machines are measured and how (ideal cycle time, part counter, reject sources), the OEE of
 * a machine or everything under a line, area or site over any window from stored data (by shift or day), and the
 * current shift's OEE as the live stream processor keeps it.
 */
import { z } from 'zod';
import {
  AssetPath,
  OeeMachineConfig,
  OeeMachineConfigInput,
  UserError,
  resolveOeeMachineConfig,
} from '../../domain/index.js';
import { type OperationContext, defineOperation } from '../operation.js';
import {
  OeeReportSchema,
  buildReport,
  loadMachineInputs,
  machinesUnder,
  reportPeriods,
} from '../process/oee-report.js';
import { TimeArg, resolveWindow } from './common.js';

/** Checks a configuration against the plant model; UserError when it could not be measured. */
async function validated(
  input: z.output<typeof OeeMachineConfigInput>,
  { services, principal }: OperationContext,
): Promise<OeeMachineConfig> {
  const asset = await services.store.getAsset(input.asset);
  if (!asset) {
    throw new UserError('not_found', `no asset "${input.asset}"`, { details: { asset: input.asset } });
  }
  const config = resolveOeeMachineConfig(input, {
    updatedAt: services.clock.now(),
    updatedBy: principal.name,
  });
  const counter = services.tags.byPath(config.counterTag);
  if (!counter) {
    throw new UserError(
      'not_found',
      `no counter tag "${config.counterTag}"; give counterTag (a cumulative part counter of ${input.asset})`,
      { details: { tag: config.counterTag } },
    );
  }
  if (counter.dataType === 'boolean' || counter.dataType === 'state') {
    throw new UserError(
      'invalid_input',
      `counterTag "${config.counterTag}" is a ${counter.dataType} tag, not a part counter`,
    );
  }
  for (const path of config.rejectTags) {
    const tag = services.tags.byPath(path);
    if (!tag) throw new UserError('not_found', `no reject tag "${path}"`, { details: { tag: path } });
    if (tag.spec?.lsl === undefined && tag.spec?.usl === undefined) {
      throw new UserError(
        'invalid_input',
        `reject tag "${path}" has no spec limits (lsl/usl): nothing could count as out of spec`,
        { details: { tag: path } },
      );
    }
  }
  return config;
}

export const configureOeeMachine = defineOperation({
  name: 'oee.machines.configure',
  description:
    'Measure a machine’s OEE (or change how): its ideal cycle time (the rated rate), its cumulative part counter ' +
    '(default <asset>/cycle_count), reject tags (a part measured outside its spec limits is one reject), whether ' +
    'failed inspections count as rejects, and the minor-stop and startup thresholds. States come from the ' +
    'machine’s machine_state events. The live OEE restarts for it from the stored data of the current shift.',
  input: OeeMachineConfigInput,
  output: z.object({ machine: OeeMachineConfig }),
  permission: 'engineer',
  http: { method: 'POST', path: '/oee/machines' },
  audit: true,
  handler: async (input, ctx) => {
    const config = await validated(input, ctx);
    await ctx.services.store.putOeeMachine(config);
    await ctx.services.oee.attach(config);
    return { machine: config };
  },
  preview: async (input, ctx) => {
    const config = await validated(input, ctx);
    const existing = await ctx.services.store.getOeeMachine(config.asset);
    return {
      summary:
        `${existing ? 'Change' : 'Start'} OEE of ${config.asset}: ideal cycle ${config.idealCycleTimeS} s, ` +
        `counter ${config.counterTag}` +
        (config.rejectTags.length > 0 ? `, rejects from ${config.rejectTags.join(', ')}` : ''),
      preview: { machine: config, ...(existing && { replaces: existing }) },
    };
  },
});

export const listOeeMachines = defineOperation({
  name: 'oee.machines.list',
  description: 'Machines whose OEE is measured, with their ideal cycle time, counter and reject sources.',
  input: z.object({ under: AssetPath.optional() }),
  output: z.object({ machines: z.array(OeeMachineConfig) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/oee/machines' },
  audit: false,
  handler: async ({ under }, { services }) => {
    const machines = await services.store.listOeeMachines();
    return {
      machines:
        under === undefined
          ? machines
          : machines.filter((m) => m.asset === under || m.asset.startsWith(`${under}/`)),
    };
  },
});

export const removeOeeMachine = defineOperation({
  name: 'oee.machines.remove',
  description: 'Stop measuring a machine’s OEE (its states, counts and rejects stay stored).',
  input: z.object({ asset: AssetPath }),
  output: z.object({ removed: z.boolean() }),
  permission: 'engineer',
  http: { method: 'POST', path: '/oee/machines/remove' },
  audit: true,
  handler: async ({ asset }, { services }) => {
    services.oee.detach(asset);
    const removed = await services.store.deleteOeeMachine(asset);
    if (!removed) throw new UserError('not_found', `no OEE configuration for "${asset}"`);
    return { removed };
  },
});

const UtcOffset = z.coerce
  .number()
  .int()
  .min(-14 * 60)
  .max(14 * 60)
  .meta({ description: 'Local time of the shift calendar = UTC + this many minutes (e.g. 60 for CET)' });

export const oeeReport = defineOperation({
  name: 'oee.report',
  description:
    'OEE of a machine, or of every configured machine under a line, area or site, over a window from stored data: ' +
    'availability, performance (ISO 22400-2 calls it effectiveness), quality and OEE, the six big losses as a ' +
    'waterfall from planned busy time to valuable operating time, and the longest stop reasons; optionally per ' +
    'shift (early 06–14, late 14–22, night 22–06 local) or per day. Machines are combined by adding times and ' +
    'counts, never by averaging percentages.',
  input: z.object({
    asset: AssetPath.meta({
      description: 'A machine, or a line, area or site: all configured machines under it',
    }),
    from: TimeArg.default('now-8h'),
    to: TimeArg.default('now'),
    by: z.enum(['none', 'shift', 'day']).default('none'),
    utcOffsetMinutes: UtcOffset.optional().meta({
      description:
        'Local time of the shift calendar = UTC + this; default the plant’s (GEMBA_SHIFT_UTC_OFFSET_MINUTES)',
    }),
  }),
  output: OeeReportSchema,
  permission: 'viewer',
  http: { method: 'GET', path: '/oee/report' },
  audit: false,
  handler: async (input, { services }) => {
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now());
    const window = { start: from, end: to };
    const machines = await machinesUnder(services.store, input.asset);
    const withInputs = await Promise.all(
      machines.map(async (m) => ({
        ...m,
        inputs: await loadMachineInputs(services, m.config, window),
      })),
    );
    return buildReport({
      scope: input.asset,
      window,
      machines: withInputs,
      periods: reportPeriods(window, input.by, input.utcOffsetMinutes ?? services.oee.utcOffsetMinutes),
    });
  },
});

export const oeeLive = defineOperation({
  name: 'oee.live',
  description:
    'OEE of the current shift so far (a machine, or every configured machine under a line, area or site), as the ' +
    'live stream processor keeps it: the same figures as oee.report over the shift, plus the shift and the time ' +
    'they are up to.',
  input: z.object({
    asset: AssetPath.meta({
      description: 'A machine, or a line, area or site: all configured machines under it',
    }),
  }),
  output: OeeReportSchema.extend({
    shift: z.object({ label: z.string(), start: z.number(), end: z.number() }),
    updatedAt: z.number(),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/oee/live' },
  audit: false,
  handler: async ({ asset }, { services }) => {
    if (!(await services.store.getAsset(asset))) throw new UserError('not_found', `no asset "${asset}"`);
    // Inspections are recorded by an operation, not streamed: take the shift's failed ones before answering.
    await services.oee.refreshInspections(asset);
    return services.oee.report(asset);
  },
});

export const OEE_OPERATIONS = [
  configureOeeMachine,
  listOeeMachines,
  removeOeeMachine,
  oeeReport,
  oeeLive,
] as const;
