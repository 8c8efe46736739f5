/** Dead letters: input that could not be stored, kept with the reason so nothing is silently dropped. */
import { z } from 'zod';

export const DeadLetter = z.object({
  ts: z.number().meta({ description: 'When it was rejected, UTC epoch ms' }),
  source: z
    .string()
    .meta({ description: 'Entry point, e.g. "http", "mqtt:acme/plant1/...", "csv:file.csv:42"' }),
  reason: z.string(),
  payload: z.string().meta({ description: 'The rejected input, as text (truncated to 4 kB)' }),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DEAD_LETTER_PAYLOAD_MAX = 4096;

export function deadLetterPayload(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    // A value JSON cannot encode (a cycle, a BigInt) is still kept, as its string form.
    text = String(value);
  }
  return text.length > DEAD_LETTER_PAYLOAD_MAX ? `${text.slice(0, DEAD_LETTER_PAYLOAD_MAX)}…` : text;
}
