/** The maintenance detectors on the demo plant: press 3's bearing fault is flagged before the press trips. */
import { describe, expect, it } from 'vitest';
import { scoreAlarms } from '../../src/analytics/maintenance/events.js';
import { fitPca } from '../../src/analytics/maintenance/pca.js';
import { EwmaResidual, RollingRobustZ } from '../../src/analytics/maintenance/streaming.js';
import { type Matrix } from '../../src/analytics/ml/matrix.js';
import { PRESS_SIGNALS, recordPress, streamAlarms } from '../helpers/demo-maintenance.js';

describe('bearing fault on the demo press 3', () => {
  // Faults start after 2 h of clean running (the training window), then about every 40 min after each repair.
  const rec = recordPress({
    seed: 7,
    hours: 6,
    params: { bearingFirstOnsetS: [2.5 * 3600, 2.6 * 3600], bearingMeanIntervalS: 2400 },
  });
  const trainUntil = (rec.ts[0] ?? 0) + 2 * 3600_000;
  const alarmOptions = { consecutive: 10, mergeGapMs: 600_000, fromTs: trainUntil };

  it('has faults that tripped the press', () => {
    expect(rec.faults.length).toBeGreaterThanOrEqual(2);
    for (const f of rec.faults) expect(f.startTs).toBeGreaterThan(trainUntil);
  });

  it('the rolling robust z-score on vibration warns minutes before every trip', () => {
    // a one-hour window, with alarmed values kept out of it so the slow exponential rise cannot become the baseline
    const detector = new RollingRobustZ({ window: 3600, excludeAnomalies: true });
    const alarms = streamAlarms(rec, 'vibration_rms', detector, alarmOptions);
    const s = scoreAlarms(alarms, rec.faults, { ignore: rec.openFaults });
    expect(s.recall).toBe(1);
    expect(s.precision).toBe(1);
    expect(s.medianLeadMs).toBeGreaterThan(10 * 60_000);
  });

  it('the EWMA residual, made for abrupt changes, adapts to the slow rise and misses most of it', () => {
    const detector = new EwmaResidual({ lambda: 0.1, scaleLambda: 0.01, k: 5 });
    const s = scoreAlarms(streamAlarms(rec, 'vibration_rms', detector, alarmOptions), rec.faults);
    expect(s.recall).toBeLessThan(1);
  });

  it('PCA on the four press signals flags the fault, and SPE/T² contributions name vibration or motor temperature', () => {
    const rows: number[] = [];
    for (let i = 0; i < rec.ts.length && (rec.ts[i] ?? 0) < trainUntil; i++) {
      const row = PRESS_SIGNALS.map((s) => rec.signals[s]?.[i] ?? Number.NaN);
      if (rec.steady[i] === 1 && row.every(Number.isFinite)) rows.push(...row);
    }
    const train: Matrix = {
      rows: rows.length / 4,
      cols: 4,
      data: Float64Array.from(rows),
      names: PRESS_SIGNALS,
    };
    const model = fitPca(train, { explainedVariance: 0.9, alpha: 0.001 });
    const fault = rec.faults[0];
    expect(fault).toBeDefined();
    // 2 minutes before the trip
    const i = rec.ts.findIndex((t) => t >= (fault?.failureTs ?? 0) - 120_000);
    const s = model.score(PRESS_SIGNALS.map((name) => rec.signals[name]?.[i] ?? Number.NaN));
    expect(s.anomalous).toBe(true);
    const c = Array.from(s.t2 > s.t2Limit ? s.contributions.t2 : s.contributions.spe);
    const top = PRESS_SIGNALS[c.indexOf(Math.max(...c))];
    expect(['vibration_rms', 'motor_temp']).toContain(top);
  });
});
