/**
 * The MQTT 5 session both broker connectors (UNS and Sparkplug B) open: persistent (clean start off, a long
 * session expiry, QoS 1), reconnects left to the connector, credentials and TLS files read once at start.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import {
  type MqttConnectionConfig,
  type SparkplugConnectionConfig,
  UserError,
} from '../../../domain/index.js';

/** How long the broker keeps our session (and queues for us) while Gemba is away: a long weekend. */
export const SESSION_EXPIRY_S = 4 * 24 * 3600;
/** Larger packets are discarded by the broker (MQTT 5 §3.1.2.11.4) instead of being buffered here. */
export const MAX_PACKET_BYTES = 16 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;

/** The session fields the two connection kinds share. */
export type MqttSessionConfig = Pick<
  MqttConnectionConfig | SparkplugConnectionConfig,
  'id' | 'clientId' | 'keepaliveS' | 'username' | 'password' | 'passwordFile' | 'tls'
>;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A secret or certificate file; an unreadable one is the configuration's fault, said with the field's name. */
export function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError('invalid_input', `${what}: cannot read ${path} (${errorMessage(error)})`, {
      cause: error,
    });
  }
}

/**
 * mqtt.js options for the persistent session; `receiveMaximum` bounds the unacknowledged messages in flight to us
 * (MQTT 5 Receive Maximum). Reconnects are the connector's own (back-off with jitter), so mqtt.js's are off.
 */
export function sessionOptions(config: MqttSessionConfig, receiveMaximum: number): IClientOptions {
  const password =
    config.passwordFile === undefined
      ? config.password
      : readSecret(config.passwordFile, 'passwordFile').replace(/\r?\n$/, '');
  const tls = config.tls;
  return {
    clientId: config.clientId ?? `gemba-${config.id}`,
    protocolVersion: 5,
    clean: false,
    keepalive: config.keepaliveS,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    resubscribe: false,
    properties: {
      sessionExpiryInterval: SESSION_EXPIRY_S,
      receiveMaximum,
      maximumPacketSize: MAX_PACKET_BYTES,
    },
    ...(config.username !== undefined && { username: config.username }),
    ...(password !== undefined && { password }),
    ...(tls !== undefined && {
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.ca !== undefined && { ca: readSecret(tls.ca, 'tls.ca') }),
      ...(tls.cert !== undefined && { cert: readSecret(tls.cert, 'tls.cert') }),
      ...(tls.key !== undefined && { key: readSecret(tls.key, 'tls.key') }),
    }),
  };
}
