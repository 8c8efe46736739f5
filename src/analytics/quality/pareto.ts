/**
 * Pareto analysis of defect (or cost) counts by category: sorted counts with percent and cumulative percent, as
 * for a Pareto chart (Montgomery, *Introduction to Statistical Quality Control*, §5.4, "the magnificent seven";
 * Minitab, "Pareto Chart": the combined "Other" bar is drawn last, whatever its size).
 */

import { UserError } from '../../domain/errors.js';

export interface ParetoRow {
  readonly category: string;
  readonly count: number;
  /** 100 · count / total. */
  readonly percent: number;
  /** Percent of this row and all rows above it. */
  readonly cumulativePercent: number;
  /** For the grouped "Other" row: the categories it holds (sorted as the rows would be). */
  readonly categories?: readonly string[];
}

export interface ParetoResult {
  readonly total: number;
  readonly rows: ParetoRow[];
}

export interface ParetoOptions {
  /** Group categories whose percent of the total is below this into one "Other" row (when 2 or more are). */
  readonly otherBelowPercent?: number;
  /** Label of the grouped row, "Other" by default. */
  readonly otherLabel?: string;
}

export type ParetoInput =
  Readonly<Record<string, number>> | ReadonlyArray<{ category: string; count: number }>;

/**
 * Pareto table: rows by count descending, ties by category name (code-point order), so the result is
 * deterministic. Repeated categories in an array are added together. Counts must be finite and non-negative.
 * @example
 * pareto({ scratch: 5, dent: 12, burr: 3 }).rows.map((r) => r.category) // ['dent', 'scratch', 'burr']
 */
export function pareto(counts: ParetoInput, options: ParetoOptions = {}): ParetoResult {
  const entries: Array<readonly [string, number]> = Array.isArray(counts)
    ? (counts as ReadonlyArray<{ category: string; count: number }>).map(
        (c) => [c.category, c.count] as const,
      )
    : Object.entries(counts);
  const totals = new Map<string, number>();
  for (const [category, count] of entries) {
    if (typeof category !== 'string' || category === '') {
      throw new UserError('invalid_input', 'a Pareto category needs a non-empty name');
    }
    if (!Number.isFinite(count) || count < 0) {
      throw new UserError('invalid_input', `the count of '${category}' must be a non-negative number`, {
        details: { category, count },
      });
    }
    totals.set(category, (totals.get(category) ?? 0) + count);
  }
  const { otherBelowPercent, otherLabel = 'Other' } = options;
  if (otherBelowPercent !== undefined && !(otherBelowPercent >= 0 && otherBelowPercent <= 100)) {
    throw new UserError('invalid_input', 'otherBelowPercent must be between 0 and 100', {
      details: { otherBelowPercent },
    });
  }
  const total = [...totals.values()].reduce((s, c) => s + c, 0);
  const percentOf = (count: number): number => (total > 0 ? (100 * count) / total : 0);
  const sorted = [...totals.entries()].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));

  let kept = sorted;
  let other: ParetoRow | undefined;
  if (otherBelowPercent !== undefined) {
    const small = sorted.filter(([, c]) => percentOf(c) < otherBelowPercent);
    if (small.length >= 2) {
      kept = sorted.filter(([, c]) => percentOf(c) >= otherBelowPercent);
      const count = small.reduce((s, [, c]) => s + c, 0);
      other = {
        category: otherLabel,
        count,
        percent: percentOf(count),
        cumulativePercent: 0,
        categories: small.map(([name]) => name),
      };
    }
  }

  const rows: ParetoRow[] = [];
  let running = 0;
  for (const [category, count] of kept) {
    running += count;
    rows.push({ category, count, percent: percentOf(count), cumulativePercent: percentOf(running) });
  }
  if (other !== undefined) {
    running += other.count;
    rows.push({ ...other, cumulativePercent: percentOf(running) });
  }
  return { total, rows };
}
