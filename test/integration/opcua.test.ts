/**
 * The OPC UA connector against a real node-opcua server (test/helpers/opcua-server.ts): values with their source
 * timestamps and qualities in the store, deadbands, dead letters, identities, security, browsing, a server restart.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, IngestSink, OpcUaConnectionConfig } from '../../src/domain/index.js';
import { OpcUaConnectionConfig as OpcUaConfigSchema } from '../../src/domain/index.js';
import { createIngestSink } from '../../src/app/ingest/sink.js';
import { loadConfig } from '../../src/server/config.js';
import { type Core, SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import {
  type BrowsedNode,
  browseOpcUa,
  createOpcUaConnector,
  opcUaConnectorKit,
  testOpcUaConnection,
} from '../../src/adapters/ingest/opcua/opcua.connector.js';
import { type OpcUaTestServer, freePort, startOpcUaTestServer } from '../helpers/opcua-server.js';
import { tempDir } from '../helpers/platform.js';

const PRESS3 = 'acme/plant1/stamping/line1/press3';
const USER = { username: 'operator', password: 's3cret' };

const dir = tempDir('gemba-opcua-');
/** One state folder for every connector of this file: the client PKI is made once. */
const stateDir = join(dir.path, 'state');
let server: OpcUaTestServer;
let core: Core;
let sink: IngestSink;
let writeCalls: number[] = [];
const logs: string[] = [];
const timings: Record<string, number> = {};

async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const call = (op: string, input: unknown) => core.app.call(op, input, SYSTEM_PRINCIPAL) as Promise<any>;

async function samples(name: string): Promise<Array<{ ts: number; value: number; quality: string }>> {
  const out = await call('samples.read', { tag: `${PRESS3}/${name}`, from: 0, to: Date.now() + 60_000 });
  return out.samples;
}

async function deadLetters(): Promise<Array<{ source: string; reason: string; payload: string }>> {
  return (await call('deadletters.list', { limit: 1000 })).deadLetters;
}

function config(
  id: string,
  overrides: Partial<OpcUaConnectionConfig> & Pick<OpcUaConnectionConfig, 'nodes'>,
) {
  return OpcUaConfigSchema.parse({
    kind: 'opcua',
    id,
    endpointUrl: server.endpointUrl,
    publishingIntervalMs: 100,
    ...overrides,
  });
}

const node = (name: string, tag: string, extra: object = {}) => ({
  nodeId: `ns=${server.ns};s=Press3.${name}`,
  tag: `${PRESS3}/${tag}`,
  samplingIntervalMs: 100,
  ...extra,
});

async function connect(cfg: OpcUaConnectionConfig): Promise<Connector> {
  return createOpcUaConnector(cfg, {
    sink,
    clock: { now: () => Date.now() },
    stateDir,
    log: (level, message) => logs.push(`${cfg.id} ${level}: ${message}`),
  });
}

beforeAll(async () => {
  let t = performance.now();
  server = await startOpcUaTestServer({
    pkiDir: join(dir.path, 'server-pki'),
    allowAnonymous: true,
    users: [USER],
    tickMs: 100,
  });
  timings['server start (PKI + address space)'] = performance.now() - t;
  core = await openCore({
    dataDir: join(dir.path, 'data'),
    ingest: loadConfig({}).ingest,
    clock: { now: () => Date.now() },
  });
  const inner = createIngestSink(core.app, SYSTEM_PRINCIPAL);
  sink = {
    ...inner,
    writeSamples: (items, source) => {
      writeCalls.push(items.length);
      return inner.writeSamples(items, source);
    },
  };
  const segments = PRESS3.split('/');
  const levels = ['enterprise', 'site', 'area', 'line', 'equipment'];
  for (let i = 0; i < segments.length; i++) {
    const path = segments.slice(0, i + 1).join('/');
    await call('assets.create', { path, level: levels[i], name: segments[i] });
  }
  for (const [name, dataType] of [
    ['oil_temp', 'float'],
    ['cycle_count', 'integer'],
    ['running', 'boolean'],
    ['pressure', 'float'],
    ['level', 'float'],
    ['humidity', 'float'],
    ['recipe', 'float'],
    ['oil_temp_abs', 'float'],
    ['oil_temp_pct', 'float'],
    ['cycle_pct', 'integer'],
    ['missing', 'float'],
  ] as const) {
    await call('tags.create', { asset: PRESS3, name, dataType });
  }
  // Create the client PKI (key pair and self-signed certificate) once, and time it.
  t = performance.now();
  const probe = await testOpcUaConnection({ endpointUrl: server.endpointUrl, stateDir });
  timings['client PKI + first connection'] = performance.now() - t;
  expect(probe.ok).toBe(true);
});

afterAll(async () => {
  await core?.[Symbol.asyncDispose]();
  await server?.[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
  console.log(
    'OPC UA test timings (ms):',
    JSON.stringify(timings, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v)),
  );
});

describe('OPC UA connector', () => {
  it('stores values with their source timestamps, maps status to quality and batches data changes', async () => {
    const activeBefore = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
    writeCalls = [];
    {
      await using connector = await connect(
        config('press3', {
          nodes: [
            node('OilTemp', 'oil_temp'),
            node('CycleCount', 'cycle_count'),
            node('Running', 'running'),
            node('Pressure', 'pressure'),
            node('Level', 'level'),
            node('Humidity', 'humidity'),
            node('Recipe', 'recipe'),
          ],
        }),
      );
      await waitFor('connected', () => connector.status().state === 'connected');
      await waitFor('10 cycle counts', async () => (await samples('cycle_count')).length >= 10);
      await waitFor('a bad level', async () => (await samples('level')).some((s) => s.quality === 'bad'));

      const written = (key: string) => server.written.get(`Press3.${key}`) ?? [];
      // Every stored value is one the server wrote, at the very source timestamp it gave.
      for (const [key, tag] of [
        ['OilTemp', 'oil_temp'],
        ['CycleCount', 'cycle_count'],
        ['Running', 'running'],
        ['Humidity', 'humidity'],
      ] as const) {
        const stored = await samples(tag);
        expect(stored.length, tag).toBeGreaterThanOrEqual(5);
        const byTs = new Map(written(key).map((w) => [w.ts, w.value]));
        for (const s of stored) {
          expect(byTs.has(s.ts), `${tag} at ${s.ts}`).toBe(true);
          const v = byTs.get(s.ts);
          expect(s.value).toBe(typeof v === 'boolean' ? (v ? 1 : 0) : v);
          expect(s.quality).toBe(key === 'Humidity' ? 'uncertain' : 'good');
        }
      }
      // Level: Good with a value on odd ticks, BadSensorFailure with no value on even ones, which carries the
      // last known value with quality bad.
      const level = await samples('level');
      const levelWritten = new Map(written('Level').map((w) => [w.ts, w]));
      for (let i = 0; i < level.length; i++) {
        const s = level[i];
        const w = levelWritten.get(s?.ts ?? -1);
        expect(w, `level sample ${i}`).toBeDefined();
        if (w?.status === 'Good') expect(s).toMatchObject({ value: w.value, quality: 'good' });
        else if (i > 0) expect(s).toMatchObject({ value: level[i - 1]?.value, quality: 'bad' });
      }
      expect(level.filter((s) => s.quality === 'bad').length).toBeGreaterThan(0);
      expect(await samples('pressure')).toEqual([]);
      expect(await samples('recipe')).toEqual([]);

      const letters = (await deadLetters()).filter((l) => l.source === 'opcua:press3');
      expect(letters.some((l) => /Press3\.Pressure.*BadSensorFailure.*no earlier value/.test(l.reason))).toBe(
        true,
      );
      expect(letters.some((l) => /Press3\.Recipe.*String is not a number/.test(l.reason))).toBe(true);
      // The String node changes every tick but is dead-lettered once a minute, not on every change.
      expect(letters.filter((l) => l.reason.includes('Press3.Recipe')).length).toBe(1);

      const status = connector.status();
      expect(status).toMatchObject({ id: 'press3', kind: 'opcua', state: 'connected', reconnects: 0 });
      expect(status.samples).toBeGreaterThan(20);
      expect(status.messages).toBeGreaterThan(status.samples);
      expect(status.deadLetters).toBeGreaterThanOrEqual(2);
      // Data changes of one publish response go to the sink together: six numeric nodes change each tick.
      expect(Math.max(...writeCalls)).toBeGreaterThanOrEqual(5);
      expect(writeCalls.length).toBeLessThan(status.samples / 3);
    }
    // Disposal closed subscription, session, client and socket: the server has none open, and this process holds
    // no handle it did not hold before.
    expect(server.counts()).toEqual({ sessions: 0, subscriptions: 0 });
    const leftover = await waitFor(
      'handles released',
      () => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length <= activeBefore,
      3_000,
    ).catch(() => false);
    expect(leftover, JSON.stringify(process.getActiveResourcesInfo())).toBe(true);
  });

  it('applies absolute and percent deadbands, and reports nodes that cannot be monitored while others work', async () => {
    await using connector = await connect(
      config('deadband', {
        nodes: [
          node('OilTemp', 'oil_temp'),
          node('OilTemp', 'oil_temp_abs', { deadband: { type: 'absolute', value: 0.5 } }),
          node('OilTemp', 'oil_temp_pct', { deadband: { type: 'percent', value: 1 } }),
          node('CycleCount', 'cycle_pct', { deadband: { type: 'percent', value: 1 } }),
          node('NoSuchNode', 'missing'),
          { nodeId: 'not a node id', tag: `${PRESS3}/missing`, samplingIntervalMs: 100 },
        ],
      }),
    );
    const from = Date.now();
    await waitFor('connected', () => connector.status().state === 'connected');
    await new Promise((r) => setTimeout(r, 3_000));
    const since = async (tag: string) => (await samples(tag)).filter((s) => s.ts >= from);
    const all = await since('oil_temp');
    const abs = await since('oil_temp_abs');
    const pct = await since('oil_temp_pct');
    expect(all.length).toBeGreaterThanOrEqual(20);
    const steps = (xs: Array<{ value: number }>) =>
      xs.slice(1).map((s, i) => Math.abs(s.value - (xs[i]?.value ?? 0)));
    // Absolute 0.5: each reported value differs from the previous report by more than 0.5.
    for (const d of steps(abs)) expect(d).toBeGreaterThan(0.5);
    // Percent 1 of the EURange 0–100: more than 1.0.
    for (const d of steps(pct)) expect(d).toBeGreaterThan(1);
    expect(abs.length).toBeLessThan(all.length / 3);
    expect(pct.length).toBeLessThan(abs.length);
    expect(pct.length).toBeGreaterThanOrEqual(2);

    const status = connector.status();
    expect(status.state).toBe('connected');
    expect(status.errors).toBeGreaterThanOrEqual(3);
    expect(status.lastError).toMatch(/cannot monitor|not a node id/);
    const reasons = (await deadLetters()).filter((l) => l.source === 'opcua:deadband').map((l) => l.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /Press3\.CycleCount → .*cycle_pct: cannot monitor: a percent deadband needs an AnalogItem with an EURange \(BadMonitoredItemFilterUnsupported\)/,
        ),
        expect.stringMatching(
          /Press3\.NoSuchNode → .*missing: cannot monitor: the node does not exist on the server \(BadNodeIdUnknown\)/,
        ),
        expect.stringMatching(/"not a node id" is not a node id/),
      ]),
    );
    expect(await since('cycle_pct')).toEqual([]);
  });

  it('signs in with user name and password, and fails with a clear error on a wrong password', async () => {
    const passwordFile = join(dir.path, 'opcua.password');
    writeFileSync(passwordFile, `${USER.password}\n`);
    {
      await using good = await connect(
        config('user-ok', {
          username: USER.username,
          passwordFile,
          nodes: [
            node('CycleCount', 'cycle_count'),
            // Tags that do not exist yet: the numeric one is created from the node's DataType, the String one not.
            node('Running', 'auto_running'),
            node('Recipe', 'auto_recipe'),
          ],
        }),
      );
      await waitFor('connected with a password file', () => good.status().state === 'connected');
      await waitFor('data', async () => (await samples('auto_running')).length > 0);
      const tags = (await call('tags.list', { under: PRESS3 })).tags as Array<{ name: string }>;
      expect(tags.find((t) => t.name === 'auto_running')).toMatchObject({
        dataType: 'boolean',
        source: { adapter: 'opcua', address: `user-ok:ns=${server.ns};s=Press3.Running` },
      });
      expect(tags.find((t) => t.name === 'auto_recipe')).toBeUndefined();
    }
    await using bad = await connect(
      config('user-bad', {
        username: USER.username,
        password: 'wrong',
        nodes: [node('CycleCount', 'cycle_count')],
      }),
    );
    await waitFor('failed', () => bad.status().state === 'failed');
    expect(bad.status().lastError).toBe(
      'the server rejected user "operator": wrong user name or password, or not allowed (BadUserAccessDenied)',
    );
    const probe = await testOpcUaConnection({
      endpointUrl: server.endpointUrl,
      stateDir,
      username: USER.username,
      password: 'wrong',
    });
    expect(probe).toMatchObject({ ok: false, failure: 'identity' });
  });

  it('works with security Sign and SignAndEncrypt (Basic256Sha256), trusting the server certificate on first use', async () => {
    for (const securityMode of ['Sign', 'SignAndEncrypt'] as const) {
      const t = performance.now();
      await using secured = await connect(
        config(`secured-${securityMode.toLowerCase()}`, {
          securityMode,
          securityPolicy: 'Basic256Sha256',
          username: USER.username,
          password: USER.password,
          nodes: [node('CycleCount', 'cycle_count')],
        }),
      );
      await waitFor(`${securityMode} connected`, () => secured.status().state === 'connected');
      await waitFor(`${securityMode} data`, () => secured.status().samples > 0);
      timings[`${securityMode} connect to first sample`] = performance.now() - t;
    }
    // The server's certificate was trusted on first use and filed in the connection's PKI.
    expect(readdirSync(join(stateDir, 'pki', 'trusted', 'certs')).length).toBe(1);

    // Another server (another certificate) at the same address is refused now.
    const impostor = await startOpcUaTestServer({
      pkiDir: join(dir.path, 'impostor-pki'),
      allowAnonymous: true,
    });
    try {
      await using refused = await connect(
        config('impostor', {
          endpointUrl: impostor.endpointUrl,
          securityMode: 'Sign',
          securityPolicy: 'Basic256Sha256',
          nodes: [node('CycleCount', 'cycle_count')],
        }),
      );
      await waitFor('refused', () => refused.status().state === 'failed');
      expect(refused.status().lastError).toMatch(
        /^the server's certificate is not trusted \(BadCertificateUntrusted\): it is not the one trusted on first use\. If the change is expected, move it from .*pki\/rejected to .*pki\/trusted\/certs$/,
      );
      expect(
        readdirSync(join(stateDir, 'pki', 'rejected')).filter((f) => f.endsWith('.pem') || f.endsWith('.der'))
          .length,
      ).toBe(1);
    } finally {
      await impostor.stop();
    }
  });

  it('browses the address space and tests a connection', async () => {
    const top = await browseOpcUa({ endpointUrl: server.endpointUrl, stateDir, depth: 2 });
    const press3 = top.find((n) => n.browseName === `${server.ns}:Press3`);
    expect(press3).toMatchObject({
      nodeId: `ns=${server.ns};s=Press3`,
      nodeClass: 'Object',
      displayName: 'Press3',
    });
    const children = new Map((press3?.children ?? []).map((c) => [c.displayName, c]));
    expect(children.get('OilTemp')).toMatchObject({
      nodeId: `ns=${server.ns};s=Press3.OilTemp`,
      nodeClass: 'Variable',
      dataType: 'Double',
    });
    expect(children.get('CycleCount')?.dataType).toBe('Int32');
    expect(children.get('Running')?.dataType).toBe('Boolean');
    expect(children.get('Recipe')?.dataType).toBe('String');
    expect(top.some((n) => n.nodeId === 'ns=0;i=2253' && n.browseName === 'Server')).toBe(true);

    const below = await browseOpcUa({
      endpointUrl: server.endpointUrl,
      stateDir,
      nodeId: `ns=${server.ns};s=Press3`,
      depth: 1,
    });
    expect(below.map((n) => n.displayName)).toEqual(
      expect.arrayContaining(['OilTemp', 'CycleCount', 'Running', 'Pressure', 'Level', 'Humidity', 'Recipe']),
    );
    // OilTemp is an AnalogItem: its EURange is one level below, not browsed at depth 1.
    expect(below.find((n) => n.displayName === 'OilTemp')?.children).toBeUndefined();

    const ok = await testOpcUaConnection({ endpointUrl: server.endpointUrl, stateDir });
    expect(ok).toMatchObject({ ok: true, server: { productName: 'Gemba test server', state: 'Running' } });
    expect(ok.ok && Math.abs((ok.server.currentTime ?? 0) - Date.now())).toBeLessThan(5_000);

    // The kit the platform registers: probe and browse take a connection record and its state folder.
    const deps = { sink, clock: { now: () => Date.now() }, stateDir, log: () => {} };
    const record = config('kit', {
      username: USER.username,
      password: USER.password,
      nodes: [node('Running', 'running')],
    });
    const probe = await opcUaConnectorKit.probe(record, deps);
    expect(probe).toMatchObject({ ok: true });
    expect(probe.message).toMatch(
      /^connected to Gemba test server .* \(security None, user "operator"\); server state Running$/,
    );
    const browsed = (await opcUaConnectorKit.browse?.(record, deps, {
      nodeId: `ns=${server.ns};s=Press3`,
      depth: 1,
    })) as BrowsedNode[];
    expect(browsed.map((n) => n.nodeId)).toContain(`ns=${server.ns};s=Press3.Running`);

    const down = await testOpcUaConnection({ endpointUrl: 'opc.tcp://127.0.0.1:1/UA/Nothing', stateDir });
    expect(down).toMatchObject({ ok: false, failure: 'transient' });
    expect(down.message).toMatch(/ECONNREFUSED/);
  });

  it('resumes after the server restarts: reconnects and re-creates the subscription', async () => {
    await using connector = await connect(
      config('restart', { nodes: [node('CycleCount', 'cycle_count'), node('OilTemp', 'oil_temp')] }),
    );
    await waitFor('connected', () => connector.status().state === 'connected');
    await waitFor('data', () => connector.status().samples >= 5);

    await server.stop();
    const stoppedAt = Date.now();
    await waitFor('disconnected', () => connector.status().state === 'disconnected');
    await new Promise((r) => setTimeout(r, 1_000));
    await server.start();
    const restartedAt = Date.now();
    expect(server.counts()).toEqual({ sessions: 0, subscriptions: 0 });
    await waitFor('reconnected', () => connector.status().state === 'connected', 20_000);
    const newSamples = async (n: number) =>
      (await samples('cycle_count')).filter((s) => s.ts >= restartedAt).length >= n;
    await waitFor('a new sample', () => newSamples(1), 20_000);
    timings['server back → first new sample stored'] = Date.now() - restartedAt;
    await waitFor('new samples', () => newSamples(3));
    timings['server down for'] = restartedAt - stoppedAt;
    // The restarted server knows nothing of the old session: the client made a new one and re-created the
    // subscription there.
    expect(server.counts()).toEqual({ sessions: 1, subscriptions: 1 });
    const status = connector.status();
    expect(status.reconnects).toBe(1);
    expect(status.lastError).toMatch(/lost|ECONNREFUSED|connect/);
    const own = logs.filter((l) => l.startsWith('restart '));
    // node-opcua's reconnection did it (new session, subscription re-created on the restarted server), not the
    // connector's watchdog rebuilding the whole link.
    expect(own).toContain('restart info: OPC UA restart: reconnected, session and subscription restored');
    expect(own.some((l) => l.includes('no data or keep-alive'))).toBe(false);
  });

  it('keeps trying while the server is unreachable, says why, and stops at once when disposed', async () => {
    const port = await freePort();
    const connector = await connect(
      config('nobody', {
        endpointUrl: `opc.tcp://127.0.0.1:${port}/UA/Gemba`,
        nodes: [node('CycleCount', 'cycle_count')],
      }),
    );
    await waitFor('a connection error', () => connector.status().lastError !== undefined);
    expect(connector.status()).toMatchObject({ state: 'connecting', reconnects: 0 });
    expect(connector.status().lastError).toMatch(
      new RegExp(`^opc\\.tcp://127\\.0\\.0\\.1:${port}/UA/Gemba: .*ECONNREFUSED`),
    );
    // Disposal interrupts the back-off wait instead of sitting it out.
    const t = performance.now();
    await connector[Symbol.asyncDispose]();
    expect(performance.now() - t).toBeLessThan(500);
    expect(connector.status().state).toBe('stopped');
  });

  it('refuses security settings that do not go together', async () => {
    await expect(
      connect(
        config('mismatch', {
          securityMode: 'Sign',
          securityPolicy: 'None',
          nodes: [node('CycleCount', 'cycle_count')],
        }),
      ),
    ).rejects.toThrow(/securityMode Sign needs a securityPolicy other than None/);
  });
});
