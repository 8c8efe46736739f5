/**
 * The port for reading documents whose format needs a parser (HTML, PDF): it turns the file into neutral text
 * blocks or positioned lines, and the pure chunker (src/analytics/text/document-chunks.ts) takes it from there.
 * Implementation: src/adapters/documents (htmlparser2, pdf.js).
 */

/** A piece of a document in reading order, as the chunker sees it. */
export interface TextBlock {
  /**
   * heading: starts a section at `level`; paragraph: running text (split at sentences when long); preformatted
   * (code) and table: kept whole in one passage.
   */
  readonly kind: 'heading' | 'paragraph' | 'preformatted' | 'table';
  readonly text: string;
  /** 1 (outermost) to 6, for a heading. */
  readonly level?: number;
  /** 1-based page, for a PDF. */
  readonly page?: number;
}

/** One line of text on a PDF page, as laid out: its font size (points) and where its baseline sits. */
export interface PdfTextLine {
  readonly text: string;
  readonly fontSize: number;
  /** Distance of the baseline from the top of the page, in points. */
  readonly top: number;
  /** Left edge, in points. */
  readonly left: number;
}

export interface PdfPageText {
  /** 1-based. */
  readonly page: number;
  /** Page height in points (headers and footers sit near its edges). */
  readonly height: number;
  /** Lines top to bottom. */
  readonly lines: readonly PdfTextLine[];
}

export interface DocumentReader {
  /** The blocks of an HTML page: headings h1–h6, text of p/li/td/…, tables whole; script, style and nav left out. */
  readHtml(html: string): Promise<TextBlock[]>;
  /** The text lines of each page of a PDF (UserError invalid_input when it is not a readable PDF). */
  readPdf(bytes: Uint8Array, signal?: AbortSignal): Promise<PdfPageText[]>;
}
