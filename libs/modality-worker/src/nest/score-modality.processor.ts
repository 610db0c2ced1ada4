import { Inject, type Type } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { ScoreModalityJob } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { ScoreJobResult, ScoreModalityHandler } from '../processing/score-modality.handler';
import { SCORE_HANDLER, WORKER_BULL_CONFIG_KEY } from './worker.tokens';

export interface ScoreProcessorOptions {
  queue: string;
  prefix: string;
  concurrency: number;
  logger: Logger;
}

/**
 * The BullMQ processor for one modality queue. The queue name is configuration (the modality registry), and
 * @Processor needs it at decoration time, so the class is made per worker: one per process, by design.
 */
export function createScoreModalityProcessor(options: ScoreProcessorOptions): Type<WorkerHost> {
  @Processor({ name: options.queue, configKey: WORKER_BULL_CONFIG_KEY }, { concurrency: options.concurrency, prefix: options.prefix })
  class ScoreModalityProcessor extends WorkerHost {
    constructor(@Inject(SCORE_HANDLER) private readonly handler: ScoreModalityHandler) {
      super();
    }

    process(job: Job<ScoreModalityJob>): Promise<ScoreJobResult> {
      return this.handler.handle(job);
    }

    /** Attempts exhausted without the processor seeing the last one (e.g. stalled): still publish `failed`. */
    @OnWorkerEvent('failed')
    onFailed(job: Job<ScoreModalityJob> | undefined, error: Error): void {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      void this.handler.onFinalFailure(job, error);
    }

    @OnWorkerEvent('error')
    onError(error: Error): void {
      options.logger.warn('BullMQ worker error', { queue: options.queue, err: error });
    }
  }
  return ScoreModalityProcessor;
}
