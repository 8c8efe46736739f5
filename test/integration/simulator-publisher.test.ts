/** The simulator publisher against a real MQTT broker (aedes, in-process on a free port) and a real mqtt client. */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Aedes, type AedesOptions } from 'aedes';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventInput, QUALITIES, tagPath } from '../../src/domain/index.js';
import {
  DEMO_MACHINES,
  PlantSimulator,
  demoTags,
  startSimulatorPublisher,
} from '../../src/adapters/simulator/index.js';

const UnsSample = z.strictObject({
  value: z.number(),
  timestamp: z.number().int(),
  quality: z.enum(QUALITIES),
});

async function startBroker(options: AedesOptions = {}): Promise<{ url: string } & AsyncDisposable> {
  const broker = await Aedes.createBroker(options);
  const server = net.createServer(broker.handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // aedes.close() ends every client connection, so the listener can close completely.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function subscribe(
  url: string,
): Promise<{ messages: Array<{ topic: string; payload: string }> } & AsyncDisposable> {
  const client = await mqtt.connectAsync(url, {
    clientId: `test-sub-${Math.random().toString(36).slice(2)}`,
  });
  const messages: Array<{ topic: string; payload: string }> = [];
  client.on('message', (topic, payload) => messages.push({ topic, payload: payload.toString('utf8') }));
  await client.subscribeAsync('acme/#', { qos: 1 });
  return {
    messages,
    async [Symbol.asyncDispose]() {
      await client.endAsync(true);
    },
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe('startSimulatorPublisher', () => {
  it('publishes every sample as UNS JSON on its tag path and every event on <asset>/_events', async () => {
    await using broker = await startBroker();
    await using sub = await subscribe(broker.url);
    const startTs = Date.parse('2026-01-05T06:00:00Z');
    const simulator = new PlantSimulator({ seed: 3, startTs });
    const errors: unknown[] = [];
    {
      await using publisher = await startSimulatorPublisher({
        url: broker.url,
        simulator,
        intervalMs: 40,
        clientId: 'sim-test',
        onError: (e) => errors.push(e),
        now: () => startTs, // a fixed wall clock: timestamps advance one second per step
      });
      await until(() => publisher.stats.steps >= 5, 10_000);
      expect(publisher.stats.messages).toBeGreaterThan(5 * 40);
    }
    await sleep(100); // let the last deliveries reach the subscriber
    expect(errors).toEqual([]);

    const tags = new Set(demoTags().map((t) => tagPath(t.asset, t.name)));
    const samples = sub.messages.filter((m) => !m.topic.endsWith('/_events'));
    const events = sub.messages.filter((m) => m.topic.endsWith('/_events'));
    expect(samples.length).toBeGreaterThan(5 * 40);
    const lastTs = new Map<string, number>();
    for (const m of samples) {
      expect(tags.has(m.topic), m.topic).toBe(true);
      const payload = UnsSample.parse(JSON.parse(m.payload));
      expect(payload.timestamp % 1000).toBe(0);
      expect(payload.timestamp).toBeGreaterThan(lastTs.get(m.topic) ?? 0);
      lastTs.set(m.topic, payload.timestamp);
    }
    expect(lastTs.get('acme/plant1/stamping/line1/press3/oil_temp')).toBeGreaterThanOrEqual(startTs + 4000);
    // The first step announces every machine's state.
    expect(new Set(events.map((m) => m.topic))).toEqual(
      new Set(DEMO_MACHINES.map((m) => `${m.path}/_events`)),
    );
    for (const m of events) {
      const event = EventInput.parse(JSON.parse(m.payload));
      expect(`${event.asset}/_events`).toBe(m.topic);
      expect(event.kind).toBe('machine_state');
    }
  });

  it('skips ticks instead of queueing when the broker acknowledges slowly', async () => {
    // The broker holds each publish for 150 ms before accepting it, far slower than the 20 ms tick.
    await using broker = await startBroker({
      authorizePublish: (_client, _packet, callback) => {
        setTimeout(() => callback(null), 150);
      },
    });
    const startTs = Date.parse('2026-01-05T06:00:00Z');
    const simulator = new PlantSimulator({ seed: 4, startTs });
    await using publisher = await startSimulatorPublisher({
      url: broker.url,
      simulator,
      intervalMs: 20,
      now: () => startTs,
    });
    await sleep(1000);
    const { steps, skippedTicks } = publisher.stats;
    expect(skippedTicks).toBeGreaterThan(steps);
    // At most one step in flight: the simulator is never more than one step ahead of what was acknowledged.
    const stepped = (simulator.lastStepTs - simulator.startTs) / 1000 + 1;
    expect(stepped - steps).toBeLessThanOrEqual(1);
  });

  it('fails clearly when no broker listens, and stops on abort', async () => {
    const closed = net.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const simulator = new PlantSimulator({ seed: 5, startTs: Date.parse('2026-01-05T06:00:00Z') });
    await expect(
      startSimulatorPublisher({ url: `mqtt://127.0.0.1:${port}`, simulator, intervalMs: 1000 }),
    ).rejects.toMatchObject({ name: 'OperationalError', code: 'unavailable' });

    await using broker = await startBroker();
    const controller = new AbortController();
    const publisher = await startSimulatorPublisher({
      url: broker.url,
      simulator,
      intervalMs: 20,
      signal: controller.signal,
    });
    await until(() => publisher.stats.steps >= 2, 5000);
    controller.abort();
    await sleep(100);
    const steps = publisher.stats.steps;
    await sleep(200);
    expect(publisher.stats.steps).toBe(steps);
    await publisher[Symbol.asyncDispose](); // idempotent after the abort
  });
});
