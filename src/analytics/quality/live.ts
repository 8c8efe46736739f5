/**
 * A live variables chart: each new subgroup is plotted against frozen (phase II) limits and the run rules are
 * advanced by one point. The level chart (X̄ or I) runs the configured rules; the dispersion chart (R, S or MR)
 * only its limits, as `buildChart` does. Same numbers as the batch engine on the same subgroups (tested).
 */
import { BEYOND_LIMITS } from './chart.js';
import { type RuleConfig, RuleState } from './rules.js';
import type { FrozenLimits, PointLimits, RuleViolation } from './types.js';
import { type D2Source, type PairLimits, frozenPairLimits } from './variables.js';
import { UserError } from '../../domain/errors.js';

export type LiveChartType = 'xbar-r' | 'xbar-s' | 'i-mr';

export interface LiveChartSpec {
  readonly type: LiveChartType;
  readonly frozen: FrozenLimits;
  readonly nsigmas?: number;
  readonly rules?: Omit<RuleConfig, 'nsigmas'>;
  readonly d2Source?: D2Source;
}

export interface LivePlotted extends PointLimits {
  readonly value: number;
  readonly violations: readonly RuleViolation[];
}

export interface LivePoint {
  readonly n: number;
  readonly level: LivePlotted;
  /** Absent on the first point of an I-MR chart (no moving range yet). */
  readonly dispersion?: LivePlotted;
}

/** Statistic names of a chart type's two charts, as the batch engine names them. */
export function liveStatistics(type: LiveChartType): { level: 'xbar' | 'i'; dispersion: 'r' | 's' | 'mr' } {
  if (type === 'i-mr') return { level: 'i', dispersion: 'mr' };
  return { level: 'xbar', dispersion: type === 'xbar-r' ? 'r' : 's' };
}

function plotted(value: number, limits: PointLimits, violations: readonly RuleViolation[]): LivePlotted {
  return { value, center: limits.center, lcl: limits.lcl, ucl: limits.ucl, violations };
}

export class LiveChart {
  readonly type: LiveChartType;
  readonly #limitsAt: (n: number) => PairLimits;
  readonly #levelRules: RuleState;
  readonly #dispersionName: string;
  #previous: number | undefined;

  constructor(spec: LiveChartSpec) {
    this.type = spec.type;
    this.#limitsAt = frozenPairLimits(spec.type, spec.frozen, {
      ...(spec.nsigmas !== undefined && { nsigmas: spec.nsigmas }),
      ...(spec.d2Source !== undefined && { d2Source: spec.d2Source }),
    });
    this.#levelRules = new RuleState({
      ...spec.rules,
      ...(spec.nsigmas !== undefined && { nsigmas: spec.nsigmas }),
    });
    this.#dispersionName = liveStatistics(spec.type).dispersion;
  }

  /** Limits of a subgroup of size n (1 for I-MR). */
  limits(n: number): PairLimits {
    return this.#limitsAt(n);
  }

  /**
   * Replays points plotted earlier (before a restart), oldest first, so the run rules continue across the gap
   * instead of starting over; nothing is returned for them.
   */
  resume(points: readonly { readonly level: { readonly value: number } & PointLimits }[]): void {
    for (const { level } of points) {
      this.#levelRules.push({ value: level.value, center: level.center, lcl: level.lcl, ucl: level.ucl });
      if (this.type === 'i-mr') this.#previous = level.value;
    }
  }

  /** Plots the next subgroup (one value for I-MR) and returns its point with the rules that fired there. */
  push(values: readonly number[]): LivePoint {
    const n = values.length;
    if (this.type === 'i-mr' ? n !== 1 : n < 2) {
      throw new UserError(
        'invalid_input',
        this.type === 'i-mr'
          ? 'an I-MR chart takes one value at a time'
          : `a ${this.type} subgroup needs 2 or more values`,
      );
    }
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (!Number.isFinite(v)) throw new UserError('invalid_input', `subgroup value ${v} is not finite`);
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / n;
    const limits = this.#limitsAt(this.type === 'i-mr' ? 1 : n);
    const level = plotted(mean, limits.level, this.#levelRules.push({ value: mean, ...limits.level }));
    let spread: number | undefined;
    if (this.type === 'xbar-r') spread = max - min;
    else if (this.type === 'xbar-s') {
      let squares = 0;
      for (const v of values) squares += (v - mean) ** 2;
      spread = Math.sqrt(squares / (n - 1));
    } else {
      spread = this.#previous === undefined ? undefined : Math.abs(mean - this.#previous);
      this.#previous = mean;
    }
    if (spread === undefined) return { n, level };
    const d = limits.dispersion;
    const beyond = spread > d.ucl || spread < d.lcl;
    return { n, level, dispersion: plotted(spread, d, beyond ? [BEYOND_LIMITS(this.#dispersionName)] : []) };
  }
}
