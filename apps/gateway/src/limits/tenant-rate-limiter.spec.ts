import { createKeyBuilder, createRedisConnection } from '@lf/redis';
import { freePort, startRedisServer } from '@lf/testing';
import { rateLimitHeaders, TenantRateLimiter, wholeSecondsUp } from './tenant-rate-limiter';

const keys = createKeyBuilder('rl-gw-test');

describe('rateLimitHeaders', () => {
  const policy = { requestsPerSecond: 2, burst: 10 };

  it('describes an allowed request', () => {
    expect(rateLimitHeaders(policy, { allowed: true, remaining: 7, retryAfterMs: 0, resetMs: 1500 })).toEqual({
      'ratelimit-limit': '10',
      'ratelimit-remaining': '7',
      'ratelimit-reset': '2',
      'ratelimit-policy': '"tenant";q=10;w=5',
      ratelimit: '"tenant";r=7;t=2',
    });
  });

  it('adds Retry-After, rounded up to whole seconds, to a denial', () => {
    expect(rateLimitHeaders(policy, { allowed: false, remaining: 0, retryAfterMs: 1001, resetMs: 5000 })).toMatchObject({ 'retry-after': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });
    expect(rateLimitHeaders(policy, { allowed: false, remaining: 0, retryAfterMs: 3, resetMs: 4 })['retry-after']).toBe('1');
  });

  it('rounds up', () => {
    expect([0, 1, 999, 1000, 1000.5, 2000].map(wholeSecondsUp)).toEqual([0, 1, 1, 1, 2, 2]);
  });
});

describe('TenantRateLimiter', () => {
  it('limits through Redis', async () => {
    const server = await startRedisServer();
    const redis = createRedisConnection(server.url, { role: 'producer', name: 'test' });
    try {
      await new Promise((r) => redis.once('ready', r));
      const limiter = new TenantRateLimiter({ redis, keys });
      const policy = { requestsPerSecond: 1, burst: 2 };
      expect((await limiter.check('north', policy)).kind).toBe('allowed');
      expect((await limiter.check('north', policy)).kind).toBe('allowed');
      const denied = await limiter.check('north', policy);
      expect(denied.kind).toBe('denied');
      expect((await limiter.check('south', policy)).kind).toBe('allowed');
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });

  it('fails open when Redis is unreachable, within its timeout', async () => {
    const port = await freePort();
    const redis = createRedisConnection(`redis://127.0.0.1:${port}`, { role: 'producer', name: 'test' });
    redis.on('error', () => undefined);
    try {
      const limiter = new TenantRateLimiter({ redis, keys, timeoutMs: 200 });
      const started = Date.now();
      const result = await limiter.check('north', { requestsPerSecond: 1, burst: 1 });
      expect(result.kind).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      redis.disconnect();
    }
  });

  it('fails open when Redis hangs (SIGSTOP), after its timeout', async () => {
    const server = await startRedisServer();
    const redis = createRedisConnection(server.url, { role: 'producer', name: 'test' });
    redis.on('error', () => undefined);
    try {
      await new Promise((r) => redis.once('ready', r));
      await server.kill('SIGSTOP');
      const limiter = new TenantRateLimiter({ redis, keys, timeoutMs: 150 });
      const started = Date.now();
      const result = await limiter.check('north', { requestsPerSecond: 1, burst: 1 });
      expect(result).toMatchObject({ kind: 'unavailable', error: expect.objectContaining({ message: expect.stringMatching(/longer than 150 ms/) }) });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await server.kill('SIGCONT');
      redis.disconnect();
      await server.stop();
    }
  });
});
