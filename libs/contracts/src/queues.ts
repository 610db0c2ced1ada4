import type { ModalityName } from './modality';

/**
 * Every BullMQ queue of the system, by name. Modality queues are named after their modality (the
 * registry decides which exist); the others are fixed.
 */
export const QUEUES = {
  fusion: 'fusion',
  webhooks: 'webhooks',
} as const;

/** Job names: one per kind of work, so a processor can reject what it does not handle. */
export const JOB_NAMES = {
  scoreModality: 'score-modality',
  finalizeCase: 'finalize-case',
  deliverWebhook: 'deliver-webhook',
} as const;

/** What finalizes a case: every expected modality replied, or its deadline passed. */
export type FinalizeCause = 'all-replied' | 'deadline';

/** A modality worker's job: a claim check, never the input itself (inputs live in a blob with a TTL). */
export interface ScoreModalityJob {
  caseId: string;
  modality: ModalityName;
  /** Redis key of the stored input (built by libs/redis keys.blob). */
  blobKey: string;
  traceId: string;
  /** Epoch ms (Redis clock) when the case was registered. */
  submittedAt: number;
}

/** A fusion trigger. Duplicates are harmless: the finalize fence admits one finalization per case. */
export interface FinalizeCaseJob {
  caseId: string;
  cause: FinalizeCause;
  traceId: string;
}

/**
 * One webhook delivery (queue `webhooks`): ids only, never PHI. The dispatcher builds the body from the stored
 * result at delivery time, so a job in Redis (or in BullMQ's failed set) holds nothing about the patient.
 */
export interface DeliverWebhookJob {
  caseId: string;
  tenant: string;
  webhookId: string;
  /** The `LF-Event-Id` receivers deduplicate on: the same for every attempt and every webhook of one event. */
  eventId: string;
  traceId: string;
}

/** JobOf<Name>: producer and consumer are type-checked against the same payload. */
export interface JobPayloads {
  [JOB_NAMES.scoreModality]: ScoreModalityJob;
  [JOB_NAMES.finalizeCase]: FinalizeCaseJob;
  [JOB_NAMES.deliverWebhook]: DeliverWebhookJob;
}
export type JobName = keyof JobPayloads;
export type JobOf<N extends JobName> = JobPayloads[N];

/** BullMQ custom job ids may not contain ':'; these are `<caseId>-<suffix>`. */
export const jobIds = {
  score: (caseId: string, modality: ModalityName) => `${caseId}-${modality}`,
  finalize: (caseId: string, cause: FinalizeCause) => `${caseId}-${cause}`,
  /** One delivery per (case, webhook): a re-run of the enqueue step cannot enqueue it twice. */
  webhook: (caseId: string, webhookId: string) => `${caseId}-${webhookId}`,
};
