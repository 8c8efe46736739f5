/** The Approvals page's pure parts (web/src/proposals-model.ts): wire shape, who may decide, previews, results. */
import { describe, expect, it } from 'vitest';
import {
  MAX_LIST_ROWS,
  ProposalsResponse,
  askedText,
  canDecide,
  decideHint,
  isProposalId,
  pendingCount,
  previewRows,
  proposalFragment,
  resultRecord,
  resultText,
  roleAtLeast,
  sortProposals,
  statusLabel,
  utcText,
  type Proposal,
} from '../../web/src/proposals-model.js';

const AT = Date.parse('2026-06-08T06:00:00Z');
const PRESS3 = 'acme/plant1/stamping/line1/press3';

/** A proposal as the server sends it (src/app/operations/proposals.ts proposals.list). */
function proposal(fields: Partial<Proposal> = {}): Proposal {
  return {
    id: 'PR-000001',
    operation: 'workorders.create',
    input: { asset: PRESS3, title: 'Replace the bearing' },
    summary: `Open a medium-priority corrective work order on press3 (${PRESS3}): “Replace the bearing”`,
    preview: { workOrder: { asset: PRESS3, title: 'Replace the bearing', status: 'open' } },
    requiredRole: 'operator',
    status: 'pending',
    requestedBy: 'vera',
    origin: 'user',
    createdAt: AT,
    updatedAt: AT,
    result: undefined,
    ...fields,
  };
}

describe('proposals on the wire', () => {
  it('parses the list with the caller, absent and null optional fields alike', () => {
    const body = {
      proposals: [
        { ...proposal(), question: null, decidedBy: null, note: null, error: null },
        {
          ...proposal({
            id: 'PR-000002',
            status: 'approved',
            origin: 'assistant',
            question: 'open a work order',
          }),
          decidedBy: 'erin',
          decidedAt: AT + 60_000,
          result: { workOrder: { id: 'WO-000001', status: 'open' } },
        },
      ],
      caller: { name: 'erin', role: 'engineer' },
    };
    const parsed = ProposalsResponse.parse(body);
    expect(parsed.proposals.map((p) => [p.id, p.status, p.question ?? null])).toEqual([
      ['PR-000001', 'pending', null],
      ['PR-000002', 'approved', 'open a work order'],
    ]);
    expect(parsed.caller).toEqual({ name: 'erin', role: 'engineer' });
    expect(ProposalsResponse.safeParse({ proposals: [], caller: { name: 'x' } }).success).toBe(false);
    // A pending proposal has no result: the key is absent from the JSON.
    const { result: _none, ...pending } = proposal();
    expect(
      ProposalsResponse.parse({ proposals: [pending], caller: { name: 'x', role: 'viewer' } }).proposals,
    ).toHaveLength(1);
  });
});

describe('who may decide', () => {
  it('orders roles as the server does; unknown roles hold and meet nothing', () => {
    expect(roleAtLeast('engineer', 'planner')).toBe(true);
    expect(roleAtLeast('planner', 'planner')).toBe(true);
    expect(roleAtLeast('operator', 'planner')).toBe(false);
    expect(roleAtLeast('admin', 'engineer')).toBe(true);
    expect(roleAtLeast('superuser', 'viewer')).toBe(false);
    expect(roleAtLeast('admin', 'owner')).toBe(false);
  });

  it('lets a user decide a pending proposal when their role reaches the change’s, and says why not', () => {
    const p = proposal({ requiredRole: 'planner' });
    expect(canDecide(p, { name: 'paula', role: 'planner' })).toBe(true);
    expect(canDecide(p, { name: 'oscar', role: 'operator' })).toBe(false);
    expect(canDecide(p, undefined)).toBe(false);
    expect(canDecide({ ...p, status: 'approved' }, { name: 'ada', role: 'admin' })).toBe(false);
    expect(decideHint(p, { name: 'oscar', role: 'operator' })).toBe(
      'Needs the planner role; you (oscar) are operator',
    );
    expect(decideHint(p, { name: 'paula', role: 'planner' })).toBe('');
    expect(decideHint({ ...p, status: 'rejected' }, { name: 'oscar', role: 'operator' })).toBe('');
  });
});

describe('the list', () => {
  it('counts the pending and puts them first, longest waiting on top, then the latest decisions', () => {
    const list = [
      proposal({ id: 'PR-000001', status: 'approved', createdAt: AT, updatedAt: AT + 5 }),
      proposal({ id: 'PR-000002', status: 'pending', createdAt: AT + 2, updatedAt: AT + 2 }),
      proposal({ id: 'PR-000003', status: 'failed', createdAt: AT + 3, updatedAt: AT + 9 }),
      proposal({ id: 'PR-000004', status: 'pending', createdAt: AT + 1, updatedAt: AT + 1 }),
    ];
    expect(pendingCount(list)).toBe(2);
    expect(sortProposals(list).map((p) => p.id)).toEqual([
      'PR-000004',
      'PR-000002',
      'PR-000003',
      'PR-000001',
    ]);
  });

  it('says who asked and how, and names the statuses', () => {
    expect(askedText({ requestedBy: 'vera', origin: 'assistant' })).toBe('vera, through the assistant');
    expect(askedText({ requestedBy: 'vera', origin: 'user' })).toBe('vera');
    expect(askedText({ requestedBy: 'vera', origin: 'email' })).toBe('vera (email)');
    expect(statusLabel('pending')).toBe('waiting');
    expect(statusLabel('failed')).toBe('failed');
    expect(statusLabel('on_hold')).toBe('on hold');
  });
});

describe('previews', () => {
  it('flattens a work order, changes as from → to, instants in UTC', () => {
    const rows = previewRows({
      workOrder: { id: 'WO-000007', title: 'Close the guard', dueTs: Date.parse('2026-06-09T14:30:00Z') },
      status: { from: 'in_progress', to: 'done' },
      assignee: { from: null, to: 'ben' },
      links: { events: [] },
    });
    expect(rows).toEqual([
      { key: 'workOrder.id', label: 'Work order › Id', value: 'WO-000007' },
      { key: 'workOrder.title', label: 'Work order › Title', value: 'Close the guard' },
      { key: 'workOrder.dueTs', label: 'Work order › Due', value: '2026-06-09 14:30 UTC' },
      { key: 'status', label: 'Status', value: 'in_progress → done' },
      { key: 'assignee', label: 'Assignee', value: '— → ben' },
      { key: 'links.events', label: 'Links › Events', value: '—' },
    ]);
  });

  it('shows a schedule’s figures and the one it supersedes', () => {
    const rows = previewRows({
      schedule: { id: 'SCH-000003', makespanMinutes: 412, status: { from: 'proposed', to: 'active' } },
      supersedes: { id: 'SCH-000002', makespanMinutes: 400 },
    });
    expect(rows.map((r) => `${r.label}: ${r.value}`)).toEqual([
      'Schedule › Id: SCH-000003',
      'Schedule › Makespan minutes: 412',
      'Schedule › Status: proposed → active',
      'Supersedes › Id: SCH-000002',
      'Supersedes › Makespan minutes: 400',
    ]);
  });

  it('lists records one per row, at most twenty, and the rest counted', () => {
    const events = Array.from({ length: MAX_LIST_ROWS + 3 }, (_, i) => ({
      kind: 'note',
      ts: AT + i * 1000,
      asset: PRESS3,
    }));
    const rows = previewRows({ events, count: events.length });
    expect(rows).toHaveLength(MAX_LIST_ROWS + 2);
    expect(rows[0]).toEqual({
      key: 'events.0',
      label: 'Events 1',
      value: `kind note · ts 2026-06-08 06:00 UTC · asset ${PRESS3}`,
    });
    expect(rows[1]?.value).toBe(`kind note · ts 2026-06-08 06:00:01 UTC · asset ${PRESS3}`);
    expect(rows[MAX_LIST_ROWS]).toEqual({ key: 'events.more', label: 'Events', value: '… and 3 more' });
    expect(rows[MAX_LIST_ROWS + 1]).toEqual({ key: 'count', label: 'Count', value: '23' });
  });

  it('shows a generic preview’s input and a bare value', () => {
    expect(previewRows({ description: 'Add a tag.', input: { name: 'oil_temp', tags: ['a', 'b'] } })).toEqual(
      [
        { key: 'description', label: 'Description', value: 'Add a tag.' },
        { key: 'input.name', label: 'Input › Name', value: 'oil_temp' },
        { key: 'input.tags', label: 'Input › Tags', value: 'a, b' },
      ],
    );
    expect(previewRows('just text')).toEqual([{ key: '', label: 'Value', value: 'just text' }]);
    // Small numbers under a time-like key are not instants.
    expect(previewRows({ count: 3, retryAt: 5 })[1]?.value).toBe('5');
  });
});

describe('results and addresses', () => {
  it('says what an approved change returned', () => {
    const result = { workOrder: { id: 'WO-000001', title: 'Replace the bearing', status: 'in_progress' } };
    expect(resultText(result)).toBe('WO-000001 “Replace the bearing” (in progress)');
    expect(resultRecord(result)).toEqual({ kind: 'workOrder', id: 'WO-000001' });
    expect(resultText({ schedule: { id: 'SCH-000004', status: 'active' } })).toBe('SCH-000004 (active)');
    expect(resultRecord({ schedule: { id: 'SCH-000004' } })).toEqual({ kind: 'schedule', id: 'SCH-000004' });
    expect(resultText({ accepted: 2, rejected: 1, errors: [] })).toBe('2 accepted, 1 rejected');
    expect(resultText({ tag: { path: 'x/y' } })).toBe('tag {"path":"x/y"}');
    expect(resultRecord({ accepted: 1 })).toBeUndefined();
  });

  it('writes the fragment the assistant links to, and knows a proposal id', () => {
    expect(proposalFragment('PR-000042')).toBe('view=approvals&proposal=PR-000042');
    expect(isProposalId('PR-000042')).toBe(true);
    expect(isProposalId('PR-42')).toBe(false);
    expect(isProposalId(undefined)).toBe(false);
    expect(utcText(Date.parse('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05 UTC');
  });
});
