import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSampleStore } from '../../../../test/contracts/sample-store.contract.js';
import { allocateBatch, QUALITY_CODE, type SampleBatch } from '../../../domain/sample.js';
import { openDuckDbStore } from './duckdb.store.js';

const root = mkdtempSync(join(tmpdir(), 'gemba-duckdb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
/** A fresh database path in a folder that does not exist yet (the store creates it). */
const freshPath = () => join(root, `db${++files}`, 'gemba.duckdb');

describeSampleStore('DuckDB file', () => openDuckDbStore({ path: freshPath(), threads: 2 }), {
  reopen: (closed) => openDuckDbStore({ path: closed.path, threads: 2 }),
});
describeSampleStore('DuckDB in memory', () => openDuckDbStore({ path: ':memory:', threads: 2 }));

function batch(rows: ReadonlyArray<readonly [number, number, number]>): SampleBatch {
  const cols = allocateBatch(rows.length);
  rows.forEach(([tagId, ts, value], i) => {
    cols.tagIds[i] = tagId;
    cols.ts[i] = ts;
    cols.values[i] = value;
    cols.quality[i] = QUALITY_CODE.good;
  });
  return { length: rows.length, ...cols };
}

describe('DuckDB store specifics', () => {
  it('creates the parent folder and one database file', async () => {
    const path = freshPath();
    {
      await using store = await openDuckDbStore({ path });
      expect(store.path).toBe(path);
    }
    expect(existsSync(path)).toBe(true);
  });

  it('refuses to open a file twice in one process (DuckDB would allow it and corrupt the file)', async () => {
    const path = freshPath();
    await using _store = await openDuckDbStore({ path });
    await expect(openDuckDbStore({ path })).rejects.toMatchObject({
      kind: 'operational',
      code: 'unavailable',
    });
  });

  it('wraps a DuckDB failure as storage_failed, keeping the cause', async () => {
    const path = join(root, 'not-a-database.duckdb');
    writeFileSync(path, 'this is not a DuckDB file, it is long enough to have a header '.repeat(100));
    const error: unknown = await openDuckDbStore({ path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'operational', code: 'storage_failed' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    // A failed open releases the path.
    rmSync(path);
    await using store = await openDuckDbStore({ path });
    expect(await store.latest()).toEqual([]);
  });

  it('refuses a batch it cannot store faithfully and writes none of it', async () => {
    await using store = await openDuckDbStore({ path: ':memory:' });
    const cases: Array<[string, SampleBatch]> = [
      [
        'fractional ts',
        batch([
          [1, 1000, 1],
          [1, 1000.5, 2],
        ]),
      ],
      [
        'negative ts',
        batch([
          [1, 1000, 1],
          [1, -1, 2],
        ]),
      ],
      [
        'NaN value',
        batch([
          [1, 1000, 1],
          [1, 2000, Number.NaN],
        ]),
      ],
      [
        'infinite value',
        batch([
          [1, 1000, 1],
          [1, 2000, Infinity],
        ]),
      ],
      [
        'negative tag id',
        batch([
          [1, 1000, 1],
          [-5, 2000, 1],
        ]),
      ],
      ['quality code 3', { ...batch([[1, 1000, 1]]), quality: Uint8Array.of(3) }],
    ];
    for (const [what, b] of cases) {
      await expect(store.append(b), what).rejects.toMatchObject({ code: 'invalid_input' });
    }
    expect(await store.readRaw({ tagId: 1, from: 0, to: 1e13, limit: 10 })).toEqual([]);
    expect(await store.latest()).toEqual([]);
  });

  it('rolls a failed append back whole, leaving samples and latest as they were', async () => {
    const path = freshPath();
    {
      await using store = await openDuckDbStore({ path });
      await store.append(batch([[1, 1000, 1]]));
      // Make DuckDB itself fail the next append: its target table is gone (reached through a private field,
      // the one way to break DuckDB on purpose from outside).
      const writer = (store as unknown as { writer: { run(sql: string): Promise<unknown> } }).writer;
      await writer.run('ALTER TABLE samples RENAME TO samples_moved');
      await expect(
        store.append(
          batch([
            [1, 5000, 5],
            [2, 5000, 5],
          ]),
        ),
      ).rejects.toMatchObject({
        kind: 'operational',
        code: 'storage_failed',
      });
      await writer.run('ALTER TABLE samples_moved RENAME TO samples');
      expect(await store.latest()).toEqual([{ tagId: 1, ts: 1000, value: 1, quality: 'good' }]);
      expect(await store.readRaw({ tagId: 2, from: 0, to: 1e6, limit: 10 })).toEqual([]);
      // The store keeps working after the failure.
      await store.append(batch([[1, 3000, 3]]));
    }
    await using again = await openDuckDbStore({ path });
    expect(await again.latest()).toEqual([{ tagId: 1, ts: 3000, value: 3, quality: 'good' }]);
    expect((await again.readRaw({ tagId: 1, from: 0, to: 1e6, limit: 10 })).map((x) => x.ts)).toEqual([
      1000, 3000,
    ]);
  });

  it('rewrites the latest log once it grows, and restores latest from it exactly, ties included', async () => {
    const path = freshPath();
    const tags = 2_000;
    {
      await using store = await openDuckDbStore({ path });
      // 51 appends each moving every tag's latest: 102,000 log rows, past the 100,000-row bound.
      for (let round = 0; round < 51; round++) {
        await store.append(batch(Array.from({ length: tags }, (_, t) => [t, 1000 * round, round] as const)));
      }
      // The next append rewrites the log first, then adds its own row; an equal ts replaces the latest.
      await store.append(batch([[7, 50_000, -1]]));
      expect(await store.latest([7, 8])).toEqual([
        { tagId: 7, ts: 50_000, value: -1, quality: 'good' },
        { tagId: 8, ts: 50_000, value: 50, quality: 'good' },
      ]);
    }
    {
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      const rows = await connection.runAndReadAll('SELECT count(*)::INTEGER FROM latest_log');
      expect(rows.getRows()[0]?.[0]).toBe(tags + 1);
      connection.closeSync();
      instance.closeSync();
    }
    await using again = await openDuckDbStore({ path });
    const latest = await again.latest();
    expect(latest).toHaveLength(tags);
    expect(latest[7]).toEqual({ tagId: 7, ts: 50_000, value: -1, quality: 'good' });
    expect(latest.filter((l) => l.ts === 50_000 && l.value === 50)).toHaveLength(tags - 1);
  });
});
