/**
 * The GCRA rate limit against a real Redis: two connections stand for two gateway replicas and must share
 * one budget, exactly, however their requests interleave or race.
 */
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { Redis } from 'ioredis';
import { createKeyBuilder } from '../src/keys';
import { emissionIntervalUs, takeRateLimit } from '../src/rate-limit';

const keys = createKeyBuilder('rl-test');
let server: RedisServerHandle;
let replicaA: Redis;
let replicaB: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  replicaA = new Redis(server.url);
  replicaB = new Redis(server.url);
});

afterAll(async () => {
  replicaA?.disconnect();
  replicaB?.disconnect();
  await server?.stop();
});

let n = 0;
const freshKey = () => keys.tenantRateLimit(`tenant-${++n}`);

describe('takeRateLimit', () => {
  it('lets a burst through across two replicas, then denies on both', async () => {
    const key = freshKey();
    const policy = { requestsPerSecond: 1, burst: 4 };
    const seen = [];
    for (const replica of [replicaA, replicaB, replicaA, replicaB]) seen.push(await takeRateLimit(replica, key, policy));
    expect(seen.map((d) => d.allowed)).toEqual([true, true, true, true]);
    expect(seen.map((d) => d.remaining)).toEqual([3, 2, 1, 0]);
    const deniedA = await takeRateLimit(replicaA, key, policy);
    const deniedB = await takeRateLimit(replicaB, key, policy);
    for (const denied of [deniedA, deniedB]) {
      expect(denied).toMatchObject({ allowed: false, remaining: 0 });
      // One request every second: the next one is due within a second (minus the time these calls took).
      expect(denied.retryAfterMs).toBeGreaterThan(900);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(1000);
      // The whole budget is back four intervals after the burst.
      expect(denied.resetMs).toBeGreaterThan(3900);
      expect(denied.resetMs).toBeLessThanOrEqual(4000);
    }
  });

  it('admits exactly the burst when both replicas race', async () => {
    const key = freshKey();
    const policy = { requestsPerSecond: 0.1, burst: 10 };
    const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => takeRateLimit(i % 2 ? replicaA : replicaB, key, policy)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('refills at the sustained rate', async () => {
    const key = freshKey();
    const policy = { requestsPerSecond: 20, burst: 1 };
    expect((await takeRateLimit(replicaA, key, policy)).allowed).toBe(true);
    const denied = await takeRateLimit(replicaB, key, policy);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(50);
    await new Promise((r) => setTimeout(r, denied.retryAfterMs + 5));
    expect((await takeRateLimit(replicaB, key, policy)).allowed).toBe(true);
  });

  it('changes nothing when it denies, and the state expires once the bucket is full again', async () => {
    const key = freshKey();
    const policy = { requestsPerSecond: 2, burst: 2 };
    await takeRateLimit(replicaA, key, policy);
    await takeRateLimit(replicaA, key, policy);
    const before = await replicaA.get(key);
    expect((await takeRateLimit(replicaA, key, policy)).allowed).toBe(false);
    expect(await replicaA.get(key)).toBe(before);
    const ttl = await replicaA.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
  });

  it('keeps tenants apart', async () => {
    const policy = { requestsPerSecond: 1, burst: 1 };
    const [a, b] = [freshKey(), freshKey()];
    expect((await takeRateLimit(replicaA, a, policy)).allowed).toBe(true);
    expect((await takeRateLimit(replicaA, a, policy)).allowed).toBe(false);
    expect((await takeRateLimit(replicaA, b, policy)).allowed).toBe(true);
  });

  it('rejects policies that cannot be enforced', async () => {
    await expect(takeRateLimit(replicaA, freshKey(), { requestsPerSecond: 0, burst: 1 })).rejects.toThrow(/requestsPerSecond/);
    await expect(takeRateLimit(replicaA, freshKey(), { requestsPerSecond: 1, burst: 0.5 })).rejects.toThrow(/burst/);
    expect(emissionIntervalUs({ requestsPerSecond: 4, burst: 1 })).toBe(250_000);
    expect(emissionIntervalUs({ requestsPerSecond: 5e6, burst: 1 })).toBe(1);
  });
});
