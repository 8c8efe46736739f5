/** The layer rules of DESIGN.md hold because lint refuses to break them; this checks that lint really does. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const forbidden = [
  "import { readFileSync } from 'node:fs';",
  "import { DuckDBInstance } from '@duckdb/node-api';",
  "import { openDuckDbStore } from '../adapters/storage/duckdb/duckdb.store.js';",
  "import { createPlatform } from '../server/platform.js';",
].join('\n');

describe('architecture rules (eslint.config.js)', () => {
  it('refuse node:*, drivers, adapters and the server in the core', async () => {
    const found = await ruleIds('src/app/registry.ts', `${forbidden}\nexport const x = [process.env];\n`);
    expect(found.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(4);
    expect(found.some((m) => m.startsWith('no-restricted-globals'))).toBe(true);
    const domain = await ruleIds(
      'src/domain/asset.ts',
      "import { App } from '../app/registry.js';\nexport const a = App;\n",
    );
    expect(domain.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  }, 60_000);

  it('refuse app, server and cli in adapters, and allow their own library there', async () => {
    const found = await ruleIds(
      'src/adapters/storage/duckdb/rows.ts',
      "import { DuckDBInstance } from '@duckdb/node-api';\nimport { App } from '../../../app/registry.js';\nexport const x = [DuckDBInstance, App];\n",
    );
    expect(found.filter((m) => m.startsWith('no-restricted-imports'))).toEqual([
      expect.stringContaining("'../../../app/registry.js' import is restricted"),
    ]);
  }, 60_000);
});
