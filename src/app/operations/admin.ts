/** Operations for administrators and engineers: tokens, audit log, dead letters, ingest counters. */
import { z } from 'zod';
import { ApiTokenInfo, AuditEntry, DeadLetter, ROLES } from '../../domain/index.js';
import { defineOperation } from '../operation.js';
import { PositiveInt, TimeArg, resolveTime } from './common.js';

export const createToken = defineOperation({
  name: 'tokens.create',
  description:
    'Create an API token with a role. The token is shown once, in this response; only its hash is kept.',
  input: z.object({ name: z.string().min(1).max(100), role: z.enum(ROLES) }),
  output: z.object({ token: z.string(), info: ApiTokenInfo }),
  permission: 'admin',
  http: { method: 'POST', path: '/tokens' },
  audit: true,
  handler: async ({ name, role }, { services }) => {
    const { token, info } = await services.tokens.create(name, role);
    const { secretHash: _hash, ...shown } = info;
    return { token, info: shown };
  },
});

export const listTokens = defineOperation({
  name: 'tokens.list',
  description: 'List API tokens (names, roles, creation and revocation times; never the secrets).',
  input: z.object({}),
  output: z.object({ tokens: z.array(ApiTokenInfo) }),
  permission: 'admin',
  http: { method: 'GET', path: '/tokens' },
  audit: false,
  handler: async (_input, { services }) => {
    const tokens = await services.store.listTokens();
    return { tokens: tokens.map(({ secretHash: _hash, ...info }) => info) };
  },
});

export const revokeToken = defineOperation({
  name: 'tokens.revoke',
  description: 'Revoke an API token by id; it stops working at once.',
  input: z.object({ id: z.string().min(1) }),
  output: z.object({ revoked: z.boolean() }),
  permission: 'admin',
  http: { method: 'POST', path: '/tokens/revoke' },
  audit: true,
  handler: async ({ id }, { services }) => ({ revoked: await services.tokens.revoke(id) }),
});

export const listAudit = defineOperation({
  name: 'audit.list',
  description:
    'The audit log, newest first: who called which changing operation, with what input and outcome.',
  input: z.object({ limit: PositiveInt(10_000).default(200), since: TimeArg.optional() }),
  output: z.object({ entries: z.array(AuditEntry) }),
  permission: 'admin',
  http: { method: 'GET', path: '/audit' },
  audit: false,
  handler: async ({ limit, since }, { services }) => ({
    entries: await services.store.listAudit({
      limit,
      ...(since !== undefined && { since: resolveTime(since, services.clock.now()) }),
    }),
  }),
});

export const listDeadLetters = defineOperation({
  name: 'deadletters.list',
  description: 'Input that could not be stored, newest first, with the reason and the rejected payload.',
  input: z.object({ limit: PositiveInt(10_000).default(100), since: TimeArg.optional() }),
  output: z.object({ total: z.number().int(), deadLetters: z.array(DeadLetter) }),
  permission: 'engineer',
  http: { method: 'GET', path: '/dead-letters' },
  audit: false,
  handler: async ({ limit, since }, { services }) => ({
    total: await services.store.countDeadLetters(),
    deadLetters: await services.store.listDeadLetters({
      limit,
      ...(since !== undefined && { since: resolveTime(since, services.clock.now()) }),
    }),
  }),
});

export const ingestStats = defineOperation({
  name: 'ingest.stats',
  description:
    'Ingest counters per entry point since start (accepted, rejected, dead-lettered) and the queue depth.',
  input: z.object({}),
  output: z.object({
    sources: z.record(
      z.string(),
      z.object({ accepted: z.number(), rejected: z.number(), deadLettered: z.number() }),
    ),
    tags: z.number().int(),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/ingest/stats' },
  audit: false,
  handler: (_input, { services }) =>
    Promise.resolve({ sources: services.ingest.counters(), tags: services.tags.size }),
});
