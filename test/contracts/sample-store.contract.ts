/**
 * The contract every storage backend passes (STYLE.md §4): run `describeSampleStore` from the backend's test
 * file with a factory that opens a fresh, empty store. Answers are worked out by hand in each case.
 */
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/domain/asset.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { DeadLetter } from '../../src/domain/dead-letter.js';
import { ConnectionConfig } from '../../src/domain/connection.js';
import { OperationalError, UserError } from '../../src/domain/errors.js';
import type { PlantEvent } from '../../src/domain/event.js';
import type { Inspection } from '../../src/domain/inspection.js';
import type { PlatformStore, StoredSample } from '../../src/domain/ports.js';
import { QUALITY_CODE, allocateBatch, type Quality, type SampleBatch } from '../../src/domain/sample.js';
import type { StoredApiToken } from '../../src/domain/security.js';
import { SpcChartConfig, type SpcPoint } from '../../src/domain/spc.js';
import type { WorkOrder } from '../../src/domain/work-order.js';
import type { ModelRecord } from '../../src/domain/model.js';
import type { DocumentRecord, StoredChunk } from '../../src/domain/document.js';
import { OeeMachineConfig } from '../../src/domain/oee.js';

export interface SampleStoreContractOptions<S extends PlatformStore> {
  /** Skips the whole suite, saying why (e.g. "PostgreSQL is not reachable: set GEMBA_TEST_PG_URL"). */
  readonly skip?: string;
  /**
   * Opens the database behind `closed` again, after it was disposed. Backends whose data outlives the
   * store object (a file, a server) give it; without it the persistence case is skipped with its reason.
   */
  readonly reopen?: (closed: S) => Promise<S>;
}

/** Midnight UTC, so buckets of whole seconds start on it. */
const T0 = Date.parse('2026-03-02T00:00:00Z');
/** `at('00:00:05')` is 5 s after T0; `at('00:00:05.250')` adds the milliseconds. */
const at = (time: string): number => Date.parse(`2026-03-02T${time}Z`);
const sec = (s: number): number => T0 + s * 1000;

type Row = readonly [tagId: number, ts: number, value: number, quality?: Quality];

/** A batch from rows of `[tagId, ts, value, quality = 'good']`. */
function batchOf(rows: readonly Row[]): SampleBatch {
  const cols = allocateBatch(rows.length);
  rows.forEach(([tagId, ts, value, quality = 'good'], i) => {
    cols.tagIds[i] = tagId;
    cols.ts[i] = ts;
    cols.values[i] = value;
    cols.quality[i] = QUALITY_CODE[quality];
  });
  return { length: rows.length, ...cols };
}

const stored = (tagId: number, ts: number, value: number, quality: Quality = 'good'): StoredSample => ({
  tagId,
  ts,
  value,
  quality,
});

const byTag = (samples: StoredSample[]) => [...samples].sort((a, b) => a.tagId - b.tagId);

const PRESS3 = 'acme/plant1/stamping/line1/press3';

function events(): PlantEvent[] {
  return [
    {
      kind: 'alarm',
      id: 'e1',
      ts: sec(1),
      asset: PRESS3,
      tag: `${PRESS3}/oil_temp`,
      code: 'spc.nelson.1',
      severity: 'high',
      state: 'raised',
      message: 'point beyond 3 sigma',
      data: { value: 81.5, ucl: 80, rule: { id: 1, name: 'beyond limits' } },
    },
    {
      kind: 'machine_state',
      id: 'e2',
      ts: sec(2),
      asset: `${PRESS3}0`,
      state: 'down',
      reason: 'tool_change',
    },
    { kind: 'note', id: 'e3', ts: sec(3), asset: 'acme/plant1/stamping/line1', message: 'shift handover' },
    { kind: 'machine_state', id: 'e4', ts: sec(4), asset: `${PRESS3}/die`, state: 'running' },
    {
      kind: 'alarm',
      id: 'e5',
      ts: sec(5),
      asset: PRESS3,
      code: 'spc.nelson.1',
      severity: 'high',
      state: 'cleared',
    },
  ];
}

/** Five inspections a second apart: one pass, four fails (three burrs), on press 3, its die, press 30 and the line. */
function inspections(): Inspection[] {
  return [
    {
      id: 'i1',
      ts: sec(1),
      asset: PRESS3,
      inspector: 'k.weber',
      result: 'pass',
      part: 'SN-0001',
      lot: 'L-2026-03-02',
      measurements: [
        { characteristic: 'flange_height', value: 12.013, unit: 'mm', lsl: 11.95, usl: 12.05 },
        { characteristic: 'burr_height', value: 0.02, usl: 0.1 },
      ],
    },
    {
      id: 'i2',
      ts: sec(2),
      asset: `${PRESS3}0`,
      inspector: 'k.weber',
      result: 'fail',
      measurements: [],
      defectCategory: 'burr',
      defectDescription: 'sharp burr along the left flange, "feels like a blade" — ü',
    },
    {
      id: 'i3',
      ts: sec(3),
      asset: `${PRESS3}/die`,
      inspector: 'a.rossi',
      result: 'fail',
      measurements: [{ characteristic: 'flange_height', value: 12.07, unit: 'mm' }],
      defectCategory: 'dimension_out_of_spec',
    },
    {
      id: 'i4',
      ts: sec(4),
      asset: 'acme/plant1/stamping/line1',
      inspector: 'a.rossi',
      result: 'fail',
      lot: 'L-2026-03-02',
      measurements: [],
      defectCategory: 'burr',
    },
    {
      id: 'i5',
      ts: sec(5),
      asset: PRESS3,
      inspector: 'k.weber',
      result: 'fail',
      part: 'SN-0005',
      measurements: [],
      defectCategory: 'burr',
      defectDescription: 'burr at the pierced hole',
    },
  ];
}

/** Live charts: an X̄-R chart with given limits and an I-MR chart with phase I limits and its own rules. */
function spcCharts(): SpcChartConfig[] {
  return [
    SpcChartConfig.parse({
      id: 'c1',
      tag: `${PRESS3}/flange_height`,
      type: 'xbar-r',
      subgroup: { by: 'count', size: 5 },
      limits: { center: 12, sigma: 0.035, source: 'given' },
      createdAt: sec(1),
    }),
    SpcChartConfig.parse({
      id: 'press3.oil-temp',
      tag: `${PRESS3}/oil_temp`,
      type: 'i-mr',
      subgroup: { by: 'count', size: 1 },
      limits: {
        center: 45.2,
        sigma: 0.8,
        nsigmas: 2.5,
        source: 'phase-one',
        estimatedFrom: { from: sec(0), to: sec(100), subgroups: 100, excluded: 2 },
      },
      rules: { preset: 'western-electric', tests: { '2': { enabled: true, k: 8 }, '4': { enabled: false } } },
      severity: 'high',
      clearAfter: 3,
      description: 'oil temperature, individuals',
      createdAt: sec(2),
    }),
    SpcChartConfig.parse({
      id: 'c3',
      tag: `${PRESS3}/force`,
      type: 'xbar-s',
      subgroup: { by: 'time', windowMs: 60_000, minSize: 3 },
      limits: { center: 400, sigma: 2, source: 'given' },
      createdAt: sec(3),
    }),
  ];
}

function token(id: string, secretHash: string, createdAt: number): StoredApiToken {
  return { id, name: `token ${id}`, role: 'operator', createdAt, secretHash };
}

/**
 * Registers the storage contract for one backend.
 * @example
 * describeSampleStore('DuckDB', () => openDuckDbStore({ path: fresh() }), { reopen: (s) => openDuckDbStore({ path: s.path }) });
 */
export function describeSampleStore<S extends PlatformStore>(
  name: string,
  makeStore: () => Promise<S>,
  options: SampleStoreContractOptions<S> = {},
): void {
  const title =
    options.skip === undefined
      ? `${name}: storage contract`
      : `${name}: storage contract (skipped: ${options.skip})`;
  describe.skipIf(options.skip !== undefined)(title, () => {
    describe('samples', () => {
      it('returns what was appended, with ts, value and quality exactly', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [7, at('00:00:00.001'), -273.15, 'good'],
            [7, at('00:00:01.500'), 1e-9, 'uncertain'],
            [7, at('00:00:02.999'), 123456.789, 'bad'],
            [8, at('00:00:01.000'), 42, 'good'],
          ]),
        );
        expect(await store.readRaw({ tagId: 7, from: T0, to: sec(10), limit: 100 })).toEqual([
          stored(7, at('00:00:00.001'), -273.15, 'good'),
          stored(7, at('00:00:01.500'), 1e-9, 'uncertain'),
          stored(7, at('00:00:02.999'), 123456.789, 'bad'),
        ]);
        expect(await store.readRaw({ tagId: 8, from: T0, to: sec(10), limit: 100 })).toEqual([
          stored(8, sec(1), 42),
        ]);
      });

      it('reads from inclusive and to exclusive', async () => {
        await using store = await makeStore();
        await store.append(batchOf(Array.from({ length: 10 }, (_, s): Row => [1, sec(s), s])));
        const got = await store.readRaw({ tagId: 1, from: sec(2), to: sec(5), limit: 100 });
        expect(got.map((x) => x.value)).toEqual([2, 3, 4]);
        expect(await store.readRaw({ tagId: 1, from: sec(5), to: sec(5), limit: 100 })).toEqual([]);
      });

      it('orders by ts whatever the order of arrival, within and across batches', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(5), 5],
            [1, sec(1), 1],
            [1, sec(3), 3],
          ]),
        );
        await store.append(
          batchOf([
            [1, sec(4), 4],
            [1, sec(2), 2],
          ]),
        );
        const got = await store.readRaw({ tagId: 1, from: T0, to: sec(10), limit: 100 });
        expect(got.map((x) => x.ts)).toEqual([sec(1), sec(2), sec(3), sec(4), sec(5)]);
      });

      it('returns at most limit samples, the oldest first', async () => {
        await using store = await makeStore();
        await store.append(batchOf(Array.from({ length: 10 }, (_, s): Row => [1, sec(9 - s), 9 - s])));
        const got = await store.readRaw({ tagId: 1, from: T0, to: sec(10), limit: 3 });
        expect(got.map((x) => x.value)).toEqual([0, 1, 2]);
        expect(await store.readRaw({ tagId: 1, from: T0, to: sec(10), limit: 0 })).toEqual([]);
      });

      it('stores only the first `length` rows of a batch, across chunk boundaries', async () => {
        await using store = await makeStore();
        const n = 5000;
        const cols = allocateBatch(n + 10);
        for (let i = 0; i < n + 10; i++) {
          cols.tagIds[i] = 3;
          cols.ts[i] = T0 + i;
          cols.values[i] = i * 0.5;
        }
        await store.append({ length: n, ...cols });
        await store.append({ length: 0, ...allocateBatch(4) });
        const got = await store.readRaw({ tagId: 3, from: T0, to: T0 + 1e6, limit: 1e6 });
        expect(got).toHaveLength(n);
        expect(got[0]).toEqual(stored(3, T0, 0));
        expect(got[n - 1]).toEqual(stored(3, T0 + n - 1, (n - 1) * 0.5));
        expect(got.reduce((sum, x) => sum + x.value, 0)).toBe((0.5 * (n - 1) * n) / 2);
      });

      it('stores every sample of concurrent appends', async () => {
        await using store = await makeStore();
        await Promise.all(
          Array.from({ length: 20 }, (_, b) =>
            store.append(batchOf(Array.from({ length: 100 }, (_, i): Row => [1, sec(b * 100 + i), b]))),
          ),
        );
        const got = await store.readRaw({ tagId: 1, from: T0, to: sec(10_000), limit: 10_000 });
        expect(got).toHaveLength(2000);
        expect(got.map((x) => x.ts)).toEqual(Array.from({ length: 2000 }, (_, i) => sec(i)));
      });
    });

    describe('buckets', () => {
      it('aggregates values 1..10 into two 5 s buckets: min, max, avg, last, count', async () => {
        await using store = await makeStore();
        await store.append(batchOf(Array.from({ length: 10 }, (_, s): Row => [1, sec(s), s + 1])));
        expect(await store.readBuckets({ tagId: 1, from: T0, to: sec(10), bucketMs: 5000 })).toEqual([
          { ts: T0, count: 5, min: 1, max: 5, avg: 3, last: 5, quality: 'good' },
          { ts: sec(5), count: 5, min: 6, max: 10, avg: 8, last: 10, quality: 'good' },
        ]);
      });

      it('aligns buckets to multiples of bucketMs since the epoch, not to from', async () => {
        await using store = await makeStore();
        await store.append(batchOf(Array.from({ length: 10 }, (_, s): Row => [1, sec(s), s + 1])));
        // from = 2 s: the first bucket still starts at T0 and holds the samples of 2, 3 and 4 s (values 3, 4, 5).
        expect(await store.readBuckets({ tagId: 1, from: sec(2), to: sec(7), bucketMs: 5000 })).toEqual([
          { ts: T0, count: 3, min: 3, max: 5, avg: 4, last: 5, quality: 'good' },
          { ts: sec(5), count: 2, min: 6, max: 7, avg: 6.5, last: 7, quality: 'good' },
        ]);
      });

      it('takes last from the newest ts, not the newest arrival, and omits empty buckets', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(4), 40],
            [1, sec(25), 250],
          ]),
        );
        await store.append(
          batchOf([
            [1, sec(1), 10],
            [1, sec(3), 30],
          ]),
        );
        expect(await store.readBuckets({ tagId: 1, from: T0, to: sec(30), bucketMs: 10_000 })).toEqual([
          { ts: T0, count: 3, min: 10, max: 40, avg: 80 / 3, last: 40, quality: 'good' },
          { ts: sec(20), count: 1, min: 250, max: 250, avg: 250, last: 250, quality: 'good' },
        ]);
      });

      it('leaves bad samples out of the aggregates but marks their bucket uncertain; an all-bad bucket is omitted', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            // bucket 0 s: good 1, good 3, then a bad 100 at the newest ts
            [1, sec(0), 1, 'good'],
            [1, sec(1), 3, 'good'],
            [1, sec(2), 100, 'bad'],
            // bucket 10 s: only bad samples
            [1, sec(10), 5, 'bad'],
            [1, sec(11), 6, 'bad'],
            // bucket 20 s: an uncertain sample counts, and makes the bucket uncertain
            [1, sec(20), 7, 'good'],
            [1, sec(21), 9, 'uncertain'],
            // bucket 30 s: good only
            [1, sec(30), 2, 'good'],
          ]),
        );
        expect(await store.readBuckets({ tagId: 1, from: T0, to: sec(40), bucketMs: 10_000 })).toEqual([
          { ts: T0, count: 2, min: 1, max: 3, avg: 2, last: 3, quality: 'uncertain' },
          { ts: sec(20), count: 2, min: 7, max: 9, avg: 8, last: 9, quality: 'uncertain' },
          { ts: sec(30), count: 1, min: 2, max: 2, avg: 2, last: 2, quality: 'good' },
        ]);
      });

      it('reads only the asked tag and range, to exclusive', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(0), 1],
            [2, sec(1), 99],
            [1, sec(10), 2],
          ]),
        );
        expect(await store.readBuckets({ tagId: 1, from: T0, to: sec(10), bucketMs: 60_000 })).toEqual([
          { ts: T0, count: 1, min: 1, max: 1, avg: 1, last: 1, quality: 'good' },
        ]);
      });

      it('refuses a bucket width that is not a positive integer', async () => {
        await using store = await makeStore();
        await expect(
          store.readBuckets({ tagId: 1, from: T0, to: sec(10), bucketMs: 0 }),
        ).rejects.toMatchObject({
          code: 'invalid_input',
        });
      });
    });

    describe('latest', () => {
      it('keeps the newest sample per tag; an older sample arriving later does not replace it', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(10), 1],
            [1, sec(20), 2],
            [2, sec(5), 9],
          ]),
        );
        expect(byTag(await store.latest())).toEqual([stored(1, sec(20), 2), stored(2, sec(5), 9)]);
        await store.append(batchOf([[1, sec(15), 99]]));
        expect(await store.latest([1])).toEqual([stored(1, sec(20), 2)]);
        // The newest sample is the latest whatever its quality.
        await store.append(batchOf([[1, sec(30), 3, 'bad']]));
        expect(await store.latest([1])).toEqual([stored(1, sec(30), 3, 'bad')]);
      });

      it('answers for a subset, leaving out tags without samples', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(1), 1],
            [2, sec(2), 2],
            [3, sec(3), 3],
          ]),
        );
        expect(byTag(await store.latest([3, 1]))).toEqual([stored(1, sec(1), 1), stored(3, sec(3), 3)]);
        expect(await store.latest([404])).toEqual([]);
        expect(await store.latest([])).toEqual([]);
      });

      it('takes the newest row within one batch, wherever it sits', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(3), 3],
            [1, sec(9), 9],
            [1, sec(5), 5],
          ]),
        );
        expect(await store.latest([1])).toEqual([stored(1, sec(9), 9)]);
      });
    });

    describe('retention', () => {
      it('deletes samples older than before, for the given tags or all, and counts them', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([1, 2].flatMap((tag) => [1, 2, 3, 4, 5].map((s): Row => [tag, sec(s), s]))),
        );
        expect(await store.deleteBefore(sec(3), [1])).toBe(2);
        expect(
          (await store.readRaw({ tagId: 1, from: T0, to: sec(10), limit: 10 })).map((x) => x.value),
        ).toEqual([3, 4, 5]);
        expect(await store.readRaw({ tagId: 2, from: T0, to: sec(10), limit: 10 })).toHaveLength(5);
        expect(await store.deleteBefore(sec(4.5))).toBe(2 + 4);
        expect(await store.deleteBefore(sec(100), [])).toBe(0);
        expect(await store.readRaw({ tagId: 2, from: T0, to: sec(10), limit: 10 })).toEqual([
          stored(2, sec(5), 5),
        ]);
      });

      it('drops a tag from latest once all its samples are deleted', async () => {
        await using store = await makeStore();
        await store.append(
          batchOf([
            [1, sec(1), 1],
            [2, sec(9), 2],
          ]),
        );
        expect(await store.deleteBefore(sec(5))).toBe(1);
        expect(await store.latest()).toEqual([stored(2, sec(9), 2)]);
      });
    });

    describe('assets and tags', () => {
      const enterprise: Asset = { path: 'acme', level: 'enterprise', name: 'ACME' };
      const press: Asset = {
        path: PRESS3,
        level: 'equipment',
        name: 'Press 3',
        description: '400 t',
        kind: 'servo press',
      };

      it('creates, gets and lists assets; a taken path is already_exists', async () => {
        await using store = await makeStore();
        await store.createAsset(press);
        await store.createAsset(enterprise);
        expect(await store.getAsset(PRESS3)).toEqual(press);
        expect(await store.getAsset('acme')).toEqual(enterprise);
        expect(await store.getAsset('nope')).toBeUndefined();
        expect([...(await store.listAssets())].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
          enterprise,
          press,
        ]);
        const duplicate = store.createAsset({ ...enterprise, name: 'other' });
        await expect(duplicate).rejects.toBeInstanceOf(UserError);
        await expect(duplicate).rejects.toMatchObject({ code: 'already_exists' });
        expect(await store.getAsset('acme')).toEqual(enterprise);
      });

      it('assigns each tag its own id, keeps every field, and refuses a taken path', async () => {
        await using store = await makeStore();
        const oil = await store.createTag({
          path: `${PRESS3}/oil_temp`,
          asset: PRESS3,
          name: 'oil_temp',
          unit: 'degC',
          spec: { lsl: 20, target: 45, usl: 70 },
          source: { adapter: 'mqtt', address: `${PRESS3}/oil_temp` },
        });
        const state = await store.createTag({
          path: `${PRESS3}/state`,
          asset: PRESS3,
          name: 'state',
          dataType: 'state',
          states: { '0': 'off', '1': 'running' },
        });
        expect(oil).toEqual({
          id: oil.id,
          path: `${PRESS3}/oil_temp`,
          asset: PRESS3,
          name: 'oil_temp',
          unit: 'degC',
          dataType: 'float',
          spec: { lsl: 20, target: 45, usl: 70 },
          source: { adapter: 'mqtt', address: `${PRESS3}/oil_temp` },
        });
        expect(Number.isInteger(oil.id) && oil.id >= 0).toBe(true);
        expect(state.id).not.toBe(oil.id);
        expect(state.states).toEqual({ '0': 'off', '1': 'running' });
        expect([...(await store.listTags())].sort((a, b) => a.id - b.id)).toEqual(
          [oil, state].sort((a, b) => a.id - b.id),
        );
        await expect(
          store.createTag({ path: `${PRESS3}/oil_temp`, asset: PRESS3, name: 'oil_temp' }),
        ).rejects.toMatchObject({ code: 'already_exists' });
        expect(await store.listTags()).toHaveLength(2);
      });
    });

    describe('events', () => {
      it('stores every field of each kind of event and lists them newest first', async () => {
        await using store = await makeStore();
        await store.appendEvents(events());
        await store.appendEvents([]);
        const got = await store.listEvents({ from: T0, to: sec(60), limit: 100 });
        expect(got).toEqual([...events()].reverse());
      });

      it('filters by time range (to exclusive), asset prefix, kinds and limit', async () => {
        await using store = await makeStore();
        await store.appendEvents(events());
        const ids = (list: PlantEvent[]) => list.map((e) => e.id);
        expect(ids(await store.listEvents({ from: sec(2), to: sec(5), limit: 100 }))).toEqual([
          'e4',
          'e3',
          'e2',
        ]);
        // press3 covers press3 and press3/die, never press30.
        expect(
          ids(await store.listEvents({ from: T0, to: sec(60), assetPrefix: PRESS3, limit: 100 })),
        ).toEqual(['e5', 'e4', 'e1']);
        expect(
          ids(
            await store.listEvents({
              from: T0,
              to: sec(60),
              assetPrefix: 'acme/plant1/stamping',
              limit: 100,
            }),
          ),
        ).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
        expect(ids(await store.listEvents({ from: T0, to: sec(60), kinds: ['alarm'], limit: 100 }))).toEqual([
          'e5',
          'e1',
        ]);
        expect(
          ids(
            await store.listEvents({ from: T0, to: sec(60), kinds: ['note', 'machine_state'], limit: 100 }),
          ),
        ).toEqual(['e4', 'e3', 'e2']);
        expect(ids(await store.listEvents({ from: T0, to: sec(60), limit: 2 }))).toEqual(['e5', 'e4']);
      });

      it('refuses an event id that is taken', async () => {
        await using store = await makeStore();
        await store.appendEvents(events());
        await expect(store.appendEvents([events()[2] as PlantEvent])).rejects.toMatchObject({
          code: 'already_exists',
        });
      });
    });

    describe('inspections', () => {
      const ids = (list: Inspection[]) => list.map((i) => i.id);

      it('keeps every field, optional ones and measurements included, and lists newest first', async () => {
        await using store = await makeStore();
        const all = inspections();
        // Out of time order and in two batches: the listing still goes by ts.
        await store.appendInspections([all[3], all[0], all[4]] as Inspection[]);
        await store.appendInspections([]);
        await store.appendInspections([all[2], all[1]] as Inspection[]);
        expect(await store.listInspections({ from: T0, to: sec(60), limit: 100 })).toEqual(
          [...all].reverse(),
        );
      });

      it('filters by time range (to exclusive), asset prefix, result, defect category and limit', async () => {
        await using store = await makeStore();
        await store.appendInspections(inspections());
        const list = async (query: Partial<Parameters<PlatformStore['listInspections']>[0]>) =>
          ids(await store.listInspections({ from: T0, to: sec(60), limit: 100, ...query }));
        expect(await list({ from: sec(2), to: sec(5) })).toEqual(['i4', 'i3', 'i2']);
        // press3 covers press3 and press3/die, never press30.
        expect(await list({ assetPrefix: PRESS3 })).toEqual(['i5', 'i3', 'i1']);
        expect(await list({ assetPrefix: 'acme/plant1/stamping/line1' })).toEqual([
          'i5',
          'i4',
          'i3',
          'i2',
          'i1',
        ]);
        expect(await list({ assetPrefix: 'acme/plant2' })).toEqual([]);
        expect(await list({ result: 'pass' })).toEqual(['i1']);
        expect(await list({ result: 'fail' })).toEqual(['i5', 'i4', 'i3', 'i2']);
        expect(await list({ defectCategory: 'burr' })).toEqual(['i5', 'i4', 'i2']);
        expect(await list({ defectCategory: 'crack' })).toEqual([]);
        expect(await list({ assetPrefix: PRESS3, result: 'fail', defectCategory: 'burr' })).toEqual(['i5']);
        expect(await list({ limit: 2 })).toEqual(['i5', 'i4']);
        expect(await list({ defectCategory: 'burr', limit: 1 })).toEqual(['i5']);
      });
    });

    describe('live SPC charts', () => {
      it('keeps every field, lists in creation order, refuses a taken id and deletes by id', async () => {
        await using store = await makeStore();
        const [c1, c2, c3] = spcCharts() as [SpcChartConfig, SpcChartConfig, SpcChartConfig];
        expect(await store.listSpcCharts()).toEqual([]);
        // Created in an order that is neither by id nor by createdAt.
        await store.createSpcChart(c3);
        await store.createSpcChart(c1);
        await store.createSpcChart(c2);
        expect(await store.listSpcCharts()).toEqual([c3, c1, c2]);
        const duplicate = store.createSpcChart({ ...c1, tag: `${PRESS3}/other` });
        await expect(duplicate).rejects.toBeInstanceOf(UserError);
        await expect(duplicate).rejects.toMatchObject({ code: 'already_exists' });
        expect(await store.listSpcCharts()).toEqual([c3, c1, c2]);
        expect(await store.deleteSpcChart('c1')).toBe(true);
        expect(await store.deleteSpcChart('c1')).toBe(false);
        expect(await store.deleteSpcChart('nope')).toBe(false);
        expect(await store.listSpcCharts()).toEqual([c3, c2]);
      });

      it('keeps plotted points: the newest `limit` of a window, oldest first; deleting the chart deletes them', async () => {
        await using store = await makeStore();
        const [c1, c2] = spcCharts() as [SpcChartConfig, SpcChartConfig];
        await store.createSpcChart(c1);
        await store.createSpcChart(c2);
        const plotted = (value: number, rules: string[] = []) => ({
          value,
          center: 12,
          lcl: 11.953,
          ucl: 12.047,
          violations: rules.map((rule) => ({ rule, description: `${rule} fired` })),
        });
        const point = (chart: string, s: number, extra: Partial<SpcPoint> = {}): SpcPoint => ({
          chart,
          ts: sec(s),
          start: sec(s - 4),
          n: 5,
          quality: 'good',
          level: plotted(12 + s / 1000),
          dispersion: { value: 0.05, center: 0.0814, lcl: 0, ucl: 0.172, violations: [] },
          ...extra,
        });
        // Appended out of order across calls; one point without a dispersion (the first of an I-MR chart).
        const p10 = point('c1', 10, { level: plotted(12.06, ['nelson.1']), quality: 'uncertain' });
        const p5 = point('c1', 5);
        const { dispersion: _none, ...p20 } = point('c1', 20);
        await store.appendSpcPoints([p10, point('c2', 7)]);
        await store.appendSpcPoints([p5, p20]);
        await store.appendSpcPoints([]);
        const list = (query: Partial<Parameters<PlatformStore['listSpcPoints']>[0]>) =>
          store.listSpcPoints({ chart: 'c1', from: T0, to: sec(60), limit: 100, ...query });
        expect(await list({})).toEqual([p5, p10, p20]);
        expect(await list({ limit: 2 })).toEqual([p10, p20]);
        expect(await list({ from: sec(5), to: sec(20) })).toEqual([p5, p10]);
        expect(await list({ chart: 'c2' })).toEqual([point('c2', 7)]);
        expect(await store.deleteSpcChart('c1')).toBe(true);
        expect(await list({})).toEqual([]);
        expect(await list({ chart: 'c2' })).toEqual([point('c2', 7)]);
      });
    });

    describe('work orders', () => {
      const order = (
        asset: string,
        s: number,
        status: WorkOrder['status'] = 'open',
      ): Omit<WorkOrder, 'id'> => ({
        asset,
        title: `job ${s}`,
        kind: 'corrective',
        priority: 'medium',
        status,
        createdAt: sec(s),
        createdBy: 'anna',
        updatedAt: sec(s),
        links: { events: ['e1'] },
        history: [{ ts: sec(s), by: 'anna', action: 'created' }],
      });

      it('numbers work orders, reads them back whole, lists newest first by asset and status', async () => {
        await using store = await makeStore();
        const a = await store.createWorkOrder(order(PRESS3, 1));
        const b = await store.createWorkOrder({
          ...order(`${PRESS3}0`, 2, 'proposed'),
          description: 'Ölwechsel',
        });
        const c = await store.createWorkOrder(order(`${PRESS3}/die`, 3, 'done'));
        expect([a.id, b.id, c.id]).toEqual(['WO-000001', 'WO-000002', 'WO-000003']);
        expect(await store.getWorkOrder('WO-000002')).toEqual({
          id: 'WO-000002',
          ...order(`${PRESS3}0`, 2, 'proposed'),
          description: 'Ölwechsel',
        });
        expect(await store.getWorkOrder('WO-000009')).toBeUndefined();
        const ids = async (query: Partial<Parameters<PlatformStore['listWorkOrders']>[0]>) =>
          (await store.listWorkOrders({ limit: 100, ...query })).map((w) => w.id);
        expect(await ids({})).toEqual(['WO-000003', 'WO-000002', 'WO-000001']);
        expect(await ids({ assetPrefix: PRESS3 })).toEqual(['WO-000003', 'WO-000001']);
        expect(await ids({ statuses: ['open', 'proposed'] })).toEqual(['WO-000002', 'WO-000001']);
        expect(await ids({ limit: 1 })).toEqual(['WO-000003']);
      });

      it('updates only what nobody changed since it was read', async () => {
        await using store = await makeStore();
        const a = await store.createWorkOrder(order(PRESS3, 1));
        const started: WorkOrder = { ...a, status: 'in_progress', updatedAt: sec(5) };
        await store.updateWorkOrder(started, a.updatedAt);
        expect(await store.getWorkOrder(a.id)).toEqual(started);
        expect(
          (await store.listWorkOrders({ statuses: ['in_progress'], limit: 10 })).map((w) => w.id),
        ).toEqual([a.id]);
        // A second writer who read the old version loses, with a conflict.
        const stale = store.updateWorkOrder({ ...a, status: 'cancelled', updatedAt: sec(6) }, a.updatedAt);
        await expect(stale).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.getWorkOrder(a.id))?.status).toBe('in_progress');
        await expect(store.updateWorkOrder({ ...a, id: 'WO-000777' }, a.updatedAt)).rejects.toMatchObject({
          code: 'not_found',
        });
      });
    });

    describe('documents', () => {
      const record = (id: string, chunks: number): DocumentRecord => ({
        id,
        title: `Manual ${id}`,
        format: 'pdf',
        assets: [PRESS3],
        importedAt: sec(1),
        importedBy: 'erin',
        pages: 2,
        chunks,
        characters: 42,
      });
      const chunk = (document: string, seq: number, vector?: number[]): StoredChunk => ({
        document,
        seq,
        section: 'Manual › 4 Hydraulics',
        page: seq + 1,
        text: `passage ${seq} — 60 °C`,
        ...(vector !== undefined && { vector: Float32Array.from(vector), embedder: 'e1' }),
      });

      it('keeps passages with their vectors exactly, replaces on re-import and deletes', async () => {
        await using store = await makeStore();
        await store.putDocument(record('b', 2), [chunk('b', 0, [0.1, -0.5, 3.25, 1e-7]), chunk('b', 1)]);
        await store.putDocument(record('a', 1), [chunk('a', 0, [1, 2])]);
        expect(await store.getDocument('b')).toEqual(record('b', 2));
        expect((await store.listDocuments()).map((d) => d.id)).toEqual(['a', 'b']);
        const all = await store.listChunks({});
        expect(all.map((c) => `${c.document}#${c.seq}`)).toEqual(['a#0', 'b#0', 'b#1']);
        // Float32 values come back bit for bit (0.1 and 1e-7 as their nearest float32).
        expect(Array.from(all[1]?.vector ?? [])).toEqual(
          Array.from(Float32Array.from([0.1, -0.5, 3.25, 1e-7])),
        );
        expect(all[1]).toMatchObject({ embedder: 'e1', section: 'Manual › 4 Hydraulics', page: 1 });
        expect(all[2]?.vector).toBeUndefined();
        expect((await store.listChunks({ documents: ['b'] })).map((c) => c.seq)).toEqual([0, 1]);

        await store.putDocument(record('b', 1), [chunk('b', 0, [9, 8])]);
        expect(
          Array.from((await store.listChunks({ documents: ['b'] })).map((c) => Array.from(c.vector ?? []))),
        ).toEqual([[9, 8]]);
        expect(await store.deleteDocument('b')).toBe(true);
        expect(await store.deleteDocument('b')).toBe(false);
        expect(await store.getDocument('b')).toBeUndefined();
        expect((await store.listChunks({})).map((c) => c.document)).toEqual(['a']);
      });
    });

    describe('model registry', () => {
      const model = (name: string, version: number, extra: Partial<ModelRecord> = {}): ModelRecord => ({
        name,
        version,
        task: 'regression',
        algorithm: 'gbdt',
        status: 'trained',
        createdAt: sec(version),
        createdBy: 'anna',
        training: { assets: [PRESS3], tags: [`${PRESS3}/vibration`], rows: 1200, from: sec(0), to: sec(60) },
        features: ['vibration_mean_30', 'vibration_slope_30'],
        metrics: { rmse: 11.8, phm08: 231.5 },
        artifact: { format: 'gemba.gbdt', version: 1, trees: [[1, 2, 3]], note: 'Größe' },
        ...extra,
      });

      it('keeps versions whole, gives the newest by default, lists without artifacts', async () => {
        await using store = await makeStore();
        await store.createModel(model('rul', 1));
        await store.createModel(model('rul', 2, { metrics: { rmse: 11.2 } }));
        await store.createModel(model('bearing', 1, { task: 'anomaly', algorithm: 'pca' }));
        expect(await store.getModel('rul', 1)).toEqual(model('rul', 1));
        expect(await store.getModel('rul')).toEqual(model('rul', 2, { metrics: { rmse: 11.2 } }));
        expect(await store.getModel('rul', 3)).toBeUndefined();
        expect(await store.getModel('nope')).toBeUndefined();
        const listed = await store.listModels();
        expect(listed.map((m) => `${m.name}@${m.version}`)).toEqual(['bearing@1', 'rul@2', 'rul@1']);
        expect(listed.every((m) => !('artifact' in m))).toBe(true);
        await expect(store.createModel(model('rul', 2))).rejects.toMatchObject({ code: 'already_exists' });
      });

      it('updates status, deployment and drift of a version', async () => {
        await using store = await makeStore();
        await store.createModel(model('rul', 1));
        const deployed = model('rul', 1, {
          status: 'deployed',
          deployment: {
            since: sec(70),
            by: 'anna',
            asset: PRESS3,
            inputs: { vibration: `${PRESS3}/vibration` },
          },
          drift: {
            checkedAt: sec(80),
            psi: { vibration: 0.31 },
            level: 'significant',
            recommendation: 'retrain',
          },
        });
        await store.updateModel(deployed);
        expect(await store.getModel('rul', 1)).toEqual(deployed);
        await expect(store.updateModel(model('rul', 9))).rejects.toMatchObject({ code: 'not_found' });
      });
    });

    describe('dead letters, tokens, audit', () => {
      it('keeps dead letters, newest first, with since, limit and a count', async () => {
        await using store = await makeStore();
        const letter = (s: number): DeadLetter => ({
          ts: sec(s),
          source: `mqtt:${PRESS3}/oil_temp`,
          reason: `value is not a number (${s})`,
          payload: `{"value":"hot-${s}"}`,
        });
        await store.appendDeadLetters([letter(1), letter(3)]);
        await store.appendDeadLetters([letter(2)]);
        await store.appendDeadLetters([]);
        expect(await store.listDeadLetters({ limit: 10 })).toEqual([letter(3), letter(2), letter(1)]);
        expect(await store.listDeadLetters({ limit: 10, since: sec(2) })).toEqual([letter(3), letter(2)]);
        expect(await store.listDeadLetters({ limit: 1 })).toEqual([letter(3)]);
        expect(await store.countDeadLetters()).toBe(3);
      });

      it('finds tokens by secret hash, lists them and revokes an active one once', async () => {
        await using store = await makeStore();
        const a = token('t1', 'a'.repeat(64), sec(1));
        const b = { ...token('t2', 'b'.repeat(64), sec(2)), role: 'admin' as const };
        await store.createToken(a);
        await store.createToken(b);
        expect(await store.findTokenByHash('a'.repeat(64))).toEqual(a);
        expect(await store.findTokenByHash('c'.repeat(64))).toBeUndefined();
        expect([...(await store.listTokens())].sort((x, y) => x.id.localeCompare(y.id))).toEqual([a, b]);
        expect(await store.revokeToken('t1', sec(10))).toBe(true);
        expect(await store.revokeToken('t1', sec(20))).toBe(false);
        expect(await store.revokeToken('nope', sec(20))).toBe(false);
        expect(await store.findTokenByHash('a'.repeat(64))).toEqual({ ...a, revokedAt: sec(10) });
        await expect(store.createToken(token('t1', 'd'.repeat(64), sec(3)))).rejects.toMatchObject({
          code: 'already_exists',
        });
      });

      it('keeps the audit log, newest first, with since and limit', async () => {
        await using store = await makeStore();
        const entry = (s: number, outcome: 'ok' | 'error'): AuditEntry => ({
          ts: sec(s),
          principal: 'token:t1',
          operation: 'alarms.acknowledge',
          input: `{"id":"e${s}"}`,
          outcome,
          ...(outcome === 'error' ? { error: 'forbidden: needs operator' } : {}),
        });
        await store.appendAudit(entry(1, 'ok'));
        await store.appendAudit(entry(2, 'error'));
        await store.appendAudit(entry(3, 'ok'));
        expect(await store.listAudit({ limit: 10 })).toEqual([
          entry(3, 'ok'),
          entry(2, 'error'),
          entry(1, 'ok'),
        ]);
        expect(await store.listAudit({ limit: 10, since: sec(2) })).toEqual([
          entry(3, 'ok'),
          entry(2, 'error'),
        ]);
        expect(await store.listAudit({ limit: 1 })).toEqual([entry(3, 'ok')]);
      });
    });

    describe('connections', () => {
      it('keeps run-time connections in the order added, refuses a taken id and deletes by id', async () => {
        await using store = await makeStore();
        const mqtt = ConnectionConfig.parse({
          kind: 'mqtt',
          id: 'line1-broker',
          url: 'mqtts://broker.plant.local:8883',
          passwordFile: '/run/secrets/mqtt',
          tls: { ca: '/etc/gemba/ca.pem' },
          subscriptions: [{ topic: 'acme/plant1/#' }],
        });
        const opcua = ConnectionConfig.parse({
          kind: 'opcua',
          id: 'press3-plc',
          endpointUrl: 'opc.tcp://10.0.0.5:4840',
          nodes: [
            {
              nodeId: 'ns=1;s=OilTemp',
              tag: `${PRESS3}/oil_temp`,
              deadband: { type: 'absolute', value: 0.1 },
            },
          ],
        });
        await store.createConnection(mqtt);
        await store.createConnection(opcua);
        expect(await store.listConnections()).toEqual([mqtt, opcua]);
        await expect(store.createConnection(mqtt)).rejects.toMatchObject({ code: 'already_exists' });
        expect(await store.deleteConnection('line1-broker')).toBe(true);
        expect(await store.deleteConnection('line1-broker')).toBe(false);
        expect(await store.listConnections()).toEqual([opcua]);
      });
    });

    describe('OEE machine configurations', () => {
      it('keeps every field, lists by asset, replaces by asset and deletes', async () => {
        await using store = await makeStore();
        const press3 = OeeMachineConfig.parse({
          asset: PRESS3,
          idealCycleTimeS: 5.4,
          counterTag: `${PRESS3}/cycle_count`,
          rejectTags: [`${PRESS3}/flange_height`],
          countFailedInspections: false,
          minorStopMaxS: 120,
          startupS: 60,
          updatedAt: 1_700_000_000_000,
          updatedBy: 'alice',
        });
        const press1 = OeeMachineConfig.parse({
          asset: 'acme/plant1/stamping/line1/press1',
          idealCycleTimeS: 4.5,
          counterTag: 'acme/plant1/stamping/line1/press1/cycle_count',
        });
        expect(press1).toMatchObject({ rejectTags: [], countFailedInspections: true, minorStopMaxS: 300 });
        await store.putOeeMachine(press3);
        await store.putOeeMachine(press1);
        expect(await store.listOeeMachines()).toEqual([press1, press3]);
        expect(await store.getOeeMachine(PRESS3)).toEqual(press3);
        expect(await store.getOeeMachine(`${PRESS3}x`)).toBeUndefined();
        const faster = { ...press3, idealCycleTimeS: 5 };
        await store.putOeeMachine(faster);
        expect(await store.getOeeMachine(PRESS3)).toEqual(faster);
        expect(await store.listOeeMachines()).toHaveLength(2);
        expect(await store.deleteOeeMachine(PRESS3)).toBe(true);
        expect(await store.deleteOeeMachine(PRESS3)).toBe(false);
        expect(await store.listOeeMachines()).toEqual([press1]);
      });
    });

    describe('lifecycle', () => {
      const { reopen } = options;
      const persistence = 'keeps samples, latest, plant model and records across close and reopen';
      if (reopen === undefined) {
        it.skip(`${persistence} (skipped: no reopen given, the backend keeps nothing past close)`, () => {});
      } else {
        it(persistence, async () => {
          const first = await makeStore();
          await first.append(
            batchOf([
              [1, sec(1), 1.5],
              [1, sec(2), 2.5, 'uncertain'],
              [2, sec(3), 3],
            ]),
          );
          await first.createAsset({ path: 'acme', level: 'enterprise', name: 'ACME' });
          const tag = await first.createTag({ path: 'acme/t', asset: 'acme', name: 't' });
          await first.appendEvents(events());
          await first.appendDeadLetters([{ ts: sec(1), source: 'http', reason: 'bad', payload: '{}' }]);
          await first.createToken(token('t1', 'a'.repeat(64), sec(1)));
          await first.appendAudit({ ts: sec(1), principal: 'p', operation: 'o', input: '{}', outcome: 'ok' });
          await first.appendInspections(inspections());
          await first.createSpcChart(spcCharts()[1] as SpcChartConfig);
          await first[Symbol.asyncDispose]();

          await using again = await reopen(first);
          expect(await again.readRaw({ tagId: 1, from: T0, to: sec(10), limit: 10 })).toEqual([
            stored(1, sec(1), 1.5),
            stored(1, sec(2), 2.5, 'uncertain'),
          ]);
          expect(byTag(await again.latest())).toEqual([
            stored(1, sec(2), 2.5, 'uncertain'),
            stored(2, sec(3), 3),
          ]);
          expect(await again.getAsset('acme')).toEqual({ path: 'acme', level: 'enterprise', name: 'ACME' });
          expect(await again.listTags()).toEqual([tag]);
          const next = await again.createTag({ path: 'acme/u', asset: 'acme', name: 'u' });
          expect(next.id).not.toBe(tag.id);
          expect(await again.listEvents({ from: T0, to: sec(60), limit: 100 })).toEqual(
            [...events()].reverse(),
          );
          expect(await again.countDeadLetters()).toBe(1);
          expect(await again.findTokenByHash('a'.repeat(64))).toEqual(token('t1', 'a'.repeat(64), sec(1)));
          expect(await again.listAudit({ limit: 10 })).toHaveLength(1);
          expect(await again.listInspections({ from: T0, to: sec(60), limit: 100 })).toEqual(
            [...inspections()].reverse(),
          );
          expect(await again.listSpcCharts()).toEqual([spcCharts()[1]]);
          // Latest keeps working on top of what was loaded.
          await again.append(
            batchOf([
              [1, sec(0), 0],
              [2, sec(4), 4],
            ]),
          );
          expect(byTag(await again.latest())).toEqual([
            stored(1, sec(2), 2.5, 'uncertain'),
            stored(2, sec(4), 4),
          ]);
        });
      }

      it('refuses work once disposed, with an operational error', async () => {
        const store = await makeStore();
        await store[Symbol.asyncDispose]();
        await expect(store.readRaw({ tagId: 1, from: T0, to: sec(1), limit: 1 })).rejects.toBeInstanceOf(
          OperationalError,
        );
        await expect(store.append(batchOf([[1, sec(1), 1]]))).rejects.toBeInstanceOf(OperationalError);
        await expect(store.latest()).rejects.toBeInstanceOf(OperationalError);
      });
    });
  });
}
