/**
 * `gemba documents import --file manual.pdf [--asset PATH ...] [--equipment-type TYPE] [--id ID] [--title T]
 *   [--format markdown|text|html|pdf]` — reads a file, takes its format from the extension (a PDF is sent as
 * base64), and calls documents.import. The id defaults to the file name, the title to the document's own title
 * (a Markdown "# " heading, an HTML <title>) or the file name.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { documentIdFromTitle } from '../../app/documents/document-index.js';
import { DOCUMENT_FORMATS, type DocumentFormat, type DocumentRecord, UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';

const USAGE =
  'usage: gemba documents import --file manual.pdf [--asset PATH ...] [--equipment-type TYPE] [--id ID] [--title T]';

const EXTENSIONS: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
};

/** Every value of a flag given more than once (`--asset a --asset b`), comma-separated values split. */
export function flagValues(argv: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    let value: string | undefined;
    if (arg === `--${name}`) value = argv[++i];
    else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
    if (value === undefined || value.startsWith('--')) continue;
    values.push(
      ...value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
  }
  return values;
}

/** The document's own title: a Markdown level-1 heading or an HTML <title>, if it has one. */
export function titleInText(format: DocumentFormat, text: string): string | undefined {
  const found =
    format === 'markdown'
      ? /^ {0,3}# +(.+?)[ #]*$/m.exec(text)?.[1]
      : format === 'html'
        ? /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]
        : undefined;
  const title = found?.replace(/\s+/g, ' ').trim();
  return title === undefined || title === '' ? undefined : title;
}

export async function documentsImportCommand(
  args: ParsedArgs,
  argv: readonly string[],
  client: OperationClient,
): Promise<string> {
  const file = stringFlag(args, 'file');
  if (file === undefined) throw new UserError('invalid_input', USAGE);
  const given = stringFlag(args, 'format');
  if (given !== undefined && !(DOCUMENT_FORMATS as readonly string[]).includes(given)) {
    throw new UserError('invalid_input', `--format is one of ${DOCUMENT_FORMATS.join(', ')}`);
  }
  const format = (given as DocumentFormat | undefined) ?? EXTENSIONS[extname(file).toLowerCase()];
  if (format === undefined) {
    throw new UserError(
      'invalid_input',
      `cannot tell the format of ${file} from its extension: give --format ${DOCUMENT_FORMATS.join('|')}`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new UserError('not_found', `cannot read ${file}`);
  }
  const content = format === 'pdf' ? bytes.toString('base64') : bytes.toString('utf8');
  const name = basename(file, extname(file));
  const title = stringFlag(args, 'title') ?? titleInText(format, content) ?? name;
  const equipmentType = stringFlag(args, 'equipmentType');
  const assets = flagValues(argv, 'asset');
  const result = (await client.call('documents.import', {
    id: stringFlag(args, 'id') ?? documentIdFromTitle(name),
    title,
    format,
    content,
    source: basename(file),
    ...(assets.length > 0 && { assets }),
    ...(equipmentType !== undefined && { equipmentType }),
  })) as { document: DocumentRecord };
  const d = result.document;
  const about = [
    ...(d.assets.length > 0 ? [`assets ${d.assets.join(', ')}`] : []),
    ...(d.equipmentType !== undefined ? [`equipment type "${d.equipmentType}"`] : []),
  ];
  return (
    `imported ${d.id} "${d.title}" (${d.format}): ${d.chunks} passage${d.chunks === 1 ? '' : 's'}` +
    `${d.pages !== undefined ? ` from ${d.pages} page${d.pages === 1 ? '' : 's'}` : ''}, ` +
    `${d.characters} characters${about.length > 0 ? `; about ${about.join(' and ')}` : ''}`
  );
}
