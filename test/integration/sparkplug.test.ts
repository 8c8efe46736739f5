/**
 * The Sparkplug B connector as a host application on a real Mosquitto (test/helpers/mosquitto.ts) with a real
 * store; the edge node is simulated here, publishing with the real `sparkplug-payload` encoding. Covers the host
 * STATE birth and Will, BIRTH → tags, DATA by alias, sequence gaps and unknown aliases → rebirth requests,
 * deaths → stale samples, a broker restart mid-stream and a storage failure (exactly once in both).
 */
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import type { UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { probeSparkplug, startSparkplugConnector } from '../../src/adapters/ingest/sparkplug/index.js';
import { createIngestSink } from '../../src/app/ingest/sink.js';
import {
  type ConnectorDeps,
  type IngestSink,
  OperationalError,
  SparkplugConnectionConfig,
} from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { type Core, openCore, SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { mosquittoUnavailable, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/platform.js';

const skip = mosquittoUnavailable();
const T0 = Date.parse('2024-01-01T00:00:00Z');
const ROOT = 'acme/plant1';

const spB = sparkplugPayload.get('spBv1.0');
function encode(payload: Parameters<NonNullable<typeof spB>['encodePayload']>[0]): Buffer {
  if (spB === null) throw new Error('sparkplug-payload has no spBv1.0 codec');
  return Buffer.from(spB.encodePayload(payload));
}
function decode(bytes: Uint8Array) {
  if (spB === null) throw new Error('sparkplug-payload has no spBv1.0 codec');
  return spB.decodePayload(bytes);
}

// ── a real store ─────────────────────────────────────────────────────────────────────────────────────────────

interface Plant extends AsyncDisposable {
  readonly core: Core;
  readonly sink: IngestSink;
  readonly logs: string[];
  deps(sink?: IngestSink): ConnectorDeps;
  read(
    tag: string,
    from?: number,
    to?: number,
  ): Promise<Array<{ ts: number; value: number; quality: string }>>;
  latest(under: string): Promise<Record<string, { ts: number; value: number; quality: string }>>;
  tags(under: string): Promise<Array<{ path: string; dataType: string; unit?: string; source?: unknown }>>;
  deadLetters(): Promise<Array<{ source: string; reason: string; payload: string }>>;
  /** Models the asset tree down to an edge node, as an engineer would before connecting it. */
  model(group: string, node: string): Promise<void>;
}

async function openPlant(): Promise<Plant> {
  const dir = tempDir('gemba-sparkplug-test-');
  const core = await openCore({
    dataDir: dir.path,
    ingest: loadConfig({}).ingest,
    clock: { now: () => Date.now() },
  });
  const sink = createIngestSink(core.app, SYSTEM_PRINCIPAL);
  const logs: string[] = [];
  const call = (op: string, input: unknown): Promise<any> => core.app.call(op, input, SYSTEM_PRINCIPAL);
  return {
    core,
    sink,
    logs,
    deps: (s = sink) => ({
      sink: s,
      clock: { now: () => Date.now() },
      stateDir: dir.path,
      log: (level, message) => logs.push(`${level}: ${message}`),
    }),
    async read(tag, from = 0, to = 8e15) {
      if (!sink.hasTag(tag)) return [];
      return (await call('samples.read', { tag, from, to, limit: 100_000 })).samples;
    },
    async latest(under) {
      const r = await call('samples.latest', { under });
      return Object.fromEntries(
        r.samples.map((s: any) => [s.tag, { ts: s.ts, value: s.value, quality: s.quality }]),
      );
    },
    async tags(under) {
      return (await call('tags.list', { under })).tags;
    },
    async deadLetters() {
      return (await call('deadletters.list', { limit: 10_000 })).deadLetters;
    },
    async model(group, node) {
      const levels = ['enterprise', 'site', 'area', 'line'];
      const segments = [...ROOT.split('/'), group, node];
      for (let i = 0; i < segments.length; i++) {
        const path = segments.slice(0, i + 1).join('/');
        if (await core.app.services.store.getAsset(path)) continue;
        await call('assets.create', { path, level: levels[i], name: segments[i] });
      }
    },
    async [Symbol.asyncDispose]() {
      await core[Symbol.asyncDispose]();
      dir[Symbol.dispose]();
    },
  };
}

function hostConfig(url: string, id: string, group: string, extra: Record<string, unknown> = {}) {
  return SparkplugConnectionConfig.parse({
    kind: 'sparkplug',
    id,
    url,
    hostId: `gemba-${id}`,
    groups: [group],
    assetRoot: ROOT,
    reconnect: { minMs: 50, maxMs: 400 },
    ...extra,
  });
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// ── a simulated Sparkplug edge node ──────────────────────────────────────────────────────────────────────────

type Metric = UMetric & { name: string; alias: number };

interface EdgeOptions {
  readonly url: string;
  readonly group: string;
  readonly node: string;
  readonly nodeMetrics: Metric[];
  readonly devices: Record<string, Metric[]>;
  /** DATA QoS: Sparkplug asks for 0; 1 gives at-least-once delivery through broker restarts. */
  readonly qos: 0 | 1;
  /** Wait for this primary host's STATE online before each birth (Sparkplug 3.0 §5.4). */
  readonly primaryHost?: string;
}

/** An edge node as Sparkplug 3.0 describes it: Will NDEATH with bdSeq, NBIRTH/DBIRTH, seq, rebirth on NCMD. */
class EdgeNode implements AsyncDisposable {
  readonly client: MqttClient;
  seq = 0;
  bdSeq = 0;
  births = 0;
  readonly rebirthRequests: unknown[] = [];
  #hostOnline = false;
  #connects = 0;

  constructor(readonly o: EdgeOptions) {
    this.client = mqtt.connect(o.url, {
      clientId: `edge-${o.group}-${o.node}`,
      clean: true,
      protocolVersion: 5,
      reconnectPeriod: 100,
      will: { topic: this.topic('NDEATH'), payload: this.#death(0), qos: 1, retain: false },
    });
    this.client.on('reconnect', () => {
      // A new MQTT session, a new bdSeq in the Will (Sparkplug 3.0 §6.4.3).
      this.client.options.will = {
        topic: this.topic('NDEATH'),
        payload: this.#death(this.bdSeq + 1),
        qos: 1,
        retain: false,
      };
    });
    this.client.on('connect', () => {
      if (this.#connects++ > 0) this.bdSeq++;
      const filters = [this.topic('NCMD'), ...(o.primaryHost ? [`spBv1.0/STATE/${o.primaryHost}`] : [])];
      this.client.subscribe(filters, { qos: 1 }, () => {
        if (!o.primaryHost) void this.birth();
      });
    });
    this.client.on('message', (topic, payload) => {
      if (topic.startsWith('spBv1.0/STATE/')) {
        const state = JSON.parse(payload.toString()) as { online: boolean };
        const wasOnline = this.#hostOnline;
        this.#hostOnline = state.online;
        if (state.online && !wasOnline) void this.birth();
        return;
      }
      const cmd = decode(payload);
      if (cmd.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) {
        this.rebirthRequests.push(cmd);
        void this.birth();
      }
    });
  }

  topic(type: string, device?: string): string {
    return `spBv1.0/${this.o.group}/${type}/${this.o.node}${device === undefined ? '' : `/${device}`}`;
  }

  #death(bdSeq: number): Buffer {
    return encode({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'Int64', value: bdSeq }] });
  }

  nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) % 256;
    return s;
  }

  async publish(topic: string, payload: Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: this.o.qos });
  }

  /** NBIRTH then every DBIRTH, sent together: no DATA of this node can come in between. */
  async birth(): Promise<void> {
    this.seq = 0;
    const now = Date.now();
    const sent = [
      this.publish(
        this.topic('NBIRTH'),
        encode({
          timestamp: now,
          seq: this.nextSeq(),
          metrics: [
            { name: 'bdSeq', type: 'Int64', value: this.bdSeq },
            { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
            ...this.o.nodeMetrics.map((m) => ({ ...m, timestamp: now })),
          ],
        }),
      ),
      ...Object.entries(this.o.devices).map(([device, metrics]) =>
        this.publish(
          this.topic('DBIRTH', device),
          encode({
            timestamp: now,
            seq: this.nextSeq(),
            metrics: metrics.map((m) => ({ ...m, timestamp: now })),
          }),
        ),
      ),
    ];
    this.births++;
    await Promise.all(sent);
  }

  /** DDATA (or NDATA without a device) of metrics by alias only, as nodes using aliases send them. */
  data(
    metrics: Array<Partial<UMetric> & { alias: number }>,
    options: { device?: string; timestamp?: number } = {},
  ) {
    return this.publish(
      this.topic(options.device === undefined ? 'NDATA' : 'DDATA', options.device),
      encode({
        timestamp: options.timestamp ?? Date.now(),
        seq: this.nextSeq(),
        metrics: metrics.map(
          ({ name: _name, ...m }) => ({ type: this.#type(m.alias, options.device), ...m }) as UMetric,
        ),
      }),
    );
  }

  #type(alias: number, device?: string): UMetric['type'] {
    const defs = device === undefined ? this.o.nodeMetrics : (this.o.devices[device] ?? []);
    return defs.find((d) => d.alias === alias)?.type ?? 'Double';
  }

  deviceDeath(device: string, timestamp: number) {
    return this.publish(
      this.topic('DDEATH', device),
      encode({ timestamp, seq: this.nextSeq(), metrics: [] }),
    );
  }

  /** The NDEATH the broker would publish as this node's Will, here sent on purpose. */
  nodeDeath(bdSeq: number) {
    return this.client.publishAsync(this.topic('NDEATH'), this.#death(bdSeq), { qos: 1 });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.client.endAsync(true);
  }
}

async function startEdge(o: EdgeOptions): Promise<EdgeNode> {
  const edge = new EdgeNode(o);
  await until(`${o.node} born`, () => edge.births > 0);
  return edge;
}

const PRESS_METRICS: Metric[] = [
  {
    name: 'Oil Temp',
    alias: 10,
    type: 'Double',
    value: 41.5,
    properties: { engUnit: { type: 'String', value: 'degC' } },
  },
  { name: 'Motor/Speed', alias: 11, type: 'Float', value: 1450 },
  { name: 'Running', alias: 12, type: 'Boolean', value: true },
  { name: 'Température', alias: 13, type: 'Int16', value: -5 },
  { name: 'Recipe', alias: 14, type: 'String', value: 'A-12' },
];
/** Edge node metrics as gateways publish them: properties (strings) besides bdSeq and Node Control/Rebirth. */
const NODE_METRICS: Metric[] = [{ name: 'Properties/Firmware', alias: 2, type: 'String', value: 'v1.2' }];
const UPTIME: Metric = { name: 'Uptime', alias: 1, type: 'Int64', value: 1234 };

/** A TCP relay to the broker whose connections can be cut, as a failing network would: no DISCONNECT sent. */
async function relay(port: number): Promise<{ url: string; cut(): void } & AsyncDisposable> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = netConnect(port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    for (const s of [inbound, outbound]) s.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const relayPort = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `mqtt://127.0.0.1:${relayPort}`,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    async [Symbol.asyncDispose]() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(skip !== undefined)(
  `Sparkplug B connector${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('publishes its STATE birth retained after connecting, its Will when the connection breaks, and offline on stop', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      await using net = await relay(broker.port);
      const watcher = await mqtt.connectAsync(broker.url, { clientId: 'state-watcher' });
      const states: Array<{ online: boolean; timestamp: number; retain: boolean }> = [];
      watcher.on('message', (_t, payload, packet) =>
        states.push({ ...JSON.parse(payload.toString()), retain: packet.retain }),
      );
      await watcher.subscribeAsync('spBv1.0/STATE/gemba-state', { qos: 1 });

      const host = await startSparkplugConnector(hostConfig(net.url, 'state', 'state-group'), plant.deps());
      await until('the STATE birth', () => states.length >= 1);
      const birth = states[0];
      expect(birth).toMatchObject({ online: true, retain: false });
      expect(birth?.timestamp).toBeGreaterThan(Date.now() - 10_000);

      // A client arriving later gets it retained.
      const late = await mqtt.connectAsync(broker.url, { clientId: 'state-late' });
      const retained = new Promise<{ body: unknown; retain: boolean }>((resolve) =>
        late.once('message', (_t, payload, packet) =>
          resolve({ body: JSON.parse(payload.toString()), retain: packet.retain }),
        ),
      );
      await late.subscribeAsync('spBv1.0/STATE/gemba-state', { qos: 1 });
      expect(await retained).toEqual({ body: { online: true, timestamp: birth?.timestamp }, retain: true });
      await late.endAsync();

      // The network breaks: the broker publishes our Will, offline with the birth's timestamp (Sparkplug 3.0 §4.2.3.2).
      net.cut();
      await until('the Will', () => states.length >= 2);
      expect(states[1]).toMatchObject({ online: false, timestamp: birth?.timestamp });
      // Reconnected: a new birth with a later timestamp. (The persistent session also hands us our own Will, and
      // Sparkplug 3.0 §5.3 has a host seeing itself offline publish its birth again: more births may follow.)
      await until('the second birth', () => states.length >= 3);
      expect(states[2]?.online).toBe(true);
      const rebirthTs = states[2]?.timestamp ?? Infinity;
      expect(rebirthTs).toBeGreaterThan(birth?.timestamp ?? Infinity);
      expect(states.slice(2).every((s) => s.online && s.timestamp === rebirthTs)).toBe(true);
      expect(host.status().reconnects).toBeGreaterThanOrEqual(1);

      const seen = states.length;
      await host[Symbol.asyncDispose]();
      await until('the death on stop', () => states.length > seen && states.at(-1)?.online === false);
      // A birth re-published just before the stop (see above) may still arrive first; exactly one death follows.
      const after = states.slice(seen);
      expect(after.filter((s) => !s.online)).toHaveLength(1);
      expect(after.slice(0, -1).every((s) => s.online && s.timestamp === rebirthTs)).toBe(true);
      expect(states.at(-1)?.timestamp).toBeGreaterThanOrEqual(rebirthTs);
      expect(host.status().state).toBe('stopped');
      await watcher.endAsync();
    });

    it('creates tags and assets from NBIRTH and DBIRTH, stores birth values and then NDATA / DDATA by alias', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      await using host = await startSparkplugConnector(
        hostConfig(broker.url, 'births', 'line1'),
        plant.deps(),
      );
      await until('connected', () => host.status().state === 'connected');
      // A gateway with a device, and a controller publishing its own metrics without devices.
      await using gateway = await startEdge({
        url: broker.url,
        group: 'line1',
        node: 'plc7',
        nodeMetrics: NODE_METRICS,
        devices: { press3: PRESS_METRICS },
        qos: 1,
        primaryHost: 'gemba-births',
      });
      await using controller = await startEdge({
        url: broker.url,
        group: 'line1',
        node: 'oven2',
        nodeMetrics: [UPTIME, ...NODE_METRICS],
        devices: {},
        qos: 1,
        primaryHost: 'gemba-births',
      });
      const device = `${ROOT}/line1/plc7/press3`;
      await until(
        'birth values stored',
        async () => Object.keys(await plant.latest(`${ROOT}/line1`)).length === 5,
      );

      const tags = await plant.tags(`${ROOT}/line1`);
      expect(tags.map((t) => [t.path, t.dataType])).toEqual([
        [`${ROOT}/line1/oven2/Uptime`, 'integer'],
        [`${device}/Motor.Speed`, 'float'],
        [`${device}/Oil_Temp`, 'float'],
        [`${device}/Running`, 'boolean'],
        [`${device}/Temperature`, 'integer'],
      ]);
      expect(tags.find((t) => t.path.endsWith('Oil_Temp'))).toMatchObject({
        unit: 'degC',
        source: { adapter: 'sparkplug', address: 'spBv1.0/line1/plc7/press3#Oil Temp' },
      });
      const assets: any = await plant.core.app.call('assets.list', {}, SYSTEM_PRINCIPAL);
      expect(
        assets.assets
          .filter((a: any) => a.path.startsWith(`${ROOT}/line1`))
          .map((a: any) => [a.path, a.level])
          .sort(),
      ).toEqual([
        [`${ROOT}/line1`, 'area'],
        [`${ROOT}/line1/oven2`, 'line'],
        [`${ROOT}/line1/plc7`, 'line'],
        [device, 'cell'],
      ]);
      const births = await plant.latest(`${ROOT}/line1`);
      expect(
        Object.fromEntries(
          Object.entries(births).map(([k, v]) => [k.slice(ROOT.length + 7), [v.value, v.quality]]),
        ),
      ).toEqual({
        'oven2/Uptime': [1234, 'good'],
        'plc7/press3/Motor.Speed': [1450, 'good'],
        'plc7/press3/Oil_Temp': [41.5, 'good'],
        'plc7/press3/Running': [1, 'good'],
        'plc7/press3/Temperature': [-5, 'good'],
      });

      // DATA by alias: metric timestamps, else the payload's; booleans as 1/0; is_null and Quality → bad.
      await gateway.data(
        [
          { alias: 10, value: 42.25, timestamp: T0 + 1_000 },
          { alias: 11, value: 1500 },
          { alias: 12, value: false, timestamp: T0 + 1_000 },
          { alias: 13, value: -7, timestamp: T0 + 1_000 },
          { alias: 14, value: 'B-7' },
        ],
        { device: 'press3', timestamp: T0 + 2_000 },
      );
      await gateway.data(
        [
          { alias: 10, value: null, timestamp: T0 + 3_000 },
          {
            alias: 11,
            value: 1510,
            timestamp: T0 + 3_000,
            properties: { Quality: { type: 'Int32', value: 0 } },
          },
          {
            alias: 13,
            value: -8,
            timestamp: T0 + 3_000,
            properties: { Quality: { type: 'Int32', value: 192 } },
          },
        ],
        { device: 'press3', timestamp: T0 + 3_000 },
      );
      await controller.data([{ alias: 1, value: 1300, timestamp: T0 + 4_000 }]);
      const window = async (tag: string) =>
        (await plant.read(tag, T0, T0 + 10_000)).map((s) => [s.ts - T0, s.value, s.quality]);
      await until('NDATA stored', async () => (await window(`${ROOT}/line1/oven2/Uptime`)).length === 1);
      expect(await window(`${device}/Oil_Temp`)).toEqual([
        [1_000, 42.25, 'good'],
        [3_000, 42.25, 'bad'],
      ]);
      expect(await window(`${device}/Motor.Speed`)).toEqual([
        [2_000, 1500, 'good'],
        [3_000, 1510, 'bad'],
      ]);
      expect(await window(`${device}/Running`)).toEqual([[1_000, 0, 'good']]);
      expect(await window(`${device}/Temperature`)).toEqual([
        [1_000, -7, 'good'],
        [3_000, -8, 'good'],
      ]);
      expect(await window(`${ROOT}/line1/oven2/Uptime`)).toEqual([[4_000, 1300, 'good']]);
      expect(host.counters()).toMatchObject({ births: 3, seqGaps: 0, rebirthRequests: 0, duplicates: 0 });
      // Strings are not samples, and bdSeq / Node Control/Rebirth are session control: counted, skipped.
      expect(host.counters().skippedValues).toBeGreaterThanOrEqual(8);
      expect(gateway.rebirthRequests).toHaveLength(0);
      expect(await plant.deadLetters()).toEqual([]);
    });

    it('asks for a rebirth on a seq gap, and data resumes after the edge node re-births', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      await using host = await startSparkplugConnector(hostConfig(broker.url, 'gap', 'gap'), plant.deps());
      await until('connected', () => host.status().state === 'connected');
      await using edge = await startEdge({
        url: broker.url,
        group: 'gap',
        node: 'plc1',
        nodeMetrics: NODE_METRICS,
        devices: { press3: PRESS_METRICS },
        qos: 1,
        primaryHost: 'gemba-gap',
      });
      const tag = `${ROOT}/gap/plc1/press3/Oil_Temp`;
      await edge.data([{ alias: 10, value: 1, timestamp: T0 + 1 }], { device: 'press3' });
      edge.nextSeq(); // a message lost on the way: seq jumps by two
      await edge.data([{ alias: 10, value: 3, timestamp: T0 + 3 }], { device: 'press3' });
      await until('the rebirth request', () => edge.rebirthRequests.length === 1);
      await until('the rebirth', () => edge.births === 2);
      await edge.data([{ alias: 10, value: 4, timestamp: T0 + 4 }], { device: 'press3' });
      await until('data after the rebirth', async () => (await plant.read(tag, T0, T0 + 100)).length === 3);
      // What arrived after the gap could still be mapped, so it is stored too.
      expect((await plant.read(tag, T0, T0 + 100)).map((s) => s.value)).toEqual([1, 3, 4]);
      expect(host.counters()).toMatchObject({ seqGaps: 1, rebirthRequests: 1, births: 4 });
      expect(
        plant.logs.some((l) => l.includes('asking gap/plc1 for a rebirth (seq 4 where 3 was expected)')),
      ).toBe(true);
    });

    it('dead-letters a DATA metric with an unknown alias, stores the rest and asks for a rebirth', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      await using host = await startSparkplugConnector(
        hostConfig(broker.url, 'alias', 'alias'),
        plant.deps(),
      );
      await until('connected', () => host.status().state === 'connected');
      await using edge = await startEdge({
        url: broker.url,
        group: 'alias',
        node: 'plc2',
        nodeMetrics: NODE_METRICS,
        devices: { press3: PRESS_METRICS },
        qos: 1,
        primaryHost: 'gemba-alias',
      });
      await edge.data(
        [
          { alias: 10, value: 50, timestamp: T0 },
          { alias: 999, type: 'Double', value: 7, timestamp: T0 },
        ],
        { device: 'press3' },
      );
      await until('the rebirth request', () => edge.rebirthRequests.length === 1);
      await until('the dead letter', async () => (await plant.deadLetters()).length === 1);
      const [letter] = await plant.deadLetters();
      expect(letter?.source).toBe('sparkplug:alias:spBv1.0/alias/DDATA/plc2/press3');
      expect(letter?.reason).toBe(
        '1 metric(s) not defined by the BIRTH (alias 999): not stored, rebirth requested',
      );
      expect(JSON.parse(letter?.payload ?? '')).toEqual([
        { alias: 999, datatype: 'Double', timestamp: T0, value: 7 },
      ]);
      expect(
        (await plant.read(`${ROOT}/alias/plc2/press3/Oil_Temp`, T0, T0 + 1)).map((s) => s.value),
      ).toEqual([50]);
      await until('the rebirth', () => edge.births === 2);
      expect(host.status().deadLetters).toBe(1);

      // DATA from an edge node the host never saw born: dead-lettered, and a rebirth asked of it.
      const stranger = await mqtt.connectAsync(broker.url, { clientId: 'stranger' });
      const asked: string[] = [];
      stranger.on('message', (topic) => asked.push(topic));
      await stranger.subscribeAsync('spBv1.0/alias/NCMD/unborn', { qos: 1 });
      await stranger.publishAsync(
        'spBv1.0/alias/NDATA/unborn',
        encode({ timestamp: T0, seq: 5, metrics: [{ alias: 1, type: 'Double', value: 1 }] }),
        { qos: 1 },
      );
      await until('the stranger asked for a rebirth', () => asked.length === 1);
      await until('its dead letter', async () => (await plant.deadLetters()).length === 2);
      expect((await plant.deadLetters())[0]?.reason).toBe(
        'the edge node has no NBIRTH: its metrics cannot be mapped, rebirth requested',
      );
      await stranger.endAsync();
    });

    it('marks a device stale on DDEATH and the node on NDEATH, ignoring a stale NDEATH of an earlier session', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      await using host = await startSparkplugConnector(
        hostConfig(broker.url, 'death', 'death'),
        plant.deps(),
      );
      await until('connected', () => host.status().state === 'connected');
      // The engineer modelled the gateway as a line, so it can hold its own tags and its devices.
      await plant.model('death', 'plc3');
      await using edge = await startEdge({
        url: broker.url,
        group: 'death',
        node: 'plc3',
        nodeMetrics: [UPTIME, ...NODE_METRICS],
        devices: { press3: PRESS_METRICS },
        qos: 1,
        primaryHost: 'gemba-death',
      });
      const device = `${ROOT}/death/plc3/press3`;
      const now = Date.now() + 1_000; // after the birth values
      await edge.data([{ alias: 10, value: 60.5, timestamp: now + 10 }], { device: 'press3' });
      await edge.deviceDeath('press3', now + 20);
      await until(
        'the device is stale',
        async () => (await plant.latest(device))[`${device}/Oil_Temp`]?.quality === 'bad',
      );
      const afterDeviceDeath = await plant.latest(`${ROOT}/death`);
      // Each device metric: its last value, bad, at the DDEATH time (never before its own last sample).
      expect(afterDeviceDeath[`${device}/Oil_Temp`]).toEqual({ ts: now + 20, value: 60.5, quality: 'bad' });
      expect(afterDeviceDeath[`${device}/Running`]).toMatchObject({ value: 1, quality: 'bad' });
      expect(afterDeviceDeath[`${device}/Temperature`]).toMatchObject({ value: -5, quality: 'bad' });
      expect(afterDeviceDeath[`${ROOT}/death/plc3/Uptime`]?.quality).toBe('good');

      // An NDEATH with another bdSeq is the Will of an earlier connection: ignored.
      await edge.nodeDeath(edge.bdSeq + 7);
      await until('the stale death counted', () => host.counters().staleDeaths === 1);
      expect((await plant.latest(`${ROOT}/death/plc3`))[`${ROOT}/death/plc3/Uptime`]?.quality).toBe('good');

      const before = Date.now();
      await edge.nodeDeath(edge.bdSeq);
      await until(
        'the node is stale',
        async () =>
          (await plant.latest(`${ROOT}/death/plc3`))[`${ROOT}/death/plc3/Uptime`]?.quality === 'bad',
      );
      const uptime = (await plant.latest(`${ROOT}/death/plc3`))[`${ROOT}/death/plc3/Uptime`];
      expect(uptime?.value).toBe(1234);
      expect(uptime?.ts).toBeGreaterThanOrEqual(before);
      expect(host.counters()).toMatchObject({ deaths: 2, staleDeaths: 1 });
      // The device was dead already: the NDEATH added nothing for it.
      expect((await plant.read(`${device}/Oil_Temp`)).filter((s) => s.quality === 'bad')).toHaveLength(1);
    });

    it('stores every DDATA sample exactly once across a broker restart mid-stream', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      await using host = await startSparkplugConnector(
        hostConfig(broker.url, 'restart', 'restart'),
        plant.deps(),
      );
      await until('connected', () => host.status().state === 'connected');
      const counter: Metric = { name: 'Counter', alias: 20, type: 'Int32', value: 0 };
      await using edge = await startEdge({
        url: broker.url,
        group: 'restart',
        node: 'plc4',
        nodeMetrics: [],
        devices: { press3: [counter] },
        qos: 1,
      });
      const tag = `${ROOT}/restart/plc4/press3/Counter`;
      const N = 600;
      const published: Array<Promise<void>> = [];
      let restarted: Promise<void> = Promise.resolve();
      for (let i = 0; i < N; i++) {
        published.push(
          edge.data([{ alias: 20, value: i, timestamp: T0 + i }], { device: 'press3', timestamp: T0 + i }),
        );
        if (i === 150) restarted = broker.restart(500);
        await sleep(4);
      }
      await restarted;
      await Promise.all(published);
      await until('all stored', async () => (await plant.read(tag, T0, T0 + N)).length >= N, 20_000);
      await sleep(300); // late duplicates, if any, would land now
      const values = (await plant.read(tag, T0, T0 + N)).map((s) => s.value);
      expect(values).toHaveLength(N);
      expect(new Set(values).size).toBe(N);
      expect(values).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(host.status().reconnects).toBeGreaterThanOrEqual(1);
    });

    it('stores every DDATA sample exactly once across a restart of Gemba, mapping what was queued meanwhile', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      const config = hostConfig(broker.url, 'gemba-restart', 'grestart');
      const first = await startSparkplugConnector(config, plant.deps());
      await until('connected', () => first.status().state === 'connected');
      const counter: Metric = { name: 'Counter', alias: 20, type: 'Int32', value: 0 };
      await using edge = await startEdge({
        url: broker.url,
        group: 'grestart',
        node: 'plc6',
        nodeMetrics: [],
        devices: { press3: [counter] },
        qos: 1,
      });
      const tag = `${ROOT}/grestart/plc6/press3/Counter`;
      const N = 400;
      let second: Awaited<ReturnType<typeof startSparkplugConnector>> | undefined;
      let restarted: Promise<void> = Promise.resolve();
      for (let i = 0; i < N; i++) {
        void edge.data([{ alias: 20, value: i, timestamp: T0 + i }], { device: 'press3', timestamp: T0 + i });
        if (i === 100) {
          // Gemba stops (an upgrade): the broker queues for its persistent session; it starts again 300 ms later.
          restarted = (async () => {
            await first[Symbol.asyncDispose]();
            expect(existsSync(join(plant.deps().stateDir, 'sparkplug-session.json'))).toBe(true);
            await sleep(300);
            second = await startSparkplugConnector(config, plant.deps());
          })();
        }
        await sleep(3);
      }
      await restarted;
      await until('all stored', async () => (await plant.read(tag, T0, T0 + N)).length >= N, 20_000);
      await sleep(300);
      expect((await plant.read(tag, T0, T0 + N)).map((s) => s.value)).toEqual(
        Array.from({ length: N }, (_, i) => i),
      );
      expect(await plant.deadLetters()).toEqual([]);
      expect(second?.counters()).toMatchObject({ seqGaps: 0, rebirthRequests: 0 });
      expect(edge.rebirthRequests).toHaveLength(0);
      // The snapshot is read once: after a crash there would be none, and the host would start from rebirths.
      expect(existsSync(join(plant.deps().stateDir, 'sparkplug-session.json'))).toBe(false);
      expect(plant.logs.some((l) => l.includes('restored 1 edge node(s)'))).toBe(true);
      await second?.[Symbol.asyncDispose]();
    });

    it('probes the broker without touching the session, and reports the STATE held for its host id', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      const config = hostConfig(broker.url, 'probe', 'probe');
      const before = await probeSparkplug(config, () => Date.now());
      expect(before).toMatchObject({
        ok: true,
        message: `connected to ${broker.url}; nothing retained on spBv1.0/STATE/gemba-probe`,
      });
      await using host = await startSparkplugConnector(config, plant.deps());
      await until('connected', () => host.status().state === 'connected');
      await until('the birth retained', async () =>
        (await probeSparkplug(config, () => Date.now())).message.includes('"online":true'),
      );
      const refused = await probeSparkplug({ ...config, url: `mqtt://127.0.0.1:1` }, () => Date.now());
      expect(refused.ok).toBe(false);
      expect(refused.message).toMatch(/ECONNREFUSED/);
    });

    it('does not acknowledge what it could not store: the broker redelivers, and it is stored once', async () => {
      await using broker = await startMosquitto();
      await using plant = await openPlant();
      let failures = 1;
      const flaky: IngestSink = {
        ...plant.sink,
        writeSamples: async (items, source) => {
          if (failures > 0 && items.some((s: any) => s.ts >= T0 && s.ts < T0 + 100)) {
            failures--;
            throw new OperationalError('storage_failed', 'disk full (simulated)');
          }
          return plant.sink.writeSamples(items, source);
        },
      };
      await using host = await startSparkplugConnector(
        hostConfig(broker.url, 'flaky', 'flaky'),
        plant.deps(flaky),
      );
      await until('connected', () => host.status().state === 'connected');
      await using edge = await startEdge({
        url: broker.url,
        group: 'flaky',
        node: 'plc5',
        nodeMetrics: [],
        devices: { press3: PRESS_METRICS },
        qos: 1,
        primaryHost: 'gemba-flaky',
      });
      const tag = `${ROOT}/flaky/plc5/press3/Oil_Temp`;
      for (let i = 0; i < 20; i++)
        await edge.data([{ alias: 10, value: i, timestamp: T0 + i }], { device: 'press3' });
      await until(
        'stored after the redelivery',
        async () => (await plant.read(tag, T0, T0 + 100)).length >= 20,
      );
      await sleep(300);
      expect((await plant.read(tag, T0, T0 + 100)).map((s) => s.value)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
      expect(failures).toBe(0);
      expect(host.status().errors).toBeGreaterThanOrEqual(1);
      expect(host.status().reconnects).toBeGreaterThanOrEqual(1);
      // The redelivery continued the sequence where the stored part ended: no gap, no rebirth.
      expect(host.counters()).toMatchObject({ seqGaps: 0, rebirthRequests: 0 });
    });
  },
);
