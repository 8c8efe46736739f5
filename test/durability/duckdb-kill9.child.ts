/**
 * The process the kill -9 test kills: appends batches to a DuckDB store forever and prints
 * `acked <n>` after each append resolves, n being the samples acknowledged so far.
 * Sample k is tag k % TAGS, ts T0 + k, value k, so the test can tell exactly which samples must exist.
 */
import { openDuckDbStore } from '../../src/adapters/storage/duckdb/duckdb.store.js';
import { allocateBatch } from '../../src/domain/sample.js';

export const TAGS = 100;
export const T0 = Date.parse('2026-03-02T00:00:00Z');

async function main(path: string): Promise<void> {
  const store = await openDuckDbStore({ path });
  let acked = 0;
  process.stdout.write('ready\n');
  for (let round = 0; ; round++) {
    // Sizes vary so some batches cross DuckDB's row-group size and take its direct-to-file path.
    const n = [5_000, 20_000, 150_000][round % 3] ?? 5_000;
    const cols = allocateBatch(n);
    for (let i = 0; i < n; i++) {
      const k = acked + i;
      cols.tagIds[i] = k % TAGS;
      cols.ts[i] = T0 + k;
      cols.values[i] = k;
    }
    await store.append({ length: n, ...cols });
    acked += n;
    // On Linux a write to a pipe is synchronous: once the parent reads this, the append had resolved.
    process.stdout.write(`acked ${acked}\n`);
  }
}

const path = process.argv[2];
if (path !== undefined) await main(path);
