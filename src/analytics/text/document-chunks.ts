/**
 * Manuals, SOPs and work instructions into passages for search: each format becomes a list of text blocks
 * (headings, paragraphs, code and tables kept whole, the page of each PDF line), and the blocks become passages of
 * roughly 120–250 words, each with the heading path it sits under ("Press manual › 4 Hydraulics › 4.2 Oil
 * temperature") and its page. A passage never spans two sections or two pages, so a citation points at one place.
 *
 * Sizes follow the common practice of retrieval-augmented generation (passages of about 100–300 words, split at
 * paragraph and sentence boundaries with a small overlap so a fact on a boundary is whole in one passage):
 * Lewis et al., "Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks", NeurIPS 2020 (100-word
 * passages); Karpukhin et al., "Dense Passage Retrieval for Open-Domain Question Answering", EMNLP 2020.
 */
import type { DocumentChunk } from '../../domain/document.js';
import type { PdfPageText, PdfTextLine, TextBlock } from '../../domain/document-reader.js';

export interface ChunkOptions {
  /** Longest passage, in words; a longer section is split into near-equal passages no longer than this. Default 250. */
  readonly maxWords?: number;
  /** Longest sentence carried over from one passage into the next of the same section. Default 40 words. */
  readonly overlapWords?: number;
}

/** The heading path separator of `DocumentChunk.section`. */
export const SECTION_SEPARATOR = ' › ';

const WORD = /\S+/g;

/** Words in a text (runs of non-space characters). */
export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

// ---- Markdown ----

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|?\s*$/;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+/;

/**
 * The blocks of a Markdown text (CommonMark's block structure, simplified): ATX (`## Title`) and setext
 * (underlined) headings, paragraphs, fenced code blocks and GFM tables, each code block and table kept whole.
 * Front matter, HTML comments and thematic breaks are left out; inline emphasis, code spans and links are reduced
 * to their text. Source: CommonMark spec 0.31.2 §4.2 (thematic breaks), §4.2–4.3 (ATX and setext headings), §4.5
 * (fenced code); GitHub Flavored Markdown spec §4.10 (tables).
 * @example markdownBlocks('# Manual\n\n## Oil\nKeep it clean.') // heading 1, heading 2, paragraph
 */
export function markdownBlocks(markdown: string): TextBlock[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: TextBlock[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const text = joinLines(paragraph);
    paragraph = [];
    if (text !== '') blocks.push({ kind: 'paragraph', text: inlineMarkdown(text) });
  };
  let i = 0;
  // YAML front matter: a first line of "---" up to the next "---" or "...".
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, k) => k > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (end > 0) i = end + 1;
  }
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      let k = i + 1;
      for (; k < lines.length; k++) {
        const l = lines[k] ?? '';
        const close = FENCE_OPEN.exec(l);
        if (close && (close[1] ?? '')[0] === marker[0] && (close[1] ?? '').length >= marker.length) {
          if (l.trim().replace(/[`~]/g, '') === '') break;
        }
        body.push(l);
      }
      i = k;
      const code = body.join('\n').replace(/^\n+|\s+$/g, '');
      if (code !== '') blocks.push({ kind: 'preformatted', text: code });
      continue;
    }
    if (line.trim().startsWith('<!--')) {
      flush();
      while (i < lines.length && !(lines[i] ?? '').includes('-->')) i++;
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      flush();
      const text = inlineMarkdown((atx[2] ?? '').replace(/[ \t]+#+$/, '').replace(/^#+$/, '')).trim();
      if (text !== '') blocks.push({ kind: 'heading', level: (atx[1] ?? '#').length, text });
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    if (underline && paragraph.length > 0 && !LIST_ITEM.test(paragraph[0] ?? '')) {
      const text = inlineMarkdown(paragraph.map((l) => l.trim()).join(' '));
      paragraph = [];
      blocks.push({ kind: 'heading', level: (underline[1] ?? '=').startsWith('=') ? 1 : 2, text });
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      flush();
      continue;
    }
    if (line.includes('|') && TABLE_DELIMITER.test(lines[i + 1] ?? '')) {
      flush();
      const rows = [tableRow(line)];
      let k = i + 2;
      for (; k < lines.length; k++) {
        const l = lines[k] ?? '';
        if (l.trim() === '' || !l.includes('|')) break;
        rows.push(tableRow(l));
      }
      i = k - 1;
      blocks.push({ kind: 'table', text: rows.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

/** A GFM table row as "cell | cell", its outer pipes and cell padding removed. */
function tableRow(line: string): string {
  return inlineMarkdown(
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/(?<!\\)\|$/, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'))
      .join(' | '),
  );
}

/** Source lines of a paragraph as text: wrapped lines joined with a space, list items each on its own line. */
function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    text = text === '' ? line : LIST_ITEM.test(raw) ? `${text}\n${line}` : `${text} ${line}`;
  }
  return text;
}

/** Inline Markdown reduced to its text: images and links to their text, emphasis markers and code ticks dropped. */
function inlineMarkdown(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '');
}

// ---- plain text ----

const NUMBERED_HEADING = /^(\d{1,2}(?:\.\d{1,2}){0,4})(\.|\))?[ \t]+(\S.*)$/u;
const CALLOUT = /^(?:WARNING|CAUTION|DANGER|NOTE|NOTICE|IMPORTANT|ATTENTION)\b[\s:!]*$/u;

/**
 * The heading level a line of plain text (or of a PDF without font sizes) has, or 0 when it is not a heading.
 * A numbered heading is "4 Hydraulics" or "4.2 Oil temperature" (level = depth of the number + 1): short, starting
 * with a capital, no closing punctuation, and not a list step ("1. Switch off the press", "2) Lock out").
 * An unnumbered line in capitals ("SAFETY PRECAUTIONS") is level 1, except callouts such as "WARNING".
 * @example headingLevel('4.2 Oil temperature') // 3
 */
export function headingLevel(line: string): number {
  const text = line.trim();
  if (text.length < 2 || text.length > 80 || /[.:;,!?]$/.test(text) || countWords(text) > 10) return 0;
  const letters = text.replace(/[^\p{L}]/gu, '');
  const capitals = letters.length >= 3 && letters === letters.toUpperCase() && /\p{Lu}/u.test(letters);
  const numbered = NUMBERED_HEADING.exec(text);
  if (numbered) {
    const number = numbered[1] ?? '';
    const title = numbered[3] ?? '';
    const depth = number.split('.').length;
    // "1. Remove the cap" and "2) Close V2" are steps; "4.2. Oil temperature" is a heading.
    if (numbered[2] !== undefined && depth === 1 && !capitals) return 0;
    if (!/^\p{Lu}/u.test(title)) return 0;
    return Math.min(6, depth + 1);
  }
  if (capitals && !CALLOUT.test(text) && /\p{L}{2}/u.test(text)) return 1;
  return 0;
}

/**
 * The blocks of a plain-text document: paragraphs are separated by blank lines; a paragraph's first line that
 * looks like a heading (see `headingLevel`), or any line underlined with "===" or "---", becomes a heading.
 */
export function plainTextBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, '\n\n')
    .split(/\n[ \t]*\n/);
  for (const paragraph of paragraphs) {
    const lines = paragraph.split('\n').filter((l) => l.trim() !== '');
    let body: string[] = [];
    const flush = () => {
      const joined = joinLines(body);
      body = [];
      if (joined !== '') blocks.push({ kind: 'paragraph', text: joined });
    };
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k] ?? '';
      const next = lines[k + 1] ?? '';
      if (/^\s*(?:={3,}|-{3,})\s*$/.test(next) && countWords(line) <= 12) {
        flush();
        blocks.push({ kind: 'heading', level: next.trim().startsWith('=') ? 1 : 2, text: line.trim() });
        k++;
        continue;
      }
      const level = body.length === 0 ? headingLevel(line) : 0;
      if (level > 0) {
        const text = line.trim().replace(/\s+/g, ' ');
        const last = blocks[blocks.length - 1];
        // A title over two lines ("WORK INSTRUCTION WI-114" / "REPLACING THE FILTER") is one heading.
        if (k > 0 && last?.kind === 'heading' && last.level === level) {
          blocks[blocks.length - 1] = { ...last, text: `${last.text} — ${text}` };
        } else {
          blocks.push({ kind: 'heading', level, text });
        }
        continue;
      }
      body.push(line);
    }
    flush();
  }
  return blocks;
}

// ---- PDF ----

/** Font sizes are compared after rounding to this (points): PDF producers scale text by tiny amounts. */
const SIZE_STEP = 0.5;
/** A line larger than the body text by this factor, and by at least a point, is a heading. */
const HEADING_SIZE_RATIO = 1.08;
/** A baseline gap above this many font sizes starts a new paragraph (single spacing is about 1.2). */
const PARAGRAPH_GAP = 1.45;
/** Running headers and footers sit within this fraction of the page height from its top or bottom edge. */
const MARGIN_FRACTION = 0.1;
const PAGE_NUMBER = /^(?:page\s+)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?$/i;

const roundSize = (size: number) => Math.round(size / SIZE_STEP) * SIZE_STEP;

/**
 * The blocks of a PDF from the lines of its pages. Headings are the lines set larger than the body text (the most
 * common size, by characters), each larger size one level up; a PDF set in one size falls back to numbered and
 * capitalised heading lines (`headingLevel`). A wider gap between baselines starts a paragraph; a word hyphenated
 * at a line end is joined. Page numbers and running headers or footers (the same line near the top or bottom of
 * most pages) are left out. Every block keeps its page.
 */
export function pdfBlocks(pages: readonly PdfPageText[]): TextBlock[] {
  const body = bodySize(pages);
  // Headers and footers are set no larger than the body; a larger line at the top of each page is a heading.
  const running = runningLines(pages, body);
  const kept = pages.map((p) => ({
    page: p.page,
    lines: p.lines.filter((l) => {
      const text = l.text.trim();
      if (text === '') return false;
      const inMargin = l.top < p.height * MARGIN_FRACTION || l.top > p.height * (1 - MARGIN_FRACTION);
      const furniture = PAGE_NUMBER.test(text) || running.has(normaliseRunning(text));
      return !(inMargin && roundSize(l.fontSize) <= body && furniture);
    }),
  }));

  const isHeadingSize = (l: PdfTextLine) =>
    roundSize(l.fontSize) >= Math.max(body * HEADING_SIZE_RATIO, body + 1) && l.text.trim().length <= 120;
  const headingSizes = [
    ...new Set(kept.flatMap((p) => p.lines.filter(isHeadingSize).map((l) => roundSize(l.fontSize)))),
  ].sort((a, b) => b - a);
  const bySize = headingSizes.length > 0;
  const levelOf = (l: PdfTextLine): number =>
    bySize
      ? isHeadingSize(l)
        ? Math.min(6, headingSizes.indexOf(roundSize(l.fontSize)) + 1)
        : 0
      : headingLevel(l.text);

  const blocks: TextBlock[] = [];
  for (const { page, lines } of kept) {
    let paragraph = '';
    let previous: PdfTextLine | undefined;
    let previousLevel = 0;
    const flush = () => {
      const text = paragraph.trim();
      paragraph = '';
      if (text !== '') blocks.push({ kind: 'paragraph', text, page });
    };
    for (const line of lines) {
      const text = line.text.trim().replace(/\s+/g, ' ');
      const level = levelOf(line);
      const gap = previous === undefined ? Infinity : line.top - previous.top;
      // A line above the previous one (the next column) starts a paragraph too.
      const near = gap > 0 && gap <= PARAGRAPH_GAP * Math.max(line.fontSize, previous?.fontSize ?? 0);
      if (level > 0) {
        flush();
        const last = blocks[blocks.length - 1];
        if (near && previousLevel === level && last?.kind === 'heading' && last.page === page) {
          blocks[blocks.length - 1] = { ...last, text: `${last.text} ${text}` };
        } else {
          blocks.push({ kind: 'heading', level, text, page });
        }
      } else if (!near || previousLevel > 0) {
        flush();
        paragraph = text;
      } else if (/\p{L}-$/u.test(paragraph) && /^\p{Ll}/u.test(text)) {
        paragraph = `${paragraph.slice(0, -1)}${text}`;
      } else {
        paragraph = `${paragraph} ${text}`;
      }
      previous = line;
      previousLevel = level;
    }
    flush();
  }
  return blocks;
}

/** The body text's font size: the size (rounded) that most characters are set in. */
function bodySize(pages: readonly PdfPageText[]): number {
  const charsBySize = new Map<number, number>();
  for (const p of pages) {
    for (const l of p.lines) {
      const size = roundSize(l.fontSize);
      charsBySize.set(size, (charsBySize.get(size) ?? 0) + l.text.trim().length);
    }
  }
  return [...charsBySize.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** Digits stand for any number, so "Page 2 of 3" and "Page 3 of 3" are the same running line. */
const normaliseRunning = (text: string) => text.replace(/\d+/g, '#').replace(/\s+/g, ' ').toLowerCase();

/**
 * Lines (normalised) no larger than the body text that recur near the top or bottom edge of at least 60 % of the
 * pages, when there are two or more.
 */
function runningLines(pages: readonly PdfPageText[], body: number): Set<string> {
  const found = new Set<string>();
  if (pages.length < 2) return found;
  const count = new Map<string, number>();
  for (const p of pages) {
    const seen = new Set<string>();
    for (const l of p.lines) {
      if (l.top >= p.height * MARGIN_FRACTION && l.top <= p.height * (1 - MARGIN_FRACTION)) continue;
      if (roundSize(l.fontSize) > body) continue;
      seen.add(normaliseRunning(l.text.trim()));
    }
    for (const s of seen) count.set(s, (count.get(s) ?? 0) + 1);
  }
  const needed = Math.max(2, Math.ceil(0.6 * pages.length));
  for (const [text, n] of count) if (n >= needed && text !== '') found.add(text);
  return found;
}

// ---- passages ----

/** A piece of a section: a sentence (or a whole short paragraph, code block or table) and what precedes it. */
interface Piece {
  readonly text: string;
  readonly words: number;
  /** Whitespace put before it when it follows another piece in a passage. */
  readonly separator: string;
  /** Code and tables are never split, nor carried over as overlap. */
  readonly atomic: boolean;
}

const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'etc',
  'approx',
  'ca',
  'cf',
  'no',
  'nr',
  'fig',
  'figs',
  'vs',
  'min',
  'max',
  'ref',
  'incl',
  'rev',
  'sec',
  'para',
  'p',
  'pp',
  'vol',
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
]);

/**
 * Sentences of a text: split after ".", "!" or "?" (and any closing quote or bracket) before a space and a capital,
 * digit or opening quote, except after a common abbreviation ("e.g.", "approx.", "No.") or a list marker ("1.");
 * every line break of a list ends a sentence too. Decimal numbers ("4.2") are never split.
 * @example splitSentences('Check the oil. Refill to 40 L, approx. 2 L per week.') // two sentences
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split('\n')) {
    let start = 0;
    const boundary = /[.!?]["')\]]*\s+(?=["'(\p{Lu}\p{N}•-])/gu;
    for (const match of line.matchAll(boundary)) {
      const end = match.index + match[0].length;
      const before = line.slice(start, match.index + 1);
      const lastWord =
        /(\S+)\.$/
          .exec(before)?.[1]
          ?.toLowerCase()
          .replace(/^[("']+/, '') ?? '';
      if (match[0].startsWith('.') && ABBREVIATIONS.has(lastWord)) continue;
      // A list marker ("1.", "a.") is not a sentence.
      if (/^(?:\d{1,3}|\p{L})\.$/u.test(before.trim())) continue;
      const sentence = line.slice(start, end).trim();
      if (sentence !== '') sentences.push(sentence);
      start = end;
    }
    const rest = line.slice(start).trim();
    if (rest !== '') sentences.push(rest);
  }
  return sentences;
}

/** A unit of text as pieces no longer than `maxWords` (sentences, then word windows for a run-on sentence). */
function piecesOf(unit: { text: string; atomic: boolean }, maxWords: number): Piece[] {
  const words = countWords(unit.text);
  if (unit.atomic || words <= maxWords) {
    return [{ text: unit.text, words, separator: '\n\n', atomic: unit.atomic }];
  }
  const pieces: Piece[] = [];
  let first = true;
  let lineStart = 0;
  for (const sentence of splitSentences(unit.text)) {
    // A sentence that began a line of a list keeps its line break.
    const at = unit.text.indexOf(sentence, lineStart);
    const newline = at > 0 && unit.text.slice(lineStart, at).includes('\n');
    lineStart = at >= 0 ? at + sentence.length : lineStart;
    const separator = first ? '\n\n' : newline ? '\n' : ' ';
    first = false;
    const tokens = sentence.match(WORD) ?? [];
    if (tokens.length <= maxWords) {
      pieces.push({ text: sentence, words: tokens.length, separator, atomic: false });
      continue;
    }
    for (let k = 0; k < tokens.length; k += maxWords) {
      const slice = tokens.slice(k, k + maxWords);
      pieces.push({
        text: slice.join(' '),
        words: slice.length,
        separator: k === 0 ? separator : ' ',
        atomic: false,
      });
    }
  }
  return pieces;
}

function joinPieces(pieces: readonly Piece[]): string {
  return pieces
    .map((p, k) => (k === 0 ? p.text : `${p.separator}${p.text}`))
    .join('')
    .trim();
}

/**
 * A section's text split into passages: the whole section when it has at most `maxWords` words; otherwise
 * ⌈words / maxWords⌉ passages of near-equal length, closed at paragraph or sentence boundaries, each after the
 * first starting with the previous passage's last sentence (when that is at most `overlapWords` long).
 */
export function splitSection(
  units: readonly { text: string; atomic: boolean }[],
  options: ChunkOptions = {},
): string[] {
  const maxWords = options.maxWords ?? 250;
  const overlapWords = options.overlapWords ?? 40;
  const pieces = units.flatMap((u) => piecesOf(u, maxWords)).filter((p) => p.words > 0);
  const total = pieces.reduce((s, p) => s + p.words, 0);
  if (total === 0) return [];
  if (total <= maxWords) return [joinPieces(pieces)];
  const size = total / Math.ceil(total / maxWords);
  const passages: string[] = [];
  let current: Piece[] = [];
  let words = 0;
  let fresh = 0; // words in the current passage that are not overlap
  for (const piece of pieces) {
    // Close before this piece when it would not fit, or when stopping here lands nearer the target size.
    const overshoot = fresh + piece.words - size;
    if (fresh > 0 && (words + piece.words > maxWords || fresh >= size || overshoot > size - fresh)) {
      passages.push(joinPieces(current));
      const last = current[current.length - 1];
      const carried = last && !last.atomic ? lastSentence(last) : undefined;
      current = carried && carried.words <= overlapWords ? [carried] : [];
      words = current[0]?.words ?? 0;
      fresh = 0;
    }
    current.push(piece);
    words += piece.words;
    fresh += piece.words;
  }
  if (fresh > 0) passages.push(joinPieces(current));
  return passages;
}

function lastSentence(piece: Piece): Piece {
  const sentence = splitSentences(piece.text).pop() ?? piece.text;
  return { text: sentence, words: countWords(sentence), separator: '\n\n', atomic: false };
}

/**
 * Passages of a document from its blocks: headings make the section path (a heading closes the deeper ones before
 * it), each section (and, in a PDF, each page of it) is split with `splitSection`, and empty passages are dropped.
 * `seq` numbers the passages from 0 in document order.
 */
export function chunkBlocks(
  document: string,
  blocks: readonly TextBlock[],
  options: ChunkOptions = {},
): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  const path: { level: number; text: string }[] = [];
  let units: { text: string; atomic: boolean }[] = [];
  let page: number | undefined;
  const flush = () => {
    const section = path.map((h) => h.text).join(SECTION_SEPARATOR);
    for (const text of splitSection(units, options)) {
      chunks.push({ document, seq: chunks.length, section, ...(page !== undefined && { page }), text });
    }
    units = [];
  };
  for (const block of blocks) {
    const text = block.text.trim();
    if (text === '') continue;
    if (block.kind === 'heading') {
      flush();
      const level = Math.min(6, Math.max(1, block.level ?? 1));
      while (path.length > 0 && (path[path.length - 1]?.level ?? 0) >= level) path.pop();
      path.push({ level, text: text.replace(/\s+/g, ' ') });
      page = block.page ?? page;
      continue;
    }
    if (block.page !== page) {
      flush();
      page = block.page;
    }
    units.push({ text, atomic: block.kind === 'preformatted' || block.kind === 'table' });
  }
  flush();
  return chunks;
}

/** Blocks of a Markdown or plain-text document by its format. */
export function textBlocks(format: 'markdown' | 'text', text: string): TextBlock[] {
  return format === 'markdown' ? markdownBlocks(text) : plainTextBlocks(text);
}
