import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { matrixFromRows } from '../ml/matrix.js';
import {
  averagePathLength,
  fitIsolationForest,
  isolationForestFromJSON,
  isolationForestToJSON,
} from './isolation-forest.js';

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

  it('gives most of the credit to the one feature a point is off the cloud in', () => {
    const n = normals(23);
    const rows = Array.from({ length: 1000 }, () => [n(), n(), n(), n()]);
    const forest = fitIsolationForest(matrixFromRows(rows, ['a', 'b', 'c', 'd']), { seed: 3 });
    // 6 s.d. off in c, central in the others: most splits on c cut the point off from nearly the whole node.
    const off = forest.score([0.1, -0.2, 6, 0.1]);
    // Past the training range the score saturates (every split on c sends the point to the same extreme leaf), and
    // with 3 ordinary features it stays near 0.5 — above a normal point, below the training set's own extremes.
    const normal = forest.score([0.1, -0.2, 0.3, 0.1]);
    expect(off.score).toBeGreaterThan(normal.score + 0.1);
    expect(forest.score([0.1, -0.2, 60, 0.1]).score).toBe(off.score);
    const c = Array.from(off.contributions);
    expect(c[2]).toBeGreaterThan(0.5);
    expect(c[2]).toBeGreaterThan(3 * Math.max(c[0] ?? 0, c[1] ?? 0, c[3] ?? 0));
    // A normal point spreads its (longer) isolation over the features, none of them dominant.
    expect(Math.max(...normal.contributions)).toBeLessThan(0.4);
  });

  describe('saved as JSON', () => {
    const n = normals(17);
    const rows = Array.from({ length: 600 }, () => [n(), 2 * n() + 10, n()]);
    const forest = fitIsolationForest(matrixFromRows(rows, ['oil_temp', 'motor_temp', 'vibration_rms']), {
      seed: 9,
      trees: 50,
      threshold: 0.62,
    });
    const json: unknown = JSON.parse(JSON.stringify(isolationForestToJSON(forest)));

    it('scores exactly as the forest that was saved', () => {
      const loaded = isolationForestFromJSON(json);
      expect(loaded.names).toEqual(forest.names);
      expect(loaded.sampleSize).toBe(256);
      expect(loaded.trees).toBe(50);
      expect(loaded.threshold).toBe(0.62);
      loaded.forest.forEach((tree, t) => expect(tree).toEqual(forest.forest[t]));
      const probes = [...rows.slice(0, 50), [0, 10, 0], [5, 10, 0], [0, 30, -4], [Number.NaN, 10, 0]];
      for (const row of probes) expect(loaded.score(row)).toEqual(forest.score(row));
      // and it saves back to the same document
      expect(isolationForestToJSON(loaded)).toEqual(json);
    });

    it('refuses another format, another version and malformed trees with a UserError that says why', () => {
      const saved = json as { trees: { feature: number[]; value: number[] }[] };
      const tree = saved.trees[0] ?? { feature: [], value: [] };
      const withTree = (t: { feature: number[]; value: number[] }) => ({
        ...saved,
        trees: [t, ...saved.trees.slice(1)],
      });
      const cases: [unknown, RegExp][] = [
        ['{', /not a gemba.iforest model: format none/],
        [{ ...saved, format: 'gemba.pca' }, /not a gemba.iforest model: format "gemba.pca"/],
        [{ ...saved, version: 2 }, /unsupported gemba.iforest version 2; this build reads version 1/],
        [{ ...saved, trees: [] }, /invalid gemba.iforest model at trees:/],
        [{ ...saved, sampleSize: 1 }, /invalid gemba.iforest model at sampleSize/],
        [withTree({ ...tree, value: tree.value.slice(1) }), /trees\.0: \d+ features but \d+ values/],
        [
          withTree({ ...tree, feature: [3, ...tree.feature.slice(1)] }),
          /trees\.0: node 0 splits on feature 3 of 3/,
        ],
        // an internal root whose subtree ends early: the root never gets its right child
        [withTree({ feature: [0, -1], value: [0.5, 256] }), /trees\.0: node 0 has no right child/],
        [withTree({ feature: [-1, -1], value: [256, 0] }), /trees\.0: node 1 is past the end of the tree/],
        [withTree({ feature: [0, -1, -1], value: [0.5, 200, 50] }), /trees\.0: its leaves hold 250 rows/],
        [withTree({ feature: [0, -1, -1], value: [0.5, 1.5, 255] }), /trees\.0: leaf 1 has row count 1.5/],
      ];
      for (const [bad, message] of cases) {
        let error: unknown;
        try {
          isolationForestFromJSON(bad);
        } catch (e) {
          error = e;
        }
        expect(error, String(message)).toBeInstanceOf(UserError);
        expect((error as UserError).message).toMatch(message);
      }
    });
  });
});
