import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { BullRegistrar, type WorkerHost } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '@lf/contracts';
import { createLogger, NestJsonLogger, startOpsServer, throttled, type Logger, type OpsServer } from '@lf/observability';
import { CaseStore, createKeyBuilder, createRedisConnection, redactRedisUrl, waitUntilReady, WebhookStore, type RedisConnection } from '@lf/redis';
import { createAggregatorMetrics, type AggregatorMetrics } from './aggregator-metrics';
import type { AggregatorConfig } from './config/aggregator.config';
import { CaseFinalizer } from './finalize/case-finalizer';
import { loadFusionBundle, resolveFusionBundleDir, type FusionBundle } from './fusion/fusion-bundle';
import { FusionEngine } from './fusion/fusion-engine';
import { AggregatorModule } from './nest/aggregator.module';
import { createFinalizeCaseProcessor } from './nest/finalize-case.processor';
import { DeadlineSweeper } from './sweeper/deadline-sweeper';
import { QueueWebhookEnqueuer } from './webhooks/webhook-enqueuer';

export interface RunningAggregator {
  config: AggregatorConfig;
  logger: Logger;
  metrics: AggregatorMetrics;
  bundle: FusionBundle;
  finalizer: CaseFinalizer;
  sweeper: DeadlineSweeper;
  ops: OpsServer;
  app: INestApplicationContext;
  /** Stop the sweeper and the worker (in-flight jobs finish, bounded by LF_SHUTDOWN_TIMEOUT_MS), close everything. Idempotent. */
  shutdown(reason?: string): Promise<void>;
}

export interface BootstrapAggregatorOptions {
  logger?: Logger;
  /** Start the sweeper (default true; tests drive `sweeper.sweepOnce()` themselves). */
  startSweeper?: boolean;
}

/**
 * Boots the aggregator: ops server (live at once, ready later) -> Redis (worker + fail-fast producer
 * connection) -> fusion bundle (sha256-checked) -> Nest context with the fusion-queue processor ->
 * start consuming -> start the deadline sweeper.
 */
export async function bootstrapAggregator(config: AggregatorConfig, options: BootstrapAggregatorOptions = {}): Promise<RunningAggregator> {
  const logger = options.logger ?? createLogger({ app: 'fusion-aggregator', level: config.logLevel });
  const metrics = createAggregatorMetrics();
  const keys = createKeyBuilder(config.keyNamespace);

  const connections: RedisConnection[] = [];
  const connect = (role: 'worker' | 'producer', name: string = role) => {
    const connection = createRedisConnection(config.redis.target, { role, name: `fusion-aggregator:${name}` });
    connection.on('error', throttled(10_000, (err: Error) => logger.warn('Redis connection error', { role, err })));
    connections.push(connection);
    return connection;
  };
  const workerConnection = connect('worker');
  const producer = connect('producer');
  // The Queues (fusion, webhooks) get their own connection: BullMQ defines its scripts as commands on the
  // connection it is given, and ioredis copies all of them onto every pipeline created there (the case
  // store's, once per case).
  const queueProducer = connect('producer', 'queues');

  let ready = false;
  let stopping = false;
  const ops = await startOpsServer({
    port: config.ops.port,
    host: config.ops.host,
    metrics: metrics.base,
    isReady: async () => ready && !stopping && (await producer.ping()) === 'PONG',
  });

  let bundle: FusionBundle | undefined;
  let app: INestApplicationContext | undefined;
  let webhooksQueue: Queue | undefined;
  const closeResources = async () => {
    await bundle?.close().catch(() => undefined);
    await webhooksQueue?.close().catch(() => undefined);
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    await ops.close();
  };

  let sweeper: DeadlineSweeper;
  let finalizer: CaseFinalizer;
  let worker: WorkerHost['worker'] | undefined;
  try {
    await Promise.all([waitUntilReady(producer), waitUntilReady(queueProducer)]);
    const store = new CaseStore(producer, keys);
    // Producer only (apps/webhook-dispatcher consumes it): a plain Queue on the fail-fast connection.
    webhooksQueue = new Queue(QUEUES.webhooks, { connection: queueProducer, prefix: keys.queuePrefix(QUEUES.webhooks) });
    webhooksQueue.on('error', (err: Error) => logger.warn('webhooks queue error', { err }));
    const dir = resolveFusionBundleDir(config.modelsDir, config.fusionVersion);
    bundle = await loadFusionBundle(dir);
    logger.info('fusion bundle loaded', { version: bundle.version, dir, defaultStrategy: bundle.defaultStrategy, strategies: [...bundle.strategies] });

    finalizer = new CaseFinalizer({
      store,
      fusion: new FusionEngine(bundle),
      metrics,
      logger,
      recoveryGraceMs: config.recoveryGraceMs,
      inputGraceMs: config.inputGraceMs,
      webhooks: new QueueWebhookEnqueuer({ webhooks: new WebhookStore(producer, keys), queue: webhooksQueue, retry: config.webhooks, logger }),
    });
    sweeper = new DeadlineSweeper({
      store,
      finalizer,
      metrics,
      logger,
      intervalMs: config.sweep.intervalMs,
      batchSize: config.sweep.batchSize,
    });

    const processor = createFinalizeCaseProcessor({ connection: workerConnection, prefix: keys.queuePrefix(QUEUES.fusion), concurrency: config.concurrency, logger });
    const fusionQueuePrefix = keys.queuePrefix(QUEUES.fusion);
    app = await NestFactory.createApplicationContext(
      AggregatorModule.forRoot({ workerConnection, producerConnection: queueProducer, fusionQueuePrefix, finalizer, processor }),
      { logger: new NestJsonLogger(logger.child({ component: 'nest' })), abortOnError: false },
    );
    await app.get(BullRegistrar).register();
    worker = app.get<WorkerHost>(processor).worker;
    if (options.startSweeper ?? true) sweeper.start();
    ready = true;
    logger.info('aggregator started', {
      redis: redactRedisUrl(config.redis.url),
      concurrency: config.concurrency,
      sweepIntervalMs: config.sweep.intervalMs,
      opsPort: ops.port,
      fusionVersion: bundle.version,
    });
  } catch (error) {
    logger.error('aggregator failed to start', { err: error as Error });
    await app?.close().catch(() => undefined);
    await closeResources();
    throw error;
  }

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> => {
    shuttingDown ??= (async () => {
      stopping = true;
      logger.info('shutting down: no new jobs, finishing in-flight finalizations', { reason, timeoutMs: config.shutdownTimeoutMs });
      const drained = await withTimeout(Promise.all([sweeper.stop(), worker?.close() ?? Promise.resolve()]), config.shutdownTimeoutMs);
      if (!drained) logger.warn('in-flight finalizations did not finish in time; the sweeper of a live replica (or of the next start) redoes them');
      await withTimeout(app?.close() ?? Promise.resolve(), 2_000);
      await closeResources();
      logger.info('stopped');
    })();
    return shuttingDown;
  };

  if (!bundle || !app) throw new Error('unreachable: aggregator started without bundle or app');
  return { config, logger, metrics, bundle, finalizer: finalizer!, sweeper: sweeper!, ops, app, shutdown };
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
