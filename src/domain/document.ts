/**
 * Manuals, SOPs and work instructions kept by the platform: the document (linked to assets or an equipment type)
 * and its passages (chunks), each with the heading path it sits under and, for PDFs, its page, so an answer can
 * cite "Press manual › 4 Hydraulics › 4.2 Oil temperature, p. 12".
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { EpochMs } from './sample.js';

export const DOCUMENT_FORMATS = ['markdown', 'text', 'html', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const DocumentId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'a document id is lower-case letters, digits, "_", "." or "-"')
  .meta({ example: 'press-manual' });

export const DocumentRecord = z.object({
  id: DocumentId,
  title: z.string().min(1).max(300),
  format: z.enum(DOCUMENT_FORMATS),
  /** The file it came from, when imported from one. */
  source: z.string().max(500).optional(),
  /** The assets it is about (a press's manual → that press); empty when it is about an equipment type. */
  assets: z.array(AssetPath).max(200),
  /** The equipment type it is about ("servo press"): applies to every asset of that kind. */
  equipmentType: z.string().max(100).optional(),
  importedAt: EpochMs,
  importedBy: z.string(),
  /** Pages, for a PDF. */
  pages: z.number().int().positive().optional(),
  chunks: z.number().int().nonnegative(),
  /** Characters of text extracted. */
  characters: z.number().int().nonnegative(),
});
export type DocumentRecord = z.infer<typeof DocumentRecord>;

export const DocumentChunk = z.object({
  document: DocumentId,
  /** Position in the document, from 0. */
  seq: z.number().int().nonnegative(),
  /** The heading path, outermost first, joined with " › " (empty before the first heading). */
  section: z.string(),
  /** 1-based page, for a PDF. */
  page: z.number().int().positive().optional(),
  text: z.string(),
});
export type DocumentChunk = z.infer<typeof DocumentChunk>;

/** A passage as stored: its sentence vector, and which embedder made it (vectors of different ids do not mix). */
export interface StoredChunk extends DocumentChunk {
  readonly vector?: Float32Array;
  readonly embedder?: string;
}
