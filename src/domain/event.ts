/** Events: alarms and machine states (with reason codes) tied to an asset, and optionally a tag. */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { EpochMs } from './sample.js';
import { TagPath } from './tag.js';

export const ALARM_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** Machine states in the spirit of ISO 22400-2 time model: running, idle, setup, planned/unplanned stop, off. */
export const MACHINE_STATES = ['running', 'idle', 'setup', 'planned_stop', 'down', 'off'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

const EventCommon = {
  ts: z.union([EpochMs, z.iso.datetime({ offset: true })]),
  asset: AssetPath,
  tag: TagPath.optional(),
  message: z.string().max(2000).optional(),
  /** Free attributes: values, limits, the rule that fired. */
  data: z.record(z.string(), z.unknown()).optional(),
};

export const AlarmEventInput = z.object({
  kind: z.literal('alarm'),
  ...EventCommon,
  code: z.string().min(1).max(100).meta({ description: 'What raised the alarm, e.g. "spc.nelson.1"' }),
  severity: z.enum(ALARM_SEVERITIES),
  state: z.enum(['raised', 'cleared']),
});

export type AlarmEventInput = z.input<typeof AlarmEventInput>;

export const MachineStateEventInput = z.object({
  kind: z.literal('machine_state'),
  ...EventCommon,
  state: z.enum(MACHINE_STATES),
  reason: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'Reason code, e.g. "tool_change", "bearing_overheat"' }),
});

export const NoteEventInput = z.object({
  kind: z.literal('note'),
  ...EventCommon,
});

export const EventInput = z.discriminatedUnion('kind', [
  AlarmEventInput,
  MachineStateEventInput,
  NoteEventInput,
]);
export type EventInput = z.input<typeof EventInput>;

const Stored = { id: z.string(), ts: EpochMs };
export const PlantEvent = z.discriminatedUnion('kind', [
  AlarmEventInput.extend(Stored),
  MachineStateEventInput.extend(Stored),
  NoteEventInput.extend(Stored),
]);
export type PlantEvent = z.infer<typeof PlantEvent>;
export type EventKind = PlantEvent['kind'];
export const EVENT_KINDS = ['alarm', 'machine_state', 'note'] as const satisfies readonly EventKind[];
