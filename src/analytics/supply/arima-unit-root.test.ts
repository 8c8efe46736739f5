import { describe, expect, it } from 'vitest';
import { seededNormal } from '../random.js';
import { kpssLag, kpssPValue, kpssStatistic, ndiffs, nsdiffs, seasonalStrength } from './arima-unit-root.js';

// austres (R datasets, quarterly Australian residents 1971–1994), as listed in alkaline-ml/pmdarima
// pmdarima/arima/tests/test_stationarity.py.
const austres = [
  13067.3, 13130.5, 13198.4, 13254.2, 13303.7, 13353.9, 13409.3, 13459.2, 13504.5, 13552.6, 13614.3, 13669.5,
  13722.6, 13772.1, 13832.0, 13862.6, 13893.0, 13926.8, 13968.9, 14004.7, 14033.1, 14066.0, 14110.1, 14155.6,
  14192.2, 14231.7, 14281.5, 14330.3, 14359.3, 14396.6, 14430.8, 14478.4, 14515.7, 14554.9, 14602.5, 14646.4,
  14695.4, 14746.6, 14807.4, 14874.4, 14923.3, 14988.7, 15054.1, 15121.7, 15184.2, 15239.3, 15288.9, 15346.2,
  15393.5, 15439.0, 15483.5, 15531.5, 15579.4, 15628.5, 15677.3, 15736.7, 15788.3, 15839.7, 15900.6, 15961.5,
  16018.3, 16076.9, 16139.0, 16203.0, 16263.3, 16327.9, 16398.9, 16478.3, 16538.2, 16621.6, 16697.0, 16777.2,
  16833.1, 16891.6, 16956.8, 17026.3, 17085.4, 17106.9, 17169.4, 17239.4, 17292.0, 17354.2, 17414.2, 17447.3,
  17482.6, 17526.0, 17568.7, 17627.1, 17661.5,
];

describe('KPSS level-stationarity test (Kwiatkowski et al. 1992)', () => {
  it('by hand on 1, 2, 3, 4 without lags: S = −1.5, −2, −1.5, 0; η = 8.5/16; s² = 5/4', () => {
    expect(kpssStatistic([1, 2, 3, 4], 0)).toBeCloseTo(8.5 / 16 / 1.25, 14);
  });

  it('by hand with one Bartlett lag on 1, −1, 1, −1', () => {
    // e = x (mean 0), S = 1, 0, 1, 0: η = 2/16; s² = (4 + 2·½·(−3))/4 = 1/4
    expect(kpssStatistic([1, -1, 1, -1], 1)).toBeCloseTo(2 / 16 / 0.25, 14);
  });

  it("uses forecast's lag rule ⌊3√n/13⌋ and interpolates the 5% critical value 0.463", () => {
    expect(kpssLag(100)).toBe(2);
    expect(kpssLag(48)).toBe(1);
    expect(kpssPValue(0.463)).toBeCloseTo(0.05, 14);
    expect(kpssPValue(0.405)).toBeCloseTo(0.075, 12);
    expect(kpssPValue(0.1)).toBe(0.1);
    expect(kpssPValue(2)).toBe(0.01);
  });

  it('pmdarima’s (R-equivalent) answers: p = 0.1 on its issue-#67 series, ndiffs(austres) = 2', () => {
    expect(kpssPValue(kpssStatistic([1, -1, 0, 2, -1, -2, 3]))).toBe(0.1);
    expect(ndiffs(austres, { maxD: 5 })).toBe(2);
  });

  it('white noise needs no difference, a constant series none either', () => {
    const z = seededNormal(4);
    expect(ndiffs(Array.from({ length: 200 }, () => z()))).toBe(0);
    expect(ndiffs([3, 3, 3, 3])).toBe(0);
  });
});

describe('seasonal strength and seasonal differencing', () => {
  it('a clean seasonal pattern is strong and differenced once; noise is not', () => {
    const z = seededNormal(8);
    const seasonal = Array.from({ length: 96 }, (_, t) => 10 * Math.sin((2 * Math.PI * t) / 12) + 0.5 * z());
    expect(seasonalStrength(seasonal, 12)).toBeGreaterThan(0.9);
    expect(nsdiffs(seasonal, 12)).toBe(1);
    const noise = Array.from({ length: 96 }, () => z());
    expect(seasonalStrength(noise, 12)).toBeLessThan(0.64);
    expect(nsdiffs(noise, 12)).toBe(0);
  });

  it('needs more than two full seasons, as STL in forecast::mstl', () => {
    expect(seasonalStrength([1, 5, 1, 5, 1, 5, 1, 5], 4)).toBe(0);
    expect(nsdiffs([1, 5, 1, 5, 1, 5, 1, 5], 4)).toBe(0);
  });
});
