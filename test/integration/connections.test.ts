/**
 * Connections through the whole platform: one from the config file and one added over the API, each against a
 * real peer (Mosquitto, a node-opcua server); status, test, browse, remove, the CLI table and the audit log.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mosquitto, mosquittoUnavailable, startMosquitto } from '../helpers/mosquitto.js';
import { type OpcUaTestServer, startOpcUaTestServer } from '../helpers/opcua-server.js';
import { PRESS3, type TestPlatform, seedLine, startTestPlatform, tempDir } from '../helpers/platform.js';

const T0 = Date.parse('2026-03-01T06:00:00Z');
const skip = mosquittoUnavailable();
if (skip) console.warn(`connections tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)('connections', () => {
  const dir = tempDir('gemba-connections-');
  let broker: Mosquitto;
  let opcua: OpcUaTestServer;
  let p: TestPlatform;

  beforeAll(async () => {
    broker = await startMosquitto();
    opcua = await startOpcUaTestServer({ pkiDir: join(dir.path, 'server-pki'), tickMs: 100 });
    const configFile = join(dir.path, 'gemba.yaml');
    writeFileSync(
      configFile,
      [
        'connections:',
        '  - kind: mqtt',
        '    id: line1-broker',
        `    url: ${broker.url}`,
        '    reconnect: { minMs: 50, maxMs: 500 }',
        '    subscriptions:',
        '      - topic: acme/#',
      ].join('\n'),
    );
    p = await startTestPlatform({ GEMBA_CONFIG_FILE: configFile, GEMBA_MQTT_ENABLED: 'false' });
    await seedLine(p, ['oil_temp', 'plc_oil_temp']);
  }, 60_000);

  afterAll(async () => {
    await p[Symbol.asyncDispose]();
    await opcua[Symbol.asyncDispose]();
    await broker[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  const status = async (id: string) => (await p.api(`/connections?id=${id}`)).body.connections[0];

  it('runs the config file connection: stores what the broker delivers and reports it', async () => {
    await expect
      .poll(async () => (await status('line1-broker')).status.state, { timeout: 10_000 })
      .toBe('connected');
    const client = mqtt.connect(broker.url, { reconnectPeriod: 0 });
    await new Promise((resolve) => client.once('connect', resolve));
    await client.publishAsync(`${PRESS3}/oil_temp`, JSON.stringify({ value: 44.5, timestamp: T0 }), {
      qos: 1,
    });
    await client.publishAsync(`${PRESS3}/oil_temp`, 'not json', { qos: 1 });
    await client.endAsync();
    await expect.poll(async () => (await status('line1-broker')).status.samples, { timeout: 10_000 }).toBe(1);
    const s = await status('line1-broker');
    expect(s.source).toBe('config');
    expect(s.status).toMatchObject({ kind: 'mqtt', messages: 2, deadLetters: 1 });
    const read = await p.api(`/samples?tag=${PRESS3}/oil_temp&from=${T0}&to=${T0 + 1}`);
    expect(read.body.samples).toEqual([{ ts: T0, value: 44.5, quality: 'good' }]);
  });

  it('tests a configuration without starting it, and says why one fails', async () => {
    const ok = await p.api('/connections/test', { body: { id: 'line1-broker' } });
    expect(ok.body).toMatchObject({ ok: true });
    const refused = await p.api('/connections/test', {
      body: {
        connection: {
          kind: 'mqtt',
          id: 'nowhere',
          url: 'mqtt://127.0.0.1:9',
          subscriptions: [{ topic: '#' }],
        },
      },
    });
    expect(refused.status).toBe(200);
    expect(refused.body.ok).toBe(false);
    expect(refused.body.message).toMatch(/ECONNREFUSED/);
  });

  it('adds an OPC UA connection at run time, browses it, and removes it; the file connection stays', async () => {
    const connection = {
      kind: 'opcua',
      id: 'press3-plc',
      endpointUrl: opcua.endpointUrl,
      publishingIntervalMs: 100,
      nodes: [
        { nodeId: `ns=${opcua.ns};s=Press3.OilTemp`, tag: `${PRESS3}/plc_oil_temp`, samplingIntervalMs: 100 },
      ],
    };
    const added = await p.api('/connections', { body: { connection } });
    expect(added.status).toBe(200);
    expect(added.body.connection.source).toBe('api');
    expect((await p.api('/connections', { body: { connection } })).status).toBe(409);
    await expect
      .poll(async () => (await status('press3-plc')).status.samples, { timeout: 15_000 })
      .toBeGreaterThan(2);

    const browsed = await p.api('/connections/browse', { body: { id: 'press3-plc', depth: 2 } });
    expect(JSON.stringify(browsed.body.nodes)).toMatch(/OilTemp/);

    const cli = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'connections',
      '--url',
      p.url,
      '--token',
      p.adminToken ?? '',
    ]);
    expect(cli.stdout).toMatch(/^ID\s+KIND\s+SOURCE\s+STATE/);
    expect(cli.stdout).toMatch(/line1-broker\s+mqtt\s+config\s+connected/);
    expect(cli.stdout).toMatch(/press3-plc\s+opcua\s+api\s+connected/);

    expect((await p.api('/connections/remove', { body: { id: 'line1-broker' } })).status).toBe(409);
    expect((await p.api('/connections/remove', { body: { id: 'press3-plc' } })).body).toEqual({
      removed: true,
    });
    expect(
      (await p.api('/connections')).body.connections.map((c: { config: { id: string } }) => c.config.id),
    ).toEqual(['line1-broker']);
    const audit = (await p.api('/audit?limit=20')).body.entries.map(
      (e: { operation: string }) => e.operation,
    );
    expect(audit).toContain('connections.add');
    expect(audit).toContain('connections.remove');
  }, 60_000);

  it('shows inline passwords as *** and refuses bad configurations with the field named', async () => {
    const bad = await p.api('/connections', {
      body: { connection: { kind: 'mqtt', id: 'x', url: 'http://x', subscriptions: [{ topic: '#' }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/connection\.url/);
    const withSecret = {
      kind: 'mqtt',
      id: 'secret-broker',
      url: 'mqtt://127.0.0.1:9',
      username: 'u',
      password: 'hunter2',
      subscriptions: [{ topic: '#' }],
    };
    const added = await p.api('/connections', { body: { connection: withSecret } });
    expect(added.body.connection.config.password).toBe('***');
    expect(JSON.stringify((await p.api('/connections')).body)).not.toMatch(/hunter2/);
    expect(JSON.stringify((await p.api('/audit?limit=5')).body)).not.toMatch(/hunter2/);
    await p.api('/connections/remove', { body: { id: 'secret-broker' } });
  });
});
