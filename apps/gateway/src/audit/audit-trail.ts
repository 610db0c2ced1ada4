import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@lf/observability';
import type { KeyBuilder, RedisConnection } from '@lf/redis';
import type { AccessMetrics } from '../auth/access-metrics';
import { isProtectedUrl } from '../auth/scope-policy';
import { UUID_V7_PATTERN } from '../case-id/uuid-v7';

declare module 'fastify' {
  interface FastifyRequest {
    /** Case ids a handler touched that are neither the `:id` parameter nor in `Location` (a batch): recorded in the audit trail. */
    auditCaseIds?: string[];
  }
}

/**
 * One request against the API: who (tenant, key id), when, what (method, route template, case ids), and
 * the outcome (status). Never input values, never the patientRef, never the raw URL or query string (a
 * client may put anything there); case ids are recorded only in the form the gateway issues (UUIDv7), so a
 * patient identifier pasted into a URL cannot reach the trail either.
 */
export interface AuditRecord {
  /** ISO 8601, this gateway's clock. */
  at: string;
  /** Absent for requests without a valid key (401): they are logged, not kept in a tenant's stream. */
  tenant?: string;
  keyId?: string;
  method: string;
  /** Route template (`/v1/cases/:id`), or `unmatched`. */
  route: string;
  caseIds: string[];
  status: number;
  durationMs: number;
  /** From the caller's W3C traceparent, when it sent one. */
  traceId?: string;
}

export interface AuditTrailDeps {
  redis: RedisConnection;
  keys: KeyBuilder;
  /** Approximate cap of each tenant's stream (XADD MAXLEN ~); 0 = no Redis stream, log lines only. */
  streamMaxLen: number;
  /** Also write each record as an `audit` log line (for the log pipeline's long-term retention). */
  log: boolean;
  logger: Logger;
  metrics?: AccessMetrics;
}

const MAX_CASE_IDS = 100;
/** The longest an audit record waits before its batch is written to Redis. */
const BATCH_MS = 50;
/** Pending records that trigger a write at once. */
const BATCH_MAX = 256;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Retention: the Redis stream `lf:tenant:{<tenant>}:audit` keeps about the last LF_AUDIT_STREAM_MAX_LEN
 * records per tenant (trimmed on write, no TTL): a recent-activity view an operator can read with
 * `XREVRANGE`. Long-term retention is the `audit` log lines, kept as long as the log store keeps them.
 * Writes are fire-and-forget on the request path (a failed write is counted, never fails the request), and
 * batched: records wait up to BATCH_MS (or until BATCH_MAX are pending) and go to Redis as one pipeline per
 * tenant (one stream per tenant: one slot each on a Cluster). One XADD round trip per request was a tenth of
 * the gateway's Redis writes per case; a crash can lose the last BATCH_MS of stream records, as it could lose
 * the writes in flight before. `flush()` writes what is pending and waits for it (shutdown, tests).
 */
export class AuditTrail {
  private readonly inFlight = new Set<Promise<unknown>>();
  private pending = new Map<string, string[][]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: AuditTrailDeps) {}

  record(record: AuditRecord): void {
    const { deps } = this;
    if (deps.log) {
      deps.logger.info('audit', {
        at: record.at,
        tenant: record.tenant ?? null,
        keyId: record.keyId ?? null,
        method: record.method,
        route: record.route,
        caseIds: record.caseIds,
        status: record.status,
        durationMs: record.durationMs,
        ...(record.traceId ? { traceId: record.traceId } : {}),
      });
    }
    if (deps.streamMaxLen === 0 || record.tenant === undefined) return;
    const fields = [
      'at', record.at,
      'keyId', record.keyId ?? '',
      'method', record.method,
      'route', record.route,
      'caseIds', record.caseIds.join(','),
      'status', String(record.status),
      'durationMs', String(record.durationMs),
      ...(record.traceId ? ['traceId', record.traceId] : []),
    ];
    const forTenant = this.pending.get(record.tenant);
    if (forTenant) forTenant.push(fields);
    else this.pending.set(record.tenant, [fields]);
    this.pendingCount++;
    if (this.pendingCount >= BATCH_MAX) this.writePending();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.writePending(), BATCH_MS);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    this.writePending();
    await Promise.allSettled([...this.inFlight]);
  }

  private writePending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingCount === 0) return;
    const { deps } = this;
    const batches = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    for (const [tenant, records] of batches) {
      const pipeline = deps.redis.pipeline();
      for (const fields of records) pipeline.xadd(deps.keys.tenantAudit(tenant), 'MAXLEN', '~', String(deps.streamMaxLen), '*', ...fields);
      const write = pipeline.exec().then(
        (replies) => {
          for (const [err] of replies ?? []) if (err) deps.metrics?.auditWriteErrors.inc();
        },
        () => deps.metrics?.auditWriteErrors.inc(records.length),
      );
      this.inFlight.add(write);
      void write.finally(() => this.inFlight.delete(write));
    }
  }
}

/** The audit record of a finished request, or undefined for routes outside the API (health, metrics, docs). */
export function auditRecordOf(request: FastifyRequest, reply: FastifyReply, now: Date = new Date()): AuditRecord | undefined {
  const route = request.routeOptions.url;
  if (!isProtectedUrl(route ?? request.url)) return undefined;
  const caseIds = new Set<string>();
  const param = (request.params as Record<string, unknown> | undefined)?.['id'];
  if (typeof param === 'string') caseIds.add(param);
  const location = reply.getHeader('location');
  if (typeof location === 'string') caseIds.add(location.split('?')[0].split('/').pop() ?? '');
  for (const id of request.auditCaseIds ?? []) caseIds.add(id);
  const traceparent = request.headers.traceparent;
  const trace = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  return {
    at: now.toISOString(),
    ...(request.principal ? { tenant: request.principal.tenant, keyId: request.principal.keyId } : {}),
    method: request.method,
    route: route ?? 'unmatched',
    caseIds: [...caseIds].filter((id) => UUID_V7_PATTERN.test(id)).slice(0, MAX_CASE_IDS),
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    ...(trace && !/^0+$/.test(trace[1]) ? { traceId: trace[1] } : {}),
  };
}

export function installAuditTrail(fastify: FastifyInstance, trail: AuditTrail): void {
  fastify.decorateRequest('auditCaseIds', undefined);
  fastify.addHook('onResponse', async (request, reply) => {
    const record = auditRecordOf(request, reply);
    if (record) trail.record(record);
  });
}
