/**
 * What the browser tests share: Debian's Chromium (skipped with its reason where it is absent, a failure under
 * CI=true), the dashboard built by Vite into a temporary folder, a platform serving it, and one page.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { build } from 'vite';
import { describe } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { type Platform, createPlatform } from '../../src/server/platform.js';

export const CHROMIUM = '/usr/bin/chromium';
const SKIP_REASON = 'Chromium not installed: apt-get install chromium';
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true';

/** `describe` where the browser can run (or must, under CI), `describe.skip` with the reason printed otherwise. */
export function browserSuite(name: string, body: () => void): void {
  if (hasChromium || inCi) {
    describe(name, body);
    return;
  }
  console.warn(`${name} skipped: ${SKIP_REASON}`);
  describe.skip(`${name} (skipped: ${SKIP_REASON})`, body);
}

export interface DashboardSession extends AsyncDisposable {
  readonly platform: Platform;
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught errors of the page so far. */
  readonly pageErrors: string[];
}

/** Builds the dashboard, starts a platform serving it with `env` on free ports, and opens a page. */
export async function openDashboard(options: {
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly viewport: { width: number; height: number };
}): Promise<DashboardSession> {
  if (!hasChromium) throw new Error(`CI=true and ${SKIP_REASON} (expected ${CHROMIUM})`);
  const dir = await mkdtemp(join(tmpdir(), options.prefix));
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await browser?.close();
    await platform?.[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const webDir = join(dir, 'web');
    await build({
      configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)),
      build: { outDir: webDir, emptyOutDir: true },
      logLevel: 'silent',
    });
    platform = await createPlatform(
      loadConfig({
        GEMBA_DATA_DIR: join(dir, 'data'),
        GEMBA_HOST: '127.0.0.1',
        GEMBA_PORT: '0',
        GEMBA_MQTT_PORT: '0',
        GEMBA_WEB_DIR: webDir,
        GEMBA_LOG_LEVEL: 'warn',
        ...options.env,
      }),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: options.viewport });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { platform, browser, page, pageErrors, [Symbol.asyncDispose]: close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The dashboard's address and the admin token of a session that started. */
export function dashboardLogin(session: DashboardSession | undefined): { url: string; adminToken: string } {
  const platform = session?.platform;
  if (!platform?.adminToken) throw new Error('the platform did not start with an admin token');
  return { url: platform.url, adminToken: platform.adminToken };
}
