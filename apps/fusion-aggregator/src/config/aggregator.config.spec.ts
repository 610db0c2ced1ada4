import { resolve } from 'node:path';
import { ConfigError } from '@lf/observability';
import { aggregatorConfigFromEnv } from './aggregator.config';

describe('aggregatorConfigFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(aggregatorConfigFromEnv({})).toEqual({
      redis: expect.objectContaining({ url: 'redis://127.0.0.1:6379' }),
      keyNamespace: 'lf',
      modelsDir: resolve('models'),
      ops: { port: 3014, host: '0.0.0.0' },
      concurrency: 64,
      sweep: { intervalMs: 40, batchSize: 100 },
      recoveryGraceMs: 2000,
      inputGraceMs: 60_000,
      webhooks: { attempts: 8, backoffMs: 1000 },
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      heapGrowingPercent: 100,
    });
  });

  it('reads every variable', () => {
    const config = aggregatorConfigFromEnv({
      REDIS_URL: 'redis://db:6390',
      LF_KEY_NAMESPACE: 'lf-test',
      LF_MODELS_DIR: '/srv/models',
      LF_FUSION_MODEL_VERSION: '1.2.0',
      LF_AGGREGATOR_OPS_PORT: '0',
      LF_OPS_HOST: '127.0.0.1',
      LF_AGGREGATOR_CONCURRENCY: '8',
      LF_SWEEP_INTERVAL_MS: '100',
      LF_SWEEP_BATCH: '10',
      LF_FINALIZE_RECOVERY_MS: '500',
      LF_WEBHOOK_ATTEMPTS: '3',
      LF_WEBHOOK_BACKOFF_MS: '50',
      LF_LOG_LEVEL: 'debug',
      LF_SHUTDOWN_TIMEOUT_MS: '100',
      LF_V8_HEAP_GROWING_PERCENT: '0',
    });
    expect(config).toMatchObject({
      keyNamespace: 'lf-test',
      modelsDir: '/srv/models',
      fusionVersion: '1.2.0',
      ops: { port: 0, host: '127.0.0.1' },
      concurrency: 8,
      sweep: { intervalMs: 100, batchSize: 10 },
      recoveryGraceMs: 500,
      webhooks: { attempts: 3, backoffMs: 50 },
      logLevel: 'debug',
      shutdownTimeoutMs: 100,
      heapGrowingPercent: 0,
    });
  });

  it('names every problem at once', () => {
    let error: unknown;
    try {
      aggregatorConfigFromEnv({ LF_SWEEP_INTERVAL_MS: 'often', LF_FUSION_MODEL_VERSION: 'latest', REDIS_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['LF_SWEEP_INTERVAL_MS', 'LF_FUSION_MODEL_VERSION', 'REDIS_URL']) expect((error as Error).message).toContain(name);
  });
});
