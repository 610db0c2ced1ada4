import { z } from 'zod';
import type { FusionParams } from './fuse';

/**
 * Validates fusion parameters read from JSON (the fusion manifest or config), so a bad file fails at
 * boot naming the field, not at the first case. Mirrors `FusionParams`; the strategies re-check the
 * invariants they depend on anyway, since they can also be called with hand-built params.
 */
const weightTable = z.record(z.string(), z.number().finite().min(0));
const coefficientTable = z.record(z.string(), z.number().finite());

export const fusionParamsSchema: z.ZodType<FusionParams> = z.object({
  prior: z.number().gt(0).lt(1),
  riskBands: z
    .object({ moderate: z.number().min(0).max(1), high: z.number().min(0).max(1) })
    .refine((b) => b.moderate <= b.high, { message: 'moderate must not exceed high', path: ['moderate'] }),
  weightedMean: z.object({ weights: weightTable, defaultWeight: z.number().finite().min(0).optional() }).optional(),
  logOdds: z
    .object({
      weights: weightTable,
      defaultWeight: z.number().finite().min(0).optional(),
      renormalize: z.boolean().optional(),
      prior: z.number().gt(0).lt(1).optional(),
    })
    .optional(),
  stacking: z
    .object({ intercept: z.number().finite(), logitCoef: coefficientTable, presenceCoef: coefficientTable })
    .optional(),
  attention: z
    .object({
      modalities: z
        .array(z.string().min(1))
        .min(1)
        .refine((ms) => new Set(ms).size === ms.length, { message: 'modalities must be unique' }),
    })
    .optional(),
});
