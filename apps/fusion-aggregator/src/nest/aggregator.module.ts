import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BullModule, type WorkerHost } from '@nestjs/bullmq';
import { QUEUES } from '@lf/contracts';
import type { RedisConnection } from '@lf/redis';
import type { CaseFinalizer } from '../finalize/case-finalizer';
import { AGGREGATOR_BULL_CONFIG_KEY, CASE_FINALIZER } from './aggregator.tokens';

export interface AggregatorModuleOptions {
  /** BullMQ Worker connection (role 'worker'); BullMQ duplicates it for its blocking client. */
  workerConnection: RedisConnection;
  /** Fail-fast connection (role 'producer') for the fusion Queue (re-delaying an early deadline job of an older gateway). */
  producerConnection: RedisConnection;
  fusionQueuePrefix: string;
  finalizer: CaseFinalizer;
  processor: Type<WorkerHost>;
}

/**
 * The aggregator's Nest module (an application context, no HTTP): the fusion-queue processor around the
 * finalizer. Connections, store, bundle and sweeper are made and closed by bootstrapAggregator, which owns
 * the shutdown order. The worker is registered manually once the bundle is loaded and Redis is ready.
 */
@Module({})
export class AggregatorModule {
  static forRoot(options: AggregatorModuleOptions): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [
        BullModule.forRoot(AGGREGATOR_BULL_CONFIG_KEY, {
          connection: options.workerConnection,
          extraOptions: { manualRegistration: true },
        }),
        // Also what brings in @nestjs/bullmq's explorer/registrar, which finds the processor.
        BullModule.registerQueue({ name: QUEUES.fusion, connection: options.producerConnection, prefix: options.fusionQueuePrefix }),
      ],
      providers: [{ provide: CASE_FINALIZER, useValue: options.finalizer }, options.processor],
    };
  }
}
