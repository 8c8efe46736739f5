/** Test helpers: a platform on free ports in a temporary data directory, and an authenticated fetch. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config.js';
import { type Platform, createPlatform } from '../../src/server/platform.js';

export interface TestPlatform extends Platform {
  readonly dataDir: string;
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null },
  ): Promise<{ status: number; body: any }>;
}

export function tempDir(prefix = 'gemba-test-'): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const dir = tempDir();
  const platform = await createPlatform(
    loadConfig({
      GEMBA_DATA_DIR: dir.path,
      GEMBA_PORT: '0',
      GEMBA_MQTT_PORT: '0',
      GEMBA_LOG_LEVEL: 'warn',
      ...env,
    }),
  );
  return {
    url: platform.url,
    adminToken: platform.adminToken,
    app: platform.app,
    mqttUrl: platform.mqttUrl,
    dataDir: dir.path,
    async api(path, init = {}) {
      const token = init.token === undefined ? platform.adminToken : init.token;
      const headers: Record<string, string> = {};
      if (token !== null && token !== undefined) headers['authorization'] = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${platform.url}/api/v1${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body !== undefined && {
          body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
        }),
      });
      return { status: response.status, body: await response.json().catch(() => undefined) };
    },
    async [Symbol.asyncDispose]() {
      await platform[Symbol.asyncDispose]();
      dir[Symbol.dispose]();
    },
  };
}

/** Creates enterprise → site → area → line → equipment and one tag per name on the equipment. */
export async function seedLine(p: TestPlatform, tagNames: readonly string[] = ['oil_temp']): Promise<string> {
  const levels = [
    ['acme', 'enterprise'],
    ['acme/plant1', 'site'],
    ['acme/plant1/stamping', 'area'],
    ['acme/plant1/stamping/line1', 'line'],
    ['acme/plant1/stamping/line1/press3', 'equipment'],
  ] as const;
  for (const [path, level] of levels) {
    const r = await p.api('/assets', { body: { path, level, name: path.split('/').pop() } });
    if (r.status !== 200) throw new Error(`seed asset ${path}: ${JSON.stringify(r.body)}`);
  }
  for (const name of tagNames) {
    const r = await p.api('/tags', {
      body: { asset: 'acme/plant1/stamping/line1/press3', name, unit: 'degC', spec: { lsl: 20, usl: 80 } },
    });
    if (r.status !== 200) throw new Error(`seed tag ${name}: ${JSON.stringify(r.body)}`);
  }
  return 'acme/plant1/stamping/line1/press3';
}
