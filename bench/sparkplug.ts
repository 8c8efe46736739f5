/**
 * `npm run bench -- sparkplug [--messages N] [--devices D] [--metrics M] [--latency-seconds S]`
 * (a) metrics/s stored from Mosquitto through the Sparkplug B connector: one edge node with D devices (10)
 *     publishing DDATA of M metrics (100) by alias, QoS 1, N messages (20,000) as fast as the broker takes
 *     them; each PUBACK goes out only once its samples are durable.
 * (b) the reference in the same run: a bare mqtt.js subscriber (QoS 1, PUBACK on receipt) that only decodes the
 *     same payloads with sparkplug-payload's `decodePayload`: metrics/s decoded, and our ratio to it.
 * (c) latency publish → stored at half of (a)'s rate, paced: each payload's timestamp is its send time,
 *     measured when `writeSamples` resolved; p50 and p99 over every metric.
 * The edge node runs in a child process (this file with `--sparkplug-edge`), writing pre-encoded QoS 1 PUBLISH
 * packets on a raw socket, so it competes with the connector for the two cores only as Mosquitto does, never
 * for its event loop, and does not measure mqtt.js' publisher instead of the subscriber.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { startSparkplugConnector } from '../src/adapters/ingest/sparkplug/index.js';
import { createIngestSink } from '../src/app/ingest/sink.js';
import { type IngestSink, SparkplugConnectionConfig, UnexpectedError } from '../src/domain/index.js';
import { loadConfig } from '../src/server/config.js';
import { openCore, SYSTEM_PRINCIPAL } from '../src/server/platform.js';
import { type Mosquitto, mosquittoUnavailable, startMosquitto } from '../test/helpers/mosquitto.js';
import { numberFlag, writeResults } from './harness.js';

const EDGE_FLAG = '--sparkplug-edge';
const GROUP = 'bench';
const NODE = 'edge1';
const T0 = Date.parse('2026-01-01T00:00:00Z');

const spB = sparkplugPayload.get('spBv1.0');
function encode(payload: UPayload): Buffer {
  if (spB === null) throw new UnexpectedError('sparkplug-payload has no spBv1.0 codec');
  return Buffer.from(spB.encodePayload(payload));
}

interface EdgeSpec {
  readonly url: string;
  readonly devices: number;
  readonly metrics: number;
  readonly count: number;
  /** DDATA messages per second; 0 = as fast as the broker acknowledges. */
  readonly rate: number;
  /** Unacknowledged QoS 1 publishes at most. */
  readonly window: number;
  /** Payload timestamp = send time (for latency) instead of T0 + sequence. */
  readonly stampSendTime: boolean;
}

const alias = (device: number, metric: number) => device * 1_000 + metric + 1;

function deviceBirth(spec: EdgeSpec, device: number, seq: number): Buffer {
  const metrics: UMetric[] = [];
  for (let j = 0; j < spec.metrics; j++) {
    metrics.push({
      name: `m${String(j).padStart(3, '0')}`,
      alias: alias(device, j),
      type: 'Double',
      value: j,
    });
  }
  return encode({ timestamp: Date.now(), seq, metrics });
}

function deviceData(spec: EdgeSpec, device: number, seq: number, k: number, ts: number): Buffer {
  const metrics: UMetric[] = [];
  for (let j = 0; j < spec.metrics; j++) {
    metrics.push({ alias: alias(device, j), type: 'Double', value: Math.sin(k + j) * 10 + 50 });
  }
  return encode({ timestamp: ts, seq, metrics });
}

/** MQTT 3.1.1 PUBLISH, QoS 1. */
function publishFrame(topic: string, payload: Buffer, packetId: number): Buffer {
  const t = Buffer.byteLength(topic);
  const remaining = 2 + t + 2 + payload.byteLength;
  const lengthBytes: number[] = [];
  let x = remaining;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    lengthBytes.push(byte);
  } while (x > 0);
  const frame = Buffer.allocUnsafe(1 + lengthBytes.length + remaining);
  let at = frame.writeUInt8(0x32, 0);
  for (const b of lengthBytes) at = frame.writeUInt8(b, at);
  at = frame.writeUInt16BE(t, at);
  at += frame.write(topic, at);
  at = frame.writeUInt16BE(packetId, at);
  payload.copy(frame, at);
  return frame;
}

/** One raw MQTT 3.1.1 connection publishing QoS 1 and counting PUBACKs: a load generator only. */
async function rawPublisher(url: string, clientId: string) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const id = Buffer.from(clientId);
  const body = Buffer.concat([
    Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, id.length >> 8, id.length & 0xff]),
    id,
  ]);
  socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
  let acked = 0;
  let rest = Buffer.alloc(0);
  let listener: () => void = () => undefined;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let at = 0;
      while (buf.length - at >= 2) {
        const type = (buf[at] ?? 0) >> 4;
        const length = buf[at + 1] ?? 0; // every packet a broker sends a publisher is < 128 bytes
        if (buf.length - at < 2 + length) break;
        if (type === 2) resolve();
        else if (type === 4) acked++;
        at += 2 + length;
      }
      rest = at < buf.length ? Buffer.from(buf.subarray(at)) : Buffer.alloc(0);
      listener();
    });
  });
  return {
    publish: (frames: Buffer) => socket.write(frames),
    acked: () => acked,
    onAck: (l: () => void) => (listener = l),
    end: () => socket.end(Buffer.from([0xe0, 0])),
  };
}

/** The child process: an edge node that births, then publishes `count` DDATA messages when told to. */
async function edgeMain(spec: EdgeSpec): Promise<void> {
  const client = await rawPublisher(spec.url, `bench-edge-${process.pid}`);
  const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  let packetId = 0;
  const nextId = () => (packetId = (packetId % 65_535) + 1);
  let seq = 0;
  const nextSeq = () => {
    const s = seq;
    seq = (seq + 1) % 256;
    return s;
  };
  const births = [
    publishFrame(
      `spBv1.0/${GROUP}/NBIRTH/${NODE}`,
      encode({
        timestamp: Date.now(),
        seq: nextSeq(),
        metrics: [
          { name: 'bdSeq', type: 'Int64', value: 0 },
          { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
        ],
      }),
      nextId(),
    ),
  ];
  for (let d = 0; d < spec.devices; d++) {
    births.push(
      publishFrame(`spBv1.0/${GROUP}/DBIRTH/${NODE}/dev${d}`, deviceBirth(spec, d, nextSeq()), nextId()),
    );
  }
  client.publish(Buffer.concat(births));
  while (client.acked() < births.length) await new Promise((r) => setTimeout(r, 5));
  const base = client.acked();
  // Throughput runs publish pre-encoded payloads, so encoding does not limit the rate measured.
  const prepared: Buffer[] = [];
  if (!spec.stampSendTime) {
    for (let k = 0; k < spec.count; k++) {
      const d = k % spec.devices;
      prepared.push(
        publishFrame(`spBv1.0/${GROUP}/DDATA/${NODE}/dev${d}`, deviceData(spec, d, nextSeq(), k, T0 + k), 0),
      );
    }
  }
  say({ ready: true });
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', () => {
      lines.close();
      process.stdin.destroy();
      resolve();
    });
  });
  const started = Date.now();
  say({ started });
  await new Promise<void>((resolve) => {
    const perMs = spec.rate / 1000;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      const acked = client.acked() - base;
      if (acked >= spec.count) {
        clearTimeout(timer);
        return resolve();
      }
      const allowed = perMs > 0 ? Math.floor((Date.now() - started) * perMs) : spec.count;
      const frames: Buffer[] = [];
      while (sent - acked < spec.window && sent < spec.count && sent < allowed && frames.length < 200) {
        const id = nextId();
        let frame: Buffer;
        if (spec.stampSendTime) {
          const d = sent % spec.devices;
          frame = publishFrame(
            `spBv1.0/${GROUP}/DDATA/${NODE}/dev${d}`,
            deviceData(spec, d, nextSeq(), sent, Date.now()),
            id,
          );
        } else {
          frame = prepared[sent] ?? Buffer.alloc(0);
          prepared[sent] = Buffer.alloc(0);
          // The packet id sits right after the topic: patch it into the pre-encoded frame.
          const lengthBytes = frame.findIndex((b, i) => i > 0 && (b & 0x80) === 0);
          const topicLength = frame.readUInt16BE(lengthBytes + 1);
          frame.writeUInt16BE(id, lengthBytes + 3 + topicLength);
        }
        frames.push(frame);
        sent++;
      }
      if (frames.length > 0) client.publish(Buffer.concat(frames));
      if (perMs > 0 && sent < spec.count && timer === undefined) {
        timer = setTimeout(() => {
          timer = undefined;
          pump();
        }, 2);
      }
    };
    client.onAck(pump);
    pump();
  });
  say({ done: Date.now() });
  client.end();
}

interface Edge {
  ready: Promise<void>;
  go(): Promise<number>;
  done: Promise<number>;
  child: ChildProcess;
}

function startEdge(spec: EdgeSpec): Edge {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), EDGE_FLAG, JSON.stringify(spec)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiters = new Map<string, (value: number) => void>();
  const seen = new Map<string, number>();
  const on = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const known = seen.get(key);
      if (known !== undefined) return resolve(known);
      waiters.set(key, resolve);
      child.once('exit', (code) => {
        if (!seen.has(key)) reject(new UnexpectedError(`the edge node exited with ${code} before "${key}"`));
      });
    });
  createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, number | boolean>;
    for (const [key, value] of Object.entries(message)) {
      const n = typeof value === 'number' ? value : 0;
      seen.set(key, n);
      waiters.get(key)?.(n);
    }
  });
  return {
    child,
    ready: on('ready').then(() => undefined),
    done: on('done'),
    go: () => {
      child.stdin?.end('go\n');
      return on('started');
    },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new UnexpectedError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

interface Measured {
  /** Metrics per second. */
  rate: number;
  latencies?: Float64Array;
  registerMs?: number;
}

/** The edge node publishes `spec` while the connector drains the broker into a fresh store. */
async function measureConnector(
  broker: Mosquitto,
  work: string,
  run: string,
  spec: Omit<EdgeSpec, 'url'>,
): Promise<Measured> {
  await using core = await openCore({
    dataDir: join(work, run),
    ingest: loadConfig({}).ingest,
    clock: { now: () => Date.now() },
  });
  const sink = createIngestSink(core.app, SYSTEM_PRINCIPAL);
  const total = spec.count * spec.metrics;
  const births = spec.devices * spec.metrics;
  let stored = 0;
  const latencies = new Float64Array(total);
  const timed: IngestSink = {
    ...sink,
    writeSamples: async (items, source) => {
      const outcome = await sink.writeSamples(items, source);
      const now = Date.now();
      for (const item of items as ReadonlyArray<{ ts: number }>) {
        if (stored >= births && stored - births < total) latencies[stored - births] = now - item.ts;
        stored++;
      }
      return outcome;
    },
  };
  const config = SparkplugConnectionConfig.parse({
    kind: 'sparkplug',
    id: `bench-${run}`,
    url: broker.url,
    groups: [GROUP],
    hostId: `bench-${run}`,
    assetRoot: 'acme/plant1',
  });
  await using host = await startSparkplugConnector(config, {
    sink: timed,
    clock: { now: () => Date.now() },
    stateDir: work,
    log: (level, message, error) => {
      if (level !== 'info') console.warn(`${level}: ${message}`, error ?? '');
    },
  });
  await until('connected', () => host.status().state === 'connected', 10_000);
  const edge = startEdge({ url: broker.url, ...spec });
  const registering = Date.now();
  await edge.ready;
  await until('the births stored', () => stored >= births, 300_000);
  const registerMs = Date.now() - registering;
  const started = await edge.go();
  await until(`${total.toLocaleString()} metrics stored`, () => stored >= births + total, 600_000);
  const end = Date.now();
  await edge.done;
  const status = host.status();
  const counters = host.counters();
  if (
    status.deadLetters > 0 ||
    status.samples !== births + total ||
    counters.duplicates > 0 ||
    counters.seqGaps > 0
  ) {
    throw new UnexpectedError(`expected ${total} stored: ${JSON.stringify({ status, counters })}`);
  }
  await host[Symbol.asyncDispose]();
  // Drop the persistent session, or Mosquitto would queue the next runs' messages for it.
  await (
    await mqtt.connectAsync(broker.url, { clientId: config.clientId ?? `gemba-${config.id}`, clean: true })
  ).endAsync();
  return { rate: total / ((end - started) / 1000), latencies: latencies.sort(), registerMs };
}

/** The same load drained by a bare mqtt.js subscriber that decodes each payload and stores nothing. */
async function measureDecodeOnly(broker: Mosquitto, spec: Omit<EdgeSpec, 'url'>): Promise<Measured> {
  const client = await mqtt.connectAsync(broker.url, { clientId: 'bench-decode-only', clean: true });
  let metrics = 0;
  client.on('message', (topic, payload) => {
    if (!topic.includes('/DDATA/')) return;
    metrics += spB?.decodePayload(payload).metrics?.length ?? 0;
  });
  await client.subscribeAsync(`spBv1.0/${GROUP}/#`, { qos: 1 });
  const total = spec.count * spec.metrics;
  try {
    const edge = startEdge({ url: broker.url, ...spec });
    await edge.ready;
    const started = await edge.go();
    await until(`${total.toLocaleString()} metrics decoded`, () => metrics >= total, 600_000);
    const end = Date.now();
    await edge.done;
    return { rate: total / ((end - started) / 1000) };
  } finally {
    await client.endAsync();
  }
}

export async function run(argv: string[]): Promise<void> {
  const unavailable = mosquittoUnavailable();
  if (unavailable !== undefined) {
    console.error(`sparkplug bench skipped: ${unavailable}`);
    return;
  }
  const messages = numberFlag(argv, 'messages', 20_000);
  const devices = numberFlag(argv, 'devices', 10);
  const metrics = numberFlag(argv, 'metrics', 100);
  const latencySeconds = numberFlag(argv, 'latency-seconds', 10);
  const work = mkdtempSync(join(tmpdir(), 'gemba-bench-sparkplug-'));
  try {
    await using broker = await startMosquitto();
    const load = { devices, metrics, count: messages, rate: 0, window: 2_000, stampSendTime: false };

    const reference = await measureDecodeOnly(broker, load);
    console.log(`bare subscriber, decode only: ${Math.round(reference.rate).toLocaleString()} metrics/s`);
    const ours = await measureConnector(broker, work, 'max', load);
    console.log(
      `connector → stored: ${Math.round(ours.rate).toLocaleString()} metrics/s (births of ${(devices * metrics).toLocaleString()} tags registered in ${ours.registerMs} ms)`,
    );

    const halfRate = Math.max(1, Math.round(ours.rate / metrics / 2));
    const paced = await measureConnector(broker, work, 'latency', {
      devices,
      metrics,
      count: halfRate * latencySeconds,
      rate: halfRate,
      window: 10_000,
      stampSendTime: true,
    });
    const lat = paced.latencies ?? new Float64Array();
    const p50 = quantile(lat, 0.5);
    const p99 = quantile(lat, 0.99);
    const max = lat[lat.length - 1] ?? NaN;
    console.log(
      `latency at ${(halfRate * metrics).toLocaleString()} metrics/s: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms (achieved ${Math.round(paced.rate).toLocaleString()}/s)`,
    );

    await writeResults('sparkplug', {
      ours: {
        metrics_per_s: Math.round(ours.rate),
        ratio_to_decode_only: Number((ours.rate / reference.rate).toFixed(3)),
        latency_rate_metrics_per_s: halfRate * metrics,
        latency_p50_ms: p50,
        latency_p99_ms: p99,
        latency_max_ms: max,
        birth_registration_ms: ours.registerMs ?? NaN,
      },
      peers: {
        'bare mqtt.js subscriber + sparkplug-payload decodePayload (QoS 1, stores nothing)': {
          metrics_per_s: Math.round(reference.rate),
        },
      },
      targets: {
        metrics_per_s: '>= 200,000 (stored, acknowledged after commit)',
        latency_p99_ms: '< 1,000 at half load',
      },
      notes: [
        `${messages.toLocaleString()} DDATA messages of ${metrics} Double metrics by alias (${(messages * metrics).toLocaleString()} metrics) from one edge node with ${devices} devices, QoS 1, published from a child process on a raw socket (pre-encoded, ≤ 2,000 unacknowledged), through Mosquitto 2 (persistence on) on loopback.`,
        'Rates run from the edge node starting to the last metric stored (ours: writeSamples resolved, durable in DuckDB, then PUBACKed) or decoded (reference).',
        `Before each of our runs the edge node's NBIRTH and ${devices} DBIRTHs register ${(devices * metrics).toLocaleString()} tags (birth_registration_ms, not in the rate).`,
        `Latency: ${latencySeconds} s paced at half our measured rate; each payload's timestamp is its send time, measured per metric when writeSamples resolved.`,
        'Edge node, Mosquitto, DuckDB and the connector share the machine; the reference shares it with the edge node and Mosquitto only.',
      ],
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === EDGE_FLAG) {
  await edgeMain(JSON.parse(process.argv[3] ?? '{}') as EdgeSpec);
}
