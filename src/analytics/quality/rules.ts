/**
 * Run rules (tests for special causes) on a plotted control-chart series: Nelson's eight tests as Minitab defines
 * them, and the Western Electric rules as a preset. Batch (`evaluateRules`) and incremental (`RuleState`) forms
 * give the same result.
 *
 * Sources: Nelson, L. S. (1984), "The Shewhart control chart — tests for special causes", J. Quality Technology
 * 16(4); Minitab, "Tests for special causes" (Control Charts > Options > Tests: test definitions and default K);
 * Western Electric, *Statistical Quality Control Handbook* (1956); Montgomery, *Introduction to Statistical Quality
 * Control*, §5.3.6 (the Western Electric rules, and the sensitising rules of Table 5.1).
 *
 * Zones come from each point's own limits, so step limits (attribute charts with varying n) work:
 * - σ above the centre is (ucl − center)/nsigmas, σ below is (center − lcl)/nsigmas, so asymmetric limits give
 *   asymmetric zones.
 * - A clamped lower limit (lcl = 0 with center − lcl < ucl − center, as attribute charts clamp a negative LCL) is
 *   not a σ-scaled limit: the lower zones then use the upper-side σ (the zones the unclamped chart would have).
 * - A point exactly on the centre line is on neither side: it ends a run for test 2 / WE4. Equal consecutive
 *   values end a trend (test 3) and an alternation (test 4). "Beyond" is strict (>), "within" is strict (<).
 * - Run tests (2, 3, 4, 7, 8) fire at the point that completes a run of K and at each later point that extends
 *   it (as Minitab marks them). "K out of K+1" tests (5, 6) fire at a point that is itself beyond the zone
 *   boundary and has at least K such points on its side among the last K+1 (fewer at the start of the series).
 */

import { UserError } from '../../domain/errors.js';
import type { PointLimits, RuleViolation } from './types.js';

export type NelsonTest = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8';

export interface RuleTestSetting {
  readonly enabled: boolean;
  readonly k?: number;
}

export interface RuleConfig {
  /** Which family of rules; 'nelson' (default) has tests 1–8, 'western-electric' has rules 1–4. */
  readonly preset?: 'nelson' | 'western-electric';
  /** Per-test overrides; a test not named keeps its preset setting (on, with the default K). */
  readonly tests?: Partial<Record<NelsonTest, RuleTestSetting>>;
  /** Width of the limits in σ (3 unless the chart says otherwise): used to turn limits into zones. */
  readonly nsigmas?: number;
}

export type RulePoint = { readonly value: number } & PointLimits;

type RuleKind =
  'beyond' | 'side-run' | 'trend' | 'alternate' | 'k-of-beyond-2' | 'k-of-beyond-1' | 'within-1' | 'beyond-1';

interface ActiveRule {
  readonly id: string;
  readonly kind: RuleKind;
  readonly k: number;
  readonly description: string;
}

interface RuleDefinition {
  readonly kind: RuleKind;
  readonly defaultK: number;
  readonly minK: number;
}

/** Nelson's tests with Minitab's default K. */
const NELSON: Readonly<Record<NelsonTest, RuleDefinition>> = {
  '1': { kind: 'beyond', defaultK: 3, minK: 0 },
  '2': { kind: 'side-run', defaultK: 9, minK: 1 },
  '3': { kind: 'trend', defaultK: 6, minK: 2 },
  '4': { kind: 'alternate', defaultK: 14, minK: 3 },
  '5': { kind: 'k-of-beyond-2', defaultK: 2, minK: 1 },
  '6': { kind: 'k-of-beyond-1', defaultK: 4, minK: 1 },
  '7': { kind: 'within-1', defaultK: 15, minK: 1 },
  '8': { kind: 'beyond-1', defaultK: 8, minK: 1 },
};

/** Western Electric rules (Montgomery §5.3.6): same patterns as Nelson 1, 5, 6, 2 with their own K. */
const WESTERN_ELECTRIC: Readonly<Partial<Record<NelsonTest, RuleDefinition>>> = {
  '1': { kind: 'beyond', defaultK: 3, minK: 0 },
  '2': { kind: 'k-of-beyond-2', defaultK: 2, minK: 1 },
  '3': { kind: 'k-of-beyond-1', defaultK: 4, minK: 1 },
  '4': { kind: 'side-run', defaultK: 8, minK: 1 },
};

function describeRule(kind: RuleKind, k: number): string {
  switch (kind) {
    case 'beyond':
      return `1 point more than ${k} standard deviations from the centre line`;
    case 'side-run':
      return `${k} points in a row on one side of the centre line`;
    case 'trend':
      return `${k} points in a row, all increasing or all decreasing`;
    case 'alternate':
      return `${k} points in a row, alternating up and down`;
    case 'k-of-beyond-2':
      return `${k} out of ${k + 1} points more than 2 standard deviations from the centre line (same side)`;
    case 'k-of-beyond-1':
      return `${k} out of ${k + 1} points more than 1 standard deviation from the centre line (same side)`;
    case 'within-1':
      return `${k} points in a row within 1 standard deviation of the centre line (either side)`;
    case 'beyond-1':
      return `${k} points in a row more than 1 standard deviation from the centre line (either side)`;
  }
}

interface ResolvedConfig {
  readonly rules: readonly ActiveRule[];
  readonly nsigmas: number;
}

function resolveConfig(config: RuleConfig): ResolvedConfig {
  const preset = config.preset ?? 'nelson';
  const nsigmas = config.nsigmas ?? 3;
  if (!Number.isFinite(nsigmas) || nsigmas <= 0) {
    throw new UserError('invalid_input', `nsigmas must be a positive number, got ${nsigmas}`);
  }
  const table = preset === 'nelson' ? NELSON : WESTERN_ELECTRIC;
  const prefix = preset === 'nelson' ? 'nelson' : 'we';
  const overrides = config.tests ?? {};
  for (const key of Object.keys(overrides)) {
    if (!(key in table)) {
      throw new UserError('invalid_input', `unknown test '${key}' for the ${preset} rules`);
    }
  }
  const rules: ActiveRule[] = [];
  for (const key of ['1', '2', '3', '4', '5', '6', '7', '8'] as const) {
    const def = table[key];
    if (def === undefined) continue;
    const setting = overrides[key];
    if (setting !== undefined && !setting.enabled) continue;
    const k = setting?.k ?? def.defaultK;
    const integral = def.kind !== 'beyond';
    if (!Number.isFinite(k) || k < def.minK || (integral && !Number.isInteger(k)) || (!integral && k <= 0)) {
      throw new UserError(
        'invalid_input',
        `K for ${prefix}.${key} must be ${integral ? `an integer ≥ ${def.minK}` : 'a positive number'}, got ${k}`,
      );
    }
    rules.push({ id: `${prefix}.${key}`, kind: def.kind, k, description: describeRule(def.kind, k) });
  }
  return { rules, nsigmas };
}

/** The point's signed distance from the centre in σ units (zones), see the file header for asymmetric limits. */
function zScore(point: RulePoint, nsigmas: number): number {
  const { value, center, lcl, ucl } = point;
  if (![value, center, lcl, ucl].every(Number.isFinite) || lcl > center || ucl < center) {
    throw new UserError(
      'invalid_input',
      'a rule point needs finite value and limits with lcl ≤ center ≤ ucl',
      {
        details: { value, center, lcl, ucl },
      },
    );
  }
  const upper = (ucl - center) / nsigmas;
  const clamped = lcl === 0 && center - lcl < ucl - center;
  const lower = clamped ? upper : (center - lcl) / nsigmas;
  const d = value - center;
  if (d === 0) return 0;
  const sigma = d > 0 ? upper : lower;
  return sigma > 0 ? d / sigma : d > 0 ? Infinity : -Infinity;
}

/**
 * Evaluates the run rules on a whole series; returns, per point, the violations that fired there.
 * @example
 * evaluateRules(points, { preset: 'nelson', tests: { '7': { enabled: false } } })[12]
 * // → [{ rule: 'nelson.2', description: '9 points in a row on one side of the centre line' }]
 */
export function evaluateRules(points: ReadonlyArray<RulePoint>, config: RuleConfig = {}): RuleViolation[][] {
  const { rules, nsigmas } = resolveConfig(config);
  const z = points.map((p) => zScore(p, nsigmas));
  const v = points.map((p) => p.value);
  const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);
  return points.map((_, i) => {
    const out: RuleViolation[] = [];
    const zi = z[i] ?? 0;
    for (const rule of rules) {
      const { k } = rule;
      const last = (count: number, pred: (j: number) => boolean): boolean => {
        if (i + 1 < count) return false;
        for (let j = i - count + 1; j <= i; j++) if (!pred(j)) return false;
        return true;
      };
      const diff = (j: number): number => sign((v[j] ?? 0) - (v[j - 1] ?? 0));
      let fired = false;
      switch (rule.kind) {
        case 'beyond':
          fired = Math.abs(zi) > k;
          break;
        case 'side-run': {
          const s = sign(zi);
          fired = s !== 0 && last(k, (j) => sign(z[j] ?? 0) === s);
          break;
        }
        case 'trend': {
          const s = i > 0 ? diff(i) : 0;
          fired = s !== 0 && i + 1 >= k && last(k - 1, (j) => diff(j) === s);
          break;
        }
        case 'alternate':
          fired =
            i + 1 >= k &&
            last(k - 1, (j) => {
              const d = diff(j);
              return d !== 0 && (j === i - k + 2 || d === -diff(j - 1));
            });
          break;
        case 'k-of-beyond-2':
        case 'k-of-beyond-1': {
          const bound = rule.kind === 'k-of-beyond-2' ? 2 : 1;
          const s = sign(zi);
          if (Math.abs(zi) > bound) {
            let count = 0;
            for (let j = Math.max(0, i - k); j <= i; j++) {
              const zj = z[j] ?? 0;
              if (Math.abs(zj) > bound && sign(zj) === s) count++;
            }
            fired = count >= k;
          }
          break;
        }
        case 'within-1':
          fired = last(k, (j) => Math.abs(z[j] ?? 0) < 1);
          break;
        case 'beyond-1':
          fired = last(k, (j) => Math.abs(z[j] ?? 0) > 1);
          break;
      }
      if (fired) out.push({ rule: rule.id, description: rule.description });
    }
    return out;
  });
}

/**
 * Incremental run rules for live charts: `push` one point at a time and get that point's violations, equal to
 * what `evaluateRules` gives for the same point of the whole series. O(max K) time per point, O(max K) memory.
 */
export class RuleState {
  private readonly rules: readonly ActiveRule[];
  private readonly nsigmas: number;
  /** Recent z-scores (ring buffer), for the K-out-of-K+1 tests. */
  private readonly recent: number[];
  private readonly capacity: number;
  private count = 0;
  private prevValue: number | undefined;
  private prevDiff = 0;
  private sideRun = 0;
  private side = 0;
  private trendRun = 0;
  private altRun = 0;
  private withinRun = 0;
  private beyondRun = 0;

  constructor(config: RuleConfig = {}) {
    const resolved = resolveConfig(config);
    this.rules = resolved.rules;
    this.nsigmas = resolved.nsigmas;
    this.capacity = Math.max(1, ...this.rules.map((r) => (r.kind.startsWith('k-of') ? r.k + 1 : 1)));
    this.recent = [];
  }

  /** Adds the next point of the series and returns the violations that fired at it. */
  push(point: RulePoint): RuleViolation[] {
    const z = zScore(point, this.nsigmas);
    const s = z > 0 ? 1 : z < 0 ? -1 : 0;
    // Runs on one side of the centre.
    this.sideRun = s !== 0 && s === this.side ? this.sideRun + 1 : s !== 0 ? 1 : 0;
    this.side = s;
    // Trends and alternation, from the sign of the step from the previous value.
    const d =
      this.prevValue === undefined
        ? 0
        : point.value > this.prevValue
          ? 1
          : point.value < this.prevValue
            ? -1
            : 0;
    if (this.prevValue === undefined || d === 0) {
      this.trendRun = 1;
      this.altRun = 1;
    } else {
      this.trendRun = d === this.prevDiff ? this.trendRun + 1 : 2;
      this.altRun = this.prevDiff === -d ? this.altRun + 1 : 2;
    }
    this.prevDiff = d;
    this.prevValue = point.value;
    this.withinRun = Math.abs(z) < 1 ? this.withinRun + 1 : 0;
    this.beyondRun = Math.abs(z) > 1 ? this.beyondRun + 1 : 0;
    if (this.recent.length < this.capacity) this.recent.push(z);
    else this.recent[this.count % this.capacity] = z;
    this.count++;

    const out: RuleViolation[] = [];
    for (const rule of this.rules) {
      const { k } = rule;
      let fired = false;
      switch (rule.kind) {
        case 'beyond':
          fired = Math.abs(z) > k;
          break;
        case 'side-run':
          fired = this.sideRun >= k;
          break;
        case 'trend':
          fired = d !== 0 && this.trendRun >= k;
          break;
        case 'alternate':
          fired = this.altRun >= k;
          break;
        case 'k-of-beyond-2':
        case 'k-of-beyond-1': {
          const bound = rule.kind === 'k-of-beyond-2' ? 2 : 1;
          if (Math.abs(z) > bound) {
            let n = 0;
            const window = Math.min(k + 1, this.count);
            for (let back = 0; back < window; back++) {
              const idx = (this.count - 1 - back) % this.capacity;
              const zj = this.recent[idx] ?? 0;
              if (Math.abs(zj) > bound && Math.sign(zj) === s) n++;
            }
            fired = n >= k;
          }
          break;
        }
        case 'within-1':
          fired = this.withinRun >= k;
          break;
        case 'beyond-1':
          fired = this.beyondRun >= k;
          break;
      }
      if (fired) out.push({ rule: rule.id, description: rule.description });
    }
    return out;
  }
}
