/** A hand-made production day of one machine (shared by the OEE tests); the minute sums are in oee.test.ts. */

import type { OeeInput } from './oee-batch.js';
import type { OeeCount, OeeStateEvent } from './oee-input.js';
import type { MachineState } from '../../domain/event.js';

export const DAY = Date.UTC(2024, 2, 5);
export const MIN = 60_000;
/** UTC time on the test day. */
export const at = (hh: number, mm = 0): number => DAY + (hh * 60 + mm) * MIN;

const s = (hh: number, mm: number, state: MachineState, reason?: string): OeeStateEvent =>
  reason === undefined ? { ts: at(hh, mm), state } : { ts: at(hh, mm), state, reason };

export const dayStates: OeeStateEvent[] = [
  s(0, 0, 'off', 'no_shift'),
  s(6, 0, 'setup', 'changeover'),
  s(6, 20, 'running'),
  s(8, 0, 'idle', 'jam'),
  s(8, 3, 'running'),
  s(10, 0, 'planned_stop', 'break'),
  s(10, 30, 'running'),
  s(12, 0, 'down', 'bearing_overheat'),
  s(12, 45, 'running'),
  s(14, 0, 'idle', 'no_material'),
  s(14, 12, 'running'),
  s(16, 0, 'idle', 'jam'),
  s(16, 2, 'running'),
  s(22, 0, 'off', 'no_shift'),
];

export const dayProduced: OeeCount[] = [
  { ts: at(7), count: 400 },
  { ts: at(11), count: 400 },
  { ts: at(15), count: 400 },
  { ts: at(21), count: 400 },
];

export const dayRejects: OeeCount[] = [
  { ts: at(6, 25), count: 4 },
  { ts: at(12, 50), count: 6 },
  { ts: at(15), count: 10 },
];

export const dayInput: OeeInput = {
  window: { start: at(0), end: at(24) },
  states: dayStates,
  produced: dayProduced,
  rejects: dayRejects,
  idealCycleTimeMs: 30_000,
  startupMs: 10 * MIN,
};
