/**
 * The dashboard in a real browser: the platform with its demo plant, the page built by Vite, headless Chromium.
 * Skipped with its reason where Chromium is not installed, except under CI=true, where a missing browser fails.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/**
 * Runs in the page (as a string: this file is type-checked without the DOM library). Counts the painted pixels of
 * the chart canvas, and those in the series blue (#1565c0 line, its translucent band).
 */
const COUNT_CHART_PIXELS = `(() => {
  const canvas = document.querySelector('[data-testid="trend-chart"] canvas');
  const ctx = canvas && canvas.getContext('2d');
  if (!ctx) return { painted: 0, series: 0 };
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  let series = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    painted++;
    if (data[i + 2] > 150 && data[i] < 90 && data[i + 1] > 60 && data[i + 1] < 140) series++;
  }
  return { painted, series };
})()`;
const PixelCount = z.object({ painted: z.number(), series: z.number() });

/** Generous: the suite shares two cores with the other integration tests. */
const POLL = { timeout: 15_000 } as const;

const SCREENSHOT = join(tmpdir(), 'gemba-dashboard.png');
const VIEWER = { width: 1440, height: 900 };

browserSuite('dashboard in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-e2e-',
      env: { GEMBA_DEMO: 'true', GEMBA_DEMO_BACKFILL_MINUTES: '30' },
      viewport: VIEWER,
    });
    ({ page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('shows the plant, live values and a live trend of a press temperature', async () => {
    const { url, adminToken } = dashboardLogin(session);
    await page.goto(`${url}/#token=${adminToken}`);

    // The token moves from the address bar into localStorage.
    await page.waitForFunction("!window.location.hash.includes('token=')");
    expect(await page.evaluate("window.localStorage.getItem('gemba.token')")).toBe(adminToken);

    const tree = page.getByTestId('plant-tree');
    await tree.locator('[data-asset]').first().waitFor();
    await expect
      .poll(() => page.getByTestId('connection-status').getAttribute('data-state'), POLL)
      .toBe('open');

    // Find a press temperature through the filter box, as an engineer would.
    await page.getByTestId('tree-filter').fill('press');
    await tree.locator('[data-tag*="press"]').first().waitFor();
    const candidates: { path: string; unit: string }[] = [];
    for (const item of await tree.locator('[data-tag*="press"]').all()) {
      candidates.push({
        path: (await item.getAttribute('data-tag')) ?? '',
        unit: (await item.getAttribute('data-unit')) ?? '',
      });
    }
    const temperature =
      candidates.find((c) => /degC|°C/.test(c.unit) && c.path.includes('press3')) ??
      candidates.find((c) => /degC|°C/.test(c.unit) || /temp/i.test(c.path));
    expect(temperature, `a temperature tag among ${candidates.map((c) => c.path).join(', ')}`).toBeDefined();
    const tagPath = temperature?.path ?? '';
    await tree.locator(`[data-tag="${tagPath}"]`).click();

    const chart = page.getByTestId('trend-chart');
    await expect.poll(() => chart.getAttribute('data-tag'), POLL).toBe(tagPath);
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 40_000 })
      .toBeGreaterThan(10);

    // The canvas really has a trace: many painted pixels, hundreds of them in the series blue (#1565c0 line and band).
    const pixels = PixelCount.parse(await page.evaluate(COUNT_CHART_PIXELS));
    expect(pixels.painted).toBeGreaterThan(2_000);
    expect(pixels.series).toBeGreaterThan(300);

    // Live values: the selected line's tags have values, the charted tag among them.
    const live = page.getByTestId('live-values');
    await expect
      .poll(() => live.locator('[data-testid="live-value"][data-ts]').count(), POLL)
      .toBeGreaterThan(0);
    const chartedValue = live.locator(`tr[data-tag="${tagPath}"] [data-testid="live-value"]`);
    await expect.poll(() => chartedValue.getAttribute('data-ts'), { timeout: 10_000 }).not.toBeNull();
    expect(await chartedValue.innerText()).toMatch(/\d/);

    // The WebSocket keeps both current: the value's timestamp moves and the chart grows. (The demo publishes every
    // second, but skips ticks while the broker is slow to acknowledge; on a loaded two-core machine a full test
    // run once saw no new value for 15 s, hence the long wait.)
    const firstTs = Number(await chartedValue.getAttribute('data-ts'));
    await expect
      .poll(async () => Number(await chartedValue.getAttribute('data-ts')), { timeout: 40_000 })
      .toBeGreaterThan(firstTs);
    const firstPoints = Number(await chart.getAttribute('data-points'));
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 40_000 })
      .toBeGreaterThan(firstPoints);

    await page.screenshot({ path: SCREENSHOT });
    console.info(`dashboard screenshot: ${SCREENSHOT}`);
    expect(pageErrors).toEqual([]);
  }, 150_000);

  it('asks for a token again when the API answers 401', async () => {
    const { url } = dashboardLogin(session);
    const fresh = await (session ?? fail()).browser.newContext({ viewport: VIEWER });
    try {
      const other = await fresh.newPage();
      await other.goto(`${url}/#token=gmb_not_a_real_token`);
      const form = other.getByTestId('token-form');
      await form.waitFor({ timeout: 15_000 });
      expect(await form.locator('.form-error').innerText()).not.toBe('');
      expect(other.url()).not.toContain('gmb_not_a_real_token');
    } finally {
      await fresh.close();
    }
  });
});

function fail(): never {
  throw new Error('Chromium did not start');
}
