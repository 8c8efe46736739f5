/**
 * Shared shapes of the SPC engine: a control chart is a centre line, limits (per point, since attribute charts
 * with varying sample sizes have step limits), the plotted statistic per point, and what the run rules found.
 * Pure data: the engine takes numbers and returns these, with no I/O (DESIGN.md: analytics never touch I/O).
 */

export const CHART_TYPES = ['xbar-r', 'xbar-s', 'i-mr', 'p', 'np', 'c', 'u', 'ewma', 'cusum'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** Control limits of one plotted point. Attribute charts clamp a negative LCL to 0 (as qcc does). */
export interface PointLimits {
  readonly center: number;
  readonly lcl: number;
  readonly ucl: number;
}

/** A run rule that fired at a point: the rule id (see rules.ts), and a readable description. */
export interface RuleViolation {
  readonly rule: string;
  readonly description: string;
}

export interface ChartPoint extends PointLimits {
  /** 0-based index of the subgroup in the input. */
  readonly index: number;
  /** The plotted statistic (subgroup mean, range, proportion, …). */
  readonly value: number;
  /** Subgroup size (samples in the subgroup, or inspection units for c/u charts). */
  readonly n: number;
  /** Left out of the limit estimate (phase I revision: an assignable cause was found). */
  readonly excluded: boolean;
  /** Beyond the control limits (rule 1); other rules are in `violations`. */
  readonly outOfControl: boolean;
  readonly violations: readonly RuleViolation[];
  /** Phase I (limits estimated from these points) or phase II (new data against frozen limits); absent = phase I. */
  readonly phase?: 'I' | 'II';
}

/** One chart of a pair (X̄-R is two: the X̄ chart and the R chart). */
export interface ControlChart {
  readonly type: ChartType;
  /** Which statistic: 'xbar', 'r', 's', 'i', 'mr', 'p', 'np', 'c', 'u', 'ewma', 'cusum+', 'cusum-'. */
  readonly statistic: string;
  /** Centre line (for varying n, the overall centre). */
  readonly center: number;
  /** The process standard deviation the limits were built from (σ̂). */
  readonly sigma: number;
  /** Limits at the chart's nominal n (for a constant n, every point's limits). */
  readonly limits: PointLimits;
  readonly points: readonly ChartPoint[];
  /** Width of the limits in σ (3 unless asked otherwise). */
  readonly nsigmas: number;
}

/**
 * Phase I estimates limits from the data (optionally leaving out points with an assignable cause and revising);
 * phase II monitors new data against frozen limits from phase I.
 */
export interface FrozenLimits {
  readonly center: number;
  readonly sigma: number;
}
