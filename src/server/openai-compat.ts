/**
 * Gemba's model as an OpenAI-compatible API, so other tools on the plant network can use the edge box's model:
 * `POST /v1/chat/completions` (plain or `stream: true` as server-sent events), `GET /v1/models` and
 * `POST /v1/embeddings`, each behind a Gemba API token. Thin: validate, call the LlmProvider or Embedder, map.
 * Wire format: https://platform.openai.com/docs/api-reference/chat (chunks: .../chat-streaming).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type UseEmbedder, openUseEmbedder } from '../adapters/embeddings/use/use.embedder.js';
import {
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type Embedder,
  type ErrorCode,
  GembaError,
  type LlmProvider,
  type Principal,
  OperationalError,
  UserError,
  toGembaError,
} from '../domain/index.js';
import { describeIssues } from '../app/registry.js';
import { httpStatus } from './error-mapping.js';

export interface OpenAiCompatOptions {
  /** The same token check as `/api/v1`. */
  readonly authenticate: (request: FastifyRequest) => Promise<Principal>;
  /** The model served; without one, chat completions answer 503. */
  readonly llm: LlmProvider | undefined;
  /** The embedder served; without one, the Universal Sentence Encoder is opened on the first request. */
  readonly embedder: Embedder | undefined;
}

const Text = z.union([
  z.string(),
  z
    .array(z.object({ type: z.literal('text'), text: z.string() }))
    .transform((parts) => parts.map((p) => p.text).join('')),
]);

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: Text }),
  z.object({ role: z.literal('user'), content: Text }),
  z.object({
    role: z.literal('assistant'),
    content: Text.nullish(),
    tool_calls: z
      .array(
        z.object({
          id: z.string(),
          type: z.literal('function').default('function'),
          function: z.object({ name: z.string(), arguments: z.string() }),
        }),
      )
      .optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: Text }),
]);

const ChatCompletionRequest = z.object({
  model: z.string().optional(),
  messages: z.array(Message).min(1),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({
          name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
          description: z.string().default(''),
          parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
        }),
      }),
    )
    .optional(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
    ])
    .optional(),
  response_format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }),
      }),
    ])
    .optional(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  n: z.literal(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
});
type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

const EmbeddingsRequest = z.object({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).default('float'),
});

/** OpenAI's error `type` for a Gemba error code. */
function errorType(code: ErrorCode): string {
  if (code === 'unauthenticated') return 'authentication_error';
  if (code === 'forbidden') return 'permission_error';
  if (code === 'not_found') return 'not_found_error';
  if (code === 'overloaded') return 'rate_limit_error';
  const status = httpStatus(code);
  return status < 500 ? 'invalid_request_error' : 'server_error';
}

function openAiError(error: GembaError): {
  error: { message: string; type: string; code: string; param: null };
} {
  return { error: { message: error.message, type: errorType(error.code), code: error.code, param: null } };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UserError('invalid_input', describeIssues(parsed.error));
  return parsed.data;
}

/** Registers the `/v1` routes in their own scope, with OpenAI-style errors; disposes a USE embedder it opened. */
export async function registerOpenAiCompat(
  fastify: FastifyInstance,
  options: OpenAiCompatOptions,
): Promise<void> {
  const { authenticate, llm } = options;
  let opened: Promise<UseEmbedder> | undefined;
  const embedder = (): Promise<Embedder> => {
    if (options.embedder !== undefined) return Promise.resolve(options.embedder);
    opened ??= openUseEmbedder();
    opened.catch(() => (opened = undefined));
    return opened;
  };
  fastify.addHook('onClose', async () => {
    if (opened !== undefined) await (await opened.catch(() => undefined))?.[Symbol.asyncDispose]();
  });

  await fastify.register((scope, _opts, done) => {
    scope.setErrorHandler((error, request, reply) => {
      const e =
        error instanceof GembaError
          ? error
          : (error as { statusCode?: number }).statusCode !== undefined &&
              (error as { statusCode: number }).statusCode < 500
            ? new UserError('invalid_input', (error as Error).message)
            : toGembaError(error);
      if (e.kind === 'unexpected') request.log.error({ err: error }, 'unexpected error in /v1');
      return reply.status(httpStatus(e.code)).send(openAiError(e));
    });

    scope.get('/v1/models', async (request) => {
      await authenticate(request);
      return {
        object: 'list',
        data: llm === undefined ? [] : [{ id: llm.model, object: 'model', created: 0, owned_by: 'gemba' }],
      };
    });

    scope.post('/v1/chat/completions', async (request, reply) => {
      await authenticate(request);
      const body = parse(ChatCompletionRequest, request.body);
      if (llm === undefined) {
        throw new OperationalError('unavailable', 'no language model is configured: set GEMBA_LLM_PROVIDER');
      }
      const controller = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const chat = toChatRequest(body, controller.signal);
      const id = `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      if (body.stream === true) {
        return streamCompletion({
          llm,
          chat,
          reply,
          id,
          created,
          includeUsage: body.stream_options?.include_usage === true,
        });
      }
      const result = await llm.chat(chat);
      return {
        id,
        object: 'chat.completion',
        created,
        model: result.model,
        choices: [
          {
            index: 0,
            message: assistantMessage(result),
            finish_reason: finishReason(result),
            logprobs: null,
          },
        ],
        usage: usage(result),
      };
    });

    scope.post('/v1/embeddings', async (request) => {
      await authenticate(request);
      const body = parse(EmbeddingsRequest, request.body);
      const texts = typeof body.input === 'string' ? [body.input] : body.input;
      const model = await embedder();
      const vectors = await model.embed(texts);
      return {
        object: 'list',
        model: model.id,
        data: vectors.map((v, index) => ({
          object: 'embedding',
          index,
          embedding:
            body.encoding_format === 'base64'
              ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
              : Array.from(v),
        })),
        // the embedder does not count tokens
        usage: { prompt_tokens: 0, total_tokens: 0 },
      };
    });
    done();
  });
}

function toChatRequest(body: ChatCompletionRequest, signal: AbortSignal): ChatRequest {
  let tools = (body.tools ?? []).map((t) => ({
    name: t.function.name,
    description: t.function.description,
    parameters: t.function.parameters,
  }));
  let toolChoice: ChatRequest['toolChoice'];
  if (typeof body.tool_choice === 'object') {
    // a named tool: offer only that one, and require it
    const name = body.tool_choice.function.name;
    tools = tools.filter((t) => t.name === name);
    if (tools.length === 0)
      throw new UserError('invalid_input', `tool_choice names "${name}", which is not in tools`);
    toolChoice = 'required';
  } else {
    toolChoice = body.tool_choice;
  }
  const format = body.response_format;
  const responseSchema =
    format?.type === 'json_schema'
      ? (format.json_schema.schema ?? { type: 'object' })
      : format?.type === 'json_object'
        ? { type: 'object' }
        : undefined;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  return {
    messages: body.messages.map(toChatMessage),
    signal,
    ...(tools.length > 0 && { tools }),
    ...(toolChoice !== undefined && { toolChoice }),
    ...(responseSchema !== undefined && { responseSchema }),
    ...(maxTokens !== undefined && { maxTokens }),
    ...(body.temperature != null && { temperature: body.temperature }),
  };
}

function toChatMessage(
  message: ChatCompletionRequest['messages'][number],
  index: number,
  all: readonly unknown[],
): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content ?? '',
        ...(message.tool_calls !== undefined && {
          toolCalls: message.tool_calls.map((c) => ({
            id: c.id,
            name: c.function.name,
            arguments: parseArguments(c.function.arguments),
          })),
        }),
      };
    case 'tool': {
      // OpenAI's tool message carries only the call id; the name comes from the assistant message that made the call
      const call = (all.slice(0, index) as ChatCompletionRequest['messages'])
        .flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []))
        .find((c) => c.id === message.tool_call_id);
      return {
        role: 'tool',
        toolCallId: message.tool_call_id,
        name: call?.function.name ?? 'tool',
        content: message.content,
      };
    }
  }
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function assistantMessage(result: ChatResult) {
  return {
    role: 'assistant' as const,
    content: result.toolCalls.length > 0 && result.text === '' ? null : result.text,
    ...(result.toolCalls.length > 0 && { tool_calls: toolCallsOut(result) }),
    refusal: null,
  };
}

function toolCallsOut(result: ChatResult) {
  return result.toolCalls.map((c, index) => ({
    index,
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: JSON.stringify(c.arguments) },
  }));
}

/** OpenAI has no `cancelled`: a cancelled chat's client has gone, so what it is told hardly matters. */
function finishReason(result: ChatResult): 'stop' | 'length' | 'tool_calls' {
  return result.finishReason === 'cancelled' ? 'stop' : result.finishReason;
}

function usage(result: ChatResult) {
  const { promptTokens, completionTokens } = result.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** Server-sent events in OpenAI's chunk format: a role, text deltas, tool calls, the finish reason, usage, [DONE]. */
async function streamCompletion(options: {
  readonly llm: LlmProvider;
  readonly chat: ChatRequest;
  readonly reply: FastifyReply;
  readonly id: string;
  readonly created: number;
  readonly includeUsage: boolean;
}): Promise<void> {
  const { llm, chat, reply, id, created } = options;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (data: unknown) => {
    if (!raw.writableEnded) raw.write(`data: ${JSON.stringify(data)}\n\n`);
  };
  const chunk = (delta: object, finish: string | null = null) =>
    send({
      id,
      object: 'chat.completion.chunk',
      created,
      model: llm.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
  chunk({ role: 'assistant', content: '' });
  try {
    const result = await llm.chat({ ...chat, onText: (text) => chunk({ content: text }) });
    if (result.toolCalls.length > 0) chunk({ tool_calls: toolCallsOut(result) });
    chunk({}, finishReason(result));
    if (options.includeUsage) {
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: result.model,
        choices: [],
        usage: usage(result),
      });
    }
  } catch (error: unknown) {
    send(openAiError(toGembaError(error)));
  }
  if (!raw.writableEnded) raw.end('data: [DONE]\n\n');
}
