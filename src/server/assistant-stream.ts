/**
 * The assistant, streamed: `POST /api/v1/assistant/ask/stream` answers with server-sent events, and the WebSocket
 * `/api/v1/assistant/ws` takes `{"type":"ask","id":"1","question":"…"}` messages. Both run `assistant.ask` through
 * the App (validated, permission-checked, audited as the caller) and pass on what it reports while it works: each
 * tool call as it starts (`tool`) and ends (`tool_result`), the model's text as it is written (`text`), then the
 * whole answer (`answer`) — whose text replaces the streamed one, since figures no tool returned are masked only
 * once the answer is complete.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { App } from '../app/registry.js';
import { type Principal, UserError, toGembaError } from '../domain/index.js';
import { httpStatus } from './error-mapping.js';

export function registerAssistantStream(
  fastify: FastifyInstance,
  options: { readonly app: App; readonly authenticate: (request: FastifyRequest) => Promise<Principal> },
): void {
  const { app, authenticate } = options;

  fastify.post('/api/v1/assistant/ask/stream', async (request, reply) => {
    const principal = await authenticate(request);
    const controller = new AbortController();
    reply.hijack();
    const raw = reply.raw;
    raw.on('close', () => {
      if (!raw.writableFinished) controller.abort();
    });
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown): void => {
      if (!raw.writableEnded) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    try {
      const answer = await app.call('assistant.ask', request.body, principal, controller.signal, (e) => {
        const { type, ...rest } = e as { type: string };
        send(type, rest);
      });
      send('answer', answer);
    } catch (error) {
      const e = toGembaError(error);
      send('error', { code: e.code, status: httpStatus(e.code), message: e.message });
    }
    raw.end();
  });

  fastify.get('/api/v1/assistant/ws', { websocket: true }, (socket: WebSocket, request) => {
    // Questions sent before the token check resolves are held, then asked in order.
    const early: string[] = [];
    const hold = (data: Buffer): void => {
      early.push(data.toString('utf8'));
    };
    socket.on('message', hold);
    const inFlight = new Set<AbortController>();
    socket.on('close', () => {
      for (const c of inFlight) c.abort();
    });
    const send = (message: object): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const ask = async (principal: Principal, text: string): Promise<void> => {
      let id: unknown;
      const controller = new AbortController();
      inFlight.add(controller);
      try {
        let msg: unknown;
        try {
          msg = JSON.parse(text);
        } catch {
          throw new UserError(
            'invalid_input',
            'messages must be JSON: {"type":"ask","id":"1","question":"…"}',
          );
        }
        const {
          type,
          id: given,
          ...input
        } = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
        id = given;
        if (type !== 'ask')
          throw new UserError('invalid_input', 'type: the only message is {"type":"ask",…}');
        const answer = await app.call('assistant.ask', input, principal, controller.signal, (e) =>
          send({ ...(e as object), id }),
        );
        send({ type: 'answer', id, answer });
      } catch (error) {
        const e = toGembaError(error);
        send({ type: 'error', id, code: e.code, message: e.message });
      } finally {
        inFlight.delete(controller);
      }
    };
    authenticate(request).then(
      (principal) => {
        socket.off('message', hold);
        socket.on('message', (data: Buffer) => void ask(principal, data.toString('utf8')));
        for (const text of early) void ask(principal, text);
        send({ type: 'hello', message: 'send {"type":"ask","id":"1","question":"…","mode":"auto"}' });
      },
      (error: unknown) => {
        const e = toGembaError(error);
        send({ type: 'error', code: e.code, message: e.message });
        socket.close(4401, e.message.slice(0, 100));
      },
    );
  });
}
