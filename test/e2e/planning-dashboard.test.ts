/**
 * The Planning tab in a real browser: the platform with its demo plant (twelve orders solved into the active
 * schedule at start), a rescheduling proposal made through the API for press 3 going down, the page built by Vite,
 * headless Chromium. A viewer is refused the decision with the server's message; an admin's approval makes the
 * proposal the active schedule. Skipped with its reason where Chromium is not installed, except under CI=true.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DashboardSession, browserSuite, dashboardLogin, openDashboard } from './browser.js';

/** Generous: the suite shares two cores with the other integration tests. */
const POLL = { timeout: 20_000 } as const;
const SCREENSHOT = '/tmp/planning.png';
const SCREENSHOT_APPROVED = '/tmp/planning-approved.png';
const VIEWER = { width: 1440, height: 900 };
const TALL = { width: 1440, height: 1900 };
const PRESS1 = 'acme/plant1/stamping/line1/press1';
const PRESS3 = 'acme/plant1/stamping/line1/press3';

interface ScheduleBody {
  readonly schedule: {
    readonly id: string;
    readonly status: string;
    readonly baseId?: string;
    readonly changes?: readonly { order: string; operation: string; kind: string }[];
    readonly operations: readonly { machine: string }[];
  };
}

browserSuite('the Planning tab in Chromium', () => {
  let session: DashboardSession | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openDashboard({
      prefix: 'gemba-planning-e2e-',
      env: { GEMBA_DEMO: 'true' },
      viewport: VIEWER,
    });
    ({ page, pageErrors } = session);
  }, 180_000);

  afterAll(async () => {
    await session?.[Symbol.asyncDispose]();
  });

  it('shows the active schedule’s Gantt and a proposal’s changes, refuses a viewer, and approves for an admin', async () => {
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
      return { status: response.status, body: await response.json() };
    };

    // The demo solved its orders into the active schedule; press 3 has work in it.
    const active = await api('/schedule', { token: adminToken });
    expect(active.status).toBe(200);
    const base = (active.body as ScheduleBody).schedule;
    expect(base.operations.some((o) => o.machine === PRESS3)).toBe(true);

    // Press 3 down for the next hour: a repair is proposed (TimeArg has no "now+1h", so the end is epoch ms).
    const proposed = await api('/schedule/reschedule', {
      token: adminToken,
      body: { kind: 'machine_down', asset: PRESS3, from: 'now', to: Date.now() + 3_600_000, timeLimit: 1 },
    });
    expect(proposed.status).toBe(200);
    const proposal = (proposed.body as ScheduleBody).schedule;
    expect(proposal.status).toBe('proposed');
    expect(proposal.baseId).toBe(base.id);
    const changes = proposal.changes ?? [];
    expect(changes.length, 'press 3 had work in the next hour').toBeGreaterThan(0);

    await page.goto(`${url}/#token=${adminToken}`);
    await page.getByTestId('plant-tree').locator('[data-asset]').first().waitFor();
    // The tab counts the proposals waiting (the simulated press 3 may have gone down itself and proposed one too).
    const count = page.getByTestId('planning-proposal-count');
    await expect.poll(async () => Number(await count.innerText()), POLL).toBeGreaterThanOrEqual(1);

    await page.getByTestId('tab-planning').click();
    const view = page.getByTestId('planning-view');
    await view.waitFor();
    expect(await page.getByTestId('plant-tree').isVisible()).toBe(false);

    // The header: the active schedule's id and figures; its Gantt, a lane per machine of the plan.
    const activeId = page.getByTestId('active-schedule-id');
    await expect.poll(() => activeId.innerText(), POLL).toBe(base.id);
    const facts = page.getByTestId('active-schedule-facts');
    expect(await facts.locator('[data-fact="makespan"]').innerText()).toMatch(/^\d[\d,.]* min$/);
    expect(await facts.locator('[data-fact="tardiness"]').innerText()).toMatch(/^\d[\d,.]* min$/);
    expect(await page.getByTestId('active-schedule').innerText()).toMatch(/created .+ by /);
    const gantt = page.getByTestId('active-gantt').locator('svg');
    await gantt.waitFor(POLL);
    expect(await gantt.isVisible()).toBe(true);
    const machines = new Set(base.operations.map((o) => o.machine));
    expect(await gantt.locator('rect.lane').count()).toBe(machines.size);
    expect(await gantt.locator('rect.bar').count()).toBe(base.operations.length);
    expect(await gantt.locator(`rect.lane[data-row="${PRESS3}"]`).count()).toBe(1);
    // The SVG's patterns were renamed for the page; the bars' setup hatching still points at one that exists.
    const dangling = await gantt.evaluate((svg) =>
      [...svg.querySelectorAll('[fill^="url(#"]')]
        .map((el) => /url\(#([^)]+)\)/.exec(el.getAttribute('fill') ?? '')?.[1] ?? '')
        .filter((id) => !svg.querySelector(`[id="${id}"]`)),
    );
    expect(dangling).toEqual([]);

    // The proposal's card: the trigger with the machine's path shortened, the objective, a row per change.
    const card = page.locator(`[data-testid="proposal"][data-schedule="${proposal.id}"]`);
    await card.waitFor(POLL);
    expect(await card.getByTestId('proposal-trigger').innerText()).toMatch(
      /^…\/press3 unavailable (\d\d-\d\d )?\d\d:\d\d – (\d\d-\d\d )?\d\d:\d\d \(UTC\)$/,
    );
    expect(await card.getByTestId('proposal-objective').innerText()).toMatch(
      /^\d[\d,.]* → \d[\d,.]* min [−+±]/,
    );
    const rows = card.getByTestId('proposal-changes').locator('tbody tr');
    expect(await rows.count()).toBe(changes.length);
    const first = await rows.first().locator('td').allInnerTexts();
    expect(first[0]).toMatch(/^SO-\d+$/);
    expect(first[4], 'to: machine (last segment) and UTC times').toMatch(/^[\w-]+ (\d\d-\d\d )?\d\d:\d\d–/);
    expect(first[4]).not.toContain('/');

    // Its own Gantt on demand: press 3's downtime greyed, the changed operations outlined.
    await card.getByTestId('proposal-show-gantt').click();
    const proposalGantt = card.getByTestId('proposal-gantt').locator('svg');
    await proposalGantt.waitFor(POLL);
    expect(await proposalGantt.locator('g.unavailable rect.window').count()).toBe(1);
    expect(await proposalGantt.locator('rect.bar.moved, rect.bar.added').count()).toBeGreaterThan(0);

    // The page scrolls inside its view: a viewport tall enough for all of it makes the screenshot show all of it.
    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT });
    await page.setViewportSize(VIEWER);
    console.info(`Planning tab screenshot: ${SCREENSHOT}`);

    // A viewer may look, not decide: the server's 403 message shows on the card, and nothing changes.
    const made = await api('/tokens', { token: adminToken, body: { name: 'e2e-viewer', role: 'viewer' } });
    expect(made.status).toBe(200);
    const viewerToken = (made.body as { token: string }).token;
    const other = await (session ?? fail()).browser.newContext({ viewport: VIEWER });
    try {
      const viewerPage = await other.newPage();
      await viewerPage.goto(`${url}/#token=${viewerToken}`);
      await viewerPage.getByTestId('tab-planning').click();
      const viewerCard = viewerPage.locator(`[data-testid="proposal"][data-schedule="${proposal.id}"]`);
      await viewerCard.waitFor(POLL);
      await viewerCard.getByTestId('proposal-approve').click();
      const refusal = viewerCard.getByTestId('proposal-error');
      await refusal.waitFor(POLL);
      expect(await refusal.innerText()).toMatch(/planner|permission|role/i);
      expect(await viewerCard.getByTestId('proposal-approve').isEnabled()).toBe(true);
      expect(await viewerPage.getByTestId('active-schedule-id').innerText()).toBe(base.id);
    } finally {
      await other.close();
    }

    // The admin approves with a note: the proposal becomes the active schedule and leaves the list.
    await card.locator('input.proposal-note').fill('press 3 bearing, approved in the e2e test');
    await card.getByTestId('proposal-approve').click();
    await expect.poll(() => activeId.innerText(), POLL).toBe(proposal.id);
    await expect.poll(() => card.count(), POLL).toBe(0);
    expect(await facts.innerText()).toContain('approved in the e2e test');
    const now = await api('/schedule', { token: adminToken });
    expect((now.body as ScheduleBody).schedule.id).toBe(proposal.id);
    await page.setViewportSize(TALL);
    await page.screenshot({ path: SCREENSHOT_APPROVED });
    await page.setViewportSize(VIEWER);

    // A reload keeps the view.
    expect(page.url()).toMatch(/view=planning/);
    await page.reload();
    await expect.poll(() => activeId.innerText(), POLL).toBe(proposal.id);

    // Press 1 goes down: the live rescheduler proposes a repair and says so in a note, which the stream pushes; the
    // card appears well before the page's 30 s poll (the reload just restarted it).
    const downAt = Date.now();
    const down = await api('/events', {
      token: adminToken,
      body: {
        events: [
          { kind: 'machine_state', ts: downAt, asset: PRESS1, state: 'down', reason: 'bearing_overheat' },
        ],
      },
    });
    expect(down.status).toBe(200);
    const live = page.getByTestId('proposal').getByTestId('proposal-trigger');
    await expect
      .poll(() => live.allInnerTexts(), { timeout: 15_000 })
      .toContainEqual(
        expect.stringMatching(/^…\/press1 went down \(bearing_overheat\) with \d+ operation\(s\)/),
      );
    expect(Date.now() - downAt).toBeLessThan(25_000);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

function fail(): never {
  throw new Error('Chromium did not start');
}
