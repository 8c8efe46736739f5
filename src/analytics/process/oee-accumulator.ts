/**
 * Incremental OEE of one machine over one window, for a live stream processor: push state events, counts and
 * rejects in time order (at equal times, state events first) and ask for the OEE so far at any time. Gives the
 * same totals as the batch `oeeTotals` over [window.start, min(now, window.end)) on the same data (tested).
 */

import {
  type OeeReasonTime,
  type OeeResult,
  type OeeTotals,
  type OeeWindow,
  oeeFromTotals,
  oeeReasonList,
} from './oee.js';
import {
  OEE_NO_DATA_REASON,
  type OeeOptions,
  type OeeResolvedOptions,
  type OeeStateEvent,
  OeeCounterDelta,
  oeeCheckWindow,
  oeeEndsStartup,
  oeeResolveOptions,
} from './oee-input.js';
import type { MachineState } from '../../domain/event.js';
import { UserError } from '../../domain/errors.js';

interface Current {
  readonly state: MachineState;
  readonly reason: string;
  readonly since: number;
}

interface Tail {
  ts: number;
  produced: number;
  startup: number;
  production: number;
}

export class OeeAccumulator {
  readonly window: OeeWindow;
  readonly #options: OeeResolvedOptions;
  readonly #stateTimeMs: Record<MachineState, number> = {
    running: 0,
    idle: 0,
    setup: 0,
    planned_stop: 0,
    down: 0,
    off: 0,
  };
  readonly #reasons = new Map<string, OeeReasonTime>();
  readonly #counter = new OeeCounterDelta();
  #minorStopTimeMs = 0;
  #current: Current | undefined;
  #lastTs = -Infinity;
  #lastStartupEnd = -Infinity;
  #produced = 0;
  #startupRejects = 0;
  #productionRejects = 0;
  /** Counts stamped at #lastTs, taken back when a report ends exactly there (windows are half-open). */
  #tail: Tail = { ts: -Infinity, produced: 0, startup: 0, production: 0 };

  constructor(window: OeeWindow, options: OeeOptions) {
    oeeCheckWindow(window);
    this.window = window;
    this.#options = oeeResolveOptions(options);
  }

  #advance(ts: number): void {
    if (!(Number.isFinite(ts) && ts >= this.#lastTs)) {
      throw new UserError('invalid_input', 'OEE accumulator input must come in time order', {
        details: { ts, last: this.#lastTs },
      });
    }
    this.#lastTs = ts;
  }

  #add(
    target: Record<MachineState, number>,
    reasons: Map<string, OeeReasonTime>,
    from: Current,
    to: number,
    episodeEnd: number,
  ): number {
    const ms = Math.max(0, Math.min(to, this.window.end) - Math.max(from.since, this.window.start));
    if (ms <= 0) return 0;
    target[from.state] += ms;
    const key = `${from.state}\u0000${from.reason}`;
    reasons.set(key, {
      state: from.state,
      reason: from.reason,
      timeMs: (reasons.get(key)?.timeMs ?? 0) + ms,
    });
    return from.state === 'idle' && episodeEnd - from.since < this.#options.minorStopMaxMs ? ms : 0;
  }

  /** A machine-state change. */
  state(event: OeeStateEvent): void {
    this.#advance(event.ts);
    const current = this.#current ?? { state: 'off', reason: OEE_NO_DATA_REASON, since: this.window.start };
    this.#minorStopTimeMs += this.#add(this.#stateTimeMs, this.#reasons, current, event.ts, event.ts);
    if (this.#current !== undefined && oeeEndsStartup(this.#current.state, event.state)) {
      this.#lastStartupEnd = event.ts;
    }
    this.#current = { state: event.state, reason: event.reason ?? '', since: event.ts };
  }

  #inWindow(ts: number): boolean {
    return ts >= this.window.start && ts < this.window.end;
  }

  #tailAt(ts: number): Tail {
    if (this.#tail.ts !== ts) this.#tail = { ts, produced: 0, startup: 0, production: 0 };
    return this.#tail;
  }

  /** Produced units (good + rejected) at `ts`. */
  produced(ts: number, count: number): void {
    this.#advance(ts);
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new UserError('invalid_input', 'a produced count must be non-negative', { details: { count } });
    }
    if (!this.#inWindow(ts)) return;
    this.#produced += count;
    this.#tailAt(ts).produced += count;
  }

  /** A reading of a cumulative part counter (resets handled as in `oeeCounterIncrements`). */
  counter(ts: number, value: number): void {
    this.#advance(ts);
    const count = this.#counter.push(value);
    if (count > 0) this.produced(ts, count);
  }

  /** Rejected units from inspection at `ts`. */
  rejects(ts: number, count: number): void {
    this.#advance(ts);
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new UserError('invalid_input', 'a reject count must be non-negative', { details: { count } });
    }
    if (!this.#inWindow(ts)) return;
    const tail = this.#tailAt(ts);
    if (ts < this.#lastStartupEnd + this.#options.startupMs) {
      this.#startupRejects += count;
      tail.startup += count;
    } else {
      this.#productionRejects += count;
      tail.production += count;
    }
  }

  /** Totals over [window.start, min(now, window.end)); `now` must not be before the last input. */
  totals(now: number): OeeTotals {
    if (!(now >= this.#lastTs)) {
      throw new UserError('invalid_input', 'an OEE report cannot be earlier than the data already pushed', {
        details: { now, last: this.#lastTs },
      });
    }
    const end = Math.min(Math.max(now, this.window.start), this.window.end);
    const stateTimeMs = { ...this.#stateTimeMs };
    const reasons = new Map(this.#reasons);
    const current = this.#current ?? { state: 'off', reason: OEE_NO_DATA_REASON, since: this.window.start };
    const minor = this.#minorStopTimeMs + this.#add(stateTimeMs, reasons, current, end, end);
    const back = this.#tail.ts >= end ? this.#tail : { produced: 0, startup: 0, production: 0 };
    const produced = this.#produced - back.produced;
    const startup = this.#startupRejects - back.startup;
    const production = this.#productionRejects - back.production;
    const cycle = this.#options.idealCycleTimeMs;
    return {
      calendarTimeMs: end - this.window.start,
      stateTimeMs,
      minorStopTimeMs: minor,
      waitingTimeMs: stateTimeMs.idle - minor,
      producedQuantity: produced,
      startupRejects: startup,
      productionRejects: production,
      idealProducedTimeMs: cycle * produced,
      idealStartupRejectTimeMs: cycle * startup,
      idealProductionRejectTimeMs: cycle * production,
      reasons: oeeReasonList(reasons),
    };
  }

  /** OEE, losses and waterfall so far. */
  report(now: number): OeeResult {
    return oeeFromTotals(this.totals(now));
  }
}
