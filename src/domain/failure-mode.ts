/**
 * FMEA rows: how an asset (or every asset of an equipment type) can fail, what that does, why, how it is caught,
 * and the three 1–10 ratings whose product is the risk priority number (AIAG & VDA FMEA Handbook, 2019; the
 * classic RPN = S × O × D of AIAG FMEA 4th ed.).
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';

const Rating = z.number().int().min(1).max(10);

export const FailureModeId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a failure-mode id is letters, digits, "_", "." or "-"')
  .meta({ example: 'press-hyd-01' });

export const FailureModeInput = z
  .object({
    id: FailureModeId,
    /** The asset it belongs to, or … */
    asset: AssetPath.optional(),
    /** … the equipment type (asset kind) it applies to. */
    equipmentType: z.string().max(100).optional(),
    component: z.string().max(200).optional(),
    mode: z.string().min(1).max(500).meta({ description: 'Failure mode, e.g. "hydraulic pump cavitation"' }),
    effect: z.string().min(1).max(1000),
    cause: z.string().min(1).max(1000),
    /** Current detection controls. */
    detection: z.string().max(1000).default(''),
    severity: Rating,
    occurrence: Rating,
    detectability: Rating.meta({ description: 'D rating: 1 = certainly detected, 10 = cannot be detected' }),
    recommendedAction: z.string().max(1000).optional(),
  })
  .refine((r) => r.asset !== undefined || r.equipmentType !== undefined, {
    message: 'a failure mode belongs to an asset or an equipment type',
  });
export type FailureModeInput = z.input<typeof FailureModeInput>;

export const FailureMode = z.object({
  id: FailureModeId,
  asset: AssetPath.optional(),
  equipmentType: z.string().optional(),
  component: z.string().optional(),
  mode: z.string(),
  effect: z.string(),
  cause: z.string(),
  detection: z.string(),
  severity: Rating,
  occurrence: Rating,
  detectability: Rating,
  /** Risk priority number, severity × occurrence × detectability (1…1000). */
  rpn: z.number().int().min(1).max(1000),
  recommendedAction: z.string().optional(),
});
export type FailureMode = z.infer<typeof FailureMode>;

/** A validated row with its RPN. */
export function toFailureMode(row: z.output<typeof FailureModeInput>): FailureMode {
  return { ...row, rpn: row.severity * row.occurrence * row.detectability };
}
