/** `assistant.ask`: a plain-language question about the plant, answered from its data with citations. */
import { z } from 'zod';
import { UnexpectedError } from '../../domain/index.js';
import { SemanticRouter } from '../assistant/router.js';
import { defineOperation } from '../operation.js';

const Citation = z.object({
  source: z.string().meta({ description: 'The operation the figures come from' }),
  asset: z.string().optional(),
  tag: z.string().optional(),
  item: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  at: z.number().optional(),
  ref: z.string().optional().meta({ description: 'A record: forecast, work order or event id' }),
  label: z.string(),
});

const fallbackRouter = new SemanticRouter();

export const askAssistant = defineOperation({
  name: 'assistant.ask',
  readOnly: true,
  description:
    'Ask a question about the plant in plain language ("what is the oil temperature on press 3 now?", "what ' +
    'failed on press 3 this month?"). Answered from the plant’s own data through the other operations, as the ' +
    'asking user, with the sources of every figure (asset, tag, time window, record) and the tool calls made. ' +
    'Read-only: requests to change anything are declined.',
  input: z.object({ question: z.string().trim().min(1).max(2000) }),
  output: z.object({
    question: z.string(),
    answer: z.string(),
    mode: z.enum(['router']),
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
  }),
  permission: 'viewer',
  http: { method: 'POST', path: '/assistant/ask' },
  audit: true,
  handler: async (input, { services, invoke }) => {
    if (invoke === undefined) throw new UnexpectedError('assistant.ask needs the App to call its tools');
    const router = services.assistant ?? fallbackRouter;
    const answer = await router.ask(input.question, invoke, services.clock.now());
    return { ...answer, citations: [...answer.citations], toolCalls: [...answer.toolCalls] };
  },
});
