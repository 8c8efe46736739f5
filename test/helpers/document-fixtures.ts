/**
 * The documents of test/fixtures/documents, and the text of the PDF fixture, from which
 * `hpu-40-service-notes.pdf` is written by `minimalPdf` (regenerate: npx tsx test/helpers/document-fixtures.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PdfFixturePage, minimalPdf } from './minimal-pdf.js';

export const DOCUMENT_FIXTURES = join(
  fileURLToPath(new URL('.', import.meta.url)),
  '..',
  'fixtures',
  'documents',
);

export const readFixture = (name: string): string => readFileSync(join(DOCUMENT_FIXTURES, name), 'utf8');

const title = (text: string) => ({ text, size: 18, bold: true });
const h2 = (text: string) => ({ text, size: 14, bold: true });
const h3 = (text: string) => ({ text, size: 12, bold: true });
const body = (text: string) => ({ text, size: 10.5 });

/** Service notes of a hydraulic power unit, three pages with text on each. */
export const HPU40_PAGES: readonly PdfFixturePage[] = [
  {
    footer: 'HPU-40 service notes · page 1 of 3',
    paragraphs: [
      title('HPU-40 hydraulic power unit'),
      body('Service notes for maintenance technicians, edition 2.'),
      h2('1 General'),
      body(
        'The HPU-40 supplies hydraulic power to the clamping cylinders and the die cushion of stamping line 1. ' +
          'It delivers 40 L/min at up to 210 bar from a vane pump driven by an 18.5 kW motor. The unit has its ' +
          'own controller, which reports pressure, temperature and filter state to the line controller.',
      ),
      h2('2 Hydraulic fluid'),
      body(
        'Fill the unit with HLP 32 hydraulic oil only. The tank holds 120 L. Change the fluid every 6,000 ' +
          'operating hours, or earlier when an oil analysis shows water above 0.05 % or a cleanliness class worse ' +
          'than 17/15/12.',
      ),
    ],
  },
  {
    footer: 'HPU-40 service notes · page 2 of 3',
    paragraphs: [
      h2('3 Temperature and cooling'),
      h3('3.1 Oil temperature limits'),
      body(
        'The fluid temperature is measured in the return line by sensor T2. The maximum oil temperature for ' +
          'continuous operation is 70 °C. The controller raises alarm A31 at 70 °C and switches the unit off at ' +
          '75 °C. The normal working range is 40–60 °C.',
      ),
      h3('3.2 Air-oil cooler'),
      body(
        'An air-oil cooler with a thermostatic fan keeps the fluid in its working range. Blow the cooler fins ' +
          'clean with compressed air every 500 hours, and more often in a dusty hall. A blocked cooler is the ' +
          'most common reason for alarm A31.',
      ),
    ],
  },
  {
    footer: 'HPU-40 service notes · page 3 of 3',
    paragraphs: [
      h2('4 Maintenance intervals'),
      body(
        'Every 500 hours: clean the cooler and check all hoses for chafing. Every 2,000 hours: replace the ' +
          'return-line filter element as described in work instruction WI-114. Every 6,000 hours: change the ' +
          'fluid and the breather filter.',
      ),
      h2('5 Pump noise'),
      body(
        'A whining vane pump usually means air in the suction line or an oil level below the minimum mark. ' +
          'Check the level and the suction fittings before you suspect the pump itself.',
      ),
    ],
  },
];

export const HPU40_PDF = 'hpu-40-service-notes.pdf';

// Run directly: write the PDF fixture.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(DOCUMENT_FIXTURES, HPU40_PDF), minimalPdf(HPU40_PAGES));
}
