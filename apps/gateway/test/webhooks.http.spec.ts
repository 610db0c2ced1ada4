/**
 * Webhook registration through the real gateway (tenants file for keys and policies, real Redis): the URL is
 * held to the tenant's policy (422 naming `url`), the secret is shown once, webhooks are per tenant (another
 * tenant's id is a 404), duplicates are 409, and only keys with `webhooks:manage` may touch them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantsFile } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { verifySignature, signPayload } from '@lf/webhooks';
import { gatewayConfigFromEnv } from '../src/config/gateway.config';
import { createGateway, type Gateway } from '../src/create-gateway';
import { sha256Hex } from '../src/tenants/tenants-file';

jest.setTimeout(30_000);

const NORTH = 'north-hooks-key-000000001';
const NORTH_READER = 'north-reader-key-00000001';
const SOUTH = 'south-hooks-key-000000001';
const TENANTS: TenantsFile = {
  tenants: [
    {
      id: 'north',
      keys: [
        { id: 'ops', sha256: sha256Hex(NORTH), scopes: ['webhooks:manage'] },
        { id: 'reader', sha256: sha256Hex(NORTH_READER), scopes: ['cases:read'] },
      ],
      // Literal loopback addresses need no DNS; allowPrivateNetworks lets the test use them.
      webhooks: { allowedHosts: ['127.0.0.1', '*.north.example'], allowPrivateNetworks: true, allowHttp: true },
    },
    { id: 'south', keys: [{ id: 'ops', sha256: sha256Hex(SOUTH), scopes: ['webhooks:manage'] }], webhooks: { allowedHosts: [], allowPrivateNetworks: false, allowHttp: false } },
  ],
};

let server: RedisServerHandle;
let dir: string;
let gateway: Gateway;

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key = NORTH, body?: unknown) =>
  gateway.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });

beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'lf-webhooks-'));
  writeFileSync(join(dir, 'tenants.json'), JSON.stringify(TENANTS));
  gateway = await createGateway(gatewayConfigFromEnv({ REDIS_URL: server.url, LF_TENANTS_FILE: join(dir, 'tenants.json') }), {
    logger: createLogger({ app: 'webhooks-test', sink: () => undefined }),
  });
});

afterAll(async () => {
  await gateway?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('/v1/webhooks', () => {
  it('registers an allowed URL, shows the secret once, lists and reads it without the secret, and deletes it', async () => {
    const created = await call('POST', '/v1/webhooks', NORTH, { url: 'http://127.0.0.1:9/hooks/lf' });
    expect(created.statusCode).toBe(201);
    const hook = created.json();
    expect(hook).toMatchObject({ id: expect.any(String), url: 'http://127.0.0.1:9/hooks/lf', events: ['case.finalized'], secret: expect.stringMatching(/^whsec_/) });
    expect(created.headers['location']).toBe(`/v1/webhooks/${hook.id}`);
    // The secret is the one deliveries are signed with.
    const body = '{"id":"evt_x"}';
    expect(verifySignature(hook.secret, signPayload(hook.secret, body), body)).toMatchObject({ ok: true });

    const listed = (await call('GET', '/v1/webhooks')).json();
    expect(listed.webhooks.map((w: { id: string }) => w.id)).toEqual([hook.id]);
    expect(JSON.stringify(listed)).not.toContain(hook.secret);
    const one = await call('GET', `/v1/webhooks/${hook.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).not.toHaveProperty('secret');

    const rotated = await call('POST', `/v1/webhooks/${hook.id}/secret`);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(hook.secret);

    expect((await call('DELETE', `/v1/webhooks/${hook.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/v1/webhooks/${hook.id}`)).statusCode).toBe(404);
    expect((await call('DELETE', `/v1/webhooks/${hook.id}`)).statusCode).toBe(404);
  });

  it("refuses URLs outside the tenant's policy with a 422 naming the url field", async () => {
    for (const url of ['http://10.0.0.5/hook', 'https://evil.example.org/hook', 'ftp://127.0.0.1/hook']) {
      const res = await call('POST', '/v1/webhooks', NORTH, { url });
      expect([url, res.statusCode]).toEqual([url, 422]);
      expect(res.json()).toMatchObject({ type: 'urn:lf:problem:webhook-url-rejected', errors: [{ path: 'url' }] });
    }
    // South may not register anything: its allow-list is empty.
    expect((await call('POST', '/v1/webhooks', SOUTH, { url: 'https://127.0.0.1/hook' })).statusCode).toBe(422);
    expect((await call('POST', '/v1/webhooks', NORTH, { url: 42 })).statusCode).toBe(400);
    expect((await call('POST', '/v1/webhooks', NORTH, { url: 'http://127.0.0.1:9/x', extra: true })).statusCode).toBe(400);
  });

  it('is per tenant: another tenant sees a 404, a duplicate URL is a 409, and other scopes get 403', async () => {
    const hook = (await call('POST', '/v1/webhooks', NORTH, { url: 'http://127.0.0.1:9/hooks/second' })).json();
    expect((await call('GET', `/v1/webhooks/${hook.id}`, SOUTH)).statusCode).toBe(404);
    expect((await call('DELETE', `/v1/webhooks/${hook.id}`, SOUTH)).statusCode).toBe(404);
    expect((await call('GET', '/v1/webhooks', SOUTH)).json()).toEqual({ webhooks: [] });
    const duplicate = await call('POST', '/v1/webhooks', NORTH, { url: 'http://127.0.0.1:9/hooks/second' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().existingId).toBe(hook.id);
    const forbidden = await call('GET', '/v1/webhooks', NORTH_READER);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ missingScope: 'webhooks:manage' });
  });
});
