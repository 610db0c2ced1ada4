/**
 * Tenants' webhooks in Redis: one HASH per tenant (`lf:tenant:{<tenant>}:webhooks`, webhookId -> record JSON),
 * so listing is one HGETALL and the register script's limit and duplicate-URL checks are atomic.
 *
 * The signing secret is generated here and returned once, by `register` (and `rotateSecret`); `list` and
 * `get` never return it. It is stored in clear because the dispatcher needs it to compute the HMAC: protect
 * Redis like the secrets it holds (AUTH/ACL, TLS, no public exposure).
 *
 * This store does not judge URLs: callers check them against the tenant's policy first
 * (`registerWebhook` in libs/webhooks does both), and the record keeps the policy it was checked against.
 */
import { randomBytes } from 'node:crypto';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType, type WebhookPolicy } from '@lf/contracts';
import { CorruptWebhookDataError } from './errors/corrupt-webhook-data.error';
import { createKeyBuilder, type KeyBuilder } from './keys';
import { runLuaScript } from './lua/lua-script';
import { luaScripts } from './lua/scripts.generated';
import type { RedisConnection } from './redis-connection';

/** What `list`/`get` return: never the secret. */
export interface WebhookView {
  id: string;
  tenant: string;
  url: string;
  events: WebhookEventType[];
  /** ISO 8601. */
  createdAt: string;
  /** Set while a rotated-out secret is still sent alongside the new one (ISO 8601). */
  previousSecretExpiresAt?: string;
}

/** What the dispatcher needs to deliver: the view plus the secrets and the policy checked at registration. */
export interface WebhookDeliveryTarget extends WebhookView {
  /** The secret that signs (first `v1=`). */
  secret: string;
  /** Still signed with (a second `v1=`) until `previousSecretExpiresAt`; omitted once that has passed. */
  previousSecret?: string;
  /** The tenant policy the URL was checked against at registration (used when no tenants file is configured). */
  policy: WebhookPolicy;
}

export interface RegisteredWebhook extends WebhookView {
  /** Shown once: store it on the receiving side to verify LF-Signature. */
  secret: string;
}

export interface WebhookStoreOptions {
  /** Webhooks per tenant. Default 20. */
  maxPerTenant?: number;
}

export type RegisterWebhookOutcome =
  | { outcome: 'registered'; webhook: RegisteredWebhook }
  | { outcome: 'limit-reached'; max: number }
  | { outcome: 'duplicate-url'; existingId: string };

interface StoredRecord {
  id: string;
  url: string;
  events: WebhookEventType[];
  /** Epoch ms (Redis clock), as a decimal string. */
  createdAt: string;
  policy: WebhookPolicy;
  secret: string;
  previousSecret?: string;
  /** Epoch ms (Redis clock), as a decimal string. */
  previousSecretExpiresAt?: string;
}

/** `wh_` + 20 hex characters: no `:` (it is part of BullMQ job ids) and safe in URLs and headers. */
export const WEBHOOK_ID_PATTERN = /^wh_[0-9a-f]{20}$/;

export const newWebhookId = (): string => `wh_${randomBytes(10).toString('hex')}`;
/** `whsec_` + 43 base64url characters (256 bits). Receivers use the whole string, as given, as the HMAC key. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export class WebhookStore {
  private readonly maxPerTenant: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: KeyBuilder = createKeyBuilder(),
    options: WebhookStoreOptions = {},
  ) {
    this.maxPerTenant = options.maxPerTenant ?? 20;
    if (!Number.isInteger(this.maxPerTenant) || this.maxPerTenant < 1) throw new Error('maxPerTenant must be a positive integer');
  }

  /**
   * Stores a webhook whose URL the caller has checked against `policy`. Omitted `events` = every event type.
   * The returned secret is the only time it leaves the store (apart from signing).
   */
  async register(tenant: string, input: { url: string; events?: readonly WebhookEventType[]; policy: WebhookPolicy }): Promise<RegisterWebhookOutcome> {
    const events = input.events && input.events.length > 0 ? [...new Set(input.events)] : [...WEBHOOK_EVENT_TYPES];
    for (const e of events) if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) throw new Error(`register: unknown event type '${e}'`);
    const key = this.keys.tenantWebhooks(tenant);
    for (let attempt = 0; attempt < 3; attempt++) {
      const record: Omit<StoredRecord, 'createdAt'> = {
        id: newWebhookId(),
        url: input.url,
        events,
        policy: { allowedHosts: [...input.policy.allowedHosts], allowPrivateNetworks: input.policy.allowPrivateNetworks, allowHttp: input.policy.allowHttp },
        secret: newWebhookSecret(),
      };
      const reply = await runLuaScript(this.redis, luaScripts.registerWebhook, [key], [record.id, JSON.stringify(record), input.url, this.maxPerTenant]);
      if (!Array.isArray(reply) || reply.length !== 3) throw new Error(`registerWebhook: unexpected script reply ${JSON.stringify(reply)}`);
      const [code, id, createdAt] = reply as [number, string, string];
      if (code === 1) return { outcome: 'registered', webhook: { ...this.view(tenant, { ...record, createdAt }), secret: record.secret } };
      if (code === 0) return { outcome: 'limit-reached', max: this.maxPerTenant };
      if (code === -1) return { outcome: 'duplicate-url', existingId: id };
      if (code !== -2) throw new Error(`registerWebhook: unexpected script reply ${JSON.stringify(reply)}`);
      // -2: a random id collided; draw another.
    }
    throw new Error('register: could not draw an unused webhook id');
  }

  /** The tenant's webhooks, oldest first, without secrets. */
  async list(tenant: string): Promise<WebhookView[]> {
    const key = this.keys.tenantWebhooks(tenant);
    const all = await this.redis.hgetall(key);
    return Object.entries(all)
      .map(([id, raw]) => this.view(tenant, this.parse(key, id, raw)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** One webhook without its secret, or null (also for another tenant's id). */
  async get(tenant: string, id: string): Promise<WebhookView | null> {
    const record = await this.record(tenant, id);
    return record ? this.view(tenant, record) : null;
  }

  /** The webhooks of a tenant subscribed to `event` (ids and URLs, no secrets): what the aggregator enqueues for. */
  async listForEvent(tenant: string, event: WebhookEventType): Promise<WebhookView[]> {
    return (await this.list(tenant)).filter((w) => w.events.includes(event));
  }

  /** true if it existed. Deliveries already queued for it are skipped by the dispatcher. */
  async delete(tenant: string, id: string): Promise<boolean> {
    if (!WEBHOOK_ID_PATTERN.test(id)) return false;
    return (await this.redis.hdel(this.keys.tenantWebhooks(tenant), id)) === 1;
  }

  /** The dispatcher's read: secrets included; a previous secret is dropped once its grace period has passed. */
  async getForDelivery(tenant: string, id: string): Promise<WebhookDeliveryTarget | null> {
    const record = await this.record(tenant, id);
    if (!record) return null;
    const target: WebhookDeliveryTarget = { ...this.view(tenant, record), secret: record.secret, policy: record.policy };
    if (record.previousSecret && record.previousSecretExpiresAt && Number(record.previousSecretExpiresAt) > (await this.now())) {
      target.previousSecret = record.previousSecret;
    } else {
      delete target.previousSecretExpiresAt;
    }
    return target;
  }

  /**
   * A new signing secret (returned once). For `graceMs` the old one is still sent as a second `v1=`, so a
   * receiver can deploy the new secret without rejecting deliveries in between. null if there is no such webhook.
   */
  async rotateSecret(tenant: string, id: string, graceMs = 24 * 3600 * 1000): Promise<{ secret: string; previousSecretExpiresAt?: string } | null> {
    if (!Number.isInteger(graceMs) || graceMs < 0) throw new Error('rotateSecret: graceMs must be a non-negative integer');
    if (!WEBHOOK_ID_PATTERN.test(id)) return null;
    const key = this.keys.tenantWebhooks(tenant);
    const secret = newWebhookSecret();
    const reply = await runLuaScript(this.redis, luaScripts.rotateWebhookSecret, [key], [id, secret, graceMs]);
    if (reply === null) return null;
    if (typeof reply !== 'string') throw new Error(`rotateWebhookSecret: unexpected script reply ${JSON.stringify(reply)}`);
    const record = this.parse(key, id, reply);
    return { secret, ...(record.previousSecretExpiresAt ? { previousSecretExpiresAt: iso(record.previousSecretExpiresAt) } : {}) };
  }

  private async record(tenant: string, id: string): Promise<StoredRecord | null> {
    if (!WEBHOOK_ID_PATTERN.test(id)) return null;
    const key = this.keys.tenantWebhooks(tenant);
    const raw = await this.redis.hget(key, id);
    return raw === null ? null : this.parse(key, id, raw);
  }

  private view(tenant: string, record: StoredRecord): WebhookView {
    const view: WebhookView = { id: record.id, tenant, url: record.url, events: record.events, createdAt: iso(record.createdAt) };
    if (record.previousSecret && record.previousSecretExpiresAt) view.previousSecretExpiresAt = iso(record.previousSecretExpiresAt);
    return view;
  }

  /** Records come back through Lua's cjson after a rotation, which writes an empty array as `{}`: normalised here. */
  private parse(key: string, id: string, raw: string): StoredRecord {
    const fail = (why: string): never => {
      throw new CorruptWebhookDataError(`${key}#${id}`, why);
    };
    type Loose = Omit<Partial<StoredRecord>, 'policy'> & { policy?: { allowedHosts?: unknown; allowPrivateNetworks?: unknown; allowHttp?: unknown } };
    let value: Loose;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return fail(`invalid JSON (${(err as Error).message})`);
    }
    if (typeof value !== 'object' || value === null) return fail('not a webhook record');
    if (value.id !== id || typeof value.url !== 'string' || typeof value.secret !== 'string' || !/^\d{1,15}$/.test(String(value.createdAt))) {
      return fail('not a webhook record (id, url, secret, createdAt)');
    }
    const events = Array.isArray(value.events) ? value.events.filter((e): e is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) : [];
    const policy: NonNullable<Loose['policy']> = value.policy ?? {};
    const record: StoredRecord = {
      id,
      url: value.url,
      events,
      createdAt: String(value.createdAt),
      secret: value.secret,
      policy: {
        allowedHosts: Array.isArray(policy.allowedHosts) ? policy.allowedHosts.filter((h: unknown): h is string => typeof h === 'string') : [],
        allowPrivateNetworks: policy.allowPrivateNetworks === true,
        allowHttp: policy.allowHttp === true,
      },
    };
    if (typeof value.previousSecret === 'string' && value.previousSecretExpiresAt !== undefined) {
      record.previousSecret = value.previousSecret;
      record.previousSecretExpiresAt = String(value.previousSecretExpiresAt);
    }
    return record;
  }

  private async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }
}

const iso = (ms: string | number): string => new Date(Number(ms)).toISOString();
