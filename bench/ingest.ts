/**
 * `npm run bench -- ingest [--samples N] [--http-samples N]`
 * (a) samples/s through the ingest pipeline (validate → bus → durable DuckDB appends), 10k-sample batches,
 *     four producers in flight; (b) DuckDB's own chunk appender on the same table shape, the physical
 *     reference, in the same run; (c) samples/s over HTTP with 10k-sample JSON batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../src/cli/args.js';
import { loadConfig } from '../src/server/config.js';
import { createPlatform, openCore, SYSTEM_PRINCIPAL } from '../src/server/platform.js';
import type { App } from '../src/app/registry.js';
import { measureAppenderReference } from './appender.js';
import { writeResults } from './harness.js';

const BATCH = 10_000;
const TAGS = 1_000;
const press = (i: number) => `acme/plant1/area1/line1/m${i % 10}`;

async function seed(app: App): Promise<string[]> {
  const call = (op: string, input: unknown) => app.call(op, input, SYSTEM_PRINCIPAL);
  await call('assets.create', { path: 'acme', level: 'enterprise', name: 'acme' });
  await call('assets.create', { path: 'acme/plant1', level: 'site', name: 'plant1' });
  await call('assets.create', { path: 'acme/plant1/area1', level: 'area', name: 'area1' });
  await call('assets.create', { path: 'acme/plant1/area1/line1', level: 'line', name: 'line1' });
  for (let m = 0; m < 10; m++)
    await call('assets.create', { path: press(m), level: 'equipment', name: `m${m}` });
  const paths: string[] = [];
  for (let i = 0; i < TAGS; i++) {
    await call('tags.create', { asset: press(i), name: `t${i}` });
    paths.push(`${press(i)}/t${i}`);
  }
  return paths;
}

/**
 * Batches of sample objects as a producer would hand them over: 1,000 tags at 1 Hz, 10 s per batch.
 * At most `poolSamples` objects are built; longer runs cycle over them (repeated timestamps cost the store nothing
 * extra), so a sustained run does not need gigabytes of input.
 */
function makeBatches(
  paths: readonly string[],
  total: number,
  t0: number,
  poolSamples = 1_000_000,
): object[][] {
  const pool: object[][] = [];
  for (let start = 0; start < Math.min(total, poolSamples); start += BATCH) {
    const n = Math.min(BATCH, total - start);
    const batch = new Array<object>(n);
    for (let j = 0; j < n; j++) {
      const k = start + j;
      batch[j] = {
        tag: paths[k % paths.length],
        ts: t0 + Math.floor(k / paths.length) * 1000,
        value: Math.sin(k) * 10 + 50,
      };
    }
    pool.push(batch);
  }
  const batches: object[][] = [];
  for (let done = 0, i = 0; done < total; i++) {
    const batch = pool[i % pool.length] ?? [];
    batches.push(batch);
    done += batch.length;
  }
  return batches;
}

async function runConcurrent<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const total = Number(args.flags['samples'] ?? 20_000_000);
  const httpTotal = Number(args.flags['httpSamples'] ?? 2_000_000);
  const work = mkdtempSync(join(tmpdir(), 'gemba-bench-ingest-'));
  try {
    // (a) the pipeline
    let pipelineRate: number;
    {
      await using core = await openCore({
        dataDir: join(work, 'pipeline'),
        ingest: loadConfig({}).ingest,
        clock: { now: () => Date.now() },
      });
      const paths = await seed(core.app);
      const batches = makeBatches(paths, total, Date.parse('2026-01-01T00:00:00Z'));
      const t = performance.now();
      await runConcurrent(batches, 4, async (b) => {
        const r = await core.app.services.ingest.ingestSamples(b, 'bench');
        if (r.rejected > 0) throw new Error(`bench batch rejected: ${JSON.stringify(r.errors[0])}`);
      });
      pipelineRate = total / ((performance.now() - t) / 1000);
      console.log(`pipeline: ${Math.round(pipelineRate).toLocaleString()} samples/s`);
    }
    // (b) the physical reference
    const appenderRate = await measureAppenderReference(total);
    console.log(`DuckDB chunk appender: ${Math.round(appenderRate).toLocaleString()} samples/s`);

    // (c) HTTP with 10k-sample batches, four requests in flight
    let httpRate: number;
    {
      await using platform = await createPlatform(
        loadConfig({
          GEMBA_DATA_DIR: join(work, 'http'),
          GEMBA_PORT: '0',
          GEMBA_MQTT_ENABLED: 'false',
          GEMBA_LOG_LEVEL: 'warn',
        }),
      );
      const paths = await seed(platform.app);
      const bodies = makeBatches(paths, httpTotal, Date.parse('2026-01-01T00:00:00Z')).map((samples) =>
        JSON.stringify({ samples }),
      );
      const t = performance.now();
      await runConcurrent(bodies, 4, async (body) => {
        const r = await fetch(`${platform.url}/api/v1/samples`, {
          method: 'POST',
          headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' },
          body,
        });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      });
      httpRate = httpTotal / ((performance.now() - t) / 1000);
      console.log(`HTTP: ${Math.round(httpRate).toLocaleString()} samples/s`);
    }

    await writeResults('ingest', {
      ours: {
        samples_per_s: Math.round(pipelineRate),
        http_samples_per_s: Math.round(httpRate),
        ratio_to_appender: Number((pipelineRate / appenderRate).toFixed(3)),
      },
      peers: { duckdb_chunk_appender: { samples_per_s: Math.round(appenderRate) } },
      targets: {
        samples_per_s: '>= 1,000,000 sustained (through the pipeline)',
        http_samples_per_s: '>= 300,000 with 10k-sample batches',
      },
      notes: [
        `${total.toLocaleString()} samples through the pipeline (10k-sample batches of sample objects, 4 producers in flight, ${TAGS} tags); each acknowledged batch is durable. The reference appends the same number of samples.`,
        `${httpTotal.toLocaleString()} samples over HTTP (JSON bodies of 10k samples, 4 requests in flight, loopback).`,
        "The reference is DuckDB's own chunk appender writing the same 4-column table to a fresh file, measured in the same run.",
      ],
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
