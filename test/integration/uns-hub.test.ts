/** The embedded broker as the plant's UNS hub: every stored tag's latest value is on its topic, retained. */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESS3, type TestPlatform, seedLine, startTestPlatform } from '../helpers/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform({ GEMBA_UNS_REPUBLISH_INTERVAL_MS: '50' });
  await seedLine(p, ['oil_temp', 'pressure']);
});
afterAll(async () => {
  await p[Symbol.asyncDispose]();
});

async function subscriber(
  topic: string,
): Promise<{ client: mqtt.MqttClient; got: Array<{ topic: string; body: any; retain: boolean }> }> {
  const client = mqtt.connect(p.mqttUrl ?? '', { reconnectPeriod: 0 });
  const got: Array<{ topic: string; body: any; retain: boolean }> = [];
  client.on('message', (t, payload, packet) =>
    got.push({ topic: t, body: JSON.parse(payload.toString()), retain: packet.retain }),
  );
  await new Promise((resolve) => client.once('connect', resolve));
  await client.subscribeAsync(topic, { qos: 0 });
  return { client, got };
}

describe('UNS hub', () => {
  it('publishes samples written over HTTP on their tag topics, newest value per tag, and keeps them retained', async () => {
    const live = await subscriber(`${PRESS3}/#`);
    const r = await p.api('/samples', {
      body: {
        samples: [
          { tag: `${PRESS3}/pressure`, ts: 1_000, value: 200 },
          { tag: `${PRESS3}/pressure`, ts: 3_000, value: 202, quality: 'uncertain' },
          { tag: `${PRESS3}/pressure`, ts: 2_000, value: 201 },
        ],
      },
    });
    expect(r.body.accepted).toBe(3);
    await expect
      .poll(() => live.got.find((m) => m.topic === `${PRESS3}/pressure`)?.body)
      .toEqual({
        value: 202,
        timestamp: 3_000,
        quality: 'uncertain',
      });
    await live.client.endAsync();

    const late = await subscriber(`${PRESS3}/pressure`);
    await expect
      .poll(() => late.got[0])
      .toEqual({
        topic: `${PRESS3}/pressure`,
        body: { value: 202, timestamp: 3_000, quality: 'uncertain' },
        retain: true,
      });
    await late.client.endAsync();
  });

  it("keeps a sample published to the broker as its topic's retained value, without publishing it twice", async () => {
    const live = await subscriber(`${PRESS3}/oil_temp`);
    const producer = mqtt.connect(p.mqttUrl ?? '', { reconnectPeriod: 0 });
    await new Promise((resolve) => producer.once('connect', resolve));
    await producer.publishAsync(`${PRESS3}/oil_temp`, JSON.stringify({ value: 47.5, timestamp: 5_000 }), {
      qos: 1,
    });
    await expect.poll(() => live.got.length).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // several re-publishing intervals: nothing more may arrive
    expect(live.got).toHaveLength(1);
    await producer.endAsync();
    await live.client.endAsync();

    const late = await subscriber(`${PRESS3}/oil_temp`);
    await expect.poll(() => late.got[0]?.retain).toBe(true);
    expect(late.got[0]?.body).toEqual({ value: 47.5, timestamp: 5_000 });
    await late.client.endAsync();
  });
});
