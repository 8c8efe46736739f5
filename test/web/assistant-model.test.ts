/**
 * The Ask page's pure parts (web/src/assistant-model.ts): the wire shape of assistant.ask, answer text as paragraphs
 * and lists, sources as links into the plant view and the Supply page, and how an answer was reached.
 */
import { describe, expect, it } from 'vitest';
import {
  AssistantAnswer,
  READING_CONTEXT_MS,
  answerBlocks,
  confidenceText,
  howAnsweredText,
  progressText,
  readServerEvents,
  questionToSend,
  sourceLink,
  toolCallText,
  trendWindowSince,
  type Citation,
} from '../../web/src/assistant-model.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.parse('2026-12-01T10:00:00Z');
/**
 * The plant view's windows (web/src/trend-chart.ts WINDOWS; that module needs the DOM, which the root type check
 * leaves out). The e2e test follows a link into the real chart.
 */
const WINDOWS = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 h', ms: HOUR },
  { id: '8h', label: '8 h', ms: 8 * HOUR },
  { id: '24h', label: '24 h', ms: 24 * HOUR },
  { id: '7d', label: '7 d', ms: 7 * 24 * HOUR },
] as const;
const PRESS3 = 'acme/plant1/stamping/line1/press3';
const OIL_TEMP = `${PRESS3}/oil_temp`;
const link = (citation: Citation) => sourceLink(citation, { now: NOW, windows: WINDOWS });

describe('AssistantAnswer (the wire shape of POST /api/v1/assistant/ask)', () => {
  it('accepts the server’s answer with its citations and tool calls', () => {
    const body = {
      question: 'What is the oil temperature on press 3 right now?',
      answer: 'Press 3 oil_temp is 61.2 °C (at 09:59:58 UTC, 2 s ago).',
      mode: 'router',
      intent: 'latest_value',
      confidence: 0.91,
      citations: [
        {
          source: 'samples.latest',
          asset: PRESS3,
          tag: OIL_TEMP,
          at: NOW - 2_000,
          label: `${OIL_TEMP} at …`,
        },
      ],
      toolCalls: [
        { name: 'assets.list', input: {}, ok: true, ms: 3 },
        { name: 'samples.latest', input: { tags: [OIL_TEMP] }, ok: true, ms: 5 },
      ],
      declined: false,
    };
    const parsed = AssistantAnswer.parse(body);
    expect(parsed.citations[0]?.tag).toBe(OIL_TEMP);
    expect(parsed.toolCalls.map((c) => c.name)).toEqual(['assets.list', 'samples.latest']);
  });

  it('accepts a declined answer without an intent, citations or tool calls', () => {
    const parsed = AssistantAnswer.parse({
      question: 'Create a work order for press 3',
      answer: 'I only read the plant’s data; I do not change anything.',
      mode: 'router',
      confidence: 1,
      citations: [],
      toolCalls: [],
      declined: true,
    });
    expect(parsed.declined).toBe(true);
    expect(parsed.intent).toBeUndefined();
  });

  it('refuses a body without the answer or with a citation lacking its label', () => {
    expect(AssistantAnswer.safeParse({ question: 'q', mode: 'router' }).success).toBe(false);
    const base = {
      question: 'q',
      answer: 'a',
      mode: 'router',
      confidence: 1,
      toolCalls: [],
      declined: false,
    };
    expect(AssistantAnswer.safeParse({ ...base, citations: [{ source: 'samples.latest' }] }).success).toBe(
      false,
    );
  });
});

describe('answerBlocks', () => {
  it('reads a one-line answer as one paragraph', () => {
    expect(answerBlocks('No alarms are active (alarm events in the last 7 days).')).toEqual([
      { kind: 'paragraph', text: 'No alarms are active (alarm events in the last 7 days).' },
    ]);
  });

  it('turns consecutive "- " lines into one list after the lead paragraph (the router’s alarm answer)', () => {
    const text =
      '2 alarms are active:\n- Press 3: OIL_HOT (high) since 09:12:00 UTC — oil above 70 °C\n- Mill 1: VIB (low) since 08:00:00 UTC';
    expect(answerBlocks(text)).toEqual([
      { kind: 'paragraph', text: '2 alarms are active:' },
      {
        kind: 'list',
        items: [
          'Press 3: OIL_HOT (high) since 09:12:00 UTC — oil above 70 °C',
          'Mill 1: VIB (low) since 08:00:00 UTC',
        ],
      },
    ]);
  });

  it('starts a new list after a paragraph between lists, and drops blank lines', () => {
    expect(answerBlocks('First:\n- a\n- b\n\nThen:\r\n- c\n')).toEqual([
      { kind: 'paragraph', text: 'First:' },
      { kind: 'list', items: ['a', 'b'] },
      { kind: 'paragraph', text: 'Then:' },
      { kind: 'list', items: ['c'] },
    ]);
  });

  it('keeps a hyphen inside a line, and a "-" without a space, as text', () => {
    expect(answerBlocks('80 % interval 90–140 - roughly\n-5 °C is below range')).toEqual([
      { kind: 'paragraph', text: '80 % interval 90–140 - roughly' },
      { kind: 'paragraph', text: '-5 °C is below range' },
    ]);
  });

  it('gives nothing for an empty answer', () => {
    expect(answerBlocks('')).toEqual([]);
    expect(answerBlocks('\n  \n')).toEqual([]);
  });
});

describe('trendWindowSince', () => {
  it('picks the shortest window that reaches back far enough', () => {
    expect(trendWindowSince(NOW - 10 * MINUTE, NOW, WINDOWS)?.id).toBe('15m');
    expect(trendWindowSince(NOW - 15 * MINUTE, NOW, WINDOWS)?.id).toBe('15m');
    expect(trendWindowSince(NOW - 15 * MINUTE - 1, NOW, WINDOWS)?.id).toBe('1h');
    expect(trendWindowSince(NOW - 2 * HOUR, NOW, WINDOWS)?.id).toBe('8h');
    expect(trendWindowSince(NOW - 3 * 24 * HOUR, NOW, WINDOWS)?.id).toBe('7d');
  });

  it('falls back to the longest window for an older start, whatever the order of the list', () => {
    expect(trendWindowSince(NOW - 30 * 24 * HOUR, NOW, [...WINDOWS].reverse())?.id).toBe('7d');
  });

  it('has none to pick from an empty list', () => {
    expect(trendWindowSince(NOW, NOW, [])).toBeUndefined();
  });
});

describe('sourceLink', () => {
  it('links a reading to its tag’s trend over a window that shows it with some minutes before', () => {
    const reading = {
      source: 'samples.latest',
      asset: PRESS3,
      tag: OIL_TEMP,
      at: NOW - 2_000,
      label: `${OIL_TEMP} at 2026-12-01T09:59:58Z`,
    };
    expect(link(reading)).toEqual({
      label: `${OIL_TEMP} at 2026-12-01T09:59:58Z`,
      kind: 'trend',
      href: `#asset=${PRESS3}&tag=${OIL_TEMP}&window=15m`,
      title: `Open the trend of ${OIL_TEMP} over the last 15 min`,
    });
    // A reading 12 minutes old plus its context no longer fits in 15 minutes.
    expect(link({ ...reading, at: NOW - 12 * MINUTE }).href).toMatch(/&window=1h$/);
    expect(NOW - 12 * MINUTE - READING_CONTEXT_MS).toBeLessThan(NOW - 15 * MINUTE);
  });

  it('links a window’s statistics to the trend reaching back to the window’s start', () => {
    const stats = {
      source: 'samples.buckets',
      asset: PRESS3,
      tag: OIL_TEMP,
      from: NOW - 2 * HOUR,
      to: NOW,
      label: `${OIL_TEMP}, last 2 hours`,
    };
    expect(link(stats).href).toBe(`#asset=${PRESS3}&tag=${OIL_TEMP}&window=8h`);
    expect(link(stats).title).toBe(`Open the trend of ${OIL_TEMP} over the last 8 h`);
  });

  it('takes the asset from the tag’s path when the citation names none, and leaves the window when it has no time', () => {
    expect(link({ source: 'tags.list', tag: OIL_TEMP, label: 'oil_temp' })).toEqual({
      label: 'oil_temp',
      kind: 'trend',
      href: `#asset=${PRESS3}&tag=${OIL_TEMP}`,
      title: `Open the trend of ${OIL_TEMP}`,
    });
  });

  it('escapes what would break the fragment but keeps the slashes readable', () => {
    const odd = 'acme/plant 1/press&3/oil=temp';
    expect(link({ source: 'samples.latest', tag: odd, at: NOW, label: 'x' }).href).toBe(
      '#asset=acme/plant+1/press%263&tag=acme/plant+1/press%263/oil%3Dtemp&window=15m',
    );
  });

  it('links an item to the Supply page with it selected', () => {
    const forecast = {
      source: 'forecasts.list',
      item: 'bracket-A',
      ref: 'f-12',
      from: NOW,
      label: 'forecast f-12 of bracket-A (ETS(A,A,N)) from 2026-12-01T10:00:00Z',
    };
    expect(link(forecast)).toEqual({
      label: forecast.label,
      kind: 'item',
      href: '#view=supply&item=bracket-A',
      title: 'Open bracket-A in Supply',
    });
  });

  it('links a document passage to the Documents view at that passage, and a proposal to Approvals', () => {
    const passage = {
      source: 'documents.search',
      document: 'press-manual',
      section: 'Press manual › 4 Hydraulics',
      page: 12,
      passage: 7,
      label: 'Press manual › 4 Hydraulics › p. 12',
    };
    expect(link(passage)).toEqual({
      label: passage.label,
      kind: 'document',
      href: '#view=documents&doc=press-manual&chunk=7',
      title: 'Open press-manual at page 12 in Documents',
    });
    expect(
      link({ source: 'proposals.create', ref: 'PR-000003', label: 'PR-000003: open a work order' }),
    ).toEqual({
      label: 'PR-000003: open a work order',
      kind: 'proposal',
      href: '#view=approvals&proposal=PR-000003',
      title: 'Open proposal PR-000003 in Approvals',
    });
    // A work-order id is a record, not a proposal: no link.
    expect(link({ source: 'workorders.list', ref: 'WO-000001', label: 'WO-000001' }).kind).toBe('text');
  });

  it('shows other sources as their label alone', () => {
    const events = {
      source: 'events.list',
      asset: PRESS3,
      from: NOW - 24 * HOUR,
      to: NOW,
      label: `machine states of ${PRESS3}, today`,
    };
    expect(link(events)).toEqual({ label: events.label, kind: 'text' });
    expect(
      link({ source: 'workorders.list', label: 'work orders not done or cancelled' }).href,
    ).toBeUndefined();
  });

  it('treats null fields from the wire as absent', () => {
    expect(link({ source: 'events.list', tag: null, item: null, label: 'alarm events' }).kind).toBe('text');
  });
});

describe('how an answer was reached', () => {
  it('writes a tool call as name, duration and outcome', () => {
    expect(toolCallText({ name: 'samples.latest', input: {}, ok: true, ms: 12.4 })).toBe(
      'samples.latest · 12 ms · ok',
    );
    expect(
      toolCallText({
        name: 'inventory.policy',
        input: {},
        ok: false,
        ms: 1_250,
        error: 'no forecast for bracket-Z',
      }),
    ).toBe('inventory.policy · 1,250 ms · failed: no forecast for bracket-Z');
    expect(toolCallText({ name: 'events.list', input: {}, ok: false, ms: 3 })).toBe(
      'events.list · 3 ms · failed',
    );
  });

  it('sums up the calls and the confidence', () => {
    const call = { name: 'assets.list', input: {}, ok: true, ms: 1 };
    const router = { mode: 'router' };
    expect(howAnsweredText({ ...router, toolCalls: [call, call], confidence: 0.873 })).toBe(
      '2 tool calls · confidence 87 %',
    );
    expect(howAnsweredText({ ...router, toolCalls: [call], confidence: 1 })).toBe(
      '1 tool call · confidence 100 %',
    );
    expect(howAnsweredText({ ...router, toolCalls: [], confidence: 0.42 })).toBe(
      'no tool calls · confidence 42 %',
    );
  });

  it('names the model instead of a confidence when a model answered', () => {
    const call = { name: 'samples.latest', input: {}, ok: true, ms: 4 };
    expect(
      howAnsweredText({ mode: 'model', model: 'qwen2.5-7b.gguf', toolCalls: [call], confidence: 1 }),
    ).toBe('1 tool call · model qwen2.5-7b.gguf');
  });

  it('clamps the confidence to 0…100 %', () => {
    expect(confidenceText(1.2)).toBe('100 %');
    expect(confidenceText(-0.1)).toBe('0 %');
    expect(confidenceText(0.605)).toBe('61 %');
  });
});

describe('questionToSend', () => {
  it('trims the question and refuses an empty or over-long one', () => {
    expect(questionToSend('  Which alarms are active?  ')).toBe('Which alarms are active?');
    expect(questionToSend('   ')).toBeUndefined();
    expect(questionToSend('x'.repeat(2000))).toHaveLength(2000);
    expect(questionToSend('x'.repeat(2001))).toBeUndefined();
  });
});

describe('the assistant stream', () => {
  it('reads complete server-sent events and keeps the one still arriving', () => {
    const first = readServerEvents(
      'event: tool\ndata: {"name":"samples.latest","input":{}}\n\nevent: tool_result\r\ndata: {"name":"samples.latest","ok":true,"ms":12}\r\n\nevent: ans',
    );
    expect(first.events).toEqual([
      { event: 'tool', data: { name: 'samples.latest', input: {} } },
      { event: 'tool_result', data: { name: 'samples.latest', ok: true, ms: 12 } },
    ]);
    expect(first.rest).toBe('event: ans');
    const second = readServerEvents(`${first.rest}wer\ndata: {"answer":"41 °C"}\n\n`);
    expect(second).toEqual({ events: [{ event: 'answer', data: { answer: '41 °C' } }], rest: '' });
    // A block without JSON data is not an assistant event.
    expect(readServerEvents(': keep-alive\n\nevent: x\ndata: not json\n\n').events).toEqual([]);
  });

  it('shows a tool call while it runs and how it ended', () => {
    expect(progressText({ type: 'tool', name: 'events.list' })).toBe('events.list …');
    expect(progressText({ type: 'tool_result', name: 'events.list', ok: false, ms: 3.4 })).toBe(
      'events.list ✗ 3 ms',
    );
    expect(progressText({ type: 'text', delta: 'Oil' })).toBeUndefined();
  });
});
