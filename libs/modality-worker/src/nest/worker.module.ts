import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BullModule, WorkerHost } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { getQueueToken } from '@nestjs/bullmq';
import { QUEUES } from '@lf/contracts';
import type { RedisConnection } from '@lf/redis';
import { QueueFusionTrigger } from '../processing/fusion-trigger';
import { ScoreModalityHandler, type ScoreModalityHandlerDeps } from '../processing/score-modality.handler';
import { SCORE_HANDLER, WORKER_BULL_CONFIG_KEY } from './worker.tokens';

export interface WorkerModuleOptions {
  /** BullMQ Worker connection (role 'worker'); BullMQ duplicates it for its blocking client. */
  workerConnection: RedisConnection;
  /** Fail-fast connection (role 'producer') for the fusion queue. */
  producerConnection: RedisConnection;
  fusionQueuePrefix: string;
  fusionJobOptions: { attempts: number } & Record<string, unknown>;
  handler: Omit<ScoreModalityHandlerDeps, 'fusion'>;
  processor: Type<WorkerHost>;
}

/**
 * The worker process's Nest module (an application context, no HTTP): BullMQ wiring around the handler.
 * Connections, case store and model registry are made and closed by bootstrapModalityWorker, which owns the
 * shutdown order (BullMQ treats a passed ioredis instance as shared and never quits it). Workers are
 * registered manually (BullRegistrar.register) once the model is loaded and the ops server is up.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        BullModule.forRoot(WORKER_BULL_CONFIG_KEY, {
          connection: options.workerConnection,
          extraOptions: { manualRegistration: true },
        }),
        BullModule.registerQueue({
          name: QUEUES.fusion,
          connection: options.producerConnection,
          prefix: options.fusionQueuePrefix,
        }),
      ],
      providers: [
        {
          provide: SCORE_HANDLER,
          inject: [getQueueToken(QUEUES.fusion)],
          useFactory: (fusionQueue: Queue) =>
            new ScoreModalityHandler({ ...options.handler, fusion: new QueueFusionTrigger(fusionQueue, options.fusionJobOptions) }),
        },
        options.processor,
      ],
    };
  }
}
