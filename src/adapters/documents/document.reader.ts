/** The platform's `DocumentReader`: HTML with htmlparser2, PDF with pdf.js (loaded on the first PDF). */
import type { DocumentReader } from '../../domain/document-reader.js';
import { htmlBlocks } from './html.reader.js';
import { readPdfPages } from './pdf.reader.js';

export function openDocumentReader(): DocumentReader {
  return {
    readHtml: (html) => Promise.resolve(htmlBlocks(html)),
    readPdf: (bytes, signal) => readPdfPages(bytes, signal),
  };
}
