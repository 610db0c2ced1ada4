/**
 * A rate limit shared by every process that talks to one Redis: GCRA in one Lua script (rateLimit-1.lua)
 * on the Redis clock, so gateway replicas enforce one budget per key and need no coordination.
 */
import { runLuaScript } from './lua/lua-script';
import { luaScripts } from './lua/scripts.generated';
import type { RedisConnection } from './redis-connection';

export interface RateLimitPolicy {
  /** Sustained requests per second (> 0). */
  requestsPerSecond: number;
  /** Requests allowed back to back from idle (integer >= 1): the bucket size. */
  burst: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests still allowed right now (after this one when allowed). */
  remaining: number;
  /** 0 when allowed; else ms until one request would be allowed. */
  retryAfterMs: number;
  /** ms until the budget is fully restored. */
  resetMs: number;
}

/** The GCRA emission interval in µs (at least 1: a policy above 1e6 requests/s is effectively 1e6). */
export function emissionIntervalUs(policy: RateLimitPolicy): number {
  if (!(policy.requestsPerSecond > 0) || !Number.isFinite(policy.requestsPerSecond)) throw new Error('requestsPerSecond must be a positive number');
  if (!Number.isInteger(policy.burst) || policy.burst < 1) throw new Error('burst must be an integer >= 1');
  return Math.max(1, Math.round(1e6 / policy.requestsPerSecond));
}

/** Takes one request from the budget under `key` (build it with `keys.tenantRateLimit(tenant)`). */
export async function takeRateLimit(connection: RedisConnection, key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
  const reply = await runLuaScript(connection, luaScripts.rateLimit, [key], [emissionIntervalUs(policy), policy.burst]);
  if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((v) => typeof v === 'number')) {
    throw new Error(`rateLimit: unexpected reply ${JSON.stringify(reply)}`);
  }
  const [allowed, remaining, retryAfterUs, resetUs] = reply as number[];
  return { allowed: allowed === 1, remaining, retryAfterMs: retryAfterUs / 1000, resetMs: resetUs / 1000 };
}
