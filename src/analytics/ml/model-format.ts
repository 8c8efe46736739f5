/**
 * What every saved learner shares: the check that a matrix carries the model's features in order, and the check of
 * a saved model's `format` and `version` before its schema is applied (so an unknown file gets a clear message).
 */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import type { Matrix } from './matrix.js';

/** Checks that X has exactly the model's features, in order; the error names the first mismatch. */
export function checkFeatureNames(X: Matrix, features: readonly string[], what: string): void {
  const n = Math.max(X.names.length, features.length);
  for (let j = 0; j < n; j++) {
    if (X.names[j] !== features[j]) {
      const got = X.names[j] === undefined ? 'nothing' : `'${X.names[j]}'`;
      const want = features[j] === undefined ? 'no feature' : `'${features[j]}'`;
      throw new UserError('invalid_input', `${what}: column ${j} is ${got} but the model expects ${want}`, {
        details: { column: j, got: X.names[j] ?? null, expected: features[j] ?? null },
      });
    }
  }
  if (X.cols !== features.length || X.data.length !== X.rows * X.cols) {
    throw new UserError(
      'invalid_input',
      `${what}: the matrix shape does not match its ${features.length} names`,
    );
  }
}

/**
 * Parses a saved model: refuses another `format` or an unknown `version` with a message saying which, then
 * validates the whole document with `schema`.
 */
export function parseSavedModel<T>(json: unknown, format: string, version: number, schema: z.ZodType<T>): T {
  const head = z.object({ format: z.unknown(), version: z.unknown() }).safeParse(json);
  if (!head.success || head.data.format !== format) {
    const got = head.success ? JSON.stringify(head.data.format) : 'none';
    throw new UserError(
      'invalid_input',
      `not a ${format} model: format ${got ?? 'none'}, expected '${format}'`,
    );
  }
  if (head.data.version !== version) {
    throw new UserError(
      'invalid_input',
      `unsupported ${format} version ${JSON.stringify(head.data.version)}; this build reads version ${version}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      'invalid_input',
      `invalid ${format} model at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'malformed'}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
