/**
 * Documents through the App: the four fixtures (Markdown manual, HTML SOP, plain-text work instruction, PDF
 * service notes) imported, searched by words and meaning with the real sentence encoder (USE, from npm), narrowed to
 * an asset by links, ancestors, descendants and equipment type; re-import replaces, delete removes, a viewer may
 * search but not import. And the same search by words alone when the platform has no embedder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyUseEmbedder } from '../../src/adapters/embeddings/use/use.embedder.js';
import { indexedText } from '../../src/app/documents/document-index.js';
import type { App } from '../../src/app/registry.js';
import { type Principal, UserError, cosineSimilarity } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { openCore } from '../../src/server/platform.js';
import { DOCUMENT_FIXTURES, HPU40_PDF, readFixture } from '../helpers/document-fixtures.js';
import { type TestPlatform, startTestPlatform, tempDir } from '../helpers/platform.js';

const NOW = Date.parse('2026-06-08T06:00:00Z');
const engineer: Principal = { id: 'u-erin', name: 'erin', role: 'engineer' };
const viewer: Principal = { id: 'u-vera', name: 'vera', role: 'viewer' };

const LINE1 = 'acme/plant1/stamping/line1';
const PRESS3 = `${LINE1}/press3`;
const HPU1 = `${LINE1}/hpu1`;
const PRESS5 = 'acme/plant1/stamping/line2/press5';

const ASSETS = [
  { path: 'acme', level: 'enterprise', name: 'ACME' },
  { path: 'acme/plant1', level: 'site', name: 'Plant 1' },
  { path: 'acme/plant1/stamping', level: 'area', name: 'Stamping' },
  { path: LINE1, level: 'line', name: 'Line 1' },
  { path: PRESS3, level: 'equipment', name: 'Press 3', kind: 'servo-hydraulic press' },
  { path: HPU1, level: 'equipment', name: 'Power unit 1', kind: 'Hydraulic power unit' },
  { path: 'acme/plant1/stamping/line2', level: 'line', name: 'Line 2' },
  { path: PRESS5, level: 'equipment', name: 'Press 5', kind: 'servo-hydraulic press' },
];

const MANUAL = {
  id: 'p300-manual',
  title: 'Press P-300 manual',
  format: 'markdown',
  content: readFixture('press-p300-manual.md'),
  source: 'press-p300-manual.md',
  equipmentType: 'servo-hydraulic press',
};
const SOP = {
  id: 'sop-017',
  title: 'SOP-017 Start-up check of the hydraulic presses',
  format: 'html',
  content: readFixture('sop-press-startup.html'),
  assets: [LINE1],
};
const WORK_INSTRUCTION = {
  id: 'wi-114',
  title: 'WI-114 Replacing the return-line filter element',
  format: 'text',
  content: readFixture('wi-114-return-filter.txt'),
  equipmentType: 'hydraulic power unit',
};
const SERVICE_NOTES = {
  id: 'hpu-40-notes',
  title: 'HPU-40 service notes',
  format: 'pdf',
  content: readFileSync(join(DOCUMENT_FIXTURES, HPU40_PDF)).toString('base64'),
  source: HPU40_PDF,
  assets: [HPU1],
};

interface Hit {
  document: string;
  title: string;
  section: string;
  page?: number;
  seq: number;
  text: string;
  score: number;
}
type Search = { passages: Hit[]; method: 'hybrid' | 'bm25' };

/** The PDF without its asset link (the HTTP platform has no asset tree). */
const { assets: _assets, ...SERVICE_NOTES_UNLINKED } = SERVICE_NOTES;

const OIL_TEMPERATURE_MANUAL = 'Press P-300 manual › 4 Hydraulics › 4.2 Oil temperature';
const OIL_TEMPERATURE_PDF =
  'HPU-40 hydraulic power unit › 3 Temperature and cooling › 3.1 Oil temperature limits';

async function openPlatform(withEmbedder: boolean) {
  const dir = tempDir();
  const embedder = withEmbedder ? lazyUseEmbedder() : undefined;
  const core = await openCore({
    dataDir: dir.path,
    ingest: loadConfig({}).ingest,
    clock: { now: () => NOW },
    ...(embedder !== undefined && { embedder }),
  });
  for (const asset of ASSETS) await core.app.call('assets.create', asset, engineer);
  return {
    app: core.app,
    close: async () => {
      await core[Symbol.asyncDispose]();
      await embedder?.[Symbol.asyncDispose]();
      dir[Symbol.dispose]();
    },
  };
}

describe('documents with the sentence encoder (hybrid search)', () => {
  let app: App;
  let close: () => Promise<void>;
  const search = async (input: Record<string, unknown>, who: Principal = viewer) =>
    (await app.call('documents.search', input, who)) as Search;
  const sections = (r: Search) => r.passages.map((p) => p.section);

  beforeAll(async () => {
    ({ app, close } = await openPlatform(true));
    for (const doc of [MANUAL, SOP, WORK_INSTRUCTION, SERVICE_NOTES]) {
      await app.call('documents.import', doc, engineer);
    }
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  it('imports each format into passages, with pages for the PDF', async () => {
    const { documents } = (await app.call('documents.list', {}, viewer)) as { documents: any[] };
    expect(documents.map((d) => [d.id, d.format, d.chunks, d.pages])).toEqual([
      ['hpu-40-notes', 'pdf', 7, 3],
      ['p300-manual', 'markdown', 11, undefined],
      ['sop-017', 'html', 6, undefined],
      ['wi-114', 'text', 7, undefined],
    ]);
    expect(documents[0]).toMatchObject({
      title: 'HPU-40 service notes',
      source: HPU40_PDF,
      assets: [HPU1],
      importedAt: NOW,
      importedBy: 'erin',
    });

    const pdf = (await app.call('documents.get', { id: 'hpu-40-notes' }, viewer)) as { passages: any[] };
    expect(pdf.passages.map((p) => [p.seq, p.page])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 3],
      [6, 3],
    ]);
    expect(pdf.passages[3]).toMatchObject({ section: OIL_TEMPERATURE_PDF, page: 2 });

    const manual = (await app.call('documents.get', { id: 'p300-manual' }, viewer)) as { passages: any[] };
    // The long cavitation section is two passages; the fault log's code block and table stay whole in one.
    expect(manual.passages.filter((p) => p.section.endsWith('4.3 Pump cavitation'))).toHaveLength(2);
    expect(manual.passages[10].section).toBe('Press P-300 manual › 6 Fault messages');
    expect(manual.passages[10].text).toContain('F-413  OIL TEMP TRIP  TT1=65.2 C');
    expect(manual.passages[10].text).toContain('F-611 | Lubrication fault | Check the reservoir');
  });

  it('stores each passage with its sentence vector', async () => {
    const chunks = await app.services.store.listChunks({ documents: ['hpu-40-notes'] });
    const third = chunks[3];
    if (!third?.vector) throw new Error('no vector stored');
    expect(third.embedder).toBe('use-lite-en');
    const [fresh] = await (app.services.embedder?.embed([indexedText(third)]) ?? []);
    // The same text embedded alone, not in a batch: equal up to float rounding.
    expect(third.vector).toHaveLength(512);
    expect(cosineSimilarity(third.vector, fresh ?? [])).toBeGreaterThan(0.99999);
  });

  it('finds the oil-temperature passages for "what is the maximum oil temperature?"', async () => {
    const r = await search({ query: 'what is the maximum oil temperature?' });
    expect(r.method).toBe('hybrid');
    expect(r.passages).toHaveLength(5);
    expect(new Set(sections(r).slice(0, 2))).toEqual(new Set([OIL_TEMPERATURE_MANUAL, OIL_TEMPERATURE_PDF]));
    const scores = r.passages.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('narrows to the documents about an asset: linked, above or below it, or of its equipment type', async () => {
    const question = { query: 'what is the maximum oil temperature?', limit: 20 };
    // The power unit: the PDF (linked to it), the SOP (linked to its line), the work instruction (its kind).
    const hpu = await search({ ...question, asset: HPU1 });
    expect(hpu.passages[0]).toMatchObject({
      document: 'hpu-40-notes',
      title: 'HPU-40 service notes',
      section: OIL_TEMPERATURE_PDF,
      page: 2,
      seq: 3,
    });
    expect(hpu.passages[0]?.text).toContain('The maximum oil temperature for continuous operation is 70 °C.');
    expect(new Set(hpu.passages.map((p) => p.document))).toEqual(
      new Set(['hpu-40-notes', 'sop-017', 'wi-114']),
    );

    // Press 3: the manual (its kind) and the SOP of its line.
    const press3 = await search({ ...question, asset: PRESS3 });
    expect(press3.passages[0]).toMatchObject({
      document: 'p300-manual',
      section: OIL_TEMPERATURE_MANUAL,
      seq: 5,
    });
    expect(press3.passages[0]?.page).toBeUndefined();
    expect(press3.passages[0]?.text).toContain('The maximum oil temperature is 60 °C');
    expect(new Set(press3.passages.map((p) => p.document))).toEqual(new Set(['p300-manual', 'sop-017']));

    // Press 5 on line 2: only the manual of its kind.
    const press5 = await search({ ...question, asset: PRESS5 });
    expect(new Set(press5.passages.map((p) => p.document))).toEqual(new Set(['p300-manual']));

    // Line 1: the SOP linked to it, the PDF of a machine below it, and the documents of the kinds below it.
    const line = await search({ ...question, asset: LINE1 });
    expect(new Set(line.passages.map((p) => p.document))).toEqual(
      new Set(['p300-manual', 'sop-017', 'wi-114', 'hpu-40-notes']),
    );
    const listed = (await app.call('documents.list', { asset: PRESS5 }, viewer)) as { documents: any[] };
    expect(listed.documents.map((d) => d.id)).toEqual(['p300-manual']);

    await expect(search({ ...question, asset: 'acme/plant9' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers other questions from the right section', async () => {
    const top = async (query: string) => (await search({ query, limit: 3 })).passages[0];
    expect((await top('how often should the pump motor bearings be regreased?'))?.section).toBe(
      'Press P-300 manual › 5 Bearing lubrication › 5.1 Pump motor bearings',
    );
    expect((await top('the pump makes a rattling noise'))?.section).toBe(
      'Press P-300 manual › 4 Hydraulics › 4.3 Pump cavitation',
    );
    expect((await top('F-413'))?.section).toBe('Press P-300 manual › 6 Fault messages');
    expect((await top('metal chips in the old filter element'))?.section).toBe(
      'WORK INSTRUCTION WI-114 — REPLACING THE RETURN-LINE FILTER ELEMENT › 4 Procedure › 4.2 Changing the element',
    );
  });

  it('re-importing an id replaces the document and its passages', async () => {
    const shorter = MANUAL.content.slice(0, MANUAL.content.indexOf('### 4.3 Pump cavitation'));
    const r = (await app.call('documents.import', { ...MANUAL, content: shorter }, engineer)) as {
      document: { chunks: number };
    };
    expect(r.document.chunks).toBe(6);
    const cavitation = await search({ query: 'pump cavitation vapour bubbles', limit: 20 });
    expect(cavitation.passages.some((p) => p.section.includes('Pump cavitation'))).toBe(false);
    expect((await search({ query: 'maximum oil temperature', asset: PRESS3 })).passages[0]?.section).toBe(
      OIL_TEMPERATURE_MANUAL,
    );
    await app.call('documents.import', MANUAL, engineer);
    const back = await search({ query: 'pump cavitation vapour bubbles' });
    expect(back.passages[0]?.section).toBe('Press P-300 manual › 4 Hydraulics › 4.3 Pump cavitation');
  });

  it('delete removes the document and its passages from search', async () => {
    const extra = { ...WORK_INSTRUCTION, id: 'wi-114-copy' };
    await app.call('documents.import', extra, engineer);
    const before = await search({ query: 'return-line filter element clogging indicator', limit: 20 });
    expect(before.passages.some((p) => p.document === 'wi-114-copy')).toBe(true);
    const removed = (await app.call('documents.delete', { id: 'wi-114-copy' }, engineer)) as {
      document: any;
    };
    expect(removed.document.id).toBe('wi-114-copy');
    const after = await search({ query: 'return-line filter element clogging indicator', limit: 20 });
    expect(after.passages.some((p) => p.document === 'wi-114-copy')).toBe(false);
    await expect(app.call('documents.get', { id: 'wi-114-copy' }, viewer)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(app.call('documents.delete', { id: 'wi-114-copy' }, engineer)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a viewer an import or a delete, an unknown asset, and content that is no PDF', async () => {
    await expect(app.call('documents.import', { ...SOP, id: 'by-viewer' }, viewer)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(app.call('documents.delete', { id: 'sop-017' }, viewer)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const missing = await app
      .call('documents.import', { ...SOP, id: 'sop-x', assets: [LINE1, 'acme/plant1/welding'] }, engineer)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UserError);
    expect(missing).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('"acme/plant1/welding"'),
    });
    await expect(
      app.call(
        'documents.import',
        { title: 'Not a PDF', format: 'pdf', content: 'aGVsbG8gd29ybGQ=' },
        engineer,
      ),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('%PDF-') });
    await expect(
      app.call(
        'documents.import',
        { title: 'Empty', format: 'markdown', content: '# Only a heading\n' },
        engineer,
      ),
    ).rejects.toMatchObject({ code: 'invalid_input', message: 'no text found in the markdown content' });
    await expect(search({ query: 'oil', limit: 21 })).rejects.toMatchObject({ code: 'invalid_input' });
    const { documents } = (await app.call('documents.list', {}, viewer)) as { documents: any[] };
    expect(documents.map((d) => d.id)).toEqual(['hpu-40-notes', 'p300-manual', 'sop-017', 'wi-114']);
  });

  it('audits imports and deletes, with the content cut short', async () => {
    const audit = await app.services.store.listAudit({ limit: 1000 });
    const imports = audit.filter((a) => a.operation === 'documents.import' && a.outcome === 'ok');
    expect(imports.length).toBeGreaterThanOrEqual(4);
    expect(imports.every((a) => a.input.length <= 4097)).toBe(true);
    expect(audit.some((a) => a.operation === 'documents.delete' && a.outcome === 'ok')).toBe(true);
  });
});

describe('documents without an embedder (words alone)', () => {
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, close } = await openPlatform(false));
    for (const doc of [MANUAL, SERVICE_NOTES]) await app.call('documents.import', doc, engineer);
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  it('searches by BM25 and says so', async () => {
    const r = (await app.call(
      'documents.search',
      { query: 'what is the maximum oil temperature?', asset: HPU1 },
      viewer,
    )) as Search;
    expect(r.method).toBe('bm25');
    expect(r.passages[0]).toMatchObject({ document: 'hpu-40-notes', section: OIL_TEMPERATURE_PDF, page: 2 });
    const chunks = await app.services.store.listChunks({});
    expect(chunks.every((c) => c.vector === undefined)).toBe(true);
  });
});

describe('documents over HTTP', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  }, 60_000);
  afterAll(async () => {
    await p?.[Symbol.asyncDispose]();
  });

  it('imports a PDF as base64 and searches with query-string input', async () => {
    const imported = await p.api('/documents/import', { body: SERVICE_NOTES_UNLINKED });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.document).toMatchObject({ id: 'hpu-40-notes', pages: 3, chunks: 7 });
    const query = new URLSearchParams({ query: 'what is the maximum oil temperature?', limit: '2' });
    const found = await p.api(`/documents/search?${query.toString()}`);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.method).toBe('hybrid');
    expect(found.body.passages).toHaveLength(2);
    expect(found.body.passages[0]).toMatchObject({
      document: 'hpu-40-notes',
      section: OIL_TEMPERATURE_PDF,
      page: 2,
    });
    expect(Object.keys(found.body.passages[0]).sort()).toEqual(
      ['document', 'page', 'score', 'section', 'seq', 'text', 'title'].sort(),
    );
    const got = await p.api('/documents/get?id=hpu-40-notes');
    expect(got.body.passages.map((x: { page: number }) => x.page)).toEqual([1, 1, 1, 2, 2, 3, 3]);
    const tooMany = await p.api('/documents/search?query=oil&limit=50');
    expect(tooMany.status).toBe(400);
  }, 60_000);
});
