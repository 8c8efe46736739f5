import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { pareto } from './pareto.js';

/** Hand-computed example: 50 defects on a machined housing. */
const defects = { porosity: 6, burr: 20, scratch: 12, dent: 6, crack: 2, 'wrong hole': 4 };

describe('pareto', () => {
  it('sorts by count, ties by name, with percent and cumulative percent', () => {
    const { total, rows } = pareto(defects);
    expect(total).toBe(50);
    expect(rows).toEqual([
      { category: 'burr', count: 20, percent: 40, cumulativePercent: 40 },
      { category: 'scratch', count: 12, percent: 24, cumulativePercent: 64 },
      { category: 'dent', count: 6, percent: 12, cumulativePercent: 76 },
      { category: 'porosity', count: 6, percent: 12, cumulativePercent: 88 },
      { category: 'wrong hole', count: 4, percent: 8, cumulativePercent: 96 },
      { category: 'crack', count: 2, percent: 4, cumulativePercent: 100 },
    ]);
  });

  it('accepts an array and adds repeated categories', () => {
    const { rows } = pareto([
      { category: 'b', count: 1 },
      { category: 'a', count: 2 },
      { category: 'b', count: 3 },
    ]);
    expect(rows.map((r) => [r.category, r.count])).toEqual([
      ['b', 4],
      ['a', 2],
    ]);
    expect(rows[1]?.cumulativePercent).toBeCloseTo(100, 12);
  });

  it('groups small categories into a last "Other" row', () => {
    // Below 10 %: wrong hole (8 %) and crack (4 %) → Other = 6 (12 %), placed last.
    const { rows } = pareto(defects, { otherBelowPercent: 10 });
    expect(rows.map((r) => r.category)).toEqual(['burr', 'scratch', 'dent', 'porosity', 'Other']);
    expect(rows[4]).toEqual({
      category: 'Other',
      count: 6,
      percent: 12,
      cumulativePercent: 100,
      categories: ['wrong hole', 'crack'],
    });
    expect(rows[3]?.cumulativePercent).toBe(88);
  });

  it('does not group a single small category', () => {
    const { rows } = pareto(defects, { otherBelowPercent: 5, otherLabel: 'Rest' });
    expect(rows.map((r) => r.category)).not.toContain('Rest');
    expect(rows).toHaveLength(6);
  });

  it('handles empty and all-zero input', () => {
    expect(pareto({})).toEqual({ total: 0, rows: [] });
    expect(pareto({ a: 0 }).rows).toEqual([{ category: 'a', count: 0, percent: 0, cumulativePercent: 0 }]);
  });

  it('rejects negative or non-finite counts and a bad threshold', () => {
    expect(() => pareto({ a: -1 })).toThrow(UserError);
    expect(() => pareto({ a: Number.NaN })).toThrow(UserError);
    expect(() => pareto([{ category: '', count: 1 }])).toThrow(UserError);
    expect(() => pareto({ a: 1 }, { otherBelowPercent: 120 })).toThrow(UserError);
  });
});
