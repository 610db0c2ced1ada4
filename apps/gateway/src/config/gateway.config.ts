import { z } from 'zod';
import {
  defaultJobOptions,
  FUSION_STRATEGIES,
  modalityRegistryFromEnv,
  type FusionStrategyName,
  type ModalityRegistryEntry,
} from '@lf/contracts';
import { collectConfigProblems, envFields, parseEnv, type Env, type LogLevel } from '@lf/observability';
import { redisConfigFromEnv, type RedisConfig } from '@lf/redis';
import { createApiKeyTable, parseApiKeys, type ApiKeyTable } from '../auth/api-keys';

/** The longest deadline a request may ask for (caseRequestSchema.deadlineMs max). */
const MAX_REQUEST_DEADLINE_MS = 600_000;

export interface GatewayConfig {
  port: number;
  host: string;
  redis: RedisConfig;
  keyNamespace: string;
  apiKeys: ApiKeyTable;
  registry: ModalityRegistryEntry[];
  maxBodyBytes: number;
  caseTtlSeconds: number;
  defaultDeadlineMs: number;
  defaultStrategy: FusionStrategyName;
  jobAttempts: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const gatewayEnvSchema = z.object({
  LF_GATEWAY_PORT: envFields.port(3000),
  LF_GATEWAY_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  LF_API_KEYS: z.preprocess(blankToUndefined, z.string({ error: 'missing (required): tenant:key pairs, comma-separated, keys of 16+ characters' })),
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
});

export const DEFAULT_STRATEGY: FusionStrategyName = 'stacking';

/** Validates the whole environment and throws one ConfigError naming every problem (values are never echoed). */
export function gatewayConfigFromEnv(env: Env): GatewayConfig {
  let own: z.output<typeof gatewayEnvSchema> | undefined;
  let redis: RedisConfig | undefined;
  let registry: ModalityRegistryEntry[] | undefined;
  let apiKeys: ApiKeyTable | undefined;
  collectConfigProblems(
    () => (own = parseEnv(gatewayEnvSchema, env)),
    () => (redis = redisConfigFromEnv(env)),
    () => {
      registry = modalityRegistryFromEnv(env);
      if (!registry.some((e) => e.enabled)) throw new Error('LF_MODALITIES_DISABLED: at least one modality must stay enabled');
    },
    () => {
      const spec = env['LF_API_KEYS'];
      if (spec !== undefined && spec.trim() !== '') apiKeys = createApiKeyTable(parseApiKeys(spec));
    },
  );
  if (!own || !redis || !registry || !apiKeys) throw new Error('unreachable: configuration problems were not reported');
  return {
    port: own.LF_GATEWAY_PORT,
    host: own.LF_GATEWAY_HOST,
    redis,
    keyNamespace: own.LF_KEY_NAMESPACE,
    apiKeys,
    registry,
    maxBodyBytes: own.LF_MAX_BODY_BYTES,
    caseTtlSeconds: own.LF_CASE_TTL_SECONDS,
    defaultDeadlineMs: own.LF_DEFAULT_DEADLINE_MS,
    defaultStrategy: own.LF_DEFAULT_STRATEGY ?? DEFAULT_STRATEGY,
    jobAttempts: own.LF_JOB_ATTEMPTS,
    logLevel: own.LF_LOG_LEVEL,
    shutdownTimeoutMs: own.LF_SHUTDOWN_TIMEOUT_MS,
  };
}
