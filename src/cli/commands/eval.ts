/** `gemba eval assistant --questions FILE [--json]`: the assistant scored on a question set with known answers. */
import { readFileSync } from 'node:fs';
import { EvalQuestionFile, evaluateAssistant } from '../../app/assistant/evaluate.js';
import type { AssistantAnswer } from '../../app/assistant/router.js';
import { UserError } from '../../domain/index.js';
import { describeIssues } from '../../app/registry.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';
import { progressBar } from '../progress.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—');

export async function evalAssistantCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const file = stringFlag(args, 'questions');
  if (file === undefined)
    throw new UserError('invalid_input', 'usage: gemba eval assistant --questions FILE [--json]');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError('invalid_input', `cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const parsed = EvalQuestionFile.safeParse(raw);
  if (!parsed.success) throw new UserError('invalid_input', `${file}: ${describeIssues(parsed.error)}`);
  const bar = progressBar('asking', parsed.data.questions.length);
  const report = await evaluateAssistant(
    parsed.data.questions,
    async (question) => (await client.call('assistant.ask', { question })) as AssistantAnswer,
    (name, input) => client.call(name, input),
    (done) => bar.update(done),
  );
  bar.finish();
  if (boolFlag(args, 'json')) return JSON.stringify(report, null, 2);
  const lines = [
    `${report.fullyCorrect} of ${report.questions} fully correct (${pct(report.fullyCorrect / report.questions)})`,
    `tool choice ${pct(report.rates.toolChoice)} · arguments ${pct(report.rates.arguments)} · figures ${pct(report.rates.value)} · citations ${pct(report.rates.citation)} · declined correctly ${pct(report.rates.declined)}`,
    `latency p50 ${report.latencyMs.p50.toFixed(0)} ms, p95 ${report.latencyMs.p95.toFixed(0)} ms`,
    '',
    ...Object.entries(report.byCategory).map(
      ([c, v]) => `  ${c.padEnd(26)} ${v.fullyCorrect}/${v.questions}`,
    ),
  ];
  const failed = report.results.filter((r) => !r.correct);
  if (failed.length > 0) {
    lines.push('', 'Not fully correct:');
    for (const r of failed)
      lines.push(
        `  ${r.id} "${r.question}"`,
        `      ${r.answer.split('\n')[0]}`,
        `      ${r.problems.join('; ')}`,
      );
  }
  return lines.join('\n');
}
