/**
 * The plant view's events panel and the Models page in a real browser: the demo plant (whose backfill records
 * machine states and press 1's SPC alarms of the cold start), two model versions seeded in the registry, the page
 * built by Vite, headless Chromium. Skipped with its reason where Chromium is not installed, except under CI=true.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModelRecord } from '../../src/domain/index.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other integration tests. */
const POLL = { timeout: 20_000 } as const;
const EVENTS_SCREENSHOT = join(tmpdir(), 'gemba-plant-events.png');
const NARROW_SCREENSHOT = join(tmpdir(), 'gemba-plant-events-1024.png');
const MODELS_SCREENSHOT = join(tmpdir(), 'gemba-models.png');
const VIEWER = { width: 1440, height: 900 };
const PRESS1 = 'acme/plant1/stamping/line1/press1';

function anomalyModel(version: number, fields: Partial<ModelRecord>): ModelRecord {
  const now = Date.now();
  return {
    name: 'press1-anomaly',
    version,
    task: 'anomaly',
    algorithm: 'iforest',
    status: 'trained',
    createdAt: now - (3 - version) * 86_400_000,
    createdBy: 'anna',
    training: {
      from: now - 15 * 86_400_000,
      to: now - 8 * 86_400_000,
      assets: [PRESS1],
      tags: [`${PRESS1}/vibration_rms`, `${PRESS1}/motor_temp`],
      rows: 40_320,
    },
    features: ['vibration_rms', 'motor_temp'],
    metrics: { pr_auc: 0.8123 + version / 100, f1: 0.74, alerts_per_day: 2.5 },
    artifact: { format: 'gemba.iforest', version: 1, trees: [] },
    ...fields,
  };
}

browserSuite('events panel and models page in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-events-e2e-',
      env: { GEMBA_DEMO: 'true', GEMBA_DEMO_BACKFILL_MINUTES: '60' },
      viewport: VIEWER,
    });
    ({ page, pageErrors } = session);
    const store = session.platform.app.services.store;
    await store.createModel(anomalyModel(1, { status: 'retired' }));
    await store.createModel(
      anomalyModel(2, {
        status: 'deployed',
        deployment: {
          since: Date.now() - 86_400_000,
          by: 'anna',
          asset: PRESS1,
          inputs: { vibration_rms: `${PRESS1}/vibration_rms`, motor_temp: `${PRESS1}/motor_temp` },
          threshold: 0.65,
        },
        drift: {
          checkedAt: Date.now() - 3_600_000,
          psi: { vibration_rms: 0.31, motor_temp: 0.04 },
          level: 'significant',
          recommendation: 'vibration_rms shifted since training: retrain on the last 7 days.',
        },
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('lists press 1’s machine states and SPC alarms, filters them, and shows a new alarm live', async () => {
    const { url, adminToken } = dashboardLogin(session);
    await page.goto(`${url}/#token=${adminToken}`);
    const tree = page.getByTestId('plant-tree');
    await tree.locator('[data-asset]').first().waitFor();

    await page.getByTestId('tree-filter').fill('press1');
    await tree.locator(`[data-asset="${PRESS1}"]`).click();
    const panel = page.getByTestId('events-panel');
    await expect.poll(() => panel.locator('h2').innerText(), POLL).toMatch(/Events\s+—\s+Press 1/i);

    // The backfill recorded press 1's machine states and the alarms its flange-height chart raised in the cold start.
    const items = panel.locator('[data-testid="plant-event"], [data-testid="active-alarm"]');
    const machineStates = panel.locator('[data-kind="machine_state"]');
    const spcAlarms = panel.locator('[data-kind="alarm"][data-code^="spc."]');
    await expect.poll(() => machineStates.count(), POLL).toBeGreaterThan(0);
    await expect.poll(() => spcAlarms.count(), POLL).toBeGreaterThan(0);
    expect(await machineStates.first().locator('.ms-badge').innerText()).toMatch(
      /^(running|idle|setup|planned stop|down|off)$/i,
    );
    const spcStates = await spcAlarms.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(spcStates.every((s) => s === 'raised' || s === 'cleared')).toBe(true);

    // History is newest first.
    const times = await panel
      .locator('[data-testid="plant-event"] time')
      .evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime') ?? '')));
    expect(times.length).toBeGreaterThan(1);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // The chips: alarms only, machine states only, everything again.
    const chips = page.getByTestId('event-filters');
    const kinds = () =>
      items.evaluateAll((els) => [...new Set(els.map((el) => el.getAttribute('data-kind')))]);
    const total = await items.count();
    await chips.locator('[data-filter="alarm"]').click();
    expect(await chips.locator('[data-filter="alarm"]').getAttribute('aria-pressed')).toBe('true');
    expect(await kinds()).toEqual(['alarm']);
    await chips.locator('[data-filter="machine_state"]').click();
    expect(await kinds()).toEqual(['machine_state']);
    await chips.locator('[data-filter="all"]').click();
    expect(await items.count()).toBeGreaterThanOrEqual(total);
    expect((await kinds()).sort()).toEqual(expect.arrayContaining(['alarm', 'machine_state']));

    // A model alarm posted over the API appears at the top, among the active alarms, without a reload.
    const posted = await fetch(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            kind: 'alarm',
            ts: Date.now(),
            asset: PRESS1,
            code: 'test.alarm',
            severity: 'high',
            state: 'raised',
            message: 'anomaly on press 1: vibration',
            data: { contributions: { vibration_rms: 0.61, motor_temp: 0.22 } },
          },
        ],
      }),
    });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { accepted: number }).accepted).toBe(1);
    const live = panel.locator('[data-testid="active-alarm"][data-code="test.alarm"]');
    await expect.poll(() => live.count(), POLL).toBe(1);
    expect(await live.getAttribute('data-state')).toBe('raised');
    expect(await live.innerText()).toContain('anomaly on press 1: vibration');
    expect(await live.locator('[data-highlight="contributions"]').innerText()).toContain(
      'vibration_rms 61 %, motor_temp 22 %',
    );
    expect(await page.getByTestId('events-active-count').innerText()).toMatch(/^\d+ active alarms?$/);

    await page.screenshot({ path: EVENTS_SCREENSHOT });
    console.info(`events panel screenshot: ${EVENTS_SCREENSHOT}`);
    await page.setViewportSize({ width: 1024, height: 768 });
    await expect.poll(() => live.isVisible(), POLL).toBe(true);
    await page.screenshot({ path: NARROW_SCREENSHOT });
    await page.setViewportSize(VIEWER);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('lists the registry’s versions with metrics, deployment and drift on the Models tab', async () => {
    await page.getByTestId('tab-models').click();
    const view = page.getByTestId('models-view');
    await view.waitFor();
    expect(await page.getByTestId('plant-tree').isVisible()).toBe(false);

    const group = view.locator('[data-testid="model-group"][data-model="press1-anomaly"]');
    const versions = group.getByTestId('model-version');
    await expect.poll(() => versions.count(), POLL).toBe(2);
    expect(await versions.evaluateAll((els) => els.map((el) => el.getAttribute('data-version')))).toEqual([
      '2',
      '1',
    ]);
    const [v2, v1] = [versions.nth(0), versions.nth(1)];
    expect(await v2.getByTestId('model-status').innerText()).toMatch(/deployed/i);
    expect(await v1.getByTestId('model-status').innerText()).toMatch(/retired/i);
    expect(await v2.locator('[data-metric="pr_auc"] td').innerText()).toBe('0.8323');
    expect(await v1.locator('[data-metric="pr_auc"] td').innerText()).toBe('0.8223');
    expect(await v2.locator('[data-metric="alerts_per_day"] td').innerText()).toBe('2.5');
    expect(await v2.innerText()).toMatch(/40,320 rows/);
    expect(await v2.getByTestId('model-deployment').innerText()).toContain(PRESS1);

    // Drift: one bar per feature, the shifted one red, and the advice to retrain.
    const drift = v2.getByTestId('model-drift');
    expect(await drift.getAttribute('data-level')).toBe('significant');
    expect(
      await drift.locator('li[data-feature]').evaluateAll((els) => els.map((el) => el.dataset['feature'])),
    ).toEqual(['vibration_rms', 'motor_temp']);
    expect(await drift.locator('li[data-feature="vibration_rms"]').getAttribute('data-level')).toBe(
      'significant',
    );
    expect(await drift.locator('li[data-feature="motor_temp"]').getAttribute('data-level')).toBe('stable');
    expect(await drift.getByTestId('model-retrain').innerText()).toMatch(/retrain recommended/i);
    expect(await v1.getByTestId('model-drift').count()).toBe(0);

    await page.screenshot({ path: MODELS_SCREENSHOT, fullPage: true });
    console.info(`models page screenshot: ${MODELS_SCREENSHOT}`);
    expect(page.url()).toMatch(/view=models/);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
