import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Tenant API keys from `LF_API_KEYS="tenant:key,tenant2:key2"`.
 *
 * Lookup is constant-time in the presented key: every configured key is compared (no early exit), and
 * both sides are SHA-256 digests, so `timingSafeEqual` always sees equal lengths and neither the
 * length nor the content of a configured key leaks through response timing.
 */
export interface ApiKeyTable {
  /** The tenant owning `presented`, or undefined. */
  tenantFor(presented: string): string | undefined;
  readonly tenants: readonly string[];
}

const TENANT_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_KEY_LENGTH = 16;

export function parseApiKeys(spec: string): Array<{ tenant: string; key: string }> {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair, index) => {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new Error(`LF_API_KEYS entry ${index + 1} must look like tenant:key`);
      const tenant = pair.slice(0, colon);
      const key = pair.slice(colon + 1);
      if (!TENANT_PATTERN.test(tenant)) throw new Error(`LF_API_KEYS entry ${index + 1}: tenant must match ${TENANT_PATTERN}`);
      if (key.length < MIN_KEY_LENGTH) throw new Error(`LF_API_KEYS entry ${index + 1} (tenant ${tenant}): key must be at least ${MIN_KEY_LENGTH} characters`);
      return { tenant, key };
    });
  if (entries.length === 0) throw new Error('LF_API_KEYS must list at least one tenant:key');
  const keys = new Set<string>();
  for (const e of entries) {
    if (keys.has(e.key)) throw new Error(`LF_API_KEYS: a key is configured twice (tenant ${e.tenant})`);
    keys.add(e.key);
  }
  return entries;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function createApiKeyTable(entries: ReadonlyArray<{ tenant: string; key: string }>): ApiKeyTable {
  const table = entries.map((e) => ({ tenant: e.tenant, digest: digest(e.key) }));
  return {
    tenants: [...new Set(entries.map((e) => e.tenant))],
    tenantFor(presented: string): string | undefined {
      const d = digest(presented);
      let found: string | undefined;
      for (const entry of table) {
        if (timingSafeEqual(entry.digest, d) && found === undefined) found = entry.tenant;
      }
      return found;
    },
  };
}

/** The key from an `Authorization: Bearer <key>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
