/** Input pieces shared by operations; query strings and CLI flags arrive as text, so these coerce. */
import { z } from 'zod';
import { UserError, parseTime } from '../../domain/index.js';

/** A time at the edge: epoch ms, ISO-8601, "now", or "now-2h" / "-15m". */
export const TimeArg = z.union([z.number(), z.string().min(1)]).meta({
  description: 'Epoch ms, ISO-8601, "now", or relative: "now-2h", "-15m", "now-7d"',
  example: 'now-1h',
});

export function resolveTime(value: string | number, now: number): number {
  return parseTime(value, now);
}

/**
 * A time window from two edge times: from inclusive, to exclusive. With `throughTo`, "to" itself is included (the
 * window ends 1 ms after it), so records stamped at "now" are in a window that ends "now".
 */
export function resolveWindow(
  from: string | number,
  to: string | number,
  now: number,
  options: { throughTo?: boolean } = {},
): { from: number; to: number } {
  const window = { from: resolveTime(from, now), to: resolveTime(to, now) + (options.throughTo ? 1 : 0) };
  if (window.to <= window.from) throw new UserError('invalid_input', '"to" must be after "from"');
  return window;
}

/** A list given as a JSON array, repeated query parameters, or one comma-separated string. */
export function listArg<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => {
    if (typeof v === 'string')
      return v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    return v;
  }, z.array(item));
}

export const PositiveInt = (max: number) => z.coerce.number().int().positive().max(max);
