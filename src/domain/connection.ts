/**
 * Connections to the plant's own systems: an external MQTT broker (UNS JSON), a Sparkplug B namespace, an OPC UA
 * server. Each is configured by a record validated here, runs as a connector (an ingest adapter), and reports
 * its status. Secrets may be given as a file path (`passwordFile`) instead of inline.
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { TagPath } from './tag.js';

export const CONNECTION_KINDS = ['mqtt', 'sparkplug', 'opcua'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export const ConnectionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a connection id is lower-case letters, digits, "_" and "-"')
  .meta({ example: 'line1-broker' });

/** TLS for MQTT: files are paths on the Gemba machine (PEM). */
export const MqttTls = z.object({
  ca: z.string().optional().meta({ description: 'CA certificate file to trust (PEM)' }),
  cert: z
    .string()
    .optional()
    .meta({ description: 'Client certificate file (PEM), for certificate authentication' }),
  key: z.string().optional().meta({ description: 'Client private key file (PEM)' }),
  rejectUnauthorized: z.boolean().default(true).meta({ description: 'Verify the broker certificate' }),
});

const MqttSession = {
  url: z
    .string()
    .regex(/^(mqtts?|wss?):\/\/[^\s/]+(:\d+)?\/?$/, 'url is mqtt://host:port or mqtts://host:port')
    .meta({ example: 'mqtts://broker.plant.local:8883' }),
  /** Fixed, so the broker keeps the persistent session (and queued QoS 1 messages) across reconnects. */
  clientId: z.string().min(1).max(128).optional().meta({ description: 'Defaults to gemba-<connection id>' }),
  username: z.string().optional(),
  password: z.string().optional(),
  passwordFile: z
    .string()
    .optional()
    .meta({ description: 'File holding the password (preferred over password)' }),
  tls: MqttTls.optional(),
  keepaliveS: z.number().int().min(5).max(3600).default(30),
  reconnect: z
    .object({
      minMs: z.number().int().min(50).default(500),
      maxMs: z.number().int().min(100).default(30_000),
    })
    .default({ minMs: 500, maxMs: 30_000 }),
};

/** Where a sample's value, time and quality sit in a JSON payload: dotted paths, e.g. "data.v". */
export const JsonPaths = z.object({
  value: z.string().min(1).default('value'),
  timestamp: z.string().min(1).optional().meta({ description: 'Missing: the arrival time is used' }),
  quality: z.string().min(1).optional(),
});

export const MqttSubscription = z.object({
  /** MQTT topic filter with + and # wildcards. */
  topic: z.string().min(1).meta({ example: 'acme/plant1/#' }),
  /**
   * `uns`: the topic is the tag path, the payload `{"value", "timestamp"}` or a bare number.
   * `json`: the payload is read with `paths`; `tag` names the tag (a template over topic levels, e.g.
   * "acme/plant1/{2}/{3}/{4}").
   */
  format: z.enum(['uns', 'json']).default('uns'),
  paths: JsonPaths.optional(),
  tag: z
    .string()
    .optional()
    .meta({ description: 'Tag path template for format json; {n} is topic level n (0-based)' }),
  /** Prefix put before the topic-derived tag path (for brokers whose topics start below the enterprise). */
  prefix: AssetPath.optional(),
});
export type MqttSubscription = z.infer<typeof MqttSubscription>;

/** Creating tags for unknown topics: off by default; when on, only paths matching an allow pattern. */
export const AutoRegister = z.object({
  enabled: z.boolean().default(false),
  /** Globs over tag paths: `*` one level, `**` any levels, e.g. "acme/plant1/**". */
  allow: z.array(z.string().min(1)).default([]),
});

export const MqttConnectionConfig = z.object({
  kind: z.literal('mqtt'),
  id: ConnectionId,
  name: z.string().max(200).optional(),
  ...MqttSession,
  subscriptions: z.array(MqttSubscription).min(1),
  autoRegister: AutoRegister.default({ enabled: false, allow: [] }),
});
export type MqttConnectionConfig = z.infer<typeof MqttConnectionConfig>;

export const SparkplugConnectionConfig = z.object({
  kind: z.literal('sparkplug'),
  id: ConnectionId,
  name: z.string().max(200).optional(),
  ...MqttSession,
  /** Sparkplug group ids to subscribe to; empty means all (`spBv1.0/+/…`). */
  groups: z.array(z.string().min(1)).default([]),
  /** Primary host application id: Gemba publishes its STATE as `spBv1.0/STATE/<hostId>`. */
  hostId: z.string().min(1).default('gemba'),
  /** Asset under which edge nodes appear: <assetRoot>/<group>/<edge node>[/<device>]/<metric>. */
  assetRoot: AssetPath.meta({ example: 'acme/plant1' }),
  /** Create tags from BIRTH certificates (metric names become tag names). */
  autoRegister: AutoRegister.default({ enabled: true, allow: ['**'] }),
  /** Ask for a rebirth (NCMD Node Control/Rebirth) on a sequence gap or unknown alias. */
  requestRebirth: z.boolean().default(true),
});
export type SparkplugConnectionConfig = z.infer<typeof SparkplugConnectionConfig>;

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const OPCUA_SECURITY_POLICIES = [
  'None',
  'Basic128Rsa15',
  'Basic256',
  'Basic256Sha256',
  'Aes128_Sha256_RsaOaep',
  'Aes256_Sha256_RsaPss',
] as const;

export const OpcUaNode = z.object({
  nodeId: z.string().min(1).meta({ example: 'ns=1;s=Press3.OilTemp' }),
  tag: TagPath,
  samplingIntervalMs: z.number().int().min(0).default(1000),
  deadband: z
    .object({ type: z.enum(['absolute', 'percent']), value: z.number().nonnegative() })
    .optional()
    .meta({ description: 'Report a change only beyond this (DataChangeFilter)' }),
});

export const OpcUaConnectionConfig = z.object({
  kind: z.literal('opcua'),
  id: ConnectionId,
  name: z.string().max(200).optional(),
  endpointUrl: z.string().regex(/^opc\.tcp:\/\/\S+$/, 'endpointUrl is opc.tcp://host:port/path'),
  securityMode: z.enum(OPCUA_SECURITY_MODES).default('None'),
  securityPolicy: z.enum(OPCUA_SECURITY_POLICIES).default('None'),
  username: z.string().optional(),
  password: z.string().optional(),
  passwordFile: z.string().optional(),
  publishingIntervalMs: z.number().int().min(10).default(1000),
  nodes: z.array(OpcUaNode).min(1),
});
export type OpcUaConnectionConfig = z.infer<typeof OpcUaConnectionConfig>;

export const ConnectionConfig = z.discriminatedUnion('kind', [
  MqttConnectionConfig,
  SparkplugConnectionConfig,
  OpcUaConnectionConfig,
]);
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;
export type ConnectionConfigInput = z.input<typeof ConnectionConfig>;

export const CONNECTION_STATES = ['connecting', 'connected', 'disconnected', 'stopped', 'failed'] as const;

export const ConnectionStatus = z.object({
  id: z.string(),
  kind: z.enum(CONNECTION_KINDS),
  state: z.enum(CONNECTION_STATES),
  since: z.number().meta({ description: 'When the state last changed, UTC epoch ms' }),
  lastMessageAt: z.number().optional(),
  messages: z.number().int().meta({ description: 'Messages (or data changes) received since start' }),
  messagesPerS: z.number().meta({ description: 'Over the last 10 s' }),
  samples: z.number().int().meta({ description: 'Samples stored' }),
  deadLetters: z.number().int(),
  errors: z.number().int(),
  lastError: z.string().optional(),
  reconnects: z.number().int(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/**
 * Whether a tag path matches one of the allow-list globs: `*` is one path level, `**` any number of levels.
 * @example matchesAllowList('acme/plant1/press3/temp', ['acme/plant1/**']) === true
 */
export function matchesAllowList(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(path));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .map((level) =>
      level === '**' ? '\uE000' : level.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'),
    )
    .join('/')
    // "a/**/b" also matches "a/b"; a trailing "/**" matches the level itself and everything below.
    .replace(/\/\uE000\//g, '(?:/.+)?/')
    .replace(/^\uE000\//, '(?:.+/)?')
    .replace(/\/\uE000$/, '(?:/.+)?')
    .replace(/\uE000/g, '.+');
  return new RegExp(`^${body}$`);
}
