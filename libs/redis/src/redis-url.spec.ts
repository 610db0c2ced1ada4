import { redisConfigFromEnv } from './redis-config';
import { parseRedisUrl, redactRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', { kind: 'standalone', host: '127.0.0.1', port: 6379, db: 0, tls: false }],
    ['redis://cache', { kind: 'standalone', host: 'cache', port: 6379, db: 0, tls: false }],
    ['redis://:s3cret@cache:6380/2', { kind: 'standalone', host: 'cache', port: 6380, db: 2, tls: false, password: 's3cret' }],
    ['redis://cache?db=3', { kind: 'standalone', host: 'cache', port: 6379, db: 3, tls: false }],
    ['rediss://app:p%40ss@cache.example.com:6380', { kind: 'standalone', host: 'cache.example.com', port: 6380, db: 0, tls: true, username: 'app', password: 'p@ss' }],
    ['redis://[::1]:7000', { kind: 'standalone', host: '::1', port: 7000, db: 0, tls: false }],
    [
      'redis-sentinel://:pw@s1:26379,s2:26380,s3/mymaster?db=1&sentinelPassword=sp',
      {
        kind: 'sentinel',
        sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }, { host: 's3', port: 26379 }],
        masterName: 'mymaster',
        db: 1,
        tls: false,
        password: 'pw',
        sentinelPassword: 'sp',
      },
    ],
    ['rediss-sentinel://s1/m', { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], masterName: 'm', db: 0, tls: true }],
    [
      'redis-cluster://n1:7000,n2:7001',
      { kind: 'cluster', nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }], tls: false },
    ],
    ['rediss-cluster://:pw@n1', { kind: 'cluster', nodes: [{ host: 'n1', port: 6379 }], tls: true, password: 'pw' }],
    ['redis://cache?autoPipelining=true', { kind: 'standalone', host: 'cache', port: 6379, db: 0, tls: false, autoPipelining: true }],
    ['redis-cluster://n1?autoPipelining=false', { kind: 'cluster', nodes: [{ host: 'n1', port: 6379 }], tls: false, autoPipelining: false }],
    ['redis-sentinel://s1/m?autoPipelining=true', { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], masterName: 'm', db: 0, tls: false, autoPipelining: true }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url)).toEqual(expected);
  });

  it.each([
    ['localhost:6379', /expected <scheme>:\/\//],
    ['http://cache:6379', /unknown scheme 'http:'; use one of redis:\/\/, rediss:\/\//],
    ['redis://', /no host/],
    ['redis://a:1,b:2', /takes one host; use redis-sentinel:\/\/ or redis-cluster:\/\//],
    ['redis://cache:0', /bad port in 'cache:0'/],
    ['redis://cache:99999', /bad port/],
    ['redis://cache:', /bad port/],
    ['redis://cache/x', /database must be a non-negative integer, got 'x'/],
    ['redis://cache/1?db=2', /either as \/<db> or as \?db=/],
    ['redis://cache?timeout=5', /unknown query parameter 'timeout'/],
    ['redis://user@cache', /needs a ':' before the password/],
    ['redis-sentinel://s1,s2', /master name as the path/],
    ['redis-sentinel://s1/a/b', /master name as the path/],
    ['redis-cluster://n1/0', /only database 0/],
    ['redis-cluster://n1?db=1', /unknown query parameter 'db' for redis-cluster:\/\//],
    ['redis://cache?autoPipelining=yes', /autoPipelining must be 'true' or 'false', got 'yes'/],
  ])('rejects %s', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never echoes a password in an error', () => {
    const attempts = ['redis://:hunter2@cache:bad', 'redis://:p@hunter2@cache', 'redis-sentinel://:hunter2@s1', 'redis-sentinel://s1/m?sentinelPassword=hunter2&x=1'];
    for (const url of attempts) {
      expect(() => parseRedisUrl(url)).toThrow(/invalid Redis URL/);
      try {
        parseRedisUrl(url);
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('redacts passwords for logs', () => {
    expect(redactRedisUrl('redis://user:pw@h:1/0')).toBe('redis://user:***@h:1/0');
    expect(redactRedisUrl('redis-sentinel://:pw@a,b/m?sentinelPassword=sp&db=1')).toBe('redis-sentinel://:***@a,b/m?sentinelPassword=***&db=1');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});

describe('redisConfigFromEnv', () => {
  it('defaults to the local server', () => {
    expect(redisConfigFromEnv({})).toEqual({
      url: 'redis://127.0.0.1:6379',
      target: { kind: 'standalone', host: '127.0.0.1', port: 6379, db: 0, tls: false },
    });
    expect(redisConfigFromEnv({ REDIS_URL: ' ' }).url).toBe('redis://127.0.0.1:6379');
  });

  it('reads REDIS_URL and names the variable when it is wrong', () => {
    expect(redisConfigFromEnv({ REDIS_URL: 'redis-cluster://a:1,b:2' }).target.kind).toBe('cluster');
    expect(() => redisConfigFromEnv({ REDIS_URL: 'redis//oops' })).toThrow(/^REDIS_URL: invalid Redis URL 'redis\/\/oops'/);
  });
});
