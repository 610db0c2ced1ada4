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
  /** ZSET caseId -> deadline (epoch ms, Redis clock): the sweeper's safety net. Global, not per case. */
  deadlines(): string;
  /** BullMQ prefix for a queue: hash-tagged so all of one queue's keys share a slot. */
  queuePrefix(queue: string): string;
}

export function createKeyBuilder(namespace = 'lf'): KeyBuilder {
  const tag = (caseId: string) => {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(caseId)) throw new Error(`invalid case id '${caseId}'`);
    return `{${caseId}}`;
  };
  return {
    case: (id) => `${namespace}:case:${tag(id)}`,
    scores: (id) => `${namespace}:case:${tag(id)}:scores`,
    late: (id) => `${namespace}:case:${tag(id)}:late`,
    result: (id) => `${namespace}:case:${tag(id)}:result`,
    events: (id) => `${namespace}:case:${tag(id)}:events`,
    blob: (id, modality) => `${namespace}:blob:${tag(id)}:${modality}`,
    deadlines: () => `${namespace}:deadlines`,
    queuePrefix: (queue) => `{${namespace}:q:${queue}}`,
  };
}
