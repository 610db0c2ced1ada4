import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { BullRegistrar, type WorkerHost } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { QUEUES } from '@lf/contracts';
import { createLogger, NestJsonLogger, startOpsServer, throttled, type Logger, type OpsServer } from '@lf/observability';
import { CaseStore, createKeyBuilder, createRedisConnection, redactRedisUrl, waitUntilReady, WebhookStore, type RedisConnection } from '@lf/redis';
import { deliverWebhook, type Resolver } from '@lf/webhooks';
import type { DispatcherConfig } from './config/dispatcher.config';
import { WebhookDeliveryHandler } from './delivery/webhook-delivery.handler';
import { createDispatcherMetrics, type DispatcherMetrics } from './dispatcher-metrics';
import { DispatcherModule } from './nest/dispatcher.module';
import { createDeliverWebhookProcessor } from './nest/deliver-webhook.processor';
import { registeredPolicies, TenantsFilePolicies, type TenantPolicySource } from './policy/tenant-policies';

export interface RunningDispatcher {
  config: DispatcherConfig;
  logger: Logger;
  metrics: DispatcherMetrics;
  ops: OpsServer;
  app: INestApplicationContext;
  /** Stop taking jobs, let in-flight deliveries finish (bounded by LF_SHUTDOWN_TIMEOUT_MS), close everything. Idempotent. */
  shutdown(reason?: string): Promise<void>;
}

export interface BootstrapDispatcherOptions {
  logger?: Logger;
  /** Replaces the system resolver (tests). */
  resolve?: Resolver;
}

/** Headroom on top of the HTTP timeout for the DNS check (5 s) and the Redis reads and writes of one job. */
const LOCK_HEADROOM_MS = 20_000;

/**
 * Boots the dispatcher: ops server (live at once, ready later) -> Redis (worker + fail-fast producer) ->
 * tenants file (if configured) -> Nest context with the webhooks-queue processor -> start consuming.
 */
export async function bootstrapDispatcher(config: DispatcherConfig, options: BootstrapDispatcherOptions = {}): Promise<RunningDispatcher> {
  const logger = options.logger ?? createLogger({ app: 'webhook-dispatcher', level: config.logLevel });
  const metrics = createDispatcherMetrics();
  const keys = createKeyBuilder(config.keyNamespace);

  const connections: RedisConnection[] = [];
  const connect = (role: 'worker' | 'producer') => {
    const connection = createRedisConnection(config.redis.target, { role, name: `webhook-dispatcher:${role}` });
    connection.on('error', throttled(10_000, (err: Error) => logger.warn('Redis connection error', { role, err })));
    connections.push(connection);
    return connection;
  };
  const workerConnection = connect('worker');
  const producer = connect('producer');

  let ready = false;
  let stopping = false;
  const ops = await startOpsServer({
    port: config.ops.port,
    host: config.ops.host,
    metrics: metrics.base,
    isReady: async () => ready && !stopping && (await producer.ping()) === 'PONG',
  });

  let app: INestApplicationContext | undefined;
  let worker: WorkerHost['worker'] | undefined;
  const closeResources = async () => {
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    await ops.close();
  };

  try {
    await waitUntilReady(producer);
    const policies: TenantPolicySource = config.tenantsFile ? await TenantsFilePolicies.load(config.tenantsFile, logger) : registeredPolicies;
    const handler = new WebhookDeliveryHandler({
      webhooks: new WebhookStore(producer, keys),
      cases: new CaseStore(producer, keys),
      policies,
      deliver: (request) => deliverWebhook({ ...request, ...(options.resolve ? { resolve: options.resolve } : {}) }),
      timeoutMs: config.timeoutMs,
      metrics,
      logger,
    });
    const prefix = keys.queuePrefix(QUEUES.webhooks);
    const processor = createDeliverWebhookProcessor({
      connection: workerConnection,
      prefix,
      concurrency: config.concurrency,
      lockDurationMs: config.timeoutMs + LOCK_HEADROOM_MS,
      logger,
    });
    app = await NestFactory.createApplicationContext(
      DispatcherModule.forRoot({ workerConnection, producerConnection: producer, webhooksQueuePrefix: prefix, handler, processor }),
      { logger: new NestJsonLogger(logger.child({ component: 'nest' })), abortOnError: false },
    );
    await app.get(BullRegistrar).register();
    worker = app.get<WorkerHost>(processor).worker;
    ready = true;
    logger.info('webhook dispatcher started', {
      redis: redactRedisUrl(config.redis.url),
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      policies: config.tenantsFile ? 'tenants file' : 'stored with each webhook',
      opsPort: ops.port,
    });
  } catch (error) {
    logger.error('webhook dispatcher failed to start', { err: error as Error });
    await app?.close().catch(() => undefined);
    await closeResources();
    throw error;
  }

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> => {
    shuttingDown ??= (async () => {
      stopping = true;
      logger.info('shutting down: no new jobs, finishing in-flight deliveries', { reason, timeoutMs: config.shutdownTimeoutMs });
      const drained = await withTimeout(worker?.close() ?? Promise.resolve(), config.shutdownTimeoutMs);
      if (!drained) logger.warn('in-flight deliveries did not finish in time; BullMQ redelivers them when their locks expire');
      await withTimeout(app?.close() ?? Promise.resolve(), 2_000);
      await closeResources();
      logger.info('stopped');
    })();
    return shuttingDown;
  };

  if (!app) throw new Error('unreachable: dispatcher started without app');
  return { config, logger, metrics, ops, app, shutdown };
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
