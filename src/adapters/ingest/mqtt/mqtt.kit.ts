/** The MQTT connector kit: create, and a probe that connects without subscribing or leaving a session behind. */
import mqtt, { type IClientOptions } from 'mqtt';
import {
  type ConnectorKit,
  type MqttConnectionConfig,
  OperationalError,
  type ProbeResult,
} from '../../../domain/index.js';
import { classifyConnectError, clientOptions, createMqttConnector } from './mqtt.connector.js';

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Connects once with the connection's address, credentials and TLS, as a throw-away clean session under its own
 * client id (so the connection's persistent session, and what the broker queued for it, stay untouched).
 */
export async function probeMqttSession(
  options: IClientOptions,
  url: string,
  now: () => number,
): Promise<ProbeResult> {
  const started = now();
  const clientId = `${options.clientId ?? 'gemba'}-probe-${Math.random().toString(36).slice(2, 8)}`;
  const client = mqtt.connect(url, {
    ...options,
    clientId,
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
            new OperationalError('timeout', `no answer from ${url} within ${PROBE_TIMEOUT_MS / 1000} s`),
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
    return { ok: true, message: `connected to ${url}`, durationMs: now() - started };
  } catch (error) {
    return { ok: false, message: classifyConnectError(error).reason, durationMs: now() - started };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}

export const mqttConnectorKit: ConnectorKit<MqttConnectionConfig> = {
  create: createMqttConnector,
  probe: (config, deps) => probeMqttSession(clientOptions(config), config.url, () => deps.clock.now()),
};
