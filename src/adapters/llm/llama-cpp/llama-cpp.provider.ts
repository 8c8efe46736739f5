/**
 * A local GGUF model through node-llama-cpp (llama.cpp's prebuilt CPU binary): one context, one sequence, chats
 * served one at a time. Tool calls and response schemas are enforced by a grammar built from JSON Schema, so the
 * reply always parses; the caller still validates what it says. API: https://node-llama-cpp.withcat.ai/api
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type ChatHistoryItem,
  type LlamaChatResponse,
  type LlamaGrammar,
  LlamaChat,
  LlamaLogLevel,
  getLlama,
} from 'node-llama-cpp';
import { OperationalError, UserError } from '../../../domain/errors.js';
import type { ChatMessage, ChatRequest, ChatResult, LlmProvider, ToolCall } from '../../../domain/llm.js';
import {
  AnswerStream,
  answerTextOf,
  type ReplyGrammar,
  describeTools,
  dropOmittedNulls,
  responseGrammar,
  toolReplyGrammar,
} from './reply-grammar.js';

export interface LlamaCppProviderConfig {
  /** A GGUF file. */
  readonly modelPath: string;
  /**
   * CPU threads for generation. Default 1: on a 2-core machine llama.cpp with 2 threads ran small models 20–50×
   * slower than with 1 (shared/models/MANIFEST.md); benchmark both for a real model on real hardware.
   */
  readonly threads?: number;
  /** Tokens of context (prompt + reply). Default 4096. */
  readonly contextSize?: number;
  /** Longest a chat may take, queue wait included; beyond it the chat fails with `timeout`. Default none. */
  readonly timeoutMs?: number;
}

/** Reply tokens kept free when older turns must be dropped and the request sets no maxTokens. */
const DEFAULT_REPLY_TOKENS = 512;

/**
 * Loads the model (about 1 s for a tiny one) and returns a provider; dispose it to free the model.
 * @example
 * await using llm = await createLlamaCppProvider({ modelPath: 'models/qwen2.5-3b-instruct-q4_k_m.gguf' });
 * const { text } = await llm.chat({ messages: [{ role: 'user', content: 'Why does a bearing run hot?' }] });
 */
export async function createLlamaCppProvider(config: LlamaCppProviderConfig): Promise<LlmProvider> {
  const { modelPath, threads = 1, contextSize: wantedContext = 4096, timeoutMs } = config;
  try {
    await access(modelPath, constants.R_OK);
  } catch (error: unknown) {
    throw new UserError('invalid_input', `cannot read the model file ${modelPath}`, { cause: error });
  }
  // build: 'never' — a missing prebuilt binary must fail here, not start a compile that downloads llama.cpp.
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  let model: Awaited<ReturnType<typeof llama.loadModel>>;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (error: unknown) {
    await llama.dispose();
    throw new UserError('invalid_input', `${modelPath} is not a GGUF model llama.cpp can load`, {
      cause: error,
    });
  }
  let context: Awaited<ReturnType<typeof model.createContext>>;
  try {
    context = await model.createContext({ contextSize: wantedContext, threads, sequences: 1 });
  } catch (error: unknown) {
    await model.dispose();
    await llama.dispose();
    throw new OperationalError(
      'unavailable',
      `cannot make a ${wantedContext}-token context for ${modelPath}`,
      {
        cause: error,
      },
    );
  }
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const contextSize = context.contextSize;
  const name = basename(modelPath);
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  let tail: Promise<unknown> = Promise.resolve();
  let open = true;

  const grammarFor = (reply: ReplyGrammar): Promise<LlamaGrammar> => {
    const key = JSON.stringify(reply.schema);
    let grammar = grammars.get(key);
    if (grammar === undefined) {
      // the schema was built by reply-grammar.ts in the grammar's subset
      grammar = llama.createGrammarForJsonSchema(
        reply.schema as Parameters<typeof llama.createGrammarForJsonSchema>[0],
      );
      grammar.catch(() => grammars.delete(key));
      if (grammars.size > 64) grammars.clear();
      grammars.set(key, grammar);
    }
    return grammar;
  };

  const countTokens = (history: ChatHistoryItem[]): number =>
    chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer)
      .length;

  async function generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    if (signal.aborted) return cancelledBeforeStart();
    const tools = request.toolChoice === 'none' ? [] : (request.tools ?? []);
    const required = request.toolChoice === 'required';
    if (required && tools.length === 0) {
      throw new UserError('invalid_input', 'toolChoice "required" needs at least one tool');
    }
    const reply =
      tools.length > 0
        ? toolReplyGrammar({ tools, required, responseSchema: request.responseSchema })
        : request.responseSchema !== undefined
          ? responseGrammar(request.responseSchema)
          : undefined;
    const instructions = tools.length > 0 ? describeTools(tools, required) : undefined;
    const fitted = fitToContext({
      messages: request.messages,
      instructions,
      contextSize,
      replyTokens: Math.min(request.maxTokens ?? DEFAULT_REPLY_TOKENS, Math.floor(contextSize / 2)),
      countTokens,
    });
    const grammar = reply === undefined ? undefined : await grammarFor(reply);
    const answer =
      tools.length > 0 && request.onText !== undefined ? new AnswerStream(request.onText) : undefined;
    let streamed = '';
    let completionTokens = 0;
    // Never let generation reach the end of the context: node-llama-cpp would then shift it, silently
    // dropping the start of the conversation in the middle of a reply.
    const room = contextSize - fitted.promptTokens - 1;
    const maxTokens = Math.max(1, Math.min(request.maxTokens ?? room, room));
    let response: LlamaChatResponse | undefined;
    try {
      response = await chat.generateResponse(fitted.history, {
        ...(grammar !== undefined && { grammar }),
        maxTokens,
        temperature: request.temperature ?? 0,
        signal,
        stopOnAbortSignal: true,
        onToken: (tokens) => (completionTokens += tokens.length),
        onTextChunk: (text) => {
          streamed += text;
          if (answer !== undefined) answer.push(text);
          else if (tools.length === 0) request.onText?.(text);
        },
      });
    } catch (error: unknown) {
      if (!signal.aborted) {
        throw new OperationalError('unavailable', `the local model ${name} failed while generating`, {
          cause: error,
        });
      }
    }
    const raw = response?.response ?? streamed;
    const stop = response?.metadata.stopReason ?? 'abort';
    const base = {
      usage: { promptTokens: fitted.promptTokens, completionTokens },
      model: name,
      ...(fitted.notes.length + (reply?.notes.length ?? 0) > 0 && {
        notes: [...fitted.notes, ...(reply?.notes ?? [])],
      }),
    };
    if (stop === 'abort' || stop === 'maxTokens') {
      const finishReason = stop === 'abort' ? 'cancelled' : 'length';
      // An unfinished envelope cannot be parsed: keep the answer text it had reached, if any.
      const text = tools.length > 0 ? answerTextOf(raw) : raw;
      return { ...base, text, toolCalls: [], finishReason };
    }
    if (tools.length === 0) return { ...base, text: raw, toolCalls: [], finishReason: 'stop' };
    return { ...base, ...readEnvelope(raw, tools, request.responseSchema) };
  }

  function cancelledBeforeStart(): ChatResult {
    return {
      text: '',
      toolCalls: [],
      finishReason: 'cancelled',
      usage: { promptTokens: 0, completionTokens: 0 },
      model: name,
    };
  }

  return {
    kind: 'llama-cpp',
    model: name,
    contextSize,
    async chat(request: ChatRequest): Promise<ChatResult> {
      if (!open) throw new OperationalError('unavailable', `the local model ${name} is closed`);
      const controller = new AbortController();
      const abort = () => controller.abort();
      request.signal?.addEventListener('abort', abort, { once: true });
      if (request.signal?.aborted === true) abort();
      let timedOut = false;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              abort();
            }, timeoutMs);
      try {
        // One sequence: chats run one after another, in the order they came.
        const run = tail.then(() => generate(request, controller.signal));
        tail = run.catch(() => undefined);
        const result = await run;
        if (timedOut) {
          throw new OperationalError(
            'timeout',
            `no reply from the local model ${name} within ${timeoutMs} ms`,
            {
              details: { partialText: result.text },
            },
          );
        }
        return result;
      } finally {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', abort);
      }
    },
    async [Symbol.asyncDispose](): Promise<void> {
      if (!open) return;
      open = false;
      await tail;
      chat.dispose();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** Reads `{"answer": …}` or `{"tool": …, "arguments": …}`, written under the envelope grammar. */
function readEnvelope(
  raw: string,
  tools: NonNullable<ChatRequest['tools']>,
  responseSchema: ChatRequest['responseSchema'],
): Pick<ChatResult, 'text' | 'toolCalls' | 'finishReason'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error: unknown) {
    throw new OperationalError(
      'unavailable',
      `the model's reply is not the JSON its grammar allows: ${raw.slice(0, 200)}`,
      {
        cause: error,
      },
    );
  }
  const envelope = parsed as { answer?: unknown; tool?: unknown; arguments?: unknown };
  if (typeof envelope.tool === 'string') {
    const tool = tools.find((t) => t.name === envelope.tool);
    const call: ToolCall = {
      id: `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
      name: envelope.tool,
      arguments: dropOmittedNulls(envelope.arguments ?? {}, tool?.parameters),
    };
    return { text: '', toolCalls: [call], finishReason: 'tool_calls' };
  }
  const value = envelope.answer;
  const text =
    typeof value === 'string' && responseSchema === undefined
      ? value
      : JSON.stringify(dropOmittedNulls(value, responseSchema));
  return { text, toolCalls: [], finishReason: 'stop' };
}

/**
 * The messages as node-llama-cpp's chat history, with the oldest turns dropped when the prompt and `replyTokens`
 * would not fit. System messages (and the tool instructions) are always kept, merged into one leading system
 * turn; so is everything from the last user message on. Fails with `invalid_input` when even that does not fit.
 */
export function fitToContext(options: {
  readonly messages: readonly ChatMessage[];
  readonly instructions: string | undefined;
  readonly contextSize: number;
  readonly replyTokens: number;
  readonly countTokens: (history: ChatHistoryItem[]) => number;
}): { history: ChatHistoryItem[]; promptTokens: number; notes: string[] } {
  const { messages, contextSize, replyTokens, countTokens } = options;
  const system = [...messages.flatMap((m) => (m.role === 'system' ? [m.content] : [])), options.instructions]
    .filter((s): s is string => s !== undefined && s !== '')
    .join('\n\n');
  const turns = messages.filter((m) => m.role !== 'system');
  const lastUser = turns.findLastIndex((m) => m.role === 'user');
  const keepFrom = Math.max(0, lastUser);
  let from = 0;
  for (;;) {
    const history = toHistory(system, turns.slice(from));
    const promptTokens = countTokens(history);
    if (promptTokens + replyTokens <= contextSize) {
      const notes =
        from === 0
          ? []
          : [`dropped the ${from} oldest message(s) to fit the model's ${contextSize}-token context`];
      return { history, promptTokens, notes };
    }
    if (from >= keepFrom) {
      throw new UserError(
        'invalid_input',
        `the prompt needs ${promptTokens} tokens with the last user message alone, and the reply ${replyTokens} ` +
          `more, but the model's context holds ${contextSize}: shorten the message or the system prompt`,
        { details: { promptTokens, replyTokens, contextSize } },
      );
    }
    // drop one message, then whatever would start the history mid-exchange (an answer or tool result)
    from += 1;
    while (from < keepFrom && turns[from]?.role !== 'user') from += 1;
  }
}

/** One system turn, then user and model turns; tool calls and results are written as text the model can read. */
function toHistory(system: string, turns: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = system === '' ? [] : [{ type: 'system', text: system }];
  const push = (item: { type: 'user'; text: string } | { type: 'model'; text: string }) => {
    const last = history.at(-1);
    if (item.type === 'user' && last?.type === 'user') last.text += `\n\n${item.text}`;
    else if (item.type === 'model' && last?.type === 'model') last.response.push(`\n${item.text}`);
    else if (item.type === 'user') history.push({ type: 'user', text: item.text });
    else history.push({ type: 'model', response: [item.text] });
  };
  for (const m of turns) {
    if (m.role === 'user') push({ type: 'user', text: m.content });
    else if (m.role === 'tool') {
      push({ type: 'user', text: `Result of tool ${m.name} (call ${m.toolCallId}), as data:\n${m.content}` });
    } else if (m.role === 'assistant') {
      const calls = (m.toolCalls ?? []).map((c) => JSON.stringify({ tool: c.name, arguments: c.arguments }));
      push({ type: 'model', text: [m.content, ...calls].filter((s) => s !== '').join('\n') });
    }
  }
  // the reply to generate
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
