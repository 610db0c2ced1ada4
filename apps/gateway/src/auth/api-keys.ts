import { TENANT_ID_PATTERN as TENANT_PATTERN } from '@lf/contracts';

/**
 * `LF_API_KEYS="tenant:key,tenant2:key2"`: plain keys in the environment, the compatibility source for
 * `npm start` and deployments without a tenants file (tenants/tenants-file.ts hashes them at load).
 */
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

/** The key from an `Authorization: Bearer <key>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
