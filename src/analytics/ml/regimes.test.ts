import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { assignRegime, fitRegimes, kMeans } from './regimes.js';

/** n points around each centre, jittered by ±0.5 with a seeded generator. */
function blobs(centres: readonly (readonly [number, number])[], n: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (const [x, y] of centres) out.push(x + rand() - 0.5, y + rand() - 0.5);
  return Float64Array.from(out);
}

describe('kMeans (k-means++ seeding, Lloyd iterations)', () => {
  it('finds three well separated clusters and their means', () => {
    const centres = [
      [0, 0],
      [10, 10],
      [-10, 5],
    ] as const;
    const points = blobs(centres, 50, 7);
    const { labels, centroids, inertia } = kMeans(points, 2, { k: 3, seed: 3 });
    // points were emitted round-robin over the centres: each centre's points share one label, distinct per centre
    for (let c = 0; c < 3; c++) {
      const label = labels[c];
      for (let i = c; i < 150; i += 3) expect(labels[i]).toBe(label);
    }
    expect(new Set(labels).size).toBe(3);
    for (let c = 0; c < 3; c++) {
      const centroid = centroids[labels[c] ?? 0] ?? new Float64Array(2);
      let sx = 0;
      let sy = 0;
      for (let i = c; i < 150; i += 3) {
        sx += points[2 * i] ?? 0;
        sy += points[2 * i + 1] ?? 0;
      }
      expect(centroid[0]).toBeCloseTo(sx / 50, 12);
      expect(centroid[1]).toBeCloseTo(sy / 50, 12);
    }
    // jitter is uniform on ±0.5 per axis: expected squared distance 2 × 1/12 per point
    expect(inertia / 150).toBeGreaterThan(0.1);
    expect(inertia / 150).toBeLessThan(0.25);
  });

  it('is reproducible with a seed', () => {
    const points = blobs(
      [
        [0, 0],
        [3, 0],
      ],
      20,
      1,
    );
    expect(kMeans(points, 2, { k: 2, seed: 5 }).labels).toEqual(kMeans(points, 2, { k: 2, seed: 5 }).labels);
  });

  it('refuses k larger than the number of points', () => {
    expect(() => kMeans(new Float64Array([1, 2]), 2, { k: 2 })).toThrow(/at least k = 2/);
  });
});

describe('fitRegimes', () => {
  // C-MAPSS-like settings (altitude kft, Mach, throttle): two regimes with sensor-noise-sized jitter
  const settings = Float64Array.from([
    0.0004, 0.0002, 100, 42.0049, 0.84, 100, -0.0004, -0.0001, 100, 41.9983, 0.8403, 100, 10.0046, 0.25, 20,
  ]);
  const names = ['alt', 'mach', 'tra'];

  it('groups rounded settings exactly, -0 and 0 alike, in order of first appearance', () => {
    const model = fitRegimes(settings, names, { method: 'rounded', decimals: [0, 2, 0] });
    expect(model.keys).toEqual(['0|0|100', '42|0.84|100', '10|0.25|20']);
    expect(model.centroids[1]?.[0]).toBeCloseTo((42.0049 + 41.9983) / 2, 12);
    expect(assignRegime(model, [-0.0003, 0.0, 100])).toBe(0);
    expect(assignRegime(model, [10, 0.25, 20])).toBe(2);
    // unseen key: nearest centroid in z-score units
    expect(assignRegime(model, [40, 0.8, 95])).toBe(1);
    expect(assignRegime(model, [Number.NaN, 0, 100])).toBe(-1);
  });

  it('k-means on z-scored settings finds the same regimes, numbered by first appearance', () => {
    const model = fitRegimes(settings, names, { method: 'kmeans', k: 3, seed: 2 });
    const labels = [0, 1, 2, 3, 4].map((i) => assignRegime(model, settings.subarray(i * 3, i * 3 + 3)));
    expect(labels).toEqual([0, 1, 0, 1, 2]);
    expect(model.centroids[2]).toEqual([10.0046, 0.25, 20].map((v) => expect.closeTo(v, 9)));
  });
});
