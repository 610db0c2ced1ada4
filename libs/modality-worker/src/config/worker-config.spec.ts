import { resolve } from 'node:path';
import { ConfigError } from '@lf/observability';
import { testModality } from '../../test/support/test-modality';
import { workerConfigFromEnv } from './worker-config';

describe('workerConfigFromEnv', () => {
  it('has defaults for everything', () => {
    const config = workerConfigFromEnv(testModality, {});
    expect(config).toMatchObject({
      app: 'testmod-worker',
      redis: { url: 'redis://127.0.0.1:6379' },
      keyNamespace: 'lf',
      queue: 'testmod',
      modelName: 'testmod',
      enabledInRegistry: false, // not in the default registry
      modelsDir: resolve('models'),
      concurrency: 16,
      jobLock: { lockMs: 30_000, stalledCheckMs: 30_000 },
      batching: { maxBatchSize: 32, maxWaitMs: 2 },
      ops: { port: 3999, host: '0.0.0.0' },
      logLevel: 'info',
      jobAttempts: 3,
      shutdownTimeoutMs: 10_000,
      modelWatch: true,
      modelPollMs: 30_000,
      heapGrowingPercent: 200,
    });
    expect(config.faultInjection).toBeUndefined();
    expect(config.modelVersion).toBeUndefined();
  });

  it('reads the per-app and per-model names, and the registry entry', () => {
    const config = workerConfigFromEnv(testModality, {
      LF_MODALITY_REGISTRY: JSON.stringify([{ name: 'testmod', queue: 'testmod-v2', model: 'testmod-large', enabled: true }]),
      LF_TESTMOD_WORKER_OPS_PORT: '4100',
      LF_OPS_PORT: '4000',
      LF_TESTMOD_LARGE_MODEL_VERSION: '2.1.0',
      LF_FAULT_INJECT_TESTMOD: 'throw',
    });
    expect(config).toMatchObject({ queue: 'testmod-v2', modelName: 'testmod-large', enabledInRegistry: true, modelVersion: '2.1.0', faultInjection: 'throw' });
    expect(config.ops.port).toBe(4100);
    expect(workerConfigFromEnv(testModality, { LF_OPS_PORT: '4000' }).ops.port).toBe(4000);
  });

  it('reads the job lock and stalled-check intervals (short ones let tests see a redelivery quickly)', () => {
    const config = workerConfigFromEnv(testModality, { LF_JOB_LOCK_MS: '2000', LF_STALLED_CHECK_MS: '500' });
    expect(config.jobLock).toEqual({ lockMs: 2000, stalledCheckMs: 500 });
  });

  it('reads the V8 heap growing percent, 0 meaning V8 decides, and refuses what V8 would not take', () => {
    expect(workerConfigFromEnv(testModality, { LF_V8_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(workerConfigFromEnv(testModality, { LF_V8_HEAP_GROWING_PERCENT: '50' }).heapGrowingPercent).toBe(50);
    expect(() => workerConfigFromEnv(testModality, { LF_V8_HEAP_GROWING_PERCENT: '-1' })).toThrow(/LF_V8_HEAP_GROWING_PERCENT/);
  });

  it.each(['throw', 'throw-once', 'hang', 'hang-after-record'] as const)('accepts the fault injection mode %s', (mode) => {
    expect(workerConfigFromEnv(testModality, { LF_FAULT_INJECT_TESTMOD: mode }).faultInjection).toBe(mode);
  });

  it('lists every problem in one error, Redis and registry included', () => {
    let error: unknown;
    try {
      workerConfigFromEnv(testModality, {
        REDIS_URL: 'http://nope',
        LF_MODALITIES_DISABLED: 'ghost',
        LF_WORKER_CONCURRENCY: '0',
        LF_JOB_LOCK_MS: '500',
        LF_STALLED_CHECK_MS: 'soon',
        LF_TESTMOD_WORKER_OPS_PORT: 'x',
        LF_TESTMOD_MODEL_VERSION: 'latest',
        LF_FAULT_INJECT_TESTMOD: 'explode',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('REDIS_URL');
    expect(problems).toContain('LF_MODALITIES_DISABLED names unknown modalities: ghost');
    expect(problems).toContain('LF_WORKER_CONCURRENCY: must be >= 1');
    expect(problems).toContain('LF_TESTMOD_WORKER_OPS_PORT: must be an integer');
    expect(problems).toContain('LF_TESTMOD_MODEL_VERSION: must be a model version');
    expect(problems).toContain('LF_JOB_LOCK_MS: must be >= 1000');
    expect(problems).toContain('LF_STALLED_CHECK_MS: must be an integer');
    expect(problems).toContain('LF_FAULT_INJECT_TESTMOD: must be one of throw|throw-once|hang|hang-after-record');
  });
});
