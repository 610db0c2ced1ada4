import { resolve } from 'node:path';
import { z } from 'zod';
import { modalityRegistryFromEnv, QUEUES, type ModalityRegistryEntry } from '@lf/contracts';
import { collectConfigProblems, envFields, parseEnv, type Env, type LogLevel } from '@lf/observability';
import { redisConfigFromEnv, type RedisConfig } from '@lf/redis';
import { parseKeyPairs, readDashboardKeysFromTenantsFile, type KeySources } from '../auth/dashboard-keys';
import type { Thresholds } from '../health/health-rules';

/** One queue the dashboard watches: the modality queues of the registry, then `fusion` and `webhooks`. */
export interface WatchedQueue {
  name: string;
  kind: 'modality' | 'fusion' | 'webhooks';
  /** A modality switched off in the registry: shown, but no worker is expected. */
  enabled: boolean;
}

export interface DashboardConfig {
  port: number;
  host: string;
  redis: RedisConfig;
  keyNamespace: string;
  queues: WatchedQueue[];
  keys: KeySources;
  /** Not errors, but worth a log line at boot. */
  warnings: string[];
  /** Browser sessions (the HttpOnly cookie set by the login form) last this long. */
  sessionTtlMs: number;
  /** Mark the session cookie `Secure` (set when the dashboard is served over https, e.g. behind an ingress). */
  cookieSecure: boolean;
  /** How often Redis is sampled and the live stream pushes an overview. */
  sampleMs: number;
  /** One history point per this many ms, kept for `historyMinutes`. */
  historyPointMs: number;
  historyMinutes: number;
  /** Shares, percentiles and rates other than "per minute" are over this window. */
  windowSeconds: number;
  thresholds: Thresholds;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A number (fractions allowed) in [min, max]. */
const decimal = ({ min, max, default: fallback }: { min: number; max: number; default: number }) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a number').pipe(z.number().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`)).default(fallback),
  );

const dashboardEnvSchema = z.object({
  LF_DASHBOARD_PORT: envFields.port(3001),
  LF_DASHBOARD_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  LF_DASHBOARD_SESSION_HOURS: decimal({ min: 0.01, max: 24 * 30, default: 12 }),
  LF_DASHBOARD_COOKIE_SECURE: envFields.bool(false),
  LF_DASHBOARD_SAMPLE_MS: envFields.int({ min: 250, max: 60_000, default: 2000 }),
  LF_DASHBOARD_HISTORY_POINT_SECONDS: envFields.int({ min: 1, max: 300, default: 5 }),
  LF_DASHBOARD_HISTORY_MINUTES: envFields.int({ min: 1, max: 24 * 60, default: 60 }),
  LF_DASHBOARD_WINDOW_SECONDS: envFields.int({ min: 60, max: 3600, default: 300 }),
  LF_DASHBOARD_MAX_BACKLOG: envFields.int({ min: 1, max: 100_000_000, default: 1000 }),
  LF_DASHBOARD_MAX_OLDEST_WAIT_SECONDS: decimal({ min: 0.1, max: 86_400, default: 30 }),
  LF_DASHBOARD_MIN_WORKERS: envFields.int({ min: 0, max: 10_000, default: 1 }),
  LF_DASHBOARD_MAX_FAILED_PER_MINUTE: envFields.int({ min: 0, max: 1_000_000, default: 10 }),
  LF_DASHBOARD_MAX_DEGRADED_SHARE: decimal({ min: 0, max: 1, default: 0.2 }),
  LF_DASHBOARD_MAX_DEADLINE_SLACK_MS: envFields.int({ min: 1, max: 600_000, default: 1000 }),
  LF_DASHBOARD_MAX_MEMORY_RATIO: decimal({ min: 0.01, max: 1, default: 0.8 }),
  LF_KEY_NAMESPACE: z.preprocess(
    blankToUndefined,
    z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes').default('lf'),
  ),
  LF_LOG_LEVEL: envFields.logLevel(),
  LF_SHUTDOWN_TIMEOUT_MS: envFields.int({ min: 0, max: 600_000, default: 10_000 }),
});

/**
 * Where dashboard keys come from (any combination, at least one):
 * - LF_DASHBOARD_KEYS=`name:key,...`: operator keys for the dashboard only;
 * - LF_TENANTS_FILE: every unexpired key with the `dashboard:read` scope (re-read when the file changes);
 * - else LF_API_KEYS (`npm start`): those keys carry every scope, `dashboard:read` included, as in the gateway.
 */
function keySourcesFromEnv(env: Env, warnings: string[]): KeySources {
  const value = (name: string) => env[name]?.trim() || undefined;
  const dashboardKeys = value('LF_DASHBOARD_KEYS');
  const tenantsFile = value('LF_TENANTS_FILE');
  const apiKeys = value('LF_API_KEYS');
  const sources: KeySources = { static: [] };
  if (dashboardKeys) sources.static.push(...parseKeyPairs(dashboardKeys, 'LF_DASHBOARD_KEYS', 'dashboard'));
  if (tenantsFile) {
    sources.tenantsFile = resolve(tenantsFile);
    // Validated now, so a broken file stops the boot with its problems (later, a broken file keeps the last good keys).
    if (readDashboardKeysFromTenantsFile(sources.tenantsFile).length === 0 && sources.static.length === 0) {
      warnings.push(`LF_TENANTS_FILE has no key with the dashboard:read scope yet: nobody can sign in until one is added`);
    }
  } else if (apiKeys) sources.static.push(...parseKeyPairs(apiKeys, 'LF_API_KEYS', 'tenant'));
  if (sources.static.length === 0 && !sources.tenantsFile) {
    throw new Error(
      'LF_DASHBOARD_KEYS / LF_TENANTS_FILE / LF_API_KEYS: missing (required): set LF_DASHBOARD_KEYS to name:key pairs (keys of 16+ characters), or point LF_TENANTS_FILE at a tenants file whose keys have the dashboard:read scope',
    );
  }
  return sources;
}

export function watchedQueues(registry: readonly ModalityRegistryEntry[]): WatchedQueue[] {
  const seen = new Set<string>();
  const out: WatchedQueue[] = [];
  for (const entry of registry) {
    if (seen.has(entry.queue)) continue;
    seen.add(entry.queue);
    out.push({ name: entry.queue, kind: 'modality', enabled: registry.some((e) => e.queue === entry.queue && e.enabled) });
  }
  out.push({ name: QUEUES.fusion, kind: 'fusion', enabled: true }, { name: QUEUES.webhooks, kind: 'webhooks', enabled: true });
  return out;
}

/** Validates the whole environment and throws one ConfigError naming every problem (values are never echoed). */
export function dashboardConfigFromEnv(env: Env): DashboardConfig {
  let own: z.output<typeof dashboardEnvSchema> | undefined;
  let redis: RedisConfig | undefined;
  let registry: ModalityRegistryEntry[] | undefined;
  let keys: KeySources | undefined;
  const warnings: string[] = [];
  collectConfigProblems(
    () => (own = parseEnv(dashboardEnvSchema, env)),
    () => (keys = keySourcesFromEnv(env, warnings)),
    () => (redis = redisConfigFromEnv(env)),
    () => (registry = modalityRegistryFromEnv(env)),
  );
  if (!own || !redis || !registry || !keys) throw new Error('unreachable: configuration problems were not reported');
  return {
    port: own.LF_DASHBOARD_PORT,
    host: own.LF_DASHBOARD_HOST,
    redis,
    keyNamespace: own.LF_KEY_NAMESPACE,
    queues: watchedQueues(registry),
    keys,
    warnings,
    sessionTtlMs: Math.round(own.LF_DASHBOARD_SESSION_HOURS * 3600_000),
    cookieSecure: own.LF_DASHBOARD_COOKIE_SECURE,
    sampleMs: own.LF_DASHBOARD_SAMPLE_MS,
    historyPointMs: own.LF_DASHBOARD_HISTORY_POINT_SECONDS * 1000,
    historyMinutes: own.LF_DASHBOARD_HISTORY_MINUTES,
    windowSeconds: own.LF_DASHBOARD_WINDOW_SECONDS,
    thresholds: {
      maxBacklog: own.LF_DASHBOARD_MAX_BACKLOG,
      maxOldestWaitSeconds: own.LF_DASHBOARD_MAX_OLDEST_WAIT_SECONDS,
      minWorkers: own.LF_DASHBOARD_MIN_WORKERS,
      maxFailedPerMinute: own.LF_DASHBOARD_MAX_FAILED_PER_MINUTE,
      maxDegradedShare: own.LF_DASHBOARD_MAX_DEGRADED_SHARE,
      maxDeadlineSlackMs: own.LF_DASHBOARD_MAX_DEADLINE_SLACK_MS,
      maxMemoryRatio: own.LF_DASHBOARD_MAX_MEMORY_RATIO,
    },
    logLevel: own.LF_LOG_LEVEL,
    shutdownTimeoutMs: own.LF_SHUTDOWN_TIMEOUT_MS,
  };
}
