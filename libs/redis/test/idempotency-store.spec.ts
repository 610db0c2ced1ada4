/**
 * Idempotency-Key records and case event notifications against a real redis-server: one record per
 * (tenant, key) whatever the concurrency, keys stored only as digests, TTLs, the reserved -> enqueued
 * transition; and every lifecycle event of a case published on its channel (the gateway's wake-up).
 */
import { createHash } from 'node:crypto';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { Redis } from 'ioredis';
import { CaseStore } from '../src/case-store';
import { IdempotencyStore } from '../src/idempotency-store';
import { createKeyBuilder } from '../src/keys';
import { registration, score } from './support/fixtures';

const keys = createKeyBuilder();
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
let server: RedisServerHandle;
let redis: Redis;
let idem: IdempotencyStore;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  idem = new IdempotencyStore(redis, keys);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const claim = (over: Partial<Parameters<IdempotencyStore['claim']>[0]> = {}) =>
  idem.claim({ tenant: 'north', key: 'order-1', caseId: 'case-1', bodyHash: HASH_A, ttlMs: 60_000, ...over });

describe('IdempotencyStore', () => {
  it('records a new key as reserved and returns the first record to every later claim', async () => {
    const key = `k-${Date.now()}`;
    expect(await claim({ key })).toEqual({ claimed: true, caseId: 'case-1', bodyHash: HASH_A, state: 'reserved' });
    expect(await claim({ key, caseId: 'case-2', bodyHash: HASH_B })).toEqual({ claimed: false, caseId: 'case-1', bodyHash: HASH_A, state: 'reserved' });
  });

  it('admits exactly one claimant under concurrency', async () => {
    const key = 'racy-key';
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => claim({ key, caseId: `case-${i}` })));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    const winner = results.find((r) => r.claimed)!.caseId;
    expect(new Set(results.map((r) => r.caseId))).toEqual(new Set([winner]));
  });

  it('scopes keys per tenant', async () => {
    expect((await claim({ tenant: 'north', key: 'shared', caseId: 'n-1' })).claimed).toBe(true);
    const south = await claim({ tenant: 'south', key: 'shared', caseId: 's-1' });
    expect(south).toMatchObject({ claimed: true, caseId: 's-1' });
  });

  it('stores the key only as its SHA-256, with the TTL', async () => {
    const secretKey = 'MRN-12345-retry-1';
    await claim({ key: secretKey, ttlMs: 5_000 });
    const digest = createHash('sha256').update(secretKey).digest('hex');
    const recordKey = keys.idempotency('north', digest);
    expect(idem.recordKey('north', secretKey)).toBe(recordKey);
    expect(await redis.keys('*MRN-12345*')).toEqual([]);
    expect(await redis.hgetall(recordKey)).toMatchObject({ caseId: 'case-1', bodyHash: HASH_A, state: 'reserved', createdAt: expect.stringMatching(/^\d+$/) });
    const ttl = await redis.pttl(recordKey);
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('confirms only the case the record names, and never creates a record', async () => {
    await claim({ key: 'confirm-me', caseId: 'case-9' });
    expect(await idem.confirm('north', 'confirm-me', 'case-8')).toBe(false);
    expect((await claim({ key: 'confirm-me' })).state).toBe('reserved');
    expect(await idem.confirm('north', 'confirm-me', 'case-9')).toBe(true);
    expect(await claim({ key: 'confirm-me' })).toMatchObject({ claimed: false, caseId: 'case-9', state: 'enqueued' });
    expect(await idem.confirm('north', 'never-claimed', 'case-9')).toBe(false);
    expect(await redis.exists(idem.recordKey('north', 'never-claimed'))).toBe(0);
  });

  it('lets a key be claimed again once its record expired', async () => {
    await claim({ key: 'short-lived', caseId: 'old', ttlMs: 30 });
    await new Promise((r) => setTimeout(r, 80));
    expect(await claim({ key: 'short-lived', caseId: 'new' })).toMatchObject({ claimed: true, caseId: 'new' });
  });

  it('refuses bad arguments before touching Redis', async () => {
    await expect(claim({ ttlMs: 0 })).rejects.toThrow(/ttlMs/);
    await expect(claim({ bodyHash: 'nope' })).rejects.toThrow(/bodyHash/);
    await expect(claim({ caseId: 'a:b' })).rejects.toThrow(/invalid case id/);
    await expect(claim({ tenant: 'no spaces' })).rejects.toThrow(/invalid tenant/);
  });
});

describe('case event notifications', () => {
  it('publishes the stream id of every lifecycle event on the case channel; eventsSince resumes after an id', async () => {
    const store = new CaseStore(redis, keys);
    const subscriber = new Redis(server.url);
    const reg = registration({ expected: ['tabular', 'vitals'] });
    const messages: Array<[string, string]> = [];
    try {
      await subscriber.subscribe(keys.eventsChannel(reg.caseId));
      subscriber.on('message', (channel: string, message: string) => messages.push([channel, message]));
      await store.register(reg);
      await store.recordScore(reg.caseId, score('tabular'));
      await store.recordScore(reg.caseId, score('vitals'));
      await store.finalize(reg.caseId, 'all-replied');
      await store.storeResult(reg.caseId, { status: 'complete', fused: { strategy: 'log-odds', probability: 0.3, riskBand: 'low', contributions: [], degraded: false } });
      await store.recordScore(reg.caseId, score('vitals', { probability: 0.9 })); // a duplicate: no event

      const events = await store.events(reg.caseId);
      expect(events.map((e) => e.type)).toEqual(['submitted', 'score', 'score', 'finalized', 'result-stored']);
      for (let i = 0; i < 50 && messages.length < events.length; i++) await new Promise((r) => setTimeout(r, 10));
      expect(messages).toEqual(events.map((e) => [keys.eventsChannel(reg.caseId), e.id]));

      expect(await store.eventsSince(reg.caseId, events[2].id)).toEqual(events.slice(3));
      expect(await store.eventsSince(reg.caseId, events[0].id, 2)).toEqual(events.slice(1, 3));
      expect(await store.eventsSince(reg.caseId, events[4].id)).toEqual([]);
      expect(await store.eventsSince('no-such-case')).toEqual([]);
      await expect(store.eventsSince(reg.caseId, '0; FLUSHALL')).rejects.toThrow(/not a stream id/);
    } finally {
      subscriber.disconnect();
    }
  });
});
