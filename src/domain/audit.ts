/** The audit log: who did what, when, with which input, and whether it succeeded. */
import { z } from 'zod';

export const AuditEntry = z.object({
  ts: z.number(),
  principal: z.string(),
  operation: z.string(),
  input: z.string().meta({ description: 'The input as JSON, truncated to 4 kB' }),
  outcome: z.enum(['ok', 'error']),
  error: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
