/**
 * Proposals through the App on a real store: a viewer proposes a work order (nothing is written, the preview shows
 * it), may not approve it (refused and audited), an engineer does (it runs as the engineer, audited); rejection;
 * deciding twice or at once; proposals refused for a read-only, unknown or administrative operation or a bad input;
 * a change that can no longer be made when approved fails with its reason; schedules approved through a proposal;
 * what the assistant calls (proposeChange) directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeChange } from '../../src/app/proposals.js';
import type { App } from '../../src/app/registry.js';
import { IN_PROCESS_PLAN_SOLVER } from '../../src/app/planning/planner.js';
import type { AuditEntry, Principal, Proposal, Schedule, WorkOrder } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { PRESS3, PRESS3_CHAIN, tempDir } from '../helpers/platform.js';

const NOW = Date.parse('2026-06-08T06:00:00Z');
const PRESS1 = 'acme/plant1/stamping/line1/press1';
const vera: Principal = { id: 'u-vera', name: 'vera', role: 'viewer' };
const oscar: Principal = { id: 'u-oscar', name: 'oscar', role: 'operator' };
const paula: Principal = { id: 'u-paula', name: 'paula', role: 'planner' };
const erin: Principal = { id: 'u-erin', name: 'erin', role: 'engineer' };
const emil: Principal = { id: 'u-emil', name: 'emil', role: 'engineer' };

describe('proposals', () => {
  const dir = tempDir();
  let app: App;
  let close: () => Promise<void>;
  let now = NOW;

  const call = <T = any>(op: string, input: unknown, who: Principal = SYSTEM_PRINCIPAL) =>
    app.call(op, input, who) as Promise<T>;
  const propose = async (operation: string, input: unknown, who: Principal = vera, reason?: string) =>
    (await call<{ proposal: Proposal }>('proposals.create', { operation, input, reason }, who)).proposal;
  const decide = async (verdict: 'approve' | 'reject', id: string, who: Principal, note?: string) =>
    (await call<{ proposal: Proposal }>(`proposals.${verdict}`, { id, note }, who)).proposal;
  const audit = async () => (await call<{ entries: AuditEntry[] }>('audit.list', { limit: 1000 })).entries;
  const workOrders = async () => (await call<{ workOrders: WorkOrder[] }>('workorders.list', {})).workOrders;
  /** The error a call is refused with, as `code: message`. */
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
    );

  beforeAll(async () => {
    const core = await openCore({
      dataDir: dir.path,
      ingest: loadConfig({}).ingest,
      clock: { now: () => now },
      planSolver: IN_PROCESS_PLAN_SOLVER,
    });
    app = core.app;
    close = async () => {
      await core[Symbol.asyncDispose]();
      dir[Symbol.dispose]();
    };
    for (const [path, level] of [...PRESS3_CHAIN, [PRESS1, 'equipment'] as const]) {
      await call('assets.create', { path, level, name: path.split('/').pop() });
    }
  });
  afterAll(async () => {
    await close?.();
  });

  it('a viewer proposes a work order; nothing is written until an engineer approves it, as the engineer', async () => {
    const proposal = await propose(
      'workorders.create',
      { asset: PRESS3, title: 'Replace the drive-end bearing', kind: 'predictive', priority: 'high' },
      vera,
      'vibration keeps rising',
    );
    expect(proposal).toMatchObject({
      id: 'PR-000001',
      operation: 'workorders.create',
      status: 'pending',
      requiredRole: 'operator',
      requestedBy: 'vera',
      origin: 'user',
      reason: 'vibration keeps rising',
      createdAt: NOW,
      updatedAt: NOW,
      summary: `Open a high-priority predictive work order on press3 (${PRESS3}): “Replace the drive-end bearing”`,
    });
    // The preview: the work order as it would be written, defaults filled in.
    expect(proposal.preview).toEqual({
      workOrder: {
        asset: PRESS3,
        assetName: 'press3',
        title: 'Replace the drive-end bearing',
        kind: 'predictive',
        priority: 'high',
        status: 'open',
        links: { events: [] },
      },
    });
    expect(await workOrders()).toEqual([]);

    // The viewer may not approve it (creating a work order needs an operator): refused, and the refusal audited.
    expect(await refusal(decide('approve', proposal.id, vera))).toBe(
      'forbidden: approving PR-000001 needs the operator role (the role of workorders.create); "vera" is viewer',
    );
    const refused = (await audit()).filter((e) => e.operation === 'proposals.approve');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ principal: 'vera (u-vera)', outcome: 'error' });
    expect(refused[0]?.error).toMatch(/^forbidden: approving PR-000001 needs the operator role/);
    expect(await workOrders()).toEqual([]);

    now = NOW + 60_000;
    const approved = await decide('approve', proposal.id, erin, 'agreed, the trend is clear');
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: 'erin',
      decidedAt: NOW + 60_000,
      note: 'agreed, the trend is clear',
      requestedBy: 'vera',
    });
    expect(approved.error).toBeUndefined();
    const created = (approved.result as { workOrder: WorkOrder }).workOrder;
    expect(created).toMatchObject({
      id: 'WO-000001',
      status: 'open',
      asset: PRESS3,
      title: 'Replace the drive-end bearing',
      createdBy: 'erin',
      createdAt: NOW + 60_000,
    });
    expect((await workOrders()).map((w) => [w.id, w.createdBy])).toEqual([['WO-000001', 'erin']]);
    // Stored as returned.
    expect((await call('proposals.get', { id: proposal.id }, vera)).proposal).toEqual(approved);

    // The audit log: vera proposed, erin approved, and workorders.create ran as erin.
    const entries = await audit();
    const line = (operation: string, principal: string) =>
      entries.filter((e) => e.operation === operation && e.principal === principal).map((e) => e.outcome);
    expect(line('proposals.create', 'vera (u-vera)')).toEqual(['ok']);
    expect(line('proposals.approve', 'erin (u-erin)')).toEqual(['ok']);
    expect(line('workorders.create', 'erin (u-erin)')).toEqual(['ok']);
    expect(entries.filter((e) => e.operation === 'workorders.create')).toHaveLength(1);

    // Decided once: a second decision is refused, and nothing runs again.
    expect(await refusal(decide('approve', proposal.id, erin))).toBe(
      'conflict: proposal PR-000001 is already approved by erin; only a pending proposal can be approved or rejected',
    );
    expect(await refusal(decide('reject', proposal.id, erin))).toMatch(
      /^conflict: proposal PR-000001 is already approved/,
    );
    expect(await workOrders()).toHaveLength(1);
  });

  it('is rejected by someone who could approve it, and nothing changes', async () => {
    const proposal = await propose(
      'workorders.cancel',
      { id: 'WO-000001', note: 'duplicate of a PM job' },
      oscar,
    );
    expect(proposal).toMatchObject({ requiredRole: 'engineer', requestedBy: 'oscar', status: 'pending' });
    expect(proposal.summary).toBe(
      `Cancel work order WO-000001 “Replace the drive-end bearing” on ${PRESS3}: open → cancelled`,
    );
    expect(proposal.preview).toMatchObject({
      workOrder: { id: 'WO-000001', title: 'Replace the drive-end bearing', asset: PRESS3 },
      status: { from: 'open', to: 'cancelled' },
      note: 'duplicate of a PM job',
    });
    // Rejecting needs the same role as approving: the operator who asked may not.
    expect(await refusal(decide('reject', proposal.id, oscar))).toBe(
      'forbidden: rejecting PR-000002 needs the engineer role (the role of workorders.cancel); "oscar" is operator',
    );
    const rejected = await decide('reject', proposal.id, erin, 'it is not a duplicate');
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'erin', note: 'it is not a duplicate' });
    expect(rejected.result).toBeUndefined();
    expect((await call('workorders.get', { id: 'WO-000001' })).workOrder.status).toBe('open');
    expect(await refusal(decide('approve', proposal.id, erin))).toMatch(
      /^conflict: proposal PR-000002 is already rejected by erin/,
    );
    expect(
      (await call('proposals.list', { status: 'rejected' }, vera)).proposals.map((p: Proposal) => p.id),
    ).toEqual(['PR-000002']);
  });

  it('refuses to store a proposal for a read-only, unknown or administrative operation, or a bad input', async () => {
    const before = (await call('proposals.list', {}, vera)).proposals.length;
    expect(await refusal(propose('workorders.list', {}))).toBe(
      'invalid_input: operation: workorders.list changes nothing (it only reads): call it directly, no approval needed',
    );
    expect(await refusal(propose('assistant.ask', { question: 'open a work order' }))).toMatch(
      /^invalid_input: operation: assistant.ask changes nothing/,
    );
    expect(await refusal(propose('workorders.frobnicate', {}))).toBe(
      'invalid_input: operation: no operation "workorders.frobnicate"',
    );
    expect(await refusal(propose('tokens.create', { name: 'x', role: 'admin' }))).toMatch(
      /^invalid_input: operation: tokens.create is administration/,
    );
    expect(await refusal(propose('proposals.approve', { id: 'PR-000001' }))).toMatch(
      /^invalid_input: operation: proposals.approve is itself about proposals/,
    );
    // The input is validated as the operation's own call would validate it, every bad field named.
    const bad = await refusal(propose('workorders.create', { asset: PRESS3, priority: 'very high' }));
    expect(bad).toMatch(/^invalid_input: workorders.create: /);
    expect(bad).toMatch(/title: /);
    expect(bad).toMatch(/priority: /);
    expect(
      await refusal(propose('workorders.create', { asset: PRESS3, title: 'x', password: 'hunter2' })),
    ).toMatch(/^invalid_input: input: a proposal cannot carry passwords or secrets/);
    // A preview that cannot be worked out now is a refusal too: the asset is unknown, the step not allowed.
    expect(await refusal(propose('workorders.create', { asset: 'acme/nowhere', title: 'x' }))).toBe(
      'not_found: no asset "acme/nowhere"',
    );
    expect(await refusal(propose('workorders.approve', { id: 'WO-000001' }))).toBe(
      'conflict: work order WO-000001 is open; it cannot be approved',
    );
    expect((await call('proposals.list', {}, vera)).proposals).toHaveLength(before);
  });

  it('fails with the reason when the change can no longer be made at approval', async () => {
    const { workOrder } = await call<{ workOrder: WorkOrder }>(
      'workorders.create',
      { asset: PRESS1, title: 'Inspect the clutch', kind: 'inspection', proposed: true },
      oscar,
    );
    expect(workOrder.id).toBe('WO-000002');
    const proposal = await propose('workorders.approve', { id: workOrder.id });
    expect(proposal.summary).toBe(
      `Approve work order WO-000002 “Inspect the clutch” on ${PRESS1}: proposed → open`,
    );
    // Meanwhile an engineer opens it directly.
    await call('workorders.approve', { id: workOrder.id }, emil);
    const failed = await decide('approve', proposal.id, erin);
    expect(failed).toMatchObject({
      status: 'failed',
      decidedBy: 'erin',
      error: 'conflict: work order WO-000002 is open; it cannot be approved',
    });
    expect(failed.result).toBeUndefined();
    const tries = (await audit()).filter((e) => e.operation === 'workorders.approve');
    expect(tries.map((e) => [e.principal, e.outcome]).sort()).toEqual([
      ['emil (u-emil)', 'ok'],
      ['erin (u-erin)', 'error'],
    ]);
  });

  it('lets one of two people deciding at once win, and runs the change once', async () => {
    const proposal = await propose('workorders.create', { asset: PRESS1, title: 'Grease the slide' });
    const outcomes = await Promise.allSettled([
      decide('approve', proposal.id, erin),
      decide('approve', proposal.id, emil),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'conflict' });
    expect((await workOrders()).filter((w) => w.title === 'Grease the slide')).toHaveLength(1);
    expect((await call('proposals.get', { id: proposal.id })).proposal.status).toBe('approved');
  });

  it('previews events to be recorded, the invalid ones named, and records them when approved', async () => {
    const alarm = {
      kind: 'alarm',
      ts: NOW,
      asset: PRESS3,
      code: 'vib.high',
      severity: 'high',
      state: 'raised',
    };
    const note = { kind: 'note', ts: '2026-06-08T06:30:00Z', asset: PRESS3, message: 'bearing noisy' };
    const broken = {
      kind: 'alarm',
      ts: NOW,
      asset: PRESS3,
      code: 'vib.high',
      severity: 'apocalyptic',
      state: 'raised',
    };
    const proposal = await propose('events.create', { events: [alarm, note, broken] });
    expect(proposal.summary).toBe(
      `Record 2 events (1 alarm, 1 note) on ${PRESS3}; 1 would be rejected as invalid`,
    );
    const preview = proposal.preview as {
      events: unknown[];
      count: number;
      rejected: { index: number; reason: string }[];
    };
    expect(preview.count).toBe(2);
    expect(preview.events).toEqual([alarm, { ...note, ts: Date.parse('2026-06-08T06:30:00Z') }]);
    expect(preview.rejected).toHaveLength(1);
    expect(preview.rejected[0]?.index).toBe(2);
    expect(preview.rejected[0]?.reason).toMatch(/^severity: /);
    const before = (await call('events.list', { from: NOW - 1, to: NOW + 3_600_000 })).events.length;
    expect(before).toBe(0);
    const approved = await decide('approve', proposal.id, oscar);
    expect(approved.result).toMatchObject({ accepted: 2, rejected: 1 });
    const events = (await call('events.list', { from: NOW - 1, to: NOW + 3_600_000 })).events;
    expect(events.map((e: { kind: string }) => e.kind).sort()).toEqual(['alarm', 'note']);
  });

  it('describes an operation without a preview of its own by its description and validated input', async () => {
    const proposal = await propose('tags.create', { asset: PRESS3, name: 'oil_temp', unit: 'degC' });
    const op = app.operation('tags.create');
    expect(proposal.summary.startsWith('tags.create: ')).toBe(true);
    expect(op.description.startsWith(proposal.summary.slice('tags.create: '.length))).toBe(true);
    const preview = proposal.preview as { description: string; input: Record<string, unknown> };
    expect(preview.description).toBe(op.description);
    expect(preview.input).toEqual(op.input.parse({ asset: PRESS3, name: 'oil_temp', unit: 'degC' }));
    expect(proposal.requiredRole).toBe(op.permission);
  });

  it('proposes approving a rescheduled plan, with its figures and the plan it supersedes', async () => {
    const orders = ['SO-1', 'SO-2', 'SO-3'].map((id, i) => ({
      id,
      dueTs: NOW + (i + 1) * 3_600_000,
      operations: [
        {
          id: 'stamp',
          alternatives: [
            { machine: PRESS3, minutes: 30 },
            { machine: PRESS1, minutes: 45 },
          ],
        },
      ],
    }));
    await call('orders.create', { orders }, paula);
    const base = (await call<{ schedule: Schedule }>('schedule.solve', { from: NOW, timeLimit: 0.2 }, paula))
      .schedule;
    const repair = async () =>
      (
        await call<{ schedule: Schedule }>(
          'schedule.reschedule',
          { kind: 'machine_down', asset: PRESS3, from: now, to: now + 2 * 3_600_000, timeLimit: 0.2 },
          paula,
        )
      ).schedule;
    const first = await repair();
    expect(first).toMatchObject({ status: 'proposed', baseId: base.id });

    const proposal = await propose('schedule.approve', { id: first.id }, oscar);
    expect(proposal.requiredRole).toBe('planner');
    expect(proposal.summary).toBe(
      `Make schedule ${first.id} active (makespan ${first.makespanMinutes} min, weighted tardiness ` +
        `${first.weightedTardinessMinutes} min), superseding ${base.id} (makespan ${base.makespanMinutes} min, ` +
        `weighted tardiness ${base.weightedTardinessMinutes} min) — ${first.trigger?.summary}`,
    );
    expect(proposal.preview).toMatchObject({
      schedule: {
        id: first.id,
        status: { from: 'proposed', to: 'active' },
        makespanMinutes: first.makespanMinutes,
        weightedTardinessMinutes: first.weightedTardinessMinutes,
        changes: first.changes?.length ?? 0,
      },
      supersedes: {
        id: base.id,
        status: { from: 'active', to: 'superseded' },
        makespanMinutes: base.makespanMinutes,
      },
    });
    expect(await refusal(decide('approve', proposal.id, oscar))).toMatch(
      /^forbidden: approving .* needs the planner role/,
    );

    // The planner rejects the schedule itself meanwhile: approving the proposal then fails, the plan stays.
    await call('schedule.reject', { id: first.id }, paula);
    const failed = await decide('approve', proposal.id, paula);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(
      `conflict: schedule ${first.id} is rejected, not a proposal waiting for a decision`,
    );
    expect((await call('schedule.get', {})).schedule.id).toBe(base.id);

    // A fresh repair, proposed and approved: it becomes the active plan, the old one superseded.
    const second = await repair();
    const approveIt = await propose('schedule.approve', { id: second.id }, oscar);
    const approved = await decide('approve', approveIt.id, paula, 'press 3 is down for two hours');
    expect(approved.status).toBe('approved');
    expect((approved.result as { schedule: Schedule }).schedule).toMatchObject({
      id: second.id,
      status: 'active',
      decision: { by: 'paula', verdict: 'approved' },
    });
    expect((await call('schedule.get', {})).schedule.id).toBe(second.id);
    expect((await call('schedule.get', { id: base.id })).schedule.status).toBe('superseded');
  });

  it('is what the assistant calls from inside its handler (proposeChange), with the question kept', async () => {
    const proposal = await proposeChange({ services: app.services, operations: app.operations }, vera, {
      operation: 'workorders.assign',
      input: { id: 'WO-000002', assignee: 'ben' },
      origin: 'assistant',
      question: 'give the clutch inspection to ben',
    });
    expect(proposal).toMatchObject({
      origin: 'assistant',
      question: 'give the clutch inspection to ben',
      requestedBy: 'vera',
      requiredRole: 'operator',
      status: 'pending',
      summary: `Assign work order WO-000002 “Inspect the clutch” on ${PRESS1} to ben: open → assigned`,
      preview: { status: { from: 'open', to: 'assigned' }, assignee: { from: null, to: 'ben' } },
    });
    // With a lookup function instead of the list, the same.
    const lookup = (name: string) => app.operations.find((op) => op.name === name);
    expect(
      await refusal(
        proposeChange({ services: app.services, operations: lookup }, vera, {
          operation: 'workorders.nothing',
          input: {},
          origin: 'assistant',
        }),
      ),
    ).toBe('invalid_input: operation: no operation "workorders.nothing"');
    const approved = await decide('approve', proposal.id, oscar);
    expect((approved.result as { workOrder: WorkOrder }).workOrder).toMatchObject({
      assignee: 'ben',
      status: 'assigned',
    });
    const listed = await call<{ proposals: Proposal[]; caller: unknown }>(
      'proposals.list',
      { status: 'pending' },
      vera,
    );
    expect(listed.caller).toEqual({ name: 'vera', role: 'viewer' });
    expect(listed.proposals.map((p) => p.operation)).toEqual(['tags.create']);
  });
});
