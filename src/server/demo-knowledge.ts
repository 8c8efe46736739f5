/**
 * The demo plant's FMEA: failure modes of its servo-hydraulic presses, written so that the simulator's stop reasons
 * (`bearing_overheat`, `hydraulic_leak`, `die_jam`, `safety_light_curtain`), the bearing model's alarms and the
 * flange-height SPC alarms match them by the knowledge graph's word rule (src/app/graph/failure-match.ts).
 * Ratings on the 1–10 scales of the AIAG & VDA FMEA Handbook (2019), illustrative. Also the presses' manual.
 */
import type { App } from '../app/registry.js';
import { DEMO_MACHINES } from '../adapters/simulator/demo-plant.js';
import type { FailureModeInput, Principal } from '../domain/index.js';
import { DEMO_MANUAL } from './demo-manual.js';

const PRESS_TYPE = DEMO_MACHINES.find((m) => m.type === 'press')?.kind ?? 'servo-hydraulic press';

export const DEMO_FMEA: readonly FailureModeInput[] = [
  {
    id: 'demo-press-bearing',
    equipmentType: PRESS_TYPE,
    component: 'Main drive bearing',
    mode: 'Main bearing wear: rising vibration, then bearing overheat',
    effect: 'Press trips on bearing temperature; 30–50 min unplanned repair',
    cause: 'Lubricant starvation or contamination; fatigue of the rolling elements',
    detection:
      'Vibration RMS on the bearing housing watched by the press3-bearing model; motor temperature alarm',
    severity: 7,
    occurrence: 5,
    detectability: 3,
    recommendedAction:
      'Re-grease on the 500 h interval; replace the bearing when vibration doubles its baseline',
  },
  {
    id: 'demo-press-hyd-leak',
    equipmentType: PRESS_TYPE,
    component: 'Cylinder rod seal',
    mode: 'Hydraulic oil leak at the cylinder rod seal',
    effect: 'Pressure loss, oil on the floor, press stopped for the seal change',
    cause: 'Seal wear, scored piston rod, oil above 60 °C',
    detection: 'Daily walk-round check; hydraulic pressure trend',
    severity: 6,
    occurrence: 4,
    detectability: 4,
    recommendedAction: 'Replace rod seals at each major service; inspect rod chrome for scoring',
  },
  {
    id: 'demo-press-die-jam',
    equipmentType: PRESS_TYPE,
    component: 'Die set',
    mode: 'Die jam: slug or part stuck in the die',
    effect: 'Press stops mid-stroke; risk of die damage',
    cause: 'Slug pulling, misfeed of the strip, worn stripper springs',
    detection: 'Part-out sensor and tonnage monitor stop the press',
    severity: 6,
    occurrence: 5,
    detectability: 2,
    recommendedAction: 'Check slug clearance and stripper springs at each die change',
  },
  {
    id: 'demo-press-die-offset',
    equipmentType: PRESS_TYPE,
    component: 'Die set',
    mode: 'Die misalignment shifting flange height',
    effect: 'Flange height drifts off target; parts out of tolerance',
    cause: 'Die clamped off-centre after a die change; worn guide pins',
    detection: 'X̄-R chart on flange height (subgroups of 5)',
    severity: 5,
    occurrence: 5,
    detectability: 3,
    recommendedAction: 'Set-up check with first-off part measurement after every die change',
  },
  {
    id: 'demo-press-light-curtain',
    equipmentType: PRESS_TYPE,
    component: 'Safety light curtain',
    mode: 'Light curtain nuisance trip',
    effect: 'Press stops; short unplanned stop',
    cause: 'Dirty or misaligned light curtain optics; vibration of the mounting',
    detection: 'Safety controller fault log',
    severity: 3,
    occurrence: 4,
    detectability: 1,
    recommendedAction: 'Clean the optics weekly; check the mounting brackets',
  },
  {
    id: 'demo-press-pump-cavitation',
    equipmentType: PRESS_TYPE,
    component: 'Hydraulic pump',
    mode: 'Pump cavitation',
    effect: 'Noisy pump, pressure ripple, slow ram; pump damage over time',
    cause: 'Clogged suction strainer, low oil level, oil too cold and viscous at start',
    detection: 'Pump noise on the walk-round; pressure ripple on the trend',
    severity: 7,
    occurrence: 3,
    detectability: 6,
    recommendedAction: 'Add a suction-side vacuum gauge; change the strainer at each oil change',
  },
  {
    id: 'demo-press-oil-overheat',
    equipmentType: PRESS_TYPE,
    component: 'Oil cooler',
    mode: 'Hydraulic oil overheating',
    effect: 'Oil thins, seals age faster; flange height grows with thermal expansion',
    cause: 'Fouled cooler, failed cooling-water valve, relief valve bypassing',
    detection: 'Oil temperature trend with a high limit',
    severity: 6,
    occurrence: 3,
    detectability: 3,
    recommendedAction: 'Clean the cooler every 6 months; alarm at 60 °C oil temperature',
  },
  {
    id: 'demo-press-pressure-sensor',
    equipmentType: PRESS_TYPE,
    component: 'Pressure transducer',
    mode: 'Pressure sensor drift',
    effect: 'Wrong pressure reading; tonnage control off',
    cause: 'Ageing of the strain-gauge cell, pressure spikes',
    detection: 'Comparison with a test gauge at calibration',
    severity: 5,
    occurrence: 2,
    detectability: 7,
    recommendedAction: 'Calibrate yearly against a reference gauge',
  },
];

/** Imports the demo FMEA rows that are not stored yet (a restart leaves edited rows alone). */
export async function seedDemoKnowledge(app: App, principal: Principal): Promise<void> {
  const stored = new Set((await app.services.store.listFailureModes()).map((r) => r.id));
  const rows = DEMO_FMEA.filter((r) => !stored.has(r.id));
  if (rows.length > 0) await app.call('fmea.import', { rows }, principal);
  // The presses' manual, for the assistant to cite; kept if it is already there (it may have been edited).
  if ((await app.services.store.getDocument(DEMO_MANUAL.id)) === undefined) {
    await app.call(
      'documents.import',
      { ...DEMO_MANUAL, format: 'markdown', source: 'demo', equipmentType: PRESS_TYPE },
      principal,
    );
  }
}
