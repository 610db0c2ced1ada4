import { parseRedisUrl, type RedisTarget } from './redis-url';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RedisConfig {
  /** As given (may contain a password: log `redactRedisUrl(url)` instead). */
  url: string;
  target: RedisTarget;
}

/**
 * Redis settings from the environment, validated at boot: REDIS_URL (default redis://127.0.0.1:6379),
 * any form `parseRedisUrl` accepts (standalone, TLS, sentinel, cluster). Throws naming the variable.
 */
export function redisConfigFromEnv(env: Record<string, string | undefined>): RedisConfig {
  const url = env['REDIS_URL']?.trim() || DEFAULT_REDIS_URL;
  try {
    return { url, target: parseRedisUrl(url) };
  } catch (err) {
    throw new Error(`REDIS_URL: ${(err as Error).message}`);
  }
}
