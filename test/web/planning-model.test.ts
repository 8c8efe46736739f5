/** The Planning page's pure parts (web/src/planning-model.ts): wire shapes, how a proposal reads, late orders. */
import { describe, expect, it } from 'vitest';
import {
  SchedulesResponse,
  changeRows,
  compareObjective,
  ganttWidth,
  isProposalNote,
  lateOrders,
  machineName,
  orderCount,
  shortenPaths,
  triggerText,
  utcClock,
  type Schedule,
} from '../../web/src/planning-model.js';

const ORIGIN = Date.parse('2026-06-01T06:00:00Z');
const MIN = 60_000;
const LINE = 'acme/plant1/stamping/line1';
const at = (minutes: number) => ORIGIN + minutes * MIN;

function schedule(fields: Partial<Schedule> = {}): Schedule {
  return {
    id: 'SCH-000002',
    status: 'proposed',
    createdAt: at(10),
    createdBy: 'system',
    updatedAt: at(10),
    origin: ORIGIN,
    operations: [
      {
        order: 'SO-1001',
        operation: 'stamp',
        machine: `${LINE}/press1`,
        start: at(0),
        end: at(30),
        setupMs: 0,
      },
      {
        order: 'SO-1001',
        operation: 'mill',
        machine: 'acme/plant1/cell/mill1',
        start: at(30),
        end: at(70),
        setupMs: 0,
      },
      {
        order: 'SO-1002',
        operation: 'stamp',
        machine: `${LINE}/press2`,
        start: at(20),
        end: at(45),
        setupMs: 0,
      },
    ],
    endTs: at(70),
    makespanMinutes: 70,
    weightedTardinessMinutes: 0,
    value: 70,
    ...fields,
  };
}

describe('the wire shape', () => {
  it('reads a proposal as the server sends it, nulls for absent fields, and new kinds as they are', () => {
    const parsed = SchedulesResponse.parse({
      schedules: [
        {
          ...schedule(),
          objective: { makespan: 1, tardiness: 1 },
          trigger: { kind: 'machine_down', summary: 'x', asset: `${LINE}/press3`, ts: at(10), until: at(70) },
          baseId: 'SCH-000001',
          changes: [
            {
              order: 'SO-1001',
              operation: 'stamp',
              kind: 'swapped',
              from: null,
              to: { machine: 'm', start: 1, end: 2 },
            },
          ],
          comparison: { before: 251, after: 221, disruption: 12 },
          decision: null,
        },
      ],
    });
    expect(parsed.schedules[0]?.changes?.[0]?.kind).toBe('swapped');
    expect(parsed.schedules[0]?.trigger?.until).toBe(at(70));
    expect(() => SchedulesResponse.parse({ schedules: [{ id: 'SCH-1' }] })).toThrow();
  });
});

describe('names, paths and times', () => {
  it('names a machine by its last segment and shortens the paths in a sentence', () => {
    expect(machineName(`${LINE}/press3`)).toBe('press3');
    expect(machineName('press3')).toBe('press3');
    expect(
      shortenPaths(`${LINE}/press3 went down (bearing_overheat) with 3 operation(s) planned on it`),
    ).toBe('…/press3 went down (bearing_overheat) with 3 operation(s) planned on it');
    // Two segments are not an asset path worth shortening (a ratio, "and/or").
    expect(shortenPaths('SO-1001 and/or SO-1002')).toBe('SO-1001 and/or SO-1002');
  });

  it('reads times as the Gantt axis does: UTC, the day only when it is not the plan’s', () => {
    expect(utcClock(at(65), ORIGIN)).toBe('07:05');
    expect(utcClock(Date.parse('2026-06-02T00:30:00Z'), ORIGIN)).toBe('06-02 00:30');
  });

  it('turns a manual machine_down summary into clock times', () => {
    const summary = `${LINE}/press3 unavailable ${new Date(at(10)).toISOString()} – ${new Date(at(70)).toISOString()}`;
    expect(triggerText(summary, ORIGIN)).toBe('…/press3 unavailable 06:10 – 07:10 (UTC)');
    expect(triggerText('rush order SO-1013', ORIGIN)).toBe('rush order SO-1013');
  });

  it('asks for a Gantt as wide as its panel, within the server’s bounds', () => {
    expect(ganttWidth(930.6)).toBe(930);
    expect(ganttWidth(120)).toBe(400);
    expect(ganttWidth(9000)).toBe(4000);
    expect(ganttWidth(0)).toBe(1200);
  });
});

describe('a proposal', () => {
  it('lists its changes in the order they now start, machines shortened, an added operation from nowhere', () => {
    const rows = changeRows({
      origin: ORIGIN,
      changes: [
        {
          order: 'SO-1002',
          operation: 'stamp',
          kind: 'moved',
          from: { machine: `${LINE}/press2`, start: at(20), end: at(45) },
          to: { machine: `${LINE}/press2`, start: at(50), end: at(75) },
        },
        {
          order: 'SO-1013',
          operation: 'stamp',
          kind: 'added',
          to: { machine: `${LINE}/press1`, start: at(30), end: at(55) },
        },
        {
          order: 'SO-1001',
          operation: 'stamp',
          kind: 'machine_changed',
          from: { machine: `${LINE}/press3`, start: at(10), end: at(40) },
          to: { machine: `${LINE}/press1`, start: at(30), end: at(55) },
        },
      ],
    });
    expect(rows.map((r) => [r.order, r.kind, r.from, r.to])).toEqual([
      ['SO-1001', 'machine changed', 'press3 06:10–06:40', 'press1 06:30–06:55'],
      ['SO-1013', 'added', '', 'press1 06:30–06:55'],
      ['SO-1002', 'moved', 'press2 06:20–06:45', 'press2 06:50–07:15'],
    ]);
    expect(rows[0]?.fromMachine).toBe(`${LINE}/press3`);
    expect(changeRows({ origin: ORIGIN, changes: null })).toEqual([]);
  });

  it('compares its objective with the old plan repaired: better, worse, the same', () => {
    expect(compareObjective({ before: 251, after: 221, disruption: 12 })).toEqual({
      text: '251 → 221 min',
      delta: -30,
      deltaText: '−30 min',
      disruption: '12',
    });
    expect(compareObjective({ before: 100, after: 104, disruption: 0 })?.deltaText).toBe('+4 min');
    expect(compareObjective({ before: 100, after: 100, disruption: 0 })?.deltaText).toBe('±0 min');
    expect(compareObjective(undefined)).toBeUndefined();
  });

  it('is announced by the rescheduler’s note, not by other notes', () => {
    expect(isProposalNote({ kind: 'note', message: 'Rescheduling proposal SCH-000002: … down' })).toBe(true);
    expect(isProposalNote({ kind: 'note', message: 'Shift handover' })).toBe(false);
    expect(isProposalNote({ kind: 'alarm', message: 'Rescheduling proposal SCH-000002' })).toBe(false);
    expect(isProposalNote({ kind: 'note', message: null })).toBe(false);
  });
});

describe('orders in a schedule', () => {
  it('counts the orders and finds the late ones by their last operation, the latest first', () => {
    const plan = schedule();
    expect(orderCount(plan)).toBe(2);
    expect(
      lateOrders(plan, [
        { id: 'SO-1001', dueTs: at(60) }, // its mill ends at 70: 10 min late (its stamp alone would be on time)
        { id: 'SO-1002', dueTs: at(45) }, // exactly on time
        { id: 'SO-1003', dueTs: at(0) }, // not in the plan
        { id: 'SO-1004', dueTs: null },
      ]),
    ).toEqual([{ id: 'SO-1001', lateMinutes: 10 }]);
  });
});
