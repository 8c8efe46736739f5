/** The OpenAPI 3.1 document, derived from the operations registry (never written by hand). */
import { z } from 'zod';
import type { Operation } from '../app/operation.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out['$schema'];
  return out;
}

const ErrorBody: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

const errorResponses = {
  '400': {
    description: 'Invalid input (code invalid_input)',
    content: { 'application/json': { schema: ErrorBody } },
  },
  '401': { description: 'Missing or unknown token', content: { 'application/json': { schema: ErrorBody } } },
  '403': {
    description: "The token's role is too low",
    content: { 'application/json': { schema: ErrorBody } },
  },
  '503': { description: 'Transient failure; retry', content: { 'application/json': { schema: ErrorBody } } },
};

export function buildOpenApiDocument(operations: readonly Operation[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = `/api/v1${op.http.path}`;
    const method = op.http.method.toLowerCase();
    const input = jsonSchema(op.docsInput ?? op.input, 'input');
    const item: Record<string, unknown> = {
      operationId: op.name,
      summary: op.description.split('. ')[0],
      description: `${op.description}\n\nRequires the **${op.permission}** role.`,
      tags: [op.name.split('.')[0]],
      'x-gemba-permission': op.permission,
      security: [{ bearerAuth: [] }],
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: jsonSchema(op.output, 'output') } },
        },
        ...errorResponses,
      },
    };
    if (op.http.method === 'GET') {
      const properties = (input['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((input['required'] ?? []) as string[]);
      item['parameters'] = Object.entries(properties).map(([name, schema]) => ({
        name,
        in: 'query',
        required: required.has(name),
        schema,
        ...(typeof schema['description'] === 'string' && { description: schema['description'] }),
      }));
    } else {
      item['requestBody'] = { required: true, content: { 'application/json': { schema: input } } };
    }
    paths[path] = { ...paths[path], [method]: item };
  }
  paths['/api/v1/health'] = {
    get: {
      operationId: 'health',
      summary: 'Liveness and basic status; the only endpoint open without a token.',
      tags: ['health'],
      responses: { '200': { description: 'OK' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gemba API',
      version,
      description:
        'Every route is derived from an operation of the registry. Authenticate with `Authorization: Bearer <token>`. ' +
        'Live samples stream over the WebSocket `/api/v1/stream?token=<token>`.',
    },
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
