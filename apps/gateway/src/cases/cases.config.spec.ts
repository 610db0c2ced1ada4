import { ConfigError } from '@lf/observability';
import { casesConfigFromEnv } from './cases.config';

describe('casesConfigFromEnv', () => {
  it('has defaults for everything', () => {
    expect(casesConfigFromEnv({})).toEqual({
      idempotencyTtlSeconds: 86_400,
      maxUploadBytes: 16 * 1024 * 1024,
      maxBatchBodyBytes: 32 * 1024 * 1024,
      maxWaitMs: 30_000,
      sseHeartbeatMs: 15_000,
      sseGraceMs: 10_000,
      maxWatchers: 10_000,
    });
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      casesConfigFromEnv({ LF_IDEMPOTENCY_TTL_SECONDS: '5', LF_MAX_WAIT_MS: 'long', LF_MAX_UPLOAD_BYTES: '1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LF_IDEMPOTENCY_TTL_SECONDS: must be >= 60',
      'LF_MAX_UPLOAD_BYTES: must be >= 1024',
      'LF_MAX_WAIT_MS: must be an integer',
    ]);
  });
});
