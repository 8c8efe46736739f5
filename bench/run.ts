/**
 * `npm run bench -- <suite> [--flags]`: runs bench/<suite>.ts, a module exporting `run(args)`.
 * An unknown or missing suite prints the suites there are and exits with code 2.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Suite = (args: string[]) => Promise<void>;

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const NOT_SUITES = new Set(['run', 'harness']);

async function loadSuite(name: string): Promise<Suite | undefined> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || NOT_SUITES.has(name)) return undefined;
  const files = await readdir(benchDir);
  if (!files.includes(`${name}.ts`)) return undefined;
  const mod: unknown = await import(`./${name}.ts`);
  return isSuiteModule(mod) ? mod.run : undefined;
}

function isSuiteModule(mod: unknown): mod is { run: Suite } {
  return typeof mod === 'object' && mod !== null && 'run' in mod && typeof mod.run === 'function';
}

async function listSuites(): Promise<string[]> {
  const names = (await readdir(benchDir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3));
  const suites: string[] = [];
  for (const name of names.sort()) if ((await loadSuite(name)) !== undefined) suites.push(name);
  return suites;
}

const [name = '', ...args] = process.argv.slice(2);
const suite = await loadSuite(name);
if (suite === undefined) {
  console.error(
    `${name === '' ? 'no suite given' : `unknown suite "${name}"`}; suites: ${(await listSuites()).join(', ')}`,
  );
  console.error('usage: npm run bench -- <suite> [--flags]');
  process.exit(2);
}
await suite(args);
