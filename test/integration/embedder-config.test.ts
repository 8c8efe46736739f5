/**
 * GEMBA_EMBEDDER end to end: a platform embedding with a local GGUF model (the stories260K fixture, 64-d) at
 * `/v1/embeddings`, and a second platform whose `openai` embedder calls the first one's `/v1` over HTTP.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { createPlatform } from '../../src/server/platform.js';
import { type TestPlatform, startTestPlatform, tempDir } from '../helpers/platform.js';

const MODEL = fileURLToPath(new URL('../fixtures/models/stories260K.gguf', import.meta.url));
const TEXTS = ['pump leaking oil', 'bearing runs hot', 'pump leaking oil'];

interface EmbeddingsAnswer {
  model: string;
  data: { index: number; embedding: number[] }[];
}

async function embeddings(
  p: TestPlatform,
  input: string[],
): Promise<{ status: number; body: EmbeddingsAnswer & { error?: { message: string } } }> {
  const response = await fetch(`${p.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${p.adminToken ?? ''}` },
    body: JSON.stringify({ model: 'any', input, encoding_format: 'float' }),
  });
  return { status: response.status, body: (await response.json()) as EmbeddingsAnswer };
}

let local: TestPlatform;
let remote: TestPlatform;
beforeAll(async () => {
  local = await startTestPlatform({
    GEMBA_MQTT_ENABLED: 'false',
    GEMBA_EMBEDDER: 'llama-cpp',
    GEMBA_EMBEDDER_MODEL_PATH: MODEL,
  });
  remote = await startTestPlatform({
    GEMBA_MQTT_ENABLED: 'false',
    GEMBA_EMBEDDER: 'openai',
    GEMBA_EMBEDDER_BASE_URL: `${local.url}/v1`,
    GEMBA_EMBEDDER_MODEL: 'any',
    GEMBA_EMBEDDER_DIMENSIONS: '64',
    GEMBA_EMBEDDER_API_KEY: local.adminToken ?? '',
  });
}, 60_000);
afterAll(async () => {
  await remote?.[Symbol.asyncDispose]();
  await local?.[Symbol.asyncDispose]();
});

describe('GEMBA_EMBEDDER', () => {
  it('llama-cpp: /v1/embeddings answers the GGUF model’s 64-d vectors', async () => {
    const { status, body } = await embeddings(local, TEXTS);
    expect(status).toBe(200);
    expect(body.model).toBe('gguf:stories260K.gguf');
    expect(body.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 64],
      [1, 64],
      [2, 64],
    ]);
    expect(body.data[0]?.embedding).toEqual(body.data[2]?.embedding);
    expect(body.data[0]?.embedding).not.toEqual(body.data[1]?.embedding);
  });

  it('openai: a second platform embeds through the first one’s /v1 and answers the same vectors', async () => {
    const [direct, relayed] = await Promise.all([embeddings(local, TEXTS), embeddings(remote, TEXTS)]);
    expect(relayed.status).toBe(200);
    expect(relayed.body.model).toBe('openai-compatible:any');
    expect(relayed.body.data.map((d) => d.embedding)).toEqual(direct.body.data.map((d) => d.embedding));
  });

  it('openai: the first platform’s refusal of a bad key reaches the second one’s caller', async () => {
    await using wrongKey = await startTestPlatform({
      GEMBA_MQTT_ENABLED: 'false',
      GEMBA_EMBEDDER: 'openai',
      GEMBA_EMBEDDER_BASE_URL: local.url,
      GEMBA_EMBEDDER_MODEL: 'any',
      GEMBA_EMBEDDER_DIMENSIONS: '64',
      GEMBA_EMBEDDER_API_KEY: `gmb_${'x'.repeat(40)}`,
    });
    const { status, body } = await embeddings(wrongKey, ['pump leaking oil']);
    expect(status).toBe(401);
    expect(body.error?.message).toContain(`${local.url}/v1/embeddings answered HTTP 401`);
  });

  it('refuses to start with a GGUF path that does not exist, naming it', async () => {
    const missing = '/nonexistent/embedder.gguf';
    using dir = tempDir();
    const config = loadConfig({
      GEMBA_DATA_DIR: dir.path,
      GEMBA_PORT: '0',
      GEMBA_MQTT_ENABLED: 'false',
      GEMBA_LOG_LEVEL: 'warn',
      GEMBA_EMBEDDER: 'llama-cpp',
      GEMBA_EMBEDDER_MODEL_PATH: missing,
    });
    await expect(createPlatform(config)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(missing),
    });
  });
});
