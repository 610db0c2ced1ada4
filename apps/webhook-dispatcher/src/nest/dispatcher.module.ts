import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BullModule, type WorkerHost } from '@nestjs/bullmq';
import { QUEUES } from '@lf/contracts';
import type { RedisConnection } from '@lf/redis';
import type { WebhookDeliveryHandler } from '../delivery/webhook-delivery.handler';
import { DELIVERY_HANDLER, DISPATCHER_BULL_CONFIG_KEY } from './dispatcher.tokens';

export interface DispatcherModuleOptions {
  workerConnection: RedisConnection;
  producerConnection: RedisConnection;
  webhooksQueuePrefix: string;
  handler: WebhookDeliveryHandler;
  processor: Type<WorkerHost>;
}

/**
 * The dispatcher's Nest module (an application context, no HTTP): the webhooks-queue processor around the
 * handler. Connections and stores are made and closed by bootstrapDispatcher, which owns the shutdown order;
 * the worker is registered manually once Redis is ready.
 */
@Module({})
export class DispatcherModule {
  static forRoot(options: DispatcherModuleOptions): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        BullModule.forRoot(DISPATCHER_BULL_CONFIG_KEY, { connection: options.workerConnection, extraOptions: { manualRegistration: true } }),
        // Brings in @nestjs/bullmq's explorer/registrar, which finds the processor.
        BullModule.registerQueue({ name: QUEUES.webhooks, connection: options.producerConnection, prefix: options.webhooksQueuePrefix }),
      ],
      providers: [{ provide: DELIVERY_HANDLER, useValue: options.handler }, options.processor],
    };
  }
}
