/**
 * Embeddings from any server speaking OpenAI's embeddings API (OpenAI, vLLM, llama.cpp server, Ollama, LocalAI):
 * `POST {baseUrl}/v1/embeddings` with `{ model, input: string[] }`, answered by `{ data: [{ index, embedding }] }`.
 * API reference: https://platform.openai.com/docs/api-reference/embeddings/create
 */
import { z } from 'zod';
import { OperationalError, UserError } from '../../../domain/errors.js';
import type { Embedder } from '../../../domain/embedder.js';

export interface OpenAiEmbedderConfig {
  /** Server root without `/v1`, e.g. "https://api.openai.com" or "http://127.0.0.1:8080". */
  readonly baseUrl: string;
  /** Model name the server knows, e.g. "text-embedding-3-small". */
  readonly model: string;
  /** Length of the vectors this model returns; every answer is checked against it. */
  readonly dimensions: number;
  /** Sent as `Authorization: Bearer <apiKey>` when given; local servers usually need none. */
  readonly apiKey?: string;
  /** Texts per request (OpenAI accepts up to 2,048 inputs). Default 256. */
  readonly batchSize?: number;
  /** Per request. Default 60,000 ms. */
  readonly timeoutMs?: number;
}

// What the API answers; extra fields (usage, object, model) are ignored.
const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

/**
 * An embedder that calls an OpenAI-compatible server.
 * @example
 * const e = openAiEmbedder({ baseUrl: 'http://127.0.0.1:8080', model: 'nomic-embed-text', dimensions: 768 });
 * const [v] = await e.embed(['hydraulic hose leaking']);
 */
export function openAiEmbedder(config: OpenAiEmbedderConfig): Embedder {
  if (!Number.isInteger(config.dimensions) || config.dimensions < 1) {
    throw new UserError('invalid_input', `dimensions must be a positive integer, got ${config.dimensions}`);
  }
  const url = `${config.baseUrl.replace(/\/+$/, '')}/v1/embeddings`;
  const batchSize = config.batchSize ?? 256;
  const timeoutMs = config.timeoutMs ?? 60_000;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.apiKey !== undefined) headers.authorization = `Bearer ${config.apiKey}`;

  async function request(input: readonly string[]): Promise<Float32Array[]> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: config.model, input, encoding_format: 'float' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error: unknown) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new OperationalError(
        timedOut ? 'timeout' : 'unavailable',
        timedOut ? `no embeddings from ${url} within ${timeoutMs} ms` : `cannot reach ${url}`,
        { cause: error },
      );
    }
    const body = await response.text();
    if (!response.ok) throw httpError(response.status, url, body);
    let parsed: z.infer<typeof EmbeddingsResponse>;
    try {
      parsed = EmbeddingsResponse.parse(JSON.parse(body));
    } catch (error: unknown) {
      throw new OperationalError('unavailable', `${url} answered with something other than embeddings`, {
        cause: error,
      });
    }
    const vectors: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(input.length);
    for (const item of parsed.data) {
      if (item.index >= input.length || item.embedding.length !== config.dimensions) {
        throw new UserError(
          'invalid_input',
          `${url} returned a ${item.embedding.length}-d vector at index ${item.index} for ${input.length} texts; ` +
            `the embedder is configured for ${config.dimensions}-d vectors of model "${config.model}"`,
        );
      }
      vectors[item.index] = Float32Array.from(item.embedding);
    }
    return vectors.map((v, i) => {
      if (v === undefined)
        throw new OperationalError('unavailable', `${url} returned no vector for text ${i}`);
      return v;
    });
  }

  return {
    id: `openai-compatible:${config.model}`,
    dimensions: config.dimensions,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        out.push(...(await request(texts.slice(start, start + batchSize))));
      }
      return out;
    },
  };
}

function httpError(status: number, url: string, body: string): Error {
  const detail = `${url} answered HTTP ${status}: ${body.slice(0, 300)}`;
  if (status === 401) return new UserError('unauthenticated', detail);
  if (status === 403) return new UserError('forbidden', detail);
  if (status === 429) return new OperationalError('overloaded', detail);
  if (status === 408 || status === 504) return new OperationalError('timeout', detail);
  if (status >= 500) return new OperationalError('unavailable', detail);
  return new UserError('invalid_input', detail);
}
