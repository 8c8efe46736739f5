import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import {
  accuracy,
  averagePrecision,
  classificationReport,
  confusionMatrix,
  logLoss,
  mae,
  mse,
  phm08Score,
  r2,
  rmse,
  rocAuc,
} from './metrics.js';

describe('regression metrics', () => {
  // sklearn docs, mean_squared_error / mean_absolute_error / r2_score examples: y_true = [3, -0.5, 2, 7],
  // y_pred = [2.5, 0.0, 2, 8] give MSE 0.375, MAE 0.5, R² 0.948… (= 1 − 1.5/29.1875 by hand).
  const yTrue = [3, -0.5, 2, 7];
  const yPred = [2.5, 0.0, 2, 8];

  it('matches the sklearn documentation examples', () => {
    expect(mse(yTrue, yPred)).toBeCloseTo(0.375, 15);
    expect(rmse(yTrue, yPred)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(mae(yTrue, yPred)).toBeCloseTo(0.5, 15);
    expect(r2(yTrue, yPred)).toBeCloseTo(1 - 1.5 / 29.1875, 15);
    expect(r2(yTrue, yPred)).toBeCloseTo(0.9486, 4);
  });

  it('gives R² = 1 / 0 for a constant target (sklearn force_finite)', () => {
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(r2([2, 2], [2, 3])).toBe(0);
  });

  it('computes the PHM08 score of Saxena et al. 2008 by hand', () => {
    // d = −13 → e¹ − 1; d = +10 → e¹ − 1; d = 0 → 0; late predictions cost more: d = +13 → e^1.3 − 1.
    expect(phm08Score([100, 50, 30], [87, 60, 30])).toBeCloseTo(2 * (Math.E - 1), 12);
    expect(phm08Score([0], [13])).toBeCloseTo(Math.exp(1.3) - 1, 12);
    expect(phm08Score([13], [0])).toBeLessThan(phm08Score([0], [13]));
  });

  it('refuses arrays of different lengths', () => {
    expect(() => rmse([1, 2], [1])).toThrow(UserError);
  });
});

describe('classification metrics', () => {
  it('builds the confusion matrix of the sklearn confusion_matrix example', () => {
    // sklearn docs: y_true = [2, 0, 2, 2, 0, 1], y_pred = [0, 0, 2, 2, 0, 2] → [[2, 0, 0], [0, 0, 1], [1, 0, 2]].
    const cm = confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
    expect(cm.labels).toEqual([0, 1, 2]);
    expect(cm.matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(accuracy([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])).toBeCloseTo(4 / 6, 15);
  });

  it('reproduces the sklearn classification_report example', () => {
    // sklearn docs: y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]:
    // class 0: P 0.50 R 1.00 F1 0.67 (1); class 1: 0 0 0 (1); class 2: P 1.00 R 0.67 F1 0.80 (3); accuracy 0.60;
    // macro 0.50 0.56 0.49; weighted 0.70 0.60 0.61. Exact values by hand: macro F1 = (2/3 + 0 + 0.8)/3,
    // weighted F1 = (2/3 + 3·0.8)/5.
    const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]);
    expect(report.classes.map((c) => c.label)).toEqual([0, 1, 2]);
    const [c0, c1, c2] = report.classes;
    expect(c0?.precision).toBeCloseTo(0.5, 15);
    expect(c0?.recall).toBeCloseTo(1, 15);
    expect(c0?.f1).toBeCloseTo(2 / 3, 15);
    expect(c1).toEqual({ label: 1, precision: 0, recall: 0, f1: 0, support: 1 });
    expect(c2?.precision).toBeCloseTo(1, 15);
    expect(c2?.recall).toBeCloseTo(2 / 3, 15);
    expect(c2?.f1).toBeCloseTo(0.8, 15);
    expect(c2?.support).toBe(3);
    expect(report.accuracy).toBeCloseTo(0.6, 15);
    expect(report.macro.precision).toBeCloseTo(0.5, 15);
    expect(report.macro.recall).toBeCloseTo(5 / 9, 15);
    expect(report.macro.f1).toBeCloseTo((2 / 3 + 0.8) / 3, 15);
    expect(report.weighted.precision).toBeCloseTo(0.7, 15);
    expect(report.weighted.recall).toBeCloseTo(0.6, 15);
    expect(report.weighted.f1).toBeCloseTo((2 / 3 + 2.4) / 5, 15);
    expect(report.macro.support).toBe(5);
  });

  it('matches the sklearn precision_recall_fscore_support example', () => {
    // sklearn docs: y_true = [cat, dog, pig, cat, dog, pig], y_pred = [cat, pig, dog, cat, cat, dog] (cat 0, dog 1,
    // pig 2): macro (0.222…, 0.333…, 0.266…), weighted the same (equal supports).
    const report = classificationReport([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]);
    expect(report.macro.precision).toBeCloseTo(2 / 9, 15);
    expect(report.macro.recall).toBeCloseTo(1 / 3, 15);
    expect(report.macro.f1).toBeCloseTo(0.8 / 3, 15);
    expect(report.weighted.f1).toBeCloseTo(0.8 / 3, 15);
  });

  it('reports a label that never occurs as a zero row when asked for it', () => {
    const report = classificationReport([0, 0], [0, 0], [0, 1]);
    expect(report.classes[1]).toEqual({ label: 1, precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('gives ROC-AUC and average precision of the sklearn examples', () => {
    // sklearn docs (roc_curve / average_precision_score): y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8]:
    // AUC 0.75, AP 0.8333… (= 0.5·1 + 0.5·2/3 by hand).
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    expect(rocAuc(y, s)).toBeCloseTo(0.75, 15);
    expect(averagePrecision(y, s)).toBeCloseTo(5 / 6, 15);
  });

  it('treats tied scores as one threshold', () => {
    // All scores tied: the ROC curve is the diagonal (AUC 0.5) and AP is the positive share (sklearn).
    expect(rocAuc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.5, 15);
    expect(averagePrecision([0, 1, 0, 0], [0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.25, 15);
    // By hand: y = [1, 0, 1], scores [0.9, 0.5, 0.5]: positive pairs (0.9 > 0.5: 1; 0.5 vs 0.5: ½) → 0.75.
    expect(rocAuc([1, 0, 1], [0.9, 0.5, 0.5])).toBeCloseTo(0.75, 15);
  });

  it('computes the log loss of the sklearn example', () => {
    // sklearn docs: log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616…
    // (ham 0, spam 1); by hand −(ln .9 + ln .9 + ln .8 + ln .65)/4.
    const expected = -(Math.log(0.9) * 2 + Math.log(0.8) + Math.log(0.65)) / 4;
    expect(expected).toBeCloseTo(0.21616, 5);
    const rows = [
      [0.1, 0.9],
      [0.9, 0.1],
      [0.8, 0.2],
      [0.35, 0.65],
    ];
    expect(logLoss([1, 0, 0, 1], rows)).toBeCloseTo(expected, 15);
    expect(logLoss([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65])).toBeCloseTo(expected, 15);
  });

  it('refuses a binary metric on one class', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(/exactly two classes/);
  });
});
