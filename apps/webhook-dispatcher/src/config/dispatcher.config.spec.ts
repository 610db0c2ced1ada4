import { resolve } from 'node:path';
import { ConfigError } from '@lf/observability';
import { dispatcherConfigFromEnv } from './dispatcher.config';

describe('dispatcherConfigFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(dispatcherConfigFromEnv({})).toEqual({
      redis: expect.objectContaining({ url: 'redis://127.0.0.1:6379' }),
      keyNamespace: 'lf',
      ops: { port: 3015, host: '0.0.0.0' },
      concurrency: 32,
      timeoutMs: 10_000,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    expect(
      dispatcherConfigFromEnv({
        REDIS_URL: 'redis://db:6390',
        LF_KEY_NAMESPACE: 'lf-test',
        LF_WEBHOOK_DISPATCHER_OPS_PORT: '0',
        LF_OPS_HOST: '127.0.0.1',
        LF_WEBHOOK_CONCURRENCY: '4',
        LF_WEBHOOK_TIMEOUT_MS: '500',
        LF_TENANTS_FILE: 'secrets/tenants.json',
        LF_LOG_LEVEL: 'debug',
        LF_SHUTDOWN_TIMEOUT_MS: '100',
      }),
    ).toMatchObject({
      redis: { url: 'redis://db:6390' },
      keyNamespace: 'lf-test',
      ops: { port: 0, host: '127.0.0.1' },
      concurrency: 4,
      timeoutMs: 500,
      tenantsFile: resolve('secrets/tenants.json'),
      logLevel: 'debug',
      shutdownTimeoutMs: 100,
    });
  });

  it('names every problem at once', () => {
    let error: unknown;
    try {
      dispatcherConfigFromEnv({ LF_WEBHOOK_TIMEOUT_MS: '10', LF_WEBHOOK_CONCURRENCY: 'many', LF_WEBHOOK_DISPATCHER_OPS_PORT: '70000', REDIS_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['LF_WEBHOOK_TIMEOUT_MS', 'LF_WEBHOOK_CONCURRENCY', 'LF_WEBHOOK_DISPATCHER_OPS_PORT', 'REDIS_URL']) expect((error as Error).message).toContain(name);
  });
});
