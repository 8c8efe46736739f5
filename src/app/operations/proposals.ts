/**
 * Proposals as operations: propose a change for someone else to approve, list and read proposals, approve (the
 * change then runs as the approver) or reject. Anyone may propose and look; deciding needs the role of the change.
 */
import { z } from 'zod';
import {
  PROPOSAL_STATUSES,
  Proposal,
  ProposalId,
  ROLES,
  UnexpectedError,
  UserError,
} from '../../domain/index.js';
import { type OperationContext, defineOperation } from '../operation.js';
import { type Verdict, decideProposal, proposeChange } from '../proposals.js';
import { PositiveInt } from './common.js';

const Output = z.object({ proposal: Proposal });

export const createProposal = defineOperation({
  name: 'proposals.create',
  description:
    'Propose a change for someone with the right role to approve: an operation that changes something (e.g. ' +
    'workorders.create) and its input. Nothing runs now; the input is validated and a preview of what would happen ' +
    'is stored with the proposal, which waits for proposals.approve or proposals.reject.',
  input: z.object({
    operation: z.string().min(1).max(100).meta({ example: 'workorders.create' }),
    input: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({ description: 'The operation’s input, as its own command or route takes it (JSON)' }),
    reason: z.string().max(2000).optional().meta({ description: 'Why the change is wanted' }),
  }),
  output: Output,
  permission: 'viewer',
  http: { method: 'POST', path: '/proposals' },
  audit: true,
  handler: async (input, { services, principal, operations }) => ({
    proposal: await proposeChange({ services, operations: operations?.() ?? [] }, principal, {
      operation: input.operation,
      input: input.input,
      origin: 'user',
      ...(input.reason !== undefined && { reason: input.reason }),
    }),
  }),
});

export const listProposals = defineOperation({
  name: 'proposals.list',
  description:
    'Proposed changes, newest first, optionally only one status (pending, approved, rejected, failed), with the ' +
    'caller’s name and role (who may decide what).',
  input: z.object({
    status: z.enum(PROPOSAL_STATUSES).optional(),
    limit: PositiveInt(1000).default(50),
  }),
  output: z.object({
    proposals: z.array(Proposal),
    caller: z.object({ name: z.string(), role: z.enum(ROLES) }),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/proposals' },
  audit: false,
  handler: async (input, { services, principal }) => ({
    proposals: await services.store.listProposals({
      limit: input.limit,
      ...(input.status !== undefined && { status: input.status }),
    }),
    caller: { name: principal.name, role: principal.role },
  }),
});

export const getProposal = defineOperation({
  name: 'proposals.get',
  description: 'One proposal: the change, its preview, who asked, and the decision with its result or error.',
  input: z.object({ id: ProposalId }),
  output: Output,
  permission: 'viewer',
  http: { method: 'GET', path: '/proposals/get' },
  audit: false,
  handler: async ({ id }, { services }) => {
    const proposal = await services.store.getProposal(id);
    if (!proposal) throw new UserError('not_found', `no proposal ${id}`, { details: { id } });
    return { proposal };
  },
});

const Decision = z.object({
  id: ProposalId,
  note: z.string().max(2000).optional().meta({ description: 'Why, for the record' }),
});

function decide(verdict: Verdict) {
  return async (input: z.output<typeof Decision>, { services, principal, invoke }: OperationContext) => {
    if (invoke === undefined)
      throw new UnexpectedError(`proposals.${verdict} needs the App to run the change`);
    return { proposal: await decideProposal({ services, invoke }, principal, input.id, verdict, input.note) };
  };
}

export const approveProposal = defineOperation({
  name: 'proposals.approve',
  description:
    'Approve a pending proposal: its change runs now as you — validated again, permission-checked and audited — ' +
    'and the proposal keeps the result (approved) or the error (failed). Needs the role the change needs.',
  input: Decision,
  output: Output,
  // Any user may ask; the handler checks the role of the change proposed (its requiredRole).
  permission: 'viewer',
  http: { method: 'POST', path: '/proposals/approve' },
  audit: true,
  handler: decide('approve'),
});

export const rejectProposal = defineOperation({
  name: 'proposals.reject',
  description:
    'Reject a pending proposal: nothing changes. Needs the role the change needs, like approving it.',
  input: Decision,
  output: Output,
  permission: 'viewer',
  http: { method: 'POST', path: '/proposals/reject' },
  audit: true,
  handler: decide('reject'),
});

export const PROPOSAL_OPERATIONS = [
  createProposal,
  listProposals,
  getProposal,
  approveProposal,
  rejectProposal,
] as const;
