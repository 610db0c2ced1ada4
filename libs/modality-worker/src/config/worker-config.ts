import { resolve } from 'node:path';
import { z } from 'zod';
import { defaultJobOptions, modalityRegistryFromEnv } from '@lf/contracts';
import { collectConfigProblems, envFields, parseEnv, type Env, type LogLevel } from '@lf/observability';
import { redisConfigFromEnv, type RedisConfig } from '@lf/redis';
import { FAULT_INJECTION_MODES, faultInjectionEnvName, type FaultInjectionMode } from '../faults/fault-injection';
import type { ModalityDefinition } from '../modality-definition';

export interface WorkerConfig {
  /** `<modality>-worker`: log `app` field, metrics `app` label, Redis client names. */
  app: string;
  redis: RedisConfig;
  /** Key namespace shared by every app of one deployment (keys.ts); tests use a unique one per run. */
  keyNamespace: string;
  /** Queue and model from the modality registry entry (LF_MODALITY_REGISTRY), defaulting to the definition. */
  queue: string;
  modelName: string;
  /** false when the registry disables this modality: the worker still drains jobs already queued. */
  enabledInRegistry: boolean;
  modelsDir: string;
  modelVersion?: string;
  concurrency: number;
  /**
   * BullMQ job lock and stalled-job check: a job whose worker died (lock not renewed for `lockMs`) is found by
   * some worker's check, run every `stalledCheckMs`, and redelivered (once; a second stall fails it).
   */
  jobLock: { lockMs: number; stalledCheckMs: number };
  batching: { maxBatchSize: number; maxWaitMs: number };
  ops: { port: number; host: string };
  logLevel: LogLevel;
  /** Attempts for jobs this worker enqueues (fusion triggers); score jobs carry the producer's attempts. */
  jobAttempts: number;
  shutdownTimeoutMs: number;
  modelWatch: boolean;
  modelPollMs: number;
  onnxThreads?: number;
  /** V8's old-generation growing factor, as 1 + this/100 (0: V8's own, see tune-heap-growth.ts). */
  heapGrowingPercent: number;
  faultInjection?: FaultInjectionMode;
}

const envKey = (s: string) => s.toUpperCase().replace(/-/g, '_');

/** Every variable a modality worker reads, with the names this definition gives them. */
export function workerEnvNames(definition: ModalityDefinition, modelName = definition.modelName) {
  const app = `${definition.name}-worker`;
  return {
    opsPort: `LF_${envKey(app)}_OPS_PORT`,
    modelVersion: `LF_${envKey(modelName)}_MODEL_VERSION`,
    faultInjection: faultInjectionEnvName(definition.name),
  };
}

/**
 * Reads and validates the worker's configuration at boot; throws one ConfigError listing every problem
 * (Redis URL, registry, and the worker's own variables together).
 */
export function workerConfigFromEnv(definition: ModalityDefinition, env: Env): WorkerConfig {
  let redis: RedisConfig | undefined;
  let entry: { queue: string; model: string; enabled: boolean } | undefined;
  let own: z.output<typeof staticSchema> | undefined;
  let named: NamedVariables | undefined;
  let names = workerEnvNames(definition);

  collectConfigProblems(
    () => (redis = redisConfigFromEnv(env)),
    () => {
      const registry = modalityRegistryFromEnv(env);
      entry = registry.find((e) => e.name === definition.name) ?? { queue: definition.name, model: definition.modelName, enabled: false };
      names = workerEnvNames(definition, entry.model);
    },
    () => (own = parseEnv(staticSchema, env)),
    () => (named = parseNamedVariables(names, env)),
  );
  if (!redis || !entry || !own || !named) throw new Error('unreachable: configuration problems were not reported');

  const o = own;
  return {
    app: `${definition.name}-worker`,
    redis,
    keyNamespace: o.LF_KEY_NAMESPACE,
    queue: entry.queue,
    modelName: entry.model,
    enabledInRegistry: entry.enabled,
    modelsDir: resolve(o.LF_MODELS_DIR),
    ...(named.modelVersion ? { modelVersion: named.modelVersion } : {}),
    concurrency: o.LF_WORKER_CONCURRENCY,
    jobLock: { lockMs: o.LF_JOB_LOCK_MS, stalledCheckMs: o.LF_STALLED_CHECK_MS },
    batching: { maxBatchSize: o.LF_BATCH_MAX_SIZE, maxWaitMs: o.LF_BATCH_MAX_WAIT_MS },
    ops: { port: named.opsPort ?? o.LF_OPS_PORT ?? definition.defaultOpsPort, host: o.LF_OPS_HOST },
    logLevel: o.LF_LOG_LEVEL,
    jobAttempts: o.LF_JOB_ATTEMPTS,
    shutdownTimeoutMs: o.LF_SHUTDOWN_TIMEOUT_MS,
    modelWatch: o.LF_MODEL_WATCH,
    modelPollMs: o.LF_MODEL_POLL_MS,
    ...(o.LF_ONNX_THREADS ? { onnxThreads: o.LF_ONNX_THREADS } : {}),
    heapGrowingPercent: o.LF_V8_HEAP_GROWING_PERCENT,
    ...(named.faultInjection ? { faultInjection: named.faultInjection } : {}),
  };
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const staticSchema = z.object({
  LF_KEY_NAMESPACE: z.preprocess(blankToUndefined, z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes').default('lf')),
  LF_MODELS_DIR: z.preprocess(blankToUndefined, z.string().default('models')),
  LF_WORKER_CONCURRENCY: envFields.int({ min: 1, max: 256, default: 16 }),
  // BullMQ's defaults (30 s each): a crashed worker's job is redelivered 30-60 s later.
  LF_JOB_LOCK_MS: envFields.int({ min: 1000, max: 600_000, default: 30_000 }),
  LF_STALLED_CHECK_MS: envFields.int({ min: 100, max: 600_000, default: 30_000 }),
  LF_BATCH_MAX_SIZE: envFields.int({ min: 1, max: 1024, default: 32 }),
  LF_BATCH_MAX_WAIT_MS: envFields.int({ min: 0, max: 1000, default: 2 }),
  LF_OPS_PORT: envFields.optionalInt({ min: 0, max: 65535 }),
  LF_OPS_HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  LF_LOG_LEVEL: envFields.logLevel(),
  LF_JOB_ATTEMPTS: envFields.int({ min: 1, max: 20, default: defaultJobOptions.attempts }),
  LF_SHUTDOWN_TIMEOUT_MS: envFields.int({ min: 0, max: 600_000, default: 10_000 }),
  LF_MODEL_WATCH: envFields.bool(true),
  LF_MODEL_POLL_MS: envFields.int({ min: 0, max: 3_600_000, default: 30_000 }),
  LF_ONNX_THREADS: envFields.optionalInt({ min: 1, max: 256 }),
  LF_V8_HEAP_GROWING_PERCENT: envFields.int({ min: 0, max: 1000, default: 200 }),
});

interface NamedVariables {
  opsPort?: number;
  modelVersion?: string;
  faultInjection?: FaultInjectionMode;
}

/** Variables whose names depend on the app/model/modality, validated under their real names. */
function parseNamedVariables(names: ReturnType<typeof workerEnvNames>, env: Env): NamedVariables {
  const parsed = parseEnv(
    z.object({
      [names.opsPort]: envFields.optionalInt({ min: 0, max: 65535 }),
      [names.modelVersion]: z.preprocess(blankToUndefined, z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a model version such as 1.0.0').optional()),
      [names.faultInjection]: envFields.enum(FAULT_INJECTION_MODES),
    }),
    env,
  ) as Record<string, unknown>;
  return {
    opsPort: parsed[names.opsPort] as number | undefined,
    modelVersion: parsed[names.modelVersion] as string | undefined,
    faultInjection: parsed[names.faultInjection] as FaultInjectionMode | undefined,
  };
}
