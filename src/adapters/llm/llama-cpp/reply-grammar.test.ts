import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnswerStream, dropOmittedNulls, toGrammarSchema, toolReplyGrammar } from './reply-grammar.js';

describe('toGrammarSchema', () => {
  it('translates a zod object: optional properties become nullable, bounds are left to validation', () => {
    const schema = z.toJSONSchema(
      z.object({ tag: z.string(), limit: z.number().int().min(1).optional(), level: z.enum(['a', 'b']) }),
    );
    expect(toGrammarSchema(schema)).toEqual({
      type: 'object',
      properties: {
        tag: { type: 'string' },
        limit: { oneOf: [{ type: ['integer'] }, { type: 'null' }] },
        level: { enum: ['a', 'b'] },
      },
      additionalProperties: false,
    });
  });

  it('names the keyword it cannot express', () => {
    expect(toGrammarSchema({ allOf: [{ type: 'string' }] })).toEqual({ unsupported: 'schema uses "allOf"' });
    expect(toGrammarSchema({ type: 'object', properties: { x: { $ref: '#/$defs/x' } } })).toEqual({
      unsupported: 'schema.properties.x uses "$ref"',
    });
  });
});

describe('the tool reply envelope', () => {
  const tools = [
    { name: 'get', description: 'd', parameters: { type: 'object', properties: { id: { type: 'string' } } } },
    { name: 'odd', description: 'd', parameters: { not: { type: 'string' } } },
  ];

  it('has an answer branch and one branch per tool, loosening a schema it cannot express', () => {
    const { schema, notes } = toolReplyGrammar({ tools, required: false, responseSchema: undefined });
    expect(schema).toEqual({
      oneOf: [
        { type: 'object', properties: { answer: { type: 'string' } } },
        {
          type: 'object',
          properties: {
            tool: { const: 'get' },
            arguments: {
              type: 'object',
              properties: { id: { oneOf: [{ type: 'string' }, { type: 'null' }] } },
              additionalProperties: false,
            },
          },
        },
        {
          type: 'object',
          properties: { tool: { const: 'odd' }, arguments: { type: 'object', additionalProperties: true } },
        },
      ],
    });
    expect(notes).toEqual(['tool odd: arguments constrained to any JSON object (schema uses "not")']);
  });

  it('has no answer branch when a tool is required', () => {
    const { schema } = toolReplyGrammar({
      tools: tools.slice(0, 1),
      required: true,
      responseSchema: undefined,
    });
    expect(schema).toMatchObject({ properties: { tool: { const: 'get' } } });
  });

  it('drops the nulls written for omitted optional properties, keeping nullable ones', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: ['string', 'null'] }, c: { type: 'string' } },
      required: ['a'],
    };
    expect(dropOmittedNulls({ a: null, b: null, c: null }, schema)).toEqual({ a: null, b: null });
  });

  it('streams the answer text out of the envelope as it is written, escapes decoded', () => {
    const deltas: string[] = [];
    const stream = new AnswerStream((d) => deltas.push(d));
    for (const piece of ['{ "ans', 'wer": "Pump', ' 3 \\', '"hot\\', '"\\n', '" }']) stream.push(piece);
    expect(deltas.join('')).toBe('Pump 3 "hot"\n');
    const silent: string[] = [];
    const call = new AnswerStream((d) => silent.push(d));
    call.push('{"tool": "get", "arguments": {"id": "x"}}');
    expect(silent).toEqual([]);
  });
});
