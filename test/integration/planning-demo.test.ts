/**
 * The demo plant's order book, scheduled at start, and the live connection: press 3's bearing trips while it has
 * work planned, the machine-state event produces a rescheduling proposal (the active plan untouched), a viewer may
 * not approve it, an engineer does, and the audit log records who. Real store, ingest pipeline and simulator.
 */
import { describe, expect, it } from 'vitest';
import type { Principal, Schedule } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { PRESS3, tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-06-08T06:00:00Z');
const HOUR = 3_600_000;
const erin: Principal = { id: 'u-erin', name: 'erin', role: 'engineer' };
const victor: Principal = { id: 'u-victor', name: 'victor', role: 'viewer' };

/** Operations on one machine must not overlap (setups included), nor run before `notBefore` if they moved. */
function overlaps(schedule: Schedule): string[] {
  const byMachine = new Map<string, Schedule['operations']>();
  for (const op of schedule.operations) byMachine.set(op.machine, [...(byMachine.get(op.machine) ?? []), op]);
  const problems: string[] = [];
  for (const [machine, ops] of byMachine) {
    const sorted = [...ops].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const op = sorted[i];
      if (prev && op && op.start - op.setupMs < prev.end)
        problems.push(`${machine}: ${prev.order} / ${op.order}`);
    }
  }
  return problems;
}

describe('scheduling the demo plant', () => {
  it('proposes a repaired plan when press 3 goes down; an engineer approves it, and it is audited', async () => {
    using dir = tempDir();
    let now = START;
    const clock = { now: () => now };
    await using core = await openCore({
      dataDir: dir.path,
      ingest: loadConfig({}).ingest,
      clock,
      rescheduleTimeLimitMs: 500,
    });
    const { app } = core;
    const call = (op: string, input: unknown, who: Principal = SYSTEM_PRINCIPAL) =>
      app.call(op, input, who) as Promise<any>;
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);

    // The demo's supply side: four items, each forecast at start (the spare bearing by an intermittent method).
    const { items } = await call('items.list', {});
    expect(items.map((i: { id: string }) => i.id)).toEqual([
      'bearing-6312',
      'bracket-A',
      'bracket-B',
      'bracket-C',
    ]);
    const bearing = (await call('forecasts.list', { item: 'bearing-6312' })).forecasts[0];
    expect(['Croston', 'SBA', 'TSB']).toContain(bearing.model);

    const { schedule: active } = await call('schedule.get', {});
    expect(active.status).toBe('active');
    expect(new Set(active.operations.map((o: { order: string }) => o.order)).size).toBe(12);
    expect(overlaps(active)).toEqual([]);
    const onPress3 = active.operations.filter((o: { machine: string }) => o.machine === PRESS3);
    expect(onPress3.length).toBeGreaterThan(0);

    // Run the plant until press 3's bearing trips (its first fault develops 10–40 min after the start).
    const { disturbances } = await runDemoHours(app, {
      seed: 21,
      start: START,
      hours: 2,
      meanShiftMeanIntervalS: 6 * 3600,
    });
    now = START + 2 * HOUR;
    await app.services.rescheduler.settled();
    const trip = disturbances.find((d) => d.kind === 'bearing_fault' && d.tripTs !== undefined);
    expect(trip).toBeDefined();
    const tripTs = trip?.kind === 'bearing_fault' ? (trip.tripTs ?? 0) : 0;
    const workAfterTrip = onPress3.filter((o: { end: number }) => o.end > tripTs);
    expect(workAfterTrip.length).toBeGreaterThan(0);

    const { schedules } = await call('schedule.list', { status: 'proposed' });
    const proposal = schedules.find((s: Schedule) => s.trigger?.asset === PRESS3);
    expect(proposal, JSON.stringify(schedules.map((s: Schedule) => s.trigger))).toBeDefined();
    expect(proposal.trigger).toMatchObject({ kind: 'machine_down', ts: tripTs });
    expect(proposal.trigger.summary).toMatch(/press3 went down \(bearing_overheat\)/);
    expect(proposal.baseId).toBe(active.id);
    expect(proposal.changes.length).toBeGreaterThan(0);
    expect(overlaps(proposal)).toEqual([]);
    // Nothing on press 3 during its expected hour of repair; nothing moved into the past.
    for (const op of proposal.operations) {
      if (op.machine === PRESS3)
        expect(op.end <= tripTs || op.start - op.setupMs >= tripTs + HOUR).toBe(true);
    }
    for (const change of proposal.changes) expect(change.to.start).toBeGreaterThanOrEqual(tripTs);
    // The plan in force is still the old one, and the plant was told a proposal waits.
    expect((await call('schedule.get', {})).schedule.id).toBe(active.id);
    const notes = await app.services.store.listEvents({
      from: START,
      to: now + 1,
      kinds: ['note'],
      limit: 100,
    });
    expect(notes.some((e) => e.message?.includes(`Rescheduling proposal ${proposal.id}`))).toBe(true);

    await expect(call('schedule.approve', { id: proposal.id }, victor)).rejects.toThrow(
      /schedule.approve needs the planner role; "victor" is viewer/,
    );
    const approved = await call(
      'schedule.approve',
      { id: proposal.id, note: 'press 3 out for the repair' },
      erin,
    );
    expect(approved.schedule).toMatchObject({
      id: proposal.id,
      status: 'active',
      decision: { by: 'erin', verdict: 'approved', note: 'press 3 out for the repair' },
    });
    expect((await call('schedule.get', {})).schedule.id).toBe(proposal.id);
    expect((await call('schedule.get', { id: active.id })).schedule.status).toBe('superseded');
    await expect(call('schedule.approve', { id: proposal.id }, erin)).rejects.toThrow(
      /is active, not a proposal/,
    );

    const audit = await app.services.store.listAudit({ limit: 100 });
    const entries = audit.filter((e) => e.operation === 'schedule.approve');
    expect(entries.map((e) => [e.principal, e.outcome])).toContainEqual(['erin (u-erin)', 'ok']);
    // The viewer's refused attempt is there too.
    expect(entries.find((e) => e.principal === 'victor (u-victor)')).toMatchObject({
      outcome: 'error',
      error: expect.stringMatching(/^forbidden: schedule.approve needs the planner role/),
    });
    expect(JSON.parse(entries.find((e) => e.outcome === 'ok')?.input ?? '{}')).toMatchObject({
      id: proposal.id,
    });
  }, 120_000);
});
