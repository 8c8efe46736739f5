/**
 * Bag-of-words features for short maintenance texts (work orders, defect reports): a tokenizer that keeps the
 * trade's compound tokens, and TF-IDF with scikit-learn's default weighting, producing sparse rows.
 */
import { UserError } from '../../domain/errors.js';

/** A sparse row: `values[k]` is the value of column `indices[k]`; indices are strictly increasing. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export interface TokenizerOptions {
  /**
   * Shortest token kept, in characters. Default 1: in maintenance text one-character tokens carry meaning
   * ("#2 engine", "a side", "no 3"). 2 reproduces scikit-learn's default `token_pattern` (`\b\w\w+\b`).
   */
  readonly minTokenLength?: number;
  /** 1: words only (default); 2: words and adjacent word pairs ("not working"), like sklearn's `ngram_range=(1, 2)`. */
  readonly ngrams?: 1 | 2;
}

// Runs of letters/digits, possibly joined by hyphens or slashes; slashes are then split unless every part is an
// abbreviation of one or two characters.
const TOKEN = /[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*/gu;
const ABBREVIATION = /^[\p{L}\p{N}]{1,2}(?:\/[\p{L}\p{N}]{1,2})+$/u;

/**
 * Lower-cases and splits a text into word tokens (then, with `ngrams: 2`, appends space-joined word pairs).
 * Tokens are runs of Unicode letters and digits. A hyphen inside a word keeps it whole ("o-ring", "auto-lube"),
 * because the parts alone mean something else ("o", "ring"). A slash keeps abbreviations of up to two characters a
 * side whole ("a/c" air conditioning, "u/s" unserviceable, "c/o" change out); a longer pair ("pump/motor") splits.
 * Everything else (punctuation, the `<id>` brackets, "#", spaces) separates tokens.
 * @example tokenize('<id> A/C O-ring u/s, pump/motor') // ['id', 'a/c', 'o-ring', 'u/s', 'pump', 'motor']
 */
export function tokenize(text: string, options: TokenizerOptions = {}): string[] {
  const minLength = options.minTokenLength ?? 1;
  const words: string[] = [];
  for (const [match] of text.toLowerCase().matchAll(TOKEN)) {
    const parts = ABBREVIATION.test(match) ? [match] : match.split('/');
    for (const part of parts) if ([...part].length >= minLength) words.push(part);
  }
  if ((options.ngrams ?? 1) === 1) return words;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < words.length; i++) pairs.push(`${words[i] ?? ''} ${words[i + 1] ?? ''}`);
  return [...words, ...pairs];
}

export interface TfidfOptions extends TokenizerOptions {
  /** Keep a term only if it occurs in at least this many training documents (sklearn `min_df` as a count). Default 1. */
  readonly minDocumentFrequency?: number;
}

/** A fitted TF-IDF vocabulary: column j is `terms[j]` with weight `idf[j]`. */
export interface TfidfModel {
  /** The vocabulary in code-point order, as sklearn's `get_feature_names_out()` sorts it. */
  readonly terms: readonly string[];
  readonly idf: Float64Array;
  readonly index: ReadonlyMap<string, number>;
  readonly options: TfidfOptions;
}

/**
 * Learns the vocabulary and inverse document frequencies of a corpus with scikit-learn's defaults
 * (`TfidfVectorizer(smooth_idf=True, sublinear_tf=False, norm='l2')`):
 * idf(t) = ln((1 + n) / (1 + df(t))) + 1, where n is the number of documents and df(t) how many contain t.
 * Source: scikit-learn user guide §6.2.3.4 "Tf–idf term weighting"
 * (https://scikit-learn.org/stable/modules/feature_extraction.html#tfidf-term-weighting) and the
 * `TfidfTransformer` API reference.
 */
export function fitTfidf(documents: readonly string[], options: TfidfOptions = {}): TfidfModel {
  const minDf = options.minDocumentFrequency ?? 1;
  if (!Number.isInteger(minDf) || minDf < 1) {
    throw new UserError('invalid_input', `minDocumentFrequency must be a positive integer, got ${minDf}`);
  }
  if (documents.length === 0) throw new UserError('invalid_input', 'cannot fit TF-IDF on an empty corpus');
  const df = new Map<string, number>();
  for (const doc of documents) {
    for (const term of new Set(tokenize(doc, options))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const terms = [...df.keys()].filter((t) => (df.get(t) ?? 0) >= minDf).sort(byCodePoint);
  if (terms.length === 0) {
    throw new UserError('invalid_input', `no term occurs in at least ${minDf} documents`);
  }
  const n = documents.length;
  const idf = Float64Array.from(terms, (t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
  return { terms, idf, index: new Map(terms.map((t, j) => [t, j])), options };
}

/**
 * TF-IDF rows: raw term counts × idf, each row scaled to unit Euclidean length (sklearn `norm='l2'`).
 * Terms outside the vocabulary are ignored; a document with none of them is the empty row.
 */
export function transformTfidf(model: TfidfModel, documents: readonly string[]): SparseVector[] {
  return documents.map((doc) => {
    const counts = new Map<number, number>();
    for (const term of tokenize(doc, model.options)) {
      const j = model.index.get(term);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const values = Float64Array.from(indices, (j) => (counts.get(j) ?? 0) * (model.idf[j] ?? 0));
    let norm = 0;
    for (const v of values) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < values.length; k++) values[k] = (values[k] ?? 0) / norm;
    return { indices, values };
  });
}

/** Dense vectors (sentence embeddings) as sparse rows with every column present, for the same learners. */
export function denseToSparse(rows: readonly ArrayLike<number>[]): SparseVector[] {
  return rows.map((row) => ({
    indices: Int32Array.from({ length: row.length }, (_, j) => j),
    values: Float64Array.from(row),
  }));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
