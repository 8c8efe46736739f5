/** Batch OEE of one machine over a window (and over shifts or days) from state events, counts and rejects. */

import {
  type OeeReasonTime,
  type OeeResult,
  type OeeTotals,
  type OeeWindow,
  oeeFromTotals,
  oeeReasonList,
} from './oee.js';
import type { OeePeriod } from './oee-calendar.js';
import {
  type OeeCount,
  type OeeOptions,
  type OeeStateEvent,
  oeeCheckWindow,
  oeeEndsStartup,
  oeeResolveOptions,
  oeeStateIntervals,
} from './oee-input.js';
import type { MachineState } from '../../domain/event.js';
import { UserError } from '../../domain/errors.js';

export interface OeeInput extends OeeOptions {
  readonly window: OeeWindow;
  /** Time-ordered state events; include the last one before the window so its start state is known. */
  readonly states: readonly OeeStateEvent[];
  /** Produced units (good + rejected), e.g. from `oeeCounterIncrements`; counted when start ≤ ts < end. */
  readonly produced: readonly OeeCount[];
  /** Rejected units from inspection, counted when start ≤ ts < end. */
  readonly rejects?: readonly OeeCount[];
}

function checkCount(c: OeeCount): void {
  if (!(Number.isFinite(c.count) && c.count >= 0 && Number.isFinite(c.ts))) {
    throw new UserError('invalid_input', 'an OEE count needs a finite time and a non-negative count', {
      details: { ts: c.ts, count: c.count },
    });
  }
}

/** Additive totals of one machine over one window. */
export function oeeTotals(input: OeeInput): OeeTotals {
  oeeCheckWindow(input.window);
  const { idealCycleTimeMs, minorStopMaxMs, startupMs } = oeeResolveOptions(input);
  const { start, end } = input.window;
  const stateTimeMs: Record<MachineState, number> = {
    running: 0,
    idle: 0,
    setup: 0,
    planned_stop: 0,
    down: 0,
    off: 0,
  };
  let minorStopTimeMs = 0;
  const reasons = new Map<string, OeeReasonTime>();
  for (const iv of oeeStateIntervals(input.states, input.window)) {
    const ms = iv.end - iv.start;
    stateTimeMs[iv.state] += ms;
    if (iv.state === 'idle' && iv.episodeMs < minorStopMaxMs) minorStopTimeMs += ms;
    const key = `${iv.state}\u0000${iv.reason}`;
    reasons.set(key, { state: iv.state, reason: iv.reason, timeMs: (reasons.get(key)?.timeMs ?? 0) + ms });
  }
  let producedQuantity = 0;
  for (const c of input.produced) {
    checkCount(c);
    if (c.ts >= start && c.ts < end) producedQuantity += c.count;
  }
  // Ends of setup/down episodes, in time order: a reject within startupMs after one is a startup reject.
  const startupEnds: number[] = [];
  for (let i = 1; i < input.states.length; i++) {
    const prev = input.states[i - 1] as OeeStateEvent;
    const next = input.states[i] as OeeStateEvent;
    if (oeeEndsStartup(prev.state, next.state)) startupEnds.push(next.ts);
  }
  let startupRejects = 0;
  let productionRejects = 0;
  let k = -1;
  let previousTs = -Infinity;
  for (const c of input.rejects ?? []) {
    checkCount(c);
    if (c.ts < previousTs) throw new UserError('invalid_input', 'OEE rejects must be in time order');
    previousTs = c.ts;
    while (k + 1 < startupEnds.length && (startupEnds[k + 1] as number) <= c.ts) k++;
    if (c.ts < start || c.ts >= end) continue;
    const lastEnd = k >= 0 ? (startupEnds[k] as number) : -Infinity;
    if (c.ts < lastEnd + startupMs) startupRejects += c.count;
    else productionRejects += c.count;
  }
  return {
    calendarTimeMs: end - start,
    stateTimeMs,
    minorStopTimeMs,
    waitingTimeMs: stateTimeMs.idle - minorStopTimeMs,
    producedQuantity,
    startupRejects,
    productionRejects,
    idealProducedTimeMs: idealCycleTimeMs * producedQuantity,
    idealStartupRejectTimeMs: idealCycleTimeMs * startupRejects,
    idealProductionRejectTimeMs: idealCycleTimeMs * productionRejects,
    reasons: oeeReasonList(reasons),
  };
}

/**
 * OEE of one machine over a window: KPIs, six big losses and waterfall.
 * @example
 * oee({ window: { start: 0, end: 8 * 3600e3 }, states: [{ ts: 0, state: 'running' }],
 *   produced: [{ ts: 1, count: 1000 }], idealCycleTimeMs: 20e3 }).effectiveness // 20e3 · 1000 / 8 h ≈ 0.694
 */
export function oee(input: OeeInput): OeeResult {
  return oeeFromTotals(oeeTotals(input));
}

/** OEE per period (shift or day, from oee-calendar.ts); the same events and counts sliced by each period. */
export function oeeByPeriod(
  input: Omit<OeeInput, 'window'>,
  periods: readonly OeePeriod[],
): Array<{ period: OeePeriod; result: OeeResult }> {
  return periods.map((period) => ({
    period,
    result: oee({ ...input, window: { start: period.start, end: period.end } }),
  }));
}
