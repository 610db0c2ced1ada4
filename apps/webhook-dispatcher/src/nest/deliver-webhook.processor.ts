import { Inject, type Type } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { JOB_NAMES, QUEUES, type DeliverWebhookJob } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { RedisConnection } from '@lf/redis';
import type { DeliveryJobResult, WebhookDeliveryHandler } from '../delivery/webhook-delivery.handler';
import { DELIVERY_HANDLER, DISPATCHER_BULL_CONFIG_KEY } from './dispatcher.tokens';

export interface DeliverWebhookProcessorOptions {
  /** The Worker's own connection (role 'worker'), not the registered queue's fail-fast one. */
  connection: RedisConnection;
  prefix: string;
  concurrency: number;
  /** BullMQ job lock: longer than one attempt (DNS + HTTP timeout), or a slow delivery is redelivered while running. */
  lockDurationMs: number;
  logger: Logger;
}

/** The BullMQ processor of the `webhooks` queue: one job = one delivery attempt (`WebhookDeliveryHandler.handle`). */
export function createDeliverWebhookProcessor(options: DeliverWebhookProcessorOptions): Type<WorkerHost> {
  @Processor(
    { name: QUEUES.webhooks, configKey: DISPATCHER_BULL_CONFIG_KEY },
    { connection: options.connection, concurrency: options.concurrency, prefix: options.prefix, lockDuration: options.lockDurationMs },
  )
  class DeliverWebhookProcessor extends WorkerHost {
    constructor(@Inject(DELIVERY_HANDLER) private readonly handler: WebhookDeliveryHandler) {
      super();
    }

    process(job: Job<DeliverWebhookJob>): Promise<DeliveryJobResult> {
      if (job.name !== JOB_NAMES.deliverWebhook) throw new UnrecoverableError(`webhooks queue: no handler for job name '${job.name}'`);
      return this.handler.handle(job);
    }

    @OnWorkerEvent('failed')
    onFailed(job: Job<DeliverWebhookJob> | undefined, error: Error): void {
      if (job) void this.handler.onFailed(job, error);
    }

    @OnWorkerEvent('error')
    onError(error: Error): void {
      options.logger.warn('BullMQ worker error', { queue: QUEUES.webhooks, err: error });
    }
  }
  return DeliverWebhookProcessor;
}
