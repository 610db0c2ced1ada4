/**
 * Idempotency-Key records: (tenant, key) -> the case the key stands for and the SHA-256 of the body first
 * sent with it. Keys are stored by their SHA-256 only (a client might put anything in a key).
 *
 * The record cannot be written in one script with the case (its key is in another Cluster slot than the
 * case's `{caseId}` keys), so it has two states: `reserved` (claimed, the case may not be registered or
 * its jobs not queued yet) and `enqueued` (registered and every job queued). A retry that finds `reserved`
 * finishes the submission (registration and job ids are idempotent); one that finds `enqueued` only reads.
 */
import { createHash } from 'node:crypto';
import { createKeyBuilder, type KeyBuilder } from './keys';
import { runLuaScript } from './lua/lua-script';
import { luaScripts } from './lua/scripts.generated';
import type { RedisConnection } from './redis-connection';

export type IdempotencyState = 'reserved' | 'enqueued';

export interface IdempotencyRecord {
  /** true when this call created the record (the key was new). */
  claimed: boolean;
  caseId: string;
  bodyHash: string;
  state: IdempotencyState;
}

export interface IdempotencyClaim {
  tenant: string;
  /** The Idempotency-Key as the client sent it. */
  key: string;
  /** The case id to record if the key is new. */
  caseId: string;
  /** Hex SHA-256 of the canonical request body. */
  bodyHash: string;
  ttlMs: number;
}

const STATES: readonly string[] = ['reserved', 'enqueued'];

export class IdempotencyStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: KeyBuilder = createKeyBuilder(),
  ) {}

  /** Records the key if it is new; either way returns what is recorded for it. */
  async claim(claim: IdempotencyClaim): Promise<IdempotencyRecord> {
    if (!Number.isInteger(claim.ttlMs) || claim.ttlMs < 1) throw new Error('claim: ttlMs must be a positive integer');
    if (!/^[0-9a-f]{64}$/.test(claim.bodyHash)) throw new Error('claim: bodyHash must be a hex SHA-256');
    this.keys.case(claim.caseId); // validates the id
    const reply = await runLuaScript(this.redis, luaScripts.claimIdempotencyKey, [this.recordKey(claim.tenant, claim.key)], [claim.caseId, claim.bodyHash, claim.ttlMs]);
    if (!Array.isArray(reply) || reply.length !== 4 || !STATES.includes(String(reply[3]))) {
      throw new Error(`claimIdempotencyKey: unexpected script reply ${JSON.stringify(reply)}`);
    }
    const [claimed, caseId, bodyHash, state] = reply as [number, string, string, IdempotencyState];
    return { claimed: claimed === 1, caseId, bodyHash, state };
  }

  /** Marks the key `enqueued` when it still names `caseId`; false (nothing changed) otherwise. */
  async confirm(tenant: string, key: string, caseId: string): Promise<boolean> {
    const reply = await runLuaScript(this.redis, luaScripts.confirmIdempotencyKey, [this.recordKey(tenant, key)], [caseId]);
    if (reply !== 0 && reply !== 1) throw new Error(`confirmIdempotencyKey: unexpected script reply ${JSON.stringify(reply)}`);
    return reply === 1;
  }

  /** The Redis key of a tenant's Idempotency-Key record. */
  recordKey(tenant: string, key: string): string {
    return this.keys.idempotency(tenant, createHash('sha256').update(key, 'utf8').digest('hex'));
  }
}
