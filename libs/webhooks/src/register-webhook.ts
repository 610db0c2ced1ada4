import type { WebhookPolicy, WebhookRegistration } from '@lf/contracts';
import type { RegisteredWebhook, WebhookStore } from '@lf/redis';
import { checkCallbackUrl, systemResolver, type CallbackUrlProblem, type Resolver } from './callback-url-policy';

/**
 * Registration in one call, for `POST /v1/webhooks`: the URL is checked against the tenant's policy
 * (including DNS), then stored with a fresh secret. Suggested HTTP mapping:
 *   registered -> 201 with the webhook and its secret (the only time the secret is shown);
 *   rejected-url -> 422, problem detail on field `url` with `reason`;
 *   duplicate-url -> 409 naming `existingId`; limit-reached -> 409 (or 422) naming `max`.
 */
export type RegisterWebhookResult =
  | { outcome: 'registered'; webhook: RegisteredWebhook }
  | { outcome: 'rejected-url'; problem: CallbackUrlProblem; reason: string }
  | { outcome: 'duplicate-url'; existingId: string }
  | { outcome: 'limit-reached'; max: number };

export async function registerWebhook(
  deps: { store: Pick<WebhookStore, 'register'>; resolve?: Resolver },
  tenant: string,
  request: WebhookRegistration,
  policy: WebhookPolicy,
): Promise<RegisterWebhookResult> {
  const check = await checkCallbackUrl(request.url, policy, deps.resolve ?? systemResolver);
  if (!check.ok) return { outcome: 'rejected-url', problem: check.problem, reason: check.reason };
  // The normalised form (lower-case host, punycode, default port dropped): what duplicate detection compares.
  const stored = await deps.store.register(tenant, { url: check.url.href, ...(request.events ? { events: request.events } : {}), policy });
  return stored.outcome === 'registered' ? { outcome: 'registered', webhook: stored.webhook } : stored;
}
