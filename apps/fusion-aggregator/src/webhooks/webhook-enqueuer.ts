/**
 * The aggregator's one webhook step: after a case's result is stored, one delivery job per webhook of the
 * case's tenant on the `webhooks` queue (consumed by apps/webhook-dispatcher). Jobs carry ids only; the
 * dispatcher builds the body from the stored result. The job id `<caseId>-<webhookId>` makes the step
 * idempotent: BullMQ ignores an add whose id exists (waiting, delayed, active, completed or failed), so the
 * finalizer can re-run it after a crash or on a duplicate trigger without delivering twice, as long as the
 * first job is still retained (completed jobs are kept 24 h, up to 10 000).
 */
import type { JobsOptions, Queue } from 'bullmq';
import { JOB_NAMES, jobIds, webhookEventId, type DeliverWebhookJob } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { WebhookStore } from '@lf/redis';

export interface FinalizedCase {
  caseId: string;
  tenant: string;
  traceId: string;
}

/** The seam the finalizer calls; the aggregator wires `QueueWebhookEnqueuer`, tests a fake. */
export interface WebhookEnqueuer {
  /** Resolves with the number of webhooks a delivery was enqueued for; rejects if enqueueing failed (retry the trigger). */
  caseFinalized(finalized: FinalizedCase): Promise<number>;
}

export interface WebhookRetryPolicy {
  /** Delivery attempts in all (LF_WEBHOOK_ATTEMPTS). */
  attempts: number;
  /** First retry delay; doubles each time (LF_WEBHOOK_BACKOFF_MS). */
  backoffMs: number;
}

/** Retry and retention of delivery jobs: failed ones stay visible for a week (the "failed after the last try" view). */
export function webhookJobOptions(caseId: string, webhookId: string, retry: WebhookRetryPolicy): JobsOptions {
  return {
    jobId: jobIds.webhook(caseId, webhookId),
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

export class QueueWebhookEnqueuer implements WebhookEnqueuer {
  constructor(
    private readonly deps: {
      webhooks: Pick<WebhookStore, 'listForEvent'>;
      queue: Pick<Queue<DeliverWebhookJob>, 'addBulk'>;
      retry: WebhookRetryPolicy;
      logger: Logger;
    },
  ) {}

  async caseFinalized({ caseId, tenant, traceId }: FinalizedCase): Promise<number> {
    const webhooks = await this.deps.webhooks.listForEvent(tenant, 'case.finalized');
    if (webhooks.length === 0) return 0;
    const eventId = webhookEventId(caseId, 'case.finalized');
    await this.deps.queue.addBulk(
      webhooks.map((w) => ({
        name: JOB_NAMES.deliverWebhook,
        data: { caseId, tenant, webhookId: w.id, eventId, traceId },
        opts: webhookJobOptions(caseId, w.id, this.deps.retry),
      })),
    );
    this.deps.logger.debug('webhook deliveries enqueued', { caseId, traceId, webhooks: webhooks.length });
    return webhooks.length;
  }
}
