/** The three error classes of Gemba, each with a code from a closed set (STYLE.md §12). */

/** Codes of errors caused by the caller's input or rights: 4xx over HTTP, exit code 2 in the CLI. */
export const USER_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'already_exists',
  'unauthenticated',
  'forbidden',
  'conflict',
  'payload_too_large',
] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

/** Codes of transient failures a caller may retry: 503 over HTTP. */
export const OPERATIONAL_ERROR_CODES = [
  'unavailable',
  'timeout',
  'overloaded',
  'storage_failed',
  'cancelled',
] as const;
export type OperationalErrorCode = (typeof OPERATIONAL_ERROR_CODES)[number];

export type UnexpectedErrorCode = 'internal';
export type ErrorCode = UserErrorCode | OperationalErrorCode | UnexpectedErrorCode;

export type ErrorKind = 'user' | 'operational' | 'unexpected';

/** Base of all Gemba errors; never thrown directly. */
export abstract class GembaError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly code: ErrorCode;
  /** Structured detail safe to show the caller (field issues, limits, ...). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  protected constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
}

/** Bad input or missing rights: the caller must change the request. */
export class UserError extends GembaError {
  override readonly name = 'UserError';
  readonly kind = 'user' as const;
  readonly code: UserErrorCode;
  constructor(
    code: UserErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.code = code;
  }
}

/** A transient failure (storage, network, overload): retrying may succeed. */
export class OperationalError extends GembaError {
  override readonly name = 'OperationalError';
  readonly kind = 'operational' as const;
  readonly code: OperationalErrorCode;
  constructor(
    code: OperationalErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.code = code;
  }
}

/** A bug: an invariant did not hold. */
export class UnexpectedError extends GembaError {
  override readonly name = 'UnexpectedError';
  readonly kind = 'unexpected' as const;
  readonly code = 'internal' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options);
  }
}

/** Wraps anything thrown into a GembaError, keeping Gemba errors as they are. */
export function toGembaError(error: unknown): GembaError {
  if (error instanceof GembaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnexpectedError(message, { cause: error });
}
