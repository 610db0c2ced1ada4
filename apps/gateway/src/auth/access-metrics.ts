import type { Counter, Gauge } from 'prom-client';
import type { Metrics } from '@lf/observability';

/** Series of tenants, rate limiting, backpressure and the audit trail, on the gateway's registry. */
export interface AccessMetrics {
  /** Tenants-file reloads that applied a new file or rejected a broken one. */
  readonly tenantReloads: Counter<'outcome'>;
  /** 429s, by tenant (a bounded set: the configured tenants). */
  readonly rateLimited: Counter<'tenant'>;
  /** Rate-limit checks that could not reach Redis and let the request through (fail-open). */
  readonly rateLimitErrors: Counter;
  /** Waiting work per modality queue (wait + paused + prioritized + delayed), as last sampled. */
  readonly queueBacklog: Gauge<'queue'>;
  /** How long each modality queue's oldest waiting job has waited, as last sampled (seconds). */
  readonly queueOldestWait: Gauge<'queue'>;
  /** Redis used_memory / maxmemory as last sampled (absent when Redis has no maxmemory). */
  readonly redisMemoryRatio: Gauge;
  /** A state set: 1 for the current backpressure state (accepting | shedding), 0 for the other. */
  readonly backpressureState: Gauge<'state'>;
  readonly backpressureSampleErrors: Counter;
  /** Audit records that could not be written to the tenant's Redis stream (the log line is still written). */
  readonly auditWriteErrors: Counter;
}

export function createAccessMetrics(base: Metrics): AccessMetrics {
  return {
    tenantReloads: base.counter({ name: 'lf_tenants_reloads_total', help: 'Tenants-file reloads, by outcome (applied | rejected).', labelNames: ['outcome'] }),
    rateLimited: base.counter({ name: 'lf_rate_limited_requests_total', help: 'Requests refused with 429, by tenant.', labelNames: ['tenant'] }),
    rateLimitErrors: base.counter({ name: 'lf_rate_limit_errors_total', help: 'Rate-limit checks that failed on Redis; the request was let through.' }),
    queueBacklog: base.gauge({ name: 'lf_queue_backlog_jobs', help: 'Jobs waiting per modality queue (wait+paused+prioritized+delayed), sampled.', labelNames: ['queue'] }),
    queueOldestWait: base.gauge({ name: 'lf_queue_oldest_wait_seconds', help: 'How long the oldest waiting job of each modality queue has waited, sampled.', labelNames: ['queue'] }),
    redisMemoryRatio: base.gauge({ name: 'lf_redis_memory_used_ratio', help: 'Redis used_memory / maxmemory, sampled (only when maxmemory is set).' }),
    backpressureState: base.gauge({ name: 'lf_backpressure_info', help: 'Backpressure state set: 1 for the current state (accepting | shedding).', labelNames: ['state'] }),
    backpressureSampleErrors: base.counter({ name: 'lf_backpressure_sample_errors_total', help: 'Backpressure samples that failed (Redis unreachable).' }),
    auditWriteErrors: base.counter({ name: 'lf_audit_write_errors_total', help: 'Audit records not written to the Redis stream.' }),
  };
}
