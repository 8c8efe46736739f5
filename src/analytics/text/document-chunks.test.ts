import { describe, expect, it } from 'vitest';
import type { PdfPageText, PdfTextLine } from '../../domain/document-reader.js';
import {
  chunkBlocks,
  countWords,
  headingLevel,
  markdownBlocks,
  pdfBlocks,
  plainTextBlocks,
  splitSection,
  splitSentences,
} from './document-chunks.js';

/** n words "w1 w2 … wn." as one sentence. */
const sentence = (from: number, n: number) =>
  `${Array.from({ length: n }, (_, i) => `w${from + i}`).join(' ')}.`.replace(/^w/, 'W');

describe('Markdown', () => {
  const md = [
    '---',
    'title: ignored front matter',
    '---',
    '# Press manual',
    'Intro text.',
    '',
    '## 4 Hydraulics',
    '',
    '### 4.2 Oil **temperature** ###',
    'Keep it below 60 °C, see [the table](#t).',
    '',
    'Second paragraph',
    'wrapped over two lines.',
    '',
    'Setext heading',
    '--------------',
    '```text',
    '# not a heading',
    '',
    'still code',
    '```',
    '| a | b |',
    '|---|:-:|',
    '| 1 | 2 |',
    '',
    '* * *',
    '- step one',
    '- step two',
    '<!-- a comment',
    'over lines -->',
    'Other heading',
    '=============',
    'Last.',
  ].join('\n');

  it('reads ATX and setext headings, paragraphs, code and tables', () => {
    expect(markdownBlocks(md)).toEqual([
      { kind: 'heading', level: 1, text: 'Press manual' },
      { kind: 'paragraph', text: 'Intro text.' },
      { kind: 'heading', level: 2, text: '4 Hydraulics' },
      { kind: 'heading', level: 3, text: '4.2 Oil temperature' },
      { kind: 'paragraph', text: 'Keep it below 60 °C, see the table.' },
      { kind: 'paragraph', text: 'Second paragraph wrapped over two lines.' },
      { kind: 'heading', level: 2, text: 'Setext heading' },
      { kind: 'preformatted', text: '# not a heading\n\nstill code' },
      { kind: 'table', text: 'a | b\n1 | 2' },
      { kind: 'paragraph', text: '- step one\n- step two' },
      { kind: 'heading', level: 1, text: 'Other heading' },
      { kind: 'paragraph', text: 'Last.' },
    ]);
  });

  it('gives each passage its heading path; a heading closes the deeper ones', () => {
    const chunks = chunkBlocks('m', markdownBlocks(md));
    expect(chunks.map((c) => [c.seq, c.section, c.text.slice(0, 12)])).toEqual([
      [0, 'Press manual', 'Intro text.'],
      [1, 'Press manual › 4 Hydraulics › 4.2 Oil temperature', 'Keep it belo'],
      [2, 'Press manual › Setext heading', '# not a head'],
      [3, 'Other heading', 'Last.'],
    ]);
    expect(chunks[1]?.text).toBe(
      'Keep it below 60 °C, see the table.\n\nSecond paragraph wrapped over two lines.',
    );
    expect(chunks[2]?.text).toBe('# not a heading\n\nstill code\n\na | b\n1 | 2\n\n- step one\n- step two');
    expect(chunks.every((c) => c.document === 'm' && c.page === undefined)).toBe(true);
  });

  it('never splits a code block or a table, however long', () => {
    const code = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    const chunks = chunkBlocks('m', markdownBlocks(`# A\n\n\`\`\`\n${code}\n\`\`\`\n\nAfter.`));
    expect(chunks.map((c) => c.text)).toEqual([code, 'After.']);
  });

  it('drops headings without text under them', () => {
    expect(chunkBlocks('m', markdownBlocks('# A\n## B\n### C\n'))).toEqual([]);
  });
});

describe('plain text', () => {
  it('recognises numbered and capitalised headings, not list steps or callouts', () => {
    expect(headingLevel('4.2 Oil temperature')).toBe(3);
    expect(headingLevel('4 Hydraulics')).toBe(2);
    expect(headingLevel('4.2. Oil temperature')).toBe(3);
    expect(headingLevel('SAFETY PRECAUTIONS')).toBe(1);
    expect(headingLevel('1. Remove the cap')).toBe(0);
    expect(headingLevel('2) Close valve V2')).toBe(0);
    expect(headingLevel('4.2 bar is the minimum')).toBe(0);
    expect(headingLevel('Check the oil.')).toBe(0);
    expect(headingLevel('WARNING')).toBe(0);
    expect(headingLevel('3 Tools and parts: see the list below for every part needed here')).toBe(0);
  });

  it('splits at blank lines; a heading line starts a section; a two-line title is one heading', () => {
    const text = [
      'WORK INSTRUCTION WI-9',
      'CHANGING A FILTER',
      '',
      '1 Purpose',
      'Keep the oil clean.',
      'It matters.',
      '',
      '2 Steps',
      '',
      '1. Open the cover.',
      '2. Swap the element.',
      '',
      'Notes',
      '-----',
      'None.',
    ].join('\n');
    expect(plainTextBlocks(text)).toEqual([
      { kind: 'heading', level: 1, text: 'WORK INSTRUCTION WI-9 — CHANGING A FILTER' },
      { kind: 'heading', level: 2, text: '1 Purpose' },
      { kind: 'paragraph', text: 'Keep the oil clean. It matters.' },
      { kind: 'heading', level: 2, text: '2 Steps' },
      { kind: 'paragraph', text: '1. Open the cover.\n2. Swap the element.' },
      { kind: 'heading', level: 2, text: 'Notes' },
      { kind: 'paragraph', text: 'None.' },
    ]);
    expect(chunkBlocks('w', plainTextBlocks(text)).map((c) => c.section)).toEqual([
      'WORK INSTRUCTION WI-9 — CHANGING A FILTER › 1 Purpose',
      'WORK INSTRUCTION WI-9 — CHANGING A FILTER › 2 Steps',
      'WORK INSTRUCTION WI-9 — CHANGING A FILTER › Notes',
    ]);
  });
});

describe('PDF lines', () => {
  const line = (text: string, fontSize: number, top: number): PdfTextLine => ({
    text,
    fontSize,
    top,
    left: 72,
  });
  const page = (n: number, lines: PdfTextLine[]): PdfPageText => ({ page: n, height: 800, lines });

  it('takes headings from font sizes, paragraphs from spacing, and drops page furniture', () => {
    const pages = [
      page(1, [
        line('Unit manual', 18, 72),
        line('1 Oil', 14, 110),
        line('The oil is measured by sensor T2 and kept between', 10, 140),
        line('40 and 60 °C by a cooler with a thermo-', 10, 152.5),
        line('static fan.', 10, 165),
        line('A second paragraph.', 10, 195),
        line('Unit manual · page 1 of 2', 8, 770),
      ]),
      page(2, [
        line('Continued on page two.', 10, 72),
        line('1.1 Limits of the oil', 12, 100),
        line('temperature', 12, 115),
        line('At most 70 °C.', 10, 140),
        line('2', 10, 780),
        line('Unit manual · page 2 of 2', 8, 770),
      ]),
    ];
    expect(pdfBlocks(pages)).toEqual([
      { kind: 'heading', level: 1, text: 'Unit manual', page: 1 },
      { kind: 'heading', level: 2, text: '1 Oil', page: 1 },
      {
        kind: 'paragraph',
        text: 'The oil is measured by sensor T2 and kept between 40 and 60 °C by a cooler with a thermostatic fan.',
        page: 1,
      },
      { kind: 'paragraph', text: 'A second paragraph.', page: 1 },
      { kind: 'paragraph', text: 'Continued on page two.', page: 2 },
      { kind: 'heading', level: 3, text: '1.1 Limits of the oil temperature', page: 2 },
      { kind: 'paragraph', text: 'At most 70 °C.', page: 2 },
    ]);
    // The section of page 1 goes on over page 2, but a passage never spans the two pages.
    expect(chunkBlocks('u', pdfBlocks(pages)).map((c) => [c.section, c.page, c.text.slice(0, 10)])).toEqual([
      ['Unit manual › 1 Oil', 1, 'The oil is'],
      ['Unit manual › 1 Oil', 2, 'Continued '],
      ['Unit manual › 1 Oil › 1.1 Limits of the oil temperature', 2, 'At most 70'],
    ]);
  });

  it('keeps a heading that opens every page (larger than the body) while dropping the footer that ends it', () => {
    const pages = [1, 2, 3].map((n) =>
      page(n, [
        line(`${n} Bearing ${n + 10}`, 14, 60),
        line(`Grease bearing ${n + 10} weekly.`, 10, 90),
        line(`Manual rev. C · page ${n}`, 10, 770),
      ]),
    );
    expect(chunkBlocks('b', pdfBlocks(pages)).map((c) => [c.section, c.page, c.text])).toEqual([
      ['1 Bearing 11', 1, 'Grease bearing 11 weekly.'],
      ['2 Bearing 12', 2, 'Grease bearing 12 weekly.'],
      ['3 Bearing 13', 3, 'Grease bearing 13 weekly.'],
    ]);
  });

  it('falls back to numbered heading lines when the PDF is set in one size', () => {
    const blocks = pdfBlocks([
      page(1, [line('3 Cooling', 11, 72), line('Clean the fins.', 11, 90), line('3.1 Fan', 11, 120)]),
    ]);
    expect(blocks).toEqual([
      { kind: 'heading', level: 2, text: '3 Cooling', page: 1 },
      { kind: 'paragraph', text: 'Clean the fins.', page: 1 },
      { kind: 'heading', level: 3, text: '3.1 Fan', page: 1 },
    ]);
  });
});

describe('passages', () => {
  it('splits sentences, not decimals or abbreviations', () => {
    expect(splitSentences('Check the oil at 4.2 bar, e.g. daily. Refill approx. 2 L! Done? Yes.')).toEqual([
      'Check the oil at 4.2 bar, e.g. daily.',
      'Refill approx. 2 L!',
      'Done?',
      'Yes.',
    ]);
    expect(splitSentences('1. First step.\n2. Second step.')).toEqual(['1. First step.', '2. Second step.']);
  });

  it('keeps a section of up to 250 words whole', () => {
    const text = sentence(0, 250);
    expect(splitSection([{ text, atomic: false }])).toEqual([text]);
  });

  it('splits a long section into near-equal passages at sentence boundaries, with a one-sentence overlap', () => {
    // Ten sentences of 30 words: 300 words → ⌈300 / 250⌉ = 2 passages of about 150.
    const sentences = Array.from({ length: 10 }, (_, i) => sentence(i * 30, 30));
    const passages = splitSection([{ text: sentences.join(' '), atomic: false }]);
    expect(passages).toEqual([sentences.slice(0, 5).join(' '), sentences.slice(4).join(' ')]);
    expect(passages.map(countWords)).toEqual([150, 180]);
  });

  it('cuts a run-on sentence into word windows and carries no overlap longer than 40 words', () => {
    const run = sentence(0, 600);
    const passages = splitSection([{ text: run, atomic: false }]);
    expect(passages.map(countWords)).toEqual([250, 250, 100]);
    expect(passages.join(' ')).toBe(run);
  });

  it('closes passages at paragraph ends when the paragraphs fit', () => {
    const paragraphs = [sentence(0, 120), sentence(200, 120), sentence(400, 120)];
    // 360 words → 2 passages, target 180. After the first paragraph (120), adding the second overshoots the
    // target by 60, no more than stopping would undershoot it (60): it joins. The third would pass 250: a new
    // passage, with no overlap (the last sentence, 120 words, is longer than 40).
    expect(splitSection(paragraphs.map((text) => ({ text, atomic: false })))).toEqual([
      `${paragraphs[0]}\n\n${paragraphs[1]}`,
      paragraphs[2],
    ]);
  });
});
