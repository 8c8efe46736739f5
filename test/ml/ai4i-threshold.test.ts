/** The AI4I benchmark's decision threshold (max F1 on the tuning hold-out) and its F1, on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { bestF1Threshold, f1At, withPhysics } from '../../bench/ai4i.js';
import { matrixFromRows } from '../../src/analytics/ml/matrix.js';

describe('AI4I benchmark helpers', () => {
  it('picks the score whose "≥ t" rule has the best F1', () => {
    const y = [1, 0, 1, 0];
    const scores = [0.9, 0.8, 0.7, 0.1];
    // t = 0.9: 2·1/(1 + 2) = 0.667; 0.8: 2/(2 + 2) = 0.5; 0.7: 4/(3 + 2) = 0.8; 0.1: 4/(4 + 2) = 0.667
    expect(bestF1Threshold(y, scores)).toBe(0.7);
    expect(f1At(y, scores, 0.7)).toBeCloseTo(0.8, 14);
    expect(f1At(y, scores, 0.8)).toBeCloseTo(0.5, 14);
  });

  it('moves tied scores together', () => {
    // t = 0.9: F1 2/(1 + 2) = 2/3; t = 0.5 takes all three tied rows: 4/(4 + 2) = 2/3, no better, so 0.9 stays.
    // Counting the positive among the ties on its own would have seen F1 4/(2 + 2) = 1 at 0.5.
    const y = [1, 1, 0, 0];
    const scores = [0.9, 0.5, 0.5, 0.5];
    expect(bestF1Threshold(y, scores)).toBe(0.9);
    expect(f1At(y, scores, 0.5)).toBeCloseTo(2 / 3, 14);
  });

  it('derives power, temperature difference and strain (Matzka 2020)', () => {
    const X = matrixFromRows(
      [[0, 0, 298.1, 308.6, 1551, 42.8, 10]],
      ['type_M', 'type_H', 'air_temp_K', 'process_temp_K', 'speed_rpm', 'torque_Nm', 'tool_wear_min'],
    );
    const out = withPhysics(X);
    expect(out.names.slice(-3)).toEqual(['power_W', 'temp_diff_K', 'strain_minNm']);
    expect(out.data[7]).toBeCloseTo((42.8 * 1551 * 2 * Math.PI) / 60, 9); // 6951.6 W
    expect(out.data[8]).toBeCloseTo(10.5, 9);
    expect(out.data[9]).toBeCloseTo(428, 9);
  });
});
