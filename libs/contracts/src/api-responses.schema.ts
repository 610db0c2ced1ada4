import { z } from 'zod';
import { caseRequestSchema, FUSION_STRATEGIES } from './case-request.schema';

/**
 * Response bodies of the HTTP API, as zod schemas: the OpenAPI document is generated from them, and the
 * gateway's HTTP tests check real responses against them, so the document cannot drift from the code.
 */
const isoTime = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 UTC with milliseconds (Redis clock)' });

export const submitResponseSchema = z
  .object({
    caseId: z.string().meta({ description: 'Time-ordered case id (UUIDv7)' }),
    status: z
      .enum(['pending', 'complete', 'degraded', 'failed'])
      .meta({ description: "'pending' for a new case (202); for an Idempotency-Key replay (200), the case's status now" }),
    ignored: z
      .array(z.string())
      .optional()
      .meta({ description: 'Inputs of disabled or unknown modalities, which the case does not wait for. Only when non-empty.' }),
  })
  .meta({ id: 'SubmitResponse' });

export const modalityResultSchema = z
  .object({
    status: z.enum(['ok', 'failed', 'invalid', 'missing', 'late']),
    probability: z.number().min(0).max(1).optional().meta({ description: "The modality's calibrated probability (ok, and late for audit)" }),
    weight: z.number().min(0).max(1).meta({ description: 'Its normalized weight in the fused result; 0 unless ok' }),
    modelVersion: z.string().optional(),
    latencyMs: z.number().min(0).optional(),
    error: z.string().optional().meta({ description: 'Why scoring failed or the input was invalid (never input values)' }),
  })
  .meta({ id: 'ModalityResult' });

export const caseResultSchema = z
  .object({
    probability: z.number().min(0).max(1).nullable().meta({ description: 'Fused calibrated risk; null when no modality was usable' }),
    riskBand: z.enum(['low', 'moderate', 'high']).nullable(),
    strategy: z.enum(FUSION_STRATEGIES),
    completedBy: z.enum(['all-replied', 'deadline']),
    modalities: z.record(z.string(), modalityResultSchema),
    missing: z.array(z.string()).meta({ description: 'Expected modalities absent when the case was fused' }),
    late: z.array(z.string()).meta({ description: 'Modalities whose score arrived after finalization (also in missing)' }),
  })
  .meta({ id: 'CaseResult' });

export const caseResponseSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(['pending', 'complete', 'degraded', 'failed']),
    submittedAt: isoTime,
    deadlineAt: isoTime,
    finalizedAt: isoTime.optional(),
    result: caseResultSchema.optional(),
  })
  .meta({ id: 'Case' });

export const fieldErrorSchema = z
  .object({
    path: z.string().meta({ description: 'Dotted path, e.g. inputs.vitals.samples[3].t; (body) for the body itself' }),
    pointer: z.string().meta({ description: 'RFC 6901 JSON Pointer to the same field' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

/** RFC 9457 problem details; `type` is a stable URN to branch on. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
    errorsOmitted: z.number().int().optional(),
  })
  .loose()
  .meta({ id: 'Problem' });

export const healthResponseSchema = z.object({ status: z.enum(['live', 'ready', 'not-ready']) }).loose().meta({ id: 'Health' });

/** `POST /v1/cases:batch` body: each item is a case body (caseRequestSchema) plus an optional idempotencyKey. */
export const MAX_BATCH_CASES = 100;
export const batchRequestSchema = z
  .object({
    cases: z
      .array(
        caseRequestSchema.extend({
          idempotencyKey: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .meta({ description: 'Like the Idempotency-Key header of POST /v1/cases, for this item (scoped to the tenant)' }),
        }),
      )
      .min(1)
      .max(MAX_BATCH_CASES),
  })
  .meta({ id: 'BatchRequest' });

export const batchItemResultSchema = z
  .object({
    index: z.number().int().min(0).meta({ description: 'Position of the item in `cases`' }),
    status: z.number().int().meta({ description: 'What the item would have got alone: 202 new case, 200 Idempotency-Key replay, 400, 409, 410, 503, ...' }),
    caseId: z.string().optional(),
    caseStatus: z.enum(['pending', 'complete', 'degraded', 'failed']).optional(),
    ignored: z.array(z.string()).optional(),
    problem: problemSchema.optional(),
  })
  .meta({ id: 'BatchItemResult' });

export const batchResponseSchema = z.object({ results: z.array(batchItemResultSchema) }).meta({ id: 'BatchResponse' });
