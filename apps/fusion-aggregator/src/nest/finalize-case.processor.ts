import { Inject, type Type } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { JOB_NAMES, QUEUES, type FinalizeCaseJob } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { RedisConnection } from '@lf/redis';
import type { CaseFinalizer, FinalizeResult } from '../finalize/case-finalizer';
import { AGGREGATOR_BULL_CONFIG_KEY, CASE_FINALIZER } from './aggregator.tokens';

export interface FinalizeProcessorOptions {
  /**
   * The Worker's own connection (role 'worker', maxRetriesPerRequest null). Given explicitly: @nestjs/bullmq
   * would otherwise reuse the connection of the registered fusion Queue, which is the fail-fast producer one.
   */
  connection: RedisConnection;
  prefix: string;
  concurrency: number;
  logger: Logger;
}

/** A deadline job that fires this early by the Redis clock is re-delayed by at least this much. */
const MIN_REDELAY_MS = 5;

/**
 * The BullMQ processor of the fusion queue: one FinalizeCaseJob = one `CaseFinalizer.finalize`. Duplicate
 * and redelivered triggers are harmless (the fence). Workers queue 'all-replied' triggers; deadlines are
 * the sweeper's, but a 'deadline' trigger (queued by an older gateway during a rolling update) still works:
 * one that BullMQ released before the deadline by the Redis clock (two clocks) is moved back to delayed for
 * the remaining time, without counting an attempt. Built per process because @Processor takes its options
 * at decoration time.
 */
export function createFinalizeCaseProcessor(options: FinalizeProcessorOptions): Type<WorkerHost> {
  @Processor({ name: QUEUES.fusion, configKey: AGGREGATOR_BULL_CONFIG_KEY }, { connection: options.connection, concurrency: options.concurrency, prefix: options.prefix })
  class FinalizeCaseProcessor extends WorkerHost {
    constructor(@Inject(CASE_FINALIZER) private readonly finalizer: CaseFinalizer) {
      super();
    }

    async process(job: Job<FinalizeCaseJob>, token?: string): Promise<FinalizeResult['outcome']> {
      if (job.name !== JOB_NAMES.finalizeCase) throw new UnrecoverableError(`fusion queue: no handler for job name '${job.name}'`);
      const { caseId, cause } = job.data;
      const result = await this.finalizer.finalize(caseId, cause, 'job');
      if (result.outcome === 'not-due' && cause === 'deadline') {
        await job.moveToDelayed(Date.now() + Math.max(MIN_REDELAY_MS, result.remainingMs), token);
        throw new DelayedError();
      }
      return result.outcome;
    }

    @OnWorkerEvent('failed')
    onFailed(job: Job<FinalizeCaseJob> | undefined, error: Error): void {
      options.logger.warn('finalize job failed', {
        caseId: job?.data.caseId,
        traceId: job?.data.traceId,
        jobId: job?.id,
        attempt: job?.attemptsMade,
        err: error,
      });
    }

    @OnWorkerEvent('error')
    onError(error: Error): void {
      options.logger.warn('BullMQ worker error', { queue: QUEUES.fusion, err: error });
    }
  }
  return FinalizeCaseProcessor;
}
