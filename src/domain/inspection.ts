/**
 * Inspection records: a part or lot checked at an asset — measurements, pass/fail, the defect found (a category
 * and the inspector's own words), who and when. The free text is what defect classifiers learn from.
 */
import { z } from 'zod';
import { AssetPath } from './asset.js';
import { EpochMs } from './sample.js';

export const INSPECTION_RESULTS = ['pass', 'fail'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export const Measurement = z
  .object({
    characteristic: z.string().min(1).max(100).meta({ example: 'flange_height' }),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    unit: z.string().max(20).optional(),
    lsl: z.number().optional(),
    usl: z.number().optional(),
  })
  .refine((m) => m.lsl === undefined || m.usl === undefined || m.lsl < m.usl, {
    message: 'lsl must be below usl',
  });
export type Measurement = z.infer<typeof Measurement>;

export const InspectionInput = z.object({
  ts: z.union([EpochMs, z.iso.datetime({ offset: true })]),
  asset: AssetPath,
  inspector: z.string().min(1).max(100),
  result: z.enum(INSPECTION_RESULTS),
  part: z.string().max(100).optional().meta({ description: 'Serial number or part id' }),
  lot: z.string().max(100).optional(),
  measurements: z.array(Measurement).max(500).default([]),
  defectCategory: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'The plant’s defect code or category, e.g. "burr", "dimension_out_of_spec"' }),
  defectDescription: z
    .string()
    .max(4000)
    .optional()
    .meta({ description: 'What the inspector saw, in their own words' }),
});
export type InspectionInput = z.input<typeof InspectionInput>;

export const Inspection = z.object({
  id: z.string(),
  ts: EpochMs,
  asset: AssetPath,
  inspector: z.string(),
  result: z.enum(INSPECTION_RESULTS),
  part: z.string().optional(),
  lot: z.string().optional(),
  measurements: z.array(Measurement),
  defectCategory: z.string().optional(),
  defectDescription: z.string().optional(),
});
export type Inspection = z.infer<typeof Inspection>;
