/**
 * Which webhook policy applies to a delivery. With a tenants file (LF_TENANTS_FILE, the file the gateway
 * reads), the tenant's current policy: tightening an allow-list stops deliveries to hosts that left it, and a
 * tenant removed from the file gets none. Without one, the policy stored with the webhook at registration.
 * Either way the URL is re-checked (fresh DNS) before every delivery.
 */
import { readFile, stat } from 'node:fs/promises';
import { tenantsFileSchema, type WebhookPolicy } from '@lf/contracts';
import type { Logger } from '@lf/observability';

export interface TenantPolicySource {
  /** undefined: the tenant is not configured (any more): deliver nothing. */
  policyFor(tenant: string, registered: WebhookPolicy): Promise<WebhookPolicy | undefined>;
}

/** No tenants file: the policy the URL was checked against at registration. */
export const registeredPolicies: TenantPolicySource = {
  policyFor: async (_tenant, registered) => registered,
};

async function parseTenantsFile(path: string): Promise<Map<string, WebhookPolicy>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`LF_TENANTS_FILE (${path}): ${(err as NodeJS.ErrnoException).code ?? 'not valid JSON'}: ${(err as Error).message}`);
  }
  const parsed = tenantsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`LF_TENANTS_FILE (${path}) is invalid: ${issues}`);
  }
  return new Map(parsed.data.tenants.map((t) => [t.id, t.webhooks]));
}

/**
 * Reads the tenants file at boot (throws if it is unreadable or invalid) and again whenever its modification
 * time or size changes (checked at most every `recheckMs`), so policy edits apply without a restart. A
 * changed file that is invalid is reported and ignored: the last good policies stay in force.
 */
export class TenantsFilePolicies implements TenantPolicySource {
  private lastCheck = 0;
  private version = '';

  private constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private policies: Map<string, WebhookPolicy>,
    private readonly recheckMs: number,
  ) {}

  static async load(path: string, logger: Logger, recheckMs = 1000): Promise<TenantsFilePolicies> {
    const policies = new TenantsFilePolicies(path, logger, await parseTenantsFile(path), recheckMs);
    policies.version = await policies.fileVersion();
    policies.lastCheck = Date.now();
    return policies;
  }

  async policyFor(tenant: string): Promise<WebhookPolicy | undefined> {
    if (Date.now() - this.lastCheck >= this.recheckMs) await this.reloadIfChanged();
    return this.policies.get(tenant);
  }

  private async fileVersion(): Promise<string> {
    const s = await stat(this.path);
    return `${s.mtimeMs}:${s.size}`;
  }

  private async reloadIfChanged(): Promise<void> {
    this.lastCheck = Date.now();
    try {
      const version = await this.fileVersion();
      if (version === this.version) return;
      this.policies = await parseTenantsFile(this.path);
      this.version = version;
      this.logger.info('tenants file reloaded', { tenants: this.policies.size });
    } catch (err) {
      this.logger.warn('tenants file changed but could not be used; keeping the last good policies', { err: err as Error });
    }
  }
}
