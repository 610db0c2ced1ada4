import type { FastifyInstance } from 'fastify';
import type { Logger } from '@lf/observability';
import type { KeyBuilder, RedisConnection } from '@lf/redis';
import { AuditTrail, installAuditTrail } from '../audit/audit-trail';
import type { GatewayConfig } from '../config/gateway.config';
import type { GatewayMetrics } from '../gateway-metrics';
import { installAccessControl } from '../http/fastify-hooks';
import { BackpressureMonitor, type CountedQueue } from '../limits/backpressure';
import { TenantRateLimiter } from '../limits/tenant-rate-limiter';
import { TenantDirectory } from '../tenants/tenant-directory';
import { createAccessMetrics, type AccessMetrics } from './access-metrics';
import { scopePolicyFrom, type ScopedRoute } from './scope-policy';

export interface GatewayAccessDeps {
  config: GatewayConfig;
  redis: RedisConnection;
  keys: KeyBuilder;
  /** The modality queues whose backlog drives backpressure. */
  queues: readonly CountedQueue[];
  /** The route table (method, OpenAPI path, scope) that scopes are enforced from. */
  routes: readonly ScopedRoute[];
  logger: Logger;
  metrics: GatewayMetrics;
}

/**
 * Tenants and access, wired once for createGateway: the live tenant directory, the scope policy, the
 * Redis-backed rate limiter, the backpressure monitor and the audit trail, installed as Fastify hooks.
 */
export class GatewayAccess {
  readonly tenants: TenantDirectory;
  readonly backpressure: BackpressureMonitor;
  readonly audit: AuditTrail;
  private readonly limiter: TenantRateLimiter;
  private readonly access: AccessMetrics;

  constructor(private readonly deps: GatewayAccessDeps) {
    const { config, logger } = deps;
    this.access = createAccessMetrics(deps.metrics.base);
    this.tenants = TenantDirectory.open(config.tenants, { logger, reloads: this.access.tenantReloads, pollMs: config.tenantsPollMs });
    this.limiter = new TenantRateLimiter({ redis: deps.redis, keys: deps.keys });
    this.backpressure = new BackpressureMonitor({
      queues: deps.queues,
      redis: deps.redis,
      thresholds: { maxBacklog: config.backpressure.maxBacklog, maxQueueWaitMs: config.backpressure.maxQueueWaitMs, maxMemoryRatio: config.backpressure.maxMemoryRatio },
      sampleMs: config.backpressure.sampleMs,
      logger,
      metrics: this.access,
    });
    this.audit = new AuditTrail({ redis: deps.redis, keys: deps.keys, streamMaxLen: config.audit.streamMaxLen, log: config.audit.log, logger, metrics: this.access });
    for (const warning of config.warnings) logger.warn(warning);
  }

  /** Registers the hooks; call before the routes are registered (app.init). */
  install(fastify: FastifyInstance): void {
    installAccessControl(fastify, {
      tenants: this.tenants,
      policy: scopePolicyFrom(this.deps.routes),
      limiter: this.limiter,
      defaultRateLimit: this.deps.config.rateLimit,
      backpressure: this.backpressure,
      backpressureRetryAfterSeconds: this.deps.config.backpressure.retryAfterSeconds,
      metrics: this.deps.metrics,
      access: this.access,
      logger: this.deps.logger,
    });
    installAuditTrail(fastify, this.audit);
  }

  /** Starts watching the tenants file and sampling backpressure. */
  start(): void {
    this.tenants.start();
    this.backpressure.start();
  }

  /** For /health/ready: backpressure is reported there but never makes the gateway unready (reads must go on). */
  readinessDetail(): Record<string, unknown> {
    const state = this.backpressure.state;
    return {
      backpressure: {
        active: state.active,
        reasons: state.reasons,
        stale: state.stale,
        ...(state.sample
          ? {
              sampledAt: new Date(state.sample.at).toISOString(),
              backlog: state.sample.backlog,
              maxBacklog: this.deps.config.backpressure.maxBacklog,
              oldestWaitMs: Object.fromEntries(Object.entries(state.sample.oldestWaitMs).map(([queue, ms]) => [queue, Math.round(ms)])),
              maxQueueWaitMs: this.deps.config.backpressure.maxQueueWaitMs,
              ...(state.sample.memoryRatio !== undefined ? { memoryRatio: Number(state.sample.memoryRatio.toFixed(4)), maxMemoryRatio: this.deps.config.backpressure.maxMemoryRatio } : {}),
            }
          : {}),
      },
    };
  }

  /** Stops the background work; call before closing the HTTP server. */
  async stop(): Promise<void> {
    this.tenants.close();
    await this.backpressure.close();
  }

  /** Waits for audit writes still in flight; call after the HTTP server closed, before Redis. */
  async flush(): Promise<void> {
    await this.audit.flush();
  }
}
