import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLlmProvider } from '../../../../test/contracts/llm-provider.contract.js';
import { UserError } from '../../../domain/errors.js';
import type { LlmProvider } from '../../../domain/llm.js';
import { createLlamaCppProvider } from './llama-cpp.provider.js';

const MODEL = fileURLToPath(new URL('../../../../test/fixtures/models/stories260K.gguf', import.meta.url));

let llm: LlmProvider;
beforeAll(async () => {
  llm = await createLlamaCppProvider({ modelPath: MODEL, contextSize: 1024 });
});
afterAll(async () => {
  await llm[Symbol.asyncDispose]();
});

describeLlmProvider('llama-cpp on stories260K', () => llm);

describe('the llama-cpp provider', () => {
  it('names the model file and its context', () => {
    expect(llm).toMatchObject({ kind: 'llama-cpp', model: 'stories260K.gguf', contextSize: 1024 });
  });

  it('answers the same prompt the same way at temperature 0', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'Once upon a time' }], maxTokens: 20 };
    const [a, b] = await Promise.all([llm.chat(request), llm.chat(request)]);
    expect(a.text).toBe(b.text);
  });

  it('refuses a missing model file with a UserError naming it', async () => {
    const missing = '/nonexistent/models/missing.gguf';
    const error: unknown = await createLlamaCppProvider({ modelPath: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining(missing) });
  });

  it('refuses a file that is not a GGUF model', async () => {
    const notModel = fileURLToPath(
      new URL('./README.md', new URL('../../../../test/fixtures/models/', import.meta.url)),
    );
    await expect(createLlamaCppProvider({ modelPath: notModel })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('not a GGUF model'),
    });
  });

  it('drops the oldest turns of a conversation too long for the context, and says so', async () => {
    const filler = 'The press ran all day and the oil stayed warm. '.repeat(12);
    const messages = [
      { role: 'system' as const, content: 'You are the assistant of a factory.' },
      ...Array.from({ length: 12 }, (_, i) => [
        { role: 'user' as const, content: `Question ${i}: ${filler}` },
        { role: 'assistant' as const, content: `Answer ${i}: ${filler}` },
      ]).flat(),
      { role: 'user' as const, content: 'And now?' },
    ];
    const result = await llm.chat({ messages, maxTokens: 10 });
    expect(result.notes?.[0]).toMatch(
      /dropped the \d+ oldest message\(s\) to fit the model's 1024-token context/,
    );
    expect(result.usage.promptTokens + 10).toBeLessThanOrEqual(1024);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
  });

  it('refuses a last message that cannot fit at all', async () => {
    const content = 'The press ran all day and the oil stayed warm. '.repeat(120);
    await expect(llm.chat({ messages: [{ role: 'user', content }], maxTokens: 10 })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining("the model's context holds 1024"),
    });
  });

  it('fails a chat that outlives its timeout', async () => {
    await using slow = await createLlamaCppProvider({ modelPath: MODEL, contextSize: 512, timeoutMs: 1 });
    await expect(
      slow.chat({ messages: [{ role: 'user', content: 'Once upon a time' }], maxTokens: 400 }),
    ).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('within 1 ms') });
  });
});
