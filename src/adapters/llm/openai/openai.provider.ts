/**
 * Any server speaking OpenAI's chat completions API (OpenAI, Ollama, vLLM, LM Studio, llama.cpp server, or
 * another Gemba's `/v1`) through the official `openai` client: function tools, tool_choice, json_schema response
 * formats, streaming with tool-call deltas assembled, and cancellation.
 * API reference: https://platform.openai.com/docs/api-reference/chat/create
 */
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { type GembaError, OperationalError, UserError } from '../../../domain/errors.js';
import type { ChatMessage, ChatRequest, ChatResult, LlmProvider, ToolCall } from '../../../domain/llm.js';

export interface OpenAiProviderConfig {
  /** The server, with or without `/v1`, e.g. "http://127.0.0.1:11434" (Ollama) or "https://api.openai.com/v1". */
  readonly baseUrl: string;
  /** The model id the server knows, e.g. "qwen2.5:7b-instruct". */
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; local servers usually need none. */
  readonly apiKey?: string;
  /** Longest a chat may take. Default 300,000 ms. */
  readonly timeoutMs?: number;
  /** Tokens of context the server's model holds (the API does not say). Default 4096. */
  readonly contextSize?: number;
}

type FinishReason = ChatResult['finishReason'];

/**
 * A provider that calls an OpenAI-compatible server; it holds no connection, so disposing it only refuses later chats.
 * @example
 * const llm = createOpenAiProvider({ baseUrl: 'http://127.0.0.1:11434', model: 'qwen2.5:7b-instruct' });
 * const { toolCalls } = await llm.chat({ messages, tools, toolChoice: 'required' });
 */
export function createOpenAiProvider(config: OpenAiProviderConfig): LlmProvider {
  const baseURL = /\/v1\/?$/.test(config.baseUrl)
    ? config.baseUrl.replace(/\/+$/, '')
    : `${config.baseUrl.replace(/\/+$/, '')}/v1`;
  const timeoutMs = config.timeoutMs ?? 300_000;
  // No retries: a retried generation doubles the wait, and the caller knows better whether to try again.
  const client = new OpenAI({
    baseURL,
    apiKey: config.apiKey ?? 'none',
    timeout: timeoutMs,
    maxRetries: 0,
  });
  let open = true;

  async function chat(request: ChatRequest): Promise<ChatResult> {
    if (!open) throw new OperationalError('unavailable', `the provider for ${config.model} is closed`);
    const controller = new AbortController();
    const abort = () => controller.abort();
    request.signal?.addEventListener('abort', abort, { once: true });
    if (request.signal?.aborted === true) abort();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort();
    }, timeoutMs);
    const partial = { text: '' };
    try {
      const params = toParams(config.model, request);
      return request.onText === undefined
        ? await complete(params, controller.signal)
        : await stream(params, controller.signal, request.onText, partial);
    } catch (error: unknown) {
      if (timedOut) {
        throw new OperationalError('timeout', `no reply from ${baseURL} within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      if (error instanceof APIUserAbortError || controller.signal.aborted) {
        return {
          text: partial.text,
          toolCalls: [],
          finishReason: 'cancelled',
          usage: { promptTokens: 0, completionTokens: 0 },
          model: config.model,
        };
      }
      throw toGembaError(error, baseURL);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abort);
    }
  }

  async function complete(params: ChatCompletionCreateParamsBase, signal: AbortSignal): Promise<ChatResult> {
    const completion = await client.chat.completions.create({ ...params, stream: false }, { signal });
    const choice = completion.choices[0];
    if (choice === undefined) throw new OperationalError('unavailable', `${baseURL} answered with no choice`);
    const toolCalls = (choice.message.tool_calls ?? []).flatMap((c) =>
      c.type === 'function' ? [toolCall(c.id, c.function.name, c.function.arguments)] : [],
    );
    return {
      text: choice.message.content ?? '',
      toolCalls,
      finishReason: finishReason(choice.finish_reason, toolCalls),
      usage: {
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
      },
      model: completion.model || config.model,
    };
  }

  async function stream(
    params: ChatCompletionCreateParamsBase,
    signal: AbortSignal,
    onText: (delta: string) => void,
    partial: { text: string },
  ): Promise<ChatResult> {
    const chunks = await client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    const calls: { id: string; name: string; arguments: string }[] = [];
    let finish: ChatCompletionChunk.Choice['finish_reason'] = null;
    let usage = { promptTokens: 0, completionTokens: 0 };
    let model = config.model;
    for await (const chunk of chunks) {
      if (chunk.model) model = chunk.model;
      if (chunk.usage) {
        usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      }
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      const delta = choice.delta.content;
      if (delta) {
        partial.text += delta;
        onText(delta);
      }
      // A tool call arrives in pieces: its id and name first, its arguments' JSON text in any number of parts.
      for (const piece of choice.delta.tool_calls ?? []) {
        const call = (calls[piece.index] ??= { id: '', name: '', arguments: '' });
        call.id ||= piece.id ?? '';
        call.name += piece.function?.name ?? '';
        call.arguments += piece.function?.arguments ?? '';
      }
      finish = choice.finish_reason ?? finish;
    }
    const toolCalls = calls
      .filter((c) => c !== undefined)
      .map((c, i) => toolCall(c.id || `call_${i}`, c.name, c.arguments));
    // the client ends the iteration quietly when the request is aborted mid-stream
    const reason = signal.aborted ? 'cancelled' : finishReason(finish, toolCalls);
    return {
      text: partial.text,
      toolCalls: signal.aborted ? [] : toolCalls,
      finishReason: reason,
      usage,
      model,
    };
  }

  return {
    kind: 'openai',
    model: config.model,
    contextSize: config.contextSize ?? 4096,
    chat,
    [Symbol.asyncDispose](): Promise<void> {
      open = false;
      return Promise.resolve();
    },
  };
}

function toParams(model: string, request: ChatRequest): ChatCompletionCreateParamsBase {
  const tools = request.tools ?? [];
  return {
    model,
    messages: request.messages.map(toMessage),
    temperature: request.temperature ?? 0,
    // max_tokens rather than max_completion_tokens: the compatible servers (vLLM, Ollama, llama.cpp) know it
    ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
    ...(tools.length > 0 && {
      tools: tools.map((t) => ({
        type: 'function' as const,
        function: { name: t.name, description: t.description, parameters: { ...t.parameters } },
      })),
      tool_choice: request.toolChoice ?? 'auto',
    }),
    ...(request.responseSchema !== undefined && {
      response_format: {
        type: 'json_schema' as const,
        json_schema: { name: 'response', schema: { ...request.responseSchema } },
      },
    }),
  };
}

function toMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content === '' && message.toolCalls?.length ? null : message.content,
        ...(message.toolCalls?.length && {
          tool_calls: message.toolCalls.map((c) => ({
            id: c.id,
            type: 'function' as const,
            function: { name: c.name, arguments: JSON.stringify(c.arguments) },
          })),
        }),
      };
  }
}

/** The arguments as parsed JSON; text that is not JSON is kept as it came, for the caller's validation to refuse. */
function toolCall(id: string, name: string, args: string): ToolCall {
  let parsed: unknown = args;
  try {
    parsed = args.trim() === '' ? {} : (JSON.parse(args) as unknown);
  } catch {
    // not JSON: left as the text, see above
  }
  return { id, name, arguments: parsed };
}

function finishReason(reason: string | null, toolCalls: readonly ToolCall[]): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls' || reason === 'function_call' || toolCalls.length > 0) return 'tool_calls';
  return 'stop';
}

function toGembaError(error: unknown, baseURL: string): GembaError {
  if (error instanceof APIConnectionError) {
    return new OperationalError('unavailable', `cannot reach ${baseURL}: ${error.message}`, { cause: error });
  }
  const status: unknown = error instanceof APIError ? error.status : undefined;
  if (error instanceof APIError && typeof status === 'number') {
    const detail = `${baseURL} answered HTTP ${status}: ${error.message}`;
    if (status === 401) return new UserError('unauthenticated', detail, { cause: error });
    if (status === 403) return new UserError('forbidden', detail, { cause: error });
    if (status === 404) return new UserError('not_found', detail, { cause: error });
    if (status === 429) return new OperationalError('overloaded', detail, { cause: error });
    if (status === 408 || status === 504) return new OperationalError('timeout', detail, { cause: error });
    if (status >= 500) return new OperationalError('unavailable', detail, { cause: error });
    return new UserError('invalid_input', detail, { cause: error });
  }
  return new OperationalError('unavailable', `${baseURL} failed: ${String(error)}`, { cause: error });
}
