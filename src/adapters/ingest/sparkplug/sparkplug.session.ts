/**
 * What a Sparkplug host application knows about the namespace (Sparkplug 3.0 §5): each edge node's and device's
 * metric definitions from their BIRTH certificates, whether they are online, their sequence numbers; and the
 * turning of each message into samples, dead letters, tag registrations and rebirth requests. No I/O: the
 * connector feeds it messages and carries out what it returns. `handle` never throws.
 *
 * Behaviour, by message type:
 * - **NBIRTH** starts an edge node session: its metrics (name, alias, datatype) become the node's table, each
 *   numeric metric a tag (sparkplug.mapping.ts), registered when `autoRegister` allows; its values are stored.
 *   The node's devices are forgotten until their own DBIRTH. `bdSeq` and `Node Control/*` / `Device Control/*`
 *   metrics are session control, not samples.
 * - **DBIRTH** does the same for a device of an online node.
 * - **NDATA / DDATA**: metrics by alias, or by name when they carry no alias → samples. `is_null` → a `bad`
 *   sample holding the last known value (0 when none); the `Quality` property → quality.
 * - **NDEATH** whose `bdSeq` matches the NBIRTH's ends the session: every metric of the node and of its devices
 *   that has a value gets a `bad` sample with its last value at the death's arrival time (never before the
 *   metric's last sample). An NDEATH with another `bdSeq` is a stale Will from an earlier connection and is
 *   ignored (counted). **DDEATH** does the same for one device, at the payload's timestamp. DATA that arrives
 *   after the NDEATH but continues the ended session's `seq` was published before the node lost its connection
 *   (a QoS 1 resend after a broker restart comes after the Will the broker sent on shutdown): it is stored with
 *   the ended session's definitions (counted as `lateValues`), anything else waits for the next NBIRTH.
 * - **Sequence numbers** (0–255, wrapping, one counter per edge node over NBIRTH, DBIRTH, NDATA, DDATA, DDEATH):
 *   a message whose `seq` is not the one expected is a gap. The host then asks for a rebirth (NCMD
 *   `Node Control/Rebirth` = true) and still stores what it can map: the Reorder Timeout of Sparkplug 3.0 §5.9
 *   is 0, because one MQTT connection delivers a publisher's messages in order.
 * - **Rebirth requests** also follow a DATA or DBIRTH before the node's NBIRTH, a DDATA before the device's
 *   DBIRTH, and a metric whose alias or name is not in the BIRTH. What cannot be mapped is dead-lettered with
 *   the reason. At most one request per edge node per `REBIRTH_RETRY_MS` until its NBIRTH arrives.
 * - **STATE** of this host with `online: false` (a Will from an earlier connection, delivered late) → publish
 *   the birth again (Sparkplug 3.0 §5.3); other hosts' STATE and all NCMD / DCMD are ignored.
 *
 * **Redeliveries.** QoS 1 is at-least-once: the broker resends what we had not acknowledged when a connection
 * dropped (with DUP set), and an edge node's own resend after a broker restart reaches us as a new message
 * (DUP is not forwarded). So the DUP flag is not the test. Every Sparkplug payload carries its edge node's
 * `seq` and a timestamp; a message that is byte for byte one we processed recently (SHA-1 of topic and payload,
 * the last `RECENT_MESSAGES`), and whose `seq` is not the one expected next, is a redelivery: it is
 * acknowledged and not stored again. A message is remembered as soon as it is processed and kept once its batch
 * is stored; when storing fails, `rollback` forgets the batch's messages and puts each node's expected `seq`
 * back, so the broker's redelivery is processed as new.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type Quality,
  type TagInput,
  MAX_ASSET_DEPTH,
  isValidPath,
  matchesAllowList,
} from '../../../domain/index.js';
import { type SparkplugMetric, type SparkplugPayload, decodeSparkplugPayload } from './sparkplug.codec.js';
import {
  datatypeName,
  describeMetric,
  isValidTimestamp,
  numericValue,
  qualityOf,
  tagDataType,
  toPathSegment,
} from './sparkplug.mapping.js';
import { type SparkplugTopic, NAMESPACE, parseSparkplugTopic } from './sparkplug.topic.js';

/** A rebirth is asked again only after this long without the NBIRTH it asked for. */
export const REBIRTH_RETRY_MS = 5_000;
/** Messages remembered to recognise a redelivery: far more than can be in flight (RECEIVE_MAXIMUM). */
export const RECENT_MESSAGES = 50_000;
/** Edge nodes and devices (per node) tracked at most; beyond, their messages are dead-lettered. */
export const MAX_NODES = 10_000;
export const MAX_DEVICES_PER_NODE = 10_000;
/** Bytes of an undecodable payload kept in its dead letter (as base64). */
const LETTER_BYTES = 2_048;
/** Metrics listed in a dead letter at most. */
const LETTER_METRICS = 50;

export interface SparkplugSessionOptions {
  readonly hostId: string;
  readonly assetRoot: string;
  /** Group ids to accept; empty: all. */
  readonly groups: readonly string[];
  readonly autoRegister: { readonly enabled: boolean; readonly allow: readonly string[] };
  readonly requestRebirth: boolean;
  /** Whether a tag exists already (it is then used even when auto-registration would not create it). */
  readonly hasTag: (path: string) => boolean;
}

export interface SampleItem {
  readonly tag: string;
  readonly ts: number;
  readonly value: number;
  readonly quality: Quality;
}

export interface Letter {
  readonly topic: string;
  readonly reason: string;
  readonly payload: unknown;
}

export interface Registration {
  readonly path: string;
  readonly tag: TagInput;
}

export interface RebirthRequest {
  readonly group: string;
  readonly node: string;
  readonly reason: string;
}

/** How to take back what processing one message changed, if its batch cannot be stored. */
export interface Undo {
  readonly node: NodeState;
  readonly digest: string;
  readonly expectedBefore: number | undefined;
}

export interface Outcome {
  readonly samples: SampleItem[];
  readonly letters: Letter[];
  /** Tags to create before the samples are written. */
  readonly registrations: Registration[];
  readonly rebirths: RebirthRequest[];
  /** This host's STATE was seen offline: publish the birth again. */
  republishState: boolean;
  /** A redelivery of a message already processed: acknowledge, store nothing. */
  duplicate: boolean;
  undo: Undo | undefined;
}

export interface SparkplugCounters {
  births: number;
  deaths: number;
  /** NDEATHs whose bdSeq did not match the NBIRTH's: Wills of earlier connections. */
  staleDeaths: number;
  duplicates: number;
  seqGaps: number;
  rebirthRequests: number;
  /** DATA metrics whose alias or name was not in the BIRTH. */
  unknownMetrics: number;
  /** Values of metrics that are not samples (strings, bytes, datasets, templates, control metrics). */
  skippedValues: number;
  /** Values of numeric metrics that have no tag (auto-registration off or not allowed): see their BIRTH's dead letter. */
  unmappedValues: number;
  /** DATA messages of an ended session delivered after its NDEATH, continuing its seq: stored. */
  lateValues: number;
  /** Commands, other hosts' STATE, deaths of unknown or offline nodes. */
  ignored: number;
}

type Role = 'sample' | 'skip' | 'control' | 'invalid';

interface MetricDef {
  readonly name: string;
  readonly alias: number | undefined;
  readonly datatype: number;
  role: Role;
  /** The tag, when the metric is stored. */
  path: string | undefined;
  /** Why an `invalid` metric's values, or a `sample` metric without a path, are not stored. */
  reason: string | undefined;
  last: number | undefined;
  lastTs: number;
  sampled: boolean;
}

interface MetricTable {
  readonly byAlias: Map<number, MetricDef>;
  readonly byName: Map<string, MetricDef>;
  readonly byPath: Map<string, MetricDef>;
}

interface DeviceState {
  online: boolean;
  table: MetricTable;
}

export interface NodeState {
  readonly group: string;
  readonly node: string;
  online: boolean;
  /** Its session ended by NDEATH (or a lost broker session): DATA continuing its seq is late, not unborn. */
  ended: boolean;
  bdSeq: number | undefined;
  expectedSeq: number | undefined;
  table: MetricTable;
  readonly devices: Map<string, DeviceState>;
  rebirthRequestedAt: number | undefined;
}

const emptyTable = (): MetricTable => ({ byAlias: new Map(), byName: new Map(), byPath: new Map() });

interface Rejection {
  readonly metric: SparkplugMetric;
  readonly reason: string;
}

/** How a metric is named in a dead letter's reason. */
function metricLabel(m: SparkplugMetric): string {
  if (m.name !== undefined && m.name !== '') return `"${clip(m.name, 60)}"`;
  return m.alias !== undefined ? `alias ${m.alias}` : 'a metric without name or alias';
}

function isControlMetric(name: string): boolean {
  return name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/');
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** An undecodable payload as dead-letter text: its size and first bytes. */
function rawPayload(payload: Uint8Array): string {
  const head = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.byteLength, LETTER_BYTES));
  return `${payload.byteLength} bytes${payload.byteLength > LETTER_BYTES ? ', the first ' + LETTER_BYTES : ''}, base64: ${head.toString('base64')}`;
}

function payloadSummary(p: SparkplugPayload): Record<string, unknown> {
  return {
    ...(p.seq !== undefined && { seq: p.seq }),
    ...(p.timestamp !== undefined && { timestamp: p.timestamp }),
    metricCount: p.metrics.length,
    metrics: p.metrics.slice(0, LETTER_METRICS).map(describeMetric),
  };
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, 5).join('; ');
  return items.length > 5 ? `${shown}; and ${items.length - 5} more` : shown;
}

/** Remembers the digests of the last `capacity` stored messages. */
class RecentDigests {
  readonly #ring: Array<string | undefined>;
  readonly #set = new Set<string>();
  #next = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array<string | undefined>(capacity);
  }

  has(digest: string): boolean {
    return this.#set.has(digest);
  }

  add(digest: string): void {
    if (this.#set.has(digest)) return;
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#set.delete(oldest);
    this.#ring[this.#next] = digest;
    this.#set.add(digest);
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** Oldest first. */
  entries(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const d = this.#ring[(this.#next + i) % this.capacity];
      if (d !== undefined) out.push(d);
    }
    return out;
  }
}

const DefSnapshot = z.object({
  name: z.string(),
  alias: z.number().int().nonnegative().optional(),
  datatype: z.number().int().nonnegative(),
  role: z.enum(['sample', 'skip', 'control', 'invalid']),
  path: z.string().optional(),
  reason: z.string().optional(),
  last: z.number().optional(),
  lastTs: z.number(),
  sampled: z.boolean(),
});

/**
 * What the session knows, as JSON: written by the connector on a graceful stop and read on the next start, so
 * that DATA the broker queued meanwhile can be mapped without waiting for a rebirth.
 */
export const SessionSnapshot = z.object({
  version: z.literal(1),
  /** The configuration it was taken under (connection, host, asset root, …): another one is not restored. */
  key: z.string(),
  nodes: z.array(
    z.object({
      group: z.string(),
      node: z.string(),
      online: z.boolean(),
      ended: z.boolean(),
      bdSeq: z.number().optional(),
      expectedSeq: z.number().int().min(0).max(255).optional(),
      table: z.array(DefSnapshot),
      devices: z.array(z.object({ id: z.string(), online: z.boolean(), table: z.array(DefSnapshot) })),
    }),
  ),
  recent: z.array(z.string()),
});
export type SessionSnapshot = z.infer<typeof SessionSnapshot>;

function tableSnapshot(table: MetricTable): Array<z.infer<typeof DefSnapshot>> {
  return [...table.byName.values()].map((d) => ({
    name: d.name,
    ...(d.alias !== undefined && { alias: d.alias }),
    datatype: d.datatype,
    role: d.role,
    ...(d.path !== undefined && { path: d.path }),
    ...(d.reason !== undefined && { reason: d.reason }),
    ...(d.last !== undefined && { last: d.last }),
    lastTs: d.lastTs,
    sampled: d.sampled,
  }));
}

function tableFrom(defs: ReadonlyArray<z.infer<typeof DefSnapshot>>): MetricTable {
  const table = emptyTable();
  for (const d of defs) {
    const def: MetricDef = {
      name: d.name,
      alias: d.alias,
      datatype: d.datatype,
      role: d.role,
      path: d.path,
      reason: d.reason,
      last: d.last,
      lastTs: d.lastTs,
      sampled: d.sampled,
    };
    table.byName.set(def.name, def);
    // As in the BIRTH: the first metric with an alias keeps it.
    if (def.alias !== undefined && !table.byAlias.has(def.alias)) table.byAlias.set(def.alias, def);
    if (def.path !== undefined) table.byPath.set(def.path, def);
  }
  return table;
}

export class SparkplugSession {
  readonly #options: SparkplugSessionOptions;
  readonly #groups: ReadonlySet<string>;
  readonly #nodes = new Map<string, NodeState>();
  readonly #recent = new RecentDigests(RECENT_MESSAGES);
  /** Digests of messages processed whose batch is not stored yet. */
  readonly #pending = new Set<string>();
  readonly #counters: SparkplugCounters = {
    births: 0,
    deaths: 0,
    staleDeaths: 0,
    duplicates: 0,
    seqGaps: 0,
    rebirthRequests: 0,
    unknownMetrics: 0,
    skippedValues: 0,
    unmappedValues: 0,
    lateValues: 0,
    ignored: 0,
  };

  constructor(options: SparkplugSessionOptions) {
    this.#options = options;
    this.#groups = new Set(options.groups);
  }

  counters(): SparkplugCounters {
    return { ...this.#counters };
  }

  /** Processes one message; `arrival` is its receipt time (UTC epoch ms). */
  handle(topic: string, payload: Uint8Array, arrival: number): Outcome {
    const out: Outcome = {
      samples: [],
      letters: [],
      registrations: [],
      rebirths: [],
      republishState: false,
      duplicate: false,
      undo: undefined,
    };
    const t = parseSparkplugTopic(topic);
    if (t.kind === 'invalid') return this.#letter(out, topic, t.reason, rawPayload(payload));
    if (t.kind === 'state') return this.#state(out, topic, t.hostId, payload);
    if (t.type === 'NCMD' || t.type === 'DCMD' || (this.#groups.size > 0 && !this.#groups.has(t.group))) {
      this.#counters.ignored++;
      return out;
    }
    const decoded = decodeSparkplugPayload(payload);
    if (!decoded.ok) return this.#letter(out, topic, decoded.reason, rawPayload(payload));
    const p = decoded.payload;
    if (t.type === 'NDEATH') return this.#nodeDeath(out, topic, t, p, arrival);

    const key = `${t.group}/${t.node}`;
    let node = this.#nodes.get(key);
    if (node === undefined) {
      if (this.#nodes.size >= MAX_NODES) {
        return this.#letter(out, topic, `more than ${MAX_NODES} edge nodes: not tracked`, payloadSummary(p));
      }
      node = {
        group: t.group,
        node: t.node,
        online: false,
        ended: false,
        bdSeq: undefined,
        expectedSeq: undefined,
        table: emptyTable(),
        devices: new Map(),
        rebirthRequestedAt: undefined,
      };
      this.#nodes.set(key, node);
    }

    const seq = p.seq;
    if (seq === undefined || !Number.isInteger(seq) || seq > 255) {
      this.#letter(
        out,
        topic,
        `${t.type} without a valid seq (0–255${seq === undefined ? ', none given' : `, got ${seq}`}): not processed`,
        payloadSummary(p),
      );
      this.#rebirth(out, node, arrival, `${t.type} without a valid seq`);
      return out;
    }
    const digest = createHash('sha1').update(topic).update('\u0000').update(payload).digest('base64');
    if ((this.#recent.has(digest) || this.#pending.has(digest)) && seq !== node.expectedSeq) {
      this.#counters.duplicates++;
      out.duplicate = true;
      return out;
    }
    this.#pending.add(digest);
    out.undo = { node, digest, expectedBefore: node.expectedSeq };

    switch (t.type) {
      case 'NBIRTH':
        return this.#nodeBirth(out, topic, node, p, seq, arrival);
      case 'NDATA':
        if (!node.online && !this.#late(node, seq)) {
          return this.#unbornData(out, topic, node, p, arrival, 'the edge node has no NBIRTH');
        }
        this.#sequence(out, node, seq, arrival);
        return this.#values(out, topic, node, node.table, p, arrival);
      case 'DBIRTH':
        return this.#deviceBirth(out, topic, node, t.device, p, seq, arrival);
      case 'DDATA': {
        const late = !node.online && this.#late(node, seq);
        if (!node.online && !late) {
          return this.#unbornData(out, topic, node, p, arrival, 'the edge node has no NBIRTH');
        }
        this.#sequence(out, node, seq, arrival);
        const device = node.devices.get(t.device);
        if (device === undefined || (!device.online && !late)) {
          return this.#unbornData(out, topic, node, p, arrival, `device "${clip(t.device)}" has no DBIRTH`);
        }
        return this.#values(out, topic, node, device.table, p, arrival);
      }
      case 'DDEATH':
        return this.#deviceDeath(out, node, t.device, p, seq, arrival);
    }
  }

  /**
   * Marks every online edge node and device stale (a `bad` sample per metric with a value) and asks each for a
   * rebirth: for when the broker lost our session, and with it whatever was published meanwhile.
   */
  expireAll(now: number): Outcome {
    const out: Outcome = {
      samples: [],
      letters: [],
      registrations: [],
      rebirths: [],
      republishState: false,
      duplicate: false,
      undo: undefined,
    };
    for (const node of this.#nodes.values()) {
      if (node.online) this.#endNode(out, node, now);
      // What was queued for us is lost: nothing can continue the old sequence.
      node.ended = false;
      node.expectedSeq = undefined;
      node.rebirthRequestedAt = undefined;
      this.#rebirth(out, node, now, 'the broker lost our session');
    }
    return out;
  }

  /** A tag registration was refused: the metric's values are no longer stored. */
  registrationRefused(path: string, reason: string): void {
    for (const node of this.#nodes.values()) {
      for (const table of [node.table, ...[...node.devices.values()].map((d) => d.table)]) {
        const def = table.byPath.get(path);
        if (def !== undefined) {
          def.path = undefined;
          def.reason = reason;
          table.byPath.delete(path);
        }
      }
    }
  }

  /** Everything known, for `restore` after a restart; call it when every processed message is stored. */
  snapshot(key: string): SessionSnapshot {
    return {
      version: 1,
      key,
      nodes: [...this.#nodes.values()].map((n) => ({
        group: n.group,
        node: n.node,
        online: n.online,
        ended: n.ended,
        ...(n.bdSeq !== undefined && { bdSeq: n.bdSeq }),
        ...(n.expectedSeq !== undefined && { expectedSeq: n.expectedSeq }),
        table: tableSnapshot(n.table),
        devices: [...n.devices].map(([id, d]) => ({ id, online: d.online, table: tableSnapshot(d.table) })),
      })),
      recent: this.#recent.entries(),
    };
  }

  /** Takes over a snapshot of the same configuration; false (and nothing changed) for another one. */
  restore(snapshot: SessionSnapshot, key: string): boolean {
    if (snapshot.key !== key || this.#nodes.size > 0) return false;
    for (const n of snapshot.nodes.slice(0, MAX_NODES)) {
      this.#nodes.set(`${n.group}/${n.node}`, {
        group: n.group,
        node: n.node,
        online: n.online,
        ended: n.ended,
        bdSeq: n.bdSeq,
        expectedSeq: n.expectedSeq,
        table: tableFrom(n.table),
        devices: new Map(n.devices.map((d) => [d.id, { online: d.online, table: tableFrom(d.table) }])),
        rebirthRequestedAt: undefined,
      });
    }
    for (const digest of snapshot.recent.slice(-RECENT_MESSAGES)) this.#recent.add(digest);
    return true;
  }

  /** The messages of a stored batch: remembered as stored, so their redeliveries are recognised. */
  commit(undos: readonly Undo[]): void {
    for (const u of undos) {
      this.#pending.delete(u.digest);
      this.#recent.add(u.digest);
    }
  }

  /** The messages of batches that could not be stored: forgotten, and each node's expected seq put back. */
  rollback(undos: readonly Undo[]): void {
    for (let i = undos.length - 1; i >= 0; i--) {
      const u = undos[i];
      if (u === undefined) continue;
      this.#pending.delete(u.digest);
      u.node.expectedSeq = u.expectedBefore;
    }
  }

  #letter(out: Outcome, topic: string, reason: string, payload: unknown): Outcome {
    out.letters.push({ topic, reason, payload });
    return out;
  }

  /** One dead letter for the metrics of a message rejected for `what`, each with its reason. */
  #rejections(out: Outcome, topic: string, what: string, rejected: readonly Rejection[]): void {
    const reasons = rejected.map((r) => `${metricLabel(r.metric)}: ${r.reason}`);
    this.#letter(
      out,
      topic,
      `${rejected.length} ${what}: ${listed(reasons)}`,
      rejected.slice(0, LETTER_METRICS).map((r) => ({ ...describeMetric(r.metric), reason: r.reason })),
    );
  }

  #rebirth(out: Outcome, node: NodeState, now: number, reason: string): void {
    if (!this.#options.requestRebirth) return;
    if (node.rebirthRequestedAt !== undefined && now - node.rebirthRequestedAt < REBIRTH_RETRY_MS) return;
    node.rebirthRequestedAt = now;
    this.#counters.rebirthRequests++;
    out.rebirths.push({ group: node.group, node: node.node, reason });
  }

  /**
   * DATA of a session that has ended (its NDEATH came first) continuing that session's seq: published before the
   * edge node lost its connection, and delivered after its Will — as when the broker restarts while the node
   * still has QoS 1 messages to resend. The BIRTH that defined them still holds, so they are stored.
   */
  #late(node: NodeState, seq: number): boolean {
    if (!node.ended || seq !== node.expectedSeq) return false;
    this.#counters.lateValues++;
    return true;
  }

  #sequence(out: Outcome, node: NodeState, seq: number, arrival: number): void {
    if (node.expectedSeq !== undefined && seq !== node.expectedSeq) {
      this.#counters.seqGaps++;
      this.#rebirth(out, node, arrival, `seq ${seq} where ${node.expectedSeq} was expected`);
    }
    node.expectedSeq = (seq + 1) & 0xff;
  }

  #state(out: Outcome, topic: string, hostId: string, payload: Uint8Array): Outcome {
    if (hostId !== this.#options.hostId) {
      this.#counters.ignored++;
      return out;
    }
    let state: unknown;
    try {
      state = JSON.parse(
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'),
      );
    } catch {
      state = undefined;
    }
    if (
      typeof state !== 'object' ||
      state === null ||
      !('online' in state) ||
      typeof state.online !== 'boolean'
    ) {
      // Something else sits on our STATE topic: replace it with our birth.
      out.republishState = true;
      return this.#letter(
        out,
        topic,
        'this host\'s STATE topic holds no {"online", "timestamp"} JSON',
        rawPayload(payload),
      );
    }
    if (!state.online) out.republishState = true;
    return out;
  }

  #asset(group: string, node: string, device?: string): string {
    const levels = [this.#options.assetRoot, toPathSegment(group), toPathSegment(node)];
    if (device !== undefined) levels.push(toPathSegment(device));
    return levels.join('/');
  }

  #nodeBirth(
    out: Outcome,
    topic: string,
    node: NodeState,
    p: SparkplugPayload,
    seq: number,
    arrival: number,
  ): Outcome {
    node.online = true;
    node.ended = false;
    node.bdSeq = bdSeqOf(p.metrics);
    node.expectedSeq = (seq + 1) & 0xff;
    node.rebirthRequestedAt = undefined;
    node.devices.clear();
    node.table = this.#table(out, topic, this.#asset(node.group, node.node), p, arrival);
    this.#counters.births++;
    return out;
  }

  #deviceBirth(
    out: Outcome,
    topic: string,
    node: NodeState,
    device: string,
    p: SparkplugPayload,
    seq: number,
    arrival: number,
  ): Outcome {
    if (!node.online) return this.#unbornData(out, topic, node, p, arrival, 'the edge node has no NBIRTH');
    this.#sequence(out, node, seq, arrival);
    if (!node.devices.has(device) && node.devices.size >= MAX_DEVICES_PER_NODE) {
      return this.#letter(
        out,
        topic,
        `more than ${MAX_DEVICES_PER_NODE} devices on this edge node`,
        payloadSummary(p),
      );
    }
    const table = this.#table(out, topic, this.#asset(node.group, node.node, device), p, arrival);
    node.devices.set(device, { online: true, table });
    this.#counters.births++;
    return out;
  }

  /** A BIRTH's metric definitions → a table; tags to register; the birth values as samples. */
  #table(out: Outcome, topic: string, asset: string, p: SparkplugPayload, arrival: number): MetricTable {
    const table = emptyTable();
    const assetOk = isValidPath(asset, MAX_ASSET_DEPTH);
    const rejected: Rejection[] = [];
    const unmapped: string[] = [];
    const { enabled, allow } = this.#options.autoRegister;
    for (const m of p.metrics) {
      if (m.name === undefined || m.name === '') {
        rejected.push({ metric: m, reason: 'a BIRTH metric must have a name' });
        continue;
      }
      if (table.byName.has(m.name)) {
        rejected.push({ metric: m, reason: 'the name appears twice in this BIRTH' });
        continue;
      }
      const dataType = tagDataType(m.datatype);
      const def: MetricDef = {
        name: m.name,
        alias: m.alias,
        datatype: m.datatype ?? 0,
        role: isControlMetric(m.name) ? 'control' : dataType !== undefined ? 'sample' : 'skip',
        path: undefined,
        reason: undefined,
        last: undefined,
        lastTs: 0,
        sampled: false,
      };
      if (m.datatype === undefined || m.datatype === 0) {
        def.role = 'invalid';
        def.reason = `BIRTH metric "${clip(m.name)}" has no datatype`;
        rejected.push({ metric: m, reason: 'a BIRTH metric must have a datatype' });
      }
      table.byName.set(m.name, def);
      if (m.alias !== undefined) {
        const other = table.byAlias.get(m.alias);
        if (other === undefined) table.byAlias.set(m.alias, def);
        else {
          def.role = 'invalid';
          def.reason = `alias ${m.alias} is also used by "${clip(other.name)}" in the BIRTH`;
          rejected.push({ metric: m, reason: def.reason });
        }
      }
      if (def.role !== 'sample' || dataType === undefined) {
        if (def.role === 'skip' || def.role === 'control') this.#counters.skippedValues++;
        continue;
      }
      const name = toPathSegment(m.name);
      const path = `${asset}/${name}`;
      const taken = table.byPath.get(path);
      if (!assetOk) {
        def.reason = `the asset path "${clip(asset)}" is not valid (1 to ${MAX_ASSET_DEPTH} levels of [A-Za-z0-9_.-]): shorten assetRoot`;
      } else if (taken !== undefined) {
        def.reason = `tag "${clip(path)}" is taken by metric "${clip(taken.name)}" of this BIRTH`;
      } else if (this.#options.hasTag(path)) {
        def.path = path;
      } else if (enabled && matchesAllowList(path, allow)) {
        def.path = path;
        out.registrations.push({
          path,
          tag: {
            asset,
            name,
            dataType,
            description: clip(`Sparkplug metric "${m.name}" (${datatypeName(m.datatype)})`, 2000),
            ...(m.engUnit !== undefined &&
              m.engUnit.length > 0 &&
              m.engUnit.length <= 32 && { unit: m.engUnit }),
            source: {
              adapter: 'sparkplug',
              address: clip(`${topic.replace(/\/(N|D)BIRTH\//, '/')}#${m.name}`, 999),
            },
          },
        });
      } else {
        def.reason = enabled
          ? `tag "${clip(path)}" does not exist and is not in autoRegister.allow`
          : `tag "${clip(path)}" does not exist and autoRegister is off`;
      }
      if (def.path === undefined) {
        unmapped.push(`${clip(m.name)}: ${def.reason ?? 'no tag'}`);
        continue;
      }
      table.byPath.set(path, def);
      const sample = this.#sample(def, m, p.timestamp, arrival);
      if (typeof sample === 'string') rejected.push({ metric: m, reason: sample });
      else if (sample !== undefined) out.samples.push(sample);
    }
    if (rejected.length > 0) this.#rejections(out, topic, 'BIRTH metric(s) rejected', rejected);
    if (unmapped.length > 0) {
      this.#letter(
        out,
        topic,
        `${unmapped.length} numeric metric(s) have no tag and are not stored: ${listed(unmapped)}`,
        unmapped.slice(0, LETTER_METRICS),
      );
    }
    return table;
  }

  /** DATA metrics → samples; unknown ones and bad values dead-lettered (one letter per message and kind). */
  #values(
    out: Outcome,
    topic: string,
    node: NodeState,
    table: MetricTable,
    p: SparkplugPayload,
    arrival: number,
  ): Outcome {
    let rejected: Rejection[] | undefined;
    let unknown: SparkplugMetric[] | undefined;
    for (const m of p.metrics) {
      const def =
        m.alias !== undefined
          ? table.byAlias.get(m.alias)
          : m.name !== undefined
            ? table.byName.get(m.name)
            : undefined;
      if (def === undefined) {
        (unknown ??= []).push(m);
        continue;
      }
      const sample = this.#sample(def, m, p.timestamp, arrival);
      if (typeof sample === 'string') (rejected ??= []).push({ metric: m, reason: sample });
      else if (sample !== undefined) out.samples.push(sample);
    }
    if (unknown !== undefined) {
      this.#counters.unknownMetrics += unknown.length;
      const ids = unknown.map(metricLabel);
      this.#letter(
        out,
        topic,
        `${unknown.length} metric(s) not defined by the BIRTH (${listed(ids)}): not stored${this.#options.requestRebirth ? ', rebirth requested' : ''}`,
        unknown.slice(0, LETTER_METRICS).map(describeMetric),
      );
      this.#rebirth(out, node, arrival, 'a metric not defined by the BIRTH');
    }
    if (rejected !== undefined) this.#rejections(out, topic, 'metric value(s) rejected', rejected);
    return out;
  }

  /** One metric value → a sample, a reason it is rejected, or undefined when it is not stored by design. */
  #sample(
    def: MetricDef,
    m: SparkplugMetric,
    payloadTs: number | undefined,
    arrival: number,
  ): SampleItem | string | undefined {
    if (def.role === 'skip' || def.role === 'control') {
      this.#counters.skippedValues++;
      return undefined;
    }
    if (def.role === 'invalid') return def.reason ?? 'the BIRTH definition of this metric is invalid';
    if (m.datatype !== undefined && m.datatype !== 0 && m.datatype !== def.datatype) {
      return `datatype ${datatypeName(m.datatype)} differs from the BIRTH's ${datatypeName(def.datatype)}`;
    }
    const ts = m.timestamp ?? payloadTs ?? arrival;
    if (!isValidTimestamp(ts)) return `timestamp ${ts} is not epoch ms between 0 and 8.64e15`;
    if (def.path === undefined) {
      this.#counters.unmappedValues++;
      return undefined;
    }
    if (m.isNull) {
      def.sampled = true;
      if (ts > def.lastTs) def.lastTs = ts;
      return { tag: def.path, ts, value: def.last ?? 0, quality: 'bad' };
    }
    const v = numericValue(def.datatype, m.value);
    if (!v.ok) return `${datatypeName(def.datatype)} ${v.reason}`;
    def.last = v.value;
    def.sampled = true;
    if (ts > def.lastTs) def.lastTs = ts;
    return { tag: def.path, ts, value: v.value, quality: qualityOf(m.quality) };
  }

  #unbornData(
    out: Outcome,
    topic: string,
    node: NodeState,
    p: SparkplugPayload,
    arrival: number,
    why: string,
  ): Outcome {
    this.#letter(
      out,
      topic,
      `${why}: its metrics cannot be mapped${this.#options.requestRebirth ? ', rebirth requested' : ''}`,
      payloadSummary(p),
    );
    this.#rebirth(out, node, arrival, why);
    return out;
  }

  #nodeDeath(
    out: Outcome,
    topic: string,
    t: Extract<SparkplugTopic, { kind: 'node' }>,
    p: SparkplugPayload,
    arrival: number,
  ): Outcome {
    const node = this.#nodes.get(`${t.group}/${t.node}`);
    const bdSeq = bdSeqOf(p.metrics);
    if (bdSeq === undefined) {
      return this.#letter(
        out,
        topic,
        'NDEATH without a bdSeq metric: which session it ends is unknown',
        payloadSummary(p),
      );
    }
    if (node === undefined || !node.online) {
      this.#counters.ignored++;
      return out;
    }
    if (node.bdSeq !== undefined && bdSeq !== node.bdSeq) {
      this.#counters.staleDeaths++;
      return out;
    }
    this.#endNode(out, node, arrival);
    this.#counters.deaths++;
    return out;
  }

  #deviceDeath(
    out: Outcome,
    node: NodeState,
    id: string,
    p: SparkplugPayload,
    seq: number,
    arrival: number,
  ): Outcome {
    if (!node.online) {
      this.#counters.ignored++;
      return out;
    }
    this.#sequence(out, node, seq, arrival);
    const device = node.devices.get(id);
    if (device === undefined || !device.online) {
      this.#counters.ignored++;
      return out;
    }
    const ts = p.timestamp !== undefined && isValidTimestamp(p.timestamp) ? p.timestamp : arrival;
    this.#stale(out, device.table, ts);
    device.online = false;
    this.#counters.deaths++;
    return out;
  }

  #endNode(out: Outcome, node: NodeState, ts: number): void {
    this.#stale(out, node.table, ts);
    for (const device of node.devices.values()) {
      if (device.online) this.#stale(out, device.table, ts);
      device.online = false;
    }
    node.online = false;
    // expectedSeq is kept: late DATA of this session may still arrive (see #late).
    node.ended = true;
  }

  /** A `bad` sample with its last value for every metric of the table that has had one. */
  #stale(out: Outcome, table: MetricTable, ts: number): void {
    for (const def of table.byPath.values()) {
      if (!def.sampled || def.path === undefined) continue;
      const at = Math.max(ts, def.lastTs + 1);
      def.lastTs = at;
      out.samples.push({ tag: def.path, ts: at, value: def.last ?? 0, quality: 'bad' });
    }
  }
}

/** The `bdSeq` metric of an NBIRTH or NDEATH (Int64 by the specification; any integer field accepted). */
function bdSeqOf(metrics: readonly SparkplugMetric[]): number | undefined {
  for (const m of metrics) {
    if (m.name !== 'bdSeq') continue;
    if (m.value.kind === 'long') return m.value.unsigned;
    if (m.value.kind === 'int') return m.value.value >>> 0;
    return undefined;
  }
  return undefined;
}

/** The topic an edge node listens to for commands (Sparkplug 3.0 §4.1). */
export function ncmdTopic(group: string, node: string): string {
  return `${NAMESPACE}/${group}/NCMD/${node}`;
}
