/**
 * The Documents tab in a real browser: the press manual (Markdown) and the power unit's service notes (PDF)
 * imported; the address `#view=documents&doc=…&chunk=…` (the assistant's citation links) opens a document scrolled
 * to its passage, highlighted, with its heading path and page; a search links to its passages the same way.
 * Skipped with its reason where Chromium is not installed, except under CI=true.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { DOCUMENT_FIXTURES, HPU40_PDF, readFixture } from '../helpers/document-fixtures.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

const POLL = { timeout: 20_000 } as const;
const SCREENSHOT = '/tmp/documents.png';

browserSuite('the Documents tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-documents-e2e-',
      env: {},
      viewport: { width: 1440, height: 900 },
    });
    ({ page, pageErrors } = session);
    const { app } = session.platform;
    await app.call(
      'documents.import',
      {
        id: 'p300-manual',
        title: 'Press P-300 manual',
        format: 'markdown',
        content: readFixture('press-p300-manual.md'),
      },
      SYSTEM_PRINCIPAL,
    );
    await app.call(
      'documents.import',
      {
        id: 'hpu-40-notes',
        title: 'HPU-40 service notes',
        format: 'pdf',
        content: readFileSync(join(DOCUMENT_FIXTURES, HPU40_PDF)).toString('base64'),
        source: HPU40_PDF,
      },
      SYSTEM_PRINCIPAL,
    );
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('opens a cited passage from the address, then finds another by search', async () => {
    const { url, adminToken } = dashboardLogin(session);
    await page.goto(`${url}/#token=${adminToken}&view=documents&doc=p300-manual&chunk=5`);
    const view = page.getByTestId('documents-view');
    await view.waitFor(POLL);
    expect(await page.getByTestId('tab-documents').getAttribute('aria-selected')).toBe('true');

    // The library: both documents; the manual open, its passage 5 highlighted and scrolled into view.
    const rows = page.getByTestId('documents-list').locator('tbody tr[data-doc]');
    await expect.poll(() => rows.count(), POLL).toBe(2);
    const passage = page.getByTestId('doc-passage-5');
    await expect.poll(() => passage.getAttribute('class'), POLL).toContain('highlight');
    expect(await passage.locator('.doc-section').innerText()).toBe(
      'Press P-300 manual › 4 Hydraulics › 4.2 Oil temperature',
    );
    expect(await passage.locator('.doc-passage-text').innerText()).toContain(
      'The maximum oil temperature is 60 °C',
    );
    expect(await passage.isVisible()).toBe(true);
    const box = await passage.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.y ?? -1) >= 0 && (box?.y ?? 1e9) < 900).toBe(true);
    expect(await page.locator('.doc-passage.highlight').count()).toBe(1);
    expect(page.url()).toContain('view=documents&doc=p300-manual&chunk=5');
    await page.screenshot({ path: SCREENSHOT });

    // Search: the PDF's oil-temperature passage is among the results, with its page; its link opens it.
    await page.getByTestId('doc-search').fill('maximum oil temperature of the power unit');
    await page.getByTestId('doc-search').press('Enter');
    const hit = page.getByTestId('doc-result-hpu-40-notes-3');
    await hit.waitFor(POLL);
    expect(await hit.innerText()).toContain('p. 2');
    await hit.locator('a').click();
    const pdfPassage = page.getByTestId('doc-passage-3');
    await expect.poll(() => pdfPassage.getAttribute('class'), POLL).toContain('highlight');
    expect(await pdfPassage.locator('.doc-section').innerText()).toBe(
      'HPU-40 hydraulic power unit › 3 Temperature and cooling › 3.1 Oil temperature limits',
    );
    expect(await page.getByTestId('doc-page-3').innerText()).toBe('p. 2');
    expect(page.url()).toContain('doc=hpu-40-notes&chunk=3');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
