import { resolve } from 'node:path';
import { z } from 'zod';
import { collectConfigProblems, envFields, parseEnv, type Env, type LogLevel } from '@lf/observability';
import { redisConfigFromEnv, type RedisConfig } from '@lf/redis';

export interface AggregatorConfig {
  redis: RedisConfig;
  keyNamespace: string;
  modelsDir: string;
  /** Pin a fusion bundle version; default the highest under models/fusion. */
  fusionVersion?: string;
  ops: { port: number; host: string };
  concurrency: number;
  sweep: { intervalMs: number; batchSize: number };
  recoveryGraceMs: number;
  inputGraceMs: number;
  /** Webhook delivery jobs this aggregator enqueues: attempts and the first retry delay (doubling). */
  webhooks: { attempts: number; backoffMs: number };
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /** V8's old-generation growing factor, as 1 + this/100 (0: V8's own; see tune-heap-growth.ts). */
  heapGrowingPercent: number;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const aggregatorEnvSchema = z.object({
  LF_KEY_NAMESPACE: z.preprocess(
    blankToUndefined,
    z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes').default('lf'),
  ),
  LF_MODELS_DIR: z.preprocess(blankToUndefined, z.string().default('models')),
  LF_FUSION_MODEL_VERSION: z.preprocess(
    blankToUndefined,
    z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a model version such as 1.0.0').optional(),
  ),
  LF_AGGREGATOR_OPS_PORT: envFields.port(3014),
  LF_OPS_HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  LF_AGGREGATOR_CONCURRENCY: envFields.int({ min: 1, max: 1024, default: 64 }),
  /**
   * The sweeper is the deadline clock: it sleeps until the earliest pending deadline, but at most this long,
   * so a case registered with a shorter deadline than those already pending is seen within this bound.
   */
  LF_SWEEP_INTERVAL_MS: envFields.int({ min: 10, max: 60_000, default: 40 }),
  LF_SWEEP_BATCH: envFields.int({ min: 1, max: 10_000, default: 100 }),
  LF_FINALIZE_RECOVERY_MS: envFields.int({ min: 100, max: 600_000, default: 2000 }),
  /** Inputs of modalities that had not replied are kept this long after finalization so a late worker can still score them. */
  LF_INPUT_GRACE_MS: envFields.int({ min: 1000, max: 86_400_000, default: 60_000 }),
  /** Webhook deliveries: attempts in all, and the first retry delay (then 2x, 4x, ...). */
  LF_WEBHOOK_ATTEMPTS: envFields.int({ min: 1, max: 50, default: 8 }),
  LF_WEBHOOK_BACKOFF_MS: envFields.int({ min: 10, max: 3_600_000, default: 1000 }),
  LF_LOG_LEVEL: envFields.logLevel(),
  LF_SHUTDOWN_TIMEOUT_MS: envFields.int({ min: 0, max: 600_000, default: 10_000 }),
  LF_V8_HEAP_GROWING_PERCENT: envFields.int({ min: 0, max: 1000, default: 100 }),
});

/** Validates the environment; throws one ConfigError naming every problem. */
export function aggregatorConfigFromEnv(env: Env): AggregatorConfig {
  let own: z.output<typeof aggregatorEnvSchema> | undefined;
  let redis: RedisConfig | undefined;
  collectConfigProblems(
    () => (own = parseEnv(aggregatorEnvSchema, env)),
    () => (redis = redisConfigFromEnv(env)),
  );
  if (!own || !redis) throw new Error('unreachable: configuration problems were not reported');
  return {
    redis,
    keyNamespace: own.LF_KEY_NAMESPACE,
    modelsDir: resolve(own.LF_MODELS_DIR),
    ...(own.LF_FUSION_MODEL_VERSION ? { fusionVersion: own.LF_FUSION_MODEL_VERSION } : {}),
    ops: { port: own.LF_AGGREGATOR_OPS_PORT, host: own.LF_OPS_HOST },
    concurrency: own.LF_AGGREGATOR_CONCURRENCY,
    sweep: { intervalMs: own.LF_SWEEP_INTERVAL_MS, batchSize: own.LF_SWEEP_BATCH },
    recoveryGraceMs: own.LF_FINALIZE_RECOVERY_MS,
    inputGraceMs: own.LF_INPUT_GRACE_MS,
    webhooks: { attempts: own.LF_WEBHOOK_ATTEMPTS, backoffMs: own.LF_WEBHOOK_BACKOFF_MS },
    logLevel: own.LF_LOG_LEVEL,
    shutdownTimeoutMs: own.LF_SHUTDOWN_TIMEOUT_MS,
    heapGrowingPercent: own.LF_V8_HEAP_GROWING_PERCENT,
  };
}
