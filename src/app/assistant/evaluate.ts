/**
 * Scoring the assistant on a question set with known answers (the format is in docs/assistant-eval.md). Each
 * question says what a right answer looks like: which tools it must call (tool choice), with which arguments
 * (argument accuracy), the figure it must state — computed here independently, by calling an operation directly,
 * never taken from the assistant — within a tolerance, a citation it must give, and whether it must decline.
 * A question is fully correct when every check it names passes.
 */
import { z } from 'zod';
import { UserError } from '../../domain/index.js';
import type { AssistantAnswer, Invoke } from './router.js';

const Reference = z.object({
  /** The operation that gives the right figure, called directly (not through the assistant). */
  op: z.string(),
  input: z.record(z.string(), z.unknown()).default({}),
  /** Dotted path to the number in its output, e.g. `samples.0.value`; `*` fans out over a list. */
  path: z.string(),
  /** Keep only the selected elements that contain these fields (before `count`), e.g. `{ "state": "down" }`. */
  where: z.record(z.string(), z.unknown()).optional(),
  /** Relative tolerance (default 0.005: the 4 significant digits answers print). */
  tolerance: z.number().nonnegative().default(0.005),
  /**
   * How to reduce what the path selects: mean, min, max, sum of numbers, or count of elements (default: the one
   * value). A reference of 0 is also met by an answer that says none ("no", "not", "none").
   */
  reduce: z.enum(['mean', 'min', 'max', 'sum', 'count']).optional(),
  /** The figure as the answer prints it: the reference times this (100 for a ratio printed in per cent; default 1). */
  scale: z.number().positive().optional(),
});

export const EvalQuestion = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  /** Groups for the report (e.g. "signals", "refusal"). */
  category: z.string().default('general'),
  expect: z.object({
    /** Tools that must be among the calls. */
    tools: z.array(z.string()).optional(),
    /** Per tool, fields its input must contain (deep subset). */
    args: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    value: Reference.optional(),
    /** Fields one citation must have (subset). */
    citation: z.record(z.string(), z.unknown()).optional(),
    /** The answer must contain these texts (case-insensitive). */
    contains: z.array(z.string()).optional(),
    /** Must decline (a change, or outside what it knows) — or must not. Default false. */
    declined: z.boolean().default(false),
  }),
});
export type EvalQuestion = z.infer<typeof EvalQuestion>;
export const EvalQuestionFile = z.object({ questions: z.array(EvalQuestion).min(1) });

export interface QuestionResult {
  readonly id: string;
  readonly category: string;
  readonly question: string;
  readonly answer: string;
  readonly ms: number;
  /** Each check the question names: true passed, false failed; absent when not named. */
  readonly checks: {
    readonly toolChoice?: boolean;
    readonly arguments?: boolean;
    readonly value?: boolean;
    readonly citation?: boolean;
    readonly contains?: boolean;
    readonly declined: boolean;
  };
  readonly correct: boolean;
  /** The reference figure, where the question has one. */
  readonly reference?: number;
  readonly problems: readonly string[];
}

export interface EvalReport {
  readonly questions: number;
  readonly fullyCorrect: number;
  /** Share of questions whose named check passed, over the questions that name it. */
  readonly rates: Readonly<
    Record<'toolChoice' | 'arguments' | 'value' | 'citation' | 'contains' | 'declined', number>
  >;
  readonly latencyMs: { readonly p50: number; readonly p95: number };
  readonly byCategory: Readonly<Record<string, { questions: number; fullyCorrect: number }>>;
  readonly results: readonly QuestionResult[];
}

/** Deep subset: every field of `want` is in `have` with an equal value (arrays element-wise). */
export function matchesSubset(have: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return have === want;
  if (Array.isArray(want)) {
    return (
      Array.isArray(have) && want.length === have.length && want.every((w, i) => matchesSubset(have[i], w))
    );
  }
  if (have === null || typeof have !== 'object') return false;
  return Object.entries(want).every(([k, v]) => matchesSubset((have as Record<string, unknown>)[k], v));
}

/** The values at a dotted path; `*` fans out over an array. */
export function pick(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const key of path.split('.')) {
    current = current.flatMap((v): unknown[] => {
      if (v === null || typeof v !== 'object') return [];
      if (key === '*') return Array.isArray(v) ? (v as unknown[]) : Object.values(v);
      return [(v as Record<string, unknown>)[key]];
    });
  }
  return current.filter((v) => v !== undefined);
}

/** Every number written in a text ("1,234.5", "-0.25", "46.05"). */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?/gi)].map((m) => Number(m[0].replace(/,/g, '')));
}

async function referenceValue(ref: z.infer<typeof Reference>, invoke: Invoke): Promise<number> {
  const output = await invoke(ref.op, ref.input);
  const selected = pick(output, ref.path).filter(
    (v) => ref.where === undefined || matchesSubset(v, ref.where),
  );
  if (ref.reduce === 'count') return selected.length;
  const values = selected.map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new UserError('invalid_input', `reference ${ref.op} gives no number at ${ref.path}`);
  }
  switch (ref.reduce) {
    case 'mean':
      return values.reduce((s, v) => s + v, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'sum':
      return values.reduce((s, v) => s + v, 0);
    case undefined:
      return values[0] ?? Number.NaN;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Asks every question and scores the answers. `ask` is the assistant as a user sees it; `invoke` calls operations
 * directly for the reference figures (as an admin, so a reference is never limited by the asker's role).
 */
export async function evaluateAssistant(
  questions: readonly EvalQuestion[],
  ask: (question: string) => Promise<AssistantAnswer>,
  invoke: Invoke,
  onProgress?: (done: number, total: number) => void,
): Promise<EvalReport> {
  const results: QuestionResult[] = [];
  for (const q of questions) {
    const problems: string[] = [];
    const started = performance.now();
    let answer: AssistantAnswer | undefined;
    try {
      answer = await ask(q.question);
    } catch (error) {
      problems.push(`the assistant failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const ms = performance.now() - started;
    const e = q.expect;
    const called = answer?.toolCalls ?? [];
    const checks: { -readonly [K in keyof QuestionResult['checks']]: QuestionResult['checks'][K] } = {
      declined: answer !== undefined && answer.declined === e.declined,
    };
    if (!checks.declined)
      problems.push(e.declined ? 'should have declined' : 'declined a question it should answer');
    if (e.tools !== undefined) {
      checks.toolChoice = e.tools.every((t) => called.some((c) => c.name === t && c.ok));
      if (!checks.toolChoice)
        problems.push(
          `tools ${called.map((c) => c.name).join(', ') || 'none'}; expected ${e.tools.join(', ')}`,
        );
    }
    if (e.args !== undefined) {
      checks.arguments = Object.entries(e.args).every(([tool, want]) =>
        called.some((c) => c.name === tool && matchesSubset(c.input, want)),
      );
      if (!checks.arguments)
        problems.push(`arguments: ${JSON.stringify(called.map((c) => [c.name, c.input]))}`);
    }
    let reference: number | undefined;
    if (e.value !== undefined) {
      try {
        reference = (await referenceValue(e.value, invoke)) * (e.value.scale ?? 1);
        const tol = e.value.tolerance;
        const ref = reference;
        const text = answer?.answer ?? '';
        checks.value =
          numbersIn(text).some(
            (n) => Math.abs(n - ref) <= tol * Math.max(1e-9, Math.abs(ref)) || Math.abs(n - ref) < 1e-9,
          ) ||
          (ref === 0 && /\b(no|not|none)\b/i.test(text));
        if (!checks.value) problems.push(`no figure within ${tol * 100} % of ${ref}`);
      } catch (error) {
        checks.value = false;
        problems.push(`reference failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (e.citation !== undefined) {
      const want = e.citation;
      checks.citation = (answer?.citations ?? []).some((c) => matchesSubset(c, want));
      if (!checks.citation) problems.push(`citations ${JSON.stringify(answer?.citations ?? [])}`);
    }
    if (e.contains !== undefined) {
      const text = (answer?.answer ?? '').toLowerCase();
      checks.contains = e.contains.every((c) => text.includes(c.toLowerCase()));
      if (!checks.contains) problems.push(`answer lacks ${e.contains.join(' / ')}`);
    }
    const correct = Object.values(checks).every((v) => v !== false);
    results.push({
      id: q.id,
      category: q.category,
      question: q.question,
      answer: answer?.answer ?? '',
      ms,
      checks,
      correct,
      ...(reference !== undefined && { reference }),
      problems,
    });
    onProgress?.(results.length, questions.length);
  }
  const rate = (key: keyof QuestionResult['checks']): number => {
    const named = results.filter((r) => r.checks[key] !== undefined);
    return named.length === 0
      ? Number.NaN
      : named.filter((r) => r.checks[key] === true).length / named.length;
  };
  const byCategory: Record<string, { questions: number; fullyCorrect: number }> = {};
  for (const r of results) {
    const c = (byCategory[r.category] ??= { questions: 0, fullyCorrect: 0 });
    c.questions++;
    if (r.correct) c.fullyCorrect++;
  }
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    questions: results.length,
    fullyCorrect: results.filter((r) => r.correct).length,
    rates: {
      toolChoice: rate('toolChoice'),
      arguments: rate('arguments'),
      value: rate('value'),
      citation: rate('citation'),
      contains: rate('contains'),
      declined: rate('declined'),
    },
    latencyMs: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) },
    byCategory,
    results,
  };
}
