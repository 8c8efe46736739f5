/** The embedded store: samples, plant model, events and records in one DuckDB file (DESIGN.md "embedded"). */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  BIGINT,
  DOUBLE,
  INTEGER,
  LIST,
  VARCHAR,
  DuckDBInstance,
  BLOB,
  DuckDBBlobValue,
  blobValue,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { z } from 'zod';
import { Asset } from '../../../domain/asset.js';
import { AuditEntry } from '../../../domain/audit.js';
import { DeadLetter } from '../../../domain/dead-letter.js';
import { OperationalError, UserError } from '../../../domain/errors.js';
import { PlantEvent } from '../../../domain/event.js';
import { Inspection } from '../../../domain/inspection.js';
import { SpcChartConfig, SpcPoint } from '../../../domain/spc.js';
import { WorkOrder } from '../../../domain/work-order.js';
import { ModelRecord, ModelSummary } from '../../../domain/model.js';
import { type DemandPoint, ForecastRecord, Item, StockLevel } from '../../../domain/supply.js';
import {
  type OrderStatus,
  ProductionOrder,
  Schedule,
  type ScheduleStatus,
} from '../../../domain/production.js';
import type {
  BucketQuery,
  EventQuery,
  InspectionQuery,
  WorkOrderQuery,
  PlatformStore,
  RawQuery,
  StoredSample,
} from '../../../domain/ports.js';
import { qualityFromCode, type Bucket, type SampleBatch } from '../../../domain/sample.js';
import { ApiTokenInfo, type StoredApiToken } from '../../../domain/security.js';
import { ConnectionConfig } from '../../../domain/connection.js';
import { Tag, type TagInput } from '../../../domain/tag.js';
import { DocumentChunk, DocumentRecord, type StoredChunk } from '../../../domain/document.js';
import { FailureMode } from '../../../domain/failure-mode.js';
import { OeeMachineConfig } from '../../../domain/oee.js';
import { Proposal, type ProposalStatus } from '../../../domain/proposal.js';
import { LOAD_LATEST, SCHEMA_DDL, SCHEMA_VERSION } from './duckdb.schema.js';
import { LatestIndex } from './latest-index.js';
import {
  numberCell,
  parseJsonColumn,
  parseRow,
  rowLimit,
  storageError,
  timeBound,
  withoutNulls,
} from './rows.js';
import { SampleChunkWriter } from './sample-chunks.js';
import { SerialQueue } from './serial-queue.js';

export interface DuckDbStoreOptions {
  /** The database file (its folder is created when missing), or ':memory:' for a store that dies with the process. */
  readonly path: string;
  /** DuckDB worker threads; DuckDB's default is one per core. */
  readonly threads?: number;
  /** DuckDB's memory limit, e.g. "2GB"; DuckDB's default is 80% of RAM. */
  readonly memoryLimit?: string;
  /** Connections that serve reads side by side; writes have one connection of their own. */
  readonly readConnections?: number;
}

const StoredToken = ApiTokenInfo.extend({ secretHash: z.string() });

/** The largest EpochMs; a larger or fractional ts is refused before anything is written. */
const MAX_TS = 8.64e15;
/** latest_log is rewritten once it holds more than this many times the tags, and at least LATEST_LOG_MIN_ROWS. */
const LATEST_LOG_SLACK = 4;
const LATEST_LOG_MIN_ROWS = 100_000;
/** Rows per multi-row INSERT of records (events, dead letters): few round trips, modest statements. */
const INSERT_ROWS = 200;

/** Paths open in this process. DuckDB lets a process open one file twice, which corrupts it. */
const openPaths = new Set<string>();

interface Reader {
  readonly connection: DuckDBConnection;
  readonly queue: SerialQueue;
  readonly prepared: Map<string, DuckDBPreparedStatement>;
}

const RAW_SQL = `SELECT ts::DOUBLE AS ts, value, quality FROM samples
WHERE tag_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`;

/**
 * Bad samples (quality 2) become NULL values, which every aggregate skips (arg_max too), while their quality
 * still counts toward the bucket's worst. Measured ~25% faster than the same with FILTER clauses.
 */
const BUCKETS_SQL = `SELECT ((ts // $4) * $4)::DOUBLE AS bucket, count(v)::DOUBLE AS n,
  min(v) AS lo, max(v) AS hi, avg(v) AS mean, arg_max(v, ts) AS last, max(quality) AS worst
FROM (SELECT ts, quality, CASE WHEN quality < 2 THEN value END AS v
      FROM samples WHERE tag_id = $1 AND ts >= $2 AND ts < $3)
GROUP BY bucket HAVING count(v) > 0 ORDER BY bucket`;

/**
 * Opens (creating when missing) a DuckDB store.
 * @example
 * await using store = await openDuckDbStore({ path: './data/gemba.duckdb' });
 * await store.append(batch);
 */
export async function openDuckDbStore(options: DuckDbStoreOptions): Promise<DuckDbStore> {
  const path = options.path === ':memory:' ? ':memory:' : resolve(options.path);
  if (path !== ':memory:') {
    if (openPaths.has(path)) {
      throw new OperationalError('unavailable', `the database ${path} is already open in this process`);
    }
    openPaths.add(path);
  }
  const opened: { instance?: DuckDBInstance; connections: DuckDBConnection[] } = { connections: [] };
  try {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
    const instance = await DuckDBInstance.create(path, config);
    opened.instance = instance;
    const writer = await instance.connect();
    opened.connections.push(writer);
    await writer.run(SCHEMA_DDL);
    await checkSchemaVersion(writer);
    const latest = new LatestIndex();
    const rows = await writer.runAndReadAll(LOAD_LATEST);
    for (const [tagId, ts, value, quality] of rows.getRows()) {
      latest.load(
        numberCell(tagId, 'latest.tag_id'),
        numberCell(ts, 'latest.ts'),
        numberCell(value, 'latest.value'),
        numberCell(quality, 'latest.quality'),
      );
    }
    const readers: Reader[] = [];
    for (let i = 0; i < Math.max(1, options.readConnections ?? 2); i++) {
      const connection = await instance.connect();
      opened.connections.push(connection);
      readers.push({ connection, queue: new SerialQueue(), prepared: new Map() });
    }
    const logRows = await writer.runAndReadAll('SELECT count(*)::DOUBLE FROM latest_log');
    const appenders = {
      samples: await writer.createAppender('samples'),
      latestLog: await writer.createAppender('latest_log'),
    };
    return new DuckDbStore({
      path,
      instance,
      writer,
      readers,
      appenders,
      latest,
      latestLogRows: numberCell(logRows.getRows()[0]?.[0], 'count'),
    });
  } catch (cause) {
    for (const connection of opened.connections) connection.closeSync();
    opened.instance?.closeSync();
    openPaths.delete(path);
    // DuckDB allows one writing process per file; say so plainly, naming the process that holds it.
    const held = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(String(cause));
    if (held) {
      throw new UserError(
        'conflict',
        `${path} is in use by another process (PID ${held[2]}, ${held[1]}): stop it, or talk to it over HTTP (--url) instead of opening the data directory`,
        { cause },
      );
    }
    throw storageError(`opening the DuckDB store at ${path}`, cause);
  }
}

async function checkSchemaVersion(writer: DuckDBConnection): Promise<void> {
  const found = await writer.runAndReadAll("SELECT value FROM gemba_meta WHERE key = 'schema_version'");
  const stored = found.getRows()[0]?.[0];
  if (stored === undefined) {
    await writer.run("INSERT INTO gemba_meta VALUES ('schema_version', $1)", [String(SCHEMA_VERSION)]);
  } else if (Number(stored) > SCHEMA_VERSION) {
    throw new OperationalError(
      'storage_failed',
      `the database has schema version ${String(stored)}; this Gemba reads up to ${SCHEMA_VERSION}`,
    );
  }
}

/** The usual record filter: from <= ts < to, and the asset itself or anything below it; more can be appended. */
function windowFilter(query: { from: number; to: number; assetPrefix?: string }): {
  where: string;
  values: DuckDBValue[];
  types: DuckDBType[];
} {
  const values: DuckDBValue[] = [timeBound(query.from, 'from'), timeBound(query.to, 'to')];
  const types: DuckDBType[] = [BIGINT, BIGINT];
  let where = 'ts >= ? AND ts < ?';
  if (query.assetPrefix !== undefined) {
    where += ' AND (asset = ? OR starts_with(asset, ?))';
    values.push(query.assetPrefix, `${query.assetPrefix}/`);
    types.push(VARCHAR, VARCHAR);
  }
  return { where, values, types };
}

/** Refuses a batch this store cannot write faithfully, before any of it is written. */
function validateBatch(batch: SampleBatch): void {
  const { length, tagIds, ts, values, quality } = batch;
  if (
    !Number.isInteger(length) ||
    length < 0 ||
    tagIds.length < length ||
    ts.length < length ||
    values.length < length ||
    quality.length < length
  ) {
    throw new UserError('invalid_input', `a sample batch of length ${length} has shorter columns`);
  }
  for (let i = 0; i < length; i++) {
    const t = ts[i] ?? Number.NaN;
    if (!(t >= 0 && t <= MAX_TS && Math.floor(t) === t)) {
      throw new UserError('invalid_input', `sample ${i}: ts ${t} is not an integer epoch ms in range`);
    }
    if (!Number.isFinite(values[i] ?? Number.NaN)) {
      throw new UserError('invalid_input', `sample ${i}: value ${values[i]} is not finite`);
    }
    if ((quality[i] ?? 0) > 2) {
      throw new UserError('invalid_input', `sample ${i}: quality code ${quality[i]} is not 0, 1 or 2`);
    }
    if ((tagIds[i] ?? -1) < 0) {
      throw new UserError('invalid_input', `sample ${i}: tag id ${tagIds[i]} is negative`);
    }
  }
}

function tagIdParam(tagId: number): number {
  if (!Number.isInteger(tagId) || tagId < 0 || tagId > 2147483647) {
    throw new UserError('invalid_input', `tag id ${tagId} is not a non-negative 32-bit integer`);
  }
  return tagId;
}

/** `(?, ?, ...), (...)` for `rows` rows of `columns` parameters. */
function valuesClause(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * A PlatformStore on one DuckDB database. Writes go through one connection, one at a time (DuckDB's
 * appender is not safe for concurrent use, and one writer keeps each transaction short); reads use a small
 * pool of other connections and see only committed data.
 *
 * Durability: every append is one transaction (BEGIN, appender flushes of the samples and of the changed
 * latest rows, COMMIT). DuckDB writes the commit to its write-ahead log and fsyncs it before COMMIT returns
 * (a batch past a row group, ~122k rows, goes straight to the database file, fsynced before the log), so a
 * resolved append survives kill -9, and a power cut as far as the disk honours fsync. The explicit
 * transaction also makes a batch all-or-nothing: DuckDB's appender would otherwise commit every ~200k rows.
 * test/durability/duckdb-kill9.test.ts checks it with real kills.
 */
export class DuckDbStore implements PlatformStore {
  /** The absolute file path, or ':memory:'. */
  readonly path: string;
  private readonly instance: DuckDBInstance;
  private readonly writer: DuckDBConnection;
  private readonly readers: readonly Reader[];
  /** Replaced when a failed write leaves one unusable (see abandonTransaction). */
  private appenders: { samples: DuckDBAppender; latestLog: DuckDBAppender };
  private readonly latestIndex: LatestIndex;
  /** Rows in latest_log; past LATEST_LOG_SLACK times the tags, the next write rewrites it. */
  private latestLogRows: number;
  private readonly chunks = new SampleChunkWriter();
  private readonly writes = new SerialQueue();
  private closed = false;

  /** Use openDuckDbStore. */
  constructor(parts: {
    path: string;
    instance: DuckDBInstance;
    writer: DuckDBConnection;
    readers: Reader[];
    appenders: { samples: DuckDBAppender; latestLog: DuckDBAppender };
    latest: LatestIndex;
    latestLogRows: number;
  }) {
    this.path = parts.path;
    this.instance = parts.instance;
    this.writer = parts.writer;
    this.readers = parts.readers;
    this.appenders = parts.appenders;
    this.latestIndex = parts.latest;
    this.latestLogRows = parts.latestLogRows;
  }

  // ---- samples ----

  /** Resolves once the batch is committed and fsynced. The batch's arrays must not change until then. */
  append(batch: SampleBatch): Promise<void> {
    return this.write('append', async () => {
      validateBatch(batch);
      if (batch.length === 0) return;
      await this.compactLatestLogIfLong();
      const staged = this.latestIndex.stage(batch);
      const { samples, latestLog } = this.appenders;
      try {
        await this.writer.run('BEGIN TRANSACTION');
        this.chunks.append(samples, batch, 0, batch.length);
        samples.flushSync();
        this.chunks.append(latestLog, staged.rows, 0, staged.rows.length);
        latestLog.flushSync();
        await this.writer.run('COMMIT');
      } catch (cause) {
        await this.abandonTransaction();
        throw cause;
      }
      this.latestIndex.commit(staged);
      this.latestLogRows += staged.rows.length;
    });
  }

  readRaw(query: RawQuery): Promise<StoredSample[]> {
    return this.read('readRaw', async (reader) => {
      const tagId = tagIdParam(query.tagId);
      const from = timeBound(query.from, 'from');
      const to = timeBound(query.to, 'to');
      const limit = rowLimit(query.limit);
      const statement = await this.prepared(reader, RAW_SQL);
      statement.bindInteger(1, tagId);
      statement.bindBigInt(2, from);
      statement.bindBigInt(3, to);
      statement.bindBigInt(4, limit);
      const result = await statement.runAndReadAll();
      const [tsColumn = [], valueColumn = [], qualityColumn = []] = result.getColumns();
      const out: StoredSample[] = new Array<StoredSample>(tsColumn.length);
      for (let i = 0; i < tsColumn.length; i++) {
        out[i] = {
          tagId,
          ts: numberCell(tsColumn[i], 'ts'),
          value: numberCell(valueColumn[i], 'value'),
          quality: qualityFromCode(numberCell(qualityColumn[i], 'quality')),
        };
      }
      return out;
    });
  }

  readBuckets(query: BucketQuery): Promise<Bucket[]> {
    return this.read('readBuckets', async (reader) => {
      const tagId = tagIdParam(query.tagId);
      const from = timeBound(query.from, 'from');
      const to = timeBound(query.to, 'to');
      if (!Number.isInteger(query.bucketMs) || query.bucketMs <= 0) {
        throw new UserError('invalid_input', `bucketMs must be a positive integer, got ${query.bucketMs}`);
      }
      const bucketMs = BigInt(query.bucketMs);
      const statement = await this.prepared(reader, BUCKETS_SQL);
      statement.bindInteger(1, tagId);
      statement.bindBigInt(2, from);
      statement.bindBigInt(3, to);
      statement.bindBigInt(4, bucketMs);
      const result = await statement.runAndReadAll();
      const [ts = [], n = [], lo = [], hi = [], mean = [], last = [], worst = []] = result.getColumns();
      const out: Bucket[] = new Array<Bucket>(ts.length);
      for (let i = 0; i < ts.length; i++) {
        out[i] = {
          ts: numberCell(ts[i], 'bucket'),
          count: numberCell(n[i], 'count'),
          min: numberCell(lo[i], 'min'),
          max: numberCell(hi[i], 'max'),
          avg: numberCell(mean[i], 'avg'),
          last: numberCell(last[i], 'last'),
          quality: numberCell(worst[i], 'quality') === 0 ? 'good' : 'uncertain',
        };
      }
      return out;
    });
  }

  /** Served from memory: the index is loaded from latest_log at open and updated after each commit. */
  latest(tagIds?: readonly number[]): Promise<StoredSample[]> {
    if (this.closed) return Promise.reject(this.closedError());
    return Promise.resolve(this.latestIndex.get(tagIds));
  }

  deleteBefore(before: number, tagIds?: readonly number[]): Promise<number> {
    return this.write('deleteBefore', async () => {
      const bound = timeBound(before, 'before');
      const ids = tagIds?.map(tagIdParam);
      if (ids?.length === 0) return 0;
      const filter = ids === undefined ? '' : ' AND list_contains($2, tag_id)';
      const values: DuckDBValue[] = ids === undefined ? [bound] : [bound, listValue(ids)];
      const types: DuckDBType[] = ids === undefined ? [BIGINT] : [BIGINT, LIST(INTEGER)];
      let deleted: number;
      let logDeleted: number;
      try {
        await this.writer.run('BEGIN TRANSACTION');
        deleted = (await this.writer.run(`DELETE FROM samples WHERE ts < $1${filter}`, values, types))
          .rowsChanged;
        // Log rows older than `before` are superseded or belong to tags now without samples.
        logDeleted = (await this.writer.run(`DELETE FROM latest_log WHERE ts < $1${filter}`, values, types))
          .rowsChanged;
        await this.writer.run('COMMIT');
      } catch (cause) {
        await this.abandonTransaction();
        throw cause;
      }
      this.latestIndex.deleteBefore(before, ids);
      this.latestLogRows -= logDeleted;
      return deleted;
    });
  }

  // ---- plant model ----

  listAssets(): Promise<Asset[]> {
    return this.read('listAssets', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT * FROM assets ORDER BY path');
      return result.getRowObjects().map((row) => parseRow(Asset, withoutNulls(row), 'asset'));
    });
  }

  getAsset(path: string): Promise<Asset | undefined> {
    return this.read('getAsset', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT * FROM assets WHERE path = $1',
        [path],
        [VARCHAR],
      );
      const row = result.getRowObjects()[0];
      return row === undefined ? undefined : parseRow(Asset, withoutNulls(row), 'asset');
    });
  }

  createAsset(asset: Asset): Promise<void> {
    return this.write('createAsset', async () => {
      const taken = await this.writer.runAndReadAll(
        'SELECT 1 FROM assets WHERE path = $1',
        [asset.path],
        [VARCHAR],
      );
      if (taken.currentRowCount > 0) {
        throw new UserError('already_exists', `asset ${asset.path} already exists`, {
          details: { path: asset.path },
        });
      }
      await this.writer.run(
        'INSERT INTO assets (path, level, name, description, kind) VALUES ($1, $2, $3, $4, $5)',
        [asset.path, asset.level, asset.name, asset.description ?? null, asset.kind ?? null],
        [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
      );
    });
  }

  listTags(): Promise<Tag[]> {
    return this.read('listTags', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT * FROM tags ORDER BY id');
      return result.getRowObjects().map(tagFromRow);
    });
  }

  createTag(tag: TagInput & { path: string }): Promise<Tag> {
    return this.write('createTag', async () => {
      // Validated here because the stored tag is built from it (and gets its defaults, e.g. dataType).
      const parsed = Tag.safeParse({ ...tag, id: 0 });
      if (!parsed.success) {
        throw new UserError('invalid_input', `tag ${tag.path} is invalid: ${parsed.error.message}`, {
          cause: parsed.error,
        });
      }
      const t = parsed.data;
      const taken = await this.writer.runAndReadAll(
        'SELECT 1 FROM tags WHERE path = $1',
        [t.path],
        [VARCHAR],
      );
      if (taken.currentRowCount > 0) {
        throw new UserError('already_exists', `tag ${t.path} already exists`, { details: { path: t.path } });
      }
      const inserted = await this.writer.runAndReadAll(
        `INSERT INTO tags (id, path, asset, name, unit, data_type, description, spec, states, source)
         VALUES (nextval('tag_ids'), $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          t.path,
          t.asset,
          t.name,
          t.unit ?? null,
          t.dataType,
          t.description ?? null,
          jsonOrNull(t.spec),
          jsonOrNull(t.states),
          jsonOrNull(t.source),
        ],
        Array.from({ length: 9 }, () => VARCHAR),
      );
      const row = inserted.getRowObjects()[0];
      if (row === undefined)
        throw new OperationalError('storage_failed', 'INSERT ... RETURNING returned no row');
      return tagFromRow(row);
    });
  }

  // ---- events ----

  appendEvents(events: readonly PlantEvent[]): Promise<void> {
    return this.write('appendEvents', async () => {
      if (events.length === 0) return;
      const rows = events.map((event): DuckDBValue[] => {
        const { id, ts, asset, kind, ...rest } = event;
        return [id, BigInt(ts), asset, kind, JSON.stringify(rest)];
      });
      await this.insertRows('events (id, ts, asset, kind, body)', rows, [
        VARCHAR,
        BIGINT,
        VARCHAR,
        VARCHAR,
        VARCHAR,
      ]);
    });
  }

  /** Kinds absent or empty: every kind. The asset prefix matches the asset itself and everything below it. */
  listEvents(query: EventQuery): Promise<PlantEvent[]> {
    return this.read('listEvents', async ({ connection }) => {
      const filter = windowFilter(query);
      const { values, types } = filter;
      let { where } = filter;
      if (query.kinds !== undefined && query.kinds.length > 0) {
        where += ' AND list_contains(?, kind)';
        values.push(listValue([...query.kinds]));
        types.push(LIST(VARCHAR));
      }
      values.push(rowLimit(query.limit));
      types.push(BIGINT);
      const result = await connection.runAndReadAll(
        `SELECT id, ts::DOUBLE AS ts, asset, kind, body FROM events WHERE ${where} ORDER BY ts DESC, seq DESC LIMIT ?`,
        values,
        types,
      );
      return result.getRowObjects().map((row) => {
        const body = parseJsonColumn(row['body'], 'event body');
        const fields = typeof body === 'object' && body !== null ? body : {};
        return parseRow(
          PlantEvent,
          { ...fields, id: row['id'], ts: row['ts'], asset: row['asset'], kind: row['kind'] },
          'event',
        );
      });
    });
  }

  // ---- dead letters ----

  appendDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    return this.write('appendDeadLetters', async () => {
      if (letters.length === 0) return;
      const rows = letters.map((l): DuckDBValue[] => [BigInt(l.ts), l.source, l.reason, l.payload]);
      await this.insertRows('dead_letters (ts, source, reason, payload)', rows, [
        BIGINT,
        VARCHAR,
        VARCHAR,
        VARCHAR,
      ]);
    });
  }

  listDeadLetters(query: { limit: number; since?: number }): Promise<DeadLetter[]> {
    return this.read('listDeadLetters', async ({ connection }) => {
      const since = timeBound(query.since ?? -Infinity, 'since');
      const limit = rowLimit(query.limit);
      const result = await connection.runAndReadAll(
        `SELECT ts::DOUBLE AS ts, source, reason, payload FROM dead_letters
         WHERE ts >= $1 ORDER BY ts DESC, seq DESC LIMIT $2`,
        [since, limit],
        [BIGINT, BIGINT],
      );
      return result.getRowObjects().map((row) => parseRow(DeadLetter, withoutNulls(row), 'dead letter'));
    });
  }

  countDeadLetters(): Promise<number> {
    return this.read('countDeadLetters', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT count(*)::DOUBLE FROM dead_letters');
      return numberCell(result.getRows()[0]?.[0], 'count');
    });
  }

  // ---- API tokens ----

  createToken(token: StoredApiToken): Promise<void> {
    return this.write('createToken', async () => {
      await this.writer.run(
        `INSERT INTO api_tokens (id, name, role, created_at, revoked_at, secret_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          token.id,
          token.name,
          token.role,
          BigInt(token.createdAt),
          token.revokedAt === undefined ? null : BigInt(token.revokedAt),
          token.secretHash,
        ],
        [VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT, VARCHAR],
      );
    });
  }

  findTokenByHash(secretHash: string): Promise<StoredApiToken | undefined> {
    return this.read('findTokenByHash', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        `${TOKEN_SELECT} WHERE secret_hash = $1`,
        [secretHash],
        [VARCHAR],
      );
      const row = result.getRowObjects()[0];
      return row === undefined ? undefined : parseRow(StoredToken, withoutNulls(row), 'API token');
    });
  }

  listTokens(): Promise<StoredApiToken[]> {
    return this.read('listTokens', async ({ connection }) => {
      const result = await connection.runAndReadAll(`${TOKEN_SELECT} ORDER BY created_at, id`);
      return result.getRowObjects().map((row) => parseRow(StoredToken, withoutNulls(row), 'API token'));
    });
  }

  /** True when an active token was revoked now; false for an unknown or already revoked one (its time is kept). */
  revokeToken(id: string, at: number): Promise<boolean> {
    return this.write('revokeToken', async () => {
      const revokedAt = timeBound(at, 'at');
      const result = await this.writer.run(
        'UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
        [id, revokedAt],
        [VARCHAR, BIGINT],
      );
      return result.rowsChanged > 0;
    });
  }

  // ---- connections ----

  listConnections(): Promise<ConnectionConfig[]> {
    return this.read('listConnections', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT config FROM connections ORDER BY created_seq');
      return result
        .getRows()
        .map(([config]) => parseRow(ConnectionConfig, JSON.parse(String(config)) as unknown, 'connection'));
    });
  }

  createConnection(config: ConnectionConfig): Promise<void> {
    return this.write('createConnection', async () => {
      const taken = await this.writer.runAndReadAll(
        'SELECT 1 FROM connections WHERE id = $1',
        [config.id],
        [VARCHAR],
      );
      if (taken.currentRowCount > 0) {
        throw new UserError('already_exists', `connection ${config.id} already exists`, {
          details: { id: config.id },
        });
      }
      await this.writer.run(
        'INSERT INTO connections (id, kind, config) VALUES ($1, $2, $3)',
        [config.id, config.kind, JSON.stringify(config)],
        [VARCHAR, VARCHAR, VARCHAR],
      );
    });
  }

  deleteConnection(id: string): Promise<boolean> {
    return this.write('deleteConnection', async () => {
      const result = await this.writer.run('DELETE FROM connections WHERE id = $1', [id], [VARCHAR]);
      return result.rowsChanged > 0;
    });
  }

  // ---- inspections ----

  appendInspections(inspections: readonly Inspection[]): Promise<void> {
    return this.write('appendInspections', async () => {
      if (inspections.length === 0) return;
      const rows = inspections.map((inspection): DuckDBValue[] => {
        const { id, ts, asset, result, defectCategory, ...rest } = inspection;
        return [id, BigInt(ts), asset, result, defectCategory ?? null, JSON.stringify(rest)];
      });
      await this.insertRows('inspections (id, ts, asset, result, defect_category, body)', rows, [
        VARCHAR,
        BIGINT,
        VARCHAR,
        VARCHAR,
        VARCHAR,
        VARCHAR,
      ]);
    });
  }

  listInspections(query: InspectionQuery): Promise<Inspection[]> {
    return this.read('listInspections', async ({ connection }) => {
      const filter = windowFilter(query);
      const { values, types } = filter;
      let { where } = filter;
      if (query.result !== undefined) {
        where += ' AND result = ?';
        values.push(query.result);
        types.push(VARCHAR);
      }
      if (query.defectCategory !== undefined) {
        where += ' AND defect_category = ?';
        values.push(query.defectCategory);
        types.push(VARCHAR);
      }
      values.push(rowLimit(query.limit));
      types.push(BIGINT);
      const result = await connection.runAndReadAll(
        `SELECT id, ts::DOUBLE AS ts, asset, result, defect_category, body FROM inspections WHERE ${where} ORDER BY ts DESC, seq DESC LIMIT ?`,
        values,
        types,
      );
      return result.getRowObjects().map((row) => {
        const body = parseJsonColumn(row['body'], 'inspection body');
        const fields = typeof body === 'object' && body !== null ? body : {};
        return parseRow(
          Inspection,
          {
            ...fields,
            id: row['id'],
            ts: row['ts'],
            asset: row['asset'],
            result: row['result'],
            ...(row['defect_category'] !== null && { defectCategory: row['defect_category'] }),
          },
          'inspection',
        );
      });
    });
  }

  // ---- live SPC charts ----

  listSpcCharts(): Promise<SpcChartConfig[]> {
    return this.read('listSpcCharts', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT config FROM spc_charts ORDER BY created_seq');
      return result
        .getRows()
        .map(([config]) => parseRow(SpcChartConfig, JSON.parse(String(config)) as unknown, 'SPC chart'));
    });
  }

  createSpcChart(config: SpcChartConfig): Promise<void> {
    return this.write('createSpcChart', async () => {
      const taken = await this.writer.runAndReadAll(
        'SELECT 1 FROM spc_charts WHERE id = $1',
        [config.id],
        [VARCHAR],
      );
      if (taken.currentRowCount > 0) {
        throw new UserError('already_exists', `SPC chart ${config.id} already exists`, {
          details: { id: config.id },
        });
      }
      await this.writer.run(
        'INSERT INTO spc_charts (id, config) VALUES ($1, $2)',
        [config.id, JSON.stringify(config)],
        [VARCHAR, VARCHAR],
      );
    });
  }

  deleteSpcChart(id: string): Promise<boolean> {
    return this.write('deleteSpcChart', async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run('DELETE FROM spc_points WHERE chart = $1', [id], [VARCHAR]);
        const result = await this.writer.run('DELETE FROM spc_charts WHERE id = $1', [id], [VARCHAR]);
        await this.writer.run('COMMIT');
        return result.rowsChanged > 0;
      } catch (error) {
        await this.abandonTransaction();
        throw error;
      }
    });
  }

  appendSpcPoints(points: readonly SpcPoint[]): Promise<void> {
    return this.write('appendSpcPoints', async () => {
      if (points.length === 0) return;
      const rows = points.map((point): DuckDBValue[] => {
        const { chart, ts, ...rest } = point;
        return [chart, BigInt(ts), JSON.stringify(rest)];
      });
      await this.insertRows('spc_points (chart, ts, body)', rows, [VARCHAR, BIGINT, VARCHAR]);
    });
  }

  listSpcPoints(query: { chart: string; from: number; to: number; limit: number }): Promise<SpcPoint[]> {
    return this.read('listSpcPoints', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        `SELECT ts::DOUBLE AS ts, body FROM (
           SELECT ts, body, rowid AS r FROM spc_points WHERE chart = ? AND ts >= ? AND ts < ? ORDER BY ts DESC, r DESC LIMIT ?
         ) ORDER BY ts, r`,
        [query.chart, timeBound(query.from, 'from'), timeBound(query.to, 'to'), rowLimit(query.limit)],
        [VARCHAR, BIGINT, BIGINT, BIGINT],
      );
      return result.getRowObjects().map((row) => {
        const body = parseJsonColumn(row['body'], 'SPC point');
        const fields = typeof body === 'object' && body !== null ? body : {};
        return parseRow(SpcPoint, { ...fields, chart: query.chart, ts: row['ts'] }, 'SPC point');
      });
    });
  }

  // ---- work orders ----

  createWorkOrder(order: Omit<WorkOrder, 'id'>): Promise<WorkOrder> {
    return this.write('createWorkOrder', async () => {
      const next = await this.writer.runAndReadAll("SELECT nextval('work_order_seq')::DOUBLE AS seq");
      const seq = Number(next.getRows()[0]?.[0]);
      const created: WorkOrder = { id: `WO-${String(seq).padStart(6, '0')}`, ...order };
      await this.writer.run(
        'INSERT INTO work_orders (id, seq, asset, status, updated_at, body) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          created.id,
          BigInt(seq),
          created.asset,
          created.status,
          BigInt(created.updatedAt),
          JSON.stringify(created),
        ],
        [VARCHAR, BIGINT, VARCHAR, VARCHAR, BIGINT, VARCHAR],
      );
      return created;
    });
  }

  getWorkOrder(id: string): Promise<WorkOrder | undefined> {
    return this.read('getWorkOrder', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM work_orders WHERE id = ?',
        [id],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined
        ? undefined
        : parseRow(WorkOrder, parseJsonColumn(body, 'work order'), 'work order');
    });
  }

  listWorkOrders(query: WorkOrderQuery): Promise<WorkOrder[]> {
    return this.read('listWorkOrders', async ({ connection }) => {
      const values: DuckDBValue[] = [];
      const types: DuckDBType[] = [];
      const where: string[] = [];
      if (query.assetPrefix !== undefined) {
        where.push('(asset = ? OR starts_with(asset, ?))');
        values.push(query.assetPrefix, `${query.assetPrefix}/`);
        types.push(VARCHAR, VARCHAR);
      }
      if (query.statuses !== undefined && query.statuses.length > 0) {
        where.push('list_contains(?, status)');
        values.push(listValue([...query.statuses]));
        types.push(LIST(VARCHAR));
      }
      values.push(rowLimit(query.limit));
      types.push(BIGINT);
      const result = await connection.runAndReadAll(
        `SELECT body FROM work_orders ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
        values,
        types,
      );
      return result
        .getRows()
        .map(([body]) => parseRow(WorkOrder, parseJsonColumn(body, 'work order'), 'work order'));
    });
  }

  updateWorkOrder(order: WorkOrder, expectedUpdatedAt: number): Promise<void> {
    return this.write('updateWorkOrder', async () => {
      const result = await this.writer.run(
        'UPDATE work_orders SET status = $2, asset = $3, updated_at = $4, body = $5 WHERE id = $1 AND updated_at = $6',
        [
          order.id,
          order.status,
          order.asset,
          BigInt(order.updatedAt),
          JSON.stringify(order),
          BigInt(expectedUpdatedAt),
        ],
        [VARCHAR, VARCHAR, VARCHAR, BIGINT, VARCHAR, BIGINT],
      );
      if (result.rowsChanged > 0) return;
      const exists = await this.writer.runAndReadAll(
        'SELECT 1 FROM work_orders WHERE id = $1',
        [order.id],
        [VARCHAR],
      );
      if (exists.currentRowCount === 0) throw new UserError('not_found', `no work order ${order.id}`);
      throw new UserError('conflict', `work order ${order.id} was changed by someone else; read it again`, {
        details: { id: order.id },
      });
    });
  }

  // ---- supply: items, demand, stock, forecasts ----

  putItem(item: Item): Promise<void> {
    return this.write('putItem', async () => {
      await this.writer.run(
        'INSERT OR REPLACE INTO items (id, body) VALUES ($1, $2)',
        [item.id, JSON.stringify(item)],
        [VARCHAR, VARCHAR],
      );
    });
  }

  getItem(id: string): Promise<Item | undefined> {
    return this.read('getItem', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT body FROM items WHERE id = ?', [id], [VARCHAR]);
      const body = result.getRows()[0]?.[0];
      return body === undefined ? undefined : parseRow(Item, parseJsonColumn(body, 'item'), 'item');
    });
  }

  listItems(): Promise<Item[]> {
    return this.read('listItems', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT body FROM items ORDER BY id');
      return result.getRows().map(([body]) => parseRow(Item, parseJsonColumn(body, 'item'), 'item'));
    });
  }

  putDemand(points: readonly DemandPoint[]): Promise<void> {
    return this.write('putDemand', async () => {
      for (const p of points) {
        await this.writer.run(
          'INSERT OR REPLACE INTO demand (item, ts, quantity) VALUES ($1, $2, $3)',
          [p.item, BigInt(p.ts), p.quantity],
          [VARCHAR, BIGINT, DOUBLE],
        );
      }
    });
  }

  readDemand(item: string): Promise<DemandPoint[]> {
    return this.read('readDemand', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT ts::DOUBLE, quantity FROM demand WHERE item = ? ORDER BY ts',
        [item],
        [VARCHAR],
      );
      return result.getRows().map(([ts, quantity]) => ({ item, ts: Number(ts), quantity: Number(quantity) }));
    });
  }

  putStock(level: StockLevel): Promise<void> {
    return this.write('putStock', async () => {
      await this.writer.run(
        'INSERT INTO stock (item, ts, body) VALUES ($1, $2, $3)',
        [level.item, BigInt(level.ts), JSON.stringify(level)],
        [VARCHAR, BIGINT, VARCHAR],
      );
    });
  }

  latestStock(item: string): Promise<StockLevel | undefined> {
    return this.read('latestStock', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM stock WHERE item = ? ORDER BY ts DESC LIMIT 1',
        [item],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined ? undefined : parseRow(StockLevel, parseJsonColumn(body, 'stock'), 'stock');
    });
  }

  createForecast(forecast: ForecastRecord): Promise<void> {
    return this.write('createForecast', async () => {
      await this.writer.run(
        'INSERT INTO forecasts (id, item, created_at, body) VALUES ($1, $2, $3, $4)',
        [forecast.id, forecast.item, BigInt(forecast.createdAt), JSON.stringify(forecast)],
        [VARCHAR, VARCHAR, BIGINT, VARCHAR],
      );
    });
  }

  listForecasts(item: string, limit: number): Promise<ForecastRecord[]> {
    return this.read('listForecasts', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM forecasts WHERE item = ? ORDER BY created_at DESC, id DESC LIMIT ?',
        [item, rowLimit(limit)],
        [VARCHAR, BIGINT],
      );
      return result
        .getRows()
        .map(([body]) => parseRow(ForecastRecord, parseJsonColumn(body, 'forecast'), 'forecast'));
    });
  }

  // ---- documents and their passages ----

  putDocument(document: DocumentRecord, chunks: readonly StoredChunk[]): Promise<void> {
    return this.write('putDocument', async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run('DELETE FROM document_chunks WHERE document = $1', [document.id], [VARCHAR]);
        await this.writer.run(
          'INSERT OR REPLACE INTO documents (id, body) VALUES ($1, $2)',
          [document.id, JSON.stringify(document)],
          [VARCHAR, VARCHAR],
        );
        for (const chunk of chunks) {
          const { vector, embedder, ...body } = chunk;
          await this.writer.run(
            'INSERT INTO document_chunks (document, seq, body, embedder, vector) VALUES ($1, $2, $3, $4, $5)',
            [
              document.id,
              chunk.seq,
              JSON.stringify(body),
              embedder ?? null,
              vector === undefined
                ? null
                : blobValue(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength)),
            ],
            [VARCHAR, INTEGER, VARCHAR, VARCHAR, BLOB],
          );
        }
        await this.writer.run('COMMIT');
      } catch (error) {
        await this.abandonTransaction();
        throw error;
      }
    });
  }

  getDocument(id: string): Promise<DocumentRecord | undefined> {
    return this.read('getDocument', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM documents WHERE id = ?',
        [id],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined
        ? undefined
        : parseRow(DocumentRecord, parseJsonColumn(body, 'document'), 'document');
    });
  }

  listDocuments(): Promise<DocumentRecord[]> {
    return this.read('listDocuments', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT body FROM documents ORDER BY id');
      return result
        .getRows()
        .map(([body]) => parseRow(DocumentRecord, parseJsonColumn(body, 'document'), 'document'));
    });
  }

  deleteDocument(id: string): Promise<boolean> {
    return this.write('deleteDocument', async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run('DELETE FROM document_chunks WHERE document = $1', [id], [VARCHAR]);
        const result = await this.writer.run('DELETE FROM documents WHERE id = $1', [id], [VARCHAR]);
        await this.writer.run('COMMIT');
        return result.rowsChanged > 0;
      } catch (error) {
        await this.abandonTransaction();
        throw error;
      }
    });
  }

  listChunks(query: { documents?: readonly string[] }): Promise<StoredChunk[]> {
    return this.read('listChunks', async ({ connection }) => {
      const filtered = query.documents !== undefined;
      const result = await connection.runAndReadAll(
        `SELECT body, embedder, vector FROM document_chunks ${filtered ? 'WHERE list_contains(?, document)' : ''} ORDER BY document, seq`,
        filtered ? [listValue([...(query.documents ?? [])])] : [],
        filtered ? [LIST(VARCHAR)] : [],
      );
      return result.getRows().map(([body, embedder, vector]): StoredChunk => {
        const chunk = parseRow(DocumentChunk, parseJsonColumn(body, 'document chunk'), 'document chunk');
        if (!(vector instanceof DuckDBBlobValue) || typeof embedder !== 'string') return chunk;
        // Copy into a fresh buffer: the blob's bytes need not be 4-byte aligned for a Float32Array view, and they
        // may be a Buffer, whose slice() is a view into a shared pool, not a copy.
        const bytes = new Uint8Array(vector.bytes);
        return { ...chunk, embedder, vector: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4) };
      });
    });
  }

  // ---- FMEA rows ----

  putFailureModes(rows: readonly FailureMode[]): Promise<void> {
    return this.write('putFailureModes', async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const row of rows) {
          await this.writer.run(
            'INSERT OR REPLACE INTO failure_modes (id, body) VALUES ($1, $2)',
            [row.id, JSON.stringify(row)],
            [VARCHAR, VARCHAR],
          );
        }
        await this.writer.run('COMMIT');
      } catch (error) {
        await this.abandonTransaction();
        throw error;
      }
    });
  }

  listFailureModes(): Promise<FailureMode[]> {
    return this.read('listFailureModes', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT body FROM failure_modes ORDER BY id');
      return result
        .getRows()
        .map(([body]) => parseRow(FailureMode, parseJsonColumn(body, 'failure mode'), 'failure mode'));
    });
  }

  deleteFailureMode(id: string): Promise<boolean> {
    return this.write('deleteFailureMode', async () => {
      const result = await this.writer.run('DELETE FROM failure_modes WHERE id = $1', [id], [VARCHAR]);
      return result.rowsChanged > 0;
    });
  }

  // ---- OEE machine configurations ----

  putOeeMachine(config: OeeMachineConfig): Promise<void> {
    return this.write('putOeeMachine', async () => {
      await this.writer.run(
        'INSERT OR REPLACE INTO oee_machines (asset, body) VALUES ($1, $2)',
        [config.asset, JSON.stringify(config)],
        [VARCHAR, VARCHAR],
      );
    });
  }

  getOeeMachine(asset: string): Promise<OeeMachineConfig | undefined> {
    return this.read('getOeeMachine', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM oee_machines WHERE asset = ?',
        [asset],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined
        ? undefined
        : parseRow(OeeMachineConfig, parseJsonColumn(body, 'OEE machine'), 'OEE machine');
    });
  }

  listOeeMachines(): Promise<OeeMachineConfig[]> {
    return this.read('listOeeMachines', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT body FROM oee_machines ORDER BY asset');
      return result
        .getRows()
        .map(([body]) => parseRow(OeeMachineConfig, parseJsonColumn(body, 'OEE machine'), 'OEE machine'));
    });
  }

  deleteOeeMachine(asset: string): Promise<boolean> {
    return this.write('deleteOeeMachine', async () => {
      const result = await this.writer.run('DELETE FROM oee_machines WHERE asset = $1', [asset], [VARCHAR]);
      return result.rowsChanged > 0;
    });
  }

  // ---- proposals ----

  createProposal(proposal: Omit<Proposal, 'id'>): Promise<Proposal> {
    return this.write('createProposal', async () => {
      const next = await this.writer.runAndReadAll("SELECT nextval('proposal_seq')::DOUBLE AS seq");
      const seq = Number(next.getRows()[0]?.[0]);
      const created: Proposal = { id: `PR-${String(seq).padStart(6, '0')}`, ...proposal };
      await this.writer.run(
        'INSERT INTO proposals (id, seq, status, updated_at, body) VALUES ($1, $2, $3, $4, $5)',
        [created.id, BigInt(seq), created.status, BigInt(created.updatedAt), JSON.stringify(created)],
        [VARCHAR, BIGINT, VARCHAR, BIGINT, VARCHAR],
      );
      return created;
    });
  }

  getProposal(id: string): Promise<Proposal | undefined> {
    return this.read('getProposal', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM proposals WHERE id = ?',
        [id],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined
        ? undefined
        : parseRow(Proposal, parseJsonColumn(body, 'proposal'), 'proposal');
    });
  }

  listProposals(query: { status?: ProposalStatus; limit: number }): Promise<Proposal[]> {
    return this.read('listProposals', async ({ connection }) => {
      const byStatus = query.status !== undefined;
      const result = await connection.runAndReadAll(
        `SELECT body FROM proposals ${byStatus ? 'WHERE status = ?' : ''} ORDER BY seq DESC LIMIT ?`,
        byStatus ? [query.status ?? '', rowLimit(query.limit)] : [rowLimit(query.limit)],
        byStatus ? [VARCHAR, BIGINT] : [BIGINT],
      );
      return result
        .getRows()
        .map(([body]) => parseRow(Proposal, parseJsonColumn(body, 'proposal'), 'proposal'));
    });
  }

  updateProposal(proposal: Proposal, expectedUpdatedAt: number): Promise<void> {
    return this.write('updateProposal', async () => {
      const result = await this.writer.run(
        'UPDATE proposals SET status = $2, updated_at = $3, body = $4 WHERE id = $1 AND updated_at = $5',
        [
          proposal.id,
          proposal.status,
          BigInt(proposal.updatedAt),
          JSON.stringify(proposal),
          BigInt(expectedUpdatedAt),
        ],
        [VARCHAR, VARCHAR, BIGINT, VARCHAR, BIGINT],
      );
      if (result.rowsChanged > 0) return;
      const exists = await this.writer.runAndReadAll(
        'SELECT 1 FROM proposals WHERE id = $1',
        [proposal.id],
        [VARCHAR],
      );
      if (exists.currentRowCount === 0) throw new UserError('not_found', `no proposal ${proposal.id}`);
      throw new UserError('conflict', `proposal ${proposal.id} was decided by someone else; read it again`, {
        details: { id: proposal.id },
      });
    });
  }

  // ---- production orders and schedules ----

  createOrder(order: ProductionOrder): Promise<void> {
    return this.write('createOrder', async () => {
      const taken = await this.writer.runAndReadAll(
        'SELECT 1 FROM production_orders WHERE id = $1',
        [order.id],
        [VARCHAR],
      );
      if (taken.currentRowCount > 0) {
        throw new UserError('already_exists', `order ${order.id} already exists`, {
          details: { id: order.id },
        });
      }
      await this.writer.run(
        'INSERT INTO production_orders (id, status, body) VALUES ($1, $2, $3)',
        [order.id, order.status, JSON.stringify(order)],
        [VARCHAR, VARCHAR, VARCHAR],
      );
    });
  }

  getOrder(id: string): Promise<ProductionOrder | undefined> {
    return this.read('getOrder', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM production_orders WHERE id = ?',
        [id],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined
        ? undefined
        : parseRow(ProductionOrder, parseJsonColumn(body, 'order'), 'order');
    });
  }

  listOrders(query: { statuses?: readonly OrderStatus[]; limit: number }): Promise<ProductionOrder[]> {
    return this.read('listOrders', async ({ connection }) => {
      const rows = await this.#bodiesByStatus(connection, 'production_orders', 'ASC', query);
      return rows.map((body) => parseRow(ProductionOrder, parseJsonColumn(body, 'order'), 'order'));
    });
  }

  updateOrder(order: ProductionOrder): Promise<void> {
    return this.write('updateOrder', async () => {
      const result = await this.writer.run(
        'UPDATE production_orders SET status = $2, body = $3 WHERE id = $1',
        [order.id, order.status, JSON.stringify(order)],
        [VARCHAR, VARCHAR, VARCHAR],
      );
      if (result.rowsChanged === 0) throw new UserError('not_found', `no order ${order.id}`);
    });
  }

  createSchedule(schedule: Omit<Schedule, 'id'>): Promise<Schedule> {
    return this.write('createSchedule', async () => {
      const next = await this.writer.runAndReadAll("SELECT nextval('schedule_seq')::DOUBLE AS seq");
      const seq = Number(next.getRows()[0]?.[0]);
      const created: Schedule = { id: `SCH-${String(seq).padStart(6, '0')}`, ...schedule };
      await this.writer.run(
        'INSERT INTO schedules (id, seq, status, updated_at, body) VALUES ($1, $2, $3, $4, $5)',
        [created.id, BigInt(seq), created.status, BigInt(created.updatedAt), JSON.stringify(created)],
        [VARCHAR, BIGINT, VARCHAR, BIGINT, VARCHAR],
      );
      return created;
    });
  }

  getSchedule(id: string): Promise<Schedule | undefined> {
    return this.read('getSchedule', async ({ connection }) => {
      const result = await connection.runAndReadAll(
        'SELECT body FROM schedules WHERE id = ?',
        [id],
        [VARCHAR],
      );
      const body = result.getRows()[0]?.[0];
      return body === undefined
        ? undefined
        : parseRow(Schedule, parseJsonColumn(body, 'schedule'), 'schedule');
    });
  }

  listSchedules(query: { statuses?: readonly ScheduleStatus[]; limit: number }): Promise<Schedule[]> {
    return this.read('listSchedules', async ({ connection }) => {
      const rows = await this.#bodiesByStatus(connection, 'schedules', 'DESC', query);
      return rows.map((body) => parseRow(Schedule, parseJsonColumn(body, 'schedule'), 'schedule'));
    });
  }

  updateSchedule(schedule: Schedule, expectedUpdatedAt: number): Promise<void> {
    return this.write('updateSchedule', async () => {
      const result = await this.writer.run(
        'UPDATE schedules SET status = $2, updated_at = $3, body = $4 WHERE id = $1 AND updated_at = $5',
        [
          schedule.id,
          schedule.status,
          BigInt(schedule.updatedAt),
          JSON.stringify(schedule),
          BigInt(expectedUpdatedAt),
        ],
        [VARCHAR, VARCHAR, BIGINT, VARCHAR, BIGINT],
      );
      if (result.rowsChanged > 0) return;
      const exists = await this.writer.runAndReadAll(
        'SELECT 1 FROM schedules WHERE id = $1',
        [schedule.id],
        [VARCHAR],
      );
      if (exists.currentRowCount === 0) throw new UserError('not_found', `no schedule ${schedule.id}`);
      throw new UserError('conflict', `schedule ${schedule.id} was changed by someone else; read it again`, {
        details: { id: schedule.id },
      });
    });
  }

  /** The JSON bodies of a table with `seq` and `status` columns, filtered by status, in seq order. */
  async #bodiesByStatus(
    connection: DuckDBConnection,
    table: 'production_orders' | 'schedules',
    order: 'ASC' | 'DESC',
    query: { statuses?: readonly string[]; limit: number },
  ): Promise<unknown[]> {
    const filtered = query.statuses !== undefined && query.statuses.length > 0;
    const result = await connection.runAndReadAll(
      `SELECT body FROM ${table} ${filtered ? 'WHERE list_contains(?, status)' : ''} ORDER BY seq ${order} LIMIT ?`,
      [...(filtered ? [listValue([...(query.statuses ?? [])])] : []), rowLimit(query.limit)],
      [...(filtered ? [LIST(VARCHAR)] : []), BIGINT],
    );
    return result.getRows().map(([body]) => body);
  }

  // ---- model registry ----

  createModel(model: ModelRecord): Promise<void> {
    return this.write('createModel', async () => {
      const { artifact, ...summary } = model;
      const taken = await this.writer.runAndReadAll(
        'SELECT 1 FROM models WHERE name = $1 AND version = $2',
        [model.name, model.version],
        [VARCHAR, INTEGER],
      );
      if (taken.currentRowCount > 0) {
        throw new UserError('already_exists', `model ${model.name} version ${model.version} already exists`, {
          details: { name: model.name, version: model.version },
        });
      }
      await this.writer.run(
        'INSERT INTO models (name, version, status, summary, artifact) VALUES ($1, $2, $3, $4, $5)',
        [model.name, model.version, model.status, JSON.stringify(summary), JSON.stringify(artifact ?? null)],
        [VARCHAR, INTEGER, VARCHAR, VARCHAR, VARCHAR],
      );
    });
  }

  getModel(name: string, version?: number): Promise<ModelRecord | undefined> {
    return this.read('getModel', async ({ connection }) => {
      const result =
        version === undefined
          ? await connection.runAndReadAll(
              'SELECT summary, artifact FROM models WHERE name = ? ORDER BY version DESC LIMIT 1',
              [name],
              [VARCHAR],
            )
          : await connection.runAndReadAll(
              'SELECT summary, artifact FROM models WHERE name = ? AND version = ?',
              [name, version],
              [VARCHAR, INTEGER],
            );
      const row = result.getRows()[0];
      if (row === undefined) return undefined;
      const summary = parseJsonColumn(row[0], 'model');
      const fields = typeof summary === 'object' && summary !== null ? summary : {};
      return parseRow(
        ModelRecord,
        { ...fields, artifact: parseJsonColumn(row[1], 'model artifact') },
        'model',
      );
    });
  }

  listModels(): Promise<ModelSummary[]> {
    return this.read('listModels', async ({ connection }) => {
      const result = await connection.runAndReadAll('SELECT summary FROM models ORDER BY name, version DESC');
      return result
        .getRows()
        .map(([summary]) => parseRow(ModelSummary, parseJsonColumn(summary, 'model'), 'model'));
    });
  }

  updateModel(model: ModelRecord): Promise<void> {
    return this.write('updateModel', async () => {
      const { artifact, ...summary } = model;
      const result = await this.writer.run(
        'UPDATE models SET status = $3, summary = $4, artifact = $5 WHERE name = $1 AND version = $2',
        [model.name, model.version, model.status, JSON.stringify(summary), JSON.stringify(artifact ?? null)],
        [VARCHAR, INTEGER, VARCHAR, VARCHAR, VARCHAR],
      );
      if (result.rowsChanged === 0) {
        throw new UserError('not_found', `no model ${model.name} version ${model.version}`);
      }
    });
  }

  // ---- audit ----

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.write('appendAudit', async () => {
      await this.writer.run(
        `INSERT INTO audit_log (ts, principal, operation, input, outcome, error) VALUES ($1, $2, $3, $4, $5, $6)`,
        [BigInt(entry.ts), entry.principal, entry.operation, entry.input, entry.outcome, entry.error ?? null],
        [BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
      );
    });
  }

  listAudit(query: { limit: number; since?: number }): Promise<AuditEntry[]> {
    return this.read('listAudit', async ({ connection }) => {
      const since = timeBound(query.since ?? -Infinity, 'since');
      const limit = rowLimit(query.limit);
      const result = await connection.runAndReadAll(
        `SELECT ts::DOUBLE AS ts, principal, operation, input, outcome, error FROM audit_log
         WHERE ts >= $1 ORDER BY ts DESC, seq DESC LIMIT $2`,
        [since, limit],
        [BIGINT, BIGINT],
      );
      return result.getRowObjects().map((row) => parseRow(AuditEntry, withoutNulls(row), 'audit'));
    });
  }

  // ---- lifecycle ----

  /** Waits for queued work, then closes connections and the database, releasing the file. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.writes.idle(), ...this.readers.map((r) => r.queue.idle())]);
    try {
      this.appenders.samples.closeSync();
      this.appenders.latestLog.closeSync();
      for (const reader of this.readers) {
        for (const statement of reader.prepared.values()) statement.destroySync();
        reader.connection.closeSync();
      }
      this.writer.closeSync();
      this.instance.closeSync();
    } catch (cause) {
      throw storageError('closing the DuckDB store', cause);
    } finally {
      openPaths.delete(this.path);
    }
  }

  private closedError(): OperationalError {
    return new OperationalError('unavailable', `the DuckDB store at ${this.path} is closed`);
  }

  private write<T>(what: string, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    return this.writes.run(async () => {
      try {
        return await task();
      } catch (cause) {
        throw storageError(what, cause);
      }
    });
  }

  private read<T>(what: string, task: (reader: Reader) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    // The least busy reader; openDuckDbStore makes at least one.
    const reader = this.readers.reduce((a, b) => (b.queue.pending < a.queue.pending ? b : a));
    return reader.queue.run(async () => {
      try {
        return await task(reader);
      } catch (cause) {
        throw storageError(what, cause);
      }
    });
  }

  private async prepared(reader: Reader, sql: string): Promise<DuckDBPreparedStatement> {
    let statement = reader.prepared.get(sql);
    if (statement === undefined) {
      statement = await reader.connection.prepare(sql);
      reader.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Multi-row INSERTs of `rows` in one transaction. */
  private async insertRows(target: string, rows: DuckDBValue[][], columnTypes: DuckDBType[]): Promise<void> {
    try {
      await this.writer.run('BEGIN TRANSACTION');
      for (let start = 0; start < rows.length; start += INSERT_ROWS) {
        const part = rows.slice(start, start + INSERT_ROWS);
        await this.writer.run(
          `INSERT INTO ${target} VALUES ${valuesClause(part.length, columnTypes.length)}`,
          part.flat(),
          part.flatMap(() => columnTypes),
        );
      }
      await this.writer.run('COMMIT');
    } catch (cause) {
      await this.abandonTransaction();
      throw cause;
    }
  }

  /**
   * Rewrites latest_log to one row per tag once it holds LATEST_LOG_SLACK times more. Runs before an append's
   * own transaction, so a failure here fails that append with nothing of it written.
   */
  private async compactLatestLogIfLong(): Promise<void> {
    if (this.latestLogRows <= Math.max(LATEST_LOG_MIN_ROWS, LATEST_LOG_SLACK * this.latestIndex.tagCount))
      return;
    const rows = this.latestIndex.snapshot();
    try {
      await this.writer.run('BEGIN TRANSACTION');
      await this.writer.run('DELETE FROM latest_log');
      this.chunks.append(this.appenders.latestLog, rows, 0, rows.length);
      this.appenders.latestLog.flushSync();
      await this.writer.run('COMMIT');
    } catch (cause) {
      await this.abandonTransaction();
      throw cause;
    }
    this.latestLogRows = rows.length;
  }

  /** Rolls back after a failed write and drops whatever the appenders still buffer. */
  private async abandonTransaction(): Promise<void> {
    try {
      await this.writer.run('ROLLBACK');
    } catch {
      // No transaction was open (BEGIN itself failed, or DuckDB already aborted it): nothing to undo.
    }
    try {
      this.appenders.samples.clear();
      this.appenders.latestLog.clear();
    } catch {
      // An appender that cannot even clear is broken: replace both, so the next write starts clean.
      this.appenders = {
        samples: await this.writer.createAppender('samples'),
        latestLog: await this.writer.createAppender('latest_log'),
      };
    }
  }
}

const TOKEN_SELECT = `SELECT id, name, role, created_at::DOUBLE AS "createdAt", revoked_at::DOUBLE AS "revokedAt",
  secret_hash AS "secretHash" FROM api_tokens`;

function tagFromRow(row: Record<string, DuckDBValue>): Tag {
  const r = withoutNulls(row);
  const json = (key: string) => (r[key] === undefined ? undefined : parseJsonColumn(r[key], `tag ${key}`));
  const candidate: Record<string, unknown> = {
    id: r['id'],
    path: r['path'],
    asset: r['asset'],
    name: r['name'],
    dataType: r['data_type'],
  };
  const optional = {
    unit: r['unit'],
    description: r['description'],
    spec: json('spec'),
    states: json('states'),
    source: json('source'),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) candidate[key] = value;
  return parseRow(Tag, candidate, 'tag');
}
