/**
 * The Sparkplug B connector kit: create, and a probe that connects without touching the connection's session and
 * reports what the broker holds on this host's STATE topic.
 */
import mqtt from 'mqtt';
import {
  type ConnectorKit,
  type ProbeResult,
  type SparkplugConnectionConfig,
  OperationalError,
  UserError,
} from '../../../domain/index.js';
import { createSparkplugConnector, sparkplugClientOptions } from './sparkplug.connector.js';
import { NAMESPACE, isSparkplugId } from './sparkplug.topic.js';

const PROBE_TIMEOUT_MS = 10_000;
/** How long the probe waits for a retained STATE message after subscribing. */
const RETAINED_WAIT_MS = 300;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Connects once with the connection's address, credentials and TLS as a throw-away clean session under its own
 * client id (the connection's persistent session and what the broker queued for it stay untouched), and reads
 * the retained STATE of the host id: `online: true` there while Gemba is not running means another host
 * application uses the same host id.
 */
export async function probeSparkplug(
  config: SparkplugConnectionConfig,
  now: () => number,
): Promise<ProbeResult> {
  const started = now();
  if (!isSparkplugId(config.hostId)) {
    return { ok: false, message: `hostId "${config.hostId}" may not contain "/", "+" or "#"`, durationMs: 0 };
  }
  let options;
  try {
    options = sparkplugClientOptions(config);
  } catch (error) {
    if (error instanceof UserError) return { ok: false, message: error.message, durationMs: now() - started };
    throw error;
  }
  const stateTopic = `${NAMESPACE}/STATE/${config.hostId}`;
  const client = mqtt.connect(config.url, {
    ...options,
    clientId: `${options.clientId ?? 'gemba'}-probe-${Math.random().toString(36).slice(2, 8)}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: PROBE_TIMEOUT_MS,
    properties: { ...options.properties, sessionExpiryInterval: 0 },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new OperationalError(
              'timeout',
              `no answer from ${config.url} within ${PROBE_TIMEOUT_MS / 1000} s`,
            ),
          ),
        PROBE_TIMEOUT_MS,
      );
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    let state: string | undefined;
    client.on('message', (topic, payload) => {
      if (topic === stateTopic) state = payload.toString('utf8').slice(0, 200);
    });
    await client.subscribeAsync(stateTopic, { qos: 0 });
    await new Promise((resolve) => setTimeout(resolve, RETAINED_WAIT_MS));
    const stateNote =
      state === undefined ? `nothing retained on ${stateTopic}` : `${stateTopic} holds ${state}`;
    return { ok: true, message: `connected to ${config.url}; ${stateNote}`, durationMs: now() - started };
  } catch (error) {
    return { ok: false, message: errorMessage(error), durationMs: now() - started };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}

export const sparkplugConnectorKit: ConnectorKit<SparkplugConnectionConfig> = {
  create: createSparkplugConnector,
  probe: (config, deps) => probeSparkplug(config, () => deps.clock.now()),
};
