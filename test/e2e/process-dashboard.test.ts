/**
 * The Process tab in a real browser: the demo plant with a day of the forming process on press 1 (known optimum,
 * src/adapters/simulator/demo-process.ts) fed through the ingest pipeline up to now, the page built by Vite, headless
 * Chromium. An engineer asks for a recommendation with the form's defaults; every figure on the page is checked
 * against the API's answer — the response the page got, and process.optimize asked again over HTTP with the very
 * body the page sent — never against numbers written here: the setpoints table, the predictions and improvement, the
 * fit, one heat-map cell per grid value (mean, then sd) and a dot per historical operating point, the next trials.
 * "Propose this change" creates a pending proposal (checked through the API) whose link opens it on the Approvals
 * tab; approved there, the demo process runs at the recommended setpoints and the audit log has the write, by the
 * engineer. Skipped with its reason where Chromium is not installed, except under CI=true.
 */
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PROCESS_ASSET, DemoFormingProcess } from '../../src/adapters/simulator/demo-process.js';
import type { AuditEntry, Proposal } from '../../src/domain/index.js';
import { demoProcessWriter, feedDemoProcess } from '../../src/server/demo-process.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import {
  boundsText,
  changeText,
  predictionText,
  r2Text,
  tagName,
  unitSuffix,
  valueText,
  type ProcessRecommendation,
} from '../../web/src/process-model.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other tests. */
const POLL = { timeout: 60_000 } as const;
const SCREENSHOT = '/tmp/x/process.png';
const VIEWPORT = { width: 1440, height: 900 };
const TALL = { width: 1440, height: 1900 };
const HOURS = 24;
const FORCE = `${DEMO_PROCESS_ASSET}/blank_holder_force`;
const SPEED = `${DEMO_PROCESS_ASSET}/ram_speed`;

browserSuite('the Process tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];
  let registration: Disposable | undefined;
  const end = Math.floor(Date.now() / 1000) * 1000;
  const process = new DemoFormingProcess({ seed: 7, startTs: end - HOURS * 3_600_000 });

  beforeAll(async () => {
    session = await openDashboard({ prefix: 'gemba-process-e2e-', env: {}, viewport: VIEWPORT });
    ({ page, pageErrors } = session);
    const { app } = session.platform;
    // The demo plant (press 1 and the forming process's tags), a day of the process's history, its setpoint writer.
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    registration = app.services.setpoints?.register(demoProcessWriter(process));
    await feedDemoProcess(app, process, end);
  }, 600_000);

  afterAll(async () => {
    registration?.[Symbol.dispose]();
    await session?.[Symbol.asyncDispose]();
  });

  it('recommends setpoints as the API does, draws the surface, and the proposal is approved on the Approvals tab', async () => {
    const { url, adminToken } = dashboardLogin(session);
    const platform = (session ?? fail('the platform did not start')).platform;
    const call = async <T>(name: string, input: unknown): Promise<T> =>
      (await platform.app.call(name, input, SYSTEM_PRINCIPAL)) as T;
    const api = async (path: string, token: string, body?: unknown) => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const engineer = (await api('/tokens', adminToken, { name: 'erik', role: 'engineer' })).body
      .token as string;

    await page.goto(`${url}/#token=${engineer}`);
    await page.getByTestId('plant-tree').locator('[data-asset]').first().waitFor(POLL);
    await page.getByTestId('tab-process').click();
    const view = page.getByTestId('process-view');
    await view.waitFor();
    expect(page.url()).toContain('view=process');
    // The form starts on the demo process: its output, setpoints with their bounds, and context.
    expect(await page.getByTestId('process-output').inputValue()).toBe(`${DEMO_PROCESS_ASSET}/springback`);
    const controlInputs = page.getByTestId('process-control-inputs').locator('tr');
    expect(await controlInputs.count()).toBe(2);
    expect(await controlInputs.nth(0).locator('input[name="tag"]').inputValue()).toBe(FORCE);
    expect(await controlInputs.nth(1).locator('input[name="max"]').inputValue()).toBe('120');

    // Recommend: the page says it is fitting, with the button disabled, until the answer comes.
    const answered = page.waitForResponse(isOptimize, POLL);
    // (Read in the page as it clicks: the platform runs in this process, and the answer may beat a second command.)
    const progress = await page.evaluate<[string, boolean]>(ASK_ONCE);
    expect(progress[0]).toMatch(/^fitting… \d+ s$/);
    expect(progress[1]).toBe(true);
    const response = await answered;
    const sent = response.request().postDataJSON() as Record<string, unknown>;
    expect(sent).toMatchObject({
      output: `${DEMO_PROCESS_ASSET}/springback`,
      controls: [
        { tag: FORCE, min: 200, max: 600 },
        { tag: SPEED, min: 20, max: 120 },
      ],
      context: [`${DEMO_PROCESS_ASSET}/coil_thickness`],
      bucket: '5m',
      goal: 'min',
      kappa: 1,
    });
    expect(Number(sent['to']) - Number(sent['from'])).toBe(HOURS * 3_600_000);
    const rec = (await response.json()) as ProcessRecommendation;
    // The same request asked of the API again (the data is not changing): the same answer.
    const again = await api('/process/optimize', adminToken, sent);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(rec);
    expect(rec.proposal).not.toBeNull();
    await page.getByTestId('process-result').waitFor(POLL);
    await expect.poll(() => page.getByTestId('process-recommend').isEnabled(), POLL).toBe(true);

    // The setpoints table: each control's figures, the API's.
    const rows = page.getByTestId('process-controls').locator('tbody tr[data-control]');
    expect(await rows.count()).toBe(rec.controls.length);
    expect(rec.controls.map((c) => c.tag)).toEqual([FORCE, SPEED]);
    for (const c of rec.controls) {
      const cells = await page.locator(`tr[data-control="${c.tag}"] td`).allInnerTexts();
      expect(cells).toEqual([
        tagName(c.tag),
        valueText(c.current),
        valueText(c.recommended),
        changeText(c.change),
        boundsText(c),
        unitSuffix(c.unit).trim(),
      ]);
    }
    // The current setpoints are the process's own, and the recommendation moves at least one.
    expect(rec.controls.map((c) => c.current)).toEqual([process.setpoints.force, process.setpoints.speed]);
    expect(rec.controls.some((c) => c.change !== 0)).toBe(true);

    // Predictions, improvement, fit.
    const fact = (key: string) => page.locator(`[data-fact="${key}"]`).innerText();
    const unit = rec.output.unit;
    expect(await fact('predicted-current')).toBe(predictionText(rec.predicted.current, unit));
    expect(await fact('predicted-recommended')).toBe(predictionText(rec.predicted.recommended, unit));
    expect(await fact('improvement')).toBe(predictionText(rec.improvement, unit));
    expect(await fact('r2')).toBe(r2Text(rec.fit.r2));
    expect(await fact('rmse')).toBe(`${valueText(rec.fit.rmse)}${unitSuffix(unit)}`);
    const candidates = page.getByTestId('process-candidates').locator('tbody tr[data-model]');
    expect(await candidates.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-model')))).toEqual(
      rec.fit.candidates.map((c) => c.model),
    );
    expect(await page.getByTestId('process-extrapolation').isVisible()).toBe(rec.extrapolation.warning);

    // The heat map: a cell per grid value, coloured by the mean; a dot per historical point; both markers.
    const chart = page.getByTestId('process-surface-chart');
    const cellCount = rec.surface.x.values.length * rec.surface.y.values.length;
    expect(cellCount).toBeGreaterThan(0);
    await expect.poll(() => chart.locator('rect.heat-cell').count(), POLL).toBe(cellCount);
    expect(await chart.locator('circle.history-point').count()).toBe(rec.surface.points.x.length);
    expect(rec.surface.points.x.length).toBe(rec.rows.fitted);
    expect(await chart.getByTestId('process-current-point').count()).toBe(1);
    expect(await chart.getByTestId('process-recommended-point').count()).toBe(1);
    const cellValue = (i: number, j: number) =>
      chart.locator(`rect.heat-cell[data-i="${i}"][data-j="${j}"]`).getAttribute('data-value');
    expect(Number(await cellValue(3, 5))).toBe(rec.surface.mean[3]?.[5]);
    // The lowest predicted mean is drawn the darkest (viridis starts at #440154).
    const means = rec.surface.mean.flat();
    const lowest = means.indexOf(Math.min(...means));
    const nx = rec.surface.x.values.length;
    expect(
      await chart
        .locator(`rect.heat-cell[data-i="${Math.floor(lowest / nx)}"][data-j="${lowest % nx}"]`)
        .getAttribute('fill'),
    ).toBe('#440154');
    // The uncertainty view: the same cells, coloured by the sd.
    await page.getByTestId('process-layer').locator('[data-layer="sd"]').click();
    await expect.poll(() => chart.locator('svg').getAttribute('data-layer'), POLL).toBe('sd');
    expect(await chart.locator('rect.heat-cell').count()).toBe(cellCount);
    expect(Number(await cellValue(3, 5))).toBe(rec.surface.sd[3]?.[5]);
    await page.getByTestId('process-layer').locator('[data-layer="mean"]').click();
    await expect.poll(() => chart.locator('svg').getAttribute('data-layer'), POLL).toBe('mean');

    // Next trials: a row each, the controls' values as the API gives them.
    const trials = page.getByTestId('process-trials').locator('tbody tr[data-trial]');
    expect(await trials.count()).toBe(rec.nextTrials.rows.length);
    const firstTrial = rec.nextTrials.rows[0];
    if (firstTrial) {
      const cells = await trials.first().locator('td').allInnerTexts();
      expect(cells.slice(0, 3)).toEqual([
        valueText(firstTrial.values[FORCE]),
        valueText(firstTrial.values[SPEED]),
        `${valueText(firstTrial.mean)} ± ${valueText(firstTrial.sd)}`,
      ]);
      expect(cells[3]).toBe(firstTrial.why);
    }

    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.setViewportSize(VIEWPORT);
    console.info(`Process tab screenshot: ${SCREENSHOT}`);

    // Propose this change: a pending proposal of exactly the server's body, nothing written yet.
    const before = { ...process.setpoints };
    await page.getByTestId('process-propose').click();
    const link = page.getByTestId('process-proposal-link');
    await link.waitFor(POLL);
    const id = new URLSearchParams((await link.getAttribute('href'))?.slice(1)).get('proposal') ?? '';
    expect(id).toMatch(/^PR-\d{6}$/);
    const stored = (await call<{ proposal: Proposal }>('proposals.get', { id })).proposal;
    expect(stored).toMatchObject({
      status: 'pending',
      requestedBy: 'erik',
      requiredRole: 'engineer',
      operation: rec.proposal?.operation,
      input: rec.proposal?.input,
      reason: rec.proposal?.reason,
    });
    expect(process.setpoints).toEqual(before);

    // Its link opens the Approvals tab on it; the engineer approves it there.
    await link.click();
    await page.getByTestId('approvals-view').waitFor(POLL);
    const card = page.locator(`[data-testid="approval"][data-proposal="${id}"]`);
    await card.waitFor(POLL);
    expect(await card.getAttribute('class')).toContain('highlighted');
    expect(await card.getByTestId('approval-summary').innerText()).toContain('blank_holder_force');
    await card.getByTestId('approval-note').fill('trial on shift A');
    await card.getByTestId('approval-approve').click();
    await expect.poll(() => card.getAttribute('data-status'), POLL).toBe('approved');

    // The process runs at the recommendation; the audit log has the approval and the write, by the engineer.
    const recommended = Object.fromEntries(rec.controls.map((c) => [c.tag, c.recommended]));
    const changed = rec.proposal?.input['changes'] as { tag: string; value: number }[];
    expect(changed.every((c) => c.value === recommended[c.tag])).toBe(true);
    expect(process.setpoints).toEqual({
      force: changed.find((c) => c.tag === FORCE)?.value ?? before.force,
      speed: changed.find((c) => c.tag === SPEED)?.value ?? before.speed,
    });
    const audit = (await call<{ entries: AuditEntry[] }>('audit.list', { limit: 50 })).entries;
    const of = (op: string) => audit.filter((e) => e.operation === op).map((e) => [e.principal, e.outcome]);
    expect(of('proposals.create')).toEqual([[expect.stringContaining('erik'), 'ok']]);
    expect(of('proposals.approve')).toEqual([[expect.stringContaining('erik'), 'ok']]);
    expect(of(rec.proposal?.operation ?? '')).toEqual([[expect.stringContaining('erik'), 'ok']]);

    // Back on the Process tab, a new request aborts the one still fitting; the page shows the second's answer.
    // (Driven inside the page: the platform runs in this process, so a fit holds up Playwright's own commands.)
    await page.getByTestId('tab-process').click();
    const failed: string[] = [];
    const answers: number[] = [];
    page.on('requestfailed', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/process/optimize') failed.push(r.failure()?.errorText ?? '');
    });
    page.on('response', (r) => {
      if (isOptimize(r)) answers.push((r.request().postDataJSON() as { kappa: number }).kappa);
    });
    const second = page.waitForResponse(
      (r) => isOptimize(r) && (r.request().postDataJSON() as { kappa: number }).kappa === 2,
      POLL,
    );
    const states = await page.evaluate<boolean[]>(ASK_TWICE);
    expect(states).toEqual([true, false]);
    const cautious = (await (await second).json()) as ProcessRecommendation;
    await expect.poll(() => page.getByTestId('process-status').innerText(), POLL).toMatch(/^Fitted /);
    expect(failed).toEqual([expect.stringMatching(/ABORTED/)]);
    expect(answers).toEqual([2]);
    expect(await fact('predicted-recommended')).toBe(predictionText(cautious.predicted.recommended, unit));
    expect(pageErrors).toEqual([]);
  }, 300_000);
});

/** In the page: Recommend; the status line and whether the button is disabled right after. */
const ASK_ONCE = `(() => {
  const button = document.querySelector('[data-testid="process-recommend"]');
  button.click();
  return [document.querySelector('[data-testid="process-status"]').textContent, button.disabled];
})()`;

/**
 * In the page: Recommend, then 300 ms later (the fit still running) a changed caution and Recommend again; whether
 * the button was disabled while fitting, and after the form changed.
 */
const ASK_TWICE = `(async () => {
  const button = document.querySelector('[data-testid="process-recommend"]');
  const kappa = document.querySelector('[data-testid="process-kappa"]');
  button.click();
  const whileFitting = button.disabled;
  await new Promise((resolve) => setTimeout(resolve, 300));
  kappa.value = '2';
  kappa.dispatchEvent(new Event('input', { bubbles: true }));
  const afterEdit = button.disabled;
  button.click();
  return [whileFitting, afterEdit];
})()`;

function isOptimize(response: Response): boolean {
  return new URL(response.url()).pathname === '/api/v1/process/optimize';
}

function fail(message: string): never {
  throw new Error(message);
}
