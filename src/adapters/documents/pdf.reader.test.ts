import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_FIXTURES, HPU40_PAGES, HPU40_PDF } from '../../../test/helpers/document-fixtures.js';
import { minimalPdf } from '../../../test/helpers/minimal-pdf.js';
import { chunkBlocks, pdfBlocks } from '../../analytics/text/document-chunks.js';
import { UserError } from '../../domain/errors.js';
import { readPdfPages } from './pdf.reader.js';

const fixture = () => new Uint8Array(readFileSync(join(DOCUMENT_FIXTURES, HPU40_PDF)));

describe('PDF reader (pdf.js)', () => {
  it('the committed fixture is what the generator writes', () => {
    expect(Buffer.from(minimalPdf(HPU40_PAGES)).equals(Buffer.from(fixture()))).toBe(true);
  });

  it('reads each page as lines with their font size and position', async () => {
    const pages = await readPdfPages(fixture());
    expect(pages.map((p) => [p.page, p.height, p.lines.length])).toEqual([
      [1, 842, 12],
      [2, 842, 10],
      [3, 842, 9],
    ]);
    const first = pages[0]?.lines ?? [];
    // The title is set at 18 pt with its baseline 72 pt below the top edge (the generator's top margin).
    expect(first[0]).toEqual({ text: 'HPU-40 hydraulic power unit', fontSize: 18, top: 72, left: 72 });
    expect(first[2]).toMatchObject({ text: '1 General', fontSize: 14 });
    expect(first[first.length - 1]).toEqual({
      text: 'HPU-40 service notes · page 1 of 3',
      fontSize: 8,
      top: 842 - 40,
      left: 72,
    });
    // WinAnsi's degree sign and en dash come back as Unicode.
    expect(pages[1]?.lines.map((l) => l.text).join(' ')).toContain('The normal working range is 40–60 °C.');
  }, 30_000);

  it('gives passages with heading paths from font sizes and 1-based pages, without the running footer', async () => {
    const chunks = chunkBlocks('hpu', pdfBlocks(await readPdfPages(fixture())));
    expect(chunks.map((c) => [c.seq, c.page, c.section])).toEqual([
      [0, 1, 'HPU-40 hydraulic power unit'],
      [1, 1, 'HPU-40 hydraulic power unit › 1 General'],
      [2, 1, 'HPU-40 hydraulic power unit › 2 Hydraulic fluid'],
      [3, 2, 'HPU-40 hydraulic power unit › 3 Temperature and cooling › 3.1 Oil temperature limits'],
      [4, 2, 'HPU-40 hydraulic power unit › 3 Temperature and cooling › 3.2 Air-oil cooler'],
      [5, 3, 'HPU-40 hydraulic power unit › 4 Maintenance intervals'],
      [6, 3, 'HPU-40 hydraulic power unit › 5 Pump noise'],
    ]);
    expect(chunks[3]?.text).toBe(
      'The fluid temperature is measured in the return line by sensor T2. The maximum oil temperature for ' +
        'continuous operation is 70 °C. The controller raises alarm A31 at 70 °C and switches the unit off at ' +
        '75 °C. The normal working range is 40–60 °C.',
    );
    expect(chunks.some((c) => c.text.includes('service notes ·'))).toBe(false);
  }, 30_000);

  it('refuses bytes that are not a PDF with a UserError', async () => {
    const error = await readPdfPages(new TextEncoder().encode('%PDF-1.4\nthis is not really a PDF')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('invalid_input');
    expect((error as UserError).message).toMatch(/^cannot read the PDF/);
  }, 30_000);
});
