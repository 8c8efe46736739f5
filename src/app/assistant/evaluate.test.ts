import { describe, expect, it } from 'vitest';
import { EvalQuestionFile, evaluateAssistant, matchesSubset, numbersIn, pick } from './evaluate.js';

describe('the evaluation harness helpers', () => {
  it('matches a deep subset: objects by their named fields, arrays element by element', () => {
    const call = { tags: ['a/b/oil_temp'], from: 1, extra: { x: 1, y: 2 } };
    expect(matchesSubset(call, { tags: ['a/b/oil_temp'] })).toBe(true);
    expect(matchesSubset(call, { extra: { y: 2 } })).toBe(true);
    expect(matchesSubset(call, { tags: ['a/b/oil_temp', 'other'] })).toBe(false);
    expect(matchesSubset(call, { from: 2 })).toBe(false);
    expect(matchesSubset(undefined, { from: 1 })).toBe(false);
  });

  it('picks values along a dotted path, fanning out at *', () => {
    const out = { samples: [{ value: 1 }, { value: 4 }], forecasts: [{ mean: [7, 8] }] };
    expect(pick(out, 'samples.0.value')).toEqual([1]);
    expect(pick(out, 'samples.*.value')).toEqual([1, 4]);
    expect(pick(out, 'forecasts.0.mean.1')).toEqual([8]);
    expect(pick(out, 'missing.0')).toEqual([]);
  });

  it('reads every number written in an answer', () => {
    expect(numbersIn('Press 3 oil_temp is 46.05 degC (at 09:27:11 UTC, 1 s ago).')).toEqual([
      3, 46.05, 9, 27, 11, 1,
    ]);
    expect(numbersIn('averaged -0.25 over 3,592 samples and 1,234.5 kW')).toEqual([-0.25, 3592, 1234.5]);
  });

  it('validates a question file and fills its defaults', () => {
    const file = EvalQuestionFile.parse({
      questions: [{ id: 'q1', question: 'stop press 1', expect: { declined: true } }],
    });
    expect(file.questions[0]?.category).toBe('general');
    expect(() => EvalQuestionFile.parse({ questions: [{ id: 'q1', expect: {} }] })).toThrow();
    expect(() => EvalQuestionFile.parse({ questions: [] })).toThrow();
  });

  it('scales the reference to the figure as printed: a ratio of 0.7038 is met by "70.38 %", not by "0.7038"', async () => {
    const { questions } = EvalQuestionFile.parse({
      questions: [
        {
          id: 'oee',
          question: 'OEE of line 1?',
          expect: { value: { op: 'oee.live', path: 'total.oee', scale: 100 } },
        },
      ],
    });
    const invoke = () => Promise.resolve({ total: { oee: 0.7038 } });
    const answerWith = (text: string) => () =>
      Promise.resolve({
        question: 'OEE of line 1?',
        answer: text,
        mode: 'router' as const,
        confidence: 1,
        citations: [],
        toolCalls: [],
        declined: false,
      });
    const inPercent = await evaluateAssistant(questions, answerWith('Line 1: OEE 70.38 %.'), invoke);
    expect(inPercent.results[0]?.checks.value).toBe(true);
    const asRatio = await evaluateAssistant(questions, answerWith('Line 1: OEE 0.7038.'), invoke);
    expect(asRatio.results[0]?.checks.value).toBe(false);
  });
});
