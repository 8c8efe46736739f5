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
import { LiveSpc } from '../app/spc/live-spc.js';
import { LiveModels } from '../app/ml/live-models.js';
import { LiveOee } from '../app/process/live-oee.js';
import { liveModelView } from '../app/ml/deployable.js';
import { SetpointWriters } from '../app/process/setpoint-writer.js';
import { LiveRescheduler, type PlanSolver } from '../app/planning/planner.js';
import { workerPlanSolver } from './plan-workers.js';
import { MemoryBus } from '../adapters/bus/memory/memory.bus.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../adapters/broker/aedes/embedded.broker.js';
import { decodeUnsMessage } from '../adapters/ingest/mqtt/uns.js';
import { startUnsRepublisher } from '../adapters/broker/aedes/uns.republisher.js';
import { openDuckDbStore } from '../adapters/storage/duckdb/duckdb.store.js';
import { lazyUseEmbedder } from '../adapters/embeddings/use/use.embedder.js';
import { openAiEmbedder } from '../adapters/embeddings/openai/openai.embedder.js';
import { openLlamaCppEmbedder } from '../adapters/embeddings/llama-cpp/llama-cpp.embedder.js';
import { openDocumentReader } from '../adapters/documents/document.reader.js';
import { createLlamaCppProvider } from '../adapters/llm/llama-cpp/llama-cpp.provider.js';
import { createOpenAiProvider } from '../adapters/llm/openai/openai.provider.js';
import {
  type Clock,
  type ConnectionConfig,
  type ConnectionKind,
  type ConnectorKit,
  type IngestSink,
  type LlmProvider,
  type Principal,
  UnexpectedError,
  type Embedder,
} from '../domain/index.js';
import { ConnectionManager } from '../app/connections.js';
import { SemanticRouter } from '../app/assistant/router.js';
import { createIngestSink } from '../app/ingest/sink.js';
import { createLog, type Log } from './log.js';
import { CONNECTOR_KITS } from './connectors.js';
import type { EmbedderConfig, GembaConfig, LlmConfig } from './config.js';
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
  /** The configured language model (GEMBA_LLM_PROVIDER), also served at `/v1`; undefined when none. */
  readonly llm: LlmProvider | undefined;
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
  readonly connections: ConnectionManager;
}

export async function openCore(options: {
  readonly dataDir: string;
  readonly ingest: GembaConfig['ingest'];
  readonly clock: Clock;
  /** Connector kits by kind; none in the CLI's local mode, where connections are not run. */
  readonly kits?: Partial<Record<ConnectionKind, ConnectorKit>>;
  readonly fileConnections?: readonly ConnectionConfig[];
  readonly log?: Log;
  /** When a machine of the active plan goes down: the downtime a proposal plans around (1 h) and its search time (2 s). */
  readonly rescheduleDowntimeMs?: number;
  readonly rescheduleTimeLimitMs?: number;
  /** Where schedule searches run; default worker threads (src/server/plan-workers.ts). */
  readonly planSolver?: PlanSolver;
  /** The assistant's router; default one matching by keyword cues alone (no sentence encoder). */
  readonly assistant?: SemanticRouter;
  /** Sentence vectors for document search and the router; without one, search is by words alone. */
  readonly embedder?: Embedder;
  /** The language model the assistant answers with; without one, the router answers. */
  readonly llm?: LlmProvider;
  /** The shift calendar's local time = UTC + this many minutes (GEMBA_SHIFT_UTC_OFFSET_MINUTES; default 0). */
  readonly shiftUtcOffsetMinutes?: number;
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
    const log = options.log ?? createLog('info');
    // The sink needs the app, and the app needs the connection manager: it is filled in right after.
    const late: { sink?: IngestSink } = {};
    const connections = stack.use(
      new ConnectionManager({
        kits: options.kits ?? {},
        repository: store,
        fileConnections: options.fileConnections ?? [],
        clock,
        depsFor: (id) => {
          const { sink } = late;
          if (!sink) throw new UnexpectedError('connections started before the ingest sink exists');
          const stateDir = join(options.dataDir, 'connections', id);
          mkdirSync(stateDir, { recursive: true });
          return {
            sink,
            clock,
            stateDir,
            log: (level, message, error) => log(level, `[${id}] ${message}`, error),
          };
        },
      }),
    );
    const spc = stack.use(
      new LiveSpc({
        bus,
        tags,
        store,
        emitEvents: (events) => ingest.ingestEvents(events, 'spc'),
        onError: (error) => log('error', 'live SPC', error),
      }),
    );
    await spc.start();
    const models = stack.use(
      new LiveModels({
        bus,
        tags,
        store,
        scorerFor: (model) => liveModelView(model).scorer(),
        emitEvents: (events) => ingest.ingestEvents(events, 'model'),
        writeScores: (samples) => ingest.ingestSamples(samples, 'model'),
        onError: (error) => log('error', 'deployed models', error),
      }),
    );
    await models.start();
    const oee = stack.use(
      new LiveOee({
        bus,
        onEvents: (listener) => ingest.onEvents(listener),
        tags,
        store,
        clock,
        utcOffsetMinutes: options.shiftUtcOffsetMinutes ?? 0,
        onError: (error) => log('error', 'live OEE', error),
      }),
    );
    await oee.start();
    const planSolver = options.planSolver ?? workerPlanSolver();
    const rescheduler = stack.use(
      new LiveRescheduler({
        store,
        clock,
        planSolver,
        onEvents: (listener) => ingest.onEvents(listener),
        emitEvents: (events) => ingest.ingestEvents(events, 'planner'),
        onError: (error) => log('error', 'rescheduling', error),
        downtimeMs: options.rescheduleDowntimeMs ?? 60 * 60_000,
        timeLimitMs: options.rescheduleTimeLimitMs ?? 2000,
      }),
    );
    rescheduler.start();
    const app = new App({
      store,
      ingest,
      tags,
      tokens,
      clock,
      connections,
      spc,
      models,
      oee,
      rescheduler,
      planSolver,
      ...(options.assistant !== undefined && { assistant: options.assistant }),
      ...(options.embedder !== undefined && { embedder: options.embedder }),
      ...(options.llm !== undefined && { llm: options.llm }),
      documentReader: openDocumentReader(),
      setpoints: new SetpointWriters(),
    });
    late.sink = createIngestSink(app, SYSTEM_PRINCIPAL);
    const moved = stack.move();
    return { app, tokens, bus, connections, [Symbol.asyncDispose]: () => moved.disposeAsync() };
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
    const log = createLog(config.logLevel);
    // One sentence embedder for the assistant's router, document search and /v1/embeddings (GEMBA_EMBEDDER).
    const embedder = await openEmbedder(config.embedder);
    if (isAsyncDisposable(embedder)) stack.use(embedder);
    const llm = await openLlmProvider(config.llm);
    if (llm !== undefined) stack.use(llm);
    const { app, tokens, bus, connections } = stack.use(
      await openCore({
        dataDir,
        ingest: config.ingest,
        clock,
        kits: CONNECTOR_KITS,
        fileConnections: config.connections,
        log,
        assistant: new SemanticRouter({ embedder }),
        embedder,
        ...(llm !== undefined && { llm }),
        shiftUtcOffsetMinutes: config.shiftUtcOffsetMinutes,
      }),
    );
    const adminToken = await bootstrapAdmin({ ...config, dataDir }, tokens, app);

    let broker: EmbeddedBroker | undefined;
    if (config.mqtt.enabled) {
      broker = stack.use(
        await startEmbeddedBroker({
          host: config.mqtt.host,
          port: config.mqtt.port,
          onPublish: (topic, payload) => ingestUnsMessage(app, topic, payload, clock.now()),
          onError: (error) => log('warn', 'embedded MQTT broker', error),
        }),
      );
      if (config.mqtt.republishIntervalMs > 0) {
        const hub = broker;
        stack.use(
          startUnsRepublisher({
            bus,
            publish: (topic, payload) => hub.publish(topic, payload, { retain: true }),
            tagPath: (id) => app.services.tags.byId(id)?.path,
            intervalMs: config.mqtt.republishIntervalMs,
            onError: (error) => log('warn', 'UNS re-publishing', error),
          }),
        );
      }
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
        llm,
        embedder,
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
      // The demo is for trying things: load the sentence encoder now, so the first question is not the slow one.
      embedder
        .embed(['warm-up'])
        .catch((error: unknown) => http.fastify.log.warn({ err: error }, 'sentence encoder'));
    }

    // Connectors connect in the background; one that cannot start shows as failed in its status.
    await connections.start();

    const moved = stack.move();
    return {
      url: http.url,
      adminToken,
      app,
      mqttUrl: broker?.url,
      llm,
      async [Symbol.asyncDispose]() {
        await moved.disposeAsync();
      },
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/** The language model of the configuration, loaded (a local GGUF) or set up (a server); none by default. */
async function openLlmProvider(config: LlmConfig): Promise<LlmProvider | undefined> {
  switch (config.provider) {
    case 'none':
      return undefined;
    case 'llama-cpp':
      return createLlamaCppProvider(config);
    case 'openai':
      return createOpenAiProvider({
        baseUrl: config.baseUrl,
        model: config.model,
        contextSize: config.contextSize,
        timeoutMs: config.timeoutMs,
        ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
      });
  }
}

/**
 * The sentence embedder of the configuration. USE stays lazy (it is the default, and most plants may never ask);
 * a GGUF model the operator named is opened now, like GEMBA_LLM_PROVIDER=llama-cpp, so a wrong path or a file
 * that is not an embedding model stops start-up with its reason instead of failing the first question or import.
 */
async function openEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.kind) {
    case 'use':
      return lazyUseEmbedder();
    case 'llama-cpp':
      return openLlamaCppEmbedder({ modelPath: config.modelPath, threads: config.threads });
    case 'openai':
      return openAiEmbedder({
        // the adapter wants the server root; the setting may name its /v1 like GEMBA_LLM_BASE_URL
        baseUrl: config.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
        model: config.model,
        dimensions: config.dimensions,
        ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
      });
  }
}

function isAsyncDisposable<T extends object>(value: T): value is T & AsyncDisposable {
  return Symbol.asyncDispose in value;
}

/**
 * One message from the embedded broker: a known tag's UNS payload is ingested, `<asset>/_events` payloads become
 * events, and a topic below a known root asset that names no tag is dead-lettered. Other topics are ordinary
 * broker traffic and are left alone. Resolves once stored (or dead-lettered) durably; then the broker sends PUBACK.
 */
async function ingestUnsMessage(
  app: App,
  topic: string,
  payload: Uint8Array,
  now: number,
): Promise<{ retain: boolean } | undefined> {
  const { ingest, tags } = app.services;
  const msg = decodeUnsMessage(topic, payload, now);
  const source = `mqtt:${topic}`;
  switch (msg.kind) {
    case 'events':
      await ingest.ingestEvents(msg.items, 'mqtt');
      return undefined;
    case 'invalid':
      if (tags.byPath(topic)) await ingest.rejectRaw(source, msg.reason, msg.payload);
      return undefined;
    case 'sample': {
      if (!tags.byPath(topic) && !(await belongsToPlant(app, topic))) return undefined;
      const result = await ingest.ingestSamples([msg.item], 'mqtt');
      // A stored sample becomes the topic's retained value: a UNS topic always holds the current value.
      return { retain: result.accepted === 1 };
    }
  }
}

async function belongsToPlant(app: App, topic: string): Promise<boolean> {
  const root = topic.split('/')[0] ?? '';
  return (await app.services.store.getAsset(root)) !== undefined;
}
