/**
 * The text blocks of an HTML page with htmlparser2 (a forgiving streaming parser: unclosed tags and stray markup
 * are read the way browsers recover): h1–h6 headings, paragraphs of p/div/li/dd/blockquote…, each list as one
 * block with an item per line (ordered ones numbered), each table whole with a row per line, pre as code. Script,
 * style, nav and other non-content elements are left out; entities are decoded. Nothing is executed or fetched.
 */
import { Parser } from 'htmlparser2';
import type { TextBlock } from '../../domain/document-reader.js';

/** Elements whose content is not text of the document. */
const SKIPPED = new Set([
  'script',
  'style',
  'nav',
  'noscript',
  'template',
  'head',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'button',
  'select',
  'textarea',
]);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
/** Elements that end the running paragraph when they open or close. */
const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'aside',
  'header',
  'footer',
  'blockquote',
  'figure',
  'figcaption',
  'address',
  'dl',
  'dt',
  'dd',
  'form',
  'fieldset',
  'legend',
  'details',
  'summary',
  'hr',
  'center',
  'body',
  'html',
]);

const clean = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');

class BlockBuilder {
  readonly blocks: TextBlock[] = [];
  #skip = 0;
  #paragraph = '';
  #heading: { level: number; text: string } | undefined;
  #pre: string | undefined;
  #preDepth = 0;
  #list: { lines: string[]; numbers: (number | undefined)[] } | undefined;
  #item: string | undefined;
  #table: { rows: string[][]; caption: string; depth: number } | undefined;
  #row: string[] | undefined;
  #cell: string | undefined;
  #caption: string | undefined;

  open(name: string): void {
    if (SKIPPED.has(name)) {
      this.#skip++;
      return;
    }
    if (this.#skip > 0) return;
    if (name === 'pre') {
      this.#preDepth++;
      if (this.#preDepth === 1 && this.#table === undefined) {
        this.#flushParagraph();
        this.#pre = '';
      }
      return;
    }
    if (name === 'br') {
      this.#text('\n', true);
      return;
    }
    if (name === 'table') {
      if (this.#table) {
        this.#table.depth++; // a table in a table: its cells are read as text of the outer cell
        this.#space();
        return;
      }
      this.#flushParagraph();
      this.#table = { rows: [], caption: '', depth: 1 };
      return;
    }
    if (this.#table) {
      if (this.#table.depth > 1) this.#space();
      else if (name === 'tr') this.#row = [];
      else if (name === 'td' || name === 'th') this.#cell = '';
      else if (name === 'caption') this.#caption = '';
      else if (BLOCKS.has(name) || name === 'li') this.#space();
      return;
    }
    const level = HEADINGS[name];
    if (level !== undefined) {
      this.#flushParagraph();
      this.#heading = { level, text: '' };
      return;
    }
    if (name === 'ul' || name === 'ol') {
      if (this.#list === undefined) {
        this.#flushParagraph();
        this.#list = { lines: [], numbers: [] };
      }
      this.#list.numbers.push(name === 'ol' ? 0 : undefined);
      return;
    }
    if (name === 'li' && this.#list) {
      this.#flushItem();
      const numbers = this.#list.numbers;
      const n = numbers[numbers.length - 1];
      const indent = '  '.repeat(Math.max(0, numbers.length - 1));
      if (n === undefined) {
        this.#item = `${indent}• `;
      } else {
        numbers[numbers.length - 1] = n + 1;
        this.#item = `${indent}${n + 1}. `;
      }
      return;
    }
    if (BLOCKS.has(name) && this.#list === undefined && this.#heading === undefined) this.#flushParagraph();
  }

  close(name: string): void {
    if (SKIPPED.has(name)) {
      this.#skip = Math.max(0, this.#skip - 1);
      return;
    }
    if (this.#skip > 0) return;
    if (name === 'pre') {
      this.#preDepth = Math.max(0, this.#preDepth - 1);
      if (this.#preDepth === 0 && this.#pre !== undefined) {
        const code = this.#pre.replace(/^\n+|\s+$/g, '');
        if (code !== '') this.blocks.push({ kind: 'preformatted', text: code });
        this.#pre = undefined;
      }
      return;
    }
    if (this.#table) {
      if (name === 'table') {
        this.#table.depth--;
        if (this.#table.depth === 0) this.#flushTable();
        return;
      }
      if (this.#table.depth > 1) return;
      if ((name === 'td' || name === 'th') && this.#cell !== undefined) {
        (this.#row ??= []).push(clean(this.#cell).replace(/\n/g, ' '));
        this.#cell = undefined;
      } else if (name === 'tr' && this.#row) {
        if (this.#row.some((c) => c !== '')) this.#table.rows.push(this.#row);
        this.#row = undefined;
      } else if (name === 'caption' && this.#caption !== undefined) {
        this.#table.caption = clean(this.#caption);
        this.#caption = undefined;
      }
      return;
    }
    if (HEADINGS[name] !== undefined && this.#heading) {
      const text = clean(this.#heading.text).replace(/\n/g, ' ');
      if (text !== '') this.blocks.push({ kind: 'heading', level: this.#heading.level, text });
      this.#heading = undefined;
      return;
    }
    if (name === 'li' && this.#list) {
      this.#flushItem();
      return;
    }
    if ((name === 'ul' || name === 'ol') && this.#list) {
      this.#flushItem();
      this.#list.numbers.pop();
      if (this.#list.numbers.length === 0) {
        const text = this.#list.lines.join('\n');
        if (text !== '') this.blocks.push({ kind: 'paragraph', text });
        this.#list = undefined;
      }
      return;
    }
    if (BLOCKS.has(name) && this.#list === undefined && this.#heading === undefined) this.#flushParagraph();
  }

  /** Text as it arrives; `hard` for a line break of the markup (br), which collapsing keeps. */
  text(raw: string): void {
    this.#text(raw, false);
  }

  #text(raw: string, hard: boolean): void {
    if (this.#skip > 0) return;
    if (this.#pre !== undefined) {
      this.#pre += raw;
      return;
    }
    const text = hard ? raw : raw.replace(/\s+/g, ' ');
    if (this.#table) {
      if (this.#table.depth > 1 && this.#cell === undefined) return;
      if (this.#caption !== undefined) this.#caption += text;
      else if (this.#cell !== undefined) this.#cell += text;
      return;
    }
    if (this.#heading) this.#heading.text += text;
    else if (this.#list) this.#item = (this.#item ?? '') + text;
    else this.#paragraph += text;
  }

  /** Inside a table cell, a block or an inner cell boundary separates words. */
  #space(): void {
    if (this.#cell !== undefined) this.#cell += ' ';
    else if (this.#caption !== undefined) this.#caption += ' ';
  }

  #flushParagraph(): void {
    const text = clean(this.#paragraph);
    this.#paragraph = '';
    if (text !== '') this.blocks.push({ kind: 'paragraph', text });
  }

  #flushItem(): void {
    if (this.#item === undefined || !this.#list) return;
    const indent = /^\s*/.exec(this.#item)?.[0] ?? '';
    const text = clean(this.#item).replace(/\n/g, ' ');
    this.#item = undefined;
    // An item with only its marker (its text was all in a nested list) adds no line.
    if (!/^(?:•|\d+\.)$/.test(text) && text !== '') this.#list.lines.push(`${indent}${text}`);
  }

  #flushTable(): void {
    const table = this.#table;
    this.#table = undefined;
    if (!table) return;
    const lines = table.rows.map((r) => r.join(' | '));
    if (table.caption !== '') lines.unshift(table.caption);
    if (lines.length > 0) this.blocks.push({ kind: 'table', text: lines.join('\n') });
  }

  end(): void {
    this.#flushItem();
    if (this.#list) {
      const text = this.#list.lines.join('\n');
      if (text !== '') this.blocks.push({ kind: 'paragraph', text });
      this.#list = undefined;
    }
    if (this.#table) this.#flushTable();
    this.#flushParagraph();
  }
}

/**
 * The blocks of an HTML document in reading order.
 * @example htmlBlocks('<h2>Oil</h2><p>Keep it &lt; 60 °C.</p><script>x()</script>')
 * // [{ kind: 'heading', level: 2, text: 'Oil' }, { kind: 'paragraph', text: 'Keep it < 60 °C.' }]
 */
export function htmlBlocks(html: string): TextBlock[] {
  const builder = new BlockBuilder();
  const parser = new Parser(
    {
      onopentag: (name) => builder.open(name),
      onclosetag: (name) => builder.close(name),
      ontext: (text) => builder.text(text),
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  builder.end();
  return builder.blocks;
}
