/**
 * The OEE tab in a real browser: the demo plant (its machines configured for OEE by setupDemoPlant) fed ten
 * simulated hours up to now, the page built by Vite, headless Chromium. Every figure on the page is checked against
 * the API's answer for the same scope and window — the response the page itself got, and oee.report called again
 * with the same window — never against numbers written here: the KPI tiles and counts, the waterfall's bars (their
 * times, and heights that sum: planned busy time − losses = valuable operating time) and labels, one trend point per
 * period, the machines table, the stop reasons; a click on a machine narrows the scope to it; with no machine
 * configured the page says how to configure one. Skipped with its reason where Chromium is not installed, except
 * under CI=true.
 */
import type { Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import {
  countText,
  hoursMinutes,
  minutesText,
  percentText,
  stopReasons,
  type OeeReport,
  type OeeSummary,
} from '../../web/src/oee-model.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other integration tests. */
const POLL = { timeout: 30_000 } as const;
const SCREENSHOT = '/tmp/x/oee.png';
const SCREENSHOT_MACHINE = '/tmp/x/oee-press1.png';
const SCREENSHOT_SHIFT = '/tmp/x/oee-shift.png';
const VIEWER = { width: 1440, height: 900 };
const TALL = { width: 1440, height: 1700 };
const LINE = 'acme/plant1/stamping/line1';
const PRESS1 = `${LINE}/press1`;
const HOURS = 10;
const KPI_IDS = ['oee', 'availability', 'performance', 'quality'] as const;

browserSuite('the OEE tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({ prefix: 'gemba-oee-e2e-', env: {}, viewport: VIEWER });
    ({ page, pageErrors } = session);
    const { app } = session.platform;
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    // Ten simulated hours ending now: the current shift, the last 24 h by shift and the last 7 days have data.
    const end = Math.floor(Date.now() / 1000) * 1000;
    await runDemoHours(app, {
      seed: 9,
      start: end - HOURS * 3_600_000,
      hours: HOURS,
      meanShiftMeanIntervalS: 3 * 3600,
    });
  }, 600_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('shows the stamping line’s OEE as the API computes it, by shift and by day, and narrows to a machine', async () => {
    const { url, adminToken } = dashboardLogin(session);
    const platform = (session ?? fail('the platform did not start')).platform;
    const call = async <T>(name: string, input: unknown): Promise<T> =>
      (await platform.app.call(name, input, SYSTEM_PRINCIPAL)) as T;
    const machines = (await call<{ machines: { asset: string }[] }>('oee.machines.list', {})).machines;
    expect(machines.map((m) => m.asset)).toEqual(expect.arrayContaining([PRESS1, `${LINE}/press2`]));

    // The live answers the page gets, newest last.
    const liveBodies: OeeReport[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/v1/oee/live' && response.ok()) {
        void response.json().then((body: OeeReport) => liveBodies.push(body));
      }
    });

    await page.goto(`${url}/#token=${adminToken}`);
    await page.getByTestId('plant-tree').locator('[data-asset]').first().waitFor();
    await page.getByTestId('tab-oee').click();
    const view = page.getByTestId('oee-view');
    await view.waitFor();
    expect(await page.getByTestId('plant-tree').isVisible()).toBe(false);
    expect(page.url()).toContain('view=oee');

    // The scope picker: the stamping line by default, its presses, the CNC cell.
    const scope = page.getByTestId('oee-scope');
    await expect.poll(() => scope.inputValue(), POLL).toBe(LINE);
    const offered = await scope.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(offered).toEqual(expect.arrayContaining([LINE, PRESS1, 'acme/plant1/machining/cnc-cell1']));

    // Current shift (live): the tiles are the latest live answer's, and the trend shows the last 24 h by shift.
    await expect.poll(() => liveBodies.length, POLL).toBeGreaterThan(0);
    await expect
      .poll(async () => {
        const latest = liveBodies.at(-1);
        return latest ? (await tileTexts(page)).join(' | ') === kpiTexts(latest.total).join(' | ') : false;
      }, POLL)
      .toBe(true);
    expect(liveBodies.at(-1)?.asset).toBe(LINE);
    await page.getByTestId('oee-trend-chart').locator('svg').waitFor(POLL);
    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT_SHIFT, fullPage: true });
    await page.setViewportSize(VIEWER);

    // 24 h by shift: every figure equals the API's answer for that window.
    const byShift = await pickWindow(page, '24h');
    const shiftQuery = new URL(byShift.url()).searchParams;
    expect(shiftQuery.get('asset')).toBe(LINE);
    expect(shiftQuery.get('by')).toBe('shift');
    const shiftReport = (await byShift.json()) as OeeReport;
    // The same window asked of the operation again (the data is no longer changing): the same answer.
    const again = await call<OeeReport>('oee.report', {
      asset: LINE,
      from: Number(shiftQuery.get('from')),
      to: Number(shiftQuery.get('to')),
      by: 'shift',
    });
    // (through JSON, as the page got it: −0 is 0 there)
    expect(JSON.parse(JSON.stringify(again.total))).toEqual(shiftReport.total);
    expect(again.periods.map((p) => p.label)).toEqual(shiftReport.periods.map((p) => p.label));
    const total = shiftReport.total;
    expect(total.plannedBusyTimeMs).toBeGreaterThan(0);
    expect(total.producedQuantity).toBeGreaterThan(0);
    await expectFigures(page, shiftReport);

    // The trend: one bar per shift, one dot per shift with data on each factor's line.
    expect(shiftReport.periods.length).toBeGreaterThanOrEqual(3);
    const trend = page.getByTestId('oee-trend-chart');
    expect(await trend.locator('rect.trend-bar').count()).toBe(shiftReport.periods.length);
    expect(await trend.locator('svg').getAttribute('data-periods')).toBe(String(shiftReport.periods.length));
    for (const factor of ['availability', 'performance', 'quality'] as const) {
      const withData = shiftReport.periods.filter((p) => p.total[factor] !== null).length;
      expect(await trend.locator(`[data-series="${factor}"] circle.trend-point`).count()).toBe(withData);
    }
    const labels = await trend
      .locator('rect.trend-bar')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-label')));
    expect(labels).toEqual(shiftReport.periods.map((p) => p.label));
    // A bar's height is its OEE: the tallest bar is the best shift.
    const heights = await numbers(trend.locator('rect.trend-bar'), 'height');
    const oees = shiftReport.periods.map((p) => p.total.oee ?? 0);
    expect(heights.indexOf(Math.max(...heights))).toBe(oees.indexOf(Math.max(...oees)));

    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.setViewportSize(VIEWER);
    console.info(`OEE tab screenshot: ${SCREENSHOT}`);

    // A click on a machine narrows the scope to it: the page asks for press 1 alone and shows its figures.
    const narrowed = page.waitForResponse(
      (r) => isReport(r) && new URL(r.url()).searchParams.get('asset') === PRESS1,
    );
    await page.getByTestId('oee-machine-press1').click();
    const pressReport = (await (await narrowed).json()) as OeeReport;
    await expect.poll(() => scope.inputValue(), POLL).toBe(PRESS1);
    expect(pressReport.machines.map((m) => m.asset)).toEqual([PRESS1]);
    await expectFigures(page, pressReport);
    // The address keeps the scope and window: a reload (or a shared link) shows press 1 by shift again.
    expect(new URL(page.url()).hash).toContain(`oee=${PRESS1}`);
    const reloaded = page.waitForResponse(
      (r) => isReport(r) && new URL(r.url()).searchParams.get('asset') === PRESS1,
    );
    await page.reload();
    const afterReload = (await (await reloaded).json()) as OeeReport;
    await expect.poll(() => scope.inputValue(), POLL).toBe(PRESS1);
    expect(new URL(page.url()).hash).toContain(`oeeWindow=`);
    expect(afterReload.machines.map((m) => m.asset)).toEqual([PRESS1]);
    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT_MACHINE, fullPage: true });
    await page.setViewportSize(VIEWER);

    // 7 days by day: one trend point per day of the window (8 calendar days, most of them without data).
    // The way back to the whole line.
    const backToLine = page.waitForResponse(
      (r) => isReport(r) && new URL(r.url()).searchParams.get('asset') === LINE,
    );
    await page.getByTestId('oee-scope-up').click();
    await backToLine;
    await expect.poll(() => scope.inputValue(), POLL).toBe(LINE);
    const byDay = await pickWindow(page, '7d');
    expect(new URL(byDay.url()).searchParams.get('by')).toBe('day');
    const dayReport = (await byDay.json()) as OeeReport;
    expect(dayReport.asset).toBe(LINE);
    await expectFigures(page, dayReport);
    expect(await trend.locator('rect.trend-bar').count()).toBe(dayReport.periods.length);
    expect(dayReport.periods.length).toBeGreaterThanOrEqual(7);
    const daysWithData = dayReport.periods.filter((p) => p.total.oee !== null).length;
    expect(await trend.locator('[data-series="availability"] circle.trend-point').count()).toBe(daysWithData);

    // No machine configured: the page says how to configure one.
    for (const m of machines) await call('oee.machines.remove', { asset: m.asset });
    await page.reload();
    const notice = page.getByTestId('oee-empty');
    await expect.poll(() => notice.isVisible(), POLL).toBe(true);
    expect(await notice.innerText()).toContain('gemba oee machines configure');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});

function isReport(response: Response): boolean {
  return new URL(response.url()).pathname === '/api/v1/oee/report' && response.ok();
}

/** Clicks a window and returns the report response the page asked for. */
async function pickWindow(page: Page, window: '24h' | '7d'): Promise<Response> {
  const by = window === '24h' ? 'shift' : 'day';
  const response = page.waitForResponse(
    (r) => isReport(r) && new URL(r.url()).searchParams.get('by') === by,
    POLL,
  );
  await page.getByTestId('oee-window').locator(`[data-window="${window}"]`).click();
  return response;
}

function kpiTexts(total: OeeSummary): string[] {
  return KPI_IDS.map((id) => percentText(total[id]));
}

async function tileTexts(page: Page): Promise<string[]> {
  return Promise.all(KPI_IDS.map((id) => page.getByTestId(`oee-kpi-${id}`).innerText()));
}

async function numbers(locator: Locator, attribute: string): Promise<number[]> {
  return locator.evaluateAll((els, name) => els.map((el) => Number(el.getAttribute(name))), attribute);
}

/** The tiles, counts, waterfall, machines and stop reasons against a report. */
async function expectFigures(page: Page, report: OeeReport): Promise<void> {
  const total = report.total;
  // Tiles: each the API's ratio to one decimal (and within 0.05 points of it).
  await expect.poll(async () => (await tileTexts(page)).join(' | '), POLL).toBe(kpiTexts(total).join(' | '));
  for (const id of KPI_IDS) {
    const text = await page.getByTestId(`oee-kpi-${id}`).innerText();
    const ratio = total[id];
    if (ratio !== null && ratio !== undefined)
      expect(Math.abs(Number(text.replace(/[^\d.]/g, '')) - ratio * 100)).toBeLessThanOrEqual(0.05);
  }
  const counts = page.getByTestId('oee-counts');
  expect(await counts.locator('[data-fact="produced"]').innerText()).toBe(countText(total.producedQuantity));
  expect(await counts.locator('[data-fact="good"]').innerText()).toBe(countText(total.goodQuantity));
  expect(await counts.locator('[data-fact="rejects"]').innerText()).toBe(countText(total.rejectQuantity));
  expect(await counts.locator('[data-fact="run-time"]').innerText()).toBe(hoursMinutes(total.runTimeMs));
  expect(total.goodQuantity + total.rejectQuantity).toBe(total.producedQuantity);

  // The waterfall: a bar per step whose time is the API's, heights proportional to time and summing exactly.
  const waterfall = page.getByTestId('oee-waterfall');
  const bars = waterfall.locator('rect.wf-bar');
  await expect.poll(() => bars.count(), POLL).toBe(total.losses.length + 2);
  const keys = await bars.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-step')));
  expect(keys).toEqual(['plannedBusyTime', ...total.losses.map((l) => l.loss), 'valuableOperatingTime']);
  const valuable = total.waterfall.at(-1)?.timeMs ?? fail('no waterfall');
  const times = await numbers(bars, 'data-ms');
  expect(times).toEqual([total.plannedBusyTimeMs, ...total.losses.map((l) => l.timeMs), valuable]);
  expect(valuable).toBe(total.plannedBusyTimeMs - total.losses.reduce((s, l) => s + l.timeMs, 0));
  const heights = await numbers(bars, 'height');
  const [pbtHeight = 0] = heights;
  const valuableHeight = heights.at(-1) ?? 0;
  const lossHeights = heights.slice(1, -1);
  const signed = lossHeights.map((hgt, i) => Math.sign(total.losses[i]?.timeMs ?? 0) * hgt);
  expect(signed.reduce((s, hgt) => s + hgt, 0)).toBeCloseTo(pbtHeight - valuableHeight, 3);
  expect(valuableHeight / pbtHeight).toBeCloseTo(valuable / total.plannedBusyTimeMs, 4);
  // Labels: time and share of planned busy time, the API's.
  for (const [i, loss] of total.losses.entries()) {
    const label = waterfall.locator(`[data-step-label="${loss.loss}"]`);
    expect(await label.locator('.wf-time').textContent()).toBe(hoursMinutes(loss.timeMs));
    expect(await label.locator('.wf-share').textContent()).toBe(percentText(loss.share));
    expect(lossHeights[i] ?? 0).toBeCloseTo((Math.abs(loss.timeMs) / total.plannedBusyTimeMs) * pbtHeight, 3);
  }
  const end = waterfall.locator('[data-step-label="valuableOperatingTime"]');
  expect(await end.locator('.wf-time').textContent()).toBe(hoursMinutes(valuable));
  expect(await end.locator('.wf-share').textContent()).toBe(percentText(valuable / total.plannedBusyTimeMs));
  const names = await waterfall.locator('text.wf-name').evaluateAll((ts) => ts.map((t) => t.textContent));
  // The bar names are the API's waterfall labels (wrapped into lines, hence no spaces compared).
  expect(names.map((n) => n?.replaceAll(' ', ''))).toEqual(
    total.waterfall.map((w) => w.label.replaceAll(' ', '')),
  );

  // Machines: one row each, with the API's figures.
  const rows = page.getByTestId('oee-machines').locator('tbody tr[data-machine]');
  await expect.poll(() => rows.count(), POLL).toBe(report.machines.length);
  for (const m of report.machines) {
    const cells = await rows
      .and(page.locator(`[data-machine="${m.asset}"]`))
      .locator('td')
      .allInnerTexts();
    expect(cells.slice(1, 8)).toEqual([
      percentText(m.result.availability),
      percentText(m.result.performance),
      percentText(m.result.quality),
      percentText(m.result.oee),
      countText(m.result.producedQuantity),
      countText(m.result.goodQuantity),
      countText(m.result.rejectQuantity),
    ]);
  }

  // Stop reasons: the longest of the scope, in minutes.
  const reasons = stopReasons(total.topReasons);
  const reasonRows = page.getByTestId('oee-reasons').locator('tbody tr[data-state]');
  expect(await reasonRows.count()).toBe(reasons.length);
  const first = reasons[0];
  if (first) {
    const cells = await reasonRows.first().locator('td').allInnerTexts();
    expect(cells[2]).toBe(minutesText(first.timeMs));
    expect(await reasonRows.first().getAttribute('data-reason')).toBe(first.reason);
  }
}

function fail(message: string): never {
  throw new Error(message);
}
