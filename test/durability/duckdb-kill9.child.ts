/**
 * The process the kill -9 test kills (run as `node --import tsx <this file> <db path> <tags> <t0>`): appends
 * batches to a DuckDB store forever and prints `acked <n>` after each append resolves, n being the samples
 * acknowledged so far. Sample k is tag k % tags, ts t0 + k, value k, so the test knows which must exist.
 */
import { openDuckDbStore } from '../../src/adapters/storage/duckdb/duckdb.store.js';
import { allocateBatch } from '../../src/domain/sample.js';

async function main(path: string, tags: number, t0: number): Promise<void> {
  // Never disposed: the test ends this process with SIGKILL, which is the point.
  const store = await openDuckDbStore({ path });
  let acked = 0;
  process.stdout.write('ready\n');
  for (let round = 0; ; round++) {
    // Sizes vary so some batches cross DuckDB's row-group size and take its direct-to-file path.
    const n = [5_000, 20_000, 150_000][round % 3] ?? 5_000;
    const cols = allocateBatch(n);
    for (let i = 0; i < n; i++) {
      const k = acked + i;
      cols.tagIds[i] = k % tags;
      cols.ts[i] = t0 + k;
      cols.values[i] = k;
    }
    await store.append({ length: n, ...cols });
    acked += n;
    // On Linux a write to a pipe is synchronous: once the parent reads this, the append had resolved.
    process.stdout.write(`acked ${acked}\n`);
  }
}

const [path, tags, t0] = process.argv.slice(2);
if (path === undefined || tags === undefined || t0 === undefined) {
  process.stderr.write('usage: duckdb-kill9.child.ts <db path> <tags> <t0>\n');
  process.exit(2);
}
await main(path, Number(tags), Number(t0));
