/**
 * The Ask page, the pure part: the wire shape of /api/v1/assistant/ask (mirroring the output of
 * src/app/operations/assistant.ts), the answer text as paragraphs and lists, each source as a link into the plant
 * view or the Supply page (the addresses main.ts reads from the fragment), and how an answer was reached. No DOM here.
 */
import * as z from 'zod/mini';

// As in model.ts: optional fields accept null too, and the mode and intent stay open strings, so a newer server's
// value shows as itself instead of blanking the answer.
const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

/** What an answer rests on: the operation that produced it and the asset, tag, item, window or record. */
export const Citation = z.object({
  source: z.string(),
  asset: optionalString,
  tag: optionalString,
  item: optionalString,
  from: optionalNumber,
  to: optionalNumber,
  /** The time of a single reading. */
  at: optionalNumber,
  /** A record: a forecast, work order, event or proposal id. */
  ref: optionalString,
  /** A document passage: the document, its heading path, page and position. */
  document: optionalString,
  section: optionalString,
  page: optionalNumber,
  passage: optionalNumber,
  model: optionalString,
  version: optionalNumber,
  label: z.string(),
});
export type Citation = z.infer<typeof Citation>;

export const ToolCall = z.object({
  name: z.string(),
  input: z.unknown(),
  ok: z.boolean(),
  ms: z.number(),
  error: optionalString,
});
export type ToolCall = z.infer<typeof ToolCall>;

export const AssistantAnswer = z.object({
  question: z.string(),
  answer: z.string(),
  /** 'router' (no language model) or 'model'. */
  mode: z.string(),
  /** The language model that answered, in mode 'model'. */
  model: optionalString,
  intent: optionalString,
  /** Similarity of the question to the chosen intent's examples, 0…1. */
  confidence: z.number(),
  citations: z.array(Citation),
  toolCalls: z.array(ToolCall),
  /** A change to the plant, or a question outside what the assistant knows. */
  declined: z.boolean(),
  /** Changes asked for, waiting for a person's approval. */
  proposals: z.nullish(z.array(z.object({ id: z.string(), operation: z.string(), summary: z.string() }))),
  /** Figures the model wrote that no tool returned, masked as [?] in the answer. */
  ungrounded: z.nullish(z.array(z.string())),
  notes: z.nullish(z.array(z.string())),
});
export type AssistantAnswer = z.infer<typeof AssistantAnswer>;

/** Offered as chips while the transcript is empty: one per kind of question the router answers. */
export const EXAMPLE_QUESTIONS = [
  'What is the oil temperature on press 3 right now?',
  'Why did press 3 stop today?',
  'Which alarms are active?',
  'What is the demand forecast for bracket A?',
] as const;

/** The server's bound on a question (assistant.ask's input schema). */
export const MAX_QUESTION_LENGTH = 2000;

/** A block of an answer: a paragraph, or the items of a list the server wrote as "- " lines. */
export type AnswerBlock =
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] };

/**
 * An answer's text as blocks: consecutive "- " lines make one list, other lines are paragraphs of their own; blank
 * lines only separate.
 * @example answerBlocks('2 alarms are active:\n- Press 3: OIL_HOT\n- Mill 1: VIB')
 * // [{ kind: 'paragraph', text: '2 alarms are active:' }, { kind: 'list', items: ['Press 3: OIL_HOT', 'Mill 1: VIB'] }]
 */
export function answerBlocks(text: string): AnswerBlock[] {
  const blocks: AnswerBlock[] = [];
  let list: string[] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const item = /^[-•*]\s+(.*)$/.exec(line)?.[1];
    if (item !== undefined) {
      if (!list) {
        list = [];
        blocks.push({ kind: 'list', items: list });
      }
      list.push(item);
      continue;
    }
    list = undefined;
    if (line) blocks.push({ kind: 'paragraph', text: line });
  }
  return blocks;
}

/** A time window of the plant view's trend: it always ends now (trend-chart.ts WINDOWS). */
export interface TrendWindow {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
}

/** Context shown before a single reading, so the link shows the reading and what led to it. */
export const READING_CONTEXT_MS = 5 * 60_000;

/**
 * The shortest trend window (they all end now) that reaches back to `since`; the longest when none does.
 * @example trendWindowSince(now - 20 * 60_000, now, WINDOWS)?.id // '1h'
 */
export function trendWindowSince<W extends TrendWindow>(
  since: number,
  now: number,
  windows: readonly W[],
): W | undefined {
  const sorted = [...windows].sort((a, b) => a.ms - b.ms);
  return sorted.find((w) => w.ms >= now - since) ?? sorted.at(-1);
}

/** A source as the page shows it: a link into another view, or its label alone. */
export interface SourceLink {
  readonly label: string;
  /** The dashboard address (a fragment) that shows the source; absent when there is no view for it. */
  readonly href?: string;
  /** What following the link shows, for its tooltip. */
  readonly title?: string;
  readonly kind: 'trend' | 'item' | 'document' | 'proposal' | 'text';
}

/**
 * Where a source can be seen: a tag's trend in the plant view over the cited window (the window reaching back to
 * `from`, or to a little before the reading at `at`), an item in the Supply page; else the label alone. The
 * addresses are the fragments session.ts reads (`#asset=…&tag=…&window=…`, `#view=supply&item=…`).
 * @example sourceLink({ source: 'samples.latest', tag: 'line1/press3/oil_temp', at: now - 2_000, label: '…' },
 *   { now, windows: WINDOWS }).href // '#asset=line1/press3&tag=line1/press3/oil_temp&window=15m'
 */
export function sourceLink(
  citation: Citation,
  context: { readonly now: number; readonly windows: readonly TrendWindow[] },
): SourceLink {
  const { label, tag, item } = citation;
  if (tag) {
    const asset = citation.asset || parentPath(tag);
    const since = citation.from ?? (citation.at != null ? citation.at - READING_CONTEXT_MS : undefined);
    const window = since != null ? trendWindowSince(since, context.now, context.windows) : undefined;
    return {
      label,
      kind: 'trend',
      href: fragment({ asset, tag, window: window?.id }),
      title: `Open the trend of ${tag}${window ? ` over the last ${window.label}` : ''}`,
    };
  }
  if (item) {
    return { label, kind: 'item', href: fragment({ view: 'supply', item }), title: `Open ${item} in Supply` };
  }
  if (citation.document) {
    return {
      label,
      kind: 'document',
      href: fragment({
        view: 'documents',
        doc: citation.document,
        chunk: citation.passage != null ? String(citation.passage) : undefined,
      }),
      title: `Open ${citation.document}${citation.page != null ? ` at page ${citation.page}` : ''} in Documents`,
    };
  }
  if (citation.ref && /^PR-\d+$/.test(citation.ref)) {
    return {
      label,
      kind: 'proposal',
      href: fragment({ view: 'approvals', proposal: citation.ref }),
      title: `Open proposal ${citation.ref} in Approvals`,
    };
  }
  return { label, kind: 'text' };
}

function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0 ? path.slice(0, slash) : path;
}

/** Like session.ts writeFragment: slashes kept, so asset paths read in the address bar. */
function fragment(params: Readonly<Record<string, string | null | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return `#${search.toString().replaceAll('%2F', '/')}`;
}

/**
 * A tool call in one line: its name, how long it took, whether it answered (and why not).
 * @example toolCallText({ name: 'samples.latest', input: {}, ok: true, ms: 12 }) // 'samples.latest · 12 ms · ok'
 */
export function toolCallText(call: ToolCall): string {
  const outcome = call.ok ? 'ok' : `failed${call.error ? `: ${call.error}` : ''}`;
  return `${call.name} · ${Math.round(call.ms).toLocaleString('en-US')} ms · ${outcome}`;
}

/**
 * The disclosure's summary: how many tools were called and how sure the router was of the question.
 * @example howAnsweredText({ ...answer, toolCalls: [a, b], confidence: 0.873 }) // '2 tool calls · confidence 87 %'
 */
export function howAnsweredText(
  answer: Pick<AssistantAnswer, 'toolCalls' | 'confidence' | 'mode' | 'model'>,
): string {
  const n = answer.toolCalls.length;
  const calls = n === 0 ? 'no tool calls' : `${n} tool call${n === 1 ? '' : 's'}`;
  if (answer.mode === 'model') return `${calls} · model ${answer.model ?? 'unknown'}`;
  return `${calls} · confidence ${confidenceText(answer.confidence)}`;
}

/** 0…1 as a whole percentage, clamped. */
export function confidenceText(confidence: number): string {
  return `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)} %`;
}

/** The question to send, trimmed; undefined when there is none or it is over the server's bound. */
export function questionToSend(text: string): string | undefined {
  const question = text.trim();
  return question && question.length <= MAX_QUESTION_LENGTH ? question : undefined;
}

/** What the assistant reports while it works (POST /api/v1/assistant/ask/stream). */
export type AssistantProgress =
  | { readonly type: 'tool'; readonly name: string }
  | { readonly type: 'tool_result'; readonly name: string; readonly ok: boolean; readonly ms: number }
  | { readonly type: 'text'; readonly delta: string };

/** One server-sent event: its name and its JSON data. */
export interface ServerEvent {
  readonly event: string;
  readonly data: unknown;
}

/**
 * The complete server-sent events at the start of `buffer`, and what is left of it (an event still arriving).
 * Events are blocks of `event:` and `data:` lines ended by a blank line; a block whose data is not JSON is skipped.
 * @example readServerEvents('event: tool\ndata: {"name":"samples.latest"}\n\nevent: te')
 * // { events: [{ event: 'tool', data: { name: 'samples.latest' } }], rest: 'event: te' }
 */
export function readServerEvents(buffer: string): { events: ServerEvent[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: ServerEvent[] = [];
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) continue;
    try {
      events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
    } catch {
      // Not JSON: not one of the assistant's events.
    }
  }
  return { events, rest };
}

/**
 * A line of progress while the answer is on its way.
 * @example progressText({ type: 'tool_result', name: 'samples.latest', ok: true, ms: 12 }) // 'samples.latest ✓ 12 ms'
 */
export function progressText(event: AssistantProgress): string | undefined {
  if (event.type === 'tool') return `${event.name} …`;
  if (event.type === 'tool_result') return `${event.name} ${event.ok ? '✓' : '✗'} ${Math.round(event.ms)} ms`;
  return undefined;
}
