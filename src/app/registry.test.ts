import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPERATIONS } from './registry.js';

describe('the operations registry', () => {
  it('is found and holds the first operations', () => {
    const names = OPERATIONS.map((op) => op.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const required of [
      'assets.list',
      'assets.create',
      'tags.list',
      'tags.create',
      'samples.write',
      'samples.read',
      'samples.buckets',
      'samples.latest',
      'events.list',
    ]) {
      expect(names).toContain(required);
    }
  });

  it('has unique names of the form noun.verb (or noun.part.verb) and unique routes', () => {
    const names = OPERATIONS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+(\.[a-z]+)?\.[a-z]+$/);
    const routes = OPERATIONS.map((op) => `${op.http.method} ${op.http.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it.each(OPERATIONS.map((op) => [op.name, op] as const))(
    '%s describes itself and converts to JSON Schema',
    (_n, op) => {
      expect(op.description.length).toBeGreaterThan(20);
      const input = z.toJSONSchema(op.docsInput ?? op.input, { io: 'input', unrepresentable: 'any' }) as {
        type?: string;
        oneOf?: Array<{ type?: string }>;
        anyOf?: Array<{ type?: string }>;
      };
      // An object, or a union of objects (one shape per chart type): either way a JSON body or a set of flags.
      for (const shape of input.oneOf ?? input.anyOf ?? [input]) expect(shape.type).toBe('object');
      z.toJSONSchema(op.output, { io: 'output', unrepresentable: 'any' });
      // Changing records is audited; reads are not.
      if (op.http.method === 'GET') expect(op.audit).toBe(false);
    },
  );

  it('GET inputs are flat, so they fit a query string and CLI flags', () => {
    for (const op of OPERATIONS.filter((o) => o.http.method === 'GET')) {
      const schema = z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, { type?: string }>;
      };
      for (const [name, p] of Object.entries(schema.properties ?? {})) {
        expect(p.type, `${op.name}.${name}`).not.toBe('object');
      }
    }
  });
});
