/**
 * The MQTT / Unified Namespace connector: subscribes to a plant's own broker and stores what it publishes.
 *
 * **Acknowledged means stored.** The session is persistent (MQTT 5, Clean Start off, a session expiry of
 * `SESSION_EXPIRY_S`) and subscriptions are QoS 1, so the broker keeps every message until Gemba sends its
 * PUBACK, across disconnects of either side. Gemba sends that PUBACK only after `sink.writeSamples` (and the
 * dead letters of the batch) resolved, i.e. once the ingest pipeline made them durable. A storage failure sends
 * no PUBACK: the connection is closed (after the PUBACKs of earlier batches went out), what still arrives on it
 * is left alone, and after a back-off the broker redelivers the messages.
 *
 * **Batching without giving up ack-after-store.** mqtt.js handles incoming packets one at a time: with
 * `customHandleAcks` its next packet is read only once the callback ran, and the callback sends the PUBACK. Delaying
 * it until a store commit would store one message per commit (measured: 2,000 messages with a 2 ms "store" took
 * 4.8 s). So the handler takes the message into the current batch and releases mqtt.js at once with the one
 * outcome that sends no PUBACK (an error, the `DEFERRED_ACK` sentinel, which the error listener ignores). The batch
 * (up to `BATCH_MAX` messages or `BATCH_WAIT_MS` after its first) goes to the sink in one `writeSamples`; when that
 * resolved, the PUBACKs of the whole batch are written in arrival order (MQTT 5 §4.6) as one buffer of 4-byte
 * packets (`0x40 0x02 <id>`, §3.4) on the connection the messages came in on, and only if that connection is
 * still the open one: a packet id means nothing on a later connection. Batches are stored one at a time.
 * The broker is asked (MQTT 5 Receive Maximum) to keep at most `RECEIVE_MAXIMUM` messages unacknowledged with
 * us, which bounds memory and batch size (Mosquitto 2.0.11 overshoots it by a few messages).
 *
 * **No duplicates from redelivery.** QoS 1 is at-least-once. Verified with Mosquitto 2.0.11 (a test in
 * test/integration/mqtt-connector.test.ts keeps it honest): when the session resumes, after a reconnect and after
 * a broker restart from its persistence file, every message sent to us and not yet acknowledged is sent again
 * with DUP set; acknowledged ones are not. Such a message may already be stored: its PUBACKs were still in our
 * socket buffer, or the batch was stored after the connection dropped. In the broker-restart test about 1,000 of
 * 20,000 messages came twice this way, and now and then one came again with DUP clear: a publisher's own resend
 * after the restart, whose DUP flag the broker does not forward (MQTT 5 §3.3.1.1). So the DUP flag cannot be
 * the test. Instead every stored sample that carries its own timestamp leaves a key (tag, ts, value, quality)
 * in a bounded memory of the last `RECENT_KEYS` samples (recent-keys.ts), consulted for every message (a Set
 * lookup): an identical sample is acknowledged and not stored again. Identical in all four fields means storing
 * it again would add nothing, so a correction (same time, another value) is still stored. Keys are remembered
 * only once their batch is stored, and batches are stored one at a time, so a redelivery arriving during a store
 * is checked after that store finished. Limits, by design: a sample without a payload timestamp is stamped on
 * arrival and cannot be told apart from a repeated reading, so it is stored at least once (publish timestamps to
 * get exactly once); the memory lives in the process, so if Gemba is killed between storing a batch and sending
 * its PUBACKs, that batch is stored again on restart (a graceful stop stores, acknowledges, then disconnects).
 *
 * **Reconnects** use exponential back-off from `reconnect.minMs` to `reconnect.maxMs` with equal jitter. A refusal
 * for credentials or a TLS failure sets the state `failed` with the reason in `lastError` and keeps retrying at the
 * maximum back-off until the broker accepts (its user list or ACL may be fixed meanwhile).
 *
 * Mapping rules (formats, timestamps, values) are in mapping.ts.
 */
import mqtt, { ErrorWithReasonCode, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import {
  type ConnectorDeps,
  type ConnectorFactory,
  type Connector,
  type ConnectionStatus,
  type IngestOutcome,
  type MqttConnectionConfig,
  type MqttSubscription,
  type TagInput,
  OperationalError,
  UserError,
  matchesAllowList,
  splitTagPath,
} from '../../../domain/index.js';
import { ConnectionStats } from '../connection-stats.js';
import {
  type Mapped,
  type MappedSample,
  isPlausibleTagPath,
  mapJsonMessage,
  mapUnsMessage,
  payloadText,
  topicMatches,
} from './mapping.js';
import { RecentKeys } from './recent-keys.js';
import { pubackPackets } from './puback.js';
import { MAX_PACKET_BYTES, SESSION_EXPIRY_S, sessionOptions } from './mqtt.session.js';

export { MAX_PACKET_BYTES, SESSION_EXPIRY_S };

/** Flush a batch this long after its first message… */
export const BATCH_WAIT_MS = 5;
/** …or as soon as it holds this many. */
export const BATCH_MAX = 5_000;
/** Unacknowledged messages the broker may have in flight to us (MQTT 5 Receive Maximum): bounds memory. */
export const RECEIVE_MAXIMUM = 20_000;
/** Sample keys remembered to recognise redeliveries: several times the most that can be in flight. */
export const RECENT_KEYS = 100_000;
/**
 * Payload bytes held (received, not yet stored) before mqtt.js is made to stop reading: Receive Maximum bounds
 * the count of messages, this their size (20,000 messages of up to 16 MiB would not fit in memory).
 */
export const MAX_HELD_BYTES = 64 * 1024 * 1024;
/** Bytes of a bad payload kept in its dead letter. */
const DEAD_LETTER_BYTES = 4096;
const END_TIMEOUT_MS = 2_000;

/** Released to mqtt.js instead of a reason code: "read on, send no PUBACK"; never thrown, never reported. */
const DEFERRED_ACK = new OperationalError('cancelled', 'PUBACK deferred until the message is stored');

/** CONNACK reason codes that retrying with the same settings cannot fix (MQTT 5 §3.2.2.2). */
const REFUSALS_NEEDING_CHANGE = new Set([132, 133, 134, 135, 138, 140]);

interface Received {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** Undefined for QoS 0: nothing to acknowledge. */
  readonly messageId: number | undefined;
  /** The connection it came in on; its PUBACK goes out only there. */
  readonly stream: unknown;
  readonly arrivalTs: number;
}

interface Letter {
  readonly topic: string;
  readonly reason: string;
  readonly payload: string;
}

interface CompiledSubscription {
  readonly filter: string;
  map(topic: string, text: string, arrivalTs: number): Mapped;
}

function compile(sub: MqttSubscription): CompiledSubscription {
  return {
    filter: sub.topic,
    map:
      sub.format === 'json'
        ? (topic, text, arrivalTs) => mapJsonMessage(topic, text, sub, arrivalTs)
        : (topic, text, arrivalTs) => mapUnsMessage(topic, text, sub.prefix, arrivalTs),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** mqtt.js options for a connection; TLS files and the password file are read here, once, at start. */
export function clientOptions(config: MqttConnectionConfig): IClientOptions {
  return {
    ...sessionOptions(config, RECEIVE_MAXIMUM),
    // mqtt.js logs every packet through `debug`; formatting those calls costs ~3 % of the CPU at 60,000 msg/s.
    log: () => undefined,
  };
}

const UNTRUSTED = "cannot verify the broker's certificate; set tls.ca to the CA that signed it";
const TLS_HINTS: Readonly<Record<string, string>> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    'the broker requires a client certificate (tls.cert and tls.key)',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the broker rejected the client certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the broker does not trust the CA of the client certificate',
  SELF_SIGNED_CERT_IN_CHAIN: `self-signed certificate in the chain: ${UNTRUSTED}`,
  DEPTH_ZERO_SELF_SIGNED_CERT: `self-signed certificate: ${UNTRUSTED}`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
  CERT_HAS_EXPIRED: "the broker's certificate has expired",
};

/** An OpenSSL message without its file and line noise. */
function tlsMessage(error: unknown): string {
  const text = errorMessage(error).split('\n')[0] ?? '';
  const m = /routines:[^:]*:([^:]+)/.exec(text);
  return m?.[1] ?? text;
}

/** Why a connection attempt failed, and whether retrying unchanged can help (`failed` when not). */
export function classifyConnectError(error: unknown): { failed: boolean; reason: string } {
  if (error instanceof ErrorWithReasonCode && REFUSALS_NEEDING_CHANGE.has(error.code)) {
    // Mosquitto answers a wrong password with 135 (not authorised), others with 134.
    const hint =
      error.code === 134 || error.code === 135
        ? ' (check username and password / passwordFile, the client certificate, and the broker ACL)'
        : '';
    return { failed: true, reason: `the broker refused the connection: ${error.message}${hint}` };
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (
    typeof code === 'string' &&
    /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_|ERR_INVALID_CERT)/.test(
      code,
    )
  ) {
    return { failed: true, reason: `TLS: ${TLS_HINTS[code] ?? tlsMessage(error)} (${code})` };
  }
  return { failed: false, reason: errorMessage(error) };
}

/**
 * Starts a connector for an external MQTT broker; it connects in the background and reconnects by itself.
 * Throws a UserError when a TLS or password file cannot be read.
 * @example
 * await using broker = await createMqttConnector(
 *   MqttConnectionConfig.parse({ kind: 'mqtt', id: 'line1', url: 'mqtt://broker:1883', subscriptions: [{ topic: 'acme/#' }] }),
 *   { sink, clock, stateDir, log },
 * );
 */
export const createMqttConnector: ConnectorFactory<MqttConnectionConfig> = async (config, deps) => {
  const options = clientOptions(config);
  return Promise.resolve(new MqttConnector(config, deps, options));
};

class MqttConnector implements Connector {
  readonly id: string;
  readonly #config: MqttConnectionConfig;
  readonly #deps: ConnectorDeps;
  readonly #stats: ConnectionStats;
  readonly #source: string;
  readonly #subscriptions: readonly CompiledSubscription[];
  readonly #recent = new RecentKeys(RECENT_KEYS);
  readonly #client: MqttClient;
  #pending: Received[] = [];
  #batchTimer: NodeJS.Timeout | undefined;
  #draining = false;
  #drained: Promise<void> = Promise.resolve();
  #reconnectTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  /** The last attempt failed for credentials or TLS: retry at the maximum back-off. */
  #refused = false;
  /** The last connection was dropped because storing failed: back off instead of reconnecting at once. */
  #storageFailing = false;
  #everConnected = false;
  /** A connection being closed after a storage failure: what still arrives on it is left to redelivery. */
  #abandoned: unknown;
  /** Payload bytes received and not yet stored or dropped, against MAX_HELD_BYTES. */
  #heldBytes = 0;
  /** Lets mqtt.js read on, once held bytes fell below the budget. */
  #paused: (() => void) | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;

  constructor(config: MqttConnectionConfig, deps: ConnectorDeps, options: IClientOptions) {
    this.id = config.id;
    this.#config = config;
    this.#deps = deps;
    this.#stats = new ConnectionStats(config.id, 'mqtt', deps.clock);
    this.#source = `mqtt:${config.id}`;
    this.#subscriptions = config.subscriptions.map(compile);
    this.#client = mqtt.connect(config.url, {
      ...options,
      customHandleAcks: (topic: string, payload: Uint8Array, packet: IPublishPacket, done) => {
        if (!this.#stopping) this.#receive(topic, payload, packet.messageId);
        // Over the byte budget, mqtt.js reads no further packet (TCP back-pressure) until a batch is stored.
        if (this.#heldBytes > MAX_HELD_BYTES) this.#paused = () => done(DEFERRED_ACK);
        else done(DEFERRED_ACK);
      },
    });
    const client = this.#client;
    client.on('message', (topic, payload, packet) => {
      // Only QoS 0 deliveries get here (a publisher's QoS 0 is not raised by our QoS 1 subscription).
      if (packet.qos === 0 && !this.#stopping) this.#receive(topic, payload, undefined);
    });
    client.on('connect', (connack) => this.#onConnect(connack.sessionPresent));
    client.on('error', (error) => this.#onError(error));
    client.on('disconnect', (packet) => {
      const reason = packet.reasonCode === undefined ? 'no reason' : `reason code ${packet.reasonCode}`;
      this.#deps.log('warn', `mqtt ${this.id}: the broker disconnected us (${reason})`);
    });
    client.on('close', () => this.#onClose());
  }

  status(): ConnectionStatus {
    return this.#stats.snapshot();
  }

  #onConnect(sessionPresent: boolean): void {
    this.#refused = false;
    this.#everConnected = true;
    if (!this.#storageFailing) this.#attempt = 0;
    this.#stats.setState('connected');
    this.#deps.log(
      'info',
      `mqtt ${this.id}: connected to ${this.#config.url} (${sessionPresent ? 'session resumed' : 'new session'})`,
    );
    // Subscribing again on a resumed session is harmless, and picks up subscriptions added to the configuration.
    // Retain handling 1: retained messages only when the subscription is new, not on every reconnect.
    const topics = Object.fromEntries(
      this.#config.subscriptions.map((s) => [s.topic, { qos: 1 as const, rh: 1 }]),
    );
    this.#client.subscribe(topics, (error, granted) => {
      if (error) {
        this.#stats.error(error);
        this.#deps.log('warn', `mqtt ${this.id}: subscribing failed`, error);
        return;
      }
      for (const g of granted ?? []) {
        if (g.qos === 128) {
          const message = `the broker refused the subscription to "${g.topic}" (not authorised?)`;
          this.#stats.error(message);
          this.#deps.log('warn', `mqtt ${this.id}: ${message}`);
        }
      }
    });
  }

  #onError(error: Error): void {
    if (error === DEFERRED_ACK) return;
    const { failed, reason } = classifyConnectError(error);
    this.#stats.error(reason);
    // `failed` lasts while the reason lasts: a broker that is merely unreachable now is `disconnected` again.
    this.#refused = failed;
    if (failed) this.#stats.setState('failed');
    this.#deps.log(failed ? 'error' : 'warn', `mqtt ${this.id}: ${reason}`, error);
  }

  #onClose(): void {
    // What arrived on the closed connection and is not yet in a store call is left to the broker to redeliver.
    this.#dropPending();
    if (this.#stopping) return;
    // Until the first connection the state is `connecting` (or `failed`), so `reconnects` counts real ones.
    if (!this.#refused) this.#stats.setState(this.#everConnected ? 'disconnected' : 'connecting');
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
      if (!this.#stopping) this.#client.reconnect();
    }, delayMs);
  }

  #receive(topic: string, payload: Uint8Array, messageId: number | undefined): void {
    const stream = this.#client.stream;
    if (stream === this.#abandoned) return;
    this.#heldBytes += payload.byteLength;
    const arrivalTs = this.#deps.clock.now();
    this.#stats.message();
    this.#pending.push({ topic, payload, messageId, stream, arrivalTs });
    if (this.#pending.length >= BATCH_MAX) this.#kick();
    else this.#batchTimer ??= setTimeout(() => this.#kick(), BATCH_WAIT_MS);
  }

  /** Forgets what was received and not yet taken into a store call (the broker redelivers it). */
  #dropPending(): void {
    const dropped = this.#pending;
    this.#pending = [];
    this.#release(dropped);
  }

  /** Messages done with (stored, or left to redelivery): their bytes leave the budget. */
  #release(messages: readonly Received[]): void {
    for (const m of messages) this.#heldBytes -= m.payload.byteLength;
    if (this.#paused !== undefined && this.#heldBytes <= MAX_HELD_BYTES) {
      const resume = this.#paused;
      this.#paused = undefined;
      resume();
    }
  }

  /** Starts storing what is pending, unless a store is running (it takes what accumulated when it ends). */
  #kick(): void {
    if (this.#batchTimer !== undefined) {
      clearTimeout(this.#batchTimer);
      this.#batchTimer = undefined;
    }
    if (this.#draining || this.#pending.length === 0) return;
    this.#draining = true;
    this.#drained = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        try {
          await this.#store(batch);
        } catch (error) {
          // A bug, not bad data (that is dead-lettered): treated like a storage failure, nothing acknowledged.
          this.#storageFailed(error, batch.length);
        }
        this.#release(batch);
      }
    } finally {
      this.#draining = false;
    }
  }

  #route(topic: string): CompiledSubscription | undefined {
    for (const s of this.#subscriptions) if (topicMatches(s.filter, topic)) return s;
    return undefined;
  }

  #map(m: Received): Mapped {
    const subscription = this.#route(m.topic);
    if (subscription === undefined) {
      // A subscription of an earlier configuration that the broker's session still holds.
      return { kind: 'invalid', reason: 'no configured subscription matches this topic' };
    }
    const text = payloadText(m.payload);
    if (typeof text === 'object') return { kind: 'invalid', reason: text.reason };
    return subscription.map(m.topic, text, m.arrivalTs);
  }

  /** Stores one batch, then acknowledges it; a storage failure closes the connection instead. */
  async #store(batch: readonly Received[]): Promise<void> {
    const samples: Array<{ sample: MappedSample; message: Received }> = [];
    const events: unknown[] = [];
    const letters: Letter[] = [];
    const keys = new Set<string>();
    const unknownTags = new Map<string, TagInput>();
    let duplicates = 0;
    const letter = (m: Received, reason: string): void => {
      letters.push({ topic: m.topic, reason, payload: preview(m.payload) });
    };

    for (const m of batch) {
      const mapped = this.#map(m);
      if (mapped.kind === 'invalid') {
        letter(m, mapped.reason);
        continue;
      }
      if (mapped.kind === 'events') {
        // Events are keyed by their text: the same event text on the same asset topic is a redelivery.
        const key =
          m.payload.byteLength <= DEAD_LETTER_BYTES
            ? `\u0001${m.topic}\u0000${preview(m.payload)}`
            : undefined;
        if (key !== undefined && (this.#recent.has(key) || keys.has(key))) {
          duplicates++;
          continue;
        }
        if (key !== undefined) keys.add(key);
        events.push(...mapped.items);
        continue;
      }
      const s = mapped.sample;
      const key = mapped.stamped ? undefined : `${s.tag}\u0000${s.ts}\u0000${s.value}\u0000${s.quality}`;
      if (key !== undefined && (this.#recent.has(key) || keys.has(key))) {
        duplicates++;
        continue;
      }
      if (!this.#deps.sink.hasTag(s.tag) && !unknownTags.has(s.tag)) {
        const refusal = this.#autoRegistration(s);
        if (typeof refusal === 'string') {
          letter(m, refusal);
          continue;
        }
        unknownTags.set(s.tag, refusal);
      }
      if (key !== undefined) keys.add(key);
      samples.push({ sample: s, message: m });
    }

    try {
      const refused = await this.#register(unknownTags);
      const stored: MappedSample[] = [];
      for (const { sample, message } of samples) {
        const reason = refused.get(sample.tag);
        if (reason === undefined) stored.push(sample);
        else letter(message, reason);
      }
      const [sampleOutcome, eventOutcome] = await Promise.all([
        stored.length > 0 ? this.#deps.sink.writeSamples(stored, this.#source) : undefined,
        events.length > 0 ? this.#deps.sink.writeEvents(events, this.#source) : undefined,
        ...letters.map((l) => this.#deps.sink.deadLetter(`${this.#source}:${l.topic}`, l.reason, l.payload)),
      ]);
      this.#stored(sampleOutcome, eventOutcome, letters.length);
    } catch (error) {
      this.#storageFailed(error, batch.length);
      return;
    }
    this.#storageFailing = false;
    for (const key of keys) this.#recent.add(key);
    if (duplicates > 0) {
      this.#deps.log(
        'info',
        `mqtt ${this.id}: ${duplicates} redelivered message(s) were stored before; not again`,
      );
    }
    this.#acknowledge(batch);
  }

  /** The tag to create for an unknown tag path, or the reason the sample is dead-lettered instead. */
  #autoRegistration(s: MappedSample): TagInput | string {
    const { enabled, allow } = this.#config.autoRegister;
    if (!enabled) return `unknown tag "${clip(s.tag)}" (auto-registration is off for this connection)`;
    if (!matchesAllowList(s.tag, allow)) {
      return `unknown tag "${clip(s.tag)}" (not in autoRegister.allow of this connection)`;
    }
    if (!isPlausibleTagPath(s.tag)) {
      return `cannot register "${clip(s.tag)}": a tag path is 2 to 7 levels of [A-Za-z0-9_.-]`;
    }
    const { asset, name } = splitTagPath(s.tag);
    return {
      asset,
      name,
      dataType: typeof s.value === 'boolean' ? 'boolean' : 'float',
      source: { adapter: 'mqtt', address: s.tag },
    };
  }

  /**
   * Creates the tags; returns those refused for their input (dead-lettered with the reason). A transient
   * failure (storage) propagates: the batch is then not acknowledged.
   */
  async #register(tags: ReadonlyMap<string, TagInput>): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    for (const [path, tag] of tags) {
      try {
        if (await this.#deps.sink.registerTag(tag)) {
          this.#deps.log('info', `mqtt ${this.id}: registered tag ${path}`);
        }
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        failed.set(path, `auto-registration of "${clip(path)}" was refused: ${error.message}`);
      }
    }
    return failed;
  }

  #stored(samples: IngestOutcome | undefined, events: IngestOutcome | undefined, letters: number): void {
    const accepted = (samples?.accepted ?? 0) + (events?.accepted ?? 0);
    const rejected = (samples?.rejected ?? 0) + (events?.rejected ?? 0);
    this.#stats.stored(accepted, rejected);
    this.#stats.deadLettered(letters);
  }

  #storageFailed(error: unknown, count: number): void {
    this.#stats.error(error);
    this.#deps.log(
      'error',
      `mqtt ${this.id}: storing ${count} message(s) failed; they stay unacknowledged and the connection is ` +
        'dropped so that the broker redelivers them',
      error,
    );
    this.#storageFailing = true;
    this.#dropPending();
    if (this.#stopping) return;
    // end(), not destroy(): PUBACKs of earlier, stored batches still in the socket buffer go out first.
    const stream = this.#client.stream;
    this.#abandoned = stream;
    stream.end();
    setTimeout(() => stream.destroy(), END_TIMEOUT_MS).unref();
  }

  /** PUBACKs for a stored batch, in arrival order, on the connection each message came in on if still open. */
  #acknowledge(batch: readonly Received[]): void {
    const stream = this.#client.stream;
    if (!this.#client.connected || stream.destroyed || stream === this.#abandoned) return;
    const ids: number[] = [];
    for (const m of batch) if (m.messageId !== undefined && m.stream === stream) ids.push(m.messageId);
    if (ids.length > 0) stream.write(pubackPackets(ids));
  }

  /** Stores and acknowledges what was received, then disconnects; the broker keeps the session for the next start. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopped ??= this.#stop();
    await this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#kick();
    await this.#drained;
    const client = this.#client;
    await new Promise<void>((resolve) => {
      // A second end() while one is under way returns at once; a stuck socket is destroyed instead.
      const timer = setTimeout(() => {
        client.stream.destroy();
        resolve();
      }, END_TIMEOUT_MS);
      client.end(!client.connected, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.#stats.setState('stopped');
  }
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const lenient = new TextDecoder('utf-8', { fatal: false });

/** A bad payload as dead-letter text: its first 4 kB, invalid UTF-8 shown as U+FFFD. */
function preview(payload: Uint8Array): string {
  return payload.byteLength <= DEAD_LETTER_BYTES
    ? lenient.decode(payload)
    : `${lenient.decode(payload.subarray(0, DEAD_LETTER_BYTES))}…`;
}
