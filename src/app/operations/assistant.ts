/** `assistant.ask`: a plain-language question about the plant, answered from its data with citations. */
import { z } from 'zod';
import { UnexpectedError, UserError, type LlmProvider } from '../../domain/index.js';
import { type AssistantEvent, ModelAssistant } from '../assistant/agent.js';
import { type AssistantAnswer, INTENT_TOOLS, SemanticRouter } from '../assistant/router.js';
import { type OperationContext, defineOperation } from '../operation.js';
import { proposeChange } from '../proposals.js';

const Citation = z.object({
  source: z.string().meta({ description: 'The operation the figures come from' }),
  asset: z.string().optional(),
  tag: z.string().optional(),
  item: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  at: z.number().optional(),
  ref: z.string().optional().meta({ description: 'A record: forecast, work order, event or proposal id' }),
  document: z.string().optional(),
  section: z.string().optional(),
  page: z.number().optional(),
  passage: z.number().optional().meta({ description: 'The passage’s position in its document' }),
  model: z.string().optional(),
  version: z.number().optional(),
  label: z.string(),
});

const AskInput = z.object({
  question: z.string().trim().min(1).max(2000),
  mode: z
    .enum(['auto', 'router', 'model'])
    .default('auto')
    .meta({ description: 'auto: the configured language model if there is one, else the router' }),
});

export const AskOutput = z.object({
  question: z.string(),
  answer: z.string(),
  mode: z.enum(['router', 'model']),
  model: z.string().optional(),
  intent: z.string().optional(),
  confidence: z.number(),
  citations: z.array(Citation),
  toolCalls: z.array(
    z.object({
      name: z.string(),
      input: z.unknown(),
      ok: z.boolean(),
      ms: z.number(),
      error: z.string().optional(),
    }),
  ),
  declined: z.boolean(),
  proposals: z
    .array(z.object({ id: z.string(), operation: z.string(), summary: z.string() }))
    .optional()
    .meta({ description: 'Changes asked for, waiting for approval (proposals.approve)' }),
  ungrounded: z
    .array(z.string())
    .optional()
    .meta({ description: 'Figures of the model’s answer found in no tool result, masked as [?]' }),
  notes: z.array(z.string()).optional(),
});

const fallbackRouter = new SemanticRouter();
const assistants = new WeakMap<LlmProvider, ModelAssistant>();

/**
 * Answers a question as the context's user: with the configured model (mode auto/model) or the router. Streaming
 * clients get each tool call and piece of model text through `onEvent` (the operation passes its `progress`).
 */
export async function answerQuestion(
  input: z.output<typeof AskInput>,
  ctx: OperationContext,
  onEvent?: (event: AssistantEvent) => void,
): Promise<AssistantAnswer> {
  const { services, invoke, principal } = ctx;
  if (invoke === undefined || ctx.operations === undefined)
    throw new UnexpectedError('assistant.ask needs the App to call its tools');
  const { llm } = services;
  if (input.mode === 'model' && llm === undefined) {
    throw new UserError(
      'invalid_input',
      'mode: no language model is configured (GEMBA_LLM_PROVIDER); ask with mode router or auto',
    );
  }
  const now = services.clock.now();
  if (llm === undefined || input.mode === 'router') {
    const router = services.assistant ?? fallbackRouter;
    // The router's tool calls are reported as they happen too, for a streaming client.
    const reported =
      onEvent === undefined
        ? invoke
        : async (name: string, toolInput: unknown) => {
            onEvent({ type: 'tool', name, input: toolInput });
            const started = performance.now();
            try {
              const output = await invoke(name, toolInput);
              onEvent({ type: 'tool_result', name, ok: true, ms: Math.round(performance.now() - started) });
              return output;
            } catch (error) {
              onEvent({ type: 'tool_result', name, ok: false, ms: Math.round(performance.now() - started) });
              throw error;
            }
          };
    return router.ask(input.question, reported, now);
  }
  let assistant = assistants.get(llm);
  if (assistant === undefined) {
    assistant = new ModelAssistant({
      llm,
      ...(services.embedder !== undefined && { embedder: services.embedder }),
    });
    assistants.set(llm, assistant);
  }
  const operations = ctx.operations();
  // The router's intents, matched on example questions, point the model at the operations that answer them.
  const ranked = await (services.assistant ?? fallbackRouter).rank(input.question);
  const boost = new Map<string, number>();
  for (const { intent, score } of ranked.slice(0, 2)) {
    for (const op of INTENT_TOOLS[intent] ?? []) boost.set(op, Math.max(boost.get(op) ?? 0, score));
  }
  const assets = await services.store.listAssets();
  const equipment = assets.filter((a) => a.level === 'equipment');
  return assistant.ask({
    question: input.question,
    now,
    role: principal.role,
    operations,
    invoke,
    propose: async (request) => {
      const proposal = await proposeChange({ services, operations }, principal, {
        ...request,
        origin: 'assistant',
        question: input.question,
      });
      return { id: proposal.id, operation: proposal.operation, summary: proposal.summary };
    },
    names: assets.map((a) => a.name),
    boost,
    assets: equipment.map((a) => a.path),
    ...(ctx.signal !== undefined && { signal: ctx.signal }),
    ...(onEvent !== undefined && { onEvent }),
  });
}

export const askAssistant = defineOperation({
  name: 'assistant.ask',
  readOnly: true,
  description:
    'Ask a question about the plant in plain language ("what is the oil temperature on press 3 now?", "what ' +
    'failed on press 3 this month?"). Answered from the plant’s own data through the other operations, as the ' +
    'asking user, with the sources of every figure (asset, tag, time window, record, document passage) and the ' +
    'tool calls made. With a language model configured, a request for a change is filed as a proposal that a ' +
    'person with the right role must approve; without one (the router), it is declined.',
  input: AskInput,
  output: AskOutput,
  permission: 'viewer',
  http: { method: 'POST', path: '/assistant/ask' },
  audit: true,
  handler: async (input, ctx) => {
    const { citations, toolCalls, proposals, ungrounded, notes, ...answer } = await answerQuestion(
      input,
      ctx,
      ctx.progress,
    );
    return {
      ...answer,
      citations: [...citations],
      toolCalls: [...toolCalls],
      ...(proposals !== undefined && { proposals: [...proposals] }),
      ...(ungrounded !== undefined && { ungrounded: [...ungrounded] }),
      ...(notes !== undefined && { notes: [...notes] }),
    };
  },
});
