/** The events panel's pure parts (web/src/events-model.ts): merging, active alarms versus history, how events read. */
import { describe, expect, it } from 'vitest';
import {
  EventListResponse,
  alarmHighlights,
  alarmKey,
  codeWords,
  contributionsText,
  eventText,
  eventsUnder,
  filterCounts,
  isEventFilter,
  kindLabel,
  matchesFilter,
  mergeEvents,
  relativeAsset,
  splitActive,
  type EventRecord,
} from '../../web/src/events-model.js';

const LINE = 'acme/plant1/stamping/line1';
const PRESS1 = `${LINE}/press1`;
const PRESS2 = `${LINE}/press2`;
const T = Date.parse('2026-06-01T08:00:00Z');

/** An event `min` minutes after T. */
function event(
  id: string,
  min: number,
  fields: Partial<EventRecord> & Pick<EventRecord, 'kind'>,
): EventRecord {
  return { id, ts: T + min * 60_000, asset: PRESS1, ...fields };
}

function spcAlarm(id: string, min: number, state: 'raised' | 'cleared', statistic = 'xbar'): EventRecord {
  return event(id, min, {
    kind: 'alarm',
    code: 'spc.nelson.1',
    severity: 'high',
    state,
    tag: `${PRESS1}/flange_height`,
    message: `${PRESS1}/flange_height: 1 point beyond 3σ`,
    data: { chart: 'press1-flange-height', statistic, rule: 'nelson.1' },
  });
}

const ids = (events: readonly EventRecord[]): string[] => events.map((e) => e.id);

describe('the wire shape', () => {
  it('keeps a machine state’s reason and accepts nulls for absent fields', () => {
    const parsed = EventListResponse.parse({
      events: [
        { id: '1', kind: 'machine_state', ts: T, asset: PRESS1, state: 'down', reason: 'bearing_overheat' },
        { id: '2', kind: 'note', ts: T, asset: PRESS1, message: null, data: null, tag: null },
      ],
    });
    expect(parsed.events[0]?.reason).toBe('bearing_overheat');
    expect(parsed.events[1]?.message).toBeNull();
    expect(EventListResponse.safeParse({ events: [{ id: '3', kind: 'alarm', asset: PRESS1 }] }).success).toBe(
      false,
    );
  });
});

describe('mergeEvents', () => {
  it('lists each id once, newest first, the later copy winning, capped', () => {
    const listed = [
      event('a', 1, { kind: 'machine_state', state: 'down' }),
      event('b', 3, { kind: 'note', message: 'shift change' }),
    ];
    const streamed = [
      event('a', 1, { kind: 'machine_state', state: 'down', reason: 'tool_change' }),
      event('c', 2, { kind: 'note', message: 'later' }),
    ];
    const merged = mergeEvents(listed, streamed);
    expect(ids(merged)).toEqual(['b', 'c', 'a']);
    expect(merged.find((e) => e.id === 'a')?.reason).toBe('tool_change');
    expect(ids(mergeEvents(listed, streamed, 2))).toEqual(['b', 'c']);
  });

  it('orders events of the same millisecond by id, newest id first', () => {
    expect(
      ids(mergeEvents([event('x1', 0, { kind: 'note' }), event('x2', 0, { kind: 'note' })], [])),
    ).toEqual(['x2', 'x1']);
  });
});

describe('active alarms and history', () => {
  it('keeps an alarm active while its last event is a raise, and lists the rest newest first', () => {
    const events = [
      spcAlarm('r1', 0, 'raised'), // X̄: raised …
      spcAlarm('c1', 5, 'cleared'), // … and cleared
      spcAlarm('r2', 10, 'raised'), // X̄: raised again, still standing
      spcAlarm('r3', 2, 'raised', 'r'), // R: raised, still standing (another statistic of the same chart and code)
      event('s1', 7, { kind: 'machine_state', state: 'down', reason: 'jam' }),
    ];
    const { active, history } = splitActive(events);
    // Both high: the newer first.
    expect(ids(active)).toEqual(['r2', 'r3']);
    expect(ids(history)).toEqual(['s1', 'c1', 'r1']);
  });

  it('puts the most severe active alarm first, whatever its age', () => {
    const low = event('low', 9, { kind: 'alarm', code: 'x.low', severity: 'low', state: 'raised' });
    const critical = event('crit', 1, {
      kind: 'alarm',
      code: 'x.crit',
      severity: 'critical',
      state: 'raised',
    });
    const medium = event('med', 5, { kind: 'alarm', code: 'x.med', severity: 'medium', state: 'raised' });
    expect(ids(splitActive([low, critical, medium]).active)).toEqual(['crit', 'med', 'low']);
  });

  it('tells the same code on two assets, or from two models, apart', () => {
    const on = (id: string, min: number, asset: string, model: string, state: 'raised' | 'cleared') =>
      event(id, min, { kind: 'alarm', asset, code: 'anomaly', severity: 'high', state, data: { model } });
    const events = [
      on('p1', 0, PRESS1, 'm1', 'raised'),
      on('p2', 1, PRESS2, 'm1', 'raised'),
      on('p1-other-model', 2, PRESS1, 'm2', 'cleared'),
    ];
    expect(ids(splitActive(events).active)).toEqual(['p2', 'p1']);
    expect(alarmKey(events[0] as EventRecord)).not.toBe(alarmKey(events[1] as EventRecord));
    expect(alarmKey(event('n', 0, { kind: 'note' }))).toBeUndefined();
  });

  it('does not depend on the order events arrive in', () => {
    const events = [spcAlarm('c1', 5, 'cleared'), spcAlarm('r1', 0, 'raised')];
    expect(splitActive(events).active).toEqual([]);
    expect(ids(splitActive(events).history)).toEqual(['c1', 'r1']);
  });
});

describe('filters', () => {
  const events = [
    spcAlarm('a', 0, 'raised'),
    event('s', 1, { kind: 'machine_state', state: 'idle' }),
    event('n', 2, { kind: 'note' }),
  ];

  it('counts and matches by kind; notes show under All only', () => {
    expect(filterCounts(events)).toEqual({ all: 3, alarm: 1, machine_state: 1 });
    expect(events.filter((e) => matchesFilter(e, 'alarm')).map((e) => e.id)).toEqual(['a']);
    expect(events.filter((e) => matchesFilter(e, 'machine_state')).map((e) => e.id)).toEqual(['s']);
    expect(events.filter((e) => matchesFilter(e, 'all'))).toHaveLength(3);
    expect([isEventFilter('alarm'), isEventFilter('note'), isEventFilter(undefined)]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('keeps the events at or below the selection only', () => {
    const mixed = [
      event('in', 0, { kind: 'note' }),
      event('out', 0, { kind: 'note', asset: `${LINE}2/press1` }),
    ];
    expect(ids(eventsUnder(mixed, LINE))).toEqual(['in']);
  });
});

describe('how an event reads', () => {
  it('names the asset relative to the selection', () => {
    expect(relativeAsset(PRESS1, LINE)).toBe('press1');
    expect(relativeAsset(PRESS1, PRESS1)).toBe('');
    expect(relativeAsset(`${PRESS1}/die`, 'acme/plant1')).toBe('stamping/line1/press1/die');
    expect(relativeAsset('elsewhere/x', LINE)).toBe('elsewhere/x');
  });

  it('drops the tag path an SPC message starts with', () => {
    expect(eventText(spcAlarm('a', 0, 'raised'))).toBe('1 point beyond 3σ');
    // The reason code is on the row's first line already.
    expect(
      eventText(event('s', 0, { kind: 'machine_state', state: 'down', reason: 'bearing_overheat' })),
    ).toBe('');
    expect(
      eventText(event('m', 0, { kind: 'machine_state', state: 'running', message: 'back after repair' })),
    ).toBe('back after repair');
    expect(eventText(event('n', 0, { kind: 'note' }))).toBe('');
    expect([
      kindLabel('alarm'),
      kindLabel('machine_state'),
      kindLabel('note'),
      kindLabel('work_order'),
    ]).toEqual(['Alarm', 'State', 'Note', 'work_order']);
    expect(codeWords('planned_stop')).toBe('planned stop');
  });

  it('reads contributions largest first, as percentages when they are shares', () => {
    expect(contributionsText({ contributions: { motor_temp: 0.22, vibration_rms: 0.61, noise: 0.17 } })).toBe(
      'vibration_rms 61 %, motor_temp 22 %, noise 17 %',
    );
    // Not shares (one is above 1): the numbers as they are.
    expect(contributionsText({ contributions: { a: 2.5, b: 12 } })).toBe('b 12, a 2.5');
    // Non-numbers are skipped; nothing numeric, or no map, gives nothing.
    expect(contributionsText({ contributions: { a: 0.5, b: 'x', c: null } })).toBe('a 50 %');
    expect(contributionsText({ contributions: { b: 'x' } })).toBeUndefined();
    expect(contributionsText({ contributions: [0.5] })).toBeUndefined();
    expect(contributionsText(undefined)).toBeUndefined();
  });

  it('highlights the source, score and contributions of an alarm', () => {
    const anomaly = event('m', 0, {
      kind: 'alarm',
      code: 'model.anomaly',
      severity: 'high',
      state: 'raised',
      message: 'anomaly on press 1: vibration',
      data: {
        model: 'press1-anomaly',
        version: 3,
        score: 0.934,
        threshold: 0.8,
        contributions: { vib: 0.7 },
      },
    });
    expect(alarmHighlights(anomaly)).toEqual([
      { label: 'model', text: 'press1-anomaly v3' },
      { label: 'score', text: '0.934 (threshold 0.8)' },
      { label: 'contributions', text: 'vib 70 %' },
    ]);
    expect(alarmHighlights(spcAlarm('s', 0, 'raised'))).toEqual([
      { label: 'chart', text: 'press1-flange-height' },
    ]);
    expect(alarmHighlights(event('n', 0, { kind: 'note', data: { contributions: { a: 1 } } }))).toEqual([]);
  });
});
