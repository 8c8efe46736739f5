/**
 * Proposals: a change to the plant (acknowledge an alarm, create a work order, change a setpoint, apply a
 * schedule) that the assistant — or a person — asks for but does not make. It waits with a preview of what would
 * happen until a user whose role allows the change approves it (then it runs, as that user, audited) or rejects it.
 */
import { z } from 'zod';
import { ROLES } from './security.js';
import { EpochMs } from './sample.js';

export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected', 'failed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const ProposalId = z
  .string()
  .regex(/^PR-\d{6,}$/, 'a proposal id looks like PR-000042')
  .meta({ example: 'PR-000042' });

export const Proposal = z.object({
  id: ProposalId,
  /** The operation that would run, e.g. "work_orders.create". */
  operation: z.string(),
  /** Its input, validated against the operation's schema when proposed and again when approved. */
  input: z.unknown(),
  /** One line for people: what would change. */
  summary: z.string(),
  /** What would happen, as far as it can be known without doing it (the record that would be written). */
  preview: z.unknown(),
  /** The lowest role that may approve: the operation's own permission. */
  requiredRole: z.enum(ROLES),
  status: z.enum(PROPOSAL_STATUSES),
  /** Who asked, and through what: the assistant (with the question) or a person. */
  requestedBy: z.string(),
  origin: z.enum(['assistant', 'user']),
  question: z.string().optional(),
  reason: z.string().max(2000).optional(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  decidedBy: z.string().optional(),
  decidedAt: EpochMs.optional(),
  note: z.string().max(2000).optional(),
  /** The operation's output after approval, or why it failed. */
  result: z.unknown().optional(),
  error: z.string().optional(),
});
export type Proposal = z.infer<typeof Proposal>;
