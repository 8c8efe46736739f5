/**
 * Writing setpoints to the plant: checked against the tag's limits, recorded as a note event at the asset (so it
 * shows in the event log), audited, and handed to the connected SetpointWriter — never pretended without one. A
 * change, so the assistant and `process.optimize` only ever propose it; an engineer approves.
 */
import { z } from 'zod';
import { type Tag, TagPath, UserError, splitTagPath } from '../../domain/index.js';
import { type OperationContext, type OperationPreview, defineOperation } from '../operation.js';

const Change = z.object({
  tag: TagPath,
  value: z.coerce.number().refine(Number.isFinite, 'must be a finite number'),
});

const Written = z.object({
  tag: z.string(),
  previous: z.number().nullable(),
  value: z.number(),
  writer: z.string(),
  eventId: z.string().optional(),
});

interface CheckedChange {
  readonly tag: Tag;
  readonly value: number;
  readonly previous: number | null;
}

/** The changes checked: tags exist, are numeric, values within their limits; the current value of each. */
async function check(
  changes: readonly z.output<typeof Change>[],
  { services }: Pick<OperationContext, 'services'>,
): Promise<CheckedChange[]> {
  if (new Set(changes.map((c) => c.tag)).size !== changes.length)
    throw new UserError('invalid_input', 'changes: each tag at most once');
  const checked = changes.map((c) => {
    const tag = services.tags.byPath(c.tag);
    if (!tag) throw new UserError('not_found', `no tag ${c.tag}`, { details: { tag: c.tag } });
    if (tag.dataType !== 'float' && tag.dataType !== 'integer')
      throw new UserError('invalid_input', `${c.tag} is a ${tag.dataType} tag, not a numeric setpoint`);
    if (tag.dataType === 'integer' && !Number.isInteger(c.value))
      throw new UserError('invalid_input', `${c.tag} takes whole numbers, not ${c.value}`);
    const { lsl, usl } = tag.spec ?? {};
    if ((lsl !== undefined && c.value < lsl) || (usl !== undefined && c.value > usl)) {
      throw new UserError(
        'invalid_input',
        `${c.value} is outside the limits of ${c.tag} (${lsl ?? '−∞'} … ${usl ?? '+∞'}${tag.unit ? ` ${tag.unit}` : ''})`,
        { details: { tag: c.tag, value: c.value, lsl, usl } },
      );
    }
    return { tag, value: c.value };
  });
  const latest = await services.store.latest(checked.map((c) => c.tag.id));
  return checked.map((c) => ({ ...c, previous: latest.find((s) => s.tagId === c.tag.id)?.value ?? null }));
}

async function write(
  input: { changes: readonly z.output<typeof Change>[]; reason?: string | undefined },
  ctx: OperationContext,
): Promise<z.input<typeof Written>[]> {
  const { services, principal } = ctx;
  const checked = await check(input.changes, ctx);
  const writers = checked.map((c) => {
    const writer = services.setpoints?.writerFor(c.tag.path);
    if (!writer)
      throw new UserError(
        'invalid_input',
        `no setpoint writer is connected for ${c.tag.path}: nothing was written (connect the machine's controller first)`,
        { details: { tag: c.tag.path } },
      );
    return writer;
  });
  const out: z.input<typeof Written>[] = [];
  for (const [i, c] of checked.entries()) {
    const writer = writers[i];
    if (!writer) continue;
    await writer.write(c.tag.path, c.value);
    const { asset } = splitTagPath(c.tag.path);
    const ts = services.clock.now();
    const unit = c.tag.unit ? ` ${c.tag.unit}` : '';
    const result = await services.ingest.ingestEvents(
      [
        {
          kind: 'note',
          ts,
          asset,
          tag: c.tag.path,
          message:
            `Setpoint ${c.tag.name} ${c.previous ?? '?'} → ${c.value}${unit} by ${principal.name}` +
            (input.reason ? `: ${input.reason}` : ''),
          data: {
            setpoint: c.tag.path,
            previous: c.previous,
            value: c.value,
            writer: writer.name,
            by: principal.name,
            ...(input.reason !== undefined && { reason: input.reason }),
          },
        },
      ],
      'setpoints',
    );
    out.push({
      tag: c.tag.path,
      previous: c.previous,
      value: c.value,
      writer: writer.name,
      ...(result.events[0] !== undefined && { eventId: result.events[0].id }),
    });
  }
  return out;
}

async function preview(
  changes: readonly z.output<typeof Change>[],
  ctx: OperationContext,
): Promise<OperationPreview> {
  const checked = await check(changes, ctx);
  const line = checked
    .map((c) => `${c.tag.name} ${c.previous ?? '?'} → ${c.value}${c.tag.unit ? ` ${c.tag.unit}` : ''}`)
    .join(', ');
  const asset = splitTagPath(checked[0]?.tag.path ?? '').asset;
  return {
    summary: `Set ${line} on ${asset}`,
    preview: {
      changes: checked.map((c) => ({ tag: c.tag.path, previous: c.previous, value: c.value })),
      writerConnected: checked.map((c) => ctx.services.setpoints?.writerFor(c.tag.path) !== undefined),
    },
  };
}

const Reason = z.string().max(2000).optional().meta({ description: 'Why, for the event log' });

export const writeSetpoint = defineOperation({
  name: 'setpoints.write',
  description:
    'Write one setpoint to the plant: the tag must exist and the value lie within its limits (spec lsl…usl); ' +
    'recorded as a note event at the asset and audited. Fails when no controller connection can write the tag.',
  input: Change.extend({ reason: Reason }),
  output: z.object({ written: z.array(Written) }),
  permission: 'engineer',
  http: { method: 'POST', path: '/setpoints/write' },
  audit: true,
  handler: async (input, ctx) => ({
    written: await write({ changes: [{ tag: input.tag, value: input.value }], reason: input.reason }, ctx),
  }),
  preview: (input, ctx) => preview([{ tag: input.tag, value: input.value }], ctx),
});

export const writeSetpoints = defineOperation({
  name: 'setpoints.apply',
  description:
    'Write several setpoints together (a recommendation changes them jointly): each is checked like ' +
    'setpoints.write before any is written.',
  input: z.object({ changes: z.array(Change).min(1).max(20), reason: Reason }),
  output: z.object({ written: z.array(Written) }),
  permission: 'engineer',
  http: { method: 'POST', path: '/setpoints/apply' },
  audit: true,
  handler: async (input, ctx) => ({ written: await write(input, ctx) }),
  preview: (input, ctx) => preview(input.changes, ctx),
});

export const SETPOINT_OPERATIONS = [writeSetpoint, writeSetpoints] as const;
