import { ConfigError } from '@lf/observability';
import { gatewayConfigFromEnv } from './gateway.config';

const KEYS = 'north:north-key-0123456789';

describe('gatewayConfigFromEnv', () => {
  it('applies the documented defaults', () => {
    const config = gatewayConfigFromEnv({ LF_API_KEYS: KEYS });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      keyNamespace: 'lf',
      maxBodyBytes: 10 * 1024 * 1024,
      caseTtlSeconds: 86_400,
      defaultDeadlineMs: 2000,
      defaultStrategy: 'stacking',
      logLevel: 'info',
    });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.registry.map((e) => e.name)).toEqual(['imaging', 'tabular', 'vitals']);
    expect(config.apiKeys.tenantFor('north-key-0123456789')).toBe('north');
  });

  it('reads every variable', () => {
    const config = gatewayConfigFromEnv({
      LF_API_KEYS: KEYS,
      LF_GATEWAY_PORT: '8080',
      LF_GATEWAY_HOST: '0.0.0.0',
      LF_MAX_BODY_BYTES: '2048',
      LF_CASE_TTL_SECONDS: '3600',
      LF_DEFAULT_DEADLINE_MS: '500',
      LF_DEFAULT_STRATEGY: 'attention',
      LF_MODALITIES_DISABLED: 'imaging',
      REDIS_URL: 'redis://10.0.0.1:6380/2',
    });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', maxBodyBytes: 2048, caseTtlSeconds: 3600, defaultDeadlineMs: 500, defaultStrategy: 'attention' });
    expect(config.registry.find((e) => e.name === 'imaging')!.enabled).toBe(false);
    expect(config.redis.target).toMatchObject({ kind: 'standalone', host: '10.0.0.1', port: 6380, db: 2 });
  });

  it('names every problem at once, without echoing secrets', () => {
    let error: unknown;
    try {
      gatewayConfigFromEnv({
        LF_GATEWAY_PORT: 'eighty',
        LF_CASE_TTL_SECONDS: '60',
        LF_DEFAULT_STRATEGY: 'magic',
        REDIS_URL: 'redis://:hunter2@:x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['LF_GATEWAY_PORT', 'LF_CASE_TTL_SECONDS', 'LF_DEFAULT_STRATEGY', 'LF_API_KEYS', 'REDIS_URL']) expect(message).toContain(name);
    expect(message).not.toContain('hunter2');
  });

  it('rejects short keys and a registry with nothing enabled', () => {
    expect(() => gatewayConfigFromEnv({ LF_API_KEYS: 'north:short' })).toThrow(/at least 16 characters/);
    expect(() => gatewayConfigFromEnv({ LF_API_KEYS: KEYS, LF_MODALITIES_DISABLED: 'imaging,tabular,vitals' })).toThrow(/at least one modality/);
  });
});
