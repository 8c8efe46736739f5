/** The operation descriptor: the single source of truth for HTTP routes, OpenAPI, CLI commands and tools. */
import type { z } from 'zod';
import type { Principal, Role } from '../domain/index.js';
import type { AppServices } from './services.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** What a handler gets besides its input. */
export interface OperationContext {
  readonly principal: Principal;
  readonly services: AppServices;
  /** Aborted when the caller goes away or cancels. */
  readonly signal?: AbortSignal;
  /**
   * Calls another operation as the same principal, validated, permission-checked and audited like any call (the
   * assistant's tools run through it, so a viewer's question reaches only what a viewer may).
   */
  readonly invoke?: (name: string, input: unknown) => Promise<unknown>;
  /** Every operation of the app (the assistant derives its tools from them). */
  readonly operations?: () => readonly Operation[];
  /** Where a long operation reports what it is doing, for a streaming client; absent for a plain call. */
  readonly progress?: (event: unknown) => void;
}

export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Dotted name, `<noun>.<verb>` or `<noun>.<part>.<verb>`; the CLI command is the name split at the dots. */
  readonly name: string;
  readonly description: string;
  /** Validates and coerces input (HTTP query strings and CLI flags arrive as strings). */
  readonly input: I;
  readonly output: O;
  /** The lowest role allowed to call it. */
  readonly permission: Role;
  /** The route under /api/v1. GET takes its input from the query string, the others from the JSON body. */
  readonly http: { readonly method: HttpMethod; readonly path: string };
  /** Whether each call is written to the audit log (record changes are; the sample data plane is not). */
  readonly audit: boolean;
  /**
   * True for a POST that changes nothing (a chart computed from the input, a question). GET operations are
   * read-only by definition; every other operation changes something, so the assistant may only propose it.
   */
  readonly readOnly?: boolean;
  /** Input shown in documentation when the validating schema is looser on purpose (per-item validation). */
  readonly docsInput?: z.ZodType;
  readonly handler: (input: z.output<I>, ctx: OperationContext) => Promise<z.input<O>>;
  /**
   * What a call would do, worked out without doing it (reads only): a line for people and the record(s) it would
   * write. Shown on a proposal of this operation (src/app/proposals.ts); a UserError means it could not run now.
   */
  readonly preview?: (input: z.output<I>, ctx: OperationContext) => Promise<OperationPreview>;
}

/** A change described before it is made: one line for people, and what would be written or changed. */
export interface OperationPreview {
  readonly summary: string;
  readonly preview: unknown;
}

/** Keeps the input/output types tied together while the registry holds operations of any shape. */
export function defineOperation<I extends z.ZodType, O extends z.ZodType>(op: Operation<I, O>): Operation {
  return op;
}

/** Whether calling the operation leaves the plant and its records as they were. */
export function isReadOnly(op: Operation): boolean {
  return op.http.method === 'GET' || op.readOnly === true;
}

/** Turns zod issues into one readable line per field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
}
