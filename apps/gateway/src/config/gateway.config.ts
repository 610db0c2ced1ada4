import { resolve } from 'node:path';
import { z } from 'zod';
import {
  defaultJobOptions,
  FUSION_STRATEGIES,
  modalityRegistryFromEnv,
  type FusionStrategyName,
  type ModalityRegistryEntry,
} from '@lf/contracts';
import { collectConfigProblems, envFields, parseEnv, type Env, type LogLevel } from '@lf/observability';
import { redisConfigFromEnv, type RateLimitPolicy, type RedisConfig } from '@lf/redis';
import { loadTenantsFile, tenantsFromApiKeys, type TenantsSource } from '../tenants/tenants-file';
import { casesConfigFromEnv, type CasesConfig } from '../cases/cases.config';

/** The longest deadline a request may ask for (caseRequestSchema.deadlineMs max). */
const MAX_REQUEST_DEADLINE_MS = 600_000;

export interface GatewayConfig {
  port: number;
  host: string;
  redis: RedisConfig;
  keyNamespace: string;
  /** LF_TENANTS_FILE (validated at boot, re-read while running) or LF_API_KEYS. */
  tenants: TenantsSource;
  tenantsPollMs: number;
  /** Default per-tenant rate limit (a tenant's `rateLimit` in the tenants file overrides it). */
  rateLimit: RateLimitPolicy;
  backpressure: { maxBacklog: number; maxQueueWaitMs: number; maxMemoryRatio: number; sampleMs: number; retryAfterSeconds: number };
  audit: { streamMaxLen: number; log: boolean };
  /** Not errors, but worth a log line at boot. */
  warnings: string[];
  registry: ModalityRegistryEntry[];
  /** Idempotency, multipart and batch limits, long-poll and SSE (cases/cases.config.ts). */
  cases: CasesConfig;
  maxBodyBytes: number;
  caseTtlSeconds: number;
  defaultDeadlineMs: number;
  defaultStrategy: FusionStrategyName;
  jobAttempts: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /** V8's old-generation growing factor, as 1 + this/100 (0: V8's own; see tune-heap-growth.ts). */
  heapGrowingPercent: number;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A number (fractions allowed) in [min, max]. */
const decimal = ({ min, max, default: fallback }: { min: number; max: number; default: number }) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a number').pipe(z.number().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`)).default(fallback),
  );

/**
 * LF_TENANTS_FILE wins over LF_API_KEYS (npm start passes a development LF_API_KEYS that a tenants file
 * must be able to override); the file is validated now, so a broken one stops the boot with its problems.
 */
function tenantsFromEnv(env: Env, warnings: string[]): TenantsSource {
  const path = env['LF_TENANTS_FILE']?.trim();
  const spec = env['LF_API_KEYS']?.trim();
  if (path) {
    const absolute = resolve(path);
    loadTenantsFile(absolute);
    if (spec) warnings.push('LF_API_KEYS is ignored: LF_TENANTS_FILE is set');
    return { kind: 'file', path: absolute };
  }
  if (spec) return { kind: 'env', file: tenantsFromApiKeys(spec) };
  throw new Error(
    'LF_TENANTS_FILE / LF_API_KEYS: missing (required): set LF_TENANTS_FILE to a tenants JSON file (see tenants.example.json), or LF_API_KEYS to tenant:key pairs (keys of 16+ characters)',
  );
}

const gatewayEnvSchema = z.object({
  LF_GATEWAY_PORT: envFields.port(3000),
  LF_GATEWAY_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  LF_TENANTS_FILE: envFields.optionalString(),
  LF_API_KEYS: envFields.optionalString(),
  LF_TENANTS_POLL_MS: envFields.int({ min: 100, max: 3_600_000, default: 5000 }),
  LF_RATE_LIMIT_RPS: decimal({ min: 0.001, max: 1_000_000, default: 1000 }),
  LF_RATE_LIMIT_BURST: envFields.int({ min: 1, max: 1_000_000, default: 2000 }),
  LF_BACKPRESSURE_MAX_BACKLOG: envFields.int({ min: 1, max: 100_000_000, default: 10_000 }),
  LF_BACKPRESSURE_MAX_QUEUE_WAIT_MS: envFields.int({ min: 0, max: MAX_REQUEST_DEADLINE_MS, default: 1000 }),
  LF_BACKPRESSURE_MAX_MEMORY_RATIO: decimal({ min: 0.01, max: 1, default: 0.9 }),
  LF_BACKPRESSURE_SAMPLE_MS: envFields.int({ min: 50, max: 60_000, default: 500 }),
  LF_BACKPRESSURE_RETRY_AFTER_SECONDS: envFields.int({ min: 1, max: 3600, default: 2 }),
  LF_AUDIT_STREAM_MAX_LEN: envFields.int({ min: 0, max: 100_000_000, default: 100_000 }),
  LF_AUDIT_LOG: envFields.bool(true),
  LF_KEY_NAMESPACE: z.preprocess(
    blankToUndefined,
    z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes').default('lf'),
  ),
  LF_MAX_BODY_BYTES: envFields.int({ min: 1024, max: 256 * 1024 * 1024, default: 10 * 1024 * 1024 }),
  // Every key of a case expires with it, so the TTL must outlast the longest deadline a request may ask for.
  LF_CASE_TTL_SECONDS: envFields.int({ min: MAX_REQUEST_DEADLINE_MS / 1000 + 1, max: 90 * 24 * 3600, default: 86_400 }),
  LF_DEFAULT_DEADLINE_MS: envFields.int({ min: 50, max: MAX_REQUEST_DEADLINE_MS, default: 2000 }),
  // Should match `fusion.defaultStrategy` of the deployed fusion bundle (the trained default); a request may override it.
  LF_DEFAULT_STRATEGY: envFields.enum(FUSION_STRATEGIES),
  LF_JOB_ATTEMPTS: envFields.int({ min: 1, max: 20, default: defaultJobOptions.attempts }),
  LF_LOG_LEVEL: envFields.logLevel(),
  LF_SHUTDOWN_TIMEOUT_MS: envFields.int({ min: 0, max: 600_000, default: 10_000 }),
  LF_V8_HEAP_GROWING_PERCENT: envFields.int({ min: 0, max: 1000, default: 100 }),
});

export const DEFAULT_STRATEGY: FusionStrategyName = 'stacking';

/** Validates the whole environment and throws one ConfigError naming every problem (values are never echoed). */
export function gatewayConfigFromEnv(env: Env): GatewayConfig {
  let own: z.output<typeof gatewayEnvSchema> | undefined;
  let redis: RedisConfig | undefined;
  let registry: ModalityRegistryEntry[] | undefined;
  let cases: CasesConfig | undefined;
  let tenants: TenantsSource | undefined;
  const warnings: string[] = [];
  collectConfigProblems(
    () => (own = parseEnv(gatewayEnvSchema, env)),
    () => (redis = redisConfigFromEnv(env)),
    () => (cases = casesConfigFromEnv(env)),
    () => {
      registry = modalityRegistryFromEnv(env);
      if (!registry.some((e) => e.enabled)) throw new Error('LF_MODALITIES_DISABLED: at least one modality must stay enabled');
    },
    () => (tenants = tenantsFromEnv(env, warnings)),
  );
  if (!own || !redis || !registry || !tenants || !cases) throw new Error('unreachable: configuration problems were not reported');
  return {
    port: own.LF_GATEWAY_PORT,
    host: own.LF_GATEWAY_HOST,
    redis,
    keyNamespace: own.LF_KEY_NAMESPACE,
    tenants,
    tenantsPollMs: own.LF_TENANTS_POLL_MS,
    rateLimit: { requestsPerSecond: own.LF_RATE_LIMIT_RPS, burst: own.LF_RATE_LIMIT_BURST },
    backpressure: {
      maxBacklog: own.LF_BACKPRESSURE_MAX_BACKLOG,
      maxQueueWaitMs: own.LF_BACKPRESSURE_MAX_QUEUE_WAIT_MS,
      maxMemoryRatio: own.LF_BACKPRESSURE_MAX_MEMORY_RATIO,
      sampleMs: own.LF_BACKPRESSURE_SAMPLE_MS,
      retryAfterSeconds: own.LF_BACKPRESSURE_RETRY_AFTER_SECONDS,
    },
    audit: { streamMaxLen: own.LF_AUDIT_STREAM_MAX_LEN, log: own.LF_AUDIT_LOG },
    warnings,
    registry,
    cases,
    maxBodyBytes: own.LF_MAX_BODY_BYTES,
    caseTtlSeconds: own.LF_CASE_TTL_SECONDS,
    defaultDeadlineMs: own.LF_DEFAULT_DEADLINE_MS,
    defaultStrategy: own.LF_DEFAULT_STRATEGY ?? DEFAULT_STRATEGY,
    jobAttempts: own.LF_JOB_ATTEMPTS,
    logLevel: own.LF_LOG_LEVEL,
    shutdownTimeoutMs: own.LF_SHUTDOWN_TIMEOUT_MS,
    heapGrowingPercent: own.LF_V8_HEAP_GROWING_PERCENT,
  };
}
