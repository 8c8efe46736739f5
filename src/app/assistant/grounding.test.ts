import { describe, expect, it } from 'vitest';
import { figuresIn, groundAnswer } from './grounding.js';

describe('figures in an answer', () => {
  it('leaves out dates, clock times, identifiers and list markers', () => {
    expect(
      figuresIn('1. WO-000042 on line1/press3 at 2026-11-23T14:05:00Z (14:05) reads 41.25 °C, 1,250 parts'),
    ).toEqual(['41.25', '1,250']);
  });
});

describe('grounding', () => {
  it('keeps figures the tools returned, rounded or cut off as written, and percentages of fractions', () => {
    const results = [{ samples: [{ value: 41.2749 }, { value: 0.953 }] }, { count: 1250 }];
    const r = groundAnswer('Oil 41.27 °C (41.3, 41), availability 95.3 %, 1,250 parts.', results, 'oil?');
    expect(r.ungrounded).toEqual([]);
    expect(r.text).toBe('Oil 41.27 °C (41.3, 41), availability 95.3 %, 1,250 parts.');
  });

  it('masks a figure no tool result or the question supports', () => {
    const r = groundAnswer(
      'Oil is 41.3 °C; the limit is 60 °C; 42 is near.',
      [{ value: 41.27 }],
      'is 42 high?',
    );
    expect(r.ungrounded).toEqual(['60']);
    expect(r.text).toBe('Oil is 41.3 °C; the limit is [?] °C; 42 is near.');
  });

  it('does not accept a neighbouring integer (61 for 60) and counts list lengths', () => {
    const r = groundAnswer(
      'There are 3 open orders, not 61.',
      [{ workOrders: [{}, {}, {}], limit: 60 }],
      'open?',
    );
    expect(r.ungrounded).toEqual(['61']);
  });

  it('reads figures inside tool strings ("Order 120 pcs now")', () => {
    expect(
      groundAnswer('Order 120 pieces.', [{ recommendation: 'Order 120 pcs now' }], 'reorder?').ungrounded,
    ).toEqual([]);
  });

  it('keeps list markers and the numbers of names, and checks the figures after them', () => {
    const r = groundAnswer('1. press 3: 7 stops\n2. press 4: 9 stops', [{ stops: 7 }], 'stops?', [
      'Press 3',
      'Press 4',
    ]);
    expect(r.text).toBe('1. press 3: 7 stops\n2. press 4: [?] stops');
  });
});
