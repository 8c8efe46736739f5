/**
 * Publishes the plant simulator on an MQTT broker as a Unified Namespace: one JSON message per sample on the tag
 * path, one per event on `<asset path>/_events`, both at QoS 1.
 *
 * Sample payload: `{"value": 47.31, "timestamp": 1767600000000, "quality": "good"}` (timestamp in UTC epoch ms).
 * Event payload: the EventInput as JSON (src/domain/event.ts), e.g.
 * `{"kind":"machine_state","ts":1767600000000,"asset":"acme/plant1/stamping/line1/press3","state":"down","reason":"bearing_overheat",...}`.
 * The `_events` segment starts with `_`, which no tag name can (SEGMENT_PATTERN), so it never collides with a tag.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { OperationalError, UserError } from '../../domain/index.js';
import { type PlantSimulator, type SimOutput } from './simulator.js';

export interface SimulatorPublisherOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  readonly url: string;
  readonly simulator: PlantSimulator;
  /** Wall-clock time per simulator step: 1000 for real time, less to fast-forward. */
  readonly intervalMs: number;
  readonly clientId?: string;
  /** Aborting stops the publisher as if it were disposed. */
  readonly signal?: AbortSignal;
  /** Called with connection and publish errors; the publisher keeps going (mqtt.js reconnects). */
  readonly onError?: (error: unknown) => void;
  /** The wall clock, for tests; defaults to Date.now. */
  readonly now?: () => number;
}

export interface SimulatorPublisherStats {
  /** Simulator steps published (all their messages acknowledged or failed). */
  readonly steps: number;
  /** Messages acknowledged by the broker. */
  readonly messages: number;
  /**
   * Ticks skipped because the previous step was still unacknowledged or the client was offline. The simulator
   * does not advance on a skipped tick; the next step is stamped with the wall clock, leaving an honest gap.
   */
  readonly skippedTicks: number;
  readonly errors: number;
}

export interface SimulatorPublisher extends AsyncDisposable {
  readonly stats: SimulatorPublisherStats;
}

/** The topic and JSON payload of every message one simulator step produces. */
export function simulatorMessages(output: SimOutput): Array<{ topic: string; payload: string }> {
  const messages: Array<{ topic: string; payload: string }> = [];
  for (const s of output.samples) {
    messages.push({
      topic: s.tag,
      payload: JSON.stringify({ value: s.value, timestamp: s.ts, quality: s.quality }),
    });
  }
  for (const e of output.events) {
    messages.push({ topic: `${e.asset}/_events`, payload: JSON.stringify(e) });
  }
  return messages;
}

/**
 * Connects to the broker and publishes one simulator step every `intervalMs`.
 *
 * Step timestamps are whole seconds, never earlier than the wall clock and always after the previous step:
 * `max(simulator.nextTs, floor(now / 1000) * 1000)`. In real time (1000 ms) they follow the wall clock; faster
 * intervals run plant time ahead of it. At most one step is in flight: a tick that finds the previous step not yet
 * acknowledged (a slow broker) or the client offline is skipped and counted, so nothing queues up unboundedly.
 *
 * Rejects with OperationalError `unavailable` when the first connection fails.
 * @example
 * await using publisher = await startSimulatorPublisher({ url: 'mqtt://127.0.0.1:1883', simulator, intervalMs: 1000 });
 */
export async function startSimulatorPublisher(
  options: SimulatorPublisherOptions,
): Promise<SimulatorPublisher> {
  const { simulator, intervalMs, signal } = options;
  const onError = options.onError ?? (() => undefined);
  const now = options.now ?? Date.now;
  if (!Number.isFinite(intervalMs) || intervalMs < 1) {
    throw new UserError('invalid_input', `intervalMs must be at least 1, got ${intervalMs}`);
  }
  if (signal?.aborted) throw new OperationalError('cancelled', 'simulator publisher cancelled before start');

  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(
      options.url,
      {
        clientId: options.clientId ?? `gemba-simulator-${simulator.seed}-${Math.floor(now() % 1e6)}`,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
      },
      false,
    );
  } catch (error) {
    throw new OperationalError('unavailable', `cannot connect to the MQTT broker at ${options.url}`, {
      cause: error,
    });
  }
  client.on('error', onError);

  const stats = { steps: 0, messages: 0, skippedTicks: 0, errors: 0 };
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const publishStep = async (output: SimOutput): Promise<void> => {
    const results = await Promise.allSettled(
      simulatorMessages(output).map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 })),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') stats.messages += 1;
      else {
        stats.errors += 1;
        onError(r.reason);
      }
    }
    stats.steps += 1;
  };

  const tick = (): void => {
    if (closed) return;
    if (inFlight !== undefined || !client.connected) {
      stats.skippedTicks += 1;
      return;
    }
    let output: SimOutput;
    try {
      const wall = Math.floor(now() / 1000) * 1000;
      output = simulator.step(Math.max(simulator.nextTs, wall));
    } catch (error) {
      stats.errors += 1;
      onError(error);
      return;
    }
    inFlight = publishStep(output).finally(() => {
      inFlight = undefined;
    });
  };

  const timer = setInterval(tick, intervalMs);

  const dispose = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
    // Give the step in flight a moment to be acknowledged, then close without waiting on a stuck broker.
    if (inFlight !== undefined) {
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([inFlight, new Promise<void>((resolve) => (wait = setTimeout(resolve, 2000)))]);
      clearTimeout(wait);
    }
    await client.endAsync(true);
  };
  const onAbort = (): void => {
    dispose().catch(onError);
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  return {
    get stats(): SimulatorPublisherStats {
      return { ...stats };
    },
    [Symbol.asyncDispose]: dispose,
  };
}
