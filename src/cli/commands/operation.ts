/** `gemba <noun> <verb> [--field value …]`: any operation of the registry, with flags from its input schema. */
import { z } from 'zod';
import type { Operation } from '../../app/operation.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';

/** Flags every command understands, never passed to an operation. */
export const GLOBAL_FLAGS = new Set(['url', 'token', 'data', 'json', 'help']);

interface PropertySchema {
  type?: string | string[];
  anyOf?: PropertySchema[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
}

function inputProperties(op: Operation): { props: Record<string, PropertySchema>; required: Set<string> } {
  const schema = z.toJSONSchema(op.docsInput ?? op.input, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, PropertySchema>;
    required?: string[];
  };
  return { props: schema.properties ?? {}, required: new Set(schema.required ?? []) };
}

function types(p: PropertySchema): string[] {
  if (p.anyOf) return p.anyOf.flatMap(types);
  return p.type === undefined ? [] : Array.isArray(p.type) ? p.type : [p.type];
}

/** Turns a flag's text into the JSON value its property expects. */
function coerce(name: string, raw: string | boolean, p: PropertySchema | undefined): unknown {
  if (typeof raw === 'boolean') return raw;
  const t = p ? types(p) : [];
  if (t.includes('object') || (t.includes('array') && raw.trim().startsWith('['))) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new UserError('invalid_input', `--${name} expects JSON`);
    }
  }
  if (t.includes('array')) return raw.split(',').map((s) => s.trim());
  if (t.length > 0 && t.every((x) => x === 'number' || x === 'integer')) {
    const n = Number(raw);
    if (Number.isNaN(n)) throw new UserError('invalid_input', `--${name} expects a number`);
    return n;
  }
  if (t.length === 1 && t[0] === 'boolean') return raw === 'true' || raw === '1' || raw === 'yes';
  return raw;
}

/** The input an operation gets from `--json '{…}'` merged with the individual flags. */
export function inputFromArgs(op: Operation, args: ParsedArgs): Record<string, unknown> {
  const json = stringFlag(args, 'json');
  let input: Record<string, unknown> = {};
  if (json !== undefined) {
    try {
      input = JSON.parse(json) as Record<string, unknown>;
    } catch {
      throw new UserError('invalid_input', '--json expects a JSON object');
    }
  }
  const { props } = inputProperties(op);
  for (const [name, raw] of Object.entries(args.flags)) {
    if (GLOBAL_FLAGS.has(name)) continue;
    if (!(name in props)) {
      const known =
        Object.keys(props)
          .map((k) => `--${k}`)
          .join(', ') || '(none)';
      throw new UserError('invalid_input', `${op.name} has no --${name}; its flags: ${known}`);
    }
    input[name] = coerce(name, raw, props[name]);
  }
  return input;
}

export function operationHelp(op: Operation): string {
  const { props, required } = inputProperties(op);
  const lines = [
    `gemba ${op.name.replace('.', ' ')} — ${op.description}`,
    `  role: ${op.permission}   HTTP: ${op.http.method} /api/v1${op.http.path}`,
  ];
  for (const [name, p] of Object.entries(props)) {
    const t = types(p).join('|') || 'json';
    const extra = [
      required.has(name) ? 'required' : undefined,
      p.enum ? `one of ${p.enum.join(', ')}` : undefined,
      p.default !== undefined ? `default ${JSON.stringify(p.default)}` : undefined,
    ].filter(Boolean);
    lines.push(
      `  --${name} <${t}>${extra.length ? ` (${extra.join('; ')})` : ''}${p.description ? `  ${p.description}` : ''}`,
    );
  }
  lines.push('  --json <object>  the whole input as JSON; flags override its fields');
  return lines.join('\n');
}

export async function runOperation(
  op: Operation,
  args: ParsedArgs,
  client: OperationClient,
): Promise<unknown> {
  return client.call(op.name, inputFromArgs(op, args));
}
