/**
 * Passage retrieval: Okapi BM25 over words, cosine ranking over sentence vectors, and Reciprocal Rank Fusion of
 * the two (hybrid search). Pure: passages and vectors in, ranked indices out.
 */
import { cosineSimilarity } from '../../domain/embedder.js';

// ---- tokens ----

/**
 * A small English stop-word list: function words only. Words that carry meaning in a manual ("not", "no", "off",
 * "on", "up", "down", "over", "under", "max", "min", "before", "after") are kept.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'been',
  'by',
  'can',
  'do',
  'does',
  'for',
  'from',
  'has',
  'have',
  'how',
  'i',
  'if',
  'in',
  'into',
  'is',
  'it',
  'its',
  'me',
  'my',
  'of',
  'or',
  'our',
  'should',
  'so',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'this',
  'those',
  'to',
  'was',
  'we',
  'were',
  'what',
  'when',
  'where',
  'which',
  'who',
  'why',
  'will',
  'with',
  'you',
  'your',
]);

// Runs of letters and digits joined by "-", "/" or "." ("P-300", "4.2", "a/c", "e.g"); split again below.
const RAW_TOKEN = /[\p{L}\p{N}]+(?:[-/.][\p{L}\p{N}]+)*/gu;
const NUMBER = /^\p{N}+(?:\.\p{N}+)+$/u;

/**
 * Harman's "S" stemmer: plural to singular by the first of three rules that applies, to words of letters longer
 * than three characters (so "gas" and "bus" stay). Source: D. Harman, "How effective is suffixing?", JASIS 42(1), 1991, pp. 7–15.
 * @example sStem('bearings') // 'bearing'; sStem('assemblies') // 'assembly'; sStem('pumps') // 'pump'
 */
export function sStem(word: string): string {
  if (word.length <= 3 || !/^\p{L}+$/u.test(word)) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies'))
    return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes')) {
    return word.slice(0, -1);
  }
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * The search terms of a text: lower-case runs of letters and digits; a decimal number stays whole ("4.2"); a
 * hyphenated or slashed compound gives itself and each part of two or more characters ("P-300" → "p-300", "300";
 * "o-ring" → "o-ring", "ring"); other dots split ("e.g." → "e", "g"). Stop words are dropped and plurals reduced
 * (`sStem`).
 * @example searchTokens('What is the max. oil temperature of P-300 (section 4.2)?')
 * // ['max', 'oil', 'temperature', 'p-300', '300', 'section', '4.2']
 */
export function searchTokens(text: string): string[] {
  const out: string[] = [];
  const push = (word: string) => {
    if (word === '' || STOP_WORDS.has(word)) return;
    // A compound's last word is reduced: "o-rings" → "o-ring".
    out.push(word.replace(/\p{L}+$/u, sStem));
  };
  for (const [raw] of text.toLowerCase().matchAll(RAW_TOKEN)) {
    // Dots only join digits: "4.2" is one number, "fig.3" and "e.g" are words.
    for (const part of NUMBER.test(raw) ? [raw] : splitDots(raw)) {
      if (!/[-/]/.test(part)) {
        push(part);
        continue;
      }
      push(part);
      for (const sub of part.split(/[-/]/)) if (sub.length >= 2) push(sub);
    }
  }
  return out;
}

/** Splits at dots that are not between two digits. */
function splitDots(token: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < token.length; i++) {
    if (token[i] !== '.') continue;
    if (/\p{N}/u.test(token[i - 1] ?? '') && /\p{N}/u.test(token[i + 1] ?? '')) continue;
    parts.push(token.slice(start, i));
    start = i + 1;
  }
  parts.push(token.slice(start));
  return parts.filter((p) => p !== '' && p !== '-' && p !== '/');
}

// ---- BM25 ----

export interface Bm25Options {
  /** Term-frequency saturation. Default 1.2. */
  readonly k1?: number;
  /** Length normalisation, 0 (none) to 1 (full). Default 0.75. */
  readonly b?: number;
}

/** An inverted index of tokenised passages with the statistics BM25 needs. */
export interface Bm25Index {
  readonly documents: number;
  readonly averageLength: number;
  readonly lengths: Int32Array;
  /** term → passages holding it, with the term's count in each. */
  readonly postings: ReadonlyMap<string, { readonly docs: Int32Array; readonly counts: Int32Array }>;
  readonly k1: number;
  readonly b: number;
}

/** Indexes passages already split into terms (`searchTokens`). */
export function buildBm25Index(
  passages: readonly (readonly string[])[],
  options: Bm25Options = {},
): Bm25Index {
  const lengths = new Int32Array(passages.length);
  const lists = new Map<string, { docs: number[]; counts: number[] }>();
  let total = 0;
  passages.forEach((terms, d) => {
    lengths[d] = terms.length;
    total += terms.length;
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, c] of counts) {
      let list = lists.get(t);
      if (!list) lists.set(t, (list = { docs: [], counts: [] }));
      list.docs.push(d);
      list.counts.push(c);
    }
  });
  const postings = new Map<string, { docs: Int32Array; counts: Int32Array }>();
  for (const [t, l] of lists)
    postings.set(t, { docs: Int32Array.from(l.docs), counts: Int32Array.from(l.counts) });
  return {
    documents: passages.length,
    averageLength: passages.length === 0 ? 0 : total / passages.length,
    lengths,
    postings,
    k1: options.k1 ?? 1.2,
    b: options.b ?? 0.75,
  };
}

/**
 * Robertson–Spärck Jones inverse document frequency with 1 added inside the logarithm, as Lucene computes it, so it
 * is never negative: idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5)), N passages, n(t) of them holding t.
 */
export function bm25Idf(documents: number, withTerm: number): number {
  return Math.log(1 + (documents - withTerm + 0.5) / (withTerm + 0.5));
}

export interface Scored {
  /** Index of the passage (or vector) in the order given. */
  readonly index: number;
  readonly score: number;
}

/**
 * Okapi BM25 scores of the passages holding at least one query term, best first (ties: earlier passage first):
 * score(D, Q) = Σ over distinct terms t of Q: idf(t) · f(t, D) · (k1 + 1) / (f(t, D) + k1 · (1 − b + b · |D| / avgdl)),
 * f(t, D) the count of t in D, |D| its length in terms, avgdl the mean length. Sources: S. Robertson and
 * H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", Foundations and Trends in IR 3(4), 2009,
 * eq. 3.11 (k1 = 1.2, b = 0.75 as there); idf as Lucene's `BM25Similarity`.
 * @example
 * const index = buildBm25Index(passages.map(searchTokens));
 * scoreBm25(index, searchTokens('maximum oil temperature')) // [{ index: 3, score: 4.1 }, …]
 */
export function scoreBm25(index: Bm25Index, queryTerms: readonly string[]): Scored[] {
  const scores = new Map<number, number>();
  const { k1, b, averageLength } = index;
  for (const term of new Set(queryTerms)) {
    const posting = index.postings.get(term);
    if (!posting) continue;
    const idf = bm25Idf(index.documents, posting.docs.length);
    for (let k = 0; k < posting.docs.length; k++) {
      const d = posting.docs[k] ?? 0;
      const f = posting.counts[k] ?? 0;
      const norm = 1 - b + (b * (index.lengths[d] ?? 0)) / (averageLength || 1);
      scores.set(d, (scores.get(d) ?? 0) + (idf * f * (k1 + 1)) / (f + k1 * norm));
    }
  }
  return [...scores.entries()]
    .map(([i, score]) => ({ index: i, score }))
    .sort((x, y) => y.score - x.score || x.index - y.index);
}

// ---- dense ----

/**
 * Vectors ranked by cosine similarity to the query vector, best first (ties: earlier first); a missing vector
 * (a passage embedded by another model, or not at all) is left out.
 */
export function rankByCosine(
  query: ArrayLike<number>,
  vectors: readonly (ArrayLike<number> | undefined)[],
): Scored[] {
  const scored: Scored[] = [];
  vectors.forEach((v, i) => {
    if (v !== undefined && v.length === query.length)
      scored.push({ index: i, score: cosineSimilarity(query, v) });
  });
  return scored.sort((x, y) => y.score - x.score || x.index - y.index);
}

// ---- fusion ----

/**
 * Reciprocal Rank Fusion: score(d) = Σ over rankings r holding d of 1 / (k + rank_r(d)), rank from 1; best first,
 * ties broken by the better best rank, then the smaller index. Source: G. V. Cormack, C. L. A. Clarke and
 * S. Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and individual Rank Learning Methods", SIGIR 2009
 * (k = 60 there).
 * @example reciprocalRankFusion([[2, 0], [0, 1]]) // 0: 1/62 + 1/61, 2: 1/61, 1: 1/62 → [0, 2, 1]
 */
export function reciprocalRankFusion(rankings: readonly (readonly number[])[], k = 60): Scored[] {
  const scores = new Map<number, { score: number; best: number }>();
  for (const ranking of rankings) {
    ranking.forEach((index, position) => {
      const entry = scores.get(index) ?? { score: 0, best: Infinity };
      entry.score += 1 / (k + position + 1);
      entry.best = Math.min(entry.best, position + 1);
      scores.set(index, entry);
    });
  }
  return [...scores.entries()]
    .sort(([ia, a], [ib, b]) => b.score - a.score || a.best - b.best || ia - ib)
    .map(([index, { score }]) => ({ index, score }));
}
