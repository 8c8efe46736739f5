/**
 * The HTTP transport: one route per operation (derived from the registry), the OpenAPI document, health,
 * the WebSocket stream of live samples, and the dashboard. Thin: parse, authenticate, call, map the result.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { WebSocket } from 'ws';
import { type App } from '../app/registry.js';
import {
  type Embedder,
  GembaError,
  type LlmProvider,
  type Principal,
  type SampleBatch,
  type SampleBus,
  type PlantEvent,
  UserError,
  isUnder,
  qualityFromCode,
  toGembaError,
} from '../domain/index.js';
import { httpStatus } from './error-mapping.js';
import { buildOpenApiDocument } from './openapi.js';
import { registerOpenAiCompat } from './openai-compat.js';
import { registerAssistantStream } from './assistant-stream.js';

export interface HttpServerOptions {
  readonly app: App;
  readonly bus: SampleBus;
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly webDir: string | undefined;
  readonly version: string;
  readonly logLevel: string;
  readonly startedAt: number;
  /** The model served at `/v1/chat/completions` (OpenAI-compatible); without one that route answers 503. */
  readonly llm?: LlmProvider | undefined;
  /** The embedder served at `/v1/embeddings`; without one, the default (USE) is opened on first use. */
  readonly embedder?: Embedder | undefined;
}

export interface HttpServer extends AsyncDisposable {
  readonly url: string;
  readonly fastify: FastifyInstance;
}

/** Bytes a WebSocket may have queued before live messages to it are dropped (a slow client must not stall ingest). */
const WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.['token'];
  return typeof token === 'string' ? token : undefined;
}

function sendError(reply: FastifyReply, error: GembaError): FastifyReply {
  return reply.status(httpStatus(error.code)).send({
    error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) },
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { app, bus } = options;
  const fastify = Fastify({
    logger: { level: options.logLevel },
    // One line per request would bury the log at the dashboard's and producers' rates; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
  });
  const authenticate = (request: FastifyRequest): Promise<Principal> =>
    app.services.tokens.authenticate(bearer(request));

  // Unparsable JSON is dead-lettered with its reason, like any other malformed input, then refused.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const reason = `request body is not valid JSON: ${(error as Error).message}`;
      app.services.ingest.rejectRaw(`http:${request.url}`, reason, text).then(
        () => done(new UserError('invalid_input', reason), undefined),
        (e: unknown) => done(toGembaError(e), undefined),
      );
    }
  });

  fastify.setErrorHandler((error, request, reply) => {
    if (error instanceof GembaError) {
      if (error.kind === 'unexpected') request.log.error({ err: error }, 'unexpected error');
      return sendError(reply, error);
    }
    const fe = error as { statusCode?: number; code?: string; message: string };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(
        reply,
        new UserError('payload_too_large', `request body over ${options.bodyLimitBytes} bytes`),
      );
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(reply, new UserError('invalid_input', fe.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, toGembaError(error));
  });

  fastify.get('/api/v1/health', () => ({
    status: 'ok',
    version: options.version,
    uptimeS: Math.round((Date.now() - options.startedAt) / 1000),
    queuedSamples: bus.pending,
  }));

  const openapi = buildOpenApiDocument(app.operations, options.version);
  fastify.get('/api/v1/openapi.json', async (request) => {
    await authenticate(request);
    return openapi;
  });

  for (const op of app.operations) {
    fastify.route({
      method: op.http.method,
      url: `/api/v1${op.http.path}`,
      handler: async (request) => {
        const principal = await authenticate(request);
        const input = op.http.method === 'GET' ? request.query : request.body;
        const controller = new AbortController();
        request.raw.once('close', () => {
          if (!request.raw.complete) controller.abort();
        });
        return app.call(op.name, input, principal, controller.signal);
      },
    });
  }

  await registerOpenAiCompat(fastify, { authenticate, llm: options.llm, embedder: options.embedder });

  await fastify.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  const streams = new LiveStreams(app, (error) => fastify.log.warn({ err: error }, 'live stream'));
  const unsubscribeSamples = bus.onStored((batch) => streams.broadcast(batch));
  const unsubscribeEvents = app.services.ingest.onEvents((events) => streams.broadcastEvents(events));
  const unsubscribe = () => {
    unsubscribeSamples();
    unsubscribeEvents();
  };
  registerAssistantStream(fastify, { app, authenticate });
  fastify.get('/api/v1/stream', { websocket: true }, (socket, request) => {
    // A client may send its subscription as soon as the socket opens, before the token check has resolved: hold
    // those messages and hand them over once the socket is a subscriber, so none is lost.
    const early: Buffer[] = [];
    const hold = (data: Buffer) => early.push(data);
    socket.on('message', hold);
    authenticate(request).then(
      () => {
        socket.off('message', hold);
        streams.add(socket);
        for (const data of early) socket.emit('message', data);
      },
      (error: unknown) => {
        const e = toGembaError(error);
        socket.send(JSON.stringify({ type: 'error', code: e.code, message: e.message }));
        socket.close(4401, e.message.slice(0, 100));
      },
    );
  });

  const webDir = options.webDir;
  if (webDir !== undefined && existsSync(join(webDir, 'index.html'))) {
    await fastify.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
    });
  } else {
    fastify.get('/', (_request, reply) =>
      reply
        .type('text/plain')
        .send('The Gemba API is running. The dashboard is not built: run `npm run build` and restart.\n'),
    );
  }
  fastify.setNotFoundHandler((request, reply) =>
    sendError(reply, new UserError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  await fastify.listen({ host: options.host, port: options.port });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}`,
    fastify,
    async [Symbol.asyncDispose]() {
      unsubscribe();
      streams.closeAll();
      await fastify.close();
    },
  };
}

interface Subscriber {
  readonly socket: WebSocket;
  /** Tag ids wanted; undefined until the client subscribes. */
  tagIds: Set<number> | undefined;
  /** Events wanted: those of assets at or below `under` (all when absent), or of the subscribed tags' assets. */
  events: { under: string | undefined } | { assets: Set<string> } | undefined;
  dropped: number;
}

/** Fans stored batches out to WebSocket subscribers, each filtered to the tags it asked for. */
class LiveStreams {
  readonly #app: App;
  readonly #subscribers = new Set<Subscriber>();
  readonly #onError: (error: unknown) => void;

  constructor(app: App, onError: (error: unknown) => void) {
    this.#app = app;
    this.#onError = onError;
  }

  add(socket: WebSocket): void {
    const sub: Subscriber = { socket, tagIds: undefined, events: undefined, dropped: 0 };
    this.#subscribers.add(sub);
    socket.on('close', () => this.#subscribers.delete(sub));
    socket.on('error', (error) => this.#onError(error));
    socket.on('message', (data: Buffer) => {
      try {
        const { tagIds, events } = this.#parseSubscription(data.toString('utf8'));
        sub.tagIds = tagIds;
        sub.events = events;
        socket.send(JSON.stringify({ type: 'subscribed', tags: tagIds.size }));
      } catch (error) {
        const e = toGembaError(error);
        socket.send(JSON.stringify({ type: 'error', code: e.code, message: e.message }));
      }
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        message: 'send {"type":"subscribe","under":"<asset path>"} or {"tags":[...]}',
      }),
    );
  }

  #parseSubscription(text: string): { tagIds: Set<number>; events: NonNullable<Subscriber['events']> } {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      throw new UserError('invalid_input', 'messages must be JSON');
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
    if (m['type'] !== 'subscribe') throw new UserError('invalid_input', 'expected {"type":"subscribe", ...}');
    const tags = this.#app.services.tags;
    if (Array.isArray(m['tags'])) {
      const wanted = m['tags'].map((p) => tags.require(String(p)));
      return {
        tagIds: new Set(wanted.map((t) => t.id)),
        events: { assets: new Set(wanted.map((t) => t.asset)) },
      };
    }
    const under = m['under'];
    if (typeof under === 'string' || under === undefined) {
      const tagIds = new Set(
        tags
          .all()
          .filter((t) => under === undefined || isUnder(t.asset, under))
          .map((t) => t.id),
      );
      return { tagIds, events: { under } };
    }
    throw new UserError('invalid_input', '"under" must be an asset path, "tags" an array of tag paths');
  }

  broadcast(batch: SampleBatch): void {
    if (this.#subscribers.size === 0) return;
    const tags = this.#app.services.tags;
    for (const sub of this.#subscribers) {
      const wanted = sub.tagIds;
      if (!wanted || wanted.size === 0) continue;
      if (sub.socket.bufferedAmount > WS_MAX_BUFFERED_BYTES) {
        sub.dropped += batch.length;
        continue;
      }
      const samples = [];
      for (let i = 0; i < batch.length; i++) {
        const id = batch.tagIds[i] ?? -1;
        if (!wanted.has(id)) continue;
        const tag = tags.byId(id);
        if (!tag) continue;
        samples.push({
          tag: tag.path,
          ts: batch.ts[i],
          value: batch.values[i],
          quality: qualityFromCode(batch.quality[i] ?? 2),
        });
      }
      if (samples.length > 0) sub.socket.send(JSON.stringify({ type: 'samples', samples }));
    }
  }

  /** Sends stored events (alarms, machine states, notes) to the subscribers whose scope they fall in. */
  broadcastEvents(events: readonly PlantEvent[]): void {
    if (this.#subscribers.size === 0) return;
    for (const sub of this.#subscribers) {
      const scope = sub.events;
      if (scope === undefined || sub.socket.bufferedAmount > WS_MAX_BUFFERED_BYTES) continue;
      const wanted = events.filter((e) =>
        'assets' in scope
          ? scope.assets.has(e.asset)
          : scope.under === undefined || isUnder(e.asset, scope.under),
      );
      if (wanted.length > 0) sub.socket.send(JSON.stringify({ type: 'events', events: wanted }));
    }
  }

  closeAll(): void {
    for (const sub of this.#subscribers) sub.socket.close(1001, 'server shutting down');
    this.#subscribers.clear();
  }
}
