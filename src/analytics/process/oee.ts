/**
 * Overall equipment effectiveness from machine-state events, part counts and rejects, with the KPI names of
 * ISO 22400-2:2014 (its time elements and KPI definitions, cited by name) and the six big losses of Nakajima (*Introduction to TPM*, 1988).
 *
 * Time model (ISO 22400-2 time elements, abbreviations in brackets) and how each machine state maps onto it:
 * - `off`, `planned_stop` → planned down time (PDOT): outside the planned busy time (PBT).
 *   Planned busy time = window − off − planned_stop.
 * - `down` → unplanned down time (ADOT), six-loss "breakdowns".
 * - `setup` → set-up time (ASUT) counted as unplanned down time, six-loss "setup and adjustments".
 * - `idle` episodes shorter than `minorStopMaxMs` (5 min by default) → "idling and minor stops": a performance
 *   loss, so they stay inside the actual production time (APT), as Nakajima and Vorne count minor stops.
 *   Longer idle episodes → "waiting" (no material, no operator): an availability loss beside the six big ones.
 *   An idle episode is the time from an `idle` event to the next state event (unclipped), so a split by shift
 *   does not change how it is classified.
 * - `running` → APT. Reduced speed = the rest of the performance loss: APT − minor stops − ideal time of output.
 *   It is negative when the machine ran faster than its ideal cycle (a wrong ideal cycle time); it is reported, not
 *   clamped, so the waterfall always sums.
 * - Quality: rejects stamped within `startupMs` after a `setup` or `down` episode ends are startup rejects
 *   ("reduced yield"); the others are production rejects ("process defects"). Each loses its ideal cycle time.
 *
 * KPIs (ISO 22400-2: availability, effectiveness, quality ratio, OEE index):
 * availability = APT / PBT; effectiveness = PRU · PQ / APT (planned runtime per unit × produced quantity);
 * quality ratio = GQ / PQ; OEE index = availability × effectiveness × quality ratio = ideal time of good units / PBT.
 * A ratio whose denominator is 0 is `null`.
 */

import type { MachineState } from '../../domain/event.js';

/** A time window [start, end) in UTC epoch milliseconds. */
export interface OeeWindow {
  readonly start: number;
  readonly end: number;
}

/** Time (clipped to the window) spent in one state with one reason code. */
export interface OeeReasonTime {
  readonly state: MachineState;
  /** The event's reason code; `''` when it had none. */
  readonly reason: string;
  readonly timeMs: number;
}

/** Additive totals of one window: sums over machines, shifts or days are again totals (time-weighted roll-up). */
export interface OeeTotals {
  readonly calendarTimeMs: number;
  /** Time in each state, clipped to the window; time before the first known state counts as `off`. */
  readonly stateTimeMs: Readonly<Record<MachineState, number>>;
  /** Idle time in episodes shorter than the minor-stop threshold (part of `stateTimeMs.idle`). */
  readonly minorStopTimeMs: number;
  /** Idle time in longer episodes (the rest of `stateTimeMs.idle`). */
  readonly waitingTimeMs: number;
  readonly producedQuantity: number;
  readonly startupRejects: number;
  readonly productionRejects: number;
  /** Σ ideal cycle time × produced quantity (ISO 22400-2 planned runtime per unit × PQ). */
  readonly idealProducedTimeMs: number;
  readonly idealStartupRejectTimeMs: number;
  readonly idealProductionRejectTimeMs: number;
  readonly reasons: readonly OeeReasonTime[];
}

export const OEE_LOSSES = [
  'breakdowns',
  'setupAndAdjustments',
  'waiting',
  'idlingAndMinorStops',
  'reducedSpeed',
  'processDefects',
  'reducedYield',
] as const;
export type OeeLossName = (typeof OEE_LOSSES)[number];

export interface OeeLoss {
  readonly loss: OeeLossName;
  readonly factor: 'availability' | 'performance' | 'quality';
  /** Lost time equivalent in ms. */
  readonly timeMs: number;
  /** timeMs / planned busy time; `null` when the planned busy time is 0. */
  readonly shareOfPlannedBusyTime: number | null;
}

export interface OeeResult {
  readonly totals: OeeTotals;
  /** PBT (ISO 22400-2): calendar time − planned down time. */
  readonly plannedBusyTimeMs: number;
  /** Planned down time: `off` + `planned_stop`. */
  readonly plannedDownTimeMs: number;
  /** Unplanned down time: `down` + `setup` + waiting. */
  readonly unplannedDownTimeMs: number;
  /** APT (ISO 22400-2): running + minor stops. */
  readonly actualProductionTimeMs: number;
  readonly goodQuantity: number;
  readonly availability: number | null;
  /** ISO 22400-2 "effectiveness", Vorne's "performance". */
  readonly effectiveness: number | null;
  readonly qualityRatio: number | null;
  readonly oee: number | null;
  /** Losses in waterfall order: PBT − Σ timeMs = valuableOperatingTimeMs exactly. */
  readonly losses: readonly OeeLoss[];
  /** Fully productive time: ideal cycle time × good quantity. */
  readonly valuableOperatingTimeMs: number;
}

export const OEE_DEFAULT_MINOR_STOP_MAX_MS = 5 * 60_000;

const LOSS_FACTOR: Readonly<Record<OeeLossName, OeeLoss['factor']>> = {
  breakdowns: 'availability',
  setupAndAdjustments: 'availability',
  waiting: 'availability',
  idlingAndMinorStops: 'performance',
  reducedSpeed: 'performance',
  processDefects: 'quality',
  reducedYield: 'quality',
};

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** KPIs, losses and waterfall of some totals (one machine and window, or a roll-up). */
export function oeeFromTotals(totals: OeeTotals): OeeResult {
  const s = totals.stateTimeMs;
  const plannedDownTimeMs = s.off + s.planned_stop;
  const plannedBusyTimeMs = totals.calendarTimeMs - plannedDownTimeMs;
  const actualProductionTimeMs = s.running + totals.minorStopTimeMs;
  const idealGood =
    totals.idealProducedTimeMs - totals.idealStartupRejectTimeMs - totals.idealProductionRejectTimeMs;
  const goodQuantity = totals.producedQuantity - totals.startupRejects - totals.productionRejects;
  const times: Record<OeeLossName, number> = {
    breakdowns: s.down,
    setupAndAdjustments: s.setup,
    waiting: totals.waitingTimeMs,
    idlingAndMinorStops: totals.minorStopTimeMs,
    reducedSpeed: s.running - totals.idealProducedTimeMs,
    processDefects: totals.idealProductionRejectTimeMs,
    reducedYield: totals.idealStartupRejectTimeMs,
  };
  const availability = ratio(actualProductionTimeMs, plannedBusyTimeMs);
  const effectiveness = ratio(totals.idealProducedTimeMs, actualProductionTimeMs);
  const qualityRatio = ratio(idealGood, totals.idealProducedTimeMs);
  const oee =
    availability !== null && effectiveness !== null && qualityRatio !== null
      ? availability * effectiveness * qualityRatio
      : plannedBusyTimeMs > 0
        ? 0
        : null;
  return {
    totals,
    plannedBusyTimeMs,
    plannedDownTimeMs,
    unplannedDownTimeMs: s.down + s.setup + totals.waitingTimeMs,
    actualProductionTimeMs,
    goodQuantity,
    availability,
    effectiveness,
    qualityRatio,
    oee,
    losses: OEE_LOSSES.map((loss) => ({
      loss,
      factor: LOSS_FACTOR[loss],
      timeMs: times[loss],
      shareOfPlannedBusyTime: ratio(times[loss], plannedBusyTimeMs),
    })),
    valuableOperatingTimeMs: idealGood,
  };
}

/** All-zero totals over an empty window. */
export function oeeEmptyTotals(): OeeTotals {
  return {
    calendarTimeMs: 0,
    stateTimeMs: { running: 0, idle: 0, setup: 0, planned_stop: 0, down: 0, off: 0 },
    minorStopTimeMs: 0,
    waitingTimeMs: 0,
    producedQuantity: 0,
    startupRejects: 0,
    productionRejects: 0,
    idealProducedTimeMs: 0,
    idealStartupRejectTimeMs: 0,
    idealProductionRejectTimeMs: 0,
    reasons: [],
  };
}

/** Sorted reason list from a map keyed by state and reason. */
export function oeeReasonList(map: ReadonlyMap<string, OeeReasonTime>): OeeReasonTime[] {
  return [...map.values()]
    .filter((r) => r.timeMs > 0)
    .sort((a, b) =>
      a.state === b.state
        ? a.reason < b.reason
          ? -1
          : a.reason > b.reason
            ? 1
            : 0
        : a.state < b.state
          ? -1
          : 1,
    );
}

/**
 * Roll-up of several machines (a line), shifts or days: times, counts and ideal times are added and the KPIs
 * computed from the sums, never the average of percentages — a machine with more planned time weighs more, and
 * quality is weighted by ideal time so machines with different cycle times combine correctly.
 * @example
 * oeeCombine([machineA.totals, machineB.totals]).oee
 */
export function oeeCombine(parts: readonly OeeTotals[]): OeeResult {
  const sum = { ...oeeEmptyTotals(), stateTimeMs: { ...oeeEmptyTotals().stateTimeMs } };
  const reasons = new Map<string, OeeReasonTime>();
  for (const t of parts) {
    sum.calendarTimeMs += t.calendarTimeMs;
    for (const state of Object.keys(sum.stateTimeMs) as MachineState[]) {
      sum.stateTimeMs[state] += t.stateTimeMs[state];
    }
    sum.minorStopTimeMs += t.minorStopTimeMs;
    sum.waitingTimeMs += t.waitingTimeMs;
    sum.producedQuantity += t.producedQuantity;
    sum.startupRejects += t.startupRejects;
    sum.productionRejects += t.productionRejects;
    sum.idealProducedTimeMs += t.idealProducedTimeMs;
    sum.idealStartupRejectTimeMs += t.idealStartupRejectTimeMs;
    sum.idealProductionRejectTimeMs += t.idealProductionRejectTimeMs;
    for (const r of t.reasons) {
      const key = `${r.state}\u0000${r.reason}`;
      reasons.set(key, { ...r, timeMs: (reasons.get(key)?.timeMs ?? 0) + r.timeMs });
    }
  }
  return oeeFromTotals({ ...sum, reasons: oeeReasonList(reasons) });
}

/**
 * OEE from the summary figures of a worked example: planned production time, stop time, counts and the ideal
 * cycle time (all stop time is taken as breakdowns, all rejects as process defects).
 * @example
 * oeeFromTimes({ plannedBusyTimeMs: 420 * 60e3, downTimeMs: 47 * 60e3, producedQuantity: 19271,
 *   goodQuantity: 18848, idealCycleTimeMs: 1000 }).oee // 0.7479…
 */
export function oeeFromTimes(input: {
  readonly plannedBusyTimeMs: number;
  readonly downTimeMs: number;
  readonly producedQuantity: number;
  readonly goodQuantity: number;
  readonly idealCycleTimeMs: number;
}): OeeResult {
  const empty = oeeEmptyTotals();
  const rejects = input.producedQuantity - input.goodQuantity;
  return oeeFromTotals({
    ...empty,
    calendarTimeMs: input.plannedBusyTimeMs,
    stateTimeMs: {
      ...empty.stateTimeMs,
      running: input.plannedBusyTimeMs - input.downTimeMs,
      down: input.downTimeMs,
    },
    producedQuantity: input.producedQuantity,
    productionRejects: rejects,
    idealProducedTimeMs: input.idealCycleTimeMs * input.producedQuantity,
    idealProductionRejectTimeMs: input.idealCycleTimeMs * rejects,
  });
}
