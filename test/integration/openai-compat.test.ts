/**
 * Gemba's OpenAI-compatible `/v1`, served from the real platform with the local model (the stories260K fixture),
 * driven by the official `openai` client — and the `openai` provider run end to end against it.
 */
import { fileURLToPath } from 'node:url';
import OpenAI, { AuthenticationError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiProvider } from '../../src/adapters/llm/openai/openai.provider.js';
import type { LlmProvider } from '../../src/domain/llm.js';
import { CONTRACT_TOOLS, describeLlmProvider } from '../contracts/llm-provider.contract.js';
import { type TestPlatform, startTestPlatform } from '../helpers/platform.js';

const MODEL = fileURLToPath(new URL('../fixtures/models/stories260K.gguf', import.meta.url));

let platform: TestPlatform;
let client: OpenAI;
let provider: LlmProvider;
beforeAll(async () => {
  platform = await startTestPlatform({
    GEMBA_MQTT_ENABLED: 'false',
    GEMBA_LLM_PROVIDER: 'llama-cpp',
    GEMBA_LLM_MODEL_PATH: MODEL,
    GEMBA_LLM_CONTEXT_SIZE: '1024',
  });
  client = new OpenAI({ baseURL: `${platform.url}/v1`, apiKey: platform.adminToken ?? '', maxRetries: 0 });
  provider = createOpenAiProvider({
    baseUrl: platform.url,
    model: 'stories260K.gguf',
    ...(platform.adminToken !== undefined && { apiKey: platform.adminToken }),
    contextSize: 1024,
  });
});
afterAll(async () => {
  await provider?.[Symbol.asyncDispose]();
  await platform?.[Symbol.asyncDispose]();
});

const question = [{ role: 'user' as const, content: 'Once upon a time' }];
const tools = CONTRACT_TOOLS.map((t) => ({
  type: 'function' as const,
  function: { name: t.name, description: t.description, parameters: { ...t.parameters } },
}));

describe('the OpenAI-compatible endpoint, with the official client', () => {
  it('exposes the configured model on the platform and in /v1/models', async () => {
    expect(platform.llm).toMatchObject({ kind: 'llama-cpp', model: 'stories260K.gguf', contextSize: 1024 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['stories260K.gguf']);
  });

  it('answers a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'any',
      messages: question,
      max_tokens: 20,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('stories260K.gguf');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(20);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + 20);
  });

  it('streams the same text as server-sent chunks, with usage at the end', async () => {
    const whole = await client.chat.completions.create({ model: 'any', messages: question, max_tokens: 20 });
    const stream = await client.chat.completions.create({
      model: 'any',
      messages: question,
      max_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let pieces = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        text += delta;
        pieces += 1;
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(pieces).toBeGreaterThan(1);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(20);
  });

  it('returns tool calls in OpenAI form, a named tool_choice forcing that tool', async () => {
    const completion = await client.chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'Which alarms are open on press 3?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'list_alarms' } },
      max_tokens: 120,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') return;
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('list_alarms');
    expect(Object.keys(JSON.parse(call.function.arguments)).sort()).toEqual(['asset', 'severity']);
  });

  it('follows a json_schema response format', async () => {
    const completion = await client.chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'Rate the pump.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'rating',
          schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
        },
      },
      max_tokens: 20,
    });
    expect(typeof JSON.parse(completion.choices[0]?.message.content ?? '').ok).toBe('boolean');
  });

  it('embeds texts with the platform embedder, as floats and as base64', async () => {
    const floats = await client.embeddings.create({
      model: 'any',
      input: ['pump leaking oil', 'oil leak at the pump'],
      encoding_format: 'float',
    });
    expect(floats.model).toBe('use-lite-en');
    expect(floats.data.map((d) => d.embedding.length)).toEqual([512, 512]);
    // the client asks for base64 by default and decodes it
    const decoded = await client.embeddings.create({ model: 'any', input: 'pump leaking oil' });
    expect(decoded.data[0]?.embedding.length).toBe(512);
    expect(decoded.data[0]?.embedding[7]).toBeCloseTo(floats.data[0]?.embedding[7] ?? NaN, 6);
  }, 60_000);

  it('refuses a request without a valid token with 401 in OpenAI form', async () => {
    const anonymous = new OpenAI({ baseURL: `${platform.url}/v1`, apiKey: 'gmb_not-a-token', maxRetries: 0 });
    const error: unknown = await anonymous.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const response = await fetch(`${platform.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'any', messages: question }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'unauthenticated', message: expect.any(String) },
    });
  });

  it('answers a bad request with 400 in OpenAI form', async () => {
    const error: unknown = await client.chat.completions
      .create({ model: 'any', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'invalid_input' });
  });
});

describe('a platform without a model', () => {
  it('answers chat completions with 503 and lists no model', async () => {
    await using bare = await startTestPlatform({ GEMBA_MQTT_ENABLED: 'false' });
    expect(bare.llm).toBeUndefined();
    const bareClient = new OpenAI({
      baseURL: `${bare.url}/v1`,
      apiKey: bare.adminToken ?? '',
      maxRetries: 0,
    });
    const error: unknown = await bareClient.chat.completions
      .create({ model: 'any', messages: question })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 503,
      code: 'unavailable',
      message: expect.stringContaining('GEMBA_LLM_PROVIDER'),
    });
    expect((await bareClient.models.list()).data).toEqual([]);
  });
});

describe('the openai provider against the real endpoint', () => {
  it('reports an unreachable server as unavailable and a bad key as unauthenticated', async () => {
    const nowhere = createOpenAiProvider({ baseUrl: 'http://127.0.0.1:9', model: 'm' });
    await expect(nowhere.chat({ messages: question })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('cannot reach http://127.0.0.1:9/v1'),
    });
    const stranger = createOpenAiProvider({ baseUrl: platform.url, model: 'm', apiKey: 'gmb_wrong' });
    await expect(stranger.chat({ messages: question })).rejects.toMatchObject({
      code: 'unauthenticated',
      message: expect.stringContaining('HTTP 401'),
    });
  });
});

describeLlmProvider('openai provider → Gemba /v1 → llama-cpp on stories260K', () => provider);
