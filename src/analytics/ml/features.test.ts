import { describe, expect, it } from 'vitest';
import {
  FeatureStream,
  type FeatureSpec,
  fitFeaturePipeline,
  parseFeaturePipeline,
  transformFeatures,
  windowStat,
} from './features.js';
import { type Matrix, matrixFromRows, selectRows } from './matrix.js';
import { seededRandom } from '../random.js';

describe('windowStat', () => {
  const x = [1, 2, 3, 4, 5];
  it('gives the hand-computed statistics of 1..5', () => {
    expect(windowStat('mean', x)).toBe(3);
    expect(windowStat('min', x)).toBe(1);
    expect(windowStat('max', x)).toBe(5);
    expect(windowStat('rms', x)).toBeCloseTo(Math.sqrt(11), 14); // √(55/5)
    expect(windowStat('std', x)).toBeCloseTo(Math.sqrt(2.5), 14); // √(10/4)
    expect(windowStat('slope', x)).toBeCloseTo(1, 14);
    // scipy.stats.kurtosis([1, 2, 3, 4, 5]) = -1.3: m2 = 2, m4 = 6.8, 6.8/4 − 3
    expect(windowStat('kurtosis', x)).toBeCloseTo(-1.3, 14);
  });

  it('excess kurtosis of 2,4,4,4,5,5,7,9 is 44.5/16 − 3 = −0.21875', () => {
    expect(windowStat('kurtosis', [2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(-0.21875, 14);
  });

  it('least-squares slope of 1,3,2,5 is 5.5/5 = 1.1', () => {
    expect(windowStat('slope', [1, 3, 2, 5])).toBeCloseTo(1.1, 14);
  });

  it('uses only the first n values, and is NaN where undefined', () => {
    expect(windowStat('mean', [4, 6, 1000], 2)).toBe(5);
    expect(windowStat('std', [7], 1)).toBeNaN();
    expect(windowStat('slope', [7], 1)).toBeNaN();
    expect(windowStat('kurtosis', [3, 3, 3])).toBeNaN();
    expect(windowStat('std', [3, 3, 3])).toBe(0);
    expect(windowStat('mean', [1, Number.NaN, 3])).toBeNaN();
  });
});

describe('FeatureStream', () => {
  const spec: FeatureSpec = {
    unit: 'unit',
    sensors: ['x'],
    normalise: false,
    windows: [{ size: 3, stats: ['mean', 'min', 'max'] }],
    lags: [1],
    diffs: [2],
    passthrough: ['t'],
    age: true,
  };
  // two units interleaved; unit 1: 1, 4, 2, 8; unit 2: 10, 20
  const frame = matrixFromRows(
    [
      [1, 1, 1],
      [2, 1, 10],
      [1, 2, 4],
      [1, 3, 2],
      [2, 2, 20],
      [1, 4, 8],
    ],
    ['unit', 't', 'x'],
  );

  it('computes windows, lags and differences per unit over its last rows only', () => {
    const pipeline = fitFeaturePipeline(frame, spec);
    expect(pipeline.names).toEqual([
      't',
      'age',
      'x',
      'x_mean_w3',
      'x_min_w3',
      'x_max_w3',
      'x_lag1',
      'x_diff2',
    ]);
    const out = transformFeatures(pipeline, frame);
    const rows = Array.from({ length: out.rows }, (_, i) => [...out.data.subarray(i * 8, i * 8 + 8)]);
    const N = Number.NaN;
    expect(rows).toEqual([
      [1, 1, 1, 1, 1, 1, N, N],
      [1, 1, 10, 10, 10, 10, N, N],
      [2, 2, 4, 2.5, 1, 4, 1, N],
      [3, 3, 2, 7 / 3, 1, 4, 4, 1],
      [2, 2, 20, 15, 10, 20, 10, N],
      [4, 4, 8, 14 / 3, 2, 8, 2, 4], // window 4, 2, 8 — the 1 has left it
    ]);
  });

  it('drift is the mean of the last n rows minus the mean of the first n', () => {
    const pipeline = fitFeaturePipeline(frame, {
      unit: 'unit',
      sensors: ['x'],
      normalise: false,
      current: false,
      drift: 2,
    });
    expect(pipeline.names).toEqual(['x_drift2']);
    // unit 1: 1, 4, 2, 8 → 0, 0, (4 + 2)/2 − (1 + 4)/2, (2 + 8)/2 − (1 + 4)/2; unit 2: 10, 20 → 0, 0
    expect([...transformFeatures(pipeline, frame).data]).toEqual([0, 0, 0, 0.5, 0, 2.5]);
  });

  it('minPeriods blanks windows until a unit has enough rows', () => {
    const pipeline = fitFeaturePipeline(frame, { ...spec, minPeriods: 3 });
    const out = transformFeatures(pipeline, frame);
    expect(out.data[2 * 8 + 3]).toBeNaN(); // unit 1, second row
    expect(out.data[3 * 8 + 3]).toBeCloseTo(7 / 3, 14);
  });
});

describe('fitFeaturePipeline normalisation', () => {
  // regime A (setting 0): s = 1, 3 → mean 2, σ 1; regime B (setting 10): s = 10, 14 → mean 12, σ 2; c constant
  const train = matrixFromRows(
    [
      [1, 0, 1, 5],
      [1, 10, 10, 5],
      [2, 0, 3, 5],
      [2, 10, 14, 5],
    ],
    ['unit', 'op', 's', 'c'],
  );
  const spec: FeatureSpec = {
    unit: 'unit',
    sensors: ['s', 'c'],
    settings: ['op'],
    regimes: { method: 'rounded', decimals: 0 },
    minDistinctValues: 2,
    windows: [],
  };

  it('z-scores each sensor with its own regime’s training mean and σ, and drops constant sensors', () => {
    const pipeline = fitFeaturePipeline(train, spec);
    expect(pipeline.dropped).toEqual(['c']);
    expect(pipeline.sensors).toEqual(['s']);
    expect(pipeline.mean).toEqual([[2], [12]]);
    expect(pipeline.std).toEqual([[1], [2]]);
    expect(pipeline.regimeRows).toEqual([2, 2]);
    const live = matrixFromRows(
      [
        [9, 0.2, 4, 0],
        [9, 9.8, 9, 0],
      ],
      ['unit', 'op', 's', 'c'],
    );
    expect([...transformFeatures(pipeline, live).data]).toEqual([2, -1.5]); // (4−2)/1, (9−12)/2
  });

  it('without regimes z-scores over all training rows', () => {
    const pipeline = fitFeaturePipeline(train, { unit: 'unit', sensors: ['s'], windows: [] });
    expect(pipeline.mean[0]?.[0]).toBe(7); // (1 + 10 + 3 + 14)/4
    expect(pipeline.std[0]?.[0]).toBeCloseTo(Math.sqrt((36 + 9 + 16 + 49) / 4), 14);
  });

  it('names a missing column', () => {
    expect(() => fitFeaturePipeline(train, { ...spec, sensors: ['nope'] })).toThrow(/sensor column "nope"/);
  });
});

describe('batch transform and live stream agree', () => {
  /** Three units, two operating regimes, a drifting sensor, a noisy one and a constant one; seeded. */
  function plant(seed: number, rowsPerUnit: number): Matrix {
    const rand = seededRandom(seed);
    const rows: number[][] = [];
    for (let t = 0; t < rowsPerUnit; t++) {
      for (let unit = 1; unit <= 3; unit++) {
        const regime = rand() < 0.5 ? 0 : 1;
        const op = regime === 0 ? rand() * 0.01 : 20 + rand() * 0.01;
        rows.push([unit, t + 1, op, 100 * regime + 0.1 * t * unit + rand(), rand() * 3, 7]);
      }
    }
    return matrixFromRows(rows, ['unit', 'cycle', 'op', 'drift', 'noise', 'flat']);
  }
  const spec: FeatureSpec = {
    unit: 'unit',
    sensors: ['drift', 'noise', 'flat'],
    settings: ['op'],
    regimes: { method: 'kmeans', k: 2, seed: 11 },
    minDistinctValues: 3,
    windows: [
      { size: 5, stats: ['mean', 'std', 'slope', 'min', 'max', 'rms', 'kurtosis'] },
      { size: 12, stats: ['mean', 'slope', 'kurtosis'] },
    ],
    lags: [1, 3],
    diffs: [1, 4],
    passthrough: ['cycle'],
    age: true,
    drift: 6,
  };

  it('gives identical features row by row after a JSON round trip, keeping only the last rows per unit', () => {
    const train = plant(1, 40);
    const pipeline = fitFeaturePipeline(train, spec);
    expect(pipeline.dropped).toEqual(['flat']);
    const live = plant(2, 30);
    const batch = transformFeatures(pipeline, live);
    const saved = parseFeaturePipeline(JSON.parse(JSON.stringify(pipeline)));
    // the live feed sends columns in another order
    const order = ['noise', 'op', 'cycle', 'unit', 'drift', 'flat'];
    const stream = new FeatureStream(saved, order);
    for (let i = 0; i < live.rows; i++) {
      const row = order.map((name) => live.data[i * live.cols + live.names.indexOf(name)] ?? Number.NaN);
      const features = stream.step(row);
      expect(features).toEqual(batch.data.subarray(i * batch.cols, (i + 1) * batch.cols));
    }
    expect(stream.unitCount).toBe(3);
    // something non-trivial was compared: finite window statistics after the first rows
    expect(Number.isFinite(batch.data[batch.data.length - 1])).toBe(true);
  });

  it('does not mix units: rows sorted by unit give each row the same features as interleaved rows', () => {
    const train = plant(3, 25);
    const pipeline = fitFeaturePipeline(train, spec);
    const interleaved = transformFeatures(pipeline, train);
    const byUnit = [0, 1, 2].flatMap((u) => Array.from({ length: 25 }, (_, t) => t * 3 + u));
    const sorted = transformFeatures(pipeline, selectRows(train, byUnit));
    expect(sorted.data).toEqual(selectRows(interleaved, byUnit).data);
  });

  it('refuses a saved pipeline whose names do not match its spec', () => {
    const pipeline = fitFeaturePipeline(plant(4, 10), spec);
    expect(() => parseFeaturePipeline({ ...pipeline, names: ['x'] })).toThrow(/names do not match/);
    expect(() => parseFeaturePipeline({ format: 'other' })).toThrow(/not a feature pipeline/);
  });
});
