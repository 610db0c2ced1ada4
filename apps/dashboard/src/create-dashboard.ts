import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, NestJsonLogger, throttled, type Logger } from '@lf/observability';
import { createKeyBuilder, createRedisConnection, waitUntilReady, type RedisConnection } from '@lf/redis';
import { installDashboardAuth } from './auth/dashboard-auth';
import { DashboardKeyTable } from './auth/dashboard-keys';
import { SessionStore } from './auth/sessions';
import type { DashboardConfig } from './config/dashboard.config';
import { createDashboardMetrics, type DashboardMetrics } from './dashboard-metrics';
import { DashboardModule } from './dashboard.module';
import { loadAssets } from './http/assets';
import { ProblemFilter } from './http/problem';
import { SseHub } from './http/sse-hub';
import { JobReader } from './jobs/job-reader';
import { DashboardSampler } from './sampling/dashboard-sampler';

export interface Dashboard {
  app: NestFastifyApplication;
  config: DashboardConfig;
  sampler: DashboardSampler;
  metrics: DashboardMetrics;
  keys: DashboardKeyTable;
  redis: RedisConnection;
  /** Starts listening on config.host:config.port; resolves with the URL. */
  listen(): Promise<string>;
  /** Ends live streams, stops sampling, closes the server and Redis. Idempotent. */
  close(): Promise<void>;
}

export interface CreateDashboardOptions {
  logger?: Logger;
  /** How long to wait for Redis at boot. Default 10 s. */
  redisReadyTimeoutMs?: number;
  /** Do not start the sampling loop (tests drive `sampler.tick()` themselves). */
  manualSampling?: boolean;
}

const PING_TIMEOUT_MS = 1000;

/**
 * The dashboard from validated config: one fail-fast connection (role 'producer': a dashboard must show
 * "Redis unreachable" quickly, not queue commands), the sampler, the read-only job reader, and the Nest app
 * on Fastify with the access hook. It only reads: no BullMQ Queue or Worker object is created, so it can
 * neither consume nor change a job.
 */
export async function createDashboard(config: DashboardConfig, options: CreateDashboardOptions = {}): Promise<Dashboard> {
  const logger = options.logger ?? createLogger({ app: 'dashboard', level: config.logLevel });
  const metrics = createDashboardMetrics();
  const keys = createKeyBuilder(config.keyNamespace);
  const keyTable = new DashboardKeyTable(config.keys, { logger });
  const assets = loadAssets();

  const redis = createRedisConnection(config.redis.target, { role: 'producer', name: 'dashboard:reader' });
  redis.on('error', throttled(10_000, (err: Error) => logger.warn('Redis connection error', { err })));
  try {
    await waitUntilReady(redis, options.redisReadyTimeoutMs ?? 10_000);
  } catch (err) {
    redis.disconnect();
    throw err;
  }

  const sampler = new DashboardSampler({ redis, keys, config, logger, metrics });
  const hub = new SseHub(sampler);
  const jobs = new JobReader(redis, keys, config.queues);
  const sessions = new SessionStore({ ttlMs: config.sessionTtlMs });

  let closing = false;
  const readiness = {
    async isReady(): Promise<boolean> {
      if (closing) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const pong = await Promise.race([redis.ping(), new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), PING_TIMEOUT_MS)))]);
        return pong === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const adapter = new FastifyAdapter({ bodyLimit: 16 * 1024, logger: false, return503OnClosing: true });
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      DashboardModule.forRoot({
        sampler,
        jobs,
        hub,
        metrics,
        readiness,
        assets,
        auth: { keys: keyTable, sessions, sessionTtlMs: config.sessionTtlMs, cookieSecure: config.cookieSecure, logger },
        historyLimits: { maxMinutes: config.historyMinutes, pointMs: config.historyPointMs },
      }),
      adapter,
      { logger: new NestJsonLogger(logger.child({ component: 'nest' })), abortOnError: false },
    );
    installDashboardAuth(app.getHttpAdapter().getInstance(), { keys: keyTable, sessions });
    app.useGlobalFilters(new ProblemFilter(logger));
    await app.init();
    // A first sample before the port opens, so the first page load has numbers.
    await sampler.tick();
    if (!options.manualSampling) sampler.start();
  } catch (err) {
    await sampler.stop();
    redis.disconnect();
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    app,
    config,
    sampler,
    metrics,
    keys: keyTable,
    redis,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      return app.getUrl();
    },
    close() {
      closed ??= (async () => {
        closing = true;
        hub.closeAll();
        await sampler.stop();
        await app.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closed;
    },
  };
}
