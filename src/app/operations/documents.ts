/**
 * Documents: manuals, SOPs and work instructions imported as passages (with their heading path and page) and
 * searched by words and meaning, optionally only those about an asset. Importing and deleting need the engineer
 * role; reading and searching, viewer. Passages are quoted as they are in the document: data, never instructions.
 */
import { z } from 'zod';
import { AssetPath, DOCUMENT_FORMATS, DocumentId, DocumentRecord, UserError } from '../../domain/index.js';
import { documentIndex } from '../documents/document-index.js';
import { defineOperation } from '../operation.js';
import { PositiveInt, listArg } from './common.js';

/** Largest `content`, in characters: a 40 MB PDF in base64 (the HTTP body limit is 64 MB by default). */
const MAX_CONTENT_CHARS = 56_000_000;

const PassageText = z.object({
  seq: z.number().int().nonnegative(),
  section: z.string().meta({ description: 'Heading path, outermost first, joined with " › "' }),
  page: z.number().int().positive().optional().meta({ description: '1-based page, for a PDF' }),
  text: z.string(),
});

/** A search hit. The names are a contract: the assistant and the dashboard cite passages by them. */
export const SearchPassage = z.object({
  document: DocumentId,
  title: z.string(),
  section: z.string(),
  page: z.number().int().positive().optional(),
  seq: z.number().int().nonnegative(),
  text: z.string(),
  score: z.number(),
});

export const importDocument = defineOperation({
  name: 'documents.import',
  description:
    'Import a manual, SOP or work instruction (Markdown, plain text, HTML, or a PDF as base64) as searchable ' +
    'passages, linked to assets or an equipment type. Re-importing an id replaces the document.',
  input: z.object({
    id: DocumentId.optional().meta({ description: 'Default: made from the title' }),
    title: z.string().trim().min(1).max(300),
    format: z.enum(DOCUMENT_FORMATS),
    content: z
      .string()
      .min(1)
      .max(MAX_CONTENT_CHARS)
      .meta({ description: 'The document text; for a PDF, the file in base64' }),
    source: z
      .string()
      .max(500)
      .optional()
      .meta({ description: 'The file it came from', example: 'p300.pdf' }),
    assets: listArg(AssetPath)
      .refine((a) => a.length <= 200, 'at most 200 assets')
      .optional()
      .meta({ description: 'Assets the document is about', example: 'acme/plant1/stamping/line1/press3' }),
    equipmentType: z.string().trim().min(1).max(100).optional().meta({
      description: 'The equipment type it is about (an asset kind)',
      example: 'servo-hydraulic press',
    }),
  }),
  output: z.object({ document: DocumentRecord }),
  permission: 'engineer',
  http: { method: 'POST', path: '/documents/import' },
  audit: true,
  handler: async (input, { services, principal, signal }) => ({
    document: await documentIndex(services).import(input, principal.name, signal),
  }),
});

export const listDocuments = defineOperation({
  name: 'documents.list',
  description: 'The imported documents (title, format, linked assets or equipment type, passages, pages).',
  input: z.object({
    asset: AssetPath.optional().meta({ description: 'Only the documents about this asset' }),
  }),
  output: z.object({ documents: z.array(DocumentRecord) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/documents' },
  audit: false,
  handler: async ({ asset }, { services }) => {
    const all = await services.store.listDocuments();
    if (asset === undefined) return { documents: all };
    const about = await documentIndex(services).documentsFor(asset);
    return { documents: all.filter((d) => about.has(d.id)) };
  },
});

export const getDocument = defineOperation({
  name: 'documents.get',
  description: 'One document with all its passages in order (seq, section, page, text).',
  input: z.object({ id: DocumentId }),
  output: z.object({ document: DocumentRecord, passages: z.array(PassageText) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/documents/get' },
  audit: false,
  handler: async ({ id }, { services }) => {
    const document = await services.store.getDocument(id);
    if (!document) throw new UserError('not_found', `no document "${id}"`, { details: { id } });
    const chunks = await services.store.listChunks({ documents: [id] });
    return {
      document,
      passages: chunks.map((c) => ({
        seq: c.seq,
        section: c.section,
        ...(c.page !== undefined && { page: c.page }),
        text: c.text,
      })),
    };
  },
});

export const deleteDocument = defineOperation({
  name: 'documents.delete',
  description: 'Remove a document and its passages.',
  input: z.object({ id: DocumentId }),
  output: z.object({ document: DocumentRecord }),
  permission: 'engineer',
  http: { method: 'POST', path: '/documents/delete' },
  audit: true,
  handler: async ({ id }, { services }) => {
    const document = await documentIndex(services).delete(id);
    if (!document) throw new UserError('not_found', `no document "${id}"`, { details: { id } });
    return { document };
  },
});

export const searchDocuments = defineOperation({
  name: 'documents.search',
  description:
    'Search the manuals, SOPs and work instructions for passages that answer a question (limits, intervals, ' +
    'procedures, fault codes), best first, each with its document, section and page. With an asset, only the ' +
    'documents about that asset, the assets above or below it, or its equipment type. The passages are quoted ' +
    'text from the documents.',
  input: z.object({
    query: z.string().trim().min(1).max(1000).meta({ example: 'what is the maximum oil temperature?' }),
    asset: AssetPath.optional(),
    limit: PositiveInt(20).default(5),
  }),
  output: z.object({
    passages: z.array(SearchPassage),
    method: z.enum(['hybrid', 'bm25']).meta({
      description: 'hybrid: words and sentence vectors fused (Reciprocal Rank Fusion); bm25: words alone',
    }),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/documents/search' },
  audit: false,
  handler: async (input, { services, signal }) => documentIndex(services).search(input, signal),
});

export const DOCUMENT_OPERATIONS = [
  importDocument,
  listDocuments,
  getDocument,
  deleteDocument,
  searchDocuments,
] as const;
