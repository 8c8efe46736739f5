import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../ml/matrix.js';
import { fitPca, hotellingT2Limit, pcaFromJSON, pcaToJSON, speLimit } from './pca.js';

/** A seeded standard normal (Box–Muller over a 32-bit LCG), enough for test data. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('PCA monitor', () => {
  // Four points with mean 0, variance 10/3 and covariance 2 in both columns: correlation r = 0.6, so the
  // correlation matrix has eigenvalues 1 ± r = 1.6, 0.4 with eigenvectors (1, 1)/√2 and (1, −1)/√2.
  const square = matrixFromRows(
    [
      [2, 2],
      [-2, -2],
      [1, -1],
      [-1, 1],
    ],
    ['a', 'b'],
  );

  it('eigenvalues 1 ± r, and T², SPE and contributions by hand', () => {
    const m = fitPca(square, { explainedVariance: 0.75 });
    expect(Array.from(m.eigenvalues)).toEqual([expect.closeTo(1.6, 12), expect.closeTo(0.4, 12)]);
    expect(m.components).toBe(1);
    expect(m.explained).toBeCloseTo(0.8, 12);
    // z = (1, 0): t = 1/√2, T² = t²/1.6 = 0.3125; residual z − p·t = (0.5, −0.5), SPE = 0.5
    const s = m.score([Math.sqrt(10 / 3), 0]);
    expect(s.t2).toBeCloseTo(0.3125, 12);
    expect(s.spe).toBeCloseTo(0.5, 12);
    expect(Array.from(s.contributions.spe)).toEqual([expect.closeTo(0.25, 12), expect.closeTo(0.25, 12)]);
    // Westerhuis et al. 2000: cont_j = z_j·t·p_j/λ → (1·(1/√2)(1/√2)/1.6, 0); they sum to T²
    expect(Array.from(s.contributions.t2)).toEqual([expect.closeTo(0.3125, 12), expect.closeTo(0, 12)]);
    // limits: T² = 1·3·5/(4·3)·F_0.99(1, 3) = 1.25·34.11622 (SciPy); SPE by Jackson–Mudholkar on λ = 0.4 below
    expect(s.t2Limit).toBeCloseTo(42.64527695566223, 6);
    expect(s.speLimit).toBeCloseTo(2.6343092387707028, 9);
    expect(s.anomalous).toBe(false);
    // (3, −3) lies along the discarded direction (1, −1)/√2: t = 0, SPE = (z₁ − z₂)²/2 = (6/√(10/3))²/2 = 5.4
    const off = m.score([3, -3]);
    expect(off.spe).toBeCloseTo((6 / Math.sqrt(10 / 3)) ** 2 / 2, 10);
    expect(off.t2).toBeCloseTo(0, 12);
    expect(off.anomalous).toBe(true);
  });

  it('matches numpy on the eigenvalues of a 6 × 3 correlation matrix', () => {
    const x = matrixFromRows(
      [
        [2, 2, 1],
        [-2, -2, 0.5],
        [1, -1, -1],
        [-1, 1, 0.3],
        [0.5, 0.2, -0.4],
        [0.1, -0.3, 0.8],
      ],
      ['a', 'b', 'c'],
    );
    // numpy: np.linalg.eigvalsh(np.corrcoef(X.T))[::-1] → 1.66151361, 1.08836703, 0.25011936
    const m = fitPca(x, { components: 2 });
    expect(Array.from(m.eigenvalues)).toEqual([
      expect.closeTo(1.66151361, 7),
      expect.closeTo(1.08836703, 7),
      expect.closeTo(0.25011936, 7),
    ]);
    expect(m.explained).toBeCloseTo((1.66151361 + 1.08836703) / 3, 7);
  });

  it('Jackson–Mudholkar limit against hand computation and the exact χ² case', () => {
    // λ = (2, 1), α = 0.05: θ = 3, 5, 9; h₀ = 1 − 2·3·9/(3·25) = 0.28; c = 1.644854;
    // Q = 3·[1.644854·√(2·5·0.0784)/3 + 1 + 5·0.28·(−0.72)/9]^(1/0.28) = 9.318257 (hand / Python);
    // Monte Carlo of 2χ²₁ + χ²₁ (4·10⁶ draws) gives 9.255, so the approximation is within 1 %.
    expect(speLimit([2, 1], 0.05)).toBeCloseTo(9.318256674976638, 8);
    // one discarded λ: Q/λ is exactly χ²₁, whose 0.99 quantile is 6.634897; JM gives 6.5858 (−0.7 %)
    expect(speLimit([0.4], 0.01) / 0.4).toBeCloseTo(2.6343092387707028 / 0.4, 9);
    expect(Math.abs(speLimit([1], 0.01) / 6.634896601021214 - 1)).toBeLessThan(0.01);
    expect(speLimit([], 0.01)).toBe(0);
  });

  it('T² limit tends to χ²_k for large n', () => {
    // χ²₂ 0.99 quantile = −2 ln 0.01 = 9.2103
    expect(hotellingT2Limit(2, 1_000_000, 0.01)).toBeCloseTo(-2 * Math.log(0.01), 3);
  });

  it('names the broken signal: a sensor drifting off a correlated pair trips SPE and leads the contributions', () => {
    const n = normals(3);
    const rows: number[][] = [];
    for (let i = 0; i < 2000; i++) {
      const load = n();
      rows.push([50 + 5 * load + 0.3 * n(), 60 + 4 * load + 0.3 * n(), 180 + 1.5 * n()]);
    }
    const m = fitPca(matrixFromRows(rows, ['oil', 'motor', 'pressure']), { alpha: 0.01 });
    expect(m.components).toBe(2);
    // fresh normal data: each limit at α = 1 %, so the either-or false-alarm rate stays near 2 %
    let alarms = 0;
    for (let i = 0; i < 5000; i++) {
      const load = n();
      if (m.score([50 + 5 * load + 0.3 * n(), 60 + 4 * load + 0.3 * n(), 180 + 1.5 * n()]).anomalous)
        alarms++;
    }
    expect(alarms / 5000).toBeGreaterThan(0.005);
    expect(alarms / 5000).toBeLessThan(0.04);
    // motor temperature 3 °C above what the load explains
    const s = m.score([50, 63, 180]);
    expect(s.spe).toBeGreaterThan(s.speLimit);
    const c = Array.from(s.contributions.spe);
    expect(c.indexOf(Math.max(...c))).toBeLessThanOrEqual(1); // the pair carries the residual
    expect(c[2]).toBeLessThan(Math.max(...c) / 10);
    expect(Math.abs(c.reduce((a, b) => a + b, 0) - s.spe)).toBeLessThan(1e-9);
    const t2sum = Array.from(s.contributions.t2).reduce((a, b) => a + b, 0);
    expect(t2sum).toBeCloseTo(s.t2, 9);
  });

  it('a row with a NaN is reported missing, not anomalous; NaN in training is refused', () => {
    const m = fitPca(square, { components: 1 });
    expect(m.score([Number.NaN, 1])).toMatchObject({ missing: true, anomalous: false });
    expect(() =>
      fitPca(
        matrixFromRows(
          [
            [1, 2],
            [Number.NaN, 1],
            [2, 2],
            [3, 1],
          ],
          ['a', 'b'],
        ),
      ),
    ).toThrow(/missing/);
  });

  it('saves as versioned JSON and scores the same after loading; refuses another format or version', () => {
    const m = fitPca(square, { components: 1 });
    const json = JSON.parse(JSON.stringify(pcaToJSON(m))) as unknown;
    const loaded = pcaFromJSON(json);
    for (const row of [
      [1, 2],
      [5, -3],
      [0.5, 0.25],
    ]) {
      const a = m.score(row);
      const b = loaded.score(row);
      expect([b.t2, b.spe, b.anomalous]).toEqual([a.t2, a.spe, a.anomalous]);
    }
    expect(() => pcaFromJSON({ ...(json as object), version: 2 })).toThrow(/version 2/);
    expect(() => pcaFromJSON({ ...(json as object), format: 'gemba.gbdt' })).toThrow(/not a gemba.pca model/);
    expect(() => pcaFromJSON({ ...(json as object), mean: [1] })).toThrow(/inconsistent sizes/);
  });
});
