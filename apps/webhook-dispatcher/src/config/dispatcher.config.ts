import { resolve } from 'node:path';
import { z } from 'zod';
import { collectConfigProblems, envFields, parseEnv, type Env, type LogLevel } from '@lf/observability';
import { redisConfigFromEnv, type RedisConfig } from '@lf/redis';

export interface DispatcherConfig {
  redis: RedisConfig;
  keyNamespace: string;
  ops: { port: number; host: string };
  /** Deliveries in flight at once (I/O bound: mostly waiting on receivers). */
  concurrency: number;
  /** One delivery attempt, connect to response headers. */
  timeoutMs: number;
  /** The tenants file (as the gateway reads it): its current webhook policies apply at delivery. Unset: the policy stored at registration. */
  tenantsFile?: string;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const dispatcherEnvSchema = z.object({
  LF_KEY_NAMESPACE: z.preprocess(
    blankToUndefined,
    z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes').default('lf'),
  ),
  LF_WEBHOOK_DISPATCHER_OPS_PORT: envFields.port(3015),
  LF_OPS_HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  LF_WEBHOOK_CONCURRENCY: envFields.int({ min: 1, max: 1024, default: 32 }),
  LF_WEBHOOK_TIMEOUT_MS: envFields.int({ min: 100, max: 60_000, default: 10_000 }),
  LF_TENANTS_FILE: envFields.optionalString(),
  LF_LOG_LEVEL: envFields.logLevel(),
  LF_SHUTDOWN_TIMEOUT_MS: envFields.int({ min: 0, max: 600_000, default: 10_000 }),
});

/** Validates the environment; throws one ConfigError naming every problem. */
export function dispatcherConfigFromEnv(env: Env): DispatcherConfig {
  let own: z.output<typeof dispatcherEnvSchema> | undefined;
  let redis: RedisConfig | undefined;
  collectConfigProblems(
    () => (own = parseEnv(dispatcherEnvSchema, env)),
    () => (redis = redisConfigFromEnv(env)),
  );
  if (!own || !redis) throw new Error('unreachable: configuration problems were not reported');
  return {
    redis,
    keyNamespace: own.LF_KEY_NAMESPACE,
    ops: { port: own.LF_WEBHOOK_DISPATCHER_OPS_PORT, host: own.LF_OPS_HOST },
    concurrency: own.LF_WEBHOOK_CONCURRENCY,
    timeoutMs: own.LF_WEBHOOK_TIMEOUT_MS,
    ...(own.LF_TENANTS_FILE ? { tenantsFile: resolve(own.LF_TENANTS_FILE) } : {}),
    logLevel: own.LF_LOG_LEVEL,
    shutdownTimeoutMs: own.LF_SHUTDOWN_TIMEOUT_MS,
  };
}
