import { z } from 'zod';
import type { FinalizeCause } from './queues';
import type { FusionStrategyName } from './case-request.schema';
import type { EvidenceStatus, RiskBand } from './score-record';

/**
 * Webhooks (issue 4): what a tenant registers and what it receives. The delivery protocol (signature header,
 * retries, URL policy) is documented in libs/webhooks/README.md.
 */
export const WEBHOOK_EVENT_TYPES = ['case.finalized'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_URL_MAX_LENGTH = 2048;

/** The body of `POST /v1/webhooks`. Omitting `events` subscribes to every event type. */
export const webhookRegistrationSchema = z
  .object({
    url: z.string().min(1, 'is required').max(WEBHOOK_URL_MAX_LENGTH, `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }))
      .min(1, 'must list at least one event type (or be omitted for all)')
      .optional(),
  })
  .strict();
export type WebhookRegistration = z.infer<typeof webhookRegistrationSchema>;

/**
 * The id of the event a finalized case produces: deterministic, so every attempt and every webhook of the
 * tenant carries the same `LF-Event-Id`, and a receiver that stores the ids it has processed can drop repeats.
 */
export const webhookEventId = (caseId: string, type: WebhookEventType = 'case.finalized'): string =>
  `evt_${caseId}_${type.replace(/^case\./, '')}`;

/** Per modality, as in `GET /v1/cases/{id}`. */
export interface WebhookModalityResult {
  status: EvidenceStatus;
  probability?: number;
  weight: number;
  modelVersion?: string;
  latencyMs?: number;
  error?: string;
}

/** The case result, the same shape as `result` of `GET /v1/cases/{id}` (no patientRef, no inputs). */
export interface WebhookCaseResult {
  /** null when the case `failed` (no modality usable): the fused value would only be the population prior. */
  probability: number | null;
  riskBand: RiskBand | null;
  strategy: FusionStrategyName;
  completedBy: FinalizeCause;
  modalities: Record<string, WebhookModalityResult>;
  missing: string[];
  late: string[];
}

/** The JSON body of a `case.finalized` delivery. */
export interface CaseFinalizedEvent {
  /** = the `LF-Event-Id` header. */
  id: string;
  type: 'case.finalized';
  /** When the case was finalized (ISO 8601, Redis clock): the same on every attempt. */
  createdAt: string;
  data: {
    caseId: string;
    status: 'complete' | 'degraded' | 'failed';
    submittedAt: string;
    finalizedAt: string;
    result: WebhookCaseResult;
  };
}
