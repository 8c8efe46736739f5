import { describe, expect, it } from 'vitest';
import { forecastAccuracy } from './accuracy.js';

describe('forecastAccuracy', () => {
  it('scores only the periods that have come in, by hand', () => {
    // Errors (actual − forecast) 2, −2, 3 on periods 1, 2 and 4 (period 3 not in yet): MAE 7/3; the history's naive
    // MAE is (2 + 1 + 2 + 4)/4 = 2.25, so MASE = (7/3)/2.25; sMAPE = (200·2/22 + 200·2/18 + 200·3/23)/3;
    // bias = forecast − actual on average = −1; tracking signal = 3/(7/3).
    const a = forecastAccuracy({
      mean: [10, 10, 10, 10],
      lower: { '80': [9, 9, 9, 9], '95': [7, 7, 7, 7] },
      upper: { '80': [11.5, 11.5, 11.5, 11.5], '95': [13, 13, 13, 13] },
      actual: [12, 8, Number.NaN, 13],
      history: [9, 11, 10, 12, 8],
      period: 1,
    });
    expect(a.matched).toBe(3);
    expect(a.horizon).toBe(4);
    expect(a.mae).toBeCloseTo(7 / 3, 12);
    expect(a.mase).toBeCloseTo(7 / 3 / 2.25, 12);
    expect(a.smape).toBeCloseTo((400 / 22 + 400 / 18 + 600 / 23) / 3, 12);
    expect(a.bias).toBeCloseTo(-1, 12);
    expect(a.trackingSignal).toBeCloseTo(9 / 7, 12);
    expect(a.biased).toBe(false);
    expect(a.coverage).toEqual({ '80': 0, '95': 1 });
  });

  it('flags a forecast whose errors all lean one way', () => {
    const a = forecastAccuracy({
      mean: [10, 10, 10, 10, 10, 10],
      lower: {},
      upper: {},
      actual: [12, 13, 12, 14, 12, 13],
      history: [10, 11, 10, 9, 10],
      period: 1,
    });
    expect(a.trackingSignal).toBeCloseTo(6, 12);
    expect(a.biased).toBe(true);
    expect(a.bias).toBeCloseTo(-16 / 6, 12);
  });

  it('reports nothing yet before the first forecast period is in', () => {
    const a = forecastAccuracy({
      mean: [5, 5],
      lower: { '95': [1, 1] },
      upper: { '95': [9, 9] },
      actual: [Number.NaN, Number.NaN],
      history: [4, 5, 6],
      period: 1,
    });
    expect(a.matched).toBe(0);
    expect(a.smape).toBeNaN();
    expect(a.trackingSignal).toBeNaN();
    expect(a.biased).toBe(false);
    expect(a.coverage).toEqual({});
  });
});
