import { createHash, timingSafeEqual } from 'node:crypto';
import type { Scope, TenantConfig, TenantsFile } from '@lf/contracts';

/** Who a request is: set on the request by the access-control hook. */
export interface Principal {
  tenant: string;
  /** The key's id from the tenants file (never the key): what audit records and logs name. */
  keyId: string;
  scopes: readonly Scope[];
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: 'unknown-key' | 'expired-key' };

interface KeyEntry {
  digest: Buffer;
  principal: Principal;
  /** Epoch ms; Infinity when the key does not expire. */
  expiresAt: number;
}

export type DigestCompare = (a: Buffer, b: Buffer) => boolean;

/**
 * One immutable snapshot of the tenants file: lookups by presented key, and each tenant's policies.
 * A reload builds a new table and swaps it in whole, so a request never sees half of an old file and half
 * of a new one.
 *
 * Key lookup is constant-time in the presented key: it is hashed once and its digest compared with every
 * configured digest (no early exit), always two 32-byte buffers, so neither which key matched nor how
 * many characters of a key were right shows in the response time.
 */
export class TenantTable {
  private constructor(
    private readonly keys: readonly KeyEntry[],
    private readonly tenants: ReadonlyMap<string, TenantConfig>,
    private readonly compare: DigestCompare,
  ) {}

  static from(file: TenantsFile, compare: DigestCompare = timingSafeEqual): TenantTable {
    const keys: KeyEntry[] = [];
    for (const tenant of file.tenants) {
      for (const key of tenant.keys) {
        keys.push({
          digest: Buffer.from(key.sha256, 'hex'),
          principal: Object.freeze({ tenant: tenant.id, keyId: key.id, scopes: Object.freeze([...key.scopes]) }),
          expiresAt: key.expiresAt === undefined ? Infinity : Date.parse(key.expiresAt),
        });
      }
    }
    return new TenantTable(keys, new Map(file.tenants.map((t) => [t.id, t])), compare);
  }

  authenticate(presented: string, nowMs: number = Date.now()): AuthOutcome {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let match: KeyEntry | undefined;
    for (const entry of this.keys) {
      // Every entry is compared, whatever matched before: the loop's duration does not depend on the key.
      if (this.compare(entry.digest, digest) && match === undefined) match = entry;
    }
    if (match === undefined) return { ok: false, reason: 'unknown-key' };
    if (nowMs >= match.expiresAt) return { ok: false, reason: 'expired-key' };
    return { ok: true, principal: match.principal };
  }

  tenant(id: string): TenantConfig | undefined {
    return this.tenants.get(id);
  }

  get tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  /** `tenant/keyId` of every key, for the reload log (which keys came and went). */
  get keyNames(): string[] {
    return this.keys.map((k) => `${k.principal.tenant}/${k.principal.keyId}`);
  }
}
