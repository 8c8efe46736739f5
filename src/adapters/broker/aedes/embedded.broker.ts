/**
 * The embedded MQTT broker (aedes) that `npm start` runs on :1883, so any MQTT client can publish into Gemba
 * or watch the plant. Publishes from clients pass through `onPublish` before the broker acknowledges them:
 * for QoS 1 the PUBACK is sent only after `onPublish` resolves, which is how "acknowledged" comes to mean
 * "stored durably" on this entry point. A rejected `onPublish` closes the client's connection without a PUBACK,
 * so a client with a persistent session sends the message again.
 */
import { once } from 'node:events';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { Aedes } from 'aedes';
import { OperationalError } from '../../../domain/index.js';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * Called for every client PUBLISH before it is acknowledged and forwarded. Resolving `{ retain: true }` makes
   * the broker keep the message as the topic's retained value (how UNS topics always hold the current value).
   */
  readonly onPublish: (
    topic: string,
    payload: Uint8Array,
  ) => Promise<{ readonly retain?: boolean } | undefined>;
  readonly onError?: (error: unknown) => void;
}

export interface EmbeddedBroker extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  readonly connectedClients: () => number;
  /** Publishes from Gemba itself (QoS 0, retained), e.g. the UNS re-publisher. */
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker({
    id: 'gemba',
    authorizePublish: (client, packet, callback) => {
      // Broker-internal publishes ($SYS, wills) have no client and are not plant data.
      if (client === null || packet.topic.startsWith('$')) return callback(null);
      options.onPublish(packet.topic, packet.payload as Uint8Array).then(
        (result) => {
          if (result?.retain === true) packet.retain = true;
          callback(null);
        },
        (error: unknown) => {
          options.onError?.(error);
          callback(error instanceof Error ? error : new OperationalError('storage_failed', String(error)));
        },
      );
    },
  });
  aedes.on('clientError', (_client, error) => options.onError?.(error));
  const server: Server = createServer(aedes.handle);
  server.listen(options.port, options.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw new OperationalError('unavailable', `cannot listen for MQTT on ${options.host}:${options.port}`, {
      cause: error,
    });
  }
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `mqtt://${options.host}:${port}`,
    connectedClients: () => aedes.connectedClients,
    publish: (topic, payload, publishOptions) =>
      new Promise<void>((resolve, reject) => {
        aedes.publish(
          {
            cmd: 'publish',
            topic,
            payload: Buffer.from(payload),
            qos: 0,
            retain: publishOptions?.retain ?? true,
            dup: false,
          },
          (error) => (error ? reject(error) : resolve()),
        );
      }),
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
