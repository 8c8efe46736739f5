/**
 * The composition root (STYLE.md §7): store → bus → ingest → app → broker → HTTP → demo plant.
 * `createPlatform(config)` returns an AsyncDisposable that stops everything in reverse order.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenService } from '../app/auth.js';
import { IngestPipeline } from '../app/ingest/pipeline.js';
import { App } from '../app/registry.js';
import { TagDirectory } from '../app/tag-directory.js';
import { MemoryBus } from '../adapters/bus/memory/memory.bus.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../adapters/broker/aedes/embedded.broker.js';
import { decodeUnsMessage } from '../adapters/ingest/mqtt/uns.js';
import { openDuckDbStore } from '../adapters/storage/duckdb/duckdb.store.js';
import type { Clock, Principal } from '../domain/index.js';
import type { GembaConfig } from './config.js';
import { startDemoPlant } from './demo.js';
import { type HttpServer, startHttpServer } from './http.js';
import { DisposableStack } from './disposables.js';

export interface Platform extends AsyncDisposable {
  /** Base URL of the HTTP API and dashboard, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** The bootstrap admin token, when this data directory has one on file or it came from the configuration. */
  readonly adminToken: string | undefined;
  readonly app: App;
  readonly mqttUrl: string | undefined;
}

/** The principal Gemba itself acts as when it sets up the demo plant. */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', name: 'gemba', role: 'admin' };

const systemClock: Clock = { now: () => Date.now() };
const here = dirname(fileURLToPath(import.meta.url));

export function packageVersion(): string {
  for (const candidate of [join(here, '../../package.json'), join(here, '../../../package.json')]) {
    if (existsSync(candidate)) {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string }).version ?? '0.0.0';
    }
  }
  return '0.0.0';
}

function defaultWebDir(): string | undefined {
  // dist/server/platform.js → dist/web; src/server/platform.ts (tests, tsx) → dist/web
  return [join(here, '../web'), join(here, '../../dist/web')].find((d) => existsSync(join(d, 'index.html')));
}

export function adminTokenFile(dataDir: string): string {
  return join(dataDir, 'admin.token');
}

/** Makes sure an admin can get in: adopts GEMBA_ADMIN_TOKEN, or creates one on first start and files it. */
async function bootstrapAdmin(
  config: GembaConfig,
  tokens: TokenService,
  app: App,
): Promise<string | undefined> {
  if (config.adminToken !== undefined) {
    await tokens.adopt(config.adminToken, 'admin (GEMBA_ADMIN_TOKEN)', 'admin');
    return config.adminToken;
  }
  const file = adminTokenFile(config.dataDir);
  const existing = await app.services.store.listTokens();
  if (!existing.some((t) => t.role === 'admin' && t.revokedAt === undefined)) {
    const { token } = await tokens.create('admin (first start)', 'admin');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return token;
  }
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Store, bus, ingest and the operations app, without any transport: what the CLI's local mode runs. */
export interface Core extends AsyncDisposable {
  readonly app: App;
  readonly tokens: TokenService;
  readonly bus: MemoryBus;
}

export async function openCore(options: {
  readonly dataDir: string;
  readonly ingest: GembaConfig['ingest'];
  readonly clock: Clock;
}): Promise<Core> {
  const { clock } = options;
  mkdirSync(options.dataDir, { recursive: true });
  const stack = new DisposableStack();
  try {
    const store = stack.use(await openDuckDbStore({ path: join(options.dataDir, 'gemba.duckdb') }));
    const bus = stack.use(
      new MemoryBus({
        writer: store,
        highWaterSamples: options.ingest.highWaterSamples,
        maxWriteSamples: options.ingest.maxWriteSamples,
      }),
    );
    const tags = await TagDirectory.load(store);
    const ingest = new IngestPipeline({
      bus,
      tags,
      deadLetters: store,
      events: store,
      clock,
      newId: () => crypto.randomUUID(),
    });
    const tokens = new TokenService(store, clock);
    const app = new App({ store, ingest, tags, tokens, clock });
    const moved = stack.move();
    return { app, tokens, bus, [Symbol.asyncDispose]: () => moved.disposeAsync() };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

export async function createPlatform(config: GembaConfig, clock: Clock = systemClock): Promise<Platform> {
  const startedAt = clock.now();
  const dataDir = resolve(config.dataDir);
  const stack = new DisposableStack();
  try {
    const { app, tokens, bus } = stack.use(await openCore({ dataDir, ingest: config.ingest, clock }));
    const adminToken = await bootstrapAdmin({ ...config, dataDir }, tokens, app);

    let broker: EmbeddedBroker | undefined;
    if (config.mqtt.enabled) {
      broker = stack.use(
        await startEmbeddedBroker({
          host: config.mqtt.host,
          port: config.mqtt.port,
          onPublish: (topic, payload) => ingestUnsMessage(app, topic, payload, clock.now()),
        }),
      );
    }

    const http: HttpServer = stack.use(
      await startHttpServer({
        app,
        bus,
        host: config.http.host,
        port: config.http.port,
        bodyLimitBytes: config.http.bodyLimitBytes,
        webDir: config.webDir ?? defaultWebDir(),
        version: packageVersion(),
        logLevel: config.logLevel,
        startedAt,
      }),
    );

    if (config.demo.enabled) {
      stack.use(
        await startDemoPlant({
          app,
          principal: SYSTEM_PRINCIPAL,
          seed: config.demo.seed,
          backfillMinutes: config.demo.backfillMinutes,
          intervalMs: config.demo.intervalMs,
          mqttUrl: broker?.url,
          clock,
          onError: (error) => http.fastify.log.warn({ err: error }, 'demo plant'),
        }),
      );
    }

    const moved = stack.move();
    return {
      url: http.url,
      adminToken,
      app,
      mqttUrl: broker?.url,
      async [Symbol.asyncDispose]() {
        await moved.disposeAsync();
      },
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/**
 * One message from the embedded broker: a known tag's UNS payload is ingested, `<asset>/_events` payloads become
 * events, and a topic below a known root asset that names no tag is dead-lettered. Other topics are ordinary
 * broker traffic and are left alone. Resolves once stored (or dead-lettered) durably; then the broker sends PUBACK.
 */
async function ingestUnsMessage(app: App, topic: string, payload: Uint8Array, now: number): Promise<void> {
  const { ingest, tags } = app.services;
  const msg = decodeUnsMessage(topic, payload, now);
  const source = `mqtt:${topic}`;
  switch (msg.kind) {
    case 'events':
      await ingest.ingestEvents(msg.items, 'mqtt');
      return;
    case 'invalid':
      if (tags.byPath(topic)) await ingest.rejectRaw(source, msg.reason, msg.payload);
      return;
    case 'sample':
      if (tags.byPath(topic) || (await belongsToPlant(app, topic)))
        await ingest.ingestSamples([msg.item], 'mqtt');
  }
}

async function belongsToPlant(app: App, topic: string): Promise<boolean> {
  const root = topic.split('/')[0] ?? '';
  return (await app.services.store.getAsset(root)) !== undefined;
}
