import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { BullRegistrar, type WorkerHost } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { defaultJobOptions, QUEUES, type ModelManifest } from '@lf/contracts';
import {
  ConfigError,
  createLogger,
  createMetrics,
  NestJsonLogger,
  startOpsServer,
  tuneHeapGrowth,
  type Env,
  type Logger,
  type OpsServer,
} from '@lf/observability';
import { CaseStore, createKeyBuilder, createRedisConnection, waitUntilReady, type RedisConnection } from '@lf/redis';
import { workerConfigFromEnv, type WorkerConfig } from '../config/worker-config';
import type { ModalityDefinition } from '../modality-definition';
import { ModelRegistry } from '../model/model-registry';
import type { ModelRunnerFactory } from '../model/model-runner';
import { onnxRunnerFactory } from '../model/onnx-model-runner';
import { createScoreModalityProcessor } from '../nest/score-modality.processor';
import { WorkerModule } from '../nest/worker.module';
import { createWorkerMetrics } from '../worker-metrics';
import { throttled } from '@lf/observability';


export interface BootstrapOptions {
  env?: Env;
  /** Install SIGTERM/SIGINT (graceful stop + exit) and SIGHUP (model reload) handlers. Default true. */
  handleSignals?: boolean;
  /** Replaces the ONNX runner (tests). */
  createRunner?: ModelRunnerFactory;
  /** Called with the exit code after a signal-initiated shutdown. Default process.exit. */
  exit?: (code: number) => void;
}

export interface RunningWorker {
  config: WorkerConfig;
  logger: Logger;
  registry: ModelRegistry;
  ops: OpsServer;
  app: INestApplicationContext;
  /** Stops taking jobs, waits for in-flight ones (bounded by LF_SHUTDOWN_TIMEOUT_MS), closes everything. */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Boots a modality worker: config (fail fast, every problem at once) -> ops server (live at once, ready later)
 * -> Redis -> model (sha256-checked) -> Nest context with the BullMQ processor -> start consuming.
 * A worker app's main.ts is `bootstrapModalityWorker(definition)`.
 */
export async function bootstrapModalityWorker(definition: ModalityDefinition, options: BootstrapOptions = {}): Promise<RunningWorker> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handleSignals = options.handleSignals ?? true;

  let config: WorkerConfig;
  try {
    config = workerConfigFromEnv(definition, env);
  } catch (error) {
    const fallback = createLogger({ app: `${definition.name}-worker` });
    if (error instanceof ConfigError) {
      fallback.error('invalid configuration', { problems: [...error.problems] });
      process.stderr.write(`${error.message}\n`); // the same, readable by a human at a terminal
    } else {
      fallback.error('configuration error', { err: error as Error });
    }
    throw error;
  }

  tuneHeapGrowth(config.heapGrowingPercent);
  const logger = createLogger({ app: config.app, level: config.logLevel });
  const metrics = createWorkerMetrics(createMetrics(config.app), definition.name);
  const keys = createKeyBuilder(config.keyNamespace);
  if (config.faultInjection) logger.warn('TEST-ONLY fault injection is ON: jobs will fail or hang', { mode: config.faultInjection });
  if (!config.enabledInRegistry) logger.warn('modality is disabled in the registry; draining jobs already queued', { modality: definition.name });

  const connections: RedisConnection[] = [];
  let registry: ModelRegistry | undefined;
  let app: INestApplicationContext | undefined;
  let worker: WorkerHost['worker'] | undefined;
  let stopping = false;
  let ready = false;

  // Ops first: liveness answers while Redis and the model are still coming up (a slow model load must not
  // get the pod killed), readiness says no until everything below has worked.
  let producer: RedisConnection | undefined;
  const ops = await startOpsServer({
    port: config.ops.port,
    host: config.ops.host,
    metrics,
    isReady: async () => {
      if (!ready || stopping || !registry?.loaded || !producer) return false;
      return (await producer.ping()) === 'PONG';
    },
  });

  const connect = (role: 'worker' | 'producer') => {
    const connection = createRedisConnection(config.redis.target, { role, name: `${config.app}:${role}` });
    connection.on('error', throttled(10_000, (err: Error) => logger.warn('Redis connection error', { role, err })));
    connections.push(connection);
    return connection;
  };

  const closeResources = async () => {
    await registry?.close().catch((err) => logger.warn('closing the model registry failed', { err }));
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    await ops.close();
  };

  try {
    // BullMQ's Worker (blocking commands, must ride out reconnects) and everything else (fail fast: a Redis
    // blip fails the job attempt, and BullMQ retries it with backoff).
    const workerConnection = connect('worker');
    producer = connect('producer');
    await waitUntilReady(producer);
    const store = new CaseStore(producer, keys);

    registry = new ModelRegistry({
      modelsDir: config.modelsDir,
      modelName: config.modelName,
      ...(config.modelVersion ? { pinnedVersion: config.modelVersion } : {}),
      ...(definition.checkManifest ? { checkManifest: (m: ModelManifest) => definition.checkManifest?.(m) } : {}),
      createRunner: options.createRunner ?? onnxRunnerFactory(config.onnxThreads ? { intraOpNumThreads: config.onnxThreads } : {}),
      batching: config.batching,
      logger,
      metrics,
      releaseTimeoutMs: Math.max(config.shutdownTimeoutMs, 1000),
    });
    const model = await registry.load();
    logger.info('model loaded', { model: model.name, version: model.version, dir: model.dir });
    if (config.modelWatch) registry.watch({ pollMs: config.modelPollMs, debounceMs: 300 });

    const processor = createScoreModalityProcessor({
      queue: config.queue,
      prefix: keys.queuePrefix(config.queue),
      concurrency: config.concurrency,
      lockDurationMs: config.jobLock.lockMs,
      stalledIntervalMs: config.jobLock.stalledCheckMs,
      logger,
    });
    app = await NestFactory.createApplicationContext(
      WorkerModule.forRoot({
        workerConnection,
        producerConnection: producer,
        fusionQueuePrefix: keys.queuePrefix(QUEUES.fusion),
        fusionJobOptions: { ...defaultJobOptions, attempts: config.jobAttempts },
        processor,
        handler: {
          definition,
          queue: config.queue,
          store,
          models: registry,
          logger,
          metrics,
          ...(config.faultInjection ? { faultInjection: config.faultInjection } : {}),
        },
      }),
      { logger: new NestJsonLogger(logger.child({ component: 'nest' })), abortOnError: false },
    );
    await app.get(BullRegistrar).register();
    worker = app.get<WorkerHost>(processor).worker;
    ready = true;
    logger.info('worker started', {
      queue: config.queue,
      concurrency: config.concurrency,
      opsPort: ops.port,
      modelVersion: model.version,
      maxBatchSize: config.batching.maxBatchSize,
    });
  } catch (error) {
    logger.error('worker failed to start', { err: error as Error });
    await app?.close().catch(() => undefined);
    await closeResources();
    throw error;
  }

  let shuttingDown: Promise<void> | undefined;
  let removeSignalHandlers = (): void => undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> => {
    shuttingDown ??= (async () => {
      stopping = true;
      logger.info('shutting down: no new jobs, waiting for in-flight ones', { reason, timeoutMs: config.shutdownTimeoutMs });
      const drained = await withTimeout(worker?.close() ?? Promise.resolve(), config.shutdownTimeoutMs);
      if (!drained) logger.warn('in-flight jobs did not finish in time; BullMQ will redeliver them when their locks expire');
      // Nest closes the fusion queue (and would wait on the worker again: bounded as well).
      await withTimeout(app?.close() ?? Promise.resolve(), 2_000);
      await closeResources();
      removeSignalHandlers();
      logger.info('stopped');
    })();
    return shuttingDown;
  };

  if (handleSignals) {
    const onStop = (signal: NodeJS.Signals) => {
      void shutdown(signal).then(
        () => exit(0),
        (err) => {
          logger.error('shutdown failed', { err });
          exit(1);
        },
      );
    };
    const onReload = () => {
      logger.info('SIGHUP: reloading the model');
      void registry?.reload({ force: true });
    };
    process.once('SIGTERM', onStop);
    process.once('SIGINT', onStop);
    process.on('SIGHUP', onReload);
    removeSignalHandlers = () => {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onReload);
    };
  }

  if (!registry || !app) throw new Error('unreachable: worker started without registry or app');
  return { config, logger, registry, ops, app, shutdown };
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
