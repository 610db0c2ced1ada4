/**
 * The one place Redis keys are built. Every key of one case shares the hash tag `{<caseId>}`, so each
 * per-case Lua script touches a single slot and works on Redis Cluster (DESIGN.md 3). Never use an
 * ioredis `keyPrefix`: BullMQ and Lua scripts must see the same names as everybody else.
 */
export interface KeyBuilder {
  /**
   * HASH: tenant, status, expected (comma list), strategy, traceId, submittedAt, deadlineAt, expiresAt
   * (all epoch ms, Redis clock); fencedAt + completedBy from the finalize fence; finalizedAt with the result.
   */
  case(caseId: string): string;
  /** HASH modality -> ScoreRecord JSON, frozen at finalization (the fused result is a function of it). */
  scores(caseId: string): string;
  /** HASH modality -> ScoreRecord JSON of scores that arrived after the fence (first one per modality). */
  late(caseId: string): string;
  /** STRING: the fused result JSON. */
  result(caseId: string): string;
  /** STREAM: lifecycle audit trail (submitted, score, finalized, late-score, result-stored), capped (~). */
  events(caseId: string): string;
  /** STRING (binary): one modality's stored input (claim check), with a TTL. */
  blob(caseId: string, modality: string): string;
  /**
   * ZSET caseId -> deadline (epoch ms, Redis clock): every pending case, until its result is stored. The
   * aggregator's sweeper finalizes what falls due. Global, not per case.
   */
  deadlines(): string;
  /**
   * STREAM: one entry per stored result (`FinalizedStreamEntry`: caseId, status, completedBy, submittedAt,
   * deadlineAt, finalizedAt, expected, replies), capped (XADD MAXLEN ~): how the dashboard finds finalized
   * cases and what it knows of them, without reading the cases. Global.
   */
  finalized(): string;
  /** BullMQ prefix for a queue: hash-tagged so all of one queue's keys share a slot. */
  queuePrefix(queue: string): string;
  /** HASH webhookId -> webhook record JSON (url, events, secret(s), policy snapshot): one tenant's webhooks. */
  tenantWebhooks(tenant: string): string;
  /** STRING: a tenant's rate-limit state (GCRA theoretical arrival time, µs, Redis clock); expires once idle. */
  tenantRateLimit(tenant: string): string;
  /** STREAM: a tenant's audit trail (who, when, what, outcome; never input values), capped (XADD MAXLEN ~). */
  tenantAudit(tenant: string): string;
  /**
   * HASH caseId, bodyHash, state ('reserved' | 'enqueued'), createdAt, enqueuedAt: one tenant's
   * Idempotency-Key, named by the key's SHA-256 (hex), never the key itself. Tagged by that digest, not the
   * tenant: only single-key scripts touch it, and a busy tenant's records spread over the cluster.
   */
  idempotency(tenant: string, keyDigest: string): string;
  /** Pub/Sub channel (not a key) on which each new entry id of `events(caseId)` is published: the same name. */
  eventsChannel(caseId: string): string;
}

export function createKeyBuilder(namespace = 'lf'): KeyBuilder {
  const tag = (caseId: string) => {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(caseId)) throw new Error(`invalid case id '${caseId}'`);
    return `{${caseId}}`;
  };
  // Tenant-scoped keys share the hash tag `{<tenant>}` (one slot per tenant, so multi-key scripts stay slot-safe).
  const tenantTag = (tenant: string) => {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(tenant)) throw new Error(`invalid tenant id '${tenant}'`);
    return `{${tenant}}`;
  };
  return {
    case: (id) => `${namespace}:case:${tag(id)}`,
    scores: (id) => `${namespace}:case:${tag(id)}:scores`,
    late: (id) => `${namespace}:case:${tag(id)}:late`,
    result: (id) => `${namespace}:case:${tag(id)}:result`,
    events: (id) => `${namespace}:case:${tag(id)}:events`,
    blob: (id, modality) => `${namespace}:blob:${tag(id)}:${modality}`,
    deadlines: () => `${namespace}:deadlines`,
    finalized: () => `${namespace}:finalized`,
    queuePrefix: (queue) => `{${namespace}:q:${queue}}`,
    tenantWebhooks: (tenant) => `${namespace}:tenant:${tenantTag(tenant)}:webhooks`,
    tenantRateLimit: (tenant) => `${namespace}:tenant:${tenantTag(tenant)}:ratelimit`,
    tenantAudit: (tenant) => `${namespace}:tenant:${tenantTag(tenant)}:audit`,
    idempotency: (tenant, keyDigest) => {
      if (!/^[0-9a-f]{64}$/.test(keyDigest)) throw new Error('idempotency key digest must be 64 lower-case hex characters');
      return `${namespace}:idem:${tenantTag(tenant).slice(1, -1)}:{${keyDigest}}`;
    },
    eventsChannel: (id) => `${namespace}:case:${tag(id)}:events`,
  };
}
