/**
 * One webhook delivery job: re-read everything (the webhook, its secrets, the case and its stored result, the
 * tenant's policy), build and sign the body, POST it through libs/webhooks (fresh URL check, pinned address,
 * no redirects). Jobs carry ids only, so nothing about the patient sits in Redis' job data or failed set.
 *
 * Retries are BullMQ's (attempts + exponential backoff set by the aggregator): a failed attempt throws. The
 * last failed attempt, or a permanent failure (UnrecoverableError: URL no longer allowed, tenant gone), adds a
 * `webhook-failed` event to the case's event stream before throwing, and the job stays in the failed set with
 * the reason; a 2xx adds `webhook-delivered`. A webhook deleted, or a case expired, since the job was
 * enqueued is skipped (completed, nothing sent).
 */
import { UnrecoverableError } from 'bullmq';
import type { DeliverWebhookJob } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { CaseStore, WebhookStore } from '@lf/redis';
import {
  caseFinalizedEvent,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  signPayload,
  WEBHOOK_ID_HEADER,
  type DeliverWebhookRequest,
  type DeliveryResult,
} from '@lf/webhooks';
import type { DispatcherMetrics } from '../dispatcher-metrics';
import type { TenantPolicySource } from '../policy/tenant-policies';

/** The slice of a BullMQ job the handler reads. */
export interface DeliveryJob {
  id?: string;
  data: DeliverWebhookJob;
  /** Attempts finished before this one. */
  attemptsMade: number;
  opts: { attempts?: number };
}

export type DeliveryJobResult = 'delivered' | 'skipped-webhook-deleted' | 'skipped-case-expired';

export interface WebhookDeliveryHandlerDeps {
  webhooks: Pick<WebhookStore, 'getForDelivery'>;
  cases: Pick<CaseStore, 'get' | 'appendWebhookEvent'>;
  policies: TenantPolicySource;
  deliver: (request: DeliverWebhookRequest) => Promise<DeliveryResult>;
  timeoutMs: number;
  metrics: DispatcherMetrics;
  logger: Logger;
  /** Epoch ms for the signature timestamp (tests). */
  now?: () => number;
}

/** Marks an error whose webhook-failed event the handler already wrote (the failed-event hook skips it). */
const RECORDED = Symbol('webhook-outcome-recorded');

export class WebhookDeliveryHandler {
  constructor(private readonly deps: WebhookDeliveryHandlerDeps) {}

  async handle(job: DeliveryJob): Promise<DeliveryJobResult> {
    const { webhooks, cases, policies, metrics } = this.deps;
    const { caseId, tenant, webhookId, eventId, traceId } = job.data;
    const attempt = job.attemptsMade + 1;
    const attempts = Math.max(1, job.opts.attempts ?? 1);
    const log = this.deps.logger.child({ caseId, traceId, webhookId, jobId: job.id, attempt });

    const target = await webhooks.getForDelivery(tenant, webhookId);
    if (!target) {
      metrics.deliveries.inc({ outcome: 'skipped' });
      log.info('webhook deleted since the delivery was enqueued; skipped');
      return 'skipped-webhook-deleted';
    }
    const view = await cases.get(caseId);
    if (!view || view.tenant !== tenant) {
      metrics.deliveries.inc({ outcome: 'skipped' });
      log.warn('case expired (or is not this tenant\'s) before its webhook could be delivered; skipped');
      return 'skipped-case-expired';
    }
    // The aggregator enqueues after storing the result, so this is a bug or a hand-made job: retry, then fail.
    if (!view.result) throw new Error(`case ${caseId} has no stored result`);

    const policy = await policies.policyFor(tenant, target.policy);
    if (!policy) {
      return this.fail(job, log, { attempt, attempts, permanent: true, message: `tenant '${tenant}' is not configured any more` });
    }

    const body = JSON.stringify(caseFinalizedEvent(view, eventId));
    const secrets = target.previousSecret ? [target.secret, target.previousSecret] : [target.secret];
    const timestamp = Math.floor((this.deps.now?.() ?? Date.now()) / 1000);
    const result = await this.deps.deliver({
      url: target.url,
      policy,
      body,
      timeoutMs: this.deps.timeoutMs,
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signPayload(secrets, body, timestamp),
        [WEBHOOK_ID_HEADER]: webhookId,
        [EVENT_ID_HEADER]: eventId,
        [EVENT_TYPE_HEADER]: 'case.finalized',
      },
    });
    metrics.deliveryDuration.observe({ result: result.ok ? 'ok' : result.kind }, result.durationMs / 1000);

    if (result.ok) {
      metrics.deliveries.inc({ outcome: 'delivered' });
      await cases.appendWebhookEvent(caseId, { type: 'webhook-delivered', webhookId, detail: `HTTP ${result.status}, attempt ${attempt}` });
      log.info('webhook delivered', { status: result.status, durationMs: Math.round(result.durationMs) });
      return 'delivered';
    }
    return this.fail(job, log, {
      attempt,
      attempts,
      permanent: result.permanent,
      message: result.message,
      ...(result.status !== undefined ? { status: result.status } : {}),
      kind: result.kind,
    });
  }

  /**
   * A job that failed for good without `handle` recording it: it stalled too often (its worker died
   * mid-delivery, repeatedly) and BullMQ failed it without running the processor.
   */
  async onFailed(job: DeliveryJob, error: Error): Promise<void> {
    if ((error as { [RECORDED]?: boolean })[RECORDED]) return;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= Math.max(1, job.opts.attempts ?? 1);
    if (!final) return;
    const { caseId, webhookId, traceId } = job.data;
    this.deps.metrics.deliveries.inc({ outcome: 'failed' });
    await this.deps.cases
      .appendWebhookEvent(caseId, { type: 'webhook-failed', webhookId, detail: `${error.message.slice(0, 200)}, attempt ${job.attemptsMade}` })
      .catch((err: Error) => this.deps.logger.warn('could not record a failed webhook delivery', { caseId, traceId, webhookId, err }));
  }

  private async fail(
    job: DeliveryJob,
    log: Logger,
    f: { attempt: number; attempts: number; permanent: boolean; message: string; status?: number; kind?: string },
  ): Promise<never> {
    const final = f.permanent || f.attempt >= f.attempts;
    const fields = { kind: f.kind, status: f.status, attempts: f.attempts, permanent: f.permanent };
    if (final) {
      this.deps.metrics.deliveries.inc({ outcome: 'failed' });
      const detail = f.permanent ? `${f.message} (permanent), attempt ${f.attempt}` : `${f.message}, attempt ${f.attempt} of ${f.attempts}`;
      await this.deps.cases.appendWebhookEvent(job.data.caseId, { type: 'webhook-failed', webhookId: job.data.webhookId, detail });
      log.warn('webhook delivery failed for good; the job stays in the failed set', fields);
    } else {
      this.deps.metrics.deliveries.inc({ outcome: 'retry' });
      log.info('webhook delivery attempt failed; will retry', fields);
    }
    const error = f.permanent ? new UnrecoverableError(f.message) : new Error(f.message);
    if (final) Object.defineProperty(error, RECORDED, { value: true });
    throw error;
  }
}
