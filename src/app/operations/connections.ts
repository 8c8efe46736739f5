/** Operations on connections to plant systems: list with status, add, remove, test, browse. */
import { z } from 'zod';
import { ConnectionConfig, ConnectionId, ConnectionStatus, UserError } from '../../domain/index.js';
import { defineOperation } from '../operation.js';

const Entry = z.object({
  config: ConnectionConfig,
  source: z
    .enum(['config', 'api'])
    .meta({ description: 'config: from the config file; api: added at run time' }),
  status: ConnectionStatus,
});

export const listConnections = defineOperation({
  name: 'connections.list',
  description:
    'Connections to plant systems (MQTT brokers, Sparkplug B, OPC UA servers) with their status: state, last message, messages/s, samples, dead letters, errors.',
  input: z.object({ id: ConnectionId.optional() }),
  output: z.object({ connections: z.array(Entry) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/connections' },
  audit: false,
  handler: ({ id }, { services }) =>
    Promise.resolve({
      connections: id === undefined ? services.connections.list() : [services.connections.get(id)],
    }),
});

export const addConnection = defineOperation({
  name: 'connections.add',
  description:
    'Add a connection at run time and start it; it is kept across restarts. Prefer passwordFile to an inline password.',
  input: z.object({ connection: ConnectionConfig }),
  output: z.object({ connection: Entry }),
  permission: 'admin',
  http: { method: 'POST', path: '/connections' },
  audit: true,
  handler: async ({ connection }, { services }) => ({
    connection: await services.connections.add(connection),
  }),
});

export const removeConnection = defineOperation({
  name: 'connections.remove',
  description:
    'Stop a connection added at run time and forget it (those of the config file are changed there).',
  input: z.object({ id: ConnectionId }),
  output: z.object({ removed: z.literal(true) }),
  permission: 'admin',
  http: { method: 'POST', path: '/connections/remove' },
  audit: true,
  handler: async ({ id }, { services }) => {
    await services.connections.remove(id);
    return { removed: true as const };
  },
});

/** Either a running connection's id or a whole candidate configuration. */
const TargetFields = { id: ConnectionId.optional(), connection: ConnectionConfig.optional() };
const oneTarget = [
  (t: { id?: string | undefined; connection?: unknown }) =>
    (t.id === undefined) !== (t.connection === undefined),
  { message: 'give either id (a running connection) or connection (a configuration to try)' },
] as const;
const Target = z.object(TargetFields).refine(...oneTarget);

export const testConnection = defineOperation({
  name: 'connections.test',
  description:
    "Try to connect with a configuration (or a running connection's), without subscribing or publishing, and say whether it works and why not.",
  input: Target,
  output: z.object({ ok: z.boolean(), message: z.string(), durationMs: z.number() }),
  permission: 'engineer',
  http: { method: 'POST', path: '/connections/test' },
  audit: false,
  handler: ({ id, connection }, { services }) =>
    services.connections.probe(connection ?? services.connections.configOf(id ?? '')),
});

export const browseConnection = defineOperation({
  name: 'connections.browse',
  description: 'Browse what a server offers (the OPC UA address space) to pick nodes to monitor.',
  input: z
    .object({
      ...TargetFields,
      nodeId: z.string().optional().meta({ description: 'Start node; default the Objects folder' }),
      depth: z.coerce.number().int().min(1).max(5).default(2),
    })
    .refine(...oneTarget),
  output: z.object({ nodes: z.unknown() }),
  permission: 'engineer',
  http: { method: 'POST', path: '/connections/browse' },
  audit: false,
  handler: async ({ id, connection, nodeId, depth }, { services }) => {
    const config = connection ?? services.connections.configOf(id ?? '');
    if (config.kind !== 'opcua')
      throw new UserError('invalid_input', 'only OPC UA connections can be browsed');
    return {
      nodes: await services.connections.browse(config, { depth, ...(nodeId !== undefined && { nodeId }) }),
    };
  },
});
