import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openAiEmbedder } from './openai.embedder.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: { model: string; input: string[]; encoding_format?: string };
}

/** A local HTTP server answering like OpenAI's /v1/embeddings; `answer` may override the reply. */
async function embeddingsServer(
  answer?: (seen: Seen, res: ServerResponse) => void,
): Promise<{ baseUrl: string; seen: Seen[] } & AsyncDisposable> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      };
      seen.push(s);
      if (answer !== undefined) return answer(s, res);
      // vector of text i: [length of the text, i, 1]; returned in reverse order, as the API allows
      const data = s.body.input.map((t, i) => ({
        object: 'embedding',
        index: i,
        embedding: [t.length, i, 1],
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: data.reverse(),
          model: s.body.model,
          usage: { total_tokens: 3 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    seen,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('openAiEmbedder against a local OpenAI-compatible server', () => {
  it('posts the model and texts to /v1/embeddings with the key, in batches, and keeps the input order', async () => {
    await using server = await embeddingsServer();
    const embedder = openAiEmbedder({
      baseUrl: server.baseUrl,
      model: 'text-embedding-3-small',
      apiKey: 'sk-test',
      dimensions: 3,
      batchSize: 2,
    });
    expect(embedder.id).toBe('openai-compatible:text-embedding-3-small');
    const vectors = await embedder.embed(['pump', 'leaking valve', 'ok']);
    expect(vectors.map((v) => [...v])).toEqual([
      [4, 0, 1],
      [13, 1, 1],
      [2, 0, 1],
    ]);
    expect(server.seen).toHaveLength(2);
    expect(server.seen[0]).toEqual({
      method: 'POST',
      url: '/v1/embeddings',
      authorization: 'Bearer sk-test',
      body: { model: 'text-embedding-3-small', input: ['pump', 'leaking valve'], encoding_format: 'float' },
    });
    expect(server.seen[1]?.body.input).toEqual(['ok']);
    expect(await embedder.embed([])).toEqual([]);
    expect(server.seen).toHaveLength(2);
  });

  it('sends no authorization header without a key', async () => {
    await using server = await embeddingsServer();
    await openAiEmbedder({ baseUrl: server.baseUrl, model: 'm', dimensions: 3 }).embed(['x']);
    expect(server.seen[0]?.authorization).toBeUndefined();
  });

  it('maps HTTP errors to error codes', async () => {
    const replyWith = (status: number) => (_: Seen, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `status ${status}` } }));
    };
    for (const [status, code] of [
      [401, 'unauthenticated'],
      [429, 'overloaded'],
      [500, 'unavailable'],
      [400, 'invalid_input'],
    ] as const) {
      await using server = await embeddingsServer(replyWith(status));
      await expect(
        openAiEmbedder({ baseUrl: server.baseUrl, model: 'm', dimensions: 3 }).embed(['x']),
      ).rejects.toMatchObject({ code, message: expect.stringContaining(`HTTP ${status}`) });
    }
  });

  it('rejects vectors of the wrong length, replies that are not embeddings, and an unreachable server', async () => {
    {
      await using server = await embeddingsServer();
      await expect(
        openAiEmbedder({ baseUrl: server.baseUrl, model: 'm', dimensions: 4 }).embed(['x']),
      ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('3-d vector') });
    }
    {
      await using server = await embeddingsServer((_, res) => res.end('{"hello":"world"}'));
      await expect(
        openAiEmbedder({ baseUrl: server.baseUrl, model: 'm', dimensions: 3 }).embed(['x']),
      ).rejects.toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining('other than embeddings'),
      });
    }
    const closed = await embeddingsServer();
    const baseUrl = closed.baseUrl;
    await closed[Symbol.asyncDispose]();
    await expect(openAiEmbedder({ baseUrl, model: 'm', dimensions: 3 }).embed(['x'])).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});
