import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { c4, controlChartConstants, d2, d3, tabulatedD2 } from './constants.js';

// Montgomery, Introduction to Statistical Quality Control, 7th ed., Appendix Table VI, n = 2..25. The d2 column is
// also qcc's `exp.R.unscaled` (qcc 3.0, R/qcc.options.R).
const TABLE_D2 = [
  1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.97, 3.078, 3.173, 3.258, 3.336, 3.407, 3.472, 3.532,
  3.588, 3.64, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931,
];
const TABLE_C4 = [
  0.7979, 0.8862, 0.9213, 0.94, 0.9515, 0.9594, 0.965, 0.9693, 0.9727, 0.9754, 0.9776, 0.9794, 0.981, 0.9823,
  0.9835, 0.9845, 0.9854, 0.9862, 0.9869, 0.9876, 0.9882, 0.9887, 0.9892, 0.9896,
];
// qcc's `se.R.unscaled` (d3 to 7 decimals, n = 2..25). They run systematically high, by 0.8e-6 (n = 2, where the
// closed form √(2 − 4/π) = 0.8525025 settles it) to 1.2e-5 (n = 25): our values agree with independent quadrature.
const QCC_D3 = [
  0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108, 0.8198378, 0.8078413, 0.7970584, 0.787323,
  0.7784873, 0.7704257, 0.763033, 0.7562217, 0.7499188, 0.7440627, 0.7386021, 0.7334929, 0.728698, 0.7241851,
  0.7199267, 0.7158987, 0.7120802, 0.7084528,
];
// Table VI, n = 2..10 (A2, A3, D3, D4, B3, B4 to 3 decimals; the book derives them from rounded d2/d3/c4, so they
// may differ from the exact value by one unit in the last place).
const TABLE_FACTORS: Record<'A2' | 'A3' | 'D3' | 'D4' | 'B3' | 'B4', readonly number[]> = {
  A2: [1.88, 1.023, 0.729, 0.577, 0.483, 0.419, 0.373, 0.337, 0.308],
  A3: [2.659, 1.954, 1.628, 1.427, 1.287, 1.182, 1.099, 1.032, 0.975],
  D3: [0, 0, 0, 0, 0, 0.076, 0.136, 0.184, 0.223],
  D4: [3.267, 2.574, 2.282, 2.114, 2.004, 1.924, 1.864, 1.816, 1.777],
  B3: [0, 0, 0, 0, 0.03, 0.118, 0.185, 0.239, 0.284],
  B4: [3.267, 2.568, 2.266, 2.089, 1.97, 1.882, 1.815, 1.761, 1.716],
};

describe('control-chart constants', () => {
  it('n = 2 matches the closed forms d2 = 2/√π, d3 = √(2 − 4/π), c4 = √(2/π)', () => {
    expect(d2(2)).toBeCloseTo(2 / Math.sqrt(Math.PI), 12);
    expect(d3(2)).toBeCloseTo(Math.sqrt(2 - 4 / Math.PI), 10);
    expect(c4(2)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    // n = 3: d2 = 3/√π, c4 = √π/2.
    expect(d2(3)).toBeCloseTo(3 / Math.sqrt(Math.PI), 12);
    expect(c4(3)).toBeCloseTo(Math.sqrt(Math.PI) / 2, 14);
  });

  it('d3 matches an independent adaptive-quadrature computation to 1e-8 relative', () => {
    // scipy.integrate.quad of E[W²] = 2∫ w (1 − n∫φ(x)[Φ(x+w) − Φ(x)]^(n−1) dx) dw.
    const reference: Record<number, number> = {
      3: 0.8883680040451979,
      4: 0.8798082028249726,
      5: 0.8640819410995345,
      10: 0.797050673519423,
      18: 0.7385908533781173,
      25: 0.7084407658885485,
    };
    for (const [n, value] of Object.entries(reference)) {
      expect(Math.abs(d3(Number(n)) - value) / value).toBeLessThan(1e-8);
    }
  });

  it('reproduces Montgomery Table VI d2 and c4 for n = 2..25 to the printed digits', () => {
    TABLE_D2.forEach((value, i) => {
      expect(Math.round(d2(i + 2) * 1000) / 1000).toBe(value);
      expect(tabulatedD2(i + 2)).toBe(value);
    });
    TABLE_C4.forEach((value, i) => expect(Math.round(c4(i + 2) * 10000) / 10000).toBe(value));
  });

  it("reproduces qcc's d3 table within its own accuracy and Table VI d3 to 3 decimals", () => {
    QCC_D3.forEach((value, i) => expect(Math.abs(d3(i + 2) - value)).toBeLessThan(1.3e-5));
    expect(Math.round(d3(2) * 1000) / 1000).toBe(0.853);
    expect(Math.round(d3(5) * 1000) / 1000).toBe(0.864);
    expect(Math.round(d3(10) * 1000) / 1000).toBe(0.797);
    expect(Math.round(d3(25) * 1000) / 1000).toBe(0.708);
  });

  it('derives A2, A3, D3, D4, B3, B4 (Table VI, n = 2..10)', () => {
    for (const [name, values] of Object.entries(TABLE_FACTORS)) {
      values.forEach((value, i) => {
        const computed = controlChartConstants(i + 2)[name as keyof typeof TABLE_FACTORS];
        expect(Math.abs(computed - value), `${name}(${i + 2})`).toBeLessThanOrEqual(0.0011);
      });
    }
    const five = controlChartConstants(5);
    expect(five.A2).toBeCloseTo(0.577, 3);
    expect(five.D4).toBeCloseTo(2.114, 3);
    expect(five.B4).toBeCloseTo(2.089, 3);
  });

  it('covers n up to 50, memoised, and increasing d2 / c4', () => {
    const fifty = controlChartConstants(50);
    expect(fifty.d2).toBeCloseTo(4.498147, 5);
    expect(controlChartConstants(50)).toBe(fifty);
    for (let n = 3; n <= 50; n++) {
      expect(d2(n)).toBeGreaterThan(d2(n - 1));
      expect(c4(n)).toBeGreaterThan(c4(n - 1));
    }
    expect(tabulatedD2(30)).toBe(d2(30));
  });

  it('rejects sizes outside 2..50', () => {
    for (const n of [1, 0, 51, 2.5, Number.NaN]) expect(() => controlChartConstants(n)).toThrow(UserError);
    expect(() => c4(1)).toThrow(UserError);
  });
});
