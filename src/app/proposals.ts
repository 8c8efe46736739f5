/**
 * Proposals: a change to the plant that the assistant or a person asks for but does not make. It is validated like
 * any call, previewed without side effects, and waits until a user whose role allows the change approves it — then
 * it runs through `App.call` as that user (validated again, permission-checked, audited) — or rejects it.
 */
import {
  OperationalError,
  type Principal,
  type Proposal,
  UserError,
  redactSecrets,
  roleAtLeast,
  toGembaError,
} from '../domain/index.js';
import {
  type Operation,
  type OperationContext,
  type OperationPreview,
  describeIssues,
  isReadOnly,
} from './operation.js';
import type { AppServices } from './services.js';

/** The operations a proposal may name: the app's list (`ctx.operations()` in a handler) or a lookup by name. */
export type OperationLookup = readonly Operation[] | ((name: string) => Operation | undefined);

export interface ProposalRequest {
  /** The operation that would run, e.g. "workorders.create". */
  readonly operation: string;
  /** Its input, as it would be sent over HTTP. */
  readonly input: unknown;
  readonly origin: 'assistant' | 'user';
  /** The assistant's: the question that led to it. */
  readonly question?: string;
  /** Why, in the asker's words. */
  readonly reason?: string;
}

/**
 * A decision being carried out keeps its proposal pending with `decidedAt` set; another decision within this time
 * is refused (after it, the first is taken to have died with its process and the proposal may be decided again).
 */
const CLAIM_MS = 15 * 60_000;

function find(operations: OperationLookup, name: string): Operation | undefined {
  return typeof operations === 'function' ? operations(name) : operations.find((op) => op.name === name);
}

/**
 * Stores a proposal to run `request.operation` with `request.input`, after checking that the operation exists and
 * changes something, validating the input exactly as a call would, and working out what it would do (the
 * operation's `preview`, or its description and the validated input). Nothing is executed. Anyone who may ask the
 * assistant (viewer and up) may propose; approving needs the operation's own role.
 * @example
 * // Inside an operation handler (the assistant's, say), with its context:
 * const proposal = await proposeChange({ services, operations: operations?.() ?? [] }, principal, {
 *   operation: 'workorders.create',
 *   input: { asset: 'acme/plant1/stamping/line1/press3', title: 'Check the bearing', priority: 'high' },
 *   origin: 'assistant',
 *   question: 'open a work order to check the bearing on press 3',
 * });
 * proposal.id; // 'PR-000001', pending; link people to `#view=approvals&proposal=PR-000001`
 */
export async function proposeChange(
  deps: { readonly services: AppServices; readonly operations: OperationLookup },
  principal: Principal,
  request: ProposalRequest,
): Promise<Proposal> {
  const { services } = deps;
  const op = proposable(find(deps.operations, request.operation), request.operation);
  const input = request.input ?? {};
  if (JSON.stringify(redactSecrets(input)) !== JSON.stringify(input)) {
    // Proposals are readable by every viewer: a password in one would be shown to all of them.
    throw new UserError(
      'invalid_input',
      `input: a proposal cannot carry passwords or secrets; call ${op.name} directly`,
      {
        details: { field: 'input' },
      },
    );
  }
  const parsed = op.input.safeParse(input);
  if (!parsed.success) {
    throw new UserError('invalid_input', `${op.name}: ${describeIssues(parsed.error)}`, {
      details: { issues: parsed.error.issues.slice(0, 20) },
    });
  }
  const context: OperationContext = { principal, services };
  const { summary, preview } = op.preview
    ? await op.preview(parsed.data, context)
    : genericPreview(op, parsed.data);
  const now = services.clock.now();
  return services.store.createProposal({
    operation: op.name,
    input,
    summary,
    preview,
    requiredRole: op.permission,
    status: 'pending',
    requestedBy: principal.name,
    origin: request.origin,
    ...(request.question !== undefined && { question: request.question }),
    // The stored record allows 2000 characters (src/domain/proposal.ts).
    ...(request.reason !== undefined && { reason: request.reason.slice(0, 2000) }),
    createdAt: now,
    updatedAt: now,
  });
}

/** The operation if it may be proposed: it exists, changes something, and is neither administration nor a decision. */
function proposable(op: Operation | undefined, name: string): Operation {
  const refuse = (message: string) =>
    new UserError('invalid_input', `operation: ${message}`, {
      details: { field: 'operation', operation: name },
    });
  if (!op) throw refuse(`no operation "${name}"`);
  if (isReadOnly(op))
    throw refuse(`${name} changes nothing (it only reads): call it directly, no approval needed`);
  if (op.name.startsWith('proposals.'))
    throw refuse(`${name} is itself about proposals and cannot be proposed`);
  if (op.permission === 'admin') {
    throw refuse(`${name} is administration (the admin role): an admin does it directly, it is not proposed`);
  }
  return op;
}

/** For an operation without a preview of its own: what it does, and the input it would get. */
function genericPreview(op: Operation, input: unknown): OperationPreview {
  const firstSentence = /^.*?[.!?](?=\s|$)/.exec(op.description)?.[0] ?? op.description;
  return { summary: `${op.name}: ${firstSentence}`, preview: { description: op.description, input } };
}

export type Verdict = 'approve' | 'reject';

/**
 * Approves or rejects a pending proposal. Either needs the approver's role to reach the proposal's `requiredRole`
 * (UserError forbidden otherwise). Approving runs the operation through `invoke` — `App.call` as the approver, so
 * validated again, permission-checked and audited as them — and stores its output as `result` (status approved)
 * or its error (status failed); a transient failure (the store busy) leaves the proposal pending and is thrown.
 * Two people deciding at once: one wins, the other gets UserError conflict, and the operation runs once.
 * @example
 * // In the proposals.approve handler:
 * await decideProposal({ services, invoke }, principal, 'PR-000001', 'approve', 'checked with the line lead');
 */
export async function decideProposal(
  deps: {
    readonly services: Pick<AppServices, 'store' | 'clock'>;
    /** Calls an operation as the deciding principal (the operation context's `invoke`). */
    readonly invoke: (name: string, input: unknown) => Promise<unknown>;
  },
  principal: Principal,
  id: string,
  verdict: Verdict,
  note?: string,
): Promise<Proposal> {
  const { store, clock } = deps.services;
  const current = await store.getProposal(id);
  if (!current) throw new UserError('not_found', `no proposal ${id}`, { details: { id } });
  if (current.status !== 'pending') {
    const by = current.decidedBy === undefined ? '' : ` by ${current.decidedBy}`;
    throw new UserError(
      'conflict',
      `proposal ${id} is already ${current.status}${by}; only a pending proposal can be approved or rejected`,
      { details: { id, status: current.status } },
    );
  }
  if (!roleAtLeast(principal.role, current.requiredRole)) {
    throw new UserError(
      'forbidden',
      `${verdict === 'approve' ? 'approving' : 'rejecting'} ${id} needs the ${current.requiredRole} role ` +
        `(the role of ${current.operation}); "${principal.name}" is ${principal.role}`,
      { details: { id, requiredRole: current.requiredRole } },
    );
  }
  const now = clock.now();
  if (current.decidedAt !== undefined && now - current.decidedAt < CLAIM_MS) {
    throw new UserError(
      'conflict',
      `proposal ${id} is being approved by ${current.decidedBy ?? 'someone else'}; read it again in a moment`,
      { details: { id } },
    );
  }
  // updatedAt only grows, even for two writes in one millisecond: the store compares it to detect a lost update.
  const decision = {
    updatedAt: Math.max(now, current.updatedAt + 1),
    decidedBy: principal.name,
    decidedAt: now,
    ...(note !== undefined && note.trim() !== '' && { note: note.trim() }),
  };
  if (verdict === 'reject') {
    const rejected: Proposal = { ...current, ...decision, status: 'rejected' };
    await store.updateProposal(rejected, current.updatedAt);
    return rejected;
  }
  // Claim it first, so that of two approvals at once only one runs the operation.
  const claimed: Proposal = { ...current, ...decision };
  await store.updateProposal(claimed, current.updatedAt);
  let outcome: Pick<Proposal, 'status' | 'result' | 'error'>;
  try {
    const output = await deps.invoke(current.operation, current.input);
    outcome = { status: 'approved', result: redactSecrets(output) };
  } catch (error) {
    const e = toGembaError(error);
    if (e instanceof OperationalError) {
      // Nothing was decided: the proposal waits again, for a retry.
      await store.updateProposal({ ...current, updatedAt: claimed.updatedAt + 1 }, claimed.updatedAt);
      throw e;
    }
    outcome = { status: 'failed', error: `${e.code}: ${e.message}` };
  }
  const decided: Proposal = {
    ...claimed,
    ...outcome,
    updatedAt: Math.max(clock.now(), claimed.updatedAt + 1),
  };
  await store.updateProposal(decided, claimed.updatedAt);
  return decided;
}
