/**
 * The Sparkplug B connector: Gemba as an Eclipse Sparkplug 3.0 host application on a plant's broker. It stores
 * what edge nodes publish as samples, and asks them for a rebirth when it cannot make sense of what it gets.
 * Mapping rules are in sparkplug.mapping.ts, the protocol state machine in sparkplug.session.ts.
 *
 * **Host application session** (Sparkplug 3.0 §5.3, §4.2.3), on every (re)connection:
 * 1. CONNECT with a Will on `spBv1.0/STATE/<hostId>`: `{"online":false,"timestamp":T}`, QoS 1, retained, where
 *    T is the time of this connection attempt (later than any earlier T).
 * 2. SUBSCRIBE, QoS 1, to `spBv1.0/<group>/#` for each configured group (`spBv1.0/+/#` when none) and to
 *    `spBv1.0/STATE/<hostId>`, before anything is published.
 * 3. PUBLISH the birth `{"online":true,"timestamp":T}` on the STATE topic, QoS 1, retained, with the same T as
 *    the Will. Should our STATE topic ever deliver `online:false` while we are connected (a Will of an earlier
 *    connection arriving late), the birth is published again.
 * 4. On a graceful stop: PUBLISH `{"online":false,"timestamp":<now>}` (QoS 1, retained), then DISCONNECT.
 * Rebirth requests are NCMD `spBv1.0/<group>/NCMD/<edge node>` with the Boolean metric `Node Control/Rebirth`
 * = true, QoS 0, not retained (§5.11, §4.2).
 *
 * **Deliberate deviation: a persistent session.** Sparkplug 3.0 (tck-id-message-flow-phid-sparkplug-clean-session-50)
 * asks host applications for Clean Start and a Session Expiry of 0. Gemba connects with Clean Start off and a
 * session expiry of `SESSION_EXPIRY_S` instead, like the MQTT connector, so that QoS 1 messages published while
 * Gemba or the broker restarts are queued and delivered, not lost. Should the broker still have lost the session
 * (CONNACK without "session present" on a reconnect), every known edge node is marked stale and asked to rebirth,
 * which is what a clean-session host would have to do anyway. Edge nodes publishing DATA at QoS 0, as
 * Sparkplug asks, get at-most-once delivery whatever the host does; QoS 1 publishers get every message once.
 *
 * **Acknowledged means stored.** mqtt.js reads packets one at a time and sends the PUBACK from the
 * `customHandleAcks` callback, so delaying that callback until a store commit would store one message per commit.
 * The handler instead takes the message and releases mqtt.js with `DEFERRED_ACK`, the one outcome that sends no
 * PUBACK. Messages arriving within `BATCH_WAIT_MS` (or up to `BATCH_MAX_MESSAGES`) are stored with one
 * `sink.writeSamples` call plus their dead letters; once those resolved, their PUBACKs are written in arrival order
 * as 4-byte packets on the connection they came in on, if it is still open. Batches are stored one at a time.
 * If storing fails nothing is acknowledged: the session forgets the unstored messages, the connection is dropped
 * and the broker redelivers after a back-off. The broker never has more than `RECEIVE_MAXIMUM` messages
 * unacknowledged with us, which bounds memory. Duplicates from redelivery: see sparkplug.session.ts.
 *
 * **Restarts of Gemba.** DATA the broker queued while Gemba was stopped can only be mapped with the BIRTHs seen
 * before. A graceful stop therefore stores and acknowledges everything received, then saves what the session
 * knows (BIRTH tables, sequence numbers, recent message digests) to `SNAPSHOT_FILE` in the connection's state
 * folder; the next start reads it once and deletes it, and the queued DATA continues the sequence as if nothing
 * happened. After a crash there is no file: the host starts knowing nothing, queued DATA is dead-lettered
 * ("no NBIRTH") and each edge node is asked for a rebirth, as Sparkplug intends.
 *
 * **Reconnects**: exponential back-off from `reconnect.minMs` to `reconnect.maxMs` with equal jitter; a refusal
 * for credentials or TLS sets the state `failed` and retries at the maximum back-off.
 *
 * **Asset levels.** Tags are registered through `IngestSink.registerTag`, which creates missing assets with
 * ISA-95 levels by depth, the tag's own asset being `equipment`. An edge node that has numeric metrics of its
 * own AND devices therefore needs its asset modelled first (e.g. as a `line`): otherwise its NBIRTH makes it
 * `equipment`, and its devices' tags are refused (dead-lettered with the reason) since nothing sits below
 * equipment. Nodes with only devices, or only their own metrics, need nothing.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, {
  ErrorWithReasonCode,
  type IClientOptions,
  type IConnackPacket,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import {
  type ConnectionStatus,
  type Connector,
  type ConnectorDeps,
  type ConnectorFactory,
  type IngestOutcome,
  type SparkplugConnectionConfig,
  MAX_ASSET_DEPTH,
  OperationalError,
  UserError,
} from '../../../domain/index.js';
import { ConnectionStats } from '../connection-stats.js';
import { encodeRebirthRequest } from './sparkplug.codec.js';
import {
  type Letter,
  type Outcome,
  type SampleItem,
  type SparkplugCounters,
  type Undo,
  SessionSnapshot,
  SparkplugSession,
  ncmdTopic,
} from './sparkplug.session.js';
import { NAMESPACE, isSparkplugId } from './sparkplug.topic.js';
import { pubackPackets } from '../mqtt/puback.js';
import { MAX_PACKET_BYTES, SESSION_EXPIRY_S, sessionOptions } from '../mqtt/mqtt.session.js';

export { MAX_PACKET_BYTES, SESSION_EXPIRY_S };

/** Store a batch this long after its first message… */
export const BATCH_WAIT_MS = 3;
/** …or as soon as it holds this many messages or samples. */
export const BATCH_MAX_MESSAGES = 2_000;
export const BATCH_MAX_SAMPLES = 100_000;
/** Unacknowledged messages the broker may have in flight to us (MQTT 5 Receive Maximum): bounds memory. */
export const RECEIVE_MAXIMUM = 5_000;
/** In the connection's state folder: the session as it was at the last graceful stop (see `#restore`). */
export const SNAPSHOT_FILE = 'sparkplug-session.json';
const END_TIMEOUT_MS = 2_000;

/** Released to mqtt.js instead of a reason code: "read on, send no PUBACK"; never thrown, never reported. */
const DEFERRED_ACK = new OperationalError('cancelled', 'PUBACK deferred until the message is stored');

/** CONNACK reason codes that retrying with the same settings cannot fix (MQTT 5 §3.2.2.2). */
const REFUSALS_NEEDING_CHANGE = new Set([132, 133, 134, 135, 138, 140]);

/** A running Sparkplug host connection. */
export interface SparkplugConnector extends Connector {
  /** Protocol counters since start: births, deaths, rebirth requests, duplicates, skipped values, … */
  counters(): SparkplugCounters;
}

interface Received {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** Undefined for QoS 0: nothing to acknowledge. */
  readonly messageId: number | undefined;
  /** The connection it came in on; its PUBACK goes out only there. */
  readonly stream: unknown;
  readonly arrival: number;
}

interface Batch {
  readonly samples: SampleItem[];
  readonly letters: Letter[];
  readonly messages: Received[];
  readonly undos: Undo[];
}

const newBatch = (): Batch => ({ samples: [], letters: [], messages: [], undos: [] });

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The JSON of a host STATE message (Sparkplug 3.0 §4.2.3.1.2). */
export function statePayload(online: boolean, timestamp: number): string {
  return JSON.stringify({ online, timestamp });
}

/** The topic filters a host subscribes to for its configuration. */
export function sparkplugSubscriptions(
  config: Pick<SparkplugConnectionConfig, 'groups' | 'hostId'>,
): string[] {
  const data =
    config.groups.length > 0 ? config.groups.map((g) => `${NAMESPACE}/${g}/#`) : [`${NAMESPACE}/+/#`];
  return [...data, `${NAMESPACE}/STATE/${config.hostId}`];
}

/** mqtt.js options for a connection (without the Will); TLS files and the password file are read here, at start. */
export function sparkplugClientOptions(config: SparkplugConnectionConfig): IClientOptions {
  return {
    ...sessionOptions(config, RECEIVE_MAXIMUM),
    // A rebirth request queued while offline would be stale when sent; the next message triggers a new one.
    queueQoSZero: false,
  };
}

function classifyConnectError(error: unknown): { failed: boolean; reason: string } {
  if (error instanceof ErrorWithReasonCode && REFUSALS_NEEDING_CHANGE.has(error.code)) {
    return { failed: true, reason: `the broker refused the connection: ${error.message}` };
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (
    typeof code === 'string' &&
    /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_|ERR_INVALID_CERT)/.test(
      code,
    )
  ) {
    return { failed: true, reason: `TLS: ${errorMessage(error)} (${code})` };
  }
  return { failed: false, reason: errorMessage(error) };
}

function validate(config: SparkplugConnectionConfig): void {
  if (!isSparkplugId(config.hostId)) {
    throw new UserError('invalid_input', `hostId "${config.hostId}" may not contain "/", "+" or "#"`);
  }
  for (const g of config.groups) {
    if (!isSparkplugId(g))
      throw new UserError('invalid_input', `group "${g}" may not contain "/", "+" or "#"`);
  }
}

/**
 * Starts a Sparkplug host connection; it connects in the background and reconnects by itself.
 * Throws a UserError for an id with MQTT wildcards, or a TLS or password file that cannot be read.
 * @example
 * await using host = await startSparkplugConnector(
 *   SparkplugConnectionConfig.parse({ kind: 'sparkplug', id: 'line1', url: 'mqtt://broker:1883', assetRoot: 'acme/plant1' }),
 *   { sink, clock, stateDir, log },
 * );
 */
export function startSparkplugConnector(
  config: SparkplugConnectionConfig,
  deps: ConnectorDeps,
): Promise<SparkplugConnector> {
  validate(config);
  return Promise.resolve(new SparkplugHostConnector(config, deps, sparkplugClientOptions(config)));
}

export const createSparkplugConnector: ConnectorFactory<SparkplugConnectionConfig> = startSparkplugConnector;

class SparkplugHostConnector implements SparkplugConnector {
  readonly id: string;
  readonly #config: SparkplugConnectionConfig;
  readonly #deps: ConnectorDeps;
  readonly #stats: ConnectionStats;
  readonly #source: string;
  readonly #stateTopic: string;
  readonly #session: SparkplugSession;
  readonly #client: MqttClient;
  /** T of the current connection attempt: in its Will, and in the birth once connected. */
  #willTs: number;
  #inbox: Received[] = [];
  #head = 0;
  #pumping = false;
  #pumpDone: Promise<void> = Promise.resolve();
  /** The message being processed while its tags are registered: rolled back with the batches on failure. */
  #inPump: Undo | undefined;
  #batches: Batch[] = [];
  #batchTimer: NodeJS.Timeout | undefined;
  #flushing = false;
  #flushed: Promise<void> = Promise.resolve();
  /** Storing failed on this connection: drop what else arrives on it; the next one brings the redelivery. */
  #discardStream: unknown;
  /** Counts storage failures: a message whose processing spans one was rolled back with it. */
  #failures = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #refused = false;
  #storageFailing = false;
  #everConnected = false;
  /** The session was restored from a snapshot: as good as having been connected before. */
  #restored = false;
  #stopping = false;
  #stopped: Promise<void> | undefined;

  constructor(config: SparkplugConnectionConfig, deps: ConnectorDeps, options: IClientOptions) {
    this.id = config.id;
    this.#config = config;
    this.#deps = deps;
    this.#stats = new ConnectionStats(config.id, 'sparkplug', deps.clock);
    this.#source = `sparkplug:${config.id}`;
    this.#stateTopic = `${NAMESPACE}/STATE/${config.hostId}`;
    this.#session = new SparkplugSession({
      hostId: config.hostId,
      assetRoot: config.assetRoot,
      groups: config.groups,
      autoRegister: config.autoRegister,
      requestRebirth: config.requestRebirth,
      hasTag: (path) => deps.sink.hasTag(path),
    });
    if (config.assetRoot.split('/').length + 3 > MAX_ASSET_DEPTH) {
      deps.log(
        'warn',
        `sparkplug ${this.id}: assetRoot "${config.assetRoot}" leaves no room for device levels ` +
          `(<assetRoot>/<group>/<edge node>/<device> may have at most ${MAX_ASSET_DEPTH} levels); device metrics will be dead-lettered`,
      );
    }
    this.#restored = this.#restore();
    this.#willTs = deps.clock.now();
    this.#client = mqtt.connect(config.url, {
      ...options,
      will: this.#will(),
      customHandleAcks: (topic: string, payload: Uint8Array, packet: IPublishPacket, done) => {
        this.#receive(topic, payload, packet.messageId);
        done(DEFERRED_ACK);
      },
    });
    const client = this.#client;
    client.on('message', (topic, payload, packet) => {
      // Only QoS 0 deliveries get here (QoS 1 ones are taken by customHandleAcks).
      if (packet.qos === 0) this.#receive(topic, payload, undefined);
    });
    client.on('connect', (connack) => this.#onConnect(connack));
    client.on('error', (error) => this.#onError(error));
    client.on('disconnect', (packet) => {
      const reason = packet.reasonCode === undefined ? 'no reason' : `reason code ${packet.reasonCode}`;
      this.#deps.log('warn', `sparkplug ${this.id}: the broker disconnected us (${reason})`);
    });
    client.on('close', () => this.#onClose());
  }

  status(): ConnectionStatus {
    return this.#stats.snapshot();
  }

  counters(): SparkplugCounters {
    return this.#session.counters();
  }

  /** What a snapshot must have been taken under to be restored: anything that changes tags or sessions. */
  get #snapshotKey(): string {
    const { id, url, hostId, assetRoot, groups, autoRegister, clientId } = this.#config;
    return JSON.stringify({ id, url, clientId, hostId, assetRoot, groups, autoRegister });
  }

  /**
   * Restores the session saved by the last graceful stop, so that DATA queued by the broker meanwhile (the session
   * is persistent) is mapped with the BIRTHs seen before and continues their sequence, instead of waiting for a
   * rebirth. The file is removed once read: after a crash there is none, and the host starts knowing nothing, as
   * Sparkplug expects (DATA before a BIRTH → rebirth request).
   */
  #restore(): boolean {
    const file = join(this.#deps.stateDir, SNAPSHOT_FILE);
    if (!existsSync(file)) return false;
    try {
      const parsed = SessionSnapshot.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) {
        this.#deps.log(
          'warn',
          `sparkplug ${this.id}: ignoring ${file}: ${parsed.error.message.slice(0, 300)}`,
        );
        return false;
      }
      if (!this.#session.restore(parsed.data, this.#snapshotKey)) {
        this.#deps.log('info', `sparkplug ${this.id}: ignoring ${file}: saved under another configuration`);
        return false;
      }
      this.#deps.log(
        'info',
        `sparkplug ${this.id}: restored ${parsed.data.nodes.length} edge node(s) from ${file}`,
      );
      return true;
    } catch (error) {
      this.#deps.log('warn', `sparkplug ${this.id}: ignoring ${file}`, error);
      return false;
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** Saves the session for the next start; only called when everything processed is stored. */
  #save(): void {
    const file = join(this.#deps.stateDir, SNAPSHOT_FILE);
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(this.#session.snapshot(this.#snapshotKey)));
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      this.#deps.log('warn', `sparkplug ${this.id}: could not save the session to ${file}`, error);
    }
  }

  #will(): NonNullable<IClientOptions['will']> {
    return {
      topic: this.#stateTopic,
      payload: Buffer.from(statePayload(false, this.#willTs)),
      qos: 1,
      retain: true,
    };
  }

  // ── connection ────────────────────────────────────────────────────────────────────────────────────────────

  #onConnect(connack: IConnackPacket): void {
    this.#refused = false;
    if (!this.#storageFailing) this.#attempt = 0;
    this.#stats.setState('connected');
    const resumed = connack.sessionPresent;
    this.#deps.log(
      'info',
      `sparkplug ${this.id}: connected to ${this.#config.url} (${resumed ? 'session resumed' : 'new session'})`,
    );
    if ((this.#everConnected || this.#restored) && !resumed) {
      // The broker lost our session and what it had queued for us: whatever we know may be stale.
      const out = this.#session.expireAll(this.#deps.clock.now());
      this.#effects(out);
      this.#enqueue(undefined, out);
    }
    this.#everConnected = true;
    const birthTs = this.#willTs;
    const filters = sparkplugSubscriptions(this.#config);
    this.#client.subscribe(
      Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])),
      (error, granted) => {
        if (error) {
          this.#stats.error(error);
          this.#deps.log('warn', `sparkplug ${this.id}: subscribing failed`, error);
          return;
        }
        for (const g of granted ?? []) {
          if (g.qos >= 128) {
            const message = `the broker refused the subscription to "${g.topic}" (not authorised?)`;
            this.#stats.error(message);
            this.#deps.log('warn', `sparkplug ${this.id}: ${message}`);
          }
        }
        // Sparkplug 3.0 §5.3: the STATE birth comes after the subscriptions, with the Will's timestamp.
        this.#publishState(true, birthTs);
      },
    );
  }

  #publishState(online: boolean, timestamp: number): void {
    if (!this.#client.connected) return;
    this.#client.publish(
      this.#stateTopic,
      statePayload(online, timestamp),
      { qos: 1, retain: true },
      (error) => {
        if (error && !this.#stopping)
          this.#deps.log('warn', `sparkplug ${this.id}: publishing STATE failed`, error);
      },
    );
  }

  #onError(error: Error): void {
    if (error === DEFERRED_ACK) return;
    const { failed, reason } = classifyConnectError(error);
    this.#stats.error(reason);
    if (failed) {
      this.#refused = true;
      this.#stats.setState('failed');
    }
    this.#deps.log(failed ? 'error' : 'warn', `sparkplug ${this.id}: ${reason}`, error);
  }

  #onClose(): void {
    if (this.#stopping) return;
    if (!this.#refused && this.#everConnected) this.#stats.setState('disconnected');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopping || this.#reconnectTimer !== undefined) return;
    const { minMs, maxMs } = this.#config.reconnect;
    const ceiling = this.#refused ? maxMs : Math.min(maxMs, minMs * 2 ** Math.min(this.#attempt, 30));
    const delayMs = ceiling / 2 + (Math.random() * ceiling) / 2;
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#stopping) return;
      // Each connection gets its own Will timestamp, later than the last one (Sparkplug 3.0 §4.2.3.2).
      this.#willTs = Math.max(this.#deps.clock.now(), this.#willTs + 1);
      this.#client.options.will = this.#will();
      if (!this.#everConnected) this.#stats.setState('connecting');
      this.#client.reconnect();
    }, delayMs);
  }

  /** NCMD rebirth requests and STATE re-births the session asked for. */
  #effects(out: Outcome): void {
    if (out.republishState) this.#publishState(true, this.#willTs);
    for (const r of out.rebirths) {
      if (!this.#client.connected) continue;
      this.#deps.log('info', `sparkplug ${this.id}: asking ${r.group}/${r.node} for a rebirth (${r.reason})`);
      this.#client.publish(
        ncmdTopic(r.group, r.node),
        Buffer.from(encodeRebirthRequest(this.#deps.clock.now())),
        { qos: 0, retain: false },
        (error) => {
          if (error && !this.#stopping)
            this.#deps.log('warn', `sparkplug ${this.id}: rebirth request failed`, error);
        },
      );
    }
  }

  // ── receiving ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Storing failed and the connection it happened on is still the current one. */
  get #discarding(): boolean {
    return this.#discardStream !== undefined && this.#discardStream === this.#client.stream;
  }

  #receive(topic: string, payload: Uint8Array, messageId: number | undefined): void {
    if (this.#stopping || this.#discarding) return;
    this.#stats.message();
    this.#inbox.push({
      topic,
      payload,
      messageId,
      stream: this.#client.stream,
      arrival: this.#deps.clock.now(),
    });
    if (!this.#pumping) {
      this.#pumping = true;
      this.#pumpDone = this.#pump();
    }
  }

  /** Processes the inbox in arrival order; synchronous unless a BIRTH brings tags to register. */
  async #pump(): Promise<void> {
    try {
      while (this.#head < this.#inbox.length) {
        const m = this.#inbox[this.#head];
        this.#head++;
        if (m === undefined) continue;
        const out = this.#session.handle(m.topic, m.payload, m.arrival);
        this.#effects(out);
        if (out.registrations.length > 0) {
          const failures = this.#failures;
          this.#inPump = out.undo;
          try {
            await this.#register(m.topic, out);
          } catch (error) {
            this.#storageFailed(error);
            continue;
          } finally {
            this.#inPump = undefined;
          }
          // Storing failed meanwhile: this message was rolled back with the rest and will be redelivered.
          if (this.#failures !== failures) continue;
        }
        this.#enqueue(m, out);
      }
      this.#inbox = [];
      this.#head = 0;
    } catch (error) {
      // A bug, not bad input (handle() never throws for input): keep the connector alive and say so.
      this.#stats.error(error);
      this.#deps.log('error', `sparkplug ${this.id}: processing a message failed unexpectedly`, error);
      this.#storageFailed(error);
    } finally {
      this.#pumping = false;
    }
  }

  /** Creates the tags a BIRTH defines; a refused one (bad input) is dead-lettered and its samples dropped. */
  async #register(topic: string, out: Outcome): Promise<void> {
    let created = 0;
    const refused = new Set<string>();
    for (const r of out.registrations) {
      try {
        if (await this.#deps.sink.registerTag(r.tag)) created++;
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const reason = `auto-registration of tag "${clip(r.path)}" was refused: ${error.message}`;
        this.#session.registrationRefused(r.path, reason);
        out.letters.push({ topic, reason, payload: r.tag });
        refused.add(r.path);
      }
    }
    if (refused.size > 0) {
      const kept = out.samples.filter((s) => !refused.has(s.tag));
      out.samples.length = 0;
      out.samples.push(...kept);
    }
    if (created > 0)
      this.#deps.log('info', `sparkplug ${this.id}: registered ${created} tag(s) from ${topic}`);
  }

  // ── storing and acknowledging ─────────────────────────────────────────────────────────────────────────────

  /** Adds a processed message (or, without one, the samples of a session expiry) to the open batch. */
  #enqueue(m: Received | undefined, out: Outcome): void {
    let batch = this.#batches[this.#batches.length - 1];
    if (
      batch === undefined ||
      batch.messages.length >= BATCH_MAX_MESSAGES ||
      batch.samples.length >= BATCH_MAX_SAMPLES
    ) {
      batch = newBatch();
      this.#batches.push(batch);
    }
    for (const s of out.samples) batch.samples.push(s);
    for (const l of out.letters) batch.letters.push(l);
    if (m !== undefined) batch.messages.push(m);
    if (out.undo !== undefined) batch.undos.push(out.undo);
    if (this.#batches.length > 1 || batch.messages.length >= BATCH_MAX_MESSAGES) this.#kick();
    else this.#batchTimer ??= setTimeout(() => this.#kick(), BATCH_WAIT_MS);
  }

  /** Starts storing the batches, unless a store is running (it goes on with what accumulated). */
  #kick(): void {
    if (this.#batchTimer !== undefined) {
      clearTimeout(this.#batchTimer);
      this.#batchTimer = undefined;
    }
    if (this.#flushing || this.#batches.length === 0) return;
    this.#flushing = true;
    this.#flushed = this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      for (let batch = this.#batches.shift(); batch !== undefined; batch = this.#batches.shift()) {
        if (!(await this.#store(batch))) break;
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Stores one batch and acknowledges it; false when storing failed (the connection is then dropped). */
  async #store(batch: Batch): Promise<boolean> {
    let outcome: IngestOutcome | undefined;
    try {
      [outcome] = await Promise.all([
        batch.samples.length > 0 ? this.#deps.sink.writeSamples(batch.samples, this.#source) : undefined,
        ...batch.letters.map((l) =>
          this.#deps.sink.deadLetter(`${this.#source}:${clip(l.topic)}`, l.reason, l.payload),
        ),
      ]);
    } catch (error) {
      this.#storageFailed(error, batch);
      return false;
    }
    this.#stats.stored(outcome?.accepted ?? 0, outcome?.rejected ?? 0);
    this.#stats.deadLettered(batch.letters.length);
    this.#storageFailing = false;
    this.#session.commit(batch.undos);
    this.#acknowledge(batch.messages);
    return true;
  }

  /**
   * Nothing unstored is acknowledged: the session forgets those messages, and the connection is dropped so the
   * broker redelivers them after a back-off.
   */
  #storageFailed(error: unknown, failed?: Batch): void {
    const undos = [...(failed?.undos ?? []), ...this.#batches.flatMap((b) => b.undos)];
    if (this.#inPump !== undefined) undos.push(this.#inPump);
    const count = (failed?.messages.length ?? 0) + this.#batches.reduce((n, b) => n + b.messages.length, 0);
    this.#session.rollback(undos);
    this.#batches = [];
    this.#inbox = [];
    this.#head = 0;
    this.#failures++;
    if (this.#discarding) return; // this connection is being dropped already
    this.#stats.error(error);
    this.#deps.log(
      'error',
      `sparkplug ${this.id}: storing failed; ${count} message(s) stay unacknowledged and the connection is dropped ` +
        'so that the broker redelivers them',
      error,
    );
    this.#discardStream = this.#client.stream;
    this.#storageFailing = true;
    if (!this.#stopping) this.#client.stream.destroy();
  }

  /** PUBACKs for a stored batch, in arrival order, on the connection each message came in on if still open. */
  #acknowledge(messages: readonly Received[]): void {
    const stream = this.#client.stream;
    if (!this.#client.connected || stream.destroyed) return;
    const ids: number[] = [];
    for (const m of messages) if (m.messageId !== undefined && m.stream === stream) ids.push(m.messageId);
    if (ids.length > 0) stream.write(pubackPackets(ids));
  }

  // ── stopping ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Stores and acknowledges what was received, publishes STATE offline and disconnects. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopped ??= this.#stop();
    await this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    await this.#pumpDone;
    this.#kick();
    await this.#flushed;
    clearTimeout(this.#batchTimer);
    // Nothing arrives any more (#receive drops it, unacknowledged) and what was processed is stored or rolled back.
    this.#save();
    const client = this.#client;
    if (client.connected) {
      // Sparkplug 3.0 §5.3: an intentional disconnect publishes the death STATE first, then DISCONNECT.
      const offline = statePayload(false, Math.max(this.#deps.clock.now(), this.#willTs));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, END_TIMEOUT_MS);
        client.publish(this.#stateTopic, offline, { qos: 1, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, {}, () => resolve()), END_TIMEOUT_MS);
      client.end(!client.connected, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.#stats.setState('stopped');
  }
}
