/**
 * `npm run bench -- assistant [--questions FILE] [--hours 4] [--seed 7]`
 * `npm run bench -- assistant --llm-model FILE.gguf [--llm-context 4096] [--every 5]` (a local model)
 * `npm run bench -- assistant --llm-base-url URL --llm-model-id ID [--llm-api-key KEY]` (an OpenAI-compatible one)
 *
 * The assistant scored on the committed question set (bench/data/assistant-questions.json, made by
 * bench/make-assistant-questions.ts; format in docs/assistant-eval.md) over a demo plant run for `hours` simulated
 * hours with a fixed clock, so every run sees the same data: tool choice, argument accuracy, the stated figure
 * against one computed directly through the operations, citations, declining what it must, and latency per
 * question. With no model configured the semantic router answers (sentence encoder: USE lite from npm); with one,
 * the same harness runs unchanged with the model choosing the tools (results in the `assistant-model` section).
 * `--every N` asks every Nth question only (a small CPU model takes seconds per question).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AI4I_CATEGORY, importAi4i } from './ai4i-plant.js';
import { openUseEmbedder } from '../src/adapters/embeddings/use/use.embedder.js';
import { createLlamaCppProvider } from '../src/adapters/llm/llama-cpp/llama-cpp.provider.js';
import { createOpenAiProvider } from '../src/adapters/llm/openai/openai.provider.js';
import { type AssistantAnswer, SemanticRouter } from '../src/app/assistant/router.js';
import { EvalQuestionFile, evaluateAssistant } from '../src/app/assistant/evaluate.js';
import type { LlmProvider, Principal } from '../src/domain/index.js';
import { loadConfig } from '../src/server/config.js';
import { setupDemoPlant } from '../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../src/server/platform.js';
import { runDemoHours } from '../test/helpers/demo-spc.js';
import { tempDir } from '../test/helpers/platform.js';
import { numberFlag, stringFlag, writeResults } from './harness.js';

const START = Date.parse('2026-06-08T06:00:00Z');
const viewer: Principal = { id: 'u-eval', name: 'evaluation', role: 'viewer' };

export async function run(args: string[]): Promise<void> {
  const file = stringFlag(
    args,
    'questions',
    new URL('./data/assistant-questions.json', import.meta.url).pathname,
  );
  const hours = numberFlag(args, 'hours', 4);
  const seed = numberFlag(args, 'seed', 7);
  const every = numberFlag(args, 'every', 1);
  const all = EvalQuestionFile.parse(JSON.parse(await readFile(file, 'utf8'))).questions;
  const ai4iFile = stringFlag(
    args,
    'ai4i',
    new URL('../../shared/data/ai4i2020/ai4i2020.csv', import.meta.url).pathname,
  );
  const withAi4i = existsSync(ai4iFile);
  if (!withAi4i) console.error(`no AI4I 2020 data at ${ai4iFile}: its questions are left out (--ai4i FILE)`);
  const questions = all
    .filter((_q, i) => i % every === 0)
    .filter((q) => withAi4i || q.category !== AI4I_CATEGORY);
  const modelPath = stringFlag(args, 'llm-model', '');
  const baseUrl = stringFlag(args, 'llm-base-url', '');
  const contextSize = numberFlag(args, 'llm-context', 4096);
  const apiKey = stringFlag(args, 'llm-api-key', '');
  let llm: LlmProvider | undefined;
  if (modelPath !== '') llm = await createLlamaCppProvider({ modelPath, contextSize });
  else if (baseUrl !== '')
    llm = createOpenAiProvider({
      baseUrl,
      model: stringFlag(args, 'llm-model-id', 'default'),
      contextSize,
      ...(apiKey !== '' && { apiKey }),
    });
  using dir = tempDir();
  let now = START;
  const embedder = await openUseEmbedder();
  await using core = await openCore({
    dataDir: dir.path,
    ingest: loadConfig({}).ingest,
    clock: { now: () => now },
    rescheduleTimeLimitMs: 200,
    assistant: new SemanticRouter({ embedder }),
    embedder,
    ...(llm !== undefined && { llm }),
  });
  const { app } = core;
  console.error(`demo plant: ${hours} simulated hours (seed ${seed})…`);
  await setupDemoPlant(app, SYSTEM_PRINCIPAL);
  await runDemoHours(app, {
    seed,
    start: START,
    hours,
    meanShiftMeanIntervalS: 3600,
    params: { bearingMeanIntervalS: 2400 },
  });
  now = START + hours * 3_600_000;
  if (withAi4i) {
    const ai4i = await importAi4i(app, SYSTEM_PRINCIPAL, { file: ai4iFile, end: now, rows: 600 });
    console.error(`AI4I 2020: ${ai4i.samples} samples, ${ai4i.stops} stops over the last 10 hours`);
  }
  // One question first, unscored: loads the encoder and embeds the intents' examples, as a running server has.
  await app.call('assistant.ask', { question: 'warm-up' }, viewer);
  const report = await evaluateAssistant(
    questions,
    async (question) => (await app.call('assistant.ask', { question }, viewer)) as AssistantAnswer,
    (name, input) => app.call(name, input, SYSTEM_PRINCIPAL),
    (done, total) => {
      if (done % (llm === undefined ? 25 : 1) === 0 || done === total)
        console.error(`  ${done}/${total} questions`);
    },
  );
  await embedder[Symbol.asyncDispose]();
  await llm?.[Symbol.asyncDispose]();
  const pct = (x: number) => Math.round(x * 1000) / 10;
  const failed = report.results.filter((r) => !r.correct);
  for (const r of failed)
    console.error(`  ✗ ${r.id} "${r.question}" → ${r.answer.slice(0, 120)} | ${r.problems.join('; ')}`);
  await writeResults(llm === undefined ? 'assistant' : 'assistant-model', {
    ours: {
      model:
        llm === undefined
          ? 'none (semantic router, USE lite sentence encoder)'
          : `${llm.kind} ${llm.model} (context ${llm.contextSize})`,
      questions: report.questions,
      fully_correct_pct: pct(report.fullyCorrect / report.questions),
      tool_choice_pct: pct(report.rates.toolChoice),
      arguments_pct: pct(report.rates.arguments),
      numeric_pct: pct(report.rates.value),
      citation_pct: pct(report.rates.citation),
      declined_correctly_pct: pct(report.rates.declined),
      latency_p50_ms: Math.round(report.latencyMs.p50 * 10) / 10,
      latency_p95_ms: Math.round(report.latencyMs.p95 * 10) / 10,
    },
    targets: { fully_correct_pct: '≥ 85 (no model)', latency_p50_ms: '< 300 (no model)' },
    notes: [
      `Question set: ${file.replace(/.*\/bench\//, 'bench/')} (${report.questions} questions${every > 1 ? `, every ${every}th of ${all.length}` : ''}; references computed by calling the operations directly, not through the assistant). Demo plant: ${hours} simulated hours from ${new Date(START).toISOString()}, seed ${seed}, fixed clock; questions asked as a viewer.`,
      ...(llm !== undefined && /stories260K/i.test(llm.model)
        ? [
            'stories260K is a 260K-parameter model that writes children’s stories: it runs the model path (tool calls constrained by a grammar, arguments validated, figures checked) and is not expected to answer.',
          ]
        : []),
      withAi4i
        ? 'AI4I 2020 (Matzka 2020, UCI, CC BY 4.0): its first 600 records imported as one-minute samples of one more machine ("AI4I mill") ending at the bench clock, recorded failures as stops (bench/ai4i-plant.ts); C-MAPSS is not in the set.'
        : 'AI4I 2020 data not found: its questions were left out.',
      `By category (fully correct / questions): ${Object.entries(report.byCategory)
        .map(([c, v]) => `${c} ${v.fullyCorrect}/${v.questions}`)
        .join('; ')}.`,
      ...(failed.length > 0
        ? [
            `Not fully correct: ${failed
              .slice(0, 12)
              .map((r) => `${r.id} "${r.question}" (${r.problems.join('; ').slice(0, 160)})`)
              .join(' · ')}${failed.length > 12 ? ` · and ${failed.length - 12} more` : ''}.`,
          ]
        : []),
    ],
  });
}
