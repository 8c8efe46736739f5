import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/text/tfidf.sklearn.json' with { type: 'json' };
import { denseToSparse, fitTfidf, tokenize, transformTfidf, type SparseVector } from './tfidf.js';

function dense(row: SparseVector, cols: number): number[] {
  const out = new Array<number>(cols).fill(0);
  row.indices.forEach((j, k) => (out[j] = row.values[k] ?? NaN));
  return out;
}

describe('tokenize', () => {
  it('lower-cases, drops punctuation and the <id> brackets, keeps hyphenated words and short slash abbreviations', () => {
    expect(tokenize('<id> A/C O-ring u/s, pump/motor')).toEqual([
      'id',
      'a/c',
      'o-ring',
      'u/s',
      'pump',
      'motor',
    ]);
    expect(tokenize('R/H/S boom cyl. leaking - re-torque #3 bolts @ 240V')).toEqual([
      'r/h/s',
      'boom',
      'cyl',
      'leaking',
      're-torque',
      '3',
      'bolts',
      '240v',
    ]);
  });
  it('keeps non-English letters and applies the minimum length', () => {
    expect(tokenize('Pumpe läuft nicht: ÖL-Leck an Ventil 2', { minTokenLength: 2 })).toEqual([
      'pumpe',
      'läuft',
      'nicht',
      'öl-leck',
      'an',
      'ventil',
    ]);
  });
  it('appends adjacent word pairs with ngrams: 2', () => {
    expect(tokenize('Engine not working', { ngrams: 2 })).toEqual([
      'engine',
      'not',
      'working',
      'engine not',
      'not working',
    ]);
    expect(tokenize('  ;; ')).toEqual([]);
  });
});

describe('TF-IDF against scikit-learn 1.2.1 (test/fixtures/text/make-fixtures.py)', () => {
  it('reproduces TfidfVectorizer() vocabulary, idf and L2-normalised rows', () => {
    // minTokenLength 2 = sklearn's default token_pattern \b\w\w+\b; the corpus has no hyphens or slashes
    const model = fitTfidf(fixture.documents, { minTokenLength: 2 });
    expect(model.terms).toEqual(fixture.terms);
    fixture.idf.forEach((v, j) => expect(model.idf[j]).toBeCloseTo(v, 12));
    const rows = transformTfidf(model, fixture.documents);
    rows.forEach((row, i) =>
      dense(row, model.terms.length).forEach((v, j) =>
        expect(v).toBeCloseTo(fixture.rows[i]?.[j] ?? NaN, 12),
      ),
    );
  });
  it('reproduces TfidfVectorizer(ngram_range=(1, 2), min_df=2)', () => {
    const expected = fixture.bigramsMinDf2;
    const model = fitTfidf(fixture.documents, { minTokenLength: 2, ngrams: 2, minDocumentFrequency: 2 });
    expect(model.terms).toEqual(expected.terms);
    expected.idf.forEach((v, j) => expect(model.idf[j]).toBeCloseTo(v, 12));
    transformTfidf(model, fixture.documents).forEach((row, i) =>
      dense(row, model.terms.length).forEach((v, j) =>
        expect(v).toBeCloseTo(expected.rows[i]?.[j] ?? NaN, 12),
      ),
    );
  });
  it('ignores unseen terms and gives an empty row for a document with none it knows', () => {
    const model = fitTfidf(fixture.documents, { minTokenLength: 2 });
    const [unknown, partly] = transformTfidf(model, ['gearbox noisy', 'gearbox oil']);
    expect(unknown?.indices.length).toBe(0);
    expect([...(partly?.indices ?? [])]).toEqual([model.terms.indexOf('oil')]);
    expect(partly?.values[0]).toBeCloseTo(1, 12);
  });
  it('rejects an empty corpus and a min document frequency no term reaches', () => {
    expect(() => fitTfidf([])).toThrow(/empty corpus/);
    expect(() => fitTfidf(['a b', 'c d'], { minDocumentFrequency: 2 })).toThrow(/at least 2 documents/);
  });
});

describe('denseToSparse', () => {
  it('keeps every column', () => {
    const [row] = denseToSparse([Float32Array.of(0.5, 0, -1)]);
    expect([...(row?.indices ?? [])]).toEqual([0, 1, 2]);
    expect([...(row?.values ?? [])]).toEqual([0.5, 0, -1]);
  });
});
