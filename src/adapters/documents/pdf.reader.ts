/**
 * The text lines of a PDF's pages with pdf.js (Mozilla, `pdfjs-dist` legacy build for Node): each line with its
 * font size and position, so the chunker can tell headings by size and paragraphs by spacing. Runs in-process
 * (pdf.js's "fake worker"), reads its standard-font metrics from the installed package, downloads nothing, and
 * never evaluates code from a PDF.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PdfPageText, PdfTextLine } from '../../domain/document-reader.js';
import { OperationalError, UserError } from '../../domain/errors.js';

type PdfJs = typeof PdfJsModule;

let loaded: Promise<PdfJs> | undefined;
/** pdf.js is about 2 MB of script: loaded on the first PDF, not when the platform starts. */
const pdfjs = (): Promise<PdfJs> => (loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

/** Where pdf.js finds the metrics of the 14 standard fonts (a path with a trailing separator, read with fs). */
const STANDARD_FONTS = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

interface Item {
  readonly str: string;
  readonly transform: readonly number[];
  readonly width: number;
  readonly hasEOL?: boolean;
}

/**
 * Reads every page of a PDF into lines (text items on one baseline, joined with a space where there is a gap).
 * UserError invalid_input for bytes that are not a PDF, a damaged one, or one that needs a password.
 */
export async function readPdfPages(bytes: Uint8Array, signal?: AbortSignal): Promise<PdfPageText[]> {
  const { getDocument } = await pdfjs();
  // pdf.js takes over the buffer it is given: hand it a copy.
  const task = getDocument({
    data: bytes.slice(),
    standardFontDataUrl: STANDARD_FONTS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    let doc: Awaited<typeof task.promise>;
    try {
      doc = await task.promise;
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const why =
        name === 'PasswordException'
          ? 'it is protected by a password'
          : `it is not a readable PDF (${error instanceof Error ? error.message : String(error)})`;
      throw new UserError('invalid_input', `cannot read the PDF: ${why}`, { cause: error });
    }
    const pages: PdfPageText[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      if (signal?.aborted) throw new OperationalError('cancelled', 'reading the PDF was cancelled');
      const page = await doc.getPage(number);
      const [, y0 = 0, , y1 = 0] = page.view;
      const height = y1 - y0;
      const content = await page.getTextContent();
      pages.push({
        page: number,
        height,
        lines: toLines(
          content.items.flatMap((i): Item[] => ('str' in i ? [i] : [])),
          y1,
        ),
      });
      page.cleanup();
    }
    return pages;
  } finally {
    await task.destroy();
  }
}

/** Text items in content order, grouped into lines by baseline; `top` measured down from the page's top edge. */
function toLines(items: readonly Item[], pageTop: number): PdfTextLine[] {
  const lines: PdfTextLine[] = [];
  let text = '';
  let size = 0;
  let sizeChars = 0;
  let baseline = NaN;
  let left = 0;
  let endX = 0;
  const flush = () => {
    if (text.trim() !== '') lines.push({ text: text.trim(), fontSize: size, top: pageTop - baseline, left });
    text = '';
    size = 0;
    sizeChars = 0;
  };
  for (const item of items) {
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform;
    const itemSize = Math.hypot(c, d);
    if (item.str !== '') {
      const sameLine = text !== '' && Math.abs(y - baseline) <= 0.3 * Math.max(itemSize, size);
      if (!sameLine) {
        flush();
        baseline = y;
        left = x;
      } else if (x - endX > 0.1 * itemSize && !text.endsWith(' ') && !item.str.startsWith(' ')) {
        text += ' ';
      }
      text += item.str;
      endX = x + item.width;
      // The line's size is that of most of its characters.
      if (item.str.length > sizeChars) {
        size = itemSize;
        sizeChars = item.str.length;
      }
    }
    if (item.hasEOL === true) flush();
  }
  flush();
  return lines;
}
