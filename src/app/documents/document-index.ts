/**
 * Documents as a searchable library: import (text → passages → sentence vectors → store) and search (BM25 over the
 * passages' words fused with cosine ranking of their vectors, or BM25 alone without an embedder), narrowed to the
 * documents that concern an asset. The passages and their BM25 index are kept in memory per store and rebuilt
 * after an import or a delete. Document text is data: it is indexed and returned, never interpreted.
 */
import {
  type ChunkOptions,
  chunkBlocks,
  pdfBlocks,
  textBlocks,
} from '../../analytics/text/document-chunks.js';
import {
  type Bm25Index,
  type Scored,
  buildBm25Index,
  rankByCosine,
  reciprocalRankFusion,
  scoreBm25,
  searchTokens,
} from '../../analytics/text/retrieval.js';
import { isUnder } from '../../domain/asset.js';
import type { DocumentChunk, DocumentFormat, DocumentRecord, StoredChunk } from '../../domain/document.js';
import type { TextBlock } from '../../domain/document-reader.js';
import { OperationalError, UserError } from '../../domain/errors.js';
import type { AppServices } from '../services.js';

/** Texts per embedder call while importing (the cancel signal is checked between calls). */
const EMBED_BATCH = 32;
/** How deep each ranking goes into the fusion: a passage below this in both lists cannot be among the results. */
const FUSION_DEPTH = 50;
/** Reciprocal Rank Fusion's constant (Cormack, Clarke & Büttcher 2009). */
const RRF_K = 60;
/** Largest PDF accepted, in bytes. */
export const MAX_PDF_BYTES = 40 * 1024 * 1024;

export interface DocumentImport {
  readonly id?: string | undefined;
  readonly title: string;
  readonly format: DocumentFormat;
  /** The text; for a PDF, the file's bytes in base64. */
  readonly content: string;
  readonly source?: string | undefined;
  readonly assets?: readonly string[] | undefined;
  readonly equipmentType?: string | undefined;
}

export interface Passage {
  readonly document: string;
  readonly title: string;
  readonly section: string;
  readonly page?: number;
  readonly seq: number;
  readonly text: string;
  readonly score: number;
}

export interface SearchResult {
  readonly passages: Passage[];
  /** hybrid: words and sentence vectors fused; bm25: words alone (no embedder, or no passage with vectors). */
  readonly method: 'hybrid' | 'bm25';
}

/** What a passage is indexed and embedded as: its heading path, then its text. */
export const indexedText = (chunk: Pick<DocumentChunk, 'section' | 'text'>): string =>
  chunk.section === '' ? chunk.text : `${chunk.section}\n${chunk.text}`;

/**
 * An id made from a title: lower-case letters and digits joined by "-" (accents dropped), at most 100 characters.
 * @example documentIdFromTitle('Press P-300 manual (rev. C)') // 'press-p-300-manual-rev-c'
 */
export function documentIdFromTitle(title: string): string {
  const id = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  if (id === '') {
    throw new UserError(
      'invalid_input',
      `give the document an id: its title "${title}" has no letters or digits`,
    );
  }
  return id;
}

/** The bytes of base64 text (a `data:` URL prefix and white space allowed); UserError when it is not base64. */
export function decodeBase64(text: string): Uint8Array {
  const body = text.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) {
    throw new UserError('invalid_input', 'a PDF is sent as base64 in "content"; this is not base64');
  }
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

interface Extracted {
  readonly chunks: DocumentChunk[];
  readonly characters: number;
  readonly pages?: number;
}

interface Corpus {
  readonly chunks: readonly StoredChunk[];
  readonly records: ReadonlyMap<string, DocumentRecord>;
  readonly bm25: Bm25Index;
  /** BM25 over each passage's own (innermost) heading. */
  readonly headings: Bm25Index;
}

type IndexServices = Pick<AppServices, 'store' | 'clock' | 'embedder' | 'documentReader'>;

export class DocumentIndex {
  readonly #services: IndexServices;
  readonly #chunking: ChunkOptions;
  #corpus: Promise<Corpus> | undefined;

  constructor(services: IndexServices, chunking: ChunkOptions = {}) {
    this.#services = services;
    this.#chunking = chunking;
  }

  /** A document's text as passages (no store, no vectors). */
  async extract(
    id: string,
    format: DocumentFormat,
    content: string,
    signal?: AbortSignal,
  ): Promise<Extracted> {
    let blocks: TextBlock[];
    let pages: number | undefined;
    if (format === 'markdown' || format === 'text') {
      blocks = textBlocks(format, content);
    } else {
      const reader = this.#services.documentReader;
      if (!reader) {
        throw new OperationalError('unavailable', `this server has no reader for ${format} documents`);
      }
      if (format === 'html') {
        blocks = await reader.readHtml(content);
      } else {
        const bytes = decodeBase64(content);
        if (bytes.length > MAX_PDF_BYTES) {
          throw new UserError(
            'payload_too_large',
            `the PDF is ${bytes.length} bytes; at most ${MAX_PDF_BYTES}`,
          );
        }
        if (!startsWithPdfHeader(bytes)) {
          throw new UserError(
            'invalid_input',
            'the content is not a PDF (its bytes do not start with "%PDF-")',
          );
        }
        const read = await reader.readPdf(bytes, signal);
        pages = read.length;
        blocks = pdfBlocks(read);
      }
    }
    const chunks = chunkBlocks(id, blocks, this.#chunking);
    const characters = blocks.reduce((n, b) => n + b.text.length, 0);
    return { chunks, characters, ...(pages !== undefined && pages > 0 && { pages }) };
  }

  /**
   * Reads, splits, embeds (with the platform's embedder, when it has one) and stores a document, replacing any
   * earlier import under the same id. The assets it names must exist.
   */
  async import(input: DocumentImport, importedBy: string, signal?: AbortSignal): Promise<DocumentRecord> {
    const { store, clock, embedder } = this.#services;
    const id = input.id ?? documentIdFromTitle(input.title);
    const assets = [...new Set(input.assets ?? [])];
    const missing: string[] = [];
    for (const path of assets) if (!(await store.getAsset(path))) missing.push(path);
    if (missing.length > 0) {
      throw new UserError(
        'not_found',
        `no asset ${missing.map((p) => `"${p}"`).join(', ')}: link a document only to assets that exist (assets.list)`,
        { details: { assets: missing } },
      );
    }
    const extracted = await this.extract(id, input.format, input.content, signal);
    if (extracted.chunks.length === 0) {
      throw new UserError(
        'invalid_input',
        input.format === 'pdf'
          ? 'no text found in the PDF (a scanned PDF needs text recognition first)'
          : `no text found in the ${input.format} content`,
      );
    }
    let stored: StoredChunk[] = extracted.chunks;
    if (embedder) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < stored.length; i += EMBED_BATCH) {
        if (signal?.aborted) throw new OperationalError('cancelled', 'the import was cancelled');
        vectors.push(...(await embedder.embed(stored.slice(i, i + EMBED_BATCH).map(indexedText))));
      }
      stored = stored.map((chunk, i) => {
        const vector = vectors[i];
        return vector === undefined ? chunk : { ...chunk, vector, embedder: embedder.id };
      });
    }
    const record: DocumentRecord = {
      id,
      title: input.title,
      format: input.format,
      ...(input.source !== undefined && { source: input.source }),
      assets,
      ...(input.equipmentType !== undefined && { equipmentType: input.equipmentType }),
      importedAt: clock.now(),
      importedBy,
      ...(extracted.pages !== undefined && { pages: extracted.pages }),
      chunks: stored.length,
      characters: extracted.characters,
    };
    try {
      await store.putDocument(record, stored);
    } finally {
      this.invalidate();
    }
    return record;
  }

  /** Removes a document and its passages; the removed record, or undefined when there was none. */
  async delete(id: string): Promise<DocumentRecord | undefined> {
    const { store } = this.#services;
    const record = await store.getDocument(id);
    if (!record) return undefined;
    try {
      await store.deleteDocument(id);
    } finally {
      this.invalidate();
    }
    return record;
  }

  /** Forgets the passages held in memory; the next search loads them again. */
  invalidate(): void {
    this.#corpus = undefined;
  }

  /** The ids of the documents about an asset (see `concerns`); UserError when there is no such asset. */
  async documentsFor(asset: string): Promise<Set<string>> {
    const { store } = this.#services;
    const target = await store.getAsset(asset);
    if (!target) throw new UserError('not_found', `no asset "${asset}"`, { details: { asset } });
    // The kinds at or below the asset: a line's documents include those of the press types on it.
    const kinds = new Set(
      (await store.listAssets())
        .filter((a) => isUnder(a.path, asset))
        .flatMap((a) => (a.kind === undefined ? [] : [a.kind.toLowerCase()])),
    );
    const ids = new Set<string>();
    for (const record of await store.listDocuments()) if (concerns(record, asset, kinds)) ids.add(record.id);
    return ids;
  }

  /**
   * The passages that best answer a query, best first: BM25 (and, with an embedder, cosine similarity of sentence
   * vectors, fused by Reciprocal Rank Fusion), over the documents about `asset` when one is given.
   */
  async search(
    request: { query: string; asset?: string | undefined; limit: number },
    signal?: AbortSignal,
  ): Promise<SearchResult> {
    const allowed = request.asset === undefined ? undefined : await this.documentsFor(request.asset);
    const corpus = await this.#load();
    const admits = (s: Scored) => {
      const chunk = corpus.chunks[s.index];
      return chunk !== undefined && (allowed === undefined || allowed.has(chunk.document));
    };
    const terms = searchTokens(request.query);
    const lexical = scoreBm25(corpus.bm25, terms).filter(admits);
    // A passage whose own heading names the query ("3.1 Oil temperature") is a third opinion: the body's words
    // also match passages that merely mention it, and every heading path repeats the document's title.
    const asked = new Set(terms);
    const headed = scoreBm25(corpus.headings, terms).filter((h) => {
      if (!admits(h)) return false;
      // Only a heading that names two thirds of what is asked: one shared word ("bearing") is not the topic.
      const heading = new Set(searchTokens(corpus.chunks[h.index]?.section.split(' › ').at(-1) ?? ''));
      let named = 0;
      for (const t of asked) if (heading.has(t)) named++;
      return named * 3 >= asked.size * 2;
    });
    const { embedder } = this.#services;
    const vectors = embedder
      ? corpus.chunks.map((c, i) =>
          c.embedder === embedder.id && admits({ index: i, score: 0 }) ? c.vector : undefined,
        )
      : [];
    let ranked: Scored[];
    let method: SearchResult['method'];
    if (embedder && vectors.some((v) => v !== undefined)) {
      if (signal?.aborted) throw new OperationalError('cancelled', 'the search was cancelled');
      const [query] = await embedder.embed([request.query]);
      const dense = query === undefined ? [] : rankByCosine(query, vectors);
      ranked = reciprocalRankFusion(
        [
          lexical.slice(0, FUSION_DEPTH).map((s) => s.index),
          dense.slice(0, FUSION_DEPTH).map((s) => s.index),
          headed.slice(0, FUSION_DEPTH).map((s) => s.index),
        ],
        RRF_K,
      );
      method = 'hybrid';
    } else {
      ranked =
        headed.length === 0
          ? lexical
          : reciprocalRankFusion(
              [
                lexical.slice(0, FUSION_DEPTH).map((s) => s.index),
                headed.slice(0, FUSION_DEPTH).map((s) => s.index),
              ],
              RRF_K,
            );
      method = 'bm25';
    }
    const passages = ranked.slice(0, request.limit).flatMap((s): Passage[] => {
      const chunk = corpus.chunks[s.index];
      if (!chunk) return [];
      return [
        {
          document: chunk.document,
          title: corpus.records.get(chunk.document)?.title ?? chunk.document,
          section: chunk.section,
          ...(chunk.page !== undefined && { page: chunk.page }),
          seq: chunk.seq,
          text: chunk.text,
          score: s.score,
        },
      ];
    });
    return { passages, method };
  }

  #load(): Promise<Corpus> {
    if (this.#corpus) return this.#corpus;
    const loading = this.#build();
    this.#corpus = loading;
    loading.catch(() => {
      if (this.#corpus === loading) this.#corpus = undefined;
    });
    return loading;
  }

  async #build(): Promise<Corpus> {
    const { store } = this.#services;
    const [records, chunks] = await Promise.all([store.listDocuments(), store.listChunks({})]);
    return {
      chunks,
      records: new Map(records.map((r) => [r.id, r])),
      bm25: buildBm25Index(chunks.map((c) => searchTokens(indexedText(c)))),
      headings: buildBm25Index(chunks.map((c) => searchTokens(c.section.split(' › ').at(-1) ?? ''))),
    };
  }
}

/**
 * Whether a document concerns an asset: it is linked to the asset, to an asset above it (a line's SOP applies to
 * its presses) or below it (a press's manual belongs to its line), or its equipment type is the kind of the asset
 * or of an asset below it (case-insensitive).
 */
export function concerns(record: DocumentRecord, asset: string, kinds: ReadonlySet<string>): boolean {
  if (record.assets.some((linked) => isUnder(asset, linked) || isUnder(linked, asset))) return true;
  return record.equipmentType !== undefined && kinds.has(record.equipmentType.toLowerCase());
}

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** A PDF starts with "%PDF-", though readers accept up to 1 KB of junk before it (ISO 32000-1 §7.5.2, note). */
function startsWithPdfHeader(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length - PDF_HEADER.length, 1024);
  for (let at = 0; at <= limit; at++) if (PDF_HEADER.every((b, k) => bytes[at + k] === b)) return true;
  return false;
}

const indexes = new WeakMap<object, DocumentIndex>();

/** The document index of a platform (one per store, so its passages are loaded once and shared by every call). */
export function documentIndex(services: IndexServices): DocumentIndex {
  let index = indexes.get(services.store);
  if (!index) indexes.set(services.store, (index = new DocumentIndex(services)));
  return index;
}
