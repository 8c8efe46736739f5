import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../ml/matrix.js';
import { averagePathLength, fitIsolationForest } from './isolation-forest.js';

function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('isolation forest', () => {
  it('c(n) = 2H(n − 1) − 2(n − 1)/n with H(i) ≈ ln i + γ (Liu, Ting & Zhou 2008, eq. 1)', () => {
    // c(256) = 2(ln 255 + 0.5772157) − 2·255/256 = 12.23704 − 1.99219 = 10.24477
    expect(averagePathLength(256)).toBeCloseTo(10.24477092, 7);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(3)).toBeCloseTo(2 * (Math.log(2) + 0.5772156649) - 4 / 3, 9);
  });

  it('ranks an obvious outlier highest in a seeded set, names its feature, and is reproducible', () => {
    const n = normals(11);
    const rows = Array.from({ length: 1000 }, () => [n(), n(), n()]);
    rows.push([5, -5, 5]);
    const x = matrixFromRows(rows, ['a', 'b', 'c']);
    const forest = fitIsolationForest(x, { seed: 42 });
    const scores = rows.map((r) => forest.score(r).score);
    const best = scores.indexOf(Math.max(...scores));
    expect(best).toBe(1000);
    expect(scores[1000]).toBeGreaterThan(0.7);
    expect(forest.score([0, 0, 0]).score).toBeLessThan(0.45);
    // a point off the cloud in feature b only: b carries the largest share of the isolation
    const offB = forest.score([0, 4, 0]);
    const c = Array.from(offB.contributions);
    expect(c.indexOf(Math.max(...c))).toBe(1);
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // same seed, same forest; another seed, a different one
    expect(fitIsolationForest(x, { seed: 42 }).score([1, 1, 1]).score).toBe(forest.score([1, 1, 1]).score);
    expect(fitIsolationForest(x, { seed: 43 }).score([1, 1, 1]).score).not.toBe(
      forest.score([1, 1, 1]).score,
    );
  });

  it('average normal score is near 0.5 or below (paper §2: s → 0.5 when E[h] → c(ψ))', () => {
    const n = normals(5);
    const rows = Array.from({ length: 2000 }, () => [n(), n()]);
    const forest = fitIsolationForest(matrixFromRows(rows, ['a', 'b']), { seed: 1 });
    const mean = rows.slice(0, 500).reduce((s, r) => s + forest.score(r).score, 0) / 500;
    expect(mean).toBeGreaterThan(0.35);
    expect(mean).toBeLessThan(0.5);
    expect(forest.sampleSize).toBe(256);
    expect(forest.trees).toBe(100);
  });
});
