/**
 * The Approvals tab in a real browser: an operator proposes a work order through the API; a viewer sees it with
 * the buttons disabled and why; an engineer opens the link the assistant would give (#view=approvals&proposal=…),
 * finds it highlighted with its preview, approves it with a note, and sees the work order it made — which the API
 * then lists, created by the engineer. Skipped with its reason where Chromium is not installed, except under CI=true.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PRESS3, seedPress3 } from '../helpers/platform.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other tests. */
const POLL = { timeout: 20_000 } as const;
const VIEWPORT = { width: 1440, height: 900 };
const SCREENSHOT_PENDING = '/tmp/approvals-pending.png';
const SCREENSHOT = '/tmp/approvals.png';

browserSuite('the Approvals tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({ prefix: 'gemba-approvals-e2e-', env: {}, viewport: VIEWPORT });
    ({ page, pageErrors } = session);
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('shows a proposal to a viewer without the buttons, and an engineer approves it', async () => {
    const { url, adminToken } = dashboardLogin(session);
    const api = async (path: string, init: { token: string; body?: unknown }) => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${init.token}`,
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    await seedPress3((path, body) => api(path, { token: adminToken, body }), []);
    const token = async (name: string, role: string) =>
      (await api('/tokens', { token: adminToken, body: { name, role } })).body.token as string;
    const [operator, engineer, viewer] = [
      await token('olga', 'operator'),
      await token('erik', 'engineer'),
      await token('vic', 'viewer'),
    ];

    const proposed = await api('/proposals', {
      token: operator,
      body: {
        operation: 'workorders.create',
        input: { asset: PRESS3, title: 'Tighten the die clamp', priority: 'high' },
        reason: 'clamp pressure drops every shift',
      },
    });
    expect(proposed.status).toBe(200);
    const id = proposed.body.proposal.id as string;
    expect(id).toBe('PR-000001');
    expect((await api('/workorders', { token: adminToken })).body.workOrders).toEqual([]);

    // A viewer sees it, with the buttons disabled and the reason.
    const other = await (session ?? fail()).browser.newContext({ viewport: VIEWPORT });
    try {
      const viewerPage = await other.newPage();
      await viewerPage.goto(`${url}/#token=${viewer}`);
      await viewerPage.getByTestId('tab-approvals').click();
      const card = viewerPage.locator(`[data-testid="approval"][data-proposal="${id}"]`);
      await card.waitFor(POLL);
      expect(await card.getByTestId('approval-approve').isDisabled()).toBe(true);
      expect(await card.getByTestId('approval-reject').isDisabled()).toBe(true);
      expect(await card.locator('.proposal-status').innerText()).toBe(
        'Needs the operator role; you (vic) are viewer',
      );
    } finally {
      await other.close();
    }

    // The engineer follows the link the assistant gives: the Approvals tab, the proposal highlighted.
    await page.goto(`${url}/#token=${engineer}&view=approvals&proposal=${id}`);
    const count = page.getByTestId('approvals-count');
    await expect.poll(() => count.innerText(), POLL).toBe('1');
    await page.getByTestId('approvals-view').waitFor();
    expect(await page.getByTestId('tab-approvals').getAttribute('aria-selected')).toBe('true');
    const card = page.locator(`[data-testid="approval"][data-proposal="${id}"]`);
    await card.waitFor(POLL);
    expect(await card.getAttribute('class')).toContain('highlighted');
    const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect([fragment.get('view'), fragment.get('proposal')]).toEqual(['approvals', id]);
    expect(await card.getByTestId('approval-summary').innerText()).toBe(
      `Open a high-priority corrective work order on press3 (${PRESS3}): “Tighten the die clamp”`,
    );
    expect(await card.getByTestId('approval-asked').innerText()).toBe('olga');
    expect(await card.getByTestId('approval-reason').innerText()).toBe(
      'Why: clamp pressure drops every shift',
    );
    expect(await card.getByTestId('approval-role').innerText()).toBe('the operator role');
    const preview = card.getByTestId('approval-preview');
    expect(await preview.locator('[data-key="workOrder.title"]').innerText()).toBe('Tighten the die clamp');
    expect(await preview.locator('[data-key="workOrder.status"]').innerText()).toBe('open');
    expect(await card.getByTestId('approval-approve').isEnabled()).toBe(true);

    await page.screenshot({ path: SCREENSHOT_PENDING });
    await card.getByTestId('approval-note').fill('agreed at the shift handover');
    await card.getByTestId('approval-approve').click();
    const outcome = card.getByTestId('approval-outcome');
    await outcome.waitFor(POLL);
    expect(await outcome.innerText()).toBe('Done: WO-000001 “Tighten the die clamp” (open)');
    expect(await card.getAttribute('data-status')).toBe('approved');
    expect(await card.getByTestId('approval-approve').count()).toBe(0);
    expect(await card.innerText()).toContain('by erik — “agreed at the shift handover”');
    await expect.poll(() => count.isHidden(), POLL).toBe(true);
    await page.screenshot({ path: SCREENSHOT });
    console.info(`Approvals tab screenshots: ${SCREENSHOT_PENDING}, ${SCREENSHOT}`);

    // The work order exists, made by the engineer who approved; the proposal says so too.
    const orders = (await api('/workorders', { token: adminToken })).body.workOrders;
    expect(orders.map((w: any) => [w.id, w.title, w.createdBy])).toEqual([
      ['WO-000001', 'Tighten the die clamp', 'erik'],
    ]);
    const stored = (await api(`/proposals/get?id=${id}`, { token: viewer })).body.proposal;
    expect(stored).toMatchObject({
      status: 'approved',
      decidedBy: 'erik',
      note: 'agreed at the shift handover',
    });
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

function fail(): never {
  throw new Error('Chromium did not start');
}
