import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, NestJsonLogger, type Logger } from '@lf/observability';
import { CaseStore, createKeyBuilder, createRedisConnection, waitUntilReady, WebhookStore, type RedisConnection } from '@lf/redis';
import { createCasesFeature } from './cases/cases-feature';
import type { GatewayConfig } from './config/gateway.config';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics';
import { GatewayModule } from './gateway.module';
import { FHIR_JSON } from './fhir/fhir.controller';
import { installJsonBodyParser } from './http/json-body-parser';
import { isCaseSubmission } from './cases/cases.controller';
import { installHttpMetrics } from './http/fastify-hooks';
import { GatewayAccess } from './auth/gateway-access';
import { ProblemFilter } from './http/problem.filter';
import { frameworkErrorProblem } from './http/framework-errors';
import { throttled } from '@lf/observability';
import { CaseProducer } from './queues/case-producer';
import { API_ROUTES } from './openapi/api-routes';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { GATEWAY_VERSION } from './openapi/gateway-version';

/** The policy of a tenant the tenants file does not know (LF_API_KEYS tenants): no callbacks anywhere. */
const NO_WEBHOOKS = Object.freeze({ allowedHosts: [], allowPrivateNetworks: false, allowHttp: false });

export interface Gateway {
  app: NestFastifyApplication;
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  redis: RedisConnection;
  producer: CaseProducer;
  /** Tenants (live directory, `tenants.reload('SIGHUP')`), rate limit, backpressure, audit trail. */
  access: GatewayAccess;
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
 * Builds the gateway from validated config: two fail-fast producer connections (the stores' and the BullMQ
 * Queues', see below), the Nest app on Fastify (body limit from config), auth and metrics hooks, and the
 * problem+json filter. Used by main.ts and by the HTTP tests (which call `app.inject`).
 */
export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ app: 'gateway', level: config.logLevel });
  const metrics = createGatewayMetrics();
  const keys = createKeyBuilder(config.keyNamespace);

  const redis = createRedisConnection(config.redis.target, { role: 'producer', name: 'gateway:producer' });
  // BullMQ defines its ~50 scripts as commands on the connection it is given, and ioredis copies every
  // defined command onto each pipeline and MULTI created on that connection: sharing one connection made that
  // copy ~13 % of the CPU of a GET /v1/cases/{id}. So the Queues get a connection of their own.
  const queueRedis = createRedisConnection(config.redis.target, { role: 'producer', name: 'gateway:queues' });
  const connections = [redis, queueRedis];
  const onError = throttled(10_000, (err: Error) => logger.warn('Redis connection error', { err }));
  for (const c of connections) c.on('error', onError);
  const disconnect = () => connections.forEach((c) => c.disconnect());
  try {
    await Promise.all(connections.map((c) => waitUntilReady(c, options.redisReadyTimeoutMs ?? 10_000)));
  } catch (err) {
    disconnect();
    throw err;
  }

  const store = new CaseStore(redis, keys);
  const producer = new CaseProducer(queueRedis, config.registry, keys);
  const cases = createCasesFeature({ config, redis, store, producer, keys, logger, metrics });
  const { submission } = cases;

  let access: GatewayAccess;
  try {
    const queues = config.registry.filter((e) => e.enabled).flatMap((e) => producer.queue(e.queue) ?? []);
    access = new GatewayAccess({ config, redis, keys, queues, routes: API_ROUTES, logger, metrics });
  } catch (err) {
    await cases.close();
    await producer.close();
    disconnect();
    throw err;
  }

  let closing = false;
  const readiness = {
    detail: () => access.readinessDetail(),
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

  const adapter = new FastifyAdapter({ bodyLimit: config.maxBodyBytes, logger: false, return503OnClosing: true, frameworkErrors: frameworkErrorProblem });
  // Every route Fastify registers, so a test can hold the OpenAPI route table to what is really served.
  const routes: Array<{ method: string; url: string }> = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
  });
  const openapi = buildOpenApiDocument(API_ROUTES, { version: GATEWAY_VERSION });
  const webhooks = {
    store: new WebhookStore(redis, keys),
    // The tenant's policy as the tenants file says now (re-read on change); none = no webhooks allowed.
    policyFor: (tenant: string) => access.tenants.table.tenant(tenant)?.webhooks ?? NO_WEBHOOKS,
  };
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot({ submission, store, metrics, readiness, openapi, cases, webhooks }), adapter, {
      logger: new NestJsonLogger(logger.child({ component: 'nest' })),
      abortOnError: false,
      // The gateway installs its own JSON parser (http/json-body-parser.ts); Nest's would replace it at init.
      bodyParser: false,
    });
    const fastify = app.getHttpAdapter().getInstance();
    access.install(fastify);
    await cases.install(fastify);
    // FHIR clients send application/fhir+json: parsed exactly like JSON (same limits and prototype-poisoning rules).
    // A case body's image is decoded straight from the body's bytes (json-body-parser.ts explains why).
    installJsonBodyParser(fastify, ['application/json', FHIR_JSON], { liftBinaryFieldsOn: isCaseSubmission });
    installHttpMetrics(fastify, metrics);
    app.useGlobalFilters(new ProblemFilter(logger, metrics, config.maxBodyBytes));
    await app.init();
    access.start();
  } catch (err) {
    await cases.close();
    await access.stop();
    await producer.close();
    disconnect();
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
    access,
    routes,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      return app.getUrl();
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await cases.close();
        await access.stop();
        await app.close();
        await access.flush();
        await producer.close();
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      })();
      return closed;
    },
  };
}
