/**
 * One entry to the SPC engine: builds any chart type from its data, splits phase I and phase II, and applies the
 * run rules. The run rules (rules.ts) are applied to the chart of the process level (X̄, I, p, np, c, u); the
 * dispersion chart of a pair (R, S, MR) gets only test 1 (a point beyond the limits), as Montgomery §6.2.5
 * recommends: the sensitising rules assume independent, roughly normal plotted values, which ranges are not.
 * EWMA and CUSUM carry their own decision rule (limits, H) and get no run rules.
 */
import { UserError } from '../../domain/index.js';
import { cChart, npChart, pChart, uChart } from './attributes.js';
import { cusumChart } from './cusum.js';
import { ewmaChart } from './ewma.js';
import { type NelsonTest, type RuleConfig, evaluateRules } from './rules.js';
import type { ChartPoint, ChartType, ControlChart, RuleViolation } from './types.js';
import { type SigmaEstimator, imrChart, xbarRChart, xbarSChart } from './variables.js';

interface Common {
  /** Width of the limits in σ (3). */
  readonly nsigmas?: number | undefined;
  /** The first `phaseOne` subgroups estimate the limits (phase I); the rest are monitored against them (phase II). */
  readonly phaseOne?: number | undefined;
  /** Phase I subgroups with an assignable cause: left out of the estimates, still plotted. */
  readonly exclude?: readonly number[] | undefined;
  readonly rules?:
    | {
        readonly preset?: RuleConfig['preset'] | undefined;
        readonly tests?:
          | Partial<Record<NelsonTest, { readonly enabled: boolean; readonly k?: number | undefined }>>
          | undefined;
      }
    | undefined;
}

export type ChartRequest = Common &
  (
    | {
        readonly type: 'xbar-r' | 'xbar-s';
        readonly subgroups: readonly (readonly number[])[];
        readonly sigmaEstimator?: SigmaEstimator | undefined;
      }
    | { readonly type: 'i-mr'; readonly values: readonly number[] }
    | { readonly type: 'p'; readonly counts: readonly number[]; readonly sizes: readonly number[] }
    | { readonly type: 'np'; readonly counts: readonly number[]; readonly size: number }
    | { readonly type: 'c'; readonly counts: readonly number[] }
    | { readonly type: 'u'; readonly counts: readonly number[]; readonly units: readonly number[] }
    | {
        readonly type: 'ewma';
        readonly values: readonly number[];
        readonly lambda?: number | undefined;
        readonly L?: number | undefined;
        readonly target?: number | undefined;
        readonly sigma?: number | undefined;
      }
    | {
        readonly type: 'cusum';
        readonly values: readonly number[];
        readonly target: number;
        readonly sigma: number;
        readonly k?: number | undefined;
        readonly h?: number | undefined;
      }
  );

export interface ChartFinding {
  /** Which chart of the result (0: the level chart). */
  readonly chart: number;
  readonly statistic: string;
  readonly index: number;
  readonly value: number;
  readonly rule: string;
  readonly description: string;
}

export interface ChartResult {
  readonly type: ChartType;
  /** The level chart first (X̄, I, p, …), then its dispersion chart where there is one. */
  readonly charts: readonly ControlChart[];
  /** Every rule that fired, in point order. */
  readonly findings: readonly ChartFinding[];
}

/** The one rule of a dispersion chart (R, S, MR): a point beyond its limits. */
export const BEYOND_LIMITS = (statistic: string): RuleViolation => ({
  rule: 'limits',
  description: `beyond the control limits of the ${statistic} chart`,
});

function split<T>(
  items: readonly T[],
  phaseOne: number | undefined,
): { one: readonly T[]; two: readonly T[] | undefined } {
  if (phaseOne === undefined) return { one: items, two: undefined };
  if (!Number.isInteger(phaseOne) || phaseOne < 2 || phaseOne > items.length) {
    throw new UserError(
      'invalid_input',
      `phaseOne must be an integer between 2 and ${items.length}, got ${phaseOne}`,
    );
  }
  return { one: items.slice(0, phaseOne), two: items.length > phaseOne ? items.slice(phaseOne) : undefined };
}

/** The rule settings without absent K values (the rules module takes only given ones). */
export function ruleTests(
  tests: Partial<Record<NelsonTest, { readonly enabled: boolean; readonly k?: number | undefined }>>,
): NonNullable<RuleConfig['tests']> {
  return Object.fromEntries(
    Object.entries(tests).map(([test, setting]) => [
      test,
      { enabled: setting.enabled, ...(setting.k !== undefined && { k: setting.k }) },
    ]),
  );
}

/** Fills each point's violations: the configured run rules on the level chart, limits only on the others. */
function withRules(chart: ControlChart, rules: ChartRequest['rules'], runRules: boolean): ControlChart {
  const fired = runRules
    ? evaluateRules(chart.points, {
        nsigmas: chart.nsigmas,
        ...(rules?.preset !== undefined && { preset: rules.preset }),
        ...(rules?.tests !== undefined && { tests: ruleTests(rules.tests) }),
      })
    : chart.points.map((p) => (p.outOfControl ? [BEYOND_LIMITS(chart.statistic)] : []));
  const points: ChartPoint[] = chart.points.map((p, i) => ({ ...p, violations: fired[i] ?? [] }));
  return { ...chart, points };
}

function base(request: ChartRequest): ControlChart[] {
  const shared = {
    ...(request.nsigmas !== undefined && { nsigmas: request.nsigmas }),
    ...(request.exclude !== undefined && { exclude: request.exclude }),
  };
  switch (request.type) {
    case 'xbar-r':
    case 'xbar-s': {
      const { one, two } = split(request.subgroups, request.phaseOne);
      const options = {
        ...shared,
        ...(two !== undefined && { newData: two }),
        ...(request.sigmaEstimator !== undefined && { sigmaEstimator: request.sigmaEstimator }),
      };
      if (request.type === 'xbar-r') {
        const { xbar, r } = xbarRChart(one, options);
        return [xbar, r];
      }
      const { xbar, s } = xbarSChart(one, options);
      return [xbar, s];
    }
    case 'i-mr': {
      const { one, two } = split(request.values, request.phaseOne);
      const { i, mr } = imrChart(one, { ...shared, ...(two !== undefined && { newData: two }) });
      return [i, mr];
    }
    case 'p':
    case 'u': {
      const sizes = request.type === 'p' ? request.sizes : request.units;
      if (sizes.length !== request.counts.length) {
        throw new UserError('invalid_input', `${request.counts.length} counts but ${sizes.length} sizes`);
      }
      const counts = split(request.counts, request.phaseOne);
      const n = split(sizes, request.phaseOne);
      const options = {
        ...shared,
        ...(counts.two !== undefined && { newData: { counts: counts.two, sizes: n.two ?? [] } }),
      };
      return [request.type === 'p' ? pChart(counts.one, n.one, options) : uChart(counts.one, n.one, options)];
    }
    case 'np':
    case 'c': {
      const { one, two } = split(request.counts, request.phaseOne);
      const options = { ...shared, ...(two !== undefined && { newData: { counts: two } }) };
      return [request.type === 'np' ? npChart(one, request.size, options) : cChart(one, options)];
    }
    case 'ewma':
      return [
        ewmaChart(request.values, {
          ...(request.lambda !== undefined && { lambda: request.lambda }),
          ...(request.L !== undefined && { L: request.L }),
          ...(request.target !== undefined && { target: request.target }),
          ...(request.sigma !== undefined && { sigma: request.sigma }),
        }),
      ];
    case 'cusum': {
      const { upper, lower } = cusumChart(request.values, {
        target: request.target,
        sigma: request.sigma,
        ...(request.k !== undefined && { k: request.k }),
        ...(request.h !== undefined && { h: request.h }),
      });
      return [upper, lower];
    }
  }
}

/**
 * Builds the chart(s) a request asks for, with run rules applied.
 * @example buildChart({ type: 'xbar-r', subgroups, phaseOne: 25, rules: { preset: 'western-electric' } })
 */
export function buildChart(request: ChartRequest): ChartResult {
  const shewhart = request.type !== 'ewma' && request.type !== 'cusum';
  const charts = base(request).map((chart, i) => withRules(chart, request.rules, shewhart && i === 0));
  const findings: ChartFinding[] = [];
  charts.forEach((chart, c) => {
    for (const p of chart.points) {
      const violations =
        p.violations.length > 0 || !p.outOfControl ? p.violations : [BEYOND_LIMITS(chart.statistic)];
      for (const v of violations) {
        findings.push({ chart: c, statistic: chart.statistic, index: p.index, value: p.value, ...v });
      }
    }
  });
  findings.sort((a, b) => a.index - b.index || a.chart - b.chart);
  return { type: request.type, charts, findings };
}
