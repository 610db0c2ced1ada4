import { z } from 'zod';
import { ConfigError } from './config-error';
import { envFields } from './env-fields';
import { parseEnv } from './parse-env';

const schema = z.object({
  REDIS_URL: envFields.string(),
  LF_WORKER_CONCURRENCY: envFields.int({ min: 1, max: 256, default: 16 }),
  LF_OPS_PORT: envFields.port(3011),
  LF_LOG_LEVEL: envFields.logLevel(),
  LF_WATCH: envFields.bool(true),
});

describe('parseEnv', () => {
  it('applies defaults and treats empty variables as unset', () => {
    expect(parseEnv(schema, { REDIS_URL: 'redis://x:6379', LF_WORKER_CONCURRENCY: '', LF_WATCH: 'no' })).toEqual({
      REDIS_URL: 'redis://x:6379',
      LF_WORKER_CONCURRENCY: 16,
      LF_OPS_PORT: 3011,
      LF_LOG_LEVEL: 'info',
      LF_WATCH: false,
    });
  });

  it('throws one error naming every bad or missing variable, without echoing values', () => {
    let error: unknown;
    try {
      parseEnv(schema, { LF_WORKER_CONCURRENCY: 'lots', LF_OPS_PORT: '70000', LF_LOG_LEVEL: 'loud', LF_WATCH: 'secret-value' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('REDIS_URL: missing (required)');
    expect(message).toContain('LF_WORKER_CONCURRENCY: must be an integer');
    expect(message).toContain('LF_OPS_PORT: must be <= 65535');
    expect(message).toContain('LF_LOG_LEVEL: must be one of debug|info|warn|error');
    expect(message).toContain('LF_WATCH: must be true or false');
    expect(message).not.toContain('secret-value');
    expect((error as ConfigError).problems).toHaveLength(5);
  });
});
