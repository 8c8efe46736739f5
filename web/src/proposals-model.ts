/**
 * The Approvals page, the pure part: the wire shape of /api/v1/proposals (mirroring Proposal in
 * src/domain/proposal.ts), who may decide what, how a preview, a result and a proposal's story read, and the address
 * of one proposal. No DOM here.
 */
import * as z from 'zod/mini';

// As in model.ts: optional fields accept null; statuses, origins and roles a newer server may extend stay open
// strings, so a new value shows as itself instead of blanking the page.
const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

export const Proposal = z.object({
  id: z.string(),
  operation: z.string(),
  input: z.optional(z.unknown()),
  summary: z.string(),
  preview: z.optional(z.unknown()),
  /** 'viewer' | 'operator' | 'planner' | 'engineer' | 'admin' today. */
  requiredRole: z.string(),
  /** 'pending' | 'approved' | 'rejected' | 'failed' today. */
  status: z.string(),
  requestedBy: z.string(),
  /** 'assistant' | 'user' today. */
  origin: z.string(),
  question: optionalString,
  reason: optionalString,
  createdAt: z.number(),
  updatedAt: z.number(),
  decidedBy: optionalString,
  decidedAt: optionalNumber,
  note: optionalString,
  result: z.optional(z.unknown()),
  error: optionalString,
});
export type Proposal = z.infer<typeof Proposal>;

export const Caller = z.object({ name: z.string(), role: z.string() });
export type Caller = z.infer<typeof Caller>;
export const ProposalsResponse = z.object({ proposals: z.array(Proposal), caller: Caller });
export type ProposalsResponse = z.infer<typeof ProposalsResponse>;
export const ProposalResponse = z.object({ proposal: Proposal });

export type Verdict = 'approve' | 'reject';

/** How often the list (and the tab's count of pending proposals) is reloaded. */
export const PROPOSALS_POLL_MS = 30_000;
/** How many proposals the page lists: the pending ones and the latest decided. */
export const PROPOSALS_LIMIT = 100;

/** Roles in increasing order of rights, as in src/domain/security.ts. */
export const ROLES = ['viewer', 'operator', 'planner', 'engineer', 'admin'] as const;

/**
 * Whether `role` holds the rights of `required`; an unknown role holds none, an unknown requirement is not met.
 * @example roleAtLeast('engineer', 'planner') // true
 */
export function roleAtLeast(role: string, required: string): boolean {
  const have = ROLES.findIndex((r) => r === role);
  const need = ROLES.findIndex((r) => r === required);
  return have >= 0 && need >= 0 && have >= need;
}

/** Whether the signed-in user may approve or reject it: it waits, and their role reaches the change's. */
export function canDecide(
  proposal: Pick<Proposal, 'status' | 'requiredRole'>,
  caller: Caller | undefined,
): boolean {
  return (
    proposal.status === 'pending' && caller !== undefined && roleAtLeast(caller.role, proposal.requiredRole)
  );
}

/** Why the buttons are disabled, or '' when they are not. */
export function decideHint(
  proposal: Pick<Proposal, 'status' | 'requiredRole'>,
  caller: Caller | undefined,
): string {
  if (proposal.status !== 'pending') return '';
  if (caller === undefined) return 'Loading who you are…';
  if (canDecide(proposal, caller)) return '';
  return `Needs the ${proposal.requiredRole} role; you (${caller.name}) are ${caller.role}`;
}

export function pendingCount(proposals: readonly Pick<Proposal, 'status'>[]): number {
  return proposals.filter((p) => p.status === 'pending').length;
}

/** Pending first (oldest first: the longest waiting on top), then the decided ones, newest decision first. */
export function sortProposals<P extends Pick<Proposal, 'status' | 'createdAt' | 'updatedAt' | 'id'>>(
  proposals: readonly P[],
): P[] {
  const pending = proposals.filter((p) => p.status === 'pending');
  const decided = proposals.filter((p) => p.status !== 'pending');
  return [
    ...pending.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)),
    ...decided.sort((a, b) => b.updatedAt - a.updatedAt || b.id.localeCompare(a.id)),
  ];
}

/**
 * Who asked, and how.
 * @example askedText({ requestedBy: 'vera', origin: 'assistant' }) // 'vera, through the assistant'
 */
export function askedText(proposal: Pick<Proposal, 'requestedBy' | 'origin'>): string {
  if (proposal.origin === 'assistant') return `${proposal.requestedBy}, through the assistant`;
  if (proposal.origin === 'user') return proposal.requestedBy;
  return `${proposal.requestedBy} (${proposal.origin})`;
}

export function statusLabel(status: string): string {
  return (
    { pending: 'waiting', approved: 'approved', rejected: 'rejected', failed: 'failed' }[status] ??
    status.replaceAll('_', ' ')
  );
}

/** One line of a preview: where in it (for tests and titles), a label for people, the value as text. */
export interface PreviewRow {
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

/** Items of a list shown one per row; the rest are counted in one more. */
export const MAX_LIST_ROWS = 20;

/**
 * A preview (or a result) as rows a person reads: nested records flattened ("Work order › title"), a change
 * `{ from, to }` as "open → done", instants (keys ending in ts, Ts or At) as UTC date and time, lists one item
 * per row, a record in a list as "key value · key value".
 * @example previewRows({ status: { from: 'open', to: 'done' } }) // [{ key: 'status', label: 'Status', value: 'open → done' }]
 */
export function previewRows(preview: unknown): PreviewRow[] {
  const rows: PreviewRow[] = [];
  const visit = (value: unknown, path: readonly string[]): void => {
    const key = path.join('.');
    const label = path.map(humanize).join(' › ');
    if (isRecord(value) && isChange(value)) {
      rows.push({
        key,
        label,
        value: `${scalarText(value['from'], 'from')} → ${scalarText(value['to'], 'to')}`,
      });
      return;
    }
    if (isRecord(value)) {
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      if (entries.length === 0 && path.length > 0) rows.push({ key, label, value: '—' });
      for (const [k, v] of entries) visit(v, [...path, k]);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0 || value.every((v) => !isRecord(v) && !Array.isArray(v))) {
        rows.push({
          key,
          label,
          value: value.length === 0 ? '—' : value.map((v) => scalarText(v, '')).join(', '),
        });
        return;
      }
      value.slice(0, MAX_LIST_ROWS).forEach((item, i) => {
        rows.push({ key: `${key}.${i}`, label: `${label} ${i + 1}`, value: itemText(item) });
      });
      if (value.length > MAX_LIST_ROWS) {
        rows.push({ key: `${key}.more`, label, value: `… and ${value.length - MAX_LIST_ROWS} more` });
      }
      return;
    }
    rows.push({ key, label: label || 'Value', value: scalarText(value, path.at(-1) ?? '') });
  };
  visit(preview, []);
  return rows;
}

/** What an approved proposal's change returned, in one line where it is a record the page knows. */
export function resultText(result: unknown): string {
  if (isRecord(result)) {
    const record = ['workOrder', 'schedule', 'order', 'proposal'].map((k) => result[k]).find(isRecord);
    if (record && typeof record['id'] === 'string') {
      const status =
        typeof record['status'] === 'string' ? ` (${record['status'].replaceAll('_', ' ')})` : '';
      const title = typeof record['title'] === 'string' ? ` “${record['title']}”` : '';
      return `${record['id']}${title}${status}`;
    }
    if (typeof result['accepted'] === 'number') {
      const rejected = typeof result['rejected'] === 'number' ? result['rejected'] : 0;
      return `${result['accepted']} accepted, ${rejected} rejected`;
    }
  }
  return itemText(result);
}

/** A work order or schedule the result names, to link to: its kind and id. */
export function resultRecord(result: unknown): { kind: 'workOrder' | 'schedule'; id: string } | undefined {
  if (!isRecord(result)) return undefined;
  for (const kind of ['workOrder', 'schedule'] as const) {
    const record = result[kind];
    if (isRecord(record) && typeof record['id'] === 'string') return { kind, id: record['id'] };
  }
  return undefined;
}

/**
 * The address fragment of one proposal on the Approvals page (the assistant links there).
 * @example proposalFragment('PR-000042') // 'view=approvals&proposal=PR-000042'
 */
export function proposalFragment(id: string): string {
  return `view=approvals&proposal=${encodeURIComponent(id)}`;
}

/** A proposal id as the server writes them, PR-000042. */
export function isProposalId(value: string | undefined): value is string {
  return value !== undefined && /^PR-\d{6,}$/.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isChange(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes('from') && keys.includes('to');
}

/** "makespanMinutes" → "Makespan minutes", "workOrder" → "Work order", "dueTs" → "Due", "ts" → "Time". */
function humanize(key: string): string {
  if (key === 'ts') return 'Time';
  const words = key
    .replace(/(.)Ts$/, '$1')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const TIME_KEY = /(^ts$|Ts$|At$)/;

function scalarText(value: unknown, key: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && TIME_KEY.test(key) && value > 1e11) return utcText(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A record on one line: "kind alarm · asset …/press3 · ts 2026-06-08 06:00 UTC". */
function itemText(item: unknown): string {
  if (!isRecord(item)) return Array.isArray(item) ? JSON.stringify(item) : scalarText(item, '');
  return Object.entries(item)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k} ${isRecord(v) || Array.isArray(v) ? JSON.stringify(v) : scalarText(v, k)}`)
    .join(' · ');
}

/** "2026-06-08 06:00 UTC" (seconds when there are any). */
export function utcText(ts: number): string {
  const iso = new Date(ts).toISOString();
  const seconds = iso.slice(17, 19) !== '00' ? iso.slice(16, 19) : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}
