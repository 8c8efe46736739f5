/** `gemba ask "question" [--json]`: the assistant's answer with its sources and the tool calls behind it. */
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag } from '../args.js';
import type { OperationClient } from '../client.js';

interface Answer {
  answer: string;
  intent?: string;
  confidence: number;
  declined: boolean;
  citations: { label: string; source: string }[];
  toolCalls: { name: string; ok: boolean; ms: number; error?: string }[];
}

export async function askCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const question = args.positionals.slice(1).join(' ').trim();
  if (question === '')
    throw new UserError(
      'invalid_input',
      'usage: gemba ask "what is the oil temperature on press 3 now?" [--json]',
    );
  const out = (await client.call('assistant.ask', { question })) as Answer;
  if (boolFlag(args, 'json')) return JSON.stringify(out, null, 2);
  const lines = [out.answer];
  if (out.citations.length > 0) {
    lines.push('', 'Sources:');
    out.citations.forEach((c, i) => lines.push(`  [${i + 1}] ${c.label} (${c.source})`));
  }
  if (out.toolCalls.length > 0) {
    lines.push(
      '',
      `Tool calls: ${out.toolCalls.map((t) => `${t.name} ${t.ok ? `${t.ms} ms` : `failed: ${t.error ?? ''}`}`).join(' · ')}`,
    );
  }
  return lines.join('\n');
}
