/**
 * The Supply tab in a real browser: the platform with its demo plant (three bracket families and a spare bearing,
 * each forecast 12 weeks ahead at start), the page built by Vite, headless Chromium. The items list their latest
 * forecast; bracket A shows its fan chart, its candidates' scores, how its forecasts are doing (no demand in yet) and
 * a policy that changes with the review mode; a viewer is refused a new forecast with the server's message, an admin
 * gets one; bracket C, its demand running far above its forecast for six weeks, is flagged biased. Skipped with its
 * reason where Chromium is not installed, except under CI=true.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other integration tests. */
const POLL = { timeout: 20_000 } as const;
const SCREENSHOT = '/tmp/supply.png';
const SCREENSHOT_CONTINUOUS = '/tmp/supply-continuous.png';
const SCREENSHOT_VIEWER = '/tmp/supply-viewer.png';
const SCREENSHOT_SPARE = '/tmp/supply-bearing.png';
const SCREENSHOT_ACCURACY = '/tmp/supply-accuracy.png';
const VIEWER = { width: 1440, height: 900 };
const TALL = { width: 1440, height: 1500 };
const ITEMS = ['bearing-6312', 'bracket-A', 'bracket-B', 'bracket-C'];
/** A number as the page writes it: grouped, maybe with decimals. */
const NUMBER = String.raw`\d[\d,]*(?:\.\d+)?`;

interface ForecastBody {
  readonly forecasts: readonly {
    readonly id: string;
    readonly model: string;
    readonly mean: readonly number[];
    readonly scores: readonly { readonly method: string }[];
  }[];
}
interface AccuracyBody {
  readonly forecasts: readonly {
    readonly forecast: string;
    readonly matched: number;
    readonly horizon: number;
    readonly biased: boolean;
    readonly points: readonly { readonly ts: number; readonly forecast: number }[];
  }[];
  readonly summary: string;
}
interface PolicyBody {
  readonly s?: number;
  readonly S: number;
  readonly recommendation: string;
}

browserSuite('the Supply tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-supply-e2e-',
      env: { GEMBA_DEMO: 'true' },
      viewport: VIEWER,
    });
    ({ page, pageErrors } = session);
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('lists the items, shows bracket A’s fan chart, candidates and policy, and re-forecasts for a planner only', async () => {
    const { url, adminToken } = dashboardLogin(session);
    // The server's own answers, through the operations the HTTP API is derived from.
    const platform = (session ?? fail('the platform did not start')).platform;
    const call = async <T>(name: string, input: unknown): Promise<T> =>
      (await platform.app.call(name, input, SYSTEM_PRINCIPAL)) as T;
    const latestForecast = async () =>
      (await call<ForecastBody>('forecasts.list', { item: 'bracket-A', limit: 1 })).forecasts[0] ??
      fail('bracket-A has no forecast');
    const bracketPolicy = (query: Record<string, number>) =>
      call<PolicyBody>('inventory.policy', { item: 'bracket-A', ...query });
    const accuracyOf = (item: string) => call<AccuracyBody>('forecasts.accuracy', { item, limit: 5 });

    // The demo forecast every item at start; bracket A's latest forecast and its 95 % continuous-review policy.
    const forecast = await latestForecast();
    expect(forecast.mean).toHaveLength(12);
    const methods = forecast.scores.map((s) => s.method);
    expect(methods).toEqual(expect.arrayContaining(['ETS', 'Theta', 'Naive2', 'Drift']));
    const policy = await bracketPolicy({ cycleServiceLevel: 0.95 });
    expect(policy.s).toBeGreaterThan(0);

    await page.goto(`${url}/#token=${adminToken}`);
    await page.getByTestId('plant-tree').locator('[data-asset]').first().waitFor();
    await page.getByTestId('tab-supply').click();
    const view = page.getByTestId('supply-view');
    await view.waitFor();
    expect(await page.getByTestId('plant-tree').isVisible()).toBe(false);

    // The four items, each with its latest forecast's model and next week "mean (80 % interval)".
    const rows = page.getByTestId('supply-items').locator('tbody tr[data-item]');
    await expect.poll(() => rows.count(), POLL).toBe(ITEMS.length);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-item')))).toEqual(ITEMS);
    const next = page.getByTestId('supply-items').getByTestId('item-next-forecast');
    for (const text of await next.allInnerTexts()) {
      expect(text).toMatch(new RegExp(`^${NUMBER} \\(${NUMBER}–${NUMBER}\\)$`));
    }
    const rowA = rows.and(page.locator('[data-item="bracket-A"]'));
    expect(await rowA.innerText()).toContain(forecast.model);
    expect(await rowA.innerText()).toMatch(/Bracket A\s+bracket-A\s+finished good\s+pcs\s+week/);

    // Bracket A: its title, its fan chart (the 80 and 95 % bands, the history and the forecast), its candidates.
    await rowA.click();
    await expect.poll(() => rowA.getAttribute('aria-selected'), POLL).toBe('true');
    expect(await page.getByTestId('supply-item-title').innerText()).toBe('Bracket A');
    expect(await page.getByTestId('forecast-model').innerText()).toBe(forecast.model);
    const chart = page.getByTestId('fan-chart').locator('svg');
    await chart.waitFor(POLL);
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator('polygon.band').count()).toBe(2);
    expect(await chart.locator('polygon.band[data-level="80"]').isVisible()).toBe(true);
    expect(await chart.locator('polyline.history').count()).toBe(1);
    expect(await chart.locator('polyline.forecast').count()).toBe(1);
    expect(await chart.locator('title').first().textContent()).toContain('Bracket A');

    const scoreRows = page.getByTestId('forecast-scores').locator('tbody tr');
    expect(await scoreRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-method')))).toEqual(
      methods,
    );
    const chosen = page.getByTestId('forecast-scores').locator('tr.chosen');
    expect(await chosen.count()).toBe(1);
    const chosenMethod = (await chosen.getAttribute('data-method')) ?? '';
    expect(forecast.model.startsWith(chosenMethod)).toBe(true);
    const cells = await chosen.locator('td').allInnerTexts();
    expect(cells[0]).toMatch(/chosen/);
    expect(cells[1]).toMatch(new RegExp(`^${NUMBER} %$`)); // sMAPE
    expect(cells[2]).toMatch(new RegExp(`^${NUMBER}$`)); // MASE
    expect(cells[4]).toMatch(/^\d+ %$/); // 80 % coverage
    expect(cells[5]).toMatch(/^\d+ %$/); // 95 % coverage

    // How the forecasts are doing: made at start, its weeks still ahead, so the server says no demand is in yet.
    const accuracyA = await accuracyOf('bracket-A');
    expect(accuracyA.forecasts[0]?.forecast).toBe(forecast.id);
    expect(accuracyA.forecasts[0]?.matched).toBe(0);
    expect(accuracyA.summary).toMatch(
      /^the latest forecast of bracket-A starts \d{4}-\d\d-\d\d; no demand recorded/,
    );
    const accuracyPanel = page.getByTestId('supply-accuracy');
    const accuracySummary = page.getByTestId('accuracy-summary');
    const accuracyRows = page.getByTestId('forecast-accuracy').locator('tbody tr[data-forecast]');
    await expect.poll(() => accuracySummary.innerText(), POLL).toBe(accuracyA.summary);
    expect(await accuracyPanel.isVisible()).toBe(true);
    expect(await accuracySummary.getAttribute('class')).not.toContain('biased');
    expect(await accuracyRows.first().getAttribute('data-forecast')).toBe(forecast.id);
    const accuracyCells = await accuracyRows.first().locator('td').allInnerTexts();
    // Made, model, periods in, sMAPE, MASE, bias, 80 % and 95 % coverage, tracking signal: nothing to measure yet.
    expect(accuracyCells.slice(1)).toEqual([forecast.model, '0 / 12', '—', '—', '—', '—', '—', '—']);

    // The policy for a 95 % cycle service level, continuous review: the server's figures and what to do now.
    const facts = page.getByTestId('policy-facts');
    const reorderPoint = facts.locator('[data-fact="reorder-point"]');
    const orderUpTo = facts.locator('[data-fact="order-up-to"]');
    const recommendation = page.getByTestId('policy-recommendation');
    await expect.poll(() => recommendation.innerText(), POLL).toBe(policy.recommendation);
    expect(await reorderPoint.innerText()).toBe(`${Math.ceil(policy.s ?? 0).toLocaleString('en-US')} pcs`);
    expect(await orderUpTo.innerText()).toBe(`${Math.ceil(policy.S).toLocaleString('en-US')} pcs`);
    expect(await facts.locator('[data-fact="eoq"]').innerText()).toMatch(new RegExp(`^${NUMBER} pcs$`));
    expect(await facts.locator('[data-fact="stock"]').innerText()).toBe('900 on hand · 0 on order');
    // Highlighted as what it asks: order now when the stock position is at or below the reorder point.
    expect(await recommendation.getAttribute('class')).toContain(
      policy.recommendation.startsWith('Order') ? 'urgency-order' : 'urgency-wait',
    );

    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT_CONTINUOUS });
    await page.setViewportSize(VIEWER);

    // Periodic review every 2 weeks: an order-up-to level of its own, no reorder point, the next review's order.
    const continuousS = await orderUpTo.innerText();
    await page.getByTestId('review-mode').locator('[data-window="periodic"]').click();
    await page.getByTestId('review-every').fill('2');
    await expect.poll(() => facts.locator('[data-fact="review"]').innerText(), POLL).toBe('2 weeks');
    await expect.poll(() => orderUpTo.innerText(), POLL).not.toBe(continuousS);
    expect(await reorderPoint.count()).toBe(0);
    expect(await recommendation.innerText()).toMatch(/^At the next review, order \d+ pcs \(up to \d+\)\.$/);
    const periodic = await bracketPolicy({ cycleServiceLevel: 0.95, review: 2 });
    expect(await orderUpTo.innerText()).toBe(`${Math.ceil(periodic.S).toLocaleString('en-US')} pcs`);

    // A higher service target needs more safety stock.
    const safety = facts.locator('[data-fact="safety-stock"]');
    const at95 = parseNumber(await safety.innerText());
    await page.getByTestId('service-target').selectOption('csl-99');
    await expect.poll(async () => parseNumber(await safety.innerText()), POLL).toBeGreaterThan(at95);

    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT });
    await page.setViewportSize(VIEWER);
    console.info(`Supply tab screenshot: ${SCREENSHOT}`);

    // A viewer may look, not forecast: the server's 403 message shows beside the button, the forecast stays.
    const { token: viewerToken } = await call<{ token: string }>('tokens.create', {
      name: 'e2e-viewer',
      role: 'viewer',
    });
    const other = await (session ?? fail('Chromium did not start')).browser.newContext({ viewport: VIEWER });
    try {
      const viewerPage = await other.newPage();
      await viewerPage.goto(`${url}/#token=${viewerToken}&view=supply&item=bracket-A`);
      await viewerPage.getByTestId('fan-chart').locator('svg').waitFor(POLL);
      await viewerPage.getByTestId('reforecast').click();
      const refusal = viewerPage.getByTestId('reforecast-error');
      await refusal.waitFor(POLL);
      expect(await refusal.innerText()).toMatch(/planner|permission|role/i);
      expect(await viewerPage.getByTestId('reforecast').isEnabled()).toBe(true);
      await viewerPage.screenshot({ path: SCREENSHOT_VIEWER });
    } finally {
      await other.close();
    }
    expect((await latestForecast()).id).toBe(forecast.id);

    // The admin forecasts again: a new record, the page shows it.
    await page.getByTestId('reforecast').click();
    await expect.poll(async () => (await latestForecast()).id, POLL).not.toBe(forecast.id);
    await expect.poll(() => page.getByTestId('supply-forecast').innerText(), POLL).toMatch(/New forecast: /);
    await page.getByTestId('fan-chart').locator('svg polygon.band').first().waitFor(POLL);
    // The accuracy panel follows: the new forecast first, the one made at start after it.
    const reforecast = (await latestForecast()).id;
    await expect.poll(() => accuracyRows.first().getAttribute('data-forecast'), POLL).toBe(reforecast);
    expect(await accuracyRows.nth(1).getAttribute('data-forecast')).toBe(forecast.id);

    // A reload keeps the view and the item.
    expect(page.url()).toMatch(/view=supply/);
    expect(page.url()).toMatch(/item=bracket-A/);
    await page.reload();
    await expect.poll(() => rowA.getAttribute('aria-selected'), POLL).toBe('true');

    // The spare bearing: intermittent demand, chosen among Croston, SBA and TSB, a fraction of a bearing a week.
    await rows.and(page.locator('[data-item="bearing-6312"]')).click();
    await expect
      .poll(() => page.getByTestId('supply-item-title').innerText(), POLL)
      .toBe('Press main bearing 6312');
    await page.getByTestId('fan-chart').locator('svg polygon.band').first().waitFor(POLL);
    await expect
      .poll(() => page.getByTestId('forecast-scores').locator('tbody tr').allInnerTexts(), POLL)
      .toEqual(expect.arrayContaining([expect.stringMatching(/^TSB/)]));
    await expect.poll(() => reorderPoint.innerText(), POLL).toMatch(/^\d+ pcs$/);
    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT_SPARE });
    await page.setViewportSize(VIEWER);

    // Bracket C's demand comes in far above its forecast for six weeks: every error one way, tracking signal +6,
    // beyond ±4 — the summary turns to a warning and the row carries the biased pill.
    const startC = (await accuracyOf('bracket-C')).forecasts[0] ?? fail('bracket-C has no forecast');
    const weeksIn = startC.points.slice(0, 6);
    await call('demand.put', {
      points: weeksIn.map((p) => ({
        item: 'bracket-C',
        ts: p.ts,
        quantity: Math.round(p.forecast * 1.5 + 50),
      })),
    });
    const accuracyC = await accuracyOf('bracket-C');
    const latestC = accuracyC.forecasts[0] ?? fail('bracket-C has no forecast');
    expect(latestC.matched).toBe(6);
    expect(latestC.biased).toBe(true);
    expect(accuracyC.summary).toMatch(
      /^latest forecast of bracket-C: 6 of 12 periods in, .* demand is running above/,
    );
    await rows.and(page.locator('[data-item="bracket-C"]')).click();
    await expect.poll(() => accuracySummary.innerText(), POLL).toBe(accuracyC.summary);
    expect(await accuracySummary.getAttribute('class')).toContain('biased');
    const biasedRow = accuracyRows.first();
    expect(await biasedRow.getAttribute('data-forecast')).toBe(latestC.forecast);
    const biasedCells = await biasedRow.locator('td').allInnerTexts();
    expect(biasedCells[2]).toBe('6 / 12');
    expect(biasedCells[3]).toMatch(new RegExp(`^${NUMBER} %$`)); // sMAPE
    expect(biasedCells[5]).toMatch(new RegExp(`^-${NUMBER} pcs/week$`)); // bias: the forecast runs low
    expect(biasedCells[6]).toBe('0 %'); // 80 % coverage: every week above the interval
    expect(biasedCells[8]).toMatch(/biased\s*\+6\.0$/);
    expect(await biasedRow.getByTestId('biased').isVisible()).toBe(true);
    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT_ACCURACY });
    await page.setViewportSize(VIEWER);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

function parseNumber(text: string): number {
  return Number(text.replace(/[^\d.]/g, ''));
}

function fail(message: string): never {
  throw new Error(message);
}
