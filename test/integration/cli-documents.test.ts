/** `gemba documents import --file`: a file's format from its extension, a PDF sent as base64, then searched. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagValues, titleInText } from '../../src/cli/commands/documents.js';
import { gemba } from '../helpers/cli.js';
import { DOCUMENT_FIXTURES, HPU40_PDF } from '../helpers/document-fixtures.js';
import { tempDir } from '../helpers/platform.js';

const dir = tempDir('gemba-cli-documents-');
afterAll(() => dir[Symbol.dispose]());

describe('gemba documents import', () => {
  it('collects repeated and comma-separated flags, and finds a document’s own title', () => {
    expect(
      flagValues(['documents', 'import', '--asset', 'a/b', '--file', 'x', '--asset=c,d', '--asset'], 'asset'),
    ).toEqual(['a/b', 'c', 'd']);
    expect(titleInText('markdown', 'intro\n# Press P-300 manual #\n## 1 Data')).toBe('Press P-300 manual');
    expect(titleInText('html', '<head><title> SOP-017\n start-up </title></head>')).toBe('SOP-017 start-up');
    expect(titleInText('text', 'TITLE')).toBeUndefined();
  });

  it('imports a PDF into a data directory and searches it', async () => {
    const data = join(dir.path, 'data');
    const imported = await gemba(
      'documents',
      'import',
      '--file',
      join(DOCUMENT_FIXTURES, HPU40_PDF),
      '--data',
      data,
    );
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout.trim()).toBe(
      'imported hpu-40-service-notes "hpu-40-service-notes" (pdf): 7 passages from 3 pages, 1595 characters',
    );
    const found = await gemba(
      'documents',
      'search',
      '--query',
      'maximum oil temperature',
      '--limit',
      '1',
      '--data',
      data,
    );
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('3.1 Oil temperature limits');

    const unknown = await gemba(
      'documents',
      'import',
      '--file',
      join(dir.path, 'notes.docx'),
      '--data',
      data,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cannot tell the format of');
  }, 120_000);
});
