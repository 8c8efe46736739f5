import { describe, expect, it } from 'vitest';
import {
  bm25Idf,
  buildBm25Index,
  rankByCosine,
  reciprocalRankFusion,
  sStem,
  scoreBm25,
  searchTokens,
} from './retrieval.js';

describe('searchTokens', () => {
  it('keeps decimal numbers and compounds, drops stop words, reduces plurals', () => {
    expect(searchTokens('What is the max. oil temperature of P-300 (section 4.2)?')).toEqual([
      'max',
      'oil',
      'temperature',
      'p-300',
      '300',
      'section',
      '4.2',
    ]);
    expect(searchTokens('Replace O-rings, e.g. on pumps; 1,000 hours')).toEqual([
      'replace',
      'o-ring',
      'ring',
      'e',
      'g',
      'on',
      'pump',
      '1',
      '000',
      'hour',
    ]);
    expect(searchTokens('A/C at 18.5 kW')).toEqual(['a/c', '18.5', 'kw']);
  });

  it("reduces plurals by Harman's three rules", () => {
    expect(
      ['bearings', 'assemblies', 'valves', 'gas', 'class', 'bus', 'shoes', 'hydraulics'].map(sStem),
    ).toEqual(['bearing', 'assembly', 'valve', 'gas', 'class', 'bus', 'shoe', 'hydraulic']);
  });
});

describe('BM25', () => {
  // Three passages, already tokenised: lengths 3, 3 and 4, so avgdl = 10 / 3.
  const index = buildBm25Index([
    ['oil', 'temperature', 'limit'],
    ['oil', 'oil', 'pump'],
    ['pump', 'bearing', 'grease', 'check'],
  ]);

  it('computes idf as Lucene does: ln(1 + (N − n + 0.5) / (n + 0.5))', () => {
    // "oil" in 2 of 3 passages: ln(1 + 1.5 / 2.5) = ln(1.6) = 0.470004
    expect(bm25Idf(3, 2)).toBeCloseTo(0.470004, 6);
    // "temperature" in 1 of 3: ln(1 + 2.5 / 1.5) = ln(2.666667) = 0.980829
    expect(bm25Idf(3, 1)).toBeCloseTo(0.980829, 6);
  });

  it('scores a query against the hand-computed values (k1 = 1.2, b = 0.75)', () => {
    // Passage 0 and 1 have length 3: K = k1 · (1 − b + b · 3 / (10/3)) = 1.2 · (0.25 + 0.675) = 1.2 · 0.925 = 1.11.
    // Passage 0: oil f=1 → 0.470004 · 1 · 2.2 / (1 + 1.11) = 0.490051;
    //            temperature f=1 → 0.980829 · 2.2 / 2.11 = 1.022666; total 1.512717.
    // Passage 1: oil f=2 → 0.470004 · 2 · 2.2 / (2 + 1.11) = 0.664957.
    // Passage 2 holds neither term and is not returned.
    const scored = scoreBm25(index, ['oil', 'temperature']);
    expect(scored.map((s) => s.index)).toEqual([0, 1]);
    expect(scored[0]?.score).toBeCloseTo(1.512717, 5);
    expect(scored[1]?.score).toBeCloseTo(0.664957, 5);
  });

  it('counts a repeated query term once and ignores unknown terms', () => {
    expect(scoreBm25(index, ['oil', 'oil', 'turbine'])).toEqual(scoreBm25(index, ['oil']));
    expect(scoreBm25(index, [])).toEqual([]);
    expect(scoreBm25(buildBm25Index([]), ['oil'])).toEqual([]);
  });
});

describe('dense ranking', () => {
  it('ranks by cosine and leaves out missing or mismatched vectors', () => {
    const ranked = rankByCosine([1, 0], [[0, 1], undefined, [2, 1], [1, 0, 0], [3, 0]]);
    // cos([1,0],[0,1]) = 0, cos([1,0],[2,1]) = 2/√5 = 0.894427, cos([1,0],[3,0]) = 1
    expect(ranked.map((s) => s.index)).toEqual([4, 2, 0]);
    expect(ranked[1]?.score).toBeCloseTo(2 / Math.sqrt(5), 12);
  });
});

describe('Reciprocal Rank Fusion (k = 60)', () => {
  it('fuses two rankings as in Cormack et al. 2009', () => {
    // 1: ranks 1 and 2 → 1/61 + 1/62 = 0.0325225; 3: ranks 3 and 1 → 1/63 + 1/61 = 0.0322665;
    // 2: rank 2 only → 1/62 = 0.0161290; 4: rank 3 only → 1/63 = 0.0158730.
    const fused = reciprocalRankFusion([
      [1, 2, 3],
      [3, 1, 4],
    ]);
    expect(fused.map((s) => s.index)).toEqual([1, 3, 2, 4]);
    expect(fused.map((s) => s.score)).toEqual([1 / 61 + 1 / 62, 1 / 63 + 1 / 61, 1 / 62, 1 / 63]);
  });

  it('breaks ties by the better rank, then the smaller index', () => {
    // 7 and 9: ranks 1 and 3 (1/61 + 1/63 = 0.0322665), the tie broken by index; 8: rank 2 in both
    // (2/62 = 0.0322581), last.
    expect(
      reciprocalRankFusion([
        [7, 8, 9],
        [9, 8, 7],
      ]).map((s) => s.index),
    ).toEqual([7, 9, 8]);
    expect(reciprocalRankFusion([[5], [6]]).map((s) => s.index)).toEqual([5, 6]);
    expect(reciprocalRankFusion([[2, 1]], 0).map((s) => s.score)).toEqual([1, 0.5]);
  });
});
