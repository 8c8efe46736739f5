/** Operations on plant events: alarms, machine states, notes. */
import { z } from 'zod';
import { AssetPath, EVENT_KINDS, EventInput, PlantEvent } from '../../domain/index.js';
import { type OperationPreview, defineOperation } from '../operation.js';
import { PositiveInt, TimeArg, listArg, resolveWindow } from './common.js';
import { IngestResultSchema } from './samples.js';

export const listEvents = defineOperation({
  name: 'events.list',
  description:
    'Events (alarms, machine states, notes) in a time window, newest first, for assets at or below a path.',
  input: z.object({
    under: AssetPath.optional(),
    kinds: listArg(z.enum(EVENT_KINDS)).optional().meta({ description: 'alarm, machine_state, note' }),
    from: TimeArg.default('now-24h'),
    to: TimeArg.default('now'),
    limit: PositiveInt(10_000).default(500),
  }),
  output: z.object({ events: z.array(PlantEvent) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/events' },
  audit: false,
  handler: async (input, { services }) => {
    // "to" is inclusive of "now": events stamped this millisecond are listed.
    const { from, to } = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const events = await services.store.listEvents({
      from,
      to,
      limit: input.limit,
      ...(input.under !== undefined && { assetPrefix: input.under }),
      ...(input.kinds !== undefined && { kinds: input.kinds }),
    });
    return { events };
  },
});

export const createEvents = defineOperation({
  name: 'events.create',
  description: 'Record events. Each is validated on its own; bad ones are dead-lettered with their reason.',
  input: z.object({ events: z.array(z.unknown()).max(10_000) }),
  docsInput: z.object({ events: z.array(EventInput).max(10_000) }),
  output: IngestResultSchema,
  permission: 'operator',
  http: { method: 'POST', path: '/events' },
  audit: true,
  handler: async ({ events }, { services }) => {
    const { accepted, rejected, errors } = await services.ingest.ingestEvents(events, 'http');
    return { accepted, rejected, errors };
  },
  preview: ({ events }) => Promise.resolve(previewEvents(events)),
});

/** Events listed in a preview; the rest are counted. */
const PREVIEW_EVENTS = 50;

/** The events that would be written, validated one by one as the ingest pipeline does, and those it would refuse. */
function previewEvents(items: readonly unknown[]): OperationPreview {
  const events: EventInput[] = [];
  const rejected: { index: number; reason: string }[] = [];
  items.forEach((item, index) => {
    const parsed = EventInput.safeParse(item);
    if (parsed.success) {
      const ts = typeof parsed.data.ts === 'number' ? parsed.data.ts : Date.parse(parsed.data.ts);
      events.push({ ...parsed.data, ts });
    } else {
      const reason = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
        .join('; ');
      rejected.push({ index, reason });
    }
  });
  const kinds = new Map<string, number>();
  for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const assets = [...new Set(events.map((e) => e.asset))];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const kindText = [...kinds].map(([kind, n]) => plural(n, kind.replaceAll('_', ' '))).join(', ');
  const where =
    assets.length === 1 ? ` on ${assets[0]}` : assets.length > 1 ? ` on ${assets.length} assets` : '';
  return {
    summary:
      `Record ${plural(events.length, 'event')}${kindText ? ` (${kindText})` : ''}${where}` +
      (rejected.length > 0 ? `; ${rejected.length} would be rejected as invalid` : ''),
    preview: {
      events: events.slice(0, PREVIEW_EVENTS),
      count: events.length,
      ...(rejected.length > 0 && { rejected: rejected.slice(0, PREVIEW_EVENTS) }),
    },
  };
}
