import { takeRateLimit, type KeyBuilder, type RateLimitDecision, type RateLimitPolicy, type RedisConnection } from '@lf/redis';

export type RateLimitResult =
  | { kind: 'allowed' | 'denied'; policy: RateLimitPolicy; decision: RateLimitDecision }
  /** Redis did not answer in time: the request goes through (fail-open, see below). */
  | { kind: 'unavailable'; policy: RateLimitPolicy; error: Error };

export interface TenantRateLimiterDeps {
  redis: RedisConnection;
  keys: KeyBuilder;
  /** How long a check may take before the request is let through. Default 250 ms. */
  timeoutMs?: number;
}

/**
 * Per-tenant rate limit, one budget across every gateway replica (GCRA in Redis, libs/redis rate-limit.ts).
 *
 * Fail-open: when Redis is unreachable or slow the request is let through (counted, logged). Every route
 * that is limited reads or writes Redis itself, so during an outage it answers 503 on its own; failing
 * closed would only turn that honest 503 into a misleading 429 and add no protection. The limit protects
 * the system from one tenant's burst while Redis is healthy, which is when it matters.
 */
export class TenantRateLimiter {
  private readonly timeoutMs: number;

  constructor(private readonly deps: TenantRateLimiterDeps) {
    this.timeoutMs = deps.timeoutMs ?? 250;
  }

  async check(tenant: string, policy: RateLimitPolicy): Promise<RateLimitResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const decision = await Promise.race([
        takeRateLimit(this.deps.redis, this.deps.keys.tenantRateLimit(tenant), policy),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`rate-limit check took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { kind: decision.allowed ? 'allowed' : 'denied', policy, decision };
    } catch (err) {
      return { kind: 'unavailable', policy, error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Whole seconds for Retry-After / RateLimit-Reset: rounded up (a client that waits that long succeeds), at least 1 when waiting is needed. */
export const wholeSecondsUp = (ms: number): number => (ms <= 0 ? 0 : Math.max(1, Math.ceil(ms / 1000)));

/**
 * Response headers describing the tenant's budget, on every limited response (allowed or not):
 * - `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the budget is full again):
 *   the fields of draft-ietf-httpapi-ratelimit-headers up to -06, which most client libraries parse;
 * - `RateLimit-Policy: "tenant";q=<burst>;w=<seconds>` and `RateLimit: "tenant";r=<remaining>;t=<seconds>`:
 *   the structured fields of the current draft (-08 and later).
 * The GCRA budget is `burst` requests refilled at `requestsPerSecond`, i.e. `burst` per `burst / rps` s.
 * A 429 adds `Retry-After` (seconds until one request will be allowed).
 */
export function rateLimitHeaders(policy: RateLimitPolicy, decision: RateLimitDecision): Record<string, string> {
  const reset = wholeSecondsUp(decision.resetMs);
  const windowSeconds = Math.max(1, Math.ceil(policy.burst / policy.requestsPerSecond));
  const headers: Record<string, string> = {
    'ratelimit-limit': String(policy.burst),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(reset),
    'ratelimit-policy': `"tenant";q=${policy.burst};w=${windowSeconds}`,
    ratelimit: `"tenant";r=${decision.remaining};t=${reset}`,
  };
  if (!decision.allowed) headers['retry-after'] = String(Math.max(1, wholeSecondsUp(decision.retryAfterMs)));
  return headers;
}
