/**
 * The Documents page, the pure part: the wire shapes of /api/v1/documents, /documents/get and /documents/search
 * (mirroring src/app/operations/documents.ts), and the link to one passage — `#view=documents&doc=<id>&chunk=<seq>`,
 * the address the assistant's citations use. No DOM here.
 */
import * as z from 'zod/mini';

const optionalString = z.nullish(z.string());
const optionalNumber = z.nullish(z.number());

export const DocumentRecord = z.object({
  id: z.string(),
  title: z.string(),
  /** markdown, text, html or pdf; kept open so a new format shows as itself. */
  format: z.string(),
  source: optionalString,
  assets: z.array(z.string()),
  equipmentType: optionalString,
  importedAt: z.number(),
  importedBy: z.string(),
  pages: optionalNumber,
  chunks: z.number(),
  characters: z.number(),
});
export type DocumentRecord = z.infer<typeof DocumentRecord>;

export const DocumentsResponse = z.object({ documents: z.array(DocumentRecord) });

export const Passage = z.object({
  seq: z.number(),
  /** Heading path, outermost first, joined with " › ". */
  section: z.string(),
  page: optionalNumber,
  text: z.string(),
});
export type Passage = z.infer<typeof Passage>;

export const DocumentResponse = z.object({ document: DocumentRecord, passages: z.array(Passage) });
export type DocumentResponse = z.infer<typeof DocumentResponse>;

export const SearchHit = z.object({
  document: z.string(),
  title: z.string(),
  section: z.string(),
  page: optionalNumber,
  seq: z.number(),
  text: z.string(),
  score: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResponse = z.object({ passages: z.array(SearchHit), method: z.string() });
export type SearchResponse = z.infer<typeof SearchResponse>;

/** How many passages a search on the page shows. */
export const SEARCH_LIMIT = 8;

const SEPARATOR = ' › ';

/** The heading path of a passage as its parts, outermost first (none before the first heading). */
export function sectionParts(section: string): string[] {
  return section === '' ? [] : section.split(SEPARATOR);
}

/**
 * The address of one passage in the Documents view.
 * @example passageHref('press-manual', 5) // '#view=documents&doc=press-manual&chunk=5'
 */
export function passageHref(document: string, seq: number): string {
  return `#view=documents&doc=${encodeURIComponent(document)}&chunk=${seq}`;
}

/** The passage number in the address, when it is one (a whole number from 0). */
export function parseChunk(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

const FORMATS: Record<string, string> = { markdown: 'Markdown', text: 'Text', html: 'HTML', pdf: 'PDF' };

export function formatLabel(format: string): string {
  return FORMATS[format] ?? format;
}

/** What a document is about: its assets (last path segment) and its equipment type, or "whole plant". */
export function aboutLabel(record: Pick<DocumentRecord, 'assets' | 'equipmentType'>): string {
  const parts = record.assets.map((a) => a.slice(a.lastIndexOf('/') + 1));
  if (record.equipmentType) parts.push(`every ${record.equipmentType}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** "p. 3" for a PDF passage, empty otherwise. */
export function pageLabel(page: number | null | undefined): string {
  return page === null || page === undefined ? '' : `p. ${page}`;
}

/** The first `max` characters of a passage, cut at a word, for a search result. */
export function snippet(text: string, max = 220): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
