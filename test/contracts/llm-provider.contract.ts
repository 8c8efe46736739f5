/**
 * The contract every LLM provider passes (STYLE.md §4), on a model that shows nothing about answer quality (the
 * tiny stories260K fixture, directly or behind an OpenAI-compatible server): it checks the structure of replies —
 * text, streaming, schemas, tool calls, limits and cancellation — never what they say.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest, LlmProvider, ToolSpec } from '../../src/domain/llm.js';

/** Two tools with different argument shapes, one with an optional property. */
export const CONTRACT_TOOLS: readonly ToolSpec[] = [
  {
    name: 'query_samples',
    description: 'Samples of one tag in a time window.',
    parameters: z.toJSONSchema(
      z.object({ tag: z.string(), from: z.string(), limit: z.number().int().min(1).optional() }),
    ),
  },
  {
    name: 'list_alarms',
    description: 'Open alarms of an asset.',
    parameters: z.toJSONSchema(z.object({ asset: z.string(), severity: z.enum(['low', 'medium', 'high']) })),
  },
];

const ARGUMENTS = {
  query_samples: z.strictObject({ tag: z.string(), from: z.string(), limit: z.number().int().optional() }),
  list_alarms: z.strictObject({ asset: z.string(), severity: z.enum(['low', 'medium', 'high']) }),
};

const Inspection = z.strictObject({
  machine: z.string(),
  severity: z.enum(['low', 'medium', 'high']),
  needsMaintenance: z.boolean(),
});

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: 'system', content: 'You are the assistant of a factory.' },
    { role: 'user', content },
  ],
  maxTokens: 40,
  ...extra,
});

export function describeLlmProvider(name: string, provider: () => LlmProvider): void {
  describe(`LlmProvider contract: ${name}`, () => {
    it('answers a chat with text, a finish reason, usage and the model', async () => {
      const result = await provider().chat(ask('Once upon a time'));
      expect(result.text.trim().length).toBeGreaterThan(0);
      expect(['stop', 'length']).toContain(result.finishReason);
      expect(result.toolCalls).toEqual([]);
      expect(result.usage.promptTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeLessThanOrEqual(40);
      expect(result.model).toBe(provider().model);
    });

    it('streams deltas that add up to the final text', async () => {
      const deltas: string[] = [];
      const result = await provider().chat(
        ask('Tell me about the press.', { onText: (d) => deltas.push(d) }),
      );
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(result.text);
    });

    it('stops at maxTokens with finishReason length', async () => {
      const result = await provider().chat(ask('Once upon a time', { maxTokens: 3 }));
      expect(result.finishReason).toBe('length');
      expect(result.usage.completionTokens).toBe(3);
    });

    it('writes JSON that follows a response schema', async () => {
      const result = await provider().chat(
        ask('Inspect the pump.', { responseSchema: z.toJSONSchema(Inspection), maxTokens: 120 }),
      );
      expect(result.finishReason).toBe('stop');
      expect(Inspection.safeParse(JSON.parse(result.text)).success).toBe(true);
    });

    it('with tools, either calls one of them with arguments of its schema or answers', async () => {
      const result = await provider().chat(
        ask('What is the oil temperature of press 3?', { tools: CONTRACT_TOOLS, maxTokens: 120 }),
      );
      expect(['stop', 'tool_calls']).toContain(result.finishReason);
      if (result.finishReason === 'tool_calls') {
        expect(result.toolCalls).toHaveLength(1);
        checkToolCall(result.toolCalls[0]);
      } else {
        expect(result.toolCalls).toEqual([]);
        expect(typeof result.text).toBe('string');
      }
    });

    it("with toolChoice 'required', calls one of the tools", async () => {
      const result = await provider().chat(
        ask('Which alarms are open?', { tools: CONTRACT_TOOLS, toolChoice: 'required', maxTokens: 120 }),
      );
      expect(result.finishReason).toBe('tool_calls');
      expect(result.toolCalls).toHaveLength(1);
      checkToolCall(result.toolCalls[0]);
    });

    it('reads a conversation with a tool call and its result', async () => {
      const result = await provider().chat({
        messages: [
          { role: 'user', content: 'Alarms on press 3?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'call_1', name: 'list_alarms', arguments: { asset: 'press3', severity: 'high' } },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', name: 'list_alarms', content: '[]' },
        ],
        tools: CONTRACT_TOOLS,
        toolChoice: 'none',
        maxTokens: 20,
      });
      expect(result.toolCalls).toEqual([]);
      expect(['stop', 'length']).toContain(result.finishReason);
    });

    it('stops when cancelled, with finishReason cancelled and the text so far', async () => {
      const controller = new AbortController();
      const deltas: string[] = [];
      const started = performance.now();
      const result = await provider().chat(
        ask('Once upon a time', {
          maxTokens: 100_000,
          signal: controller.signal,
          onText: (d) => {
            deltas.push(d);
            if (deltas.length === 5) controller.abort();
          },
        }),
      );
      expect(result.finishReason).toBe('cancelled');
      expect(result.text.startsWith(deltas.slice(0, 5).join(''))).toBe(true);
      expect(performance.now() - started).toBeLessThan(5000);
    });
  });
}

function checkToolCall(call: { id: string; name: string; arguments: unknown } | undefined): void {
  expect(call?.id).toMatch(/\S/);
  expect(CONTRACT_TOOLS.map((t) => t.name)).toContain(call?.name);
  const schema = ARGUMENTS[call?.name as keyof typeof ARGUMENTS];
  expect(schema.safeParse(call?.arguments).error).toBeUndefined();
}
