/** Database rows in, domain values out: every row is checked at this boundary (STYLE.md §10). */
import type { DuckDBValue } from '@duckdb/node-api';
import type { z } from 'zod';
import { GembaError, OperationalError, UnexpectedError, UserError } from '../../../domain/errors.js';

/** A row as DuckDB returns it, with SQL NULLs dropped so optional fields read as absent. */
export function withoutNulls(row: Record<string, DuckDBValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value !== null) out[key] = value;
  }
  return out;
}

/** Parses a stored row with a domain schema; a row that fails is corruption, not bad input. */
export function parseRow<S extends z.ZodType>(schema: S, row: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success) {
    throw new UnexpectedError(`a stored ${what} row does not match its schema`, {
      cause: parsed.error,
      details: { issues: parsed.error.issues.slice(0, 5) },
    });
  }
  return parsed.data;
}

/** Parses JSON text stored in a VARCHAR column. */
export function parseJsonColumn(text: unknown, what: string): unknown {
  if (typeof text !== 'string') {
    throw new UnexpectedError(`a stored ${what} is not JSON text`);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UnexpectedError(`a stored ${what} is not valid JSON`, { cause });
  }
}

/** A numeric cell (DOUBLE, INTEGER, UTINYINT, or BIGINT read as DOUBLE). */
export function numberCell(value: DuckDBValue | undefined, column: string): number {
  if (typeof value === 'number') return value;
  throw new UnexpectedError(`column ${column} returned ${typeof value}, expected a number`);
}

/** Wraps anything DuckDB throws as a retryable storage failure; Gemba errors pass through. */
export function storageError(what: string, cause: unknown): GembaError {
  if (cause instanceof GembaError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/constraint/i.test(message) && /duplicate key/i.test(message)) {
    return new UserError('already_exists', `${what}: ${message}`, { cause });
  }
  return new OperationalError('storage_failed', `${what} failed: ${message}`, { cause });
}

/** An integer bound of a time range: ceil, so `ts >= from` and `ts < to` mean the same on integer ts. */
export function timeBound(value: number, field: string): bigint {
  if (Number.isNaN(value)) throw new UserError('invalid_input', `${field} is not a number`);
  // Past the EpochMs range every bound selects the same rows; clamping keeps BigInt() finite.
  const clamped = Math.min(Math.max(Math.ceil(value), -1e16), 1e16);
  return BigInt(clamped);
}

/** A row limit: a non-negative integer. */
export function rowLimit(value: number): bigint {
  if (!Number.isInteger(value) || value < 0) {
    throw new UserError('invalid_input', `limit must be a non-negative integer, got ${value}`);
  }
  return BigInt(value);
}
