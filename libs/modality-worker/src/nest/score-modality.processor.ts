import { Inject, type Type } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { ScoreModalityJob } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import { isFinalFailure } from '../processing/is-final-failure';
import type { ScoreJobResult, ScoreModalityHandler } from '../processing/score-modality.handler';
import { SCORE_HANDLER, WORKER_BULL_CONFIG_KEY } from './worker.tokens';

export interface ScoreProcessorOptions {
  queue: string;
  prefix: string;
  concurrency: number;
  /** BullMQ lockDuration and stalledInterval (ms). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  logger: Logger;
}

/**
 * The BullMQ processor for one modality queue. The queue name is configuration (the modality registry), and
 * @Processor needs it at decoration time, so the class is made per worker: one per process, by design.
 */
export function createScoreModalityProcessor(options: ScoreProcessorOptions): Type<WorkerHost> {
  @Processor({ name: options.queue, configKey: WORKER_BULL_CONFIG_KEY }, {
    concurrency: options.concurrency,
    prefix: options.prefix,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
  })
  class ScoreModalityProcessor extends WorkerHost {
    constructor(@Inject(SCORE_HANDLER) private readonly handler: ScoreModalityHandler) {
      super();
    }

    process(job: Job<ScoreModalityJob>): Promise<ScoreJobResult> {
      return this.handler.handle(job);
    }

    /** Failed for good without the processor seeing the last attempt (e.g. stalled too often): still publish `failed`. */
    @OnWorkerEvent('failed')
    onFailed(job: Job<ScoreModalityJob> | undefined, error: Error): void {
      if (!job || !isFinalFailure(job, error)) return;
      void this.handler.onFinalFailure(job, error);
    }

    @OnWorkerEvent('error')
    onError(error: Error): void {
      options.logger.warn('BullMQ worker error', { queue: options.queue, err: error });
    }
  }
  return ScoreModalityProcessor;
}
