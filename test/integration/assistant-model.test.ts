/**
 * The assistant with a language model, end to end on the demo plant: the local-model path (node-llama-cpp on the
 * stories260K fixture) and the OpenAI-compatible path (the official client against Gemba's own `/v1`, which serves
 * the same fixture). The fixture writes children's stories, not plant answers, so these tests check what the
 * platform guarantees whatever the model writes: only offered, permitted, read-only tools run (as the asking user);
 * a change is at most a pending proposal; every figure left in the answer is one a tool returned; sources are
 * cited from the tool calls.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUseEmbedder } from '../../src/adapters/embeddings/use/use.embedder.js';
import { createLlamaCppProvider } from '../../src/adapters/llm/llama-cpp/llama-cpp.provider.js';
import { createOpenAiProvider } from '../../src/adapters/llm/openai/openai.provider.js';
import { isReadOnly } from '../../src/app/operation.js';
import type { App } from '../../src/app/registry.js';
import { type Embedder, type LlmProvider, type Principal, roleAtLeast } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { type TestPlatform, startTestPlatform, tempDir } from '../helpers/platform.js';

const MODEL = fileURLToPath(new URL('../fixtures/models/stories260K.gguf', import.meta.url));
const START = Date.parse('2026-06-08T06:00:00Z');
const viewer: Principal = { id: 'u-vera', name: 'vera', role: 'viewer' };

interface Answer {
  answer: string;
  mode: string;
  model?: string;
  citations: { source: string; label: string }[];
  toolCalls: { name: string; ok: boolean; error?: string }[];
  proposals?: { id: string; operation: string }[];
  ungrounded?: string[];
  notes?: string[];
}

/** A demo plant with `llm` as its model; returns the app and how to close it. */
async function demoWith(llm: LlmProvider | undefined, dataDir: string, embedder?: Embedder) {
  let now = START;
  const core = await openCore({
    dataDir,
    ingest: loadConfig({}).ingest,
    clock: { now: () => now },
    rescheduleTimeLimitMs: 200,
    ...(llm !== undefined && { llm }),
    ...(embedder !== undefined && { embedder }),
  });
  await setupDemoPlant(core.app, SYSTEM_PRINCIPAL);
  await runDemoHours(core.app, { seed: 3, start: START, hours: 1, meanShiftMeanIntervalS: 3600 });
  now = START + 3_600_000;
  return core;
}

/** What the platform promises about a model's answer, whatever the model wrote. */
async function expectGuarantees(app: App, a: Answer, who: Principal): Promise<void> {
  expect(a.mode).toBe('model');
  for (const call of a.toolCalls.filter((c) => c.ok)) {
    const op = app.operation(call.name);
    // Ran: so it is an operation the asking user may call, read-only, or filed as a proposal.
    expect(roleAtLeast(who.role, op.permission) || !isReadOnly(op)).toBe(true);
    expect(a.citations.some((c) => c.source === (isReadOnly(op) ? op.name : 'proposals.create'))).toBe(true);
  }
  for (const p of a.proposals ?? []) {
    const stored = (await app.call('proposals.get', { id: p.id }, who)) as { proposal: { status: string } };
    expect(stored.proposal.status).toBe('pending');
  }
  // A masked figure is reported, and only masked figures are.
  expect((a.ungrounded ?? []).length > 0).toBe(a.answer.includes('[?]'));
  const audit = (await app.call('audit.list', { limit: 500 }, SYSTEM_PRINCIPAL)) as {
    entries: { principal: string; operation: string; outcome: string }[];
  };
  const ranAsUser = audit.entries.filter((e) => e.principal.includes(who.id) && e.outcome === 'ok');
  for (const e of ranAsUser) {
    const op = app.operation(e.operation);
    expect(isReadOnly(op) || e.operation === 'proposals.create', e.operation).toBe(true);
  }
}

describe('the assistant on the local model (llama-cpp, stories260K)', () => {
  const dir = tempDir();
  let llm: LlmProvider;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    llm = await createLlamaCppProvider({ modelPath: MODEL, contextSize: 4096 });
    const embedder = await openUseEmbedder();
    const core = await demoWith(llm, dir.path, embedder);
    app = core.app;
    close = async () => {
      await core[Symbol.asyncDispose]();
      await embedder[Symbol.asyncDispose]();
      await llm[Symbol.asyncDispose]();
    };
  }, 240_000);
  afterAll(async () => {
    await close?.();
    dir[Symbol.dispose]();
  });

  it('answers through the model, with only offered read-only tools run as the viewer', async () => {
    const a = (await app.call(
      'assistant.ask',
      { question: 'What is the oil temperature on press 3 right now?', mode: 'model' },
      viewer,
    )) as Answer;
    expect(a.model).toBe('stories260K.gguf');
    expect(a.answer.length).toBeGreaterThan(0);
    await expectGuarantees(app, a, viewer);
  }, 120_000);

  it('turns a requested change into at most a pending proposal: no work order appears', async () => {
    const before = (await app.call('workorders.list', {}, viewer)) as { workOrders: unknown[] };
    const a = (await app.call(
      'assistant.ask',
      { question: 'Create a work order to check the hydraulic pump on press 3', mode: 'model' },
      viewer,
    )) as Answer;
    await expectGuarantees(app, a, viewer);
    const after = (await app.call('workorders.list', {}, viewer)) as { workOrders: unknown[] };
    expect(after.workOrders).toHaveLength(before.workOrders.length);
  }, 120_000);

  it('still answers with the router when asked to (mode router)', async () => {
    const a = (await app.call(
      'assistant.ask',
      { question: 'What is the oil temperature on press 3 right now?', mode: 'router' },
      viewer,
    )) as Answer;
    expect(a.mode).toBe('router');
  });
});

describe('the assistant on an OpenAI-compatible server (Gemba’s own /v1, official client)', () => {
  const dir = tempDir();
  let server: TestPlatform;
  let provider: LlmProvider;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    server = await startTestPlatform({
      GEMBA_MQTT_ENABLED: 'false',
      GEMBA_LLM_PROVIDER: 'llama-cpp',
      GEMBA_LLM_MODEL_PATH: MODEL,
      GEMBA_LLM_CONTEXT_SIZE: '4096',
    });
    provider = createOpenAiProvider({
      baseUrl: server.url,
      model: 'stories260K.gguf',
      ...(server.adminToken !== undefined && { apiKey: server.adminToken }),
      contextSize: 4096,
    });
    const core = await demoWith(provider, dir.path);
    app = core.app;
    close = async () => {
      await core[Symbol.asyncDispose]();
      await provider[Symbol.asyncDispose]();
      await server[Symbol.asyncDispose]();
    };
  }, 240_000);
  afterAll(async () => {
    await close?.();
    dir[Symbol.dispose]();
  });

  it('answers through the remote model with the same guarantees', async () => {
    const a = (await app.call(
      'assistant.ask',
      { question: 'How many work orders are open on press 3?', mode: 'model' },
      viewer,
    )) as Answer;
    expect(a.model).toBe('stories260K.gguf');
    await expectGuarantees(app, a, viewer);
  }, 120_000);

  it('refuses mode model where no model is configured, naming the setting', async () => {
    const bare = tempDir();
    const core = await demoWith(undefined, bare.path);
    try {
      await expect(
        core.app.call('assistant.ask', { question: 'oil temperature on press 3?', mode: 'model' }, viewer),
      ).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining('GEMBA_LLM_PROVIDER'),
      });
    } finally {
      await core[Symbol.asyncDispose]();
      bare[Symbol.dispose]();
    }
  });
});
