import { z } from 'zod';

/**
 * Tenants, their API keys and their per-tenant policies: the shape of the file mounted as a secret
 * (`LF_TENANTS_FILE`). Keys are stored only as SHA-256 hex digests of the key text, so the file can be
 * handled like configuration, and a leaked copy does not leak keys. A tenant may hold several keys at
 * once (rotation: add the new one, roll clients over, remove the old one; the gateway re-reads the file).
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const SCOPES = ['cases:write', 'cases:read', 'webhooks:manage', 'dashboard:read'] as const;
export type Scope = (typeof SCOPES)[number];

export const apiKeyEntrySchema = z.object({
  /** A name for the key (shown in audit records and logs instead of the key). */
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . -'),
  /** Lower-case hex SHA-256 of the key text (`printf %s "$KEY" | sha256sum`). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64-character lower-case hex SHA-256 of the key'),
  scopes: z.array(z.enum(SCOPES)).min(1, 'needs at least one scope'),
  /** Optional ISO 8601 expiry; an expired key is treated as unknown (401). */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type ApiKeyEntry = z.infer<typeof apiKeyEntrySchema>;

export const webhookPolicySchema = z.object({
  /**
   * Host names callbacks may go to: exact (`hooks.example.org`) or one leading wildcard label
   * (`*.example.org`, which does not match `example.org` itself). Empty = this tenant cannot register webhooks.
   */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** Allow callback hosts that resolve to loopback, private, link-local or unique-local addresses. */
  allowPrivateNetworks: z.boolean().default(false),
  /** Allow plain http:// callbacks (https is required otherwise). */
  allowHttp: z.boolean().default(false),
});
export type WebhookPolicy = z.infer<typeof webhookPolicySchema>;

export const rateLimitSchema = z.object({
  /** Sustained requests per second across all gateway replicas. */
  requestsPerSecond: z.number().positive(),
  /** Requests allowed in a burst above the sustained rate. */
  burst: z.number().int().min(1),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const tenantConfigSchema = z.object({
  id: z.string().regex(TENANT_ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 _ . -'),
  keys: z.array(apiKeyEntrySchema).min(1, 'needs at least one key'),
  /** Omitted = the gateway's default rate limit. */
  rateLimit: rateLimitSchema.optional(),
  webhooks: webhookPolicySchema.default({ allowedHosts: [], allowPrivateNetworks: false, allowHttp: false }),
});
export type TenantConfig = z.infer<typeof tenantConfigSchema>;

export const tenantsFileSchema = z
  .object({ tenants: z.array(tenantConfigSchema).min(1, 'needs at least one tenant') })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    const digests = new Set<string>();
    file.tenants.forEach((tenant, t) => {
      if (ids.has(tenant.id)) ctx.addIssue({ code: 'custom', path: ['tenants', t, 'id'], message: `tenant '${tenant.id}' is listed twice` });
      ids.add(tenant.id);
      tenant.keys.forEach((key, k) => {
        if (digests.has(key.sha256)) ctx.addIssue({ code: 'custom', path: ['tenants', t, 'keys', k, 'sha256'], message: 'the same key is configured twice' });
        digests.add(key.sha256);
      });
    });
  });
export type TenantsFile = z.infer<typeof tenantsFileSchema>;
