/**
 * The OPC UA connector: one session with one subscription on a server, a monitored item per configured node,
 * data changes converted to samples and written to the ingest sink in small batches; reconnects by itself.
 */
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  DataType,
  type MonitoringParametersOptions,
  NodeId,
  type OPCUAClient,
  type StatusCode,
  TimestampsToReturn,
  VariableIds,
  coerceNodeId,
} from 'node-opcua-client';
import {
  type Connector,
  type ConnectorDeps,
  type ConnectorFactory,
  type ConnectorKit,
  type ConnectionStatus,
  type OpcUaConnectionConfig,
  type TagDataType,
  UserError,
  splitTagPath,
} from '../../../domain/index.js';
import { ConnectionStats } from '../connection-stats.js';
import { browseOpcUa, testOpcUaConnection } from './opcua.browse.js';
import {
  type OpcUaEndpoint,
  type OpcUaFailure,
  checkSecurity,
  createOpcUaClient,
  describeOpcUaError,
  lockTrust,
  openCertificateManager,
  userIdentity,
  withTimeout,
} from './opcua.client.js';
import { type OpcUaSample, convertDataValue } from './opcua.values.js';
import { SampleBatcher } from './sample-batcher.js';

export { browseOpcUa, testOpcUaConnection };
export type { BrowsedNode, OpcUaTestResult } from './opcua.browse.js';

type OpcUaNodeConfig = OpcUaConnectionConfig['nodes'][number];

/** How long the first data change of a batch waits for others before the batch is written, ms. */
const BATCH_WINDOW_MS = 5;
/** Samples held while the store is slow (about 100 s of 1,000 tags at 1 Hz); beyond it they are dropped. */
const MAX_PENDING_SAMPLES = 100_000;
/** Back-off between connection attempts: doubling from the first to the last, ±20 % jitter. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** Retry period when a person must act (credentials, certificate trust, security settings). */
const RETRY_FAILED_MS = 60_000;
/** The subscription sends a keep-alive after about this long without data changes. */
const KEEPALIVE_TARGET_MS = 5_000;
/** The server keeps the subscription this long without publish requests (so it can be transferred). */
const LIFETIME_TARGET_MS = 60_000;
/** A dead node (one that sends unsupported values) is dead-lettered at most this often. */
const DEAD_LETTER_EVERY_MS = 60_000;
/** Monitored items per CreateMonitoredItems call when the server does not say its limit. */
const DEFAULT_ITEMS_PER_CALL = 500;
/** Connect, session and subscription set-up must finish within this. */
const ESTABLISH_TIMEOUT_MS = 30_000;
/** While node-opcua's own reconnection runs, the link is rebuilt from scratch after this long. */
const REPAIR_GIVE_UP_MS = 120_000;

/** A configured node, its position in the configuration and its parsed node id. */
interface WatchedNode {
  readonly index: number;
  readonly config: OpcUaNodeConfig;
  readonly nodeId: NodeId;
}

/** One attempt at a live connection: client, session and subscription, torn down as a whole. */
interface Link {
  client?: OPCUAClient;
  certificateManager?: OPCUACertificateManager;
  session?: ClientSession;
  subscription?: ClientSubscription;
  /** When the subscription last showed life (data, keep-alive) or the connection came back. */
  lastAlive: number;
  /** The link's keep-alive period, ms, once the subscription exists. */
  keepAliveMs: number;
  watchdog?: NodeJS.Timeout;
  /** Resolves with the reason the link must be rebuilt. */
  readonly broken: Promise<string>;
  readonly breakWith: (reason: string) => void;
  torndown?: Promise<void>;
}

function newLink(now: number): Link {
  let breakWith: (reason: string) => void = () => undefined;
  const broken = new Promise<string>((resolve) => (breakWith = resolve));
  return { lastAlive: now, keepAliveMs: KEEPALIVE_TARGET_MS, broken, breakWith };
}

/** The Gemba data type of a tag fed by a node of this OPC UA built-in data type (ns=0), if it is numeric. */
function tagDataTypeOf(dataType: NodeId): TagDataType | undefined {
  if (dataType.namespace !== 0 || typeof dataType.value !== 'number') return undefined;
  const id = dataType.value;
  if (id === 1) return 'boolean';
  if (id >= 2 && id <= 9) return 'integer'; // SByte … UInt64
  if (id === 10 || id === 11 || id === 26) return 'float'; // Float, Double, Number
  if (id === 27 || id === 28) return 'integer'; // Integer, UInteger
  return undefined;
}

/** A hint for a status code returned when creating a monitored item. */
function monitorFailureHint(status: StatusCode, node: OpcUaNodeConfig): string {
  switch (status.name) {
    case 'BadNodeIdUnknown':
    case 'BadNodeIdInvalid':
      return 'the node does not exist on the server';
    case 'BadAttributeIdInvalid':
      return 'the node is not a variable';
    case 'BadMonitoredItemFilterUnsupported':
    case 'BadFilterNotAllowed':
    case 'BadDeadbandFilterInvalid':
    case 'BadMonitoredItemFilterInvalid':
      return node.deadband?.type === 'percent'
        ? 'a percent deadband needs an AnalogItem with an EURange'
        : 'the server does not support this deadband on the node';
    case 'BadUserAccessDenied':
    case 'BadNotReadable':
      return 'the node is not readable with this identity';
    default:
      return status.description || 'the server refused to monitor the node';
  }
}

class OpcUaConnector implements Connector {
  readonly id: string;
  readonly #config: OpcUaConnectionConfig;
  readonly #deps: ConnectorDeps;
  readonly #endpoint: OpcUaEndpoint;
  readonly #stats: ConnectionStats;
  readonly #source: string;
  readonly #nodes: WatchedNode[] = [];
  readonly #batcher: SampleBatcher;
  /** Last value per node index, carried by a Bad or Uncertain change that has no value. */
  readonly #lastValue = new Map<number, number>();
  /** Node index → reason already reported, so a reconnect does not report the same failure again. */
  readonly #reported = new Map<number, string>();
  /** Node index → when its last unsupported value was dead-lettered, and how many were held back since. */
  readonly #rejections = new Map<number, { at: number; held: number }>();
  #link: Link | undefined;
  #closing = false;
  #everConnected = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();
  #disposed: Promise<void> | undefined;

  constructor(config: OpcUaConnectionConfig, deps: ConnectorDeps) {
    this.id = config.id;
    this.#config = config;
    this.#deps = deps;
    this.#endpoint = endpointOf(config, deps.stateDir);
    this.#stats = new ConnectionStats(config.id, 'opcua', deps.clock);
    this.#source = `opcua:${config.id}`;
    this.#batcher = new SampleBatcher({
      windowMs: BATCH_WINDOW_MS,
      maxPending: MAX_PENDING_SAMPLES,
      write: (samples) => this.#write(samples),
      onOverflow: (dropped) => this.#overflowed(dropped),
    });
  }

  status(): ConnectionStatus {
    return this.#stats.snapshot();
  }

  /** Parses the node ids (a malformed one is reported and skipped) and starts connecting in the background. */
  start(): void {
    this.#config.nodes.forEach((config, index) => {
      try {
        this.#nodes.push({ index, config, nodeId: coerceNodeId(config.nodeId) });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        this.#nodeFailed({ index, config }, `"${config.nodeId}" is not a node id (${why})`);
      }
    });
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closing) {
      const link = newLink(this.#deps.clock.now());
      this.#link = link;
      let delay = 0;
      try {
        await withTimeout(this.#establish(link), ESTABLISH_TIMEOUT_MS, 'connecting');
        failures = 0;
        const reason = await link.broken;
        if (this.#closing) break;
        this.#stats.setState('disconnected');
        this.#stats.error(reason);
        this.#deps.log('warn', `OPC UA ${this.id}: ${reason}; reconnecting`);
      } catch (error) {
        if (this.#closing) break;
        const { message, failure } = this.#describe(error);
        failures++;
        this.#stats.error(message);
        if (failure === 'transient') {
          this.#stats.setState(this.#everConnected ? 'disconnected' : 'connecting');
          delay = Math.min(RETRY_FIRST_MS * 2 ** (failures - 1), RETRY_MAX_MS);
        } else {
          this.#stats.setState('failed');
          delay = RETRY_FAILED_MS;
        }
        this.#deps.log(
          failure === 'transient' ? 'warn' : 'error',
          `OPC UA ${this.id}: ${message}; retrying in ${Math.round(delay / 1000)} s`,
        );
      } finally {
        await this.#teardown(link);
      }
      if (delay > 0 && !this.#closing) await this.#sleep(delay * (0.8 + Math.random() * 0.4));
    }
  }

  #describe(error: unknown): { message: string; failure: OpcUaFailure } {
    // A passwordFile that cannot be read, or security settings that do not go together.
    if (error instanceof UserError) return { message: error.message, failure: 'security' };
    return describeOpcUaError(error, this.#endpoint);
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #establish(link: Link): Promise<void> {
    const identity = await userIdentity(this.#endpoint);
    const certificateManager = await openCertificateManager(this.#deps.stateDir);
    // Stopped meanwhile: the teardown has run without this store, so it is closed here.
    if (link.torndown !== undefined) {
      await certificateManager.dispose();
      return;
    }
    link.certificateManager = certificateManager;
    const client = createOpcUaClient({
      endpoint: this.#endpoint,
      certificateManager,
      name: this.id,
      // One retry for the first connection (this loop retries with its own back-off and error texts); once
      // connected, node-opcua reconnects without limit with these delays and repairs the session.
      connectionStrategy: { maxRetry: 1, initialDelay: 500, maxDelay: 10_000, randomisationFactor: 0.2 },
      keepSessionAlive: true,
    });
    link.client = client;
    this.#watchClient(link, client);
    await client.connect(this.#config.endpointUrl);
    const session = await client.createSession(identity);
    link.session = session;
    lockTrust(certificateManager);
    session.on('session_closed', () => {
      if (!this.#closing && link.torndown === undefined) link.breakWith('the server closed the session');
    });
    await this.#registerMissingTags(session);
    const subscription = await this.#subscribe(link, session);
    await this.#monitor(subscription, await this.#itemsPerCall(session));
    // Stopped, or timed out, while setting up: the teardown has the link; it must not be reported connected.
    if (link.torndown !== undefined) return;
    link.lastAlive = this.#deps.clock.now();
    link.watchdog = setInterval(() => this.#checkAlive(link), Math.min(link.keepAliveMs, 5_000));
    this.#stats.setState('connected');
    this.#everConnected = true;
    const monitored = this.#nodes.filter((n) => !this.#reported.has(n.index)).length;
    this.#deps.log(
      'info',
      `OPC UA ${this.id}: connected to ${this.#config.endpointUrl}, ${monitored} of ${this.#config.nodes.length} nodes monitored`,
    );
  }

  #watchClient(link: Link, client: OPCUAClient): void {
    client.on('connection_lost', () => {
      if (this.#closing || link.torndown !== undefined) return;
      this.#stats.setState('disconnected');
      this.#stats.error(`connection to ${this.#config.endpointUrl} lost`);
      this.#deps.log('warn', `OPC UA ${this.id}: connection lost; node-opcua is reconnecting`);
    });
    client.on('reconnection_attempt_has_failed', (error) => {
      if (this.#closing || link.torndown !== undefined) return;
      this.#stats.error(this.#describe(error).message);
    });
    client.on('connection_reestablished', () => {
      if (this.#closing || link.torndown !== undefined) return;
      // The session was re-activated, or re-created with its subscription transferred or re-created.
      link.lastAlive = this.#deps.clock.now();
      this.#stats.setState('connected');
      this.#deps.log('info', `OPC UA ${this.id}: reconnected, session and subscription restored`);
    });
    client.on('close', () => {
      if (!this.#closing && link.torndown === undefined && link.session !== undefined) {
        link.breakWith('the connection closed');
      }
    });
  }

  async #subscribe(link: Link, session: ClientSession): Promise<ClientSubscription> {
    const publishingMs = this.#config.publishingIntervalMs;
    const keepAliveCount = Math.max(2, Math.ceil(KEEPALIVE_TARGET_MS / publishingMs));
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: publishingMs,
      requestedMaxKeepAliveCount: keepAliveCount,
      requestedLifetimeCount: Math.max(3 * keepAliveCount, Math.ceil(LIFETIME_TARGET_MS / publishingMs)),
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    link.subscription = subscription;
    link.keepAliveMs =
      subscription.publishingInterval * subscription.maxKeepAliveCount || KEEPALIVE_TARGET_MS;
    const alive = () => (link.lastAlive = this.#deps.clock.now());
    subscription.on('keepalive', alive);
    subscription.on('received_notifications', alive);
    subscription.on('terminated', () => {
      if (!this.#closing && link.torndown === undefined)
        link.breakWith('the server terminated the subscription');
    });
    subscription.on('internal_error', (error) => this.#stats.error(error));
    subscription.on('error', (error) => this.#stats.error(error));
    return subscription;
  }

  /** Rebuilds the link when the subscription stopped showing life: no data and no keep-alive. */
  #checkAlive(link: Link): void {
    if (this.#closing || link.torndown !== undefined) return;
    const silentMs = this.#deps.clock.now() - link.lastAlive;
    const limit = this.#stats.state === 'connected' ? 3 * link.keepAliveMs + 2_000 : REPAIR_GIVE_UP_MS;
    if (silentMs > limit) {
      link.breakWith(`no data or keep-alive for ${Math.round(silentMs / 1000)} s`);
    }
  }

  /** The server's MaxMonitoredItemsPerCall (OperationLimits), or a safe default. */
  async #itemsPerCall(session: ClientSession): Promise<number> {
    try {
      const dv = await session.read({
        nodeId: VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
        attributeId: AttributeIds.Value,
      });
      const limit: unknown = dv.value.value;
      if (dv.statusCode.isGood() && typeof limit === 'number' && limit > 0) return Math.min(limit, 5_000);
    } catch {
      // Older servers lack OperationLimits: use the default.
    }
    return DEFAULT_ITEMS_PER_CALL;
  }

  #monitoringParameters(node: OpcUaNodeConfig): MonitoringParametersOptions {
    const publishingMs = this.#config.publishingIntervalMs;
    const sampling = node.samplingIntervalMs;
    // Room for every sample taken between two publishes, so none is lost when sampling is faster.
    const queueSize = sampling <= 0 ? 100 : Math.min(1_000, Math.ceil(publishingMs / sampling) + 1);
    const deadband = node.deadband;
    return {
      samplingInterval: sampling,
      queueSize,
      discardOldest: true,
      filter:
        deadband === undefined
          ? null
          : new DataChangeFilter({
              trigger: DataChangeTrigger.StatusValue,
              deadbandType: deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
              deadbandValue: deadband.value,
            }),
    };
  }

  /** Creates the monitored items, grouped by identical parameters, in calls the server accepts. */
  async #monitor(subscription: ClientSubscription, perCall: number): Promise<void> {
    const groups = new Map<string, WatchedNode[]>();
    for (const node of this.#nodes) {
      const { samplingIntervalMs, deadband } = node.config;
      const key = `${samplingIntervalMs}|${deadband?.type ?? ''}|${deadband?.value ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(node);
      else groups.set(key, [node]);
    }
    for (const nodes of groups.values()) {
      const first = nodes[0];
      if (!first) continue;
      const parameters = this.#monitoringParameters(first.config);
      for (let start = 0; start < nodes.length; start += perCall) {
        const chunk = nodes.slice(start, start + perCall);
        const group = await subscription.monitorItems(
          chunk.map((n) => ({ nodeId: n.nodeId, attributeId: AttributeIds.Value })),
          parameters,
          TimestampsToReturn.Both,
        );
        group.on('changed', (_item, dataValue, index) => {
          const node = chunk[index];
          if (node) this.#onDataChange(node, dataValue);
        });
        group.monitoredItems.forEach((item, i) => {
          const node = chunk[i];
          if (node && item.statusCode.isNotGood()) {
            const hint = monitorFailureHint(item.statusCode, node.config);
            this.#nodeFailed(node, `cannot monitor: ${hint} (${item.statusCode.name})`);
          }
        });
      }
    }
  }

  /** Creates the configured tags that do not exist yet, typed from the nodes' DataType (numeric ones only). */
  async #registerMissingTags(session: ClientSession): Promise<void> {
    const missing = this.#nodes.filter((n) => !this.#deps.sink.hasTag(n.config.tag));
    if (missing.length === 0) return;
    const types = await session.read(
      missing.map((n) => ({ nodeId: n.nodeId, attributeId: AttributeIds.DataType })),
    );
    for (let i = 0; i < missing.length; i++) {
      const node = missing[i];
      const dv = types[i];
      if (!node || !dv?.statusCode.isGood()) continue;
      const type: unknown = dv.value.value;
      const dataType = type instanceof NodeId ? tagDataTypeOf(type) : undefined;
      if (dataType === undefined) continue;
      const { asset, name } = splitTagPath(node.config.tag);
      try {
        await this.#deps.sink.registerTag({
          asset,
          name,
          dataType,
          source: { adapter: 'opcua', address: `${this.id}:${node.config.nodeId}`.slice(0, 1000) },
        });
      } catch (error) {
        this.#stats.error(error);
        this.#deps.log('warn', `OPC UA ${this.id}: cannot create tag ${node.config.tag}`, error);
      }
    }
  }

  #onDataChange(node: WatchedNode, dataValue: DataValue): void {
    this.#stats.message();
    const now = this.#deps.clock.now();
    const result = convertDataValue(dataValue, node.config.tag, now, this.#lastValue.get(node.index));
    if (result.ok) {
      this.#lastValue.set(node.index, result.sample.value);
      this.#batcher.add(result.sample);
      return;
    }
    // An unsupported value repeats with every change: one dead letter per node per minute, with a count.
    const seen = this.#rejections.get(node.index);
    if (seen !== undefined && now - seen.at < DEAD_LETTER_EVERY_MS) {
      seen.held++;
      return;
    }
    const held = seen?.held ?? 0;
    this.#rejections.set(node.index, { at: now, held: 0 });
    const reason =
      `node ${node.config.nodeId} → ${node.config.tag}: ${result.reason}` +
      (held > 0 ? ` (and ${held} more changes like it since the last dead letter)` : '');
    this.#deadLetter(reason, {
      nodeId: node.config.nodeId,
      tag: node.config.tag,
      value: String(dataValue.value.value as unknown).slice(0, 200),
      dataType: DataType[dataValue.value.dataType],
      status: dataValue.statusCode.name,
      sourceTimestamp: dataValue.sourceTimestamp?.toISOString(),
    });
  }

  /** A node that cannot be monitored: reported once in the status and dead-lettered for its tag. */
  #nodeFailed(node: Pick<WatchedNode, 'index' | 'config'>, why: string): void {
    if (this.#reported.get(node.index) === why) return;
    this.#reported.set(node.index, why);
    const reason = `node ${node.config.nodeId} → ${node.config.tag}: ${why}`;
    this.#stats.error(reason);
    this.#deps.log('warn', `OPC UA ${this.id}: ${reason}`);
    this.#deadLetter(reason, { nodeId: node.config.nodeId, tag: node.config.tag });
  }

  #deadLetter(reason: string, payload: unknown): void {
    this.#stats.deadLettered();
    this.#deps.sink.deadLetter(this.#source, reason, payload).catch((error: unknown) => {
      this.#stats.error(error);
      this.#deps.log('error', `OPC UA ${this.id}: cannot store a dead letter (${reason})`, error);
    });
  }

  async #write(samples: OpcUaSample[]): Promise<void> {
    try {
      const outcome = await this.#deps.sink.writeSamples(samples, this.#source);
      this.#stats.stored(outcome.accepted, outcome.rejected);
      if (outcome.rejected > 0) {
        const first = outcome.errors[0];
        const tag = first === undefined ? undefined : samples[first.index]?.tag;
        this.#stats.error(
          `${outcome.rejected} of ${samples.length} samples rejected` +
            (first ? `, e.g. ${tag ?? ''}: ${first.reason}` : ''),
        );
      }
    } catch (error) {
      this.#stats.error(error);
      this.#deps.log('error', `OPC UA ${this.id}: ${samples.length} samples not stored`, error);
    }
  }

  #overflowed(dropped: number): void {
    const reason = `${dropped} samples dropped: more than ${MAX_PENDING_SAMPLES} were waiting for the store`;
    this.#stats.error(reason);
    this.#deadLetter(reason, { dropped });
  }

  async #teardown(link: Link): Promise<void> {
    link.torndown ??= (async () => {
      if (link.watchdog !== undefined) clearInterval(link.watchdog);
      link.breakWith('stopping');
      const { client, session, subscription } = link;
      // Only a live session can be closed politely; otherwise the requests would wait for a reconnection.
      const live = client !== undefined && !client.isReconnecting && this.#stats.state === 'connected';
      if (live && subscription)
        await withTimeout(subscription.terminate(), 2_000, 'terminate').catch(() => {});
      if (live && session) await withTimeout(session.close(true), 2_000, 'close session').catch(() => {});
      if (client) await withTimeout(client.disconnect(), 5_000, 'disconnect').catch(() => {});
      client?.removeAllListeners();
      await link.certificateManager?.dispose().catch(() => {});
    })();
    await link.torndown;
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#disposed ??= (async () => {
      this.#closing = true;
      this.#wake?.();
      const link = this.#link;
      if (link) await this.#teardown(link);
      await this.#loop;
      await this.#batcher.drain();
      this.#stats.setState('stopped');
    })();
    return this.#disposed;
  }
}

/**
 * Starts an OPC UA connection: resolves at once with a connector that connects in the background, reconnects by
 * itself and reports its state in `status()`. Rejects with UserError invalid_input for security settings that do not go
 * together. Configured tags that do not exist yet are created from the nodes' numeric DataType.
 * @example
 * await using connector = await createOpcUaConnector(config, { sink, clock, stateDir, log });
 */
export const createOpcUaConnector: ConnectorFactory<OpcUaConnectionConfig> = (config, deps) =>
  new Promise((resolve) => {
    // Settings that cannot work are refused now rather than retried every minute.
    checkSecurity(config);
    const connector = new OpcUaConnector(config, deps);
    connector.start();
    resolve(connector);
  });

/** The endpoint fields of a connection record, with its state folder (where its PKI is). */
function endpointOf(config: OpcUaConnectionConfig, stateDir: string): OpcUaEndpoint {
  return {
    endpointUrl: config.endpointUrl,
    securityMode: config.securityMode,
    securityPolicy: config.securityPolicy,
    username: config.username,
    password: config.password,
    passwordFile: config.passwordFile,
    stateDir,
  };
}

/**
 * Everything Gemba does with OPC UA connections: run one, test one (connect and read the server status), browse
 * the address space. Give probe and browse the connection's own state folder, so that they present the client
 * certificate the server already trusts and check the server against the certificate trusted on first use.
 */
export const opcUaConnectorKit: ConnectorKit<OpcUaConnectionConfig> = {
  create: createOpcUaConnector,
  probe: async (config, deps) => {
    const started = deps.clock.now();
    const result = await testOpcUaConnection(endpointOf(config, deps.stateDir));
    return { ok: result.ok, message: result.message, durationMs: deps.clock.now() - started };
  },
  browse: (config, deps, options) => browseOpcUa({ ...endpointOf(config, deps.stateDir), ...options }),
};
