/**
 * The Ask tab in a real browser: the platform with its demo plant, the page built by Vite, headless Chromium. The
 * empty transcript offers example questions; a question about press 3's oil temperature is answered from the plant's
 * data with a numbered source whose link opens the plant view on that tag; a request to change something is declined
 * and reads quietly. Skipped with its reason where Chromium is not installed, except under CI=true.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the first question loads the sentence encoder, and the suite shares two cores. */
const ANSWER = { timeout: 30_000 } as const;
const POLL = { timeout: 20_000 } as const;
const SCREENSHOT = '/tmp/assistant-panel.png';
const VIEWER = { width: 1440, height: 900 };
const PRESS3 = 'acme/plant1/stamping/line1/press3';
const OIL_TEMP_QUESTION = 'What is the oil temperature on press 3 right now?';

browserSuite('the Ask tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-assistant-e2e-',
      env: { GEMBA_DEMO: 'true' },
      viewport: VIEWER,
    });
    ({ page, pageErrors } = session);
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('answers with sources that open the plant view, says how, and declines a change quietly', async () => {
    const { url, adminToken } = dashboardLogin(session);
    const platform = (session ?? fail('the platform did not start')).platform;
    const { tags } = (await platform.app.call('tags.list', { under: PRESS3 }, SYSTEM_PRINCIPAL)) as {
      tags: { path: string; asset: string; name: string }[];
    };
    const oilTemp =
      tags.find((t) => t.asset === PRESS3 && t.name === 'oil_temp') ?? fail('no press 3 oil_temp');

    await page.goto(`${url}/#token=${adminToken}`);
    await page.getByTestId('plant-tree').locator('[data-asset]').first().waitFor();
    await page.getByTestId('tab-ask').click();
    const view = page.getByTestId('assistant-view');
    await view.waitFor();
    expect(await page.getByTestId('plant-tree').isVisible()).toBe(false);
    expect(page.url()).toMatch(/view=ask/);

    // An empty transcript offers examples; the question box has the focus.
    const examples = page.getByTestId('assistant-examples').locator('[data-question]');
    expect(await examples.allInnerTexts()).toContain(OIL_TEMP_QUESTION);
    const input = page.getByTestId('assistant-question');
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe(
      'assistant-question',
    );

    // Enter sends: the question joins the transcript at once, the box waits, the answer follows under it.
    await input.fill(OIL_TEMP_QUESTION);
    await input.press('Enter');
    const turns = page.getByTestId('assistant-turn');
    await expect.poll(() => turns.count(), POLL).toBe(1);
    expect(await turns.first().getByTestId('assistant-asked').innerText()).toBe(OIL_TEMP_QUESTION);
    expect(await page.getByTestId('assistant-examples').count()).toBe(0);
    const answer = turns.first().getByTestId('assistant-answer');
    await answer.waitFor(ANSWER);
    expect(await input.isEnabled()).toBe(true);
    expect(await input.inputValue()).toBe('');
    const text = await answer.getByTestId('assistant-text').innerText();
    expect(text).toContain('Press 3 oil_temp');
    expect(text).toMatch(/oil_temp is -?\d[\d,]*(\.\d+)? degC/);
    expect(await answer.getAttribute('data-declined')).toBe('false');
    expect(await answer.getAttribute('data-intent')).toBe('latest_value');

    // Its source: a numbered link to the trend of press 3's oil temperature over a window that shows the reading.
    const sources = answer.getByTestId('assistant-sources').locator('li');
    expect(await sources.count()).toBe(1);
    const source = sources.first().locator('a');
    expect(await source.innerText()).toContain(oilTemp.path);
    const href = (await source.getAttribute('href')) ?? fail('the source has no link');
    const target = new URLSearchParams(href.replace(/^#/, ''));
    expect(target.get('tag')).toBe(oilTemp.path);
    expect(target.get('asset')).toBe(PRESS3);
    expect(target.get('window')).toBe('15m');

    // How it was answered: folded; open, the tool calls with their durations, and the confidence.
    const how = answer.getByTestId('assistant-how');
    expect(await how.locator('li[data-tool]').first().isVisible()).toBe(false);
    await how.locator('summary').click();
    const calls = await how.locator('li[data-tool]').allInnerTexts();
    expect(calls).toEqual(expect.arrayContaining([expect.stringMatching(/^samples\.latest · \d+ ms · ok$/)]));
    expect(await how.locator('summary').innerText()).toMatch(/\d+ tool calls? · confidence \d+ %/);

    // A request to change the plant: declined, in muted type, without sources.
    await input.fill('Create a work order for press 3');
    await input.press('Enter');
    await expect.poll(() => turns.count(), POLL).toBe(2);
    const declined = turns.nth(1).getByTestId('assistant-answer');
    await declined.waitFor(ANSWER);
    expect(await declined.getAttribute('data-declined')).toBe('true');
    expect(await declined.getAttribute('class')).toContain('declined');
    expect(await declined.innerText()).toMatch(/do not change anything/);
    expect(await declined.getByTestId('assistant-sources').count()).toBe(0);
    const answerColor = (turn: number) =>
      colorOf(page, `.assistant-turn:nth-child(${turn}) > .assistant-answer`);
    expect(await answerColor(2)).not.toBe(await answerColor(1));
    expect(await answerColor(2)).toBe(
      await colorOf(page, '[data-testid="assistant-view"] .models-head .muted'),
    );

    await page.screenshot({ path: SCREENSHOT });
    console.info(`Ask tab screenshot: ${SCREENSHOT}`);

    // Following the source shows the plant view with that tag charted.
    await source.click();
    await expect.poll(() => page.getByTestId('plant-tree').isVisible(), POLL).toBe(true);
    expect(await view.isVisible()).toBe(false);
    const chart = page.getByTestId('trend-chart');
    await expect.poll(() => chart.getAttribute('data-tag'), POLL).toBe(oilTemp.path);
    expect(await chart.getAttribute('data-window')).toBe('15m');
    expect(await page.getByTestId('tab-plant').getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toMatch(new RegExp(`tag=${oilTemp.path}`));

    // Back on the Ask tab the transcript is still there.
    await page.getByTestId('tab-ask').click();
    expect(await turns.count()).toBe(2);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

/** The computed text colour of the first element matching `selector`. */
function colorOf(page: Page, selector: string): Promise<unknown> {
  return page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).color`);
}

function fail(message: string): never {
  throw new Error(message);
}
