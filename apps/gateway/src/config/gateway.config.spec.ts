import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lf/observability';
import { sha256Hex } from '../tenants/tenants-file';
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
      heapGrowingPercent: 100,
    });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.registry.map((e) => e.name)).toEqual(['imaging', 'tabular', 'vitals']);
    expect(config.tenants).toEqual({
      kind: 'env',
      file: { tenants: [expect.objectContaining({ id: 'north', keys: [expect.objectContaining({ id: 'env-1', sha256: sha256Hex('north-key-0123456789') })] })] },
    });
    expect(config).toMatchObject({
      tenantsPollMs: 5000,
      rateLimit: { requestsPerSecond: 1000, burst: 2000 },
      backpressure: { maxBacklog: 10_000, maxQueueWaitMs: 1000, maxMemoryRatio: 0.9, sampleMs: 500, retryAfterSeconds: 2 },
      audit: { streamMaxLen: 100_000, log: true },
      warnings: [],
    });
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
      LF_TENANTS_POLL_MS: '250',
      LF_RATE_LIMIT_RPS: '2.5',
      LF_RATE_LIMIT_BURST: '10',
      LF_BACKPRESSURE_MAX_BACKLOG: '500',
      LF_BACKPRESSURE_MAX_MEMORY_RATIO: '0.75',
      LF_BACKPRESSURE_SAMPLE_MS: '100',
      LF_BACKPRESSURE_RETRY_AFTER_SECONDS: '5',
      LF_AUDIT_STREAM_MAX_LEN: '0',
      LF_AUDIT_LOG: 'false',
    });
    expect(config).toMatchObject({
      tenantsPollMs: 250,
      rateLimit: { requestsPerSecond: 2.5, burst: 10 },
      backpressure: { maxBacklog: 500, maxMemoryRatio: 0.75, sampleMs: 100, retryAfterSeconds: 5 },
      audit: { streamMaxLen: 0, log: false },
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
    for (const name of ['LF_GATEWAY_PORT', 'LF_CASE_TTL_SECONDS', 'LF_DEFAULT_STRATEGY', 'LF_TENANTS_FILE', 'LF_API_KEYS', 'REDIS_URL']) expect(message).toContain(name);
    expect(message).not.toContain('hunter2');
  });

  it.each([
    ['LF_RATE_LIMIT_RPS', '0', 'must be >= 0.001'],
    ['LF_RATE_LIMIT_RPS', 'fast', 'must be a number'],
    ['LF_RATE_LIMIT_BURST', '1.5', 'must be an integer'],
    ['LF_BACKPRESSURE_MAX_MEMORY_RATIO', '1.5', 'must be <= 1'],
    ['LF_BACKPRESSURE_MAX_BACKLOG', '0', 'must be >= 1'],
    ['LF_BACKPRESSURE_SAMPLE_MS', '10', 'must be >= 50'],
    ['LF_AUDIT_STREAM_MAX_LEN', '-1', 'must be >= 0'],
    ['LF_AUDIT_LOG', 'maybe', 'must be true or false'],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => gatewayConfigFromEnv({ LF_API_KEYS: KEYS, [name]: value })).toThrow(`${name}: ${message}`);
  });

  describe('LF_TENANTS_FILE', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lf-config-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const tenants = { tenants: [{ id: 'north', keys: [{ id: 'k1', sha256: sha256Hex('north-key-0123456789'), scopes: ['cases:read'] }] }] };

    it('validates the file at boot and wins over LF_API_KEYS, with a warning', () => {
      const path = join(dir, 'tenants.json');
      writeFileSync(path, JSON.stringify(tenants));
      const config = gatewayConfigFromEnv({ LF_TENANTS_FILE: path, LF_API_KEYS: KEYS });
      expect(config.tenants).toEqual({ kind: 'file', path });
      expect(config.warnings).toEqual(['LF_API_KEYS is ignored: LF_TENANTS_FILE is set']);
    });

    it('names the file and the JSON path of each problem', () => {
      const path = join(dir, 'tenants.json');
      writeFileSync(path, JSON.stringify({ tenants: [{ id: 'north', keys: [{ id: 'k1', sha256: 'not-a-hash', scopes: ['cases:delete'] }] }] }));
      let error: unknown;
      try {
        gatewayConfigFromEnv({ LF_TENANTS_FILE: path });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain(`LF_TENANTS_FILE (${path}) is invalid`);
      expect(message).toContain('$.tenants[0].keys[0].sha256: must be the 64-character lower-case hex SHA-256 of the key');
      expect(message).toContain('$.tenants[0].keys[0].scopes[0]');
      expect(message).not.toContain('not-a-hash');
    });

    it('reports a missing file', () => {
      expect(() => gatewayConfigFromEnv({ LF_TENANTS_FILE: join(dir, 'nope.json') })).toThrow(/nope\.json\) is invalid: the file does not exist/);
    });
  });

  it('rejects short keys and a registry with nothing enabled', () => {
    expect(() => gatewayConfigFromEnv({ LF_API_KEYS: 'north:short' })).toThrow(/at least 16 characters/);
    expect(() => gatewayConfigFromEnv({ LF_API_KEYS: KEYS, LF_MODALITIES_DISABLED: 'imaging,tabular,vitals' })).toThrow(/at least one modality/);
  });
});
