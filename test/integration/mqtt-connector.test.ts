/**
 * The MQTT connector against a real Mosquitto (test/helpers/mosquitto.ts) and a real store: mapping rules,
 * authentication and TLS, auto-registration, dead letters, and exactly-once storage across a broker restart,
 * a connector restart and a storage failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createIngestSink } from '../../src/app/ingest/sink.js';
import {
  type ConnectionStatus,
  type ConnectorDeps,
  type IngestSink,
  MqttConnectionConfig,
  OperationalError,
} from '../../src/domain/index.js';
import { createMqttConnector } from '../../src/adapters/ingest/mqtt/mqtt.connector.js';
import { loadConfig } from '../../src/server/config.js';
import { type Core, openCore, SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { type Mosquitto, mosquittoUnavailable, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/platform.js';

const skip = mosquittoUnavailable();
const T0 = Date.parse('2026-03-02T06:00:00Z');
const LINE = 'acme/plant1/stamping/line1';

interface Plant extends AsyncDisposable {
  readonly core: Core;
  readonly sink: IngestSink;
  readonly logs: string[];
  deps(sink?: IngestSink): ConnectorDeps;
  /** Creates the assets down to `asset` and the tags on it. */
  tags(asset: string, names: readonly string[], dataType?: string): Promise<void>;
  read(
    tag: string,
    from?: number,
    to?: number,
  ): Promise<Array<{ ts: number; value: number; quality: string }>>;
  deadLetters(): Promise<Array<{ source: string; reason: string; payload: string }>>;
}

async function openPlant(): Promise<Plant> {
  const dir = tempDir('gemba-mqtt-test-');
  const core = await openCore({
    dataDir: dir.path,
    ingest: loadConfig({}).ingest,
    clock: { now: () => Date.now() },
  });
  const sink = createIngestSink(core.app, SYSTEM_PRINCIPAL);
  const logs: string[] = [];
  const call = (op: string, input: unknown) => core.app.call(op, input, SYSTEM_PRINCIPAL);
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
    async tags(asset, names, dataType = 'float') {
      const segments = asset.split('/');
      const levels = ['enterprise', 'site', 'area', 'line', 'cell', 'equipment'];
      for (let i = 0; i < segments.length; i++) {
        const path = segments.slice(0, i + 1).join('/');
        if (await core.app.services.store.getAsset(path)) continue;
        const level = i === segments.length - 1 ? 'equipment' : (levels[i] ?? 'cell');
        await call('assets.create', { path, level, name: segments[i] });
      }
      for (const name of names) await call('tags.create', { asset, name, dataType });
    },
    async read(tag, from = 0, to = 8e15) {
      const r: any = await call('samples.read', { tag, from, to, limit: 100_000 });
      return r.samples;
    },
    async deadLetters() {
      const r: any = await call('deadletters.list', { limit: 10_000 });
      return r.deadLetters;
    },
    async [Symbol.asyncDispose]() {
      await core[Symbol.asyncDispose]();
      dir[Symbol.dispose]();
    },
  };
}

function connection(broker: Mosquitto, extra: Record<string, unknown> = {}): MqttConnectionConfig {
  return MqttConnectionConfig.parse({
    kind: 'mqtt',
    id: 'line1',
    url: broker.url,
    reconnect: { minMs: 50, maxMs: 400 },
    subscriptions: [{ topic: 'acme/#' }],
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

const pem = (path: string | undefined): string => readFileSync(path ?? '', 'utf8');
const connected = (c: { status(): ConnectionStatus }) => c.status().state === 'connected';

async function publisher(broker: Mosquitto, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(broker.url, {
    clientId: `pub-${Math.random().toString(36).slice(2)}`,
    reconnectPeriod: 100,
    ...options,
  });
}

async function publishAll(
  client: MqttClient,
  messages: ReadonlyArray<readonly [topic: string, payload: string | Buffer]>,
): Promise<void> {
  await Promise.all(messages.map(([topic, payload]) => client.publishAsync(topic, payload, { qos: 1 })));
}

describe.skipIf(skip !== undefined)(`MQTT connector${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('stores UNS JSON and bare values with their timestamp and quality', async () => {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    const asset = `${LINE}/press3`;
    await plant.tags(asset, ['oil_temp', 'pressure', 'speed']);
    await plant.tags(asset, ['running'], 'boolean');
    await using connector = await createMqttConnector(connection(broker), plant.deps());
    await until('connected', () => connected(connector));
    const pub = await publisher(broker);
    const before = Date.now();
    await publishAll(pub, [
      [`${asset}/oil_temp`, JSON.stringify({ value: 61.5, timestamp: T0, quality: 'uncertain' })],
      [`${asset}/oil_temp`, JSON.stringify({ value: 62, ts: '2026-03-02T07:00:00+01:00' })], // = T0 + 0
      [`${asset}/oil_temp`, JSON.stringify({ value: 63, timestamp: T0 / 1000 + 1 })], // epoch seconds
      [`${asset}/oil_temp`, JSON.stringify({ value: '64.25', timestamp: String(T0 + 2000) })],
      [`${asset}/pressure`, '101.3'],
      [`${asset}/running`, 'true'],
      [`${asset}/speed`, JSON.stringify({ value: 1200, timestamp: (T0 + 5) * 1000, quality: 'BAD' })], // µs
    ]);
    await pub.endAsync();
    await until('7 stored', () => connector.status().samples === 7);
    const after = Date.now();

    expect(await plant.read(`${asset}/oil_temp`)).toEqual([
      { ts: T0, value: 61.5, quality: 'uncertain' },
      { ts: T0, value: 62, quality: 'good' },
      { ts: T0 + 1000, value: 63, quality: 'good' },
      { ts: T0 + 2000, value: 64.25, quality: 'good' },
    ]);
    expect(await plant.read(`${asset}/speed`)).toEqual([{ ts: T0 + 5, value: 1200, quality: 'bad' }]);
    const [pressure] = await plant.read(`${asset}/pressure`);
    expect(pressure?.value).toBe(101.3);
    // A bare value is stamped with its arrival time.
    expect(pressure?.ts).toBeGreaterThanOrEqual(before);
    expect(pressure?.ts).toBeLessThanOrEqual(after);
    expect((await plant.read(`${asset}/running`)).map((s) => s.value)).toEqual([1]);
    const status = connector.status();
    expect(status).toMatchObject({ id: 'line1', kind: 'mqtt', messages: 7, samples: 7, deadLetters: 0 });
    expect(status.lastMessageAt).toBeGreaterThanOrEqual(before);
  });

  it('maps JSON payloads with dotted paths and a tag template over topic levels, after a prefix', async () => {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    await plant.tags(`${LINE}/press3`, ['temp']);
    await plant.tags(`${LINE}/press4`, ['temp']);
    const config = connection(broker, {
      subscriptions: [
        {
          topic: 'factory/+/+/telemetry',
          format: 'json',
          paths: { value: 'd.readings.0.v', timestamp: 'd.t', quality: 'q' },
          tag: 'stamping/{1}/{2}/temp',
          prefix: 'acme/plant1',
        },
      ],
    });
    await using connector = await createMqttConnector(config, plant.deps());
    await until('connected', () => connected(connector));
    const pub = await publisher(broker);
    await publishAll(pub, [
      ['factory/line1/press3/telemetry', JSON.stringify({ d: { t: T0, readings: [{ v: 1.5 }] }, q: 'good' })],
      ['factory/line1/press4/telemetry', JSON.stringify({ d: { t: T0 + 1, readings: [{ v: 2.5 }] } })],
      ['factory/line1/press4/telemetry', JSON.stringify({ d: { t: T0 + 2, readings: [] } })], // no value
    ]);
    await pub.endAsync();
    await until('2 stored, 1 dead letter', () => {
      const s = connector.status();
      return s.samples === 2 && s.deadLetters === 1;
    });
    expect(await plant.read(`${LINE}/press3/temp`)).toEqual([{ ts: T0, value: 1.5, quality: 'good' }]);
    expect(await plant.read(`${LINE}/press4/temp`)).toEqual([{ ts: T0 + 1, value: 2.5, quality: 'good' }]);
    const [letter] = await plant.deadLetters();
    expect(letter).toMatchObject({
      source: 'mqtt:line1:factory/line1/press4/telemetry',
      reason: 'value: nothing at path "d.readings.0.v"',
    });
  });

  it('reports a wrong password as failed with the reason, and connects with the right one from a file', async () => {
    await using broker = await startMosquitto({ users: { gemba: 's3cret' } });
    await using plant = await openPlant();
    await plant.tags(`${LINE}/press3`, ['oil_temp']);
    {
      await using wrong = await createMqttConnector(
        connection(broker, { username: 'gemba', password: 'nope' }),
        plant.deps(),
      );
      await until('failed', () => wrong.status().state === 'failed');
      expect(wrong.status().lastError).toMatch(
        /refused the connection: .*(Bad User Name or Password|Not authorized).*passwordFile/,
      );
      // It keeps trying (at the maximum back-off), still failed.
      const errors = wrong.status().errors;
      await until('a retry', () => wrong.status().errors > errors, 5_000);
      expect(wrong.status().state).toBe('failed');
    }
    const passwordFile = join(broker.dir, 'gemba.password');
    writeFileSync(passwordFile, 's3cret\n');
    await using right = await createMqttConnector(
      connection(broker, { username: 'gemba', passwordFile }),
      plant.deps(),
    );
    await until('connected', () => connected(right));
    const pub = await publisher(broker, { username: 'gemba', password: 's3cret' });
    await publishAll(pub, [[`${LINE}/press3/oil_temp`, JSON.stringify({ value: 50, timestamp: T0 })]]);
    await pub.endAsync();
    await until('stored', () => right.status().samples === 1);
  });

  it('connects over TLS trusting a CA, and refuses a broker it cannot verify', async () => {
    await using broker = await startMosquitto({ tls: true });
    await using plant = await openPlant();
    await plant.tags(`${LINE}/press3`, ['oil_temp']);
    {
      await using untrusted = await createMqttConnector(connection(broker), plant.deps());
      await until('failed', () => untrusted.status().state === 'failed');
      expect(untrusted.status().lastError).toMatch(
        /^TLS: self-signed certificate in the chain: cannot verify the broker's certificate; set tls.ca/,
      );
    }
    await using connector = await createMqttConnector(
      connection(broker, { tls: { ca: broker.ca } }),
      plant.deps(),
    );
    await until('connected', () => connected(connector));
    const pub = await publisher(broker, { ca: pem(broker.ca) });
    await publishAll(pub, [[`${LINE}/press3/oil_temp`, JSON.stringify({ value: 50, timestamp: T0 })]]);
    await pub.endAsync();
    await until('stored', () => connector.status().samples === 1);
  });

  it('authenticates with a client certificate', async () => {
    await using broker = await startMosquitto({ requireClientCert: true });
    await using plant = await openPlant();
    await plant.tags(`${LINE}/press3`, ['oil_temp']);
    {
      await using noCert = await createMqttConnector(
        connection(broker, { tls: { ca: broker.ca } }),
        plant.deps(),
      );
      await until('failed', () => noCert.status().state === 'failed');
      expect(noCert.status().lastError).toBe(
        'TLS: the broker requires a client certificate (tls.cert and tls.key) (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)',
      );
    }
    await using connector = await createMqttConnector(
      connection(broker, { tls: { ca: broker.ca, cert: broker.clientCert, key: broker.clientKey } }),
      plant.deps(),
    );
    await until('connected', () => connected(connector));
    const pub = await publisher(broker, {
      ca: pem(broker.ca),
      cert: pem(broker.clientCert),
      key: pem(broker.clientKey),
    });
    await publishAll(pub, [[`${LINE}/press3/oil_temp`, JSON.stringify({ value: 50, timestamp: T0 })]]);
    await pub.endAsync();
    await until('stored', () => connector.status().samples === 1);
  });

  it('refuses to start when a TLS file cannot be read', async () => {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    await expect(
      createMqttConnector(connection(broker, { tls: { ca: '/nonexistent/ca.crt' } }), plant.deps()),
    ).rejects.toThrow(/tls.ca: cannot read \/nonexistent\/ca.crt/);
  });

  it('dead-letters unknown tags unless auto-registration allows them, and registers only allowed ones', async () => {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    const pub = await publisher(broker);
    const burst: Array<[string, string]> = [
      [`${LINE}/press7/temp`, JSON.stringify({ value: 1, timestamp: T0 })],
      [`${LINE}/press7/door_open`, JSON.stringify({ value: true, timestamp: T0 })],
      ['acme/plant2/x/y/secret', JSON.stringify({ value: 2, timestamp: T0 })],
    ];
    {
      await using off = await createMqttConnector(connection(broker), plant.deps());
      await until('connected', () => connected(off));
      await publishAll(pub, burst);
      await until('3 dead letters', () => off.status().deadLetters === 3);
      expect(off.status().samples).toBe(0);
      expect((await plant.deadLetters()).map((d) => d.reason)).toContain(
        `unknown tag "${LINE}/press7/temp" (auto-registration is off for this connection)`,
      );
      expect(plant.sink.hasTag(`${LINE}/press7/temp`)).toBe(false);
    }
    await using on = await createMqttConnector(
      connection(broker, {
        id: 'line1-auto',
        autoRegister: { enabled: true, allow: ['acme/plant1/**'] },
      }),
      plant.deps(),
    );
    await until('connected', () => connected(on));
    await publishAll(pub, burst);
    await pub.endAsync();
    await until('2 stored, 1 dead letter', () => on.status().samples === 2 && on.status().deadLetters === 1);
    expect(plant.sink.hasTag(`${LINE}/press7/temp`)).toBe(true);
    expect(plant.sink.hasTag('acme/plant2/x/y/secret')).toBe(false);
    const tags: any = await plant.core.app.call('tags.list', {}, SYSTEM_PRINCIPAL);
    const doorOpen = tags.tags.find((t: any) => t.path === `${LINE}/press7/door_open`);
    expect(doorOpen).toMatchObject({ dataType: 'boolean', source: { adapter: 'mqtt' } });
    expect((await plant.deadLetters()).map((d) => d.reason)).toContain(
      'unknown tag "acme/plant2/x/y/secret" (not in autoRegister.allow of this connection)',
    );
  });

  it('dead-letters each bad message with its reason while the good ones of the same burst are stored', async () => {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    const asset = `${LINE}/press3`;
    await plant.tags(asset, ['oil_temp']);
    await using connector = await createMqttConnector(connection(broker), plant.deps());
    await until('connected', () => connected(connector));
    const tag = `${asset}/oil_temp`;
    const bad: Array<[string, string | Buffer, RegExp]> = [
      [tag, '{"value": 1, "timestamp"', /^payload is not JSON/],
      [tag, JSON.stringify({ value: 'NaN', timestamp: T0 }), /^value: a string that is not a decimal number/],
      [tag, JSON.stringify({ value: 1, timestamp: 'yesterday' }), /^timestamp: expected/],
      [tag, JSON.stringify({ value: 1, timestamp: '2026-03-02T06:00:00' }), /^timestamp: expected .*offset/],
      [tag, '{"value": 1e400, "timestamp": 1}', /^value: not a finite number/],
      [
        tag,
        JSON.stringify({ value: { nested: [1] }, timestamp: T0 }),
        /^value: expected a number or a boolean/,
      ],
      [tag, JSON.stringify({ value: 1, timestamp: T0, quality: 'great' }), /^quality: expected/],
      [tag, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /^payload is not valid UTF-8/],
      [tag, Buffer.alloc(1024 * 1024 + 1, 0x31), /^payload too large: 1048577 bytes/],
      [tag, '[1, 2]', /^payload must be a number/],
    ];
    const messages: Array<[string, string | Buffer]> = [];
    for (let i = 0; i < 20; i++) {
      messages.push([tag, JSON.stringify({ value: i, timestamp: T0 + i })]);
      const b = bad[i % bad.length];
      if (i < bad.length && b) messages.push([b[0], b[1]]);
    }
    const pub = await publisher(broker);
    await publishAll(pub, messages);
    await pub.endAsync();
    await until('all handled', () => connector.status().samples + connector.status().deadLetters === 30);
    expect((await plant.read(tag)).map((s) => s.value)).toEqual([...Array(20).keys()]);
    const letters = await plant.deadLetters();
    expect(letters).toHaveLength(bad.length);
    for (const [, , reason] of bad) expect(letters.some((l) => reason.test(l.reason))).toBe(true);
    expect(letters.every((l) => l.source === `mqtt:line1:${tag}`)).toBe(true);
    const large = letters.find((l) => l.reason.startsWith('payload too large'));
    expect(large?.payload.length).toBeLessThanOrEqual(4097);
    expect(connector.status()).toMatchObject({ messages: 30, samples: 20, deadLetters: 10, errors: 0 });
  });

  it('stops reading at its byte budget and reads on once the held messages are handled', async () => {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    const tag = `${LINE}/press3/oil_temp`;
    await plant.tags(`${LINE}/press3`, ['oil_temp']);
    await using connector = await createMqttConnector(connection(broker), plant.deps());
    await until('connected', () => connected(connector));
    const pub = await publisher(broker);
    // 100 MiB in flight at once, over the 64 MiB budget: every one is too large, the last one is good.
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    await publishAll(pub, [
      ...Array.from({ length: 100 }, () => [tag, big] as const),
      [tag, JSON.stringify({ value: 1, timestamp: T0 })],
    ]);
    await pub.endAsync();
    await until(
      'all handled',
      () => connector.status().deadLetters === 100 && connector.status().samples === 1,
    );
    expect(connector.status()).toMatchObject({ state: 'connected', messages: 101, errors: 0 });
  });

  it('Mosquitto resends sent, unacknowledged QoS 1 messages with DUP set when a session resumes, also after a restart', async () => {
    // What the connector's de-duplication is designed around (see the header of mqtt.connector.ts).
    await using broker = await startMosquitto();
    const seen: Array<{ payload: string; dup: boolean }> = [];
    const ids: number[] = [];
    const holdAcks = (_t: string, m: Buffer, p: IPublishPacket, cb: (e: Error | number) => void) => {
      seen.push({ payload: m.toString(), dup: p.dup });
      ids.push(p.messageId ?? 0);
      cb(new Error('hold the PUBACK')); // releases mqtt.js without sending a PUBACK
    };
    const sub = mqtt.connect(broker.url, {
      clientId: 'dup-probe',
      clean: false,
      protocolVersion: 5,
      reconnectPeriod: 0,
      properties: { sessionExpiryInterval: 600, receiveMaximum: 5 },
      customHandleAcks: holdAcks,
    });
    sub.on('error', () => undefined);
    await new Promise((r) => sub.once('connect', r));
    await sub.subscribeAsync('probe/#', { qos: 1 });
    const pub = await publisher(broker);
    await publishAll(
      pub,
      Array.from({ length: 8 }, (_, i) => ['probe/x', String(i)] as const),
    );
    await until('5 in flight', () => seen.length === 5);
    await sleep(100);
    const asSent = (payloads: string, dup: boolean) => [...payloads].map((payload) => ({ payload, dup }));
    expect(seen).toEqual(asSent('01234', false)); // receive maximum 5: the rest waits in the session
    // PUBACK the first two (packet ids are below 256 here); the broker then sends what it queued.
    sub.stream.write(Buffer.from([0x40, 2, 0, ids[0] ?? 0, 0x40, 2, 0, ids[1] ?? 0]));
    await until('the queued ones', () => seen.length === 8);
    expect(seen.slice(5)).toEqual(asSent('567', false));

    // The connection drops; the session resumes: what was sent and not acknowledged comes again, with DUP.
    sub.stream.destroy();
    await sleep(100);
    seen.length = 0;
    sub.reconnect();
    await until('resent', () => seen.length === 6);
    await sleep(100);
    expect(seen).toEqual(asSent('234567', true));

    // The same after Mosquitto restarts from its persistence file (SIGTERM writes it).
    sub.stream.destroy();
    await sleep(100);
    seen.length = 0;
    await broker.restart(100);
    sub.reconnect();
    await until('resent after the restart', () => seen.length >= 5);
    expect(seen.slice(0, 5)).toEqual(asSent('23456', true));
    await pub.endAsync(true);
    await sub.endAsync(true);
  });

  /** N QoS 1 samples with unique timestamps over 10 tags, published while `disrupt` runs mid-stream. */
  async function exactlyOnce(
    n: number,
    disrupt: (ctx: {
      broker: Mosquitto;
      stored: () => number;
      /** Disposes the connector and starts a new one with the same configuration (and client id). */
      restartConnector: () => Promise<void>;
    }) => Promise<void>,
    sinkFor: (sink: IngestSink) => IngestSink = (s) => s,
  ): Promise<{ counts: number[]; connectors: number; logs: string[]; status: ConnectionStatus }> {
    await using broker = await startMosquitto();
    await using plant = await openPlant();
    const asset = `${LINE}/press3`;
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    await plant.tags(asset, names);
    const stored = () => plant.core.app.services.ingest.counters()['mqtt:line1']?.accepted ?? 0;
    const config = connection(broker, { subscriptions: [{ topic: `${asset}/+` }] });
    const deps = plant.deps(sinkFor(plant.sink));
    const state = { connector: await createMqttConnector(config, deps), created: 1 };
    let status: ConnectionStatus | undefined;
    try {
      await until('connected', () => connected(state.connector));
      const pub = await publisher(broker, { clientId: 'exactly-once-pub', clean: false });
      const sent = (async () => {
        for (let start = 0; start < n; start += 1000) {
          const chunk: Array<[string, string]> = [];
          for (let i = start; i < Math.min(n, start + 1000); i++) {
            chunk.push([`${asset}/t${i % 10}`, JSON.stringify({ value: i, timestamp: T0 + i })]);
          }
          await publishAll(pub, chunk);
        }
      })();
      await disrupt({
        broker,
        stored,
        restartConnector: async () => {
          await state.connector[Symbol.asyncDispose]();
          state.connector = await createMqttConnector(config, deps);
          state.created++;
        },
      });
      await sent;
      await pub.endAsync();
      await until(`${n} stored`, () => stored() >= n, 30_000);
      await sleep(300); // late redeliveries would show up here
      status = state.connector.status();
    } finally {
      await state.connector[Symbol.asyncDispose]();
    }
    const counts = await Promise.all(
      names.map(async (name) => (await plant.read(`${asset}/${name}`)).length),
    );
    const all = (await Promise.all(names.map((name) => plant.read(`${asset}/${name}`)))).flat();
    expect(new Set(all.map((s) => s.value)).size).toBe(all.length);
    if (status === undefined) throw new Error('no status');
    return { counts, connectors: state.created, logs: plant.logs, status };
  }

  it('stores exactly N samples when Mosquitto restarts mid-stream: none lost, none duplicated', async () => {
    const n = 20_000;
    const { counts, logs, status } = await exactlyOnce(n, async ({ broker, stored }) => {
      await until('a third stored', () => stored() > n / 3);
      await broker.restart(300);
    });
    expect(status).toMatchObject({ state: 'connected', reconnects: 1, deadLetters: 0 });
    expect(status.messages).toBeGreaterThanOrEqual(n); // redeliveries are messages too
    expect(status.samples).toBe(n);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    expect(counts.every((c) => c === n / 10)).toBe(true);
    expect(logs.filter((l) => l.includes('session resumed'))).not.toHaveLength(0);
  });

  it('stores exactly N samples when the connector is stopped and started again mid-stream', async () => {
    const n = 20_000;
    const { counts, connectors } = await exactlyOnce(n, async ({ stored, restartConnector }) => {
      await until('a quarter stored', () => stored() > n / 4);
      await restartConnector();
      await until('half stored', () => stored() > n / 2);
      await restartConnector();
    });
    expect(connectors).toBe(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('does not acknowledge a batch whose storage failed; the broker redelivers it and it is stored once', async () => {
    const n = 5_000;
    let failures = 0;
    const { counts, logs } = await exactlyOnce(
      n,
      async ({ stored }) => {
        await until('some stored', () => stored() > 500);
        failures = 3;
      },
      (sink) => ({
        ...sink,
        writeSamples: async (items, source) => {
          if (failures > 0) {
            failures--;
            throw new OperationalError('storage_failed', 'disk full (test)');
          }
          return sink.writeSamples(items, source);
        },
      }),
    );
    expect(failures).toBe(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    expect(logs.filter((l) => l.includes('failed; they stay unacknowledged'))).toHaveLength(3);
  });
});
