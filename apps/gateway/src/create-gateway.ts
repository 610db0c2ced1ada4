import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, NestJsonLogger, type Logger } from '@lf/observability';
import { CaseStore, createKeyBuilder, createRedisConnection, waitUntilReady, type RedisConnection } from '@lf/redis';
import { createUuidV7Generator } from './case-id/uuid-v7';
import { CaseSubmissionService } from './cases/case-submission.service';
import type { GatewayConfig } from './config/gateway.config';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics';
import { GatewayModule } from './gateway.module';
import { installApiKeyAuth, installHttpMetrics } from './http/fastify-hooks';
import { ProblemFilter } from './http/problem.filter';
import { throttled } from '@lf/observability';
import { CaseProducer } from './queues/case-producer';
import { API_ROUTES } from './openapi/api-routes';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { GATEWAY_VERSION } from './openapi/gateway-version';

export interface Gateway {
  app: NestFastifyApplication;
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  redis: RedisConnection;
  producer: CaseProducer;
  /** Method and URL of every route Fastify registered (HEAD included). */
  routes: ReadonlyArray<{ method: string; url: string }>;
  /** Starts listening on config.host:config.port; resolves with the URL. */
  listen(): Promise<string>;
  /** Stop accepting, finish in-flight requests, flush queued adds, close queues and Redis. Idempotent. */
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  logger?: Logger;
  /** How long to wait for Redis at boot. Default 10 s. */
  redisReadyTimeoutMs?: number;
}

const PING_TIMEOUT_MS = 1000;

/**
 * Builds the gateway from validated config: one fail-fast producer connection shared by the case store
 * and every BullMQ Queue, the Nest app on Fastify (body limit from config), auth and metrics hooks, and the
 * problem+json filter. Used by main.ts and by the HTTP tests (which call `app.inject`).
 */
export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ app: 'gateway', level: config.logLevel });
  const metrics = createGatewayMetrics();
  const keys = createKeyBuilder(config.keyNamespace);

  const redis = createRedisConnection(config.redis.target, { role: 'producer', name: 'gateway:producer' });
  redis.on('error', throttled(10_000, (err: Error) => logger.warn('Redis connection error', { err })));
  try {
    await waitUntilReady(redis, options.redisReadyTimeoutMs ?? 10_000);
  } catch (err) {
    redis.disconnect();
    throw err;
  }

  const store = new CaseStore(redis, keys);
  const producer = new CaseProducer(redis, config.registry, keys);
  const submission = new CaseSubmissionService({
    store,
    producer,
    registry: config.registry,
    keys,
    ids: createUuidV7Generator(),
    defaults: { strategy: config.defaultStrategy, deadlineMs: config.defaultDeadlineMs },
    caseTtlSeconds: config.caseTtlSeconds,
    jobAttempts: config.jobAttempts,
    logger,
    metrics,
  });

  let closing = false;
  const readiness = {
    async isReady(): Promise<boolean> {
      if (closing) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const pong = await Promise.race([
          redis.ping(),
          new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), PING_TIMEOUT_MS))),
        ]);
        return pong === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const adapter = new FastifyAdapter({ bodyLimit: config.maxBodyBytes, logger: false, return503OnClosing: true });
  // Every route Fastify registers, so a test can hold the OpenAPI route table to what is really served.
  const routes: Array<{ method: string; url: string }> = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
  });
  const openapi = buildOpenApiDocument(API_ROUTES, { version: GATEWAY_VERSION });
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot({ submission, store, metrics, readiness, openapi }), adapter, {
      logger: new NestJsonLogger(logger.child({ component: 'nest' })),
      abortOnError: false,
    });
    const fastify = app.getHttpAdapter().getInstance();
    installApiKeyAuth(fastify, config.apiKeys, metrics);
    installHttpMetrics(fastify, metrics);
    app.useGlobalFilters(new ProblemFilter(logger, metrics, config.maxBodyBytes));
    await app.init();
  } catch (err) {
    await producer.close();
    redis.disconnect();
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    app,
    config,
    logger,
    metrics,
    redis,
    producer,
    routes,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      return app.getUrl();
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await app.close();
        await producer.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closed;
    },
  };
}
