import type { FastifyInstance } from 'fastify';
import type { Logger } from '@lf/observability';
import { createRedisConnection, IdempotencyStore, type CaseStore, type KeyBuilder, type RedisConnection } from '@lf/redis';
import { throttled } from '@lf/observability';
import { createUuidV7Generator } from '../case-id/uuid-v7';
import type { GatewayConfig } from '../config/gateway.config';
import type { GatewayMetrics } from '../gateway-metrics';
import type { CaseProducer } from '../queues/case-producer';
import { CaseResults } from './case-results.service';
import { CaseSubmissionService } from './case-submission.service';
import { CaseWatcher } from './case-watcher';
import type { CaseRouteOptions } from './cases.controller';
import { installMultipart } from './multipart-case';

/**
 * The case routes' services, built once by createGateway: submission (with Idempotency-Key records),
 * reading (long-poll and SSE over one Pub/Sub connection, opened on first use), and the Fastify set-up
 * they need (multipart parsing, the batch route's own body limit).
 */
export interface CasesFeature {
  submission: CaseSubmissionService;
  results: CaseResults;
  watcher: CaseWatcher;
  routeOptions: CaseRouteOptions;
  /** Registers multipart parsing and the batch body limit. Call before the routes are registered (app.init). */
  install(fastify: FastifyInstance): Promise<void>;
  /** Answers every long-poll and ends every event stream now (before the server drains), closes Pub/Sub. */
  close(): Promise<void>;
}

export interface CasesFeatureDeps {
  config: GatewayConfig;
  redis: RedisConnection;
  store: CaseStore;
  producer: CaseProducer;
  keys: KeyBuilder;
  logger: Logger;
  metrics: GatewayMetrics;
}

/** Fastify's template of `POST /v1/cases:batch` (`::` is an escaped literal colon). */
export const BATCH_ROUTE_URL = '/v1/cases::batch';

export function createCasesFeature(deps: CasesFeatureDeps): CasesFeature {
  const { config, logger } = deps;
  const submission = new CaseSubmissionService({
    store: deps.store,
    idempotency: new IdempotencyStore(deps.redis, deps.keys),
    producer: deps.producer,
    registry: config.registry,
    keys: deps.keys,
    ids: createUuidV7Generator(),
    defaults: { strategy: config.defaultStrategy, deadlineMs: config.defaultDeadlineMs },
    caseTtlSeconds: config.caseTtlSeconds,
    idempotencyTtlSeconds: config.cases.idempotencyTtlSeconds,
    jobAttempts: config.jobAttempts,
    logger,
    metrics: deps.metrics,
  });
  // A subscriber connection rides out reconnects (offline queue on) and re-subscribes by itself.
  const subscriber = createRedisConnection(config.redis.target, { role: 'worker', name: 'gateway:events', lazyConnect: true });
  subscriber.on('error', throttled(10_000, (err: Error) => logger.warn('Redis (case notifications) connection error', { err })));
  const watcher = new CaseWatcher(subscriber, deps.keys, { maxWatchers: config.cases.maxWatchers });
  const results = new CaseResults({
    store: deps.store,
    watcher,
    logger,
    sseHeartbeatMs: config.cases.sseHeartbeatMs,
    sseGraceMs: config.cases.sseGraceMs,
  });
  return {
    submission,
    results,
    watcher,
    routeOptions: { maxBodyBytes: config.maxBodyBytes, maxUploadBytes: config.cases.maxUploadBytes, maxWaitMs: config.cases.maxWaitMs, logger },
    async install(fastify) {
      fastify.addHook('onRoute', (route) => {
        if (route.url === BATCH_ROUTE_URL) route.bodyLimit = config.cases.maxBatchBodyBytes;
      });
      await installMultipart(fastify, { maxCaseBytes: config.maxBodyBytes, maxImageBytes: config.cases.maxUploadBytes });
    },
    close: () => watcher.close(),
  };
}
