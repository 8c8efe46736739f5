/**
 * `npm run bench -- query [--runs N] [--days N]`:
 * (a) 30 days of one 1 Hz tag (2,592,000 samples) in a file database, downsampled to 1,000 buckets;
 * (b) the latest value of each of 10,000 tags;
 * (c) the reference: the same questions as plain SQL on DuckDB, same file, same run, so the adapter's
 *     overhead shows.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore } from '../src/adapters/storage/duckdb/duckdb.store.js';
import { UnexpectedError } from '../src/domain/errors.js';
import { allocateBatch } from '../src/domain/sample.js';
import { numberFlag, summarise, time, writeResults } from './harness.js';

const dbPath = fileURLToPath(new URL('./.work/query.duckdb', import.meta.url));
const T0 = Date.parse('2026-01-01T00:00:00Z');
const BUCKETS = 1_000;
const LATEST_TAGS = 10_000;
/** The 10,000 tags of (b) get ids above the 1 Hz tag's, and 10 samples each. */
const FIRST_LATEST_TAG = 1_000;

async function build(days: number): Promise<{ tagId: number; samples: number }> {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  await using store = await openDuckDbStore({ path: dbPath });
  await store.createAsset({ path: 'acme', level: 'enterprise', name: 'ACME' });
  const tag = await store.createTag({ path: 'acme/oil_temp', asset: 'acme', name: 'oil_temp', unit: 'degC' });
  const samples = days * 86_400;
  const size = 100_000;
  const batch = allocateBatch(size);
  const t = performance.now();
  for (let start = 0; start < samples; start += size) {
    const n = Math.min(size, samples - start);
    for (let i = 0; i < n; i++) {
      const k = start + i;
      batch.tagIds[i] = tag.id;
      batch.ts[i] = T0 + k * 1000;
      // A daily cycle plus deterministic noise; every 1000th sample bad, so the quality logic is exercised.
      batch.values[i] = 45 + 5 * Math.sin((2 * Math.PI * k) / 86_400) + ((k * 7919) % 1000) / 1000;
      batch.quality[i] = k % 1000 === 999 ? 2 : 0;
    }
    await store.append({ ...batch, length: n });
  }
  const latest = allocateBatch(LATEST_TAGS * 10);
  for (let i = 0; i < LATEST_TAGS * 10; i++) {
    latest.tagIds[i] = FIRST_LATEST_TAG + (i % LATEST_TAGS);
    latest.ts[i] = T0 + Math.floor(i / LATEST_TAGS) * 1000;
    latest.values[i] = i;
  }
  await store.append({ ...latest, length: LATEST_TAGS * 10 });
  console.log(
    `built ${samples.toLocaleString()} + ${(LATEST_TAGS * 10).toLocaleString()} samples in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  return { tagId: tag.id, samples };
}

/** The bucket query as one would write it by hand against DuckDB, values inlined, rows read into JS. */
function referenceBucketSql(tagId: number, from: number, to: number, bucketMs: number): string {
  return `SELECT (ts // ${bucketMs}) * ${bucketMs} AS bucket, count(v) AS n, min(v) AS lo, max(v) AS hi,
    avg(v) AS mean, arg_max(v, ts) AS last, max(quality) AS worst
  FROM (SELECT ts, quality, CASE WHEN quality < 2 THEN value END AS v
        FROM samples WHERE tag_id = ${tagId} AND ts >= ${from} AND ts < ${to})
  GROUP BY bucket HAVING n > 0 ORDER BY bucket`;
}

const referenceLatestSql = `SELECT tag_id, max(ts) AS ts, arg_max(value, ts) AS value, arg_max(quality, ts) AS quality
  FROM samples WHERE tag_id >= ${FIRST_LATEST_TAG} AND tag_id < ${FIRST_LATEST_TAG + LATEST_TAGS} GROUP BY tag_id`;

export async function run(args: string[]): Promise<void> {
  const runs = numberFlag(args, 'runs', 20);
  const days = numberFlag(args, 'days', 30);
  const { tagId, samples } = await build(days);
  const from = T0;
  const to = T0 + days * 86_400_000;
  const bucketMs = (to - from) / BUCKETS;
  const latestIds = Array.from({ length: LATEST_TAGS }, (_, i) => FIRST_LATEST_TAG + i);

  // (c) the reference, on the same file, with the store closed.
  let refBuckets: number[];
  let refLatest: number[];
  {
    const instance = await DuckDBInstance.create(dbPath);
    const connection = await instance.connect();
    try {
      const sql = referenceBucketSql(tagId, from, to, bucketMs);
      const check = await connection.runAndReadAll(sql);
      if (check.currentRowCount !== BUCKETS)
        throw new UnexpectedError(`reference returned ${check.currentRowCount} buckets`);
      refBuckets = await time(runs, async () => (await connection.runAndReadAll(sql)).getRows());
      refLatest = await time(runs, async () =>
        (await connection.runAndReadAll(referenceLatestSql)).getRows(),
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  // (a), (b) through the store.
  const openStart = performance.now();
  await using store = await openDuckDbStore({ path: dbPath });
  const openMs = performance.now() - openStart;
  const buckets = await store.readBuckets({ tagId, from, to, bucketMs });
  if (buckets.length !== BUCKETS) throw new UnexpectedError(`the store returned ${buckets.length} buckets`);
  const latest = await store.latest(latestIds);
  if (latest.length !== LATEST_TAGS)
    throw new UnexpectedError(`the store returned ${latest.length} latest values`);
  const ourBuckets = await time(runs, () => store.readBuckets({ tagId, from, to, bucketMs }));
  const ourLatest = await time(runs, () => store.latest(latestIds));
  const ourRaw = await time(runs, () => store.readRaw({ tagId, from, to: from + 3_600_000, limit: 10_000 }));

  const b = summarise(ourBuckets);
  const l = summarise(ourLatest);
  const r = summarise(ourRaw);
  const rb = summarise(refBuckets);
  const rl = summarise(refLatest);
  console.log(
    `buckets: store median ${b.median} ms (p95 ${b.p95}); plain SQL median ${rb.median} ms (p95 ${rb.p95})`,
  );
  console.log(
    `latest of ${LATEST_TAGS}: store median ${l.median} ms (p95 ${l.p95}); plain SQL median ${rl.median} ms (p95 ${rl.p95})`,
  );
  console.log(
    `raw 1 h (3,600 samples): median ${r.median} ms; open with latest load: ${openMs.toFixed(1)} ms`,
  );

  await writeResults('query', {
    ours: {
      buckets_30d_to_1000_median_ms: b.median,
      buckets_30d_to_1000_p95_ms: b.p95,
      latest_10k_tags_median_ms: l.median,
      latest_10k_tags_p95_ms: l.p95,
      raw_1h_3600_samples_median_ms: r.median,
      open_store_ms: Math.round(openMs * 10) / 10,
    },
    peers: {
      'DuckDB plain SQL': {
        buckets_30d_to_1000_median_ms: rb.median,
        buckets_30d_to_1000_p95_ms: rb.p95,
        latest_10k_tags_median_ms: rl.median,
        latest_10k_tags_p95_ms: rl.p95,
      },
    },
    targets: {
      buckets_30d_to_1000_median_ms: '< 100',
      latest_10k_tags_median_ms: '< 50',
    },
    notes: [
      `${samples.toLocaleString()} samples of one 1 Hz tag (${days} days, every 1000th bad) plus 10 samples each of ${LATEST_TAGS.toLocaleString()} more tags, in one DuckDB file (bench/.work/query.duckdb).`,
      `${runs} timed runs after 2 warm-up runs; times are wall clock per call, results read into JS objects.`,
      'The plain-SQL reference runs the same aggregation (bad samples excluded, arg_max for last) on a connection of its own to the same file, and computes latest with arg_max over the sample table; the store answers latest from its in-memory index (persisted through a latest log written in the transaction of each append).',
    ],
  });
}
