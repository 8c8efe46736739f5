/**
 * Test helper: writes a small, valid PDF 1.4 by hand — standard Helvetica fonts (not embedded), uncompressed
 * content streams, a cross-reference table with exact byte offsets (ISO 32000-1 §7.5) — so PDF fixtures are made
 * here from text instead of copied from somewhere. Lines are word-wrapped at an average Helvetica glyph width.
 */

export interface PdfParagraph {
  readonly text: string;
  /** Font size in points. */
  readonly size: number;
  readonly bold?: boolean;
}

export interface PdfFixturePage {
  readonly paragraphs: readonly PdfParagraph[];
  /** A running footer line near the bottom edge, 8 pt. */
  readonly footer?: string;
}

const PAGE_WIDTH = 595; // A4 in points
const PAGE_HEIGHT = 842;
const MARGIN = 72;
/** Baseline to baseline within a paragraph, in font sizes. */
const LEADING = 1.25;
/** Extra space between paragraphs, in font sizes. */
const PARAGRAPH_SPACE = 0.8;
/** Helvetica's mean advance width is about half an em. */
const MEAN_GLYPH_EM = 0.5;

/** WinAnsiEncoding (ISO 32000-1 Annex D.2) codes of the few non-ASCII characters the fixtures use. */
const WIN_ANSI: Record<string, number> = { '°': 0o260, '–': 0o226, '—': 0o227, '·': 0o267, '×': 0o327 };

function pdfString(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\\' || ch === '(' || ch === ')') out += `\\${ch}`;
    else if (ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) < 127) out += ch;
    else if (WIN_ANSI[ch] !== undefined) out += `\\${WIN_ANSI[ch].toString(8)}`;
    else throw new Error(`no WinAnsi code for ${JSON.stringify(ch)}`);
  }
  return `(${out})`;
}

function wrap(text: string, size: number): string[] {
  const perLine = Math.floor((PAGE_WIDTH - 2 * MARGIN) / (MEAN_GLYPH_EM * size));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function contentStream(page: PdfFixturePage): string {
  const ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  let first = true;
  for (const p of page.paragraphs) {
    if (!first) y -= PARAGRAPH_SPACE * p.size;
    first = false;
    for (const line of wrap(p.text, p.size)) {
      ops.push(
        `BT /${p.bold ? 'F2' : 'F1'} ${p.size} Tf ${MARGIN} ${y.toFixed(2)} Td ${pdfString(line)} Tj ET`,
      );
      y -= LEADING * p.size;
    }
  }
  if (page.footer !== undefined) ops.push(`BT /F1 8 Tf ${MARGIN} 40 Td ${pdfString(page.footer)} Tj ET`);
  return ops.join('\n');
}

/** The bytes of a PDF with the given pages (A4, text from the top margin down). */
export function minimalPdf(pages: readonly PdfFixturePage[]): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 5 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  pages.forEach((page, i) => {
    const stream = contentStream(page);
    objects[5 + 2 * i] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${6 + 2 * i} 0 R >>`;
    objects[6 + 2 * i] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  // Every character is one byte (ASCII; WinAnsi codes are written as octal escapes), so offsets are string indices.
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id] ?? ''}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
