/**
 * WebhookStore (and CaseStore.appendWebhookEvent) against a real, throwaway redis-server: secrets leave the
 * store only at registration/rotation and for delivery, tenants never see each other's webhooks, the
 * register script's limit and duplicate-URL checks hold, and rotation keeps the old secret for its grace period.
 */
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import type { WebhookPolicy } from '@lf/contracts';
import type { Redis } from 'ioredis';
import { CaseStore } from '../src/case-store';
import { CorruptWebhookDataError } from '../src/errors/corrupt-webhook-data.error';
import { createKeyBuilder } from '../src/keys';
import { createRedisConnection, waitUntilReady } from '../src/redis-connection';
import { WEBHOOK_ID_PATTERN, WebhookStore, type RegisteredWebhook } from '../src/webhook-store';
import { registration } from './support/fixtures';

const keys = createKeyBuilder();
const policy: WebhookPolicy = { allowedHosts: ['hooks.example.org', '*.example.net'], allowPrivateNetworks: false, allowHttp: false };
let server: RedisServerHandle;
let redis: Redis;
let store: WebhookStore;

beforeAll(async () => {
  server = await startRedisServer();
  redis = createRedisConnection(server.url, { role: 'producer', name: 'webhook-store-spec' }) as Redis;
  await waitUntilReady(redis);
  store = new WebhookStore(redis, keys);
});

afterAll(async () => {
  await redis.quit();
  await server.stop();
});

let seq = 0;
const tenant = () => `tenant-${++seq}`;

async function registered(t: string, url = `https://hooks.example.org/${seq}-${Math.random()}`): Promise<RegisteredWebhook> {
  const outcome = await store.register(t, { url, policy });
  if (outcome.outcome !== 'registered') throw new Error(`expected registered, got ${outcome.outcome}`);
  return outcome.webhook;
}

describe('WebhookStore', () => {
  it('registers a webhook with a fresh id and secret, and lists and gets it without the secret', async () => {
    const t = tenant();
    const webhook = await registered(t, 'https://hooks.example.org/lf');
    expect(webhook.id).toMatch(WEBHOOK_ID_PATTERN);
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ tenant: t, url: 'https://hooks.example.org/lf', events: ['case.finalized'] });
    expect(Date.parse(webhook.createdAt)).toBeGreaterThan(Date.parse('2024-01-01'));

    const listed = await store.list(t);
    expect(listed).toEqual([{ id: webhook.id, tenant: t, url: webhook.url, events: ['case.finalized'], createdAt: webhook.createdAt }]);
    expect(JSON.stringify(listed)).not.toContain(webhook.secret);
    expect(await store.get(t, webhook.id)).toEqual(listed[0]);
    expect(JSON.stringify(await store.get(t, webhook.id))).not.toContain('whsec_');
  });

  it('stores one hash per tenant under the tenant hash tag', async () => {
    const t = tenant();
    const webhook = await registered(t);
    expect(keys.tenantWebhooks(t)).toBe(`lf:tenant:{${t}}:webhooks`);
    expect(await redis.hkeys(`lf:tenant:{${t}}:webhooks`)).toEqual([webhook.id]);
    expect(() => keys.tenantWebhooks('a}b')).toThrow(/invalid tenant id/);
    expect(() => keys.tenantWebhooks('')).toThrow(/invalid tenant id/);
  });

  it('draws a different id and secret for every registration', async () => {
    const t = tenant();
    const a = await registered(t);
    const b = await registered(t);
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
  });

  it('keeps tenants apart: another tenant can neither see, read for delivery, rotate nor delete a webhook', async () => {
    const owner = tenant();
    const other = tenant();
    const webhook = await registered(owner);
    expect(await store.list(other)).toEqual([]);
    expect(await store.get(other, webhook.id)).toBeNull();
    expect(await store.getForDelivery(other, webhook.id)).toBeNull();
    expect(await store.rotateSecret(other, webhook.id)).toBeNull();
    expect(await store.delete(other, webhook.id)).toBe(false);
    expect(await store.get(owner, webhook.id)).not.toBeNull();
  });

  it('refuses the same URL twice for one tenant, naming the existing webhook, but not across tenants', async () => {
    const t = tenant();
    const first = await registered(t, 'https://hooks.example.org/same');
    expect(await store.register(t, { url: 'https://hooks.example.org/same', policy })).toEqual({ outcome: 'duplicate-url', existingId: first.id });
    expect((await store.register(tenant(), { url: 'https://hooks.example.org/same', policy })).outcome).toBe('registered');
    expect(await store.list(t)).toHaveLength(1);
  });

  it('caps the webhooks of a tenant, atomically under concurrent registrations', async () => {
    const limited = new WebhookStore(redis, keys, { maxPerTenant: 3 });
    const t = tenant();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => limited.register(t, { url: `https://hooks.example.org/${i}`, policy })));
    expect(outcomes.filter((o) => o.outcome === 'registered')).toHaveLength(3);
    expect(outcomes.filter((o) => o.outcome === 'limit-reached')).toEqual(Array(5).fill({ outcome: 'limit-reached', max: 3 }));
    expect(await limited.list(t)).toHaveLength(3);
  });

  it('deletes a webhook once; it is gone for listing and delivery', async () => {
    const t = tenant();
    const webhook = await registered(t);
    expect(await store.delete(t, webhook.id)).toBe(true);
    expect(await store.delete(t, webhook.id)).toBe(false);
    expect(await store.list(t)).toEqual([]);
    expect(await store.getForDelivery(t, webhook.id)).toBeNull();
    expect(await store.delete(t, 'not-an-id')).toBe(false);
    expect(await store.get(t, 'wh_:{x}')).toBeNull();
  });

  it('gives the dispatcher the secret and the policy the URL was checked against', async () => {
    const t = tenant();
    const webhook = await registered(t);
    expect(await store.getForDelivery(t, webhook.id)).toEqual({
      id: webhook.id,
      tenant: t,
      url: webhook.url,
      events: ['case.finalized'],
      createdAt: webhook.createdAt,
      secret: webhook.secret,
      policy,
    });
  });

  it('filters by subscribed event type', async () => {
    const t = tenant();
    const webhook = await registered(t);
    expect((await store.listForEvent(t, 'case.finalized')).map((w) => w.id)).toEqual([webhook.id]);
    await expect(store.register(t, { url: 'https://hooks.example.org/x', events: ['case.deleted' as never], policy })).rejects.toThrow(/unknown event type 'case.deleted'/);
  });

  it('rotates the secret: the old one is still signed with during the grace period, then dropped', async () => {
    const t = tenant();
    const webhook = await registered(t);
    const rotated = await store.rotateSecret(t, webhook.id, 300);
    expect(rotated!.secret).toMatch(/^whsec_/);
    expect(rotated!.secret).not.toBe(webhook.secret);
    expect(Date.parse(rotated!.previousSecretExpiresAt!)).toBeGreaterThan(Date.now() - 1000);

    const during = await store.getForDelivery(t, webhook.id);
    expect(during).toMatchObject({ secret: rotated!.secret, previousSecret: webhook.secret, previousSecretExpiresAt: rotated!.previousSecretExpiresAt });
    expect(await store.get(t, webhook.id)).toMatchObject({ previousSecretExpiresAt: rotated!.previousSecretExpiresAt });
    expect(JSON.stringify(await store.list(t))).not.toContain('whsec_');

    await new Promise((r) => setTimeout(r, 400));
    const after = await store.getForDelivery(t, webhook.id);
    expect(after!.secret).toBe(rotated!.secret);
    expect(after!.previousSecret).toBeUndefined();
    expect(after!.previousSecretExpiresAt).toBeUndefined();
    // The record survives the script's JSON round trip unchanged otherwise (cjson writes [] as {}).
    expect(after).toMatchObject({ url: webhook.url, events: ['case.finalized'], createdAt: webhook.createdAt, policy });
  });

  it('rotates without grace: the old secret stops at once', async () => {
    const t = tenant();
    const webhook = await registered(t);
    await store.rotateSecret(t, webhook.id, 10_000);
    const rotated = await store.rotateSecret(t, webhook.id, 0);
    const target = await store.getForDelivery(t, webhook.id);
    expect(target!.secret).toBe(rotated!.secret);
    expect(target!.previousSecret).toBeUndefined();
    expect(rotated!.previousSecretExpiresAt).toBeUndefined();
  });

  it('keeps an empty allow-list an array through a rotation', async () => {
    const t = tenant();
    const outcome = await store.register(t, { url: 'http://127.0.0.1:9/x', policy: { allowedHosts: [], allowHttp: true, allowPrivateNetworks: true } });
    if (outcome.outcome !== 'registered') throw new Error(outcome.outcome);
    await store.rotateSecret(t, outcome.webhook.id, 0);
    expect((await store.getForDelivery(t, outcome.webhook.id))!.policy).toEqual({ allowedHosts: [], allowHttp: true, allowPrivateNetworks: true });
  });

  it('reports a corrupt record with its location', async () => {
    const t = tenant();
    await redis.hset(keys.tenantWebhooks(t), 'wh_00000000000000000000', '{"id":"wh_00000000000000000000"');
    await expect(store.get(t, 'wh_00000000000000000000')).rejects.toThrow(CorruptWebhookDataError);
    await expect(store.list(t)).rejects.toThrow(`lf:tenant:{${t}}:webhooks#wh_00000000000000000000`);
  });
});

describe('CaseStore.appendWebhookEvent', () => {
  let caseStore: CaseStore;
  beforeAll(() => {
    caseStore = new CaseStore(redis, keys);
  });

  it('appends webhook outcomes to the case event stream, keeping its expiry', async () => {
    const reg = registration({ ttlSeconds: 600 });
    await caseStore.register(reg);
    const ttlBefore = await redis.pttl(keys.events(reg.caseId));
    expect(await caseStore.appendWebhookEvent(reg.caseId, { type: 'webhook-delivered', webhookId: 'wh_0123456789abcdef0123', detail: 'HTTP 204, attempt 1' })).toBe(true);
    expect(await caseStore.appendWebhookEvent(reg.caseId, { type: 'webhook-failed', webhookId: 'wh_aaaaaaaaaaaaaaaaaaaa', detail: 'HTTP 500, attempt 3 of 3' })).toBe(true);
    const events = await caseStore.events(reg.caseId);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'webhook-delivered', 'webhook-failed']);
    expect(events[1]).toMatchObject({ webhookId: 'wh_0123456789abcdef0123', detail: 'HTTP 204, attempt 1' });
    expect(events[2]).toMatchObject({ webhookId: 'wh_aaaaaaaaaaaaaaaaaaaa', detail: 'HTTP 500, attempt 3 of 3' });
    const ttlAfter = await redis.pttl(keys.events(reg.caseId));
    expect(ttlAfter).toBeGreaterThan(0);
    expect(ttlAfter).toBeLessThanOrEqual(ttlBefore);
  });

  it('writes nothing for a case that no longer exists', async () => {
    const caseId = registration().caseId;
    expect(await caseStore.appendWebhookEvent(caseId, { type: 'webhook-failed', webhookId: 'wh_0123456789abcdef0123', detail: 'x' })).toBe(false);
    expect(await redis.exists(keys.events(caseId))).toBe(0);
  });

  it('accepts only webhook outcome types', async () => {
    const reg = registration();
    await caseStore.register(reg);
    await expect(caseStore.appendWebhookEvent(reg.caseId, { type: 'finalized' as never, webhookId: 'wh_0123456789abcdef0123', detail: 'x' })).rejects.toThrow(/invalid event type/);
  });
});
