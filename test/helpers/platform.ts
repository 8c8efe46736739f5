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
    llm: platform.llm,
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

/** The ISA-95 chain down to press 3 of line 1, parents first. */
export const PRESS3 = 'acme/plant1/stamping/line1/press3';
export const PRESS3_CHAIN: ReadonlyArray<readonly [path: string, level: string]> = [
  ['acme', 'enterprise'],
  ['acme/plant1', 'site'],
  ['acme/plant1/stamping', 'area'],
  ['acme/plant1/stamping/line1', 'line'],
  [PRESS3, 'equipment'],
];

/** Creates the chain to press 3 and the given tags on it, through any POST-like function. */
export async function seedPress3(
  post: (path: string, body: unknown) => Promise<{ status: number; body?: unknown }>,
  tags: ReadonlyArray<Record<string, unknown> & { name: string }>,
): Promise<string> {
  for (const [path, level] of PRESS3_CHAIN) {
    const r = await post('/assets', { path, level, name: path.split('/').pop() });
    if (r.status !== 200) throw new Error(`seed asset ${path}: ${JSON.stringify(r.body)}`);
  }
  for (const tag of tags) {
    const r = await post('/tags', { asset: PRESS3, ...tag });
    if (r.status !== 200) throw new Error(`seed tag ${tag.name}: ${JSON.stringify(r.body)}`);
  }
  return PRESS3;
}

/** Press 3 with degC tags limited to 20..80 on a test platform. */
export function seedLine(p: TestPlatform, tagNames: readonly string[] = ['oil_temp']): Promise<string> {
  return seedPress3(
    (path, body) => p.api(path, { body }),
    tagNames.map((name) => ({ name, unit: 'degC', spec: { lsl: 20, usl: 80 } })),
  );
}
