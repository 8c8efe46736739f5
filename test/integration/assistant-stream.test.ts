/**
 * The assistant streamed over HTTP (server-sent events) and WebSocket, on a real platform: the tool calls arrive
 * as they happen, then the answer — the same answer `assistant.ask` gives — with errors as events, and the token
 * checked like every other endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestPlatform, seedLine, startTestPlatform } from '../helpers/platform.js';

let p: TestPlatform;
let press: string;
const T0 = Date.parse('2026-06-08T06:00:00Z');

beforeAll(async () => {
  p = await startTestPlatform({ GEMBA_MQTT_ENABLED: 'false' });
  press = await seedLine(p);
  await p.api('/samples', { body: { samples: [{ tag: `${press}/oil_temp`, ts: T0, value: 41.5 }] } });
}, 60_000);
afterAll(async () => {
  await p?.[Symbol.asyncDispose]();
});

/** Server-sent events as `{ event, data }`. */
function parseEvents(text: string): { event: string; data: any }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      return { event, data };
    });
}

const question = 'What is the oil temperature on press3 right now?';

describe('POST /api/v1/assistant/ask/stream', () => {
  it('streams the tool calls, then the same answer assistant.ask gives', async () => {
    const response = await fetch(`${p.url}/api/v1/assistant/ask/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = parseEvents(await response.text());
    const kinds = events.map((e) => e.event);
    expect(kinds.at(-1)).toBe('answer');
    // Each tool call is announced before its result, and the results match the answer's tool calls.
    const calls = events.filter((e) => e.event === 'tool').map((e) => e.data.name);
    const done = events.filter((e) => e.event === 'tool_result').map((e) => e.data.name);
    expect(calls).toEqual(done);
    const answer = events.at(-1)?.data;
    expect(answer.toolCalls.map((c: { name: string }) => c.name)).toEqual(calls);
    expect(calls).toContain('samples.latest');
    expect(answer.answer).toContain('41.5');
    const plain = await p.api('/assistant/ask', { body: { question } });
    // The same sources (the text says how long ago, which moves on between the two calls).
    expect(plain.body.citations).toEqual(answer.citations);
  });

  it('reports bad input as an error event, and refuses a missing token with 401', async () => {
    const bad = await fetch(`${p.url}/api/v1/assistant/ask/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: '' }),
    });
    const events = parseEvents(await bad.text());
    expect(events).toEqual([
      { event: 'error', data: expect.objectContaining({ code: 'invalid_input', status: 400 }) },
    ]);
    const anonymous = await fetch(`${p.url}/api/v1/assistant/ask/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('the assistant WebSocket', () => {
  it('answers questions by id, with their tool calls first, and errors by id', async () => {
    const ws = new WebSocket(`${p.url.replace('http', 'ws')}/api/v1/assistant/ws?token=${p.adminToken}`);
    const messages: any[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8'))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'ask', id: 'q1', question }));
    ws.send(JSON.stringify({ type: 'nonsense', id: 'q2' }));
    await expect.poll(() => messages.filter((m) => m.type === 'answer' || m.type === 'error').length).toBe(2);
    const answer = messages.find((m) => m.type === 'answer');
    expect(answer).toMatchObject({ id: 'q1', answer: { question } });
    expect(answer.answer.answer).toContain('41.5');
    const toolEvents = messages.filter((m) => m.id === 'q1' && m.type === 'tool');
    expect(toolEvents.map((m) => m.name)).toEqual(
      answer.answer.toolCalls.map((c: { name: string }) => c.name),
    );
    expect(messages.indexOf(toolEvents[0])).toBeLessThan(messages.indexOf(answer));
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ id: 'q2', code: 'invalid_input' });
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
  });

  it('closes a socket without a valid token', async () => {
    const ws = new WebSocket(`${p.url.replace('http', 'ws')}/api/v1/assistant/ws?token=wrong`);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });
});
