import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFailureMode } from '../../domain/index.js';
import { fmeaRows } from './fmea.js';

const FIXTURE = new URL('../../../test/fixtures/fmea/press-fmea.csv', import.meta.url);

describe('FMEA rows from a CSV file', () => {
  it('reads the press FMEA fixture, quoted commas included', () => {
    const rows = fmeaRows(readFileSync(FIXTURE, 'utf8'));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({
      id: 'PF-001',
      equipmentType: 'servo-hydraulic press',
      component: 'Hydraulic pump',
      mode: 'Pump cavitation at cold start',
      effect: 'Pressure ripple, slow ram approach; eroded pump plates over months',
      cause: 'Clogged suction strainer, oil below 20 °C at start, low tank level',
      detection: 'Pump noise noticed on the walk-round',
      severity: 7,
      occurrence: 4,
      detectability: 6,
      recommendedAction: 'Fit a suction vacuum gauge; warm the oil to 25 °C before production',
    });
    expect(rows.find((r) => r.id === 'PF-003')?.asset).toBe('acme/plant1/stamping/line1/press3');
    // RPN = S × O × D: 8 × 6 × 3
    const bearing = rows.find((r) => r.id === 'PF-003');
    expect(bearing && toFailureMode({ ...bearing, detection: bearing.detection ?? '' }).rpn).toBe(144);
  });

  it('names the line and field of every bad cell, and a missing column', () => {
    const header =
      'id,asset,equipmentType,component,mode,effect,cause,detection,severity,occurrence,detectability,recommendedAction';
    const text = [
      header,
      'A-1,,press,Seal,Oil leak,Oil loss,Wear,,6,4,4,',
      'A-2,,press,Seal,"Leak, small",Oil loss,Wear,,11,4,4,',
      'A-3,,press,Seal,Leak,Oil loss,Wear,,6,four,4,',
      'A-4,,,Seal,Leak,Oil loss,Wear,,6,4,4,',
    ].join('\r\n');
    expect(() => fmeaRows(text)).toThrow(
      /3 problem\(s\), nothing imported:\n {2}line 3: severity: .*\n {2}line 4: occurrence: .*\n {2}line 5: \(row\): a failure mode belongs to an asset or an equipment type$/,
    );
    expect(() => fmeaRows('id,mode,effect,cause\nA,b,c,d\n')).toThrow(
      /no severity, occurrence, detectability column/,
    );
  });
});
