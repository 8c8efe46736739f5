/**
 * The port for language models: a chat turn in (messages, the tools the model may call, limits), the reply out
 * (text and/or tool calls). Implementations: `src/adapters/llm/llama-cpp` (a local GGUF file through
 * node-llama-cpp) and `src/adapters/llm/openai` (any OpenAI-compatible server: Ollama, vLLM, LM Studio, a cloud
 * API, or another Gemba's `/v1`). The assistant treats whatever the model writes as a proposal to be checked: tool
 * arguments are validated like HTTP input, and numbers in an answer must come from tool results.
 */

/** A JSON Schema object (draft 2020-12 subset: type, properties, required, enum, items, anyOf, description). */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ToolSpec {
  /** The operation name with dots replaced by underscores where a provider needs it (e.g. `query_samples`). */
  readonly name: string;
  readonly description: string;
  /** The arguments' schema (an object schema). */
  readonly parameters: JsonSchema;
}

export interface ToolCall {
  /** The provider's id of this call, echoed in the tool message that answers it. */
  readonly id: string;
  readonly name: string;
  /** The arguments as the model wrote them, parsed from JSON (not yet validated). */
  readonly arguments: unknown;
}

export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  /** Tools the model may call; none → a plain answer. */
  readonly tools?: readonly ToolSpec[];
  /** `auto` (default with tools): answer or call; `required`: must call one; `none`: must answer. */
  readonly toolChoice?: 'auto' | 'required' | 'none';
  /** Constrain a plain answer to this JSON schema (the reply's text is then JSON). */
  readonly responseSchema?: JsonSchema;
  readonly maxTokens?: number;
  /** 0 (default) for repeatable answers. */
  readonly temperature?: number;
  /** Cancels generation; the result then has finishReason `cancelled` and what was generated so far. */
  readonly signal?: AbortSignal;
  /** Each piece of answer text as it is generated (streaming). */
  readonly onText?: (delta: string) => void;
}

export interface ChatResult {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  /** `length`: stopped at maxTokens (or the context filled); `cancelled`: the signal fired. */
  readonly finishReason: 'stop' | 'tool_calls' | 'length' | 'cancelled';
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
  /** Which model answered (file name or server model id), for citations and evaluation reports. */
  readonly model: string;
  /**
   * What the caller should know about how the reply was made, e.g. that the oldest turns were dropped to fit the
   * context, or that a schema was loosened because the provider could not enforce all of it.
   */
  readonly notes?: readonly string[];
}

export interface LlmProvider extends AsyncDisposable {
  /** `llama-cpp` or `openai`. */
  readonly kind: string;
  /** The model: a GGUF file name or the server's model id. */
  readonly model: string;
  /** Tokens of context the model can see (prompt + reply). */
  readonly contextSize: number;
  chat(request: ChatRequest): Promise<ChatResult>;
}
