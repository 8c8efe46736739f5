/** Moves sample columns from typed arrays into DuckDB data chunks with one memory copy per column. */
import { createRequire } from 'node:module';
import {
  BIGINT,
  DOUBLE,
  DuckDBDataChunk,
  INTEGER,
  UTINYINT,
  type DuckDBAppender,
  type DuckDBType,
} from '@duckdb/node-api';
import { OperationalError } from '../../../domain/errors.js';

/** Column types of every sample-shaped table (samples, latest, the staging table), in this order. */
export const SAMPLE_COLUMN_TYPES: readonly DuckDBType[] = [INTEGER, BIGINT, DOUBLE, UTINYINT];

/** The rows a chunk holds: DuckDB's vector size, fixed at 2048 in its builds. */
export const CHUNK_ROWS = 2048;

/** Four columns in the shapes DuckDB stores them: INTEGER, BIGINT (as epoch ms in a double), DOUBLE, UTINYINT. */
export interface SampleColumns {
  readonly tagIds: Int32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
}

/** The two functions of node-api's native bindings that write raw bytes into a chunk's vectors. */
interface ChunkBindings {
  data_chunk_get_vector(chunk: unknown, columnIndex: number): unknown;
  copy_data_to_vector(
    vector: unknown,
    targetByteOffset: number,
    source: ArrayBufferLike,
    sourceByteOffset: number,
    byteCount: number,
  ): void;
}

function isChunkBindings(value: unknown): value is ChunkBindings {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data_chunk_get_vector' in value &&
    typeof value.data_chunk_get_vector === 'function' &&
    'copy_data_to_vector' in value &&
    typeof value.copy_data_to_vector === 'function'
  );
}

/**
 * The bindings are loaded the way node-api loads them (resolved from node-api's own location), so this is
 * the very module, at the very version, that node-api uses; no second copy and no undeclared dependency.
 *
 * Why not `DuckDBDataChunk.setColumnValues`: it takes one JS value per cell, so a BIGINT column needs a
 * BigInt per sample, and each cell goes through a type check; measured here it costs ~125 ms of main-thread
 * time per million samples against ~12 ms for the copies below (bench/appender.ts shows both).
 */
function loadChunkBindings(): ChunkBindings {
  const requireFromNodeApi = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'));
  const bindings: unknown = requireFromNodeApi('@duckdb/node-bindings');
  if (!isChunkBindings(bindings)) {
    throw new OperationalError(
      'storage_failed',
      '@duckdb/node-bindings lacks copy_data_to_vector; this DuckDB version is not supported',
    );
  }
  return bindings;
}

const UINT32 = 4294967296;

/**
 * Fills one reusable chunk from typed-array columns and appends it, 2048 rows at a time.
 * Not safe for concurrent use: one writer per appender, driven by the store's write queue.
 */
export class SampleChunkWriter {
  private readonly bindings = loadChunkBindings();
  private readonly chunk = DuckDBDataChunk.create(SAMPLE_COLUMN_TYPES);
  /** BIGINT staging for one chunk of timestamps, written as two little-endian 32-bit halves. */
  private readonly ts64 = new BigInt64Array(CHUNK_ROWS);
  private readonly tsHalves = new Uint32Array(this.ts64.buffer);

  /** Appends rows [offset, offset + count) of `columns`. The caller has validated them (integer ts, ...). */
  append(appender: DuckDBAppender, columns: SampleColumns, offset: number, count: number): void {
    const { bindings, chunk, tsHalves, ts64 } = this;
    const raw = chunk.chunk;
    for (let start = offset; start < offset + count; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, offset + count - start);
      chunk.rowCount = n;
      for (let i = 0; i < n; i++) {
        // Integer doubles to int64 without a BigInt: the modulo and floor give two's-complement halves.
        const t = columns.ts[start + i] ?? 0;
        tsHalves[2 * i] = t % UINT32;
        tsHalves[2 * i + 1] = Math.floor(t / UINT32);
      }
      const { tagIds, values, quality } = columns;
      bindings.copy_data_to_vector(
        bindings.data_chunk_get_vector(raw, 0),
        0,
        tagIds.buffer,
        tagIds.byteOffset + start * 4,
        n * 4,
      );
      bindings.copy_data_to_vector(bindings.data_chunk_get_vector(raw, 1), 0, ts64.buffer, 0, n * 8);
      bindings.copy_data_to_vector(
        bindings.data_chunk_get_vector(raw, 2),
        0,
        values.buffer,
        values.byteOffset + start * 8,
        n * 8,
      );
      bindings.copy_data_to_vector(
        bindings.data_chunk_get_vector(raw, 3),
        0,
        quality.buffer,
        quality.byteOffset + start,
        n,
      );
      appender.appendDataChunk(chunk);
    }
  }
}
