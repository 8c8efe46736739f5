/**
 * "An acknowledged sample survives kill -9": a real `gemba start` process is fed over HTTP (200 = acknowledged)
 * and MQTT QoS 1 (PUBACK = acknowledged) and killed with SIGKILL mid-stream; every acknowledged sample must be
 * in the data directory afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../src/adapters/storage/duckdb/duckdb.store.js';
import { PRESS3 as press, seedPress3, tempDir } from '../helpers/platform.js';

async function startServer(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; mqttUrl: string; token: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'start', '--data', dataDir, '--port', '0', '--mqtt-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GEMBA_LOG_LEVEL: 'warn' } },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Admin token:\s+gmb_/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /API:\s+(http:\/\/\S+)\/api\/v1/.exec(out)?.[1] ?? '';
  const mqttUrl = /MQTT broker:\s+(mqtt:\/\/\S+)/.exec(out)?.[1] ?? '';
  const token = /Admin token:\s+(gmb_\S+)/.exec(out)?.[1] ?? '';
  return { child, url, mqttUrl, token };
}

describe('kill -9', () => {
  it('loses no acknowledged sample from HTTP or MQTT QoS 1', async () => {
    using dir = tempDir('gemba-kill9-');
    const { child, url, mqttUrl, token } = await startServer(dir.path);
    const api = (path: string, body: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await seedPress3(
      async (path, body) => {
        const r = await api(path, body);
        return { status: r.status, body: await r.json() };
      },
      [{ name: 'http_tag' }, { name: 'mqtt_tag' }],
    );

    // HTTP: batches of 2,000; each 200 response acknowledges its batch.
    const ackedHttp: number[] = [];
    let stop = false;
    const httpLoop = (async () => {
      for (let b = 0; !stop; b++) {
        const samples = Array.from({ length: 2000 }, (_, i) => ({
          tag: `${press}/http_tag`,
          ts: b * 2000 + i,
          value: b,
        }));
        try {
          const r = await api('/samples', { samples });
          if (r.status === 200) ackedHttp.push(b);
        } catch {
          return; // the server died mid-request: that batch was never acknowledged
        }
      }
    })();

    // MQTT: QoS 1 publishes; the callback fires on PUBACK.
    const client = mqtt.connect(mqttUrl, { clientId: 'kill9-test', reconnectPeriod: 0 });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('connect', resolve));
    const ackedMqtt: number[] = [];
    let seq = 0;
    const mqttLoop = (async () => {
      while (!stop && client.connected) {
        const burst = Array.from({ length: 50 }, () => seq++).map(
          (n) =>
            new Promise<void>((resolve) => {
              client.publish(
                `${press}/mqtt_tag`,
                JSON.stringify({ value: n, timestamp: n }),
                { qos: 1 },
                (err) => {
                  if (!err) ackedMqtt.push(n);
                  resolve();
                },
              );
            }),
        );
        await Promise.race([Promise.all(burst), new Promise((r) => setTimeout(r, 2000))]);
      }
    })();

    // While the server runs, its data directory is locked to it, and a second opener is told who holds it.
    await expect(openDuckDbStore({ path: `${dir.path}/gemba.duckdb` })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(new RegExp(`in use by another process \\(PID ${child.pid}`)),
    });

    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await once(child, 'exit');
    stop = true;
    await Promise.all([httpLoop, mqttLoop]);
    client.end(true);

    expect(ackedHttp.length).toBeGreaterThan(3);
    expect(ackedMqtt.length).toBeGreaterThan(50);

    await using store = await openDuckDbStore({ path: `${dir.path}/gemba.duckdb` });
    const tags = await store.listTags();
    const httpId = tags.find((t) => t.name === 'http_tag')?.id ?? -1;
    const mqttId = tags.find((t) => t.name === 'mqtt_tag')?.id ?? -1;
    const httpRows = await store.readRaw({ tagId: httpId, from: 0, to: 1e12, limit: 10_000_000 });
    const httpTs = new Set(httpRows.map((r) => r.ts));
    const lostHttp = ackedHttp.filter((b) => !(httpTs.has(b * 2000) && httpTs.has(b * 2000 + 1999)));
    expect(lostHttp).toEqual([]);
    const mqttTs = new Set(
      (await store.readRaw({ tagId: mqttId, from: 0, to: 1e12, limit: 10_000_000 })).map((r) => r.ts),
    );
    const lostMqtt = ackedMqtt.filter((n) => !mqttTs.has(n));
    expect(lostMqtt).toEqual([]);
    console.info(
      `kill -9: ${ackedHttp.length} HTTP batches (${ackedHttp.length * 2000} samples) and ${ackedMqtt.length} MQTT messages acknowledged; none lost`,
    );
    // Whole batches only: a stored HTTP batch is complete.
    expect(httpRows.length % 2000).toBe(0);
  }, 60_000);
});
