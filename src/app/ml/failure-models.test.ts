import { describe, expect, it } from 'vitest';
import { parseFeaturePipeline } from '../../analytics/ml/features.js';
import { GbdtModel } from '../../analytics/ml/gbdt.js';
import type { Matrix } from '../../analytics/ml/matrix.js';
import { seededNormal } from '../../analytics/random.js';
import { SegmentedFeatures, failureLabels, failureScorer, fitFailureModel } from './failure-models.js';

const MIN = 60_000;

describe('failureLabels', () => {
  // Rows every 10 min; failures at 35 and 95 min; the window ends at 130 min; horizon 30 min.
  const ts = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120].map((m) => m * MIN);
  const failures = [35 * MIN, 95 * MIN];

  it('marks the rows within the horizon of the next failure, and leaves the unknown tail out', () => {
    const y = failureLabels(ts, failures, 130 * MIN, 'failure', 30 * MIN);
    // 0 → 35 min away: 0; 10, 20, 30 → 25, 15, 5 min: 1; 40, 50, 60 → 55, 45, 35: 0; 70, 80, 90 → 1;
    // 100 → no later failure and 30 min left in the window: a sure 0; 110, 120 → unknown.
    expect(Array.from(y)).toEqual([0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, Number.NaN, Number.NaN]);
  });

  it('gives the minutes to the next failure, capped at the horizon', () => {
    const y = failureLabels(ts, failures, 130 * MIN, 'rul', 30 * MIN);
    expect(Array.from(y)).toEqual([30, 25, 15, 5, 30, 30, 30, 25, 15, 5, 30, Number.NaN, Number.NaN]);
  });
});

/**
 * A machine that runs 2 h per bearing: a signal at 1 ± 0.05 that climbs over the last 30 min, a failure, a 20 min
 * stop; one row a minute, `cycles` times.
 */
function degradingMachine(cycles: number, seed: number) {
  const normal = seededNormal(seed);
  const rows: number[] = [];
  const ts: number[] = [];
  const failures: number[] = [];
  let t = 0;
  for (let c = 0; c < cycles; c++) {
    for (let m = 0; m < 120; m++) {
      const toFailure = 120 - m;
      const wear = toFailure <= 30 ? (30 - toFailure) / 10 : 0;
      rows.push(1 + wear + 0.05 * normal(), 50 + 0.5 * normal());
      ts.push(t);
      t += MIN;
    }
    failures.push(t);
    t += 20 * MIN;
  }
  const X: Matrix = { rows: ts.length, cols: 2, data: Float64Array.from(rows), names: ['vibration', 'temp'] };
  return { X, ts: Float64Array.from(ts), failures, end: t };
}

describe('fitFailureModel', () => {
  it('learns a failure ahead of time, and scores live rows exactly as in training', () => {
    const m = degradingMachine(12, 1);
    const labels = failureLabels(m.ts, m.failures, m.end, 'failure', 20 * MIN);
    const fit = fitFailureModel(m.X, m.ts, labels, {
      target: 'failure',
      failureReason: 'bearing',
      horizonMs: 20 * MIN,
      bucketMs: MIN,
      windows: [5],
    });
    expect(fit.metrics.pr_auc).toBeGreaterThan(0.95);
    expect(fit.metrics.recall).toBeGreaterThan(0.8);

    // The live scorer, fed the same rows one at a time, gives the batch model's probabilities.
    const pipeline = parseFeaturePipeline(fit.artifact.pipeline);
    const model = GbdtModel.fromJSON(fit.artifact.model);
    const batch = model.predict(SegmentedFeatures.transform(pipeline, m.X, m.ts));
    const scorer = failureScorer(fit.artifact);
    for (let i = 0; i < m.X.rows; i++) {
      const r = scorer.score(m.X.data.subarray(i * 2, i * 2 + 2), m.ts[i] ?? 0);
      expect(r.score).toBeCloseTo(batch[i] ?? 0, 12);
      if (r.anomalous && i % 7 === 0) expect(r.contributions?.vibration).toBeGreaterThan(0.5);
    }
  });

  it('refuses a window whose recent part holds no failure to check against', () => {
    const m = degradingMachine(3, 2);
    // Only the first failure is known: the last 30 % of the rows are all "no failure".
    const labels = failureLabels(m.ts, m.failures.slice(0, 1), m.end, 'failure', 20 * MIN);
    expect(() =>
      fitFailureModel(m.X, m.ts, labels, {
        target: 'failure',
        failureReason: 'bearing',
        horizonMs: 20 * MIN,
        bucketMs: MIN,
        windows: [5],
      }),
    ).toThrow(/widen the window to hold more failures/);
  });
});
