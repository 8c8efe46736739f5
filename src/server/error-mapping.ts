/** The one place error codes become HTTP statuses (STYLE.md §12). */
import type { ErrorCode } from '../domain/index.js';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  payload_too_large: 413,
  unavailable: 503,
  overloaded: 503,
  storage_failed: 503,
  timeout: 504,
  cancelled: 499,
  internal: 500,
};

export function httpStatus(code: ErrorCode): number {
  return STATUS[code];
}
