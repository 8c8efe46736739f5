/**
 * The control-chart view in a real browser: the platform with its demo plant (whose press charts raise alarms in the
 * backfilled cold start and mean shifts), the page built by Vite, headless Chromium. Skipped with its reason where
 * Chromium is not installed, except under CI=true, where a missing browser fails.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other integration tests. */
const POLL = { timeout: 20_000 } as const;
const SCREENSHOT = join(tmpdir(), 'gemba-spc-dashboard.png');
const VIEWER = { width: 1440, height: 900 };
const PRESS1_TAG = 'acme/plant1/stamping/line1/press1/flange_height';

browserSuite('control charts in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-spc-e2e-',
      env: { GEMBA_DEMO: 'true' },
      viewport: VIEWER,
    });
    ({ page, pageErrors } = session);
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('lists the demo charts and draws press 1’s X̄ and R charts with limits, flagged points and alarms', async () => {
    const { url, adminToken } = dashboardLogin(session);
    await page.goto(`${url}/#token=${adminToken}`);
    await page.getByTestId('plant-tree').locator('[data-asset]').first().waitFor();

    await page.getByTestId('tab-spc').click();
    const view = page.getByTestId('spc-view');
    await view.waitFor();
    expect(await page.getByTestId('plant-tree').isVisible()).toBe(false);

    // Every press has a chart on its flange height; each shows a badge (its active alarms, or "in control").
    const list = page.getByTestId('spc-chart-list');
    const items = list.locator('[data-chart]');
    await expect.poll(() => items.count(), POLL).toBeGreaterThanOrEqual(2);
    const ids = await Promise.all((await items.all()).map((item) => item.getAttribute('data-chart')));
    expect(ids, 'one chart per press').toEqual(
      expect.arrayContaining(['press1-flange-height', 'press2-flange-height']),
    );
    expect(await list.getByTestId('spc-alarm-badge').count()).toBe(ids.length);

    const press1 = list.locator('[data-chart="press1-flange-height"]');
    await press1.click();
    await expect.poll(() => press1.getAttribute('aria-current'), POLL).toBe('true');
    await expect.poll(() => view.locator('.spc-title').innerText(), POLL).toContain(PRESS1_TAG);

    // Both charts have points (two hours of backfill in subgroups of five) and their centre line and limits.
    const level = page.getByTestId('spc-level-chart');
    const dispersion = page.getByTestId('spc-dispersion-chart');
    await expect.poll(async () => Number(await level.getAttribute('data-points')), POLL).toBeGreaterThan(10);
    expect(Number(await dispersion.getAttribute('data-points'))).toBeGreaterThan(10);
    for (const chart of [level, dispersion]) {
      for (const line of ['ucl', 'lcl', 'center'])
        expect(await chart.locator(`path.spc-line.${line}`).count()).toBe(1);
      expect(await chart.locator('[data-limit="ucl"]').textContent()).toMatch(/^UCL \d/);
      expect(await chart.locator('[data-limit="lcl"]').textContent()).toMatch(/^LCL \d/);
    }
    expect(await level.locator('h3').innerText()).toContain('X̄ chart');
    expect(await dispersion.locator('h3').innerText()).toContain('R chart');
    // Zones (and their ±1σ, ±2σ lines) on the X̄ chart only.
    expect(await level.locator('rect.zone-c').count()).toBeGreaterThan(0);
    expect(await level.locator('path.spc-line.sigma').count()).toBe(4);
    expect(await dispersion.locator('rect.zone-c').count()).toBe(0);

    // The cold start and the injected shifts fired run rules: those points are red, their tooltip names the rule.
    const flagged = view.locator('circle.spc-point.flagged');
    expect(await flagged.count()).toBeGreaterThan(0);
    const flaggedCount =
      Number(await level.getAttribute('data-flagged')) +
      Number(await dispersion.getAttribute('data-flagged'));
    expect(flaggedCount).toBe(await flagged.count());
    expect(await flagged.first().locator('title').textContent()).toMatch(/nelson\.\d: \d/);

    // The alarm history of the window: SPC alarms raised (and cleared), newest first.
    const history = page.getByTestId('spc-alarm-event');
    await expect.poll(() => history.count(), POLL).toBeGreaterThan(0);
    const states = await Promise.all((await history.all()).map((row) => row.getAttribute('data-state')));
    expect(states).toContain('raised');
    expect(states.every((s) => s === 'raised' || s === 'cleared')).toBe(true);
    expect(await history.first().getAttribute('data-code')).toMatch(/^spc\.nelson\.\d$/);

    // The settings read as configured by the demo: X̄-R, subgroups of 5, given limits.
    const settings = page.getByTestId('spc-settings');
    expect(await settings.innerText()).toMatch(/X̄-R[\s\S]*5 samples per subgroup[\s\S]*given/);

    // Active alarms in the list and the header agree.
    const active = Number(await press1.getAttribute('data-alarms'));
    expect(await page.getByTestId('spc-active-alarm').count()).toBe(active);
    const total = await list
      .locator('[data-chart]')
      .evaluateAll((els) => els.reduce((n, el) => n + Number(el.getAttribute('data-alarms')), 0));
    const badge = page.getByTestId('spc-alarm-count');
    if (total > 0) expect(await badge.innerText()).toBe(String(total));
    else expect(await badge.isVisible()).toBe(false);

    // It stays live without a reload: five more parts measured on press 1 close at least one subgroup (the
    // simulated press may be stopped right now, so the test measures them itself).
    const before = Number(await level.getAttribute('data-points'));
    const now = Date.now();
    const posted = await fetch(`${url}/api/v1/samples`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        samples: [0, 1, 2, 3, 4].map((i) => ({ tag: PRESS1_TAG, ts: now + 2000 + i, value: 12 + i / 100 })),
      }),
    });
    expect(posted.status).toBe(200);
    await expect
      .poll(async () => Number(await level.getAttribute('data-points')), { timeout: 60_000 })
      .not.toBe(before);

    await page.screenshot({ path: SCREENSHOT });
    console.info(`SPC dashboard screenshot: ${SCREENSHOT}`);

    // A reload keeps the view and the chart.
    expect(page.url()).toMatch(/view=spc.*chart=press1-flange-height/);
    await page.reload();
    await view.waitFor();
    await expect.poll(async () => Number(await level.getAttribute('data-points')), POLL).toBeGreaterThan(10);
    expect(await press1.getAttribute('aria-current')).toBe('true');

    // The chart's tag opens in the plant view, which offers the way back.
    await view.locator('[data-open-tag]').click();
    await page.getByTestId('plant-tree').waitFor();
    await expect.poll(() => page.getByTestId('trend-chart').getAttribute('data-tag'), POLL).toBe(PRESS1_TAG);
    await expect.poll(() => page.locator('.spc-link').isVisible(), POLL).toBe(true);
    expect(await view.isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
