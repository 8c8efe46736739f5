/** Plain-data inputs of the OEE computation: state events → clipped intervals, counter readings → increments. */

import type { OeeWindow } from './oee.js';
import type { MachineState } from '../../domain/event.js';
import { UserError } from '../../domain/errors.js';

/** A machine-state change (the `machine_state` event of src/domain/event.ts, reduced to what OEE needs). */
export interface OeeStateEvent {
  readonly ts: number;
  readonly state: MachineState;
  readonly reason?: string;
}

/** Parts counted at one instant (produced, or rejected at inspection). */
export interface OeeCount {
  readonly ts: number;
  readonly count: number;
}

/** A reading of a cumulative part counter tag. */
export interface OeeCounterReading {
  readonly ts: number;
  readonly value: number;
}

export interface OeeOptions {
  /** Ideal cycle time per unit (ISO 22400-2 planned runtime per unit), ms. Give this or `idealRatePerHour`. */
  readonly idealCycleTimeMs?: number;
  /** Ideal rate in units per hour; the cycle time is 3 600 000 / rate ms. */
  readonly idealRatePerHour?: number;
  /** Idle episodes shorter than this are minor stops (performance loss); default 5 min. */
  readonly minorStopMaxMs?: number;
  /** Rejects within this long after a `setup` or `down` episode ends are startup rejects; default 0 (none). */
  readonly startupMs?: number;
}

export interface OeeResolvedOptions {
  readonly idealCycleTimeMs: number;
  readonly minorStopMaxMs: number;
  readonly startupMs: number;
}

export function oeeResolveOptions(options: OeeOptions): OeeResolvedOptions {
  const { idealCycleTimeMs, idealRatePerHour, minorStopMaxMs = 5 * 60_000, startupMs = 0 } = options;
  let cycle: number;
  if (idealCycleTimeMs !== undefined) cycle = idealCycleTimeMs;
  else if (idealRatePerHour !== undefined) cycle = 3_600_000 / idealRatePerHour;
  else throw new UserError('invalid_input', 'OEE needs an ideal cycle time or an ideal rate');
  if (!(Number.isFinite(cycle) && cycle > 0)) {
    throw new UserError('invalid_input', 'the ideal cycle time must be a positive number', {
      details: { idealCycleTimeMs, idealRatePerHour },
    });
  }
  if (!(minorStopMaxMs >= 0) || !(startupMs >= 0)) {
    throw new UserError('invalid_input', 'minorStopMaxMs and startupMs must be non-negative', {
      details: { minorStopMaxMs, startupMs },
    });
  }
  return { idealCycleTimeMs: cycle, minorStopMaxMs, startupMs };
}

export function oeeCheckWindow(window: OeeWindow): void {
  if (!(Number.isFinite(window.start) && Number.isFinite(window.end) && window.end >= window.start)) {
    throw new UserError('invalid_input', 'an OEE window needs finite start ≤ end', {
      details: { ...window },
    });
  }
}

/** One state interval clipped to a window. */
export interface OeeStateInterval {
  readonly start: number;
  readonly end: number;
  readonly state: MachineState;
  readonly reason: string;
  /** Length of the whole episode (from its event to the next event, or to the window end if none), unclipped. */
  readonly episodeMs: number;
}

/** Reason given to the time before the first known state, which counts as `off`. */
export const OEE_NO_DATA_REASON = 'no_data';

/**
 * Time-ordered state events → intervals covering the window. The state at the window start is the last event at
 * or before it; before the first event the machine counts as `off` (reason `no_data`). Events after the window
 * end only bound the length of the last episode.
 * @example
 * oeeStateIntervals([{ ts: 0, state: 'running' }, { ts: 60e3, state: 'down' }], { start: 30e3, end: 90e3 })
 * // [{ start: 30e3, end: 60e3, state: 'running', … }, { start: 60e3, end: 90e3, state: 'down', … }]
 */
export function oeeStateIntervals(events: readonly OeeStateEvent[], window: OeeWindow): OeeStateInterval[] {
  oeeCheckWindow(window);
  const out: OeeStateInterval[] = [];
  let previousTs = -Infinity;
  for (const e of events) {
    if (!(e.ts >= previousTs)) {
      throw new UserError('invalid_input', 'OEE state events must be in time order', {
        details: { ts: e.ts },
      });
    }
    previousTs = e.ts;
  }
  const first = events[0];
  if (first === undefined || first.ts > window.start) {
    const end = Math.min(first?.ts ?? window.end, window.end);
    if (end > window.start) {
      out.push({
        start: window.start,
        end,
        state: 'off',
        reason: OEE_NO_DATA_REASON,
        episodeMs: end - window.start,
      });
    }
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as OeeStateEvent;
    const nextTs = events[i + 1]?.ts ?? Math.max(window.end, e.ts);
    const start = Math.max(e.ts, window.start);
    const end = Math.min(nextTs, window.end);
    if (end > start) {
      out.push({ start, end, state: e.state, reason: e.reason ?? '', episodeMs: nextTs - e.ts });
    }
  }
  return out;
}

/**
 * Stateful counter → increments: the difference to the previous reading, or the reading itself when it went down
 * (the counter was reset to 0 and counted up again). The first reading is the baseline and yields nothing.
 */
export class OeeCounterDelta {
  #last: number | undefined;
  push(value: number): number {
    if (!Number.isFinite(value) || value < 0) {
      throw new UserError('invalid_input', 'a part counter reading must be a non-negative number', {
        details: { value },
      });
    }
    const last = this.#last;
    this.#last = value;
    if (last === undefined) return 0;
    return value >= last ? value - last : value;
  }
}

/**
 * Part counter readings → counts at the reading's time, handling counter resets.
 * @example
 * oeeCounterIncrements([{ ts: 0, value: 98 }, { ts: 1, value: 100 }, { ts: 2, value: 3 }]) // counts 2, 3
 */
export function oeeCounterIncrements(readings: readonly OeeCounterReading[]): OeeCount[] {
  const delta = new OeeCounterDelta();
  const out: OeeCount[] = [];
  for (const r of readings) {
    const count = delta.push(r.value);
    if (count > 0) out.push({ ts: r.ts, count });
  }
  return out;
}

/** True when a stop of this state ends a startup period when the machine leaves it. */
export function oeeEndsStartup(previous: MachineState, next: MachineState): boolean {
  const stop = (s: MachineState): boolean => s === 'setup' || s === 'down';
  return stop(previous) && !stop(next);
}
