/** kill -9 in the middle of appends: every sample the store acknowledged must be there after reopening. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../src/adapters/storage/duckdb/duckdb.store.js';

const child = fileURLToPath(new URL('./duckdb-kill9.child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const TAGS = 100;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'gemba-kill9-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the writer, kills it with SIGKILL `afterMs` after its first acknowledgement, returns the last count it printed. */
async function appendUntilKilled(path: string, afterMs: number): Promise<number> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, String(TAGS), String(T0)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const firstAck = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (out.includes('acked ')) resolve();
      else if (proc.exitCode !== null) reject(new Error(`writer exited early: ${err}`));
      else setTimeout(check, 5);
    };
    check();
  });
  await firstAck;
  await new Promise((r) => setTimeout(r, afterMs));
  proc.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const counts = [...out.matchAll(/^acked (\d+)$/gm)].map((m) => Number(m[1]));
  return counts.at(-1) ?? 0;
}

describe('DuckDB store under kill -9', () => {
  for (const afterMs of [150, 400, 900]) {
    it(`keeps every acknowledged sample when killed ${afterMs} ms into appending`, async () => {
      const path = join(root, `kill-${afterMs}.duckdb`);
      const acked = await appendUntilKilled(path, afterMs);
      expect(acked).toBeGreaterThan(0);

      await using store = await openDuckDbStore({ path });
      const present = new Uint8Array(acked);
      let total = 0;
      let damaged = 0;
      for (let tag = 0; tag < TAGS; tag++) {
        const samples = await store.readRaw({ tagId: tag, from: T0, to: T0 + 1e9, limit: 1e9 });
        total += samples.length;
        for (const s of samples) {
          // Sample k has ts T0 + k and value k: anything else is damage.
          if (s.value !== s.ts - T0 || s.value % TAGS !== tag) damaged++;
          else if (s.value < acked) present[s.value] = 1;
        }
      }
      expect(damaged).toBe(0);
      const missing = present.length - present.reduce((a, b) => a + b, 0);
      expect(missing, `${missing} of ${acked} acknowledged samples lost`).toBe(0);
      // Unacknowledged samples may or may not have made it, but only whole batches (a batch is one transaction).
      expect(total).toBeGreaterThanOrEqual(acked);
      expect([0, 5_000, 20_000, 150_000]).toContain(total - acked);
      // latest was committed with the samples, so it agrees with them after the crash.
      const latest = await store.latest();
      expect(latest).toHaveLength(TAGS);
      for (const l of latest) expect(l.value).toBe(l.ts - T0);
      expect(Math.max(...latest.map((l) => l.value))).toBe(total - 1);
    }, 60_000);
  }
});
