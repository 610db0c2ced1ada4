import { z } from 'zod';

/**
 * `models/<name>/<version>/manifest.json`: everything a worker needs to serve a model and everything an
 * auditor needs to trust it. The worker refuses to load a model whose sha256 differs from the manifest.
 */
const tensorSpec = z.object({
  name: z.string().min(1),
  /** Dimensions; a string is a symbolic (dynamic) dimension such as the batch 'N'. */
  shape: z.array(z.union([z.number().int().positive(), z.string().min(1)])),
  dtype: z.literal('float32'),
});

const calibration = z.discriminatedUnion('method', [
  z.object({ method: z.literal('platt'), a: z.number().finite(), b: z.number().finite() }),
  z.object({ method: z.literal('temperature'), t: z.number().finite().positive() }),
  z.object({ method: z.literal('isotonic'), x: z.array(z.number()), y: z.array(z.number()) }),
]);

const metrics = z.object({
  n: z.number().int().nonnegative(),
  prevalence: z.number().min(0).max(1),
  auroc: z.number().min(0).max(1),
  aurocCi: z.tuple([z.number(), z.number()]).optional(),
  auprc: z.number().min(0).max(1),
  brier: z.number().min(0),
  eceBefore: z.number().min(0).optional(),
  ece: z.number().min(0),
});

export const modelManifestSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  kind: z.enum(['modality', 'fusion']),
  /** For modality models: which modality's preprocessing feeds it. */
  modality: z.string().optional(),
  /** File name of the ONNX graph next to the manifest, and its sha256 (hex). */
  file: z.string().min(1).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  inputs: z.array(tensorSpec),
  outputs: z.array(tensorSpec),
  /** Preprocessing spec and fitted statistics, opaque to all but libs/preprocessing. */
  preprocessing: z.record(z.string(), z.unknown()).optional(),
  calibration: calibration.optional(),
  /** Fusion parameters (weights, stacking coefficients, risk bands), for kind 'fusion'. */
  fusion: z.record(z.string(), z.unknown()).optional(),
  metrics: z.object({ validation: metrics, test: metrics.optional() }).partial(),
  training: z.object({
    seed: z.number().int(),
    cohort: z.object({ trainSeed: z.number().int(), validationSeed: z.number().int(), nTrain: z.number().int(), nValidation: z.number().int() }),
    epochs: z.number().int().nonnegative().optional(),
    classWeights: z.tuple([z.number(), z.number()]).optional(),
    smoke: z.boolean(),
    createdWith: z.string(),
  }),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ManifestCalibration = z.infer<typeof calibration>;
