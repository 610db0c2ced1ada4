/**
 * Tenants and access through the real Nest/Fastify app against a throwaway Redis: 401/403, tenant
 * isolation (404 exactly as for an unknown id on every route that takes an id), key rotation by rewriting
 * the tenants file while the app runs, the per-tenant rate limit shared by two gateway instances,
 * backpressure (503 and nothing written), and the audit trail (who, what, outcome; never PHI).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TenantsFile } from '@lf/contracts';
import { QUEUES } from '@lf/contracts';
import { createLogger, type Logger } from '@lf/observability';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { createUuidV7Generator } from '../src/case-id/uuid-v7';
import { gatewayConfigFromEnv } from '../src/config/gateway.config';
import { createGateway, type Gateway } from '../src/create-gateway';
import { sha256Hex } from '../src/tenants/tenants-file';

jest.setTimeout(30_000);

const KEY = {
  northAll: 'north-all-scopes-key-0001',
  northRead: 'north-read-only-key-0001',
  northWrite: 'north-write-only-key-0001',
  northHooks: 'north-webhooks-only-key-01',
  northExpired: 'north-expired-key-000001',
  south: 'south-all-scopes-key-0001',
  limited: 'limited-tenant-key-000001',
} as const;

const webhooks = { allowedHosts: [], allowPrivateNetworks: false, allowHttp: false };
const key = (id: string, text: string, scopes: TenantsFile['tenants'][number]['keys'][number]['scopes'], expiresAt?: string) => ({
  id,
  sha256: sha256Hex(text),
  scopes,
  ...(expiresAt ? { expiresAt } : {}),
});

const TENANTS: TenantsFile = {
  tenants: [
    {
      id: 'north',
      keys: [
        key('all', KEY.northAll, ['cases:write', 'cases:read', 'webhooks:manage']),
        key('reader', KEY.northRead, ['cases:read']),
        key('writer', KEY.northWrite, ['cases:write']),
        key('hooks', KEY.northHooks, ['webhooks:manage']),
        key('old', KEY.northExpired, ['cases:read'], '2020-01-01T00:00:00Z'),
      ],
      webhooks,
    },
    { id: 'south', keys: [key('all', KEY.south, ['cases:write', 'cases:read', 'webhooks:manage'])], webhooks },
    { id: 'limited', keys: [key('only', KEY.limited, ['cases:read'])], rateLimit: { requestsPerSecond: 0.5, burst: 3 }, webhooks },
  ],
};

const tabular = { ageYears: 71, sex: 'female', labs: { crp: { value: 80, unit: 'mg/L' } } };
const neverIssued = () => createUuidV7Generator().next();

let server: RedisServerHandle;
let redis: Redis;
let dir: string;
let tenantsFile: string;
let gateway: Gateway;
let lines: string[];
const capture = (into: string[]): Logger => createLogger({ app: 'gateway', sink: (line) => into.push(line) });

function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

async function startGateway(env: Record<string, string> = {}, logger: Logger = capture(lines)): Promise<Gateway> {
  return createGateway(gatewayConfigFromEnv({ REDIS_URL: server.url, LF_TENANTS_FILE: tenantsFile, ...env }), { logger });
}

const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const submit = (k: string, body: unknown = { patientRef: 'p', inputs: { tabular } }, app = gateway) =>
  app.app.inject({ method: 'POST', url: '/v1/cases', headers: { ...bearer(k), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const read = (k: string, id: string, app = gateway) => app.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: bearer(k) });

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  dir = mkdtempSync(join(tmpdir(), 'lf-access-'));
  tenantsFile = join(dir, 'tenants.json');
  writeJson(tenantsFile, TENANTS);
  lines = [];
  gateway = await startGateway({ LF_RATE_LIMIT_RPS: '500', LF_RATE_LIMIT_BURST: '77' });
});

afterAll(async () => {
  await gateway?.close();
  redis?.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('401: no key, an unknown key, an expired key', () => {
  it.each([
    ['no key', {}, 'send an API key as "Authorization: Bearer <key>"'],
    ['an unknown key', bearer('no-such-key-000000000000'), 'the API key is not valid'],
    ['an expired key', bearer(KEY.northExpired), 'the API key has expired'],
    ['another scheme', { authorization: `Basic ${KEY.northAll}` }, 'send an API key as "Authorization: Bearer <key>"'],
  ])('%s', async (_label, headers, detail) => {
    for (const [method, url] of [['GET', `/v1/cases/${neverIssued()}`], ['POST', '/v1/cases'], ['GET', '/v1/no-such-route']] as const) {
      const res = await gateway.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: method === 'POST' ? '{}' : undefined });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="late-fusion"/);
      expect(res.json()).toEqual({ type: 'urn:lf:problem:unauthorized', title: 'Unauthorized', status: 401, detail });
    }
  });

  it('leaves health, metrics and the API document open', async () => {
    for (const url of ['/health/live', '/health/ready', '/metrics', '/openapi.json']) {
      const res = await gateway.app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('403: a key without the scope the route needs', () => {
  it.each([
    ['a read-only key submitting', () => submit(KEY.northRead), 'cases:write'],
    ['a webhooks-only key submitting', () => submit(KEY.northHooks), 'cases:write'],
    ['a write-only key reading', () => read(KEY.northWrite, neverIssued()), 'cases:read'],
    ['a read-only key submitting a batch', () => gateway.app.inject({ method: 'POST', url: '/v1/cases:batch', headers: { ...bearer(KEY.northRead), 'content-type': 'application/json' }, payload: '{"cases": []}' }), 'cases:write'],
    ['a write-only key streaming events', () => gateway.app.inject({ method: 'GET', url: `/v1/cases/${neverIssued()}/events`, headers: bearer(KEY.northWrite) }), 'cases:read'],
  ])('%s', async (_label, send, scope) => {
    const casesBefore = (await redis.keys('lf:case:*')).length;
    const res = await send();
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ type: 'urn:lf:problem:forbidden', title: 'Forbidden', status: 403, detail: `this API key lacks the scope '${scope}'`, missingScope: scope });
    expect((await redis.keys('lf:case:*')).length).toBe(casesBefore);
  });

  it('lets each key do what its scopes allow', async () => {
    const res = await submit(KEY.northWrite);
    expect(res.statusCode).toBe(202);
    expect((await read(KEY.northRead, res.json().caseId)).statusCode).toBe(200);
  });
});

describe('tenant isolation', () => {
  it("answers another tenant's case exactly as an unknown id, on every route that takes a case id", async () => {
    const { caseId } = (await submit(KEY.northAll)).json();
    const unknown = neverIssued();
    const idRoutes = [...new Set(gateway.routes.filter((r) => r.method === 'GET' && /^\/(v1|fhir)\/.*:id/.test(r.url)).map((r) => r.url))];
    expect(idRoutes).toContain('/v1/cases/:id');
    for (const route of idRoutes) {
      const foreign = await gateway.app.inject({ method: 'GET', url: route.replace(':id', caseId), headers: bearer(KEY.south) });
      const missing = await gateway.app.inject({ method: 'GET', url: route.replace(':id', unknown), headers: bearer(KEY.south) });
      expect({ route, status: foreign.statusCode }).toEqual({ route, status: 404 });
      expect(foreign.headers['content-type']).toBe(missing.headers['content-type']);
      // Same body but for the id itself.
      expect(foreign.body.split(caseId).join('<id>')).toBe(missing.body.split(unknown).join('<id>'));
    }
    expect((await read(KEY.northAll, caseId)).statusCode).toBe(200);
  });
});

describe('per-tenant rate limit', () => {
  it('uses the default from the environment for tenants without their own', async () => {
    const res = await read(KEY.northAll, neverIssued());
    expect(res.headers['ratelimit-limit']).toBe('77');
    expect(res.headers['ratelimit-policy']).toBe('"tenant";q=77;w=1');
    expect(Number(res.headers['ratelimit-remaining'])).toBeLessThan(77);
  });

  it("shares one budget between two gateway instances, then answers 429 with Retry-After and RateLimit headers", async () => {
    const other = await startGateway();
    try {
      const replicas = [gateway, other, gateway];
      const allowed = [];
      for (const replica of replicas) allowed.push(await read(KEY.limited, neverIssued(), replica));
      expect(allowed.map((r) => r.statusCode)).toEqual([404, 404, 404]);
      expect(allowed.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
      expect(allowed.every((r) => r.headers['ratelimit-limit'] === '3')).toBe(true);

      const denied = await read(KEY.limited, neverIssued(), other);
      expect(denied.statusCode).toBe(429);
      // One request every 2 s: the next is due in (just under) 2 s, the whole budget back in 6 s.
      expect(denied.headers['retry-after']).toBe('2');
      expect(denied.headers).toMatchObject({
        'ratelimit-limit': '3',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '6',
        'ratelimit-policy': '"tenant";q=3;w=6',
        ratelimit: '"tenant";r=0;t=6',
      });
      expect(denied.json()).toMatchObject({ type: 'urn:lf:problem:rate-limited', status: 429, title: 'Too Many Requests' });
      // Another tenant is not affected.
      expect((await read(KEY.south, neverIssued(), other)).statusCode).toBe(404);

      expect((await read(KEY.limited, neverIssued(), gateway)).statusCode).toBe(429);
      expect((await other.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/lf_rate_limited_requests_total\{tenant="limited",app="gateway"\} 1/);
    } finally {
      await other.close();
    }
  });

  it('never limits health and metrics', async () => {
    for (let i = 0; i < 10; i++) expect((await gateway.app.inject({ method: 'GET', url: '/health/live', headers: bearer(KEY.limited) })).statusCode).toBe(200);
  });

  it('fails open while Redis is down: the route answers its own 503, not 429 or 500', async () => {
    const own = await startRedisServer();
    const other = await createGateway(gatewayConfigFromEnv({ REDIS_URL: own.url, LF_TENANTS_FILE: tenantsFile }), { logger: capture([]) });
    try {
      await own.kill('SIGKILL');
      const res = await read(KEY.limited, neverIssued(), other);
      expect(res.statusCode).toBe(503);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
      expect((await other.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/lf_rate_limit_errors_total\{app="gateway"\} [1-9]/);
    } finally {
      await other.close();
      await own.stop();
    }
  });
});

describe('key rotation while the gateway runs', () => {
  it('accepts a new key once the file is rewritten, keeps both valid, drops the removed one, and survives a broken file', async () => {
    const path = join(dir, 'rotating.json');
    const OLD = 'rotating-old-key-0000001';
    const NEW = 'rotating-new-key-0000002';
    const tenantWith = (...keys: Array<[string, string]>): TenantsFile => ({
      tenants: [{ id: 'rotating', keys: keys.map(([id, text]) => key(id, text, ['cases:read'])), webhooks }],
    });
    writeJson(path, tenantWith(['old', OLD]));
    const log: string[] = [];
    const app = await createGateway(gatewayConfigFromEnv({ REDIS_URL: server.url, LF_TENANTS_FILE: path, LF_TENANTS_POLL_MS: '100' }), { logger: capture(log) });
    const status = async (k: string) => (await read(k, neverIssued(), app)).statusCode;
    try {
      expect([await status(OLD), await status(NEW)]).toEqual([404, 401]);

      writeJson(path, tenantWith(['old', OLD], ['new', NEW]));
      await until(async () => (await status(NEW)) === 404);
      expect(await status(OLD)).toBe(404);

      writeFileSync(path, '{"tenants": [{"id": "rotating", "keys": []}]}');
      await until(async () => log.some((l) => l.includes('tenants file rejected')));
      expect([await status(OLD), await status(NEW)]).toEqual([404, 404]);
      const rejected = JSON.parse(log.find((l) => l.includes('tenants file rejected'))!);
      expect(rejected).toMatchObject({ level: 'error', file: path, problems: ['$.tenants[0].keys: needs at least one key'] });

      writeJson(path, tenantWith(['new', NEW]));
      await until(async () => (await status(OLD)) === 401);
      expect(await status(NEW)).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('backpressure', () => {
  const ns = 'bp';
  let app: Gateway;
  beforeAll(async () => {
    app = await startGateway({ LF_KEY_NAMESPACE: ns, LF_BACKPRESSURE_MAX_BACKLOG: '3', LF_BACKPRESSURE_SAMPLE_MS: '50', LF_BACKPRESSURE_RETRY_AFTER_SECONDS: '7' });
  });
  afterAll(() => app?.close());

  const ready = async () => (await app.app.inject({ method: 'GET', url: '/health/ready' })).json();
  const backlog = async () =>
    Object.fromEntries(
      await Promise.all(['imaging', 'tabular', 'vitals', QUEUES.fusion].map(async (q) => [q, Object.values(await app.producer.queue(q)!.getJobCounts()).reduce((a, b) => a + b, 0)] as const)),
    );

  it('refuses submissions with 503 + Retry-After past the backlog limit, writes nothing, still serves reads', async () => {
    const accepted = (await submit(KEY.northAll, { patientRef: 'p', inputs: { tabular } }, app)).json().caseId;
    const jobs = Array.from({ length: 4 }, (_, i) => ({ name: 'score-modality', data: {}, opts: { jobId: `filler-${i}` } }));
    await app.producer.queue('imaging')!.addBulk(jobs);
    await until(async () => (await ready()).backpressure.active === true);

    const readiness = await app.app.inject({ method: 'GET', url: '/health/ready' });
    expect(readiness.statusCode).toBe(200);
    expect(readiness.json()).toMatchObject({ status: 'ready', backpressure: { active: true, reasons: ['queue imaging backlog 4 > 3'], backlog: { imaging: 4 }, maxBacklog: 3 } });

    const casesBefore = await redis.keys(`${ns}:case:*`);
    const blobsBefore = await redis.keys(`${ns}:blob:*`);
    const jobsBefore = await backlog();
    for (const body of [{ patientRef: 'p', inputs: { tabular } }, { patientRef: 'p', inputs: { tabular, vitals: { samples: [{ t: '2024-05-01T10:00:00Z', heartRate: 90 }] } } }]) {
      const res = await submit(KEY.northAll, body, app);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.json()).toMatchObject({ type: 'urn:lf:problem:overloaded', status: 503 });
    }
    expect(await redis.keys(`${ns}:case:*`)).toEqual(casesBefore);
    expect(await redis.keys(`${ns}:blob:*`)).toEqual(blobsBefore);
    expect(await backlog()).toEqual(jobsBefore);

    // Reads are never refused.
    expect((await read(KEY.northAll, accepted, app)).statusCode).toBe(200);
    const metrics = (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/lf_backpressure_info\{state="shedding",app="gateway"\} 1/);
    expect(metrics).toMatch(/lf_queue_backlog_jobs\{queue="imaging",app="gateway"\} 4/);
    expect(metrics).toMatch(/lf_requests_rejected_total\{reason="backpressure",app="gateway"\} 2/);

    await app.producer.queue('imaging')!.drain(true);
    await until(async () => (await ready()).backpressure.active === false);
    expect((await submit(KEY.northAll, { patientRef: 'p', inputs: { tabular } }, app)).statusCode).toBe(202);
  });
});

describe('audit trail', () => {
  const auditOf = async (tenant: string) =>
    (await redis.xrange(`lf:tenant:{${tenant}}:audit`, '-', '+')).map(([, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) record[fields[i]] = fields[i + 1];
      return record;
    });

  it('records who, when, what and the outcome of every request that touches a case', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await gateway.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: { ...bearer(KEY.northWrite), 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      payload: JSON.stringify({ patientRef: 'p', inputs: { tabular } }),
    });
    const { caseId } = res.json();
    await read(KEY.northRead, caseId);
    await read(KEY.south, caseId);
    await read(KEY.northWrite, caseId);
    await gateway.access.flush();

    const north = (await auditOf('north')).filter((r) => r['caseIds'] === caseId);
    expect(north).toEqual([
      { at: expect.any(String), keyId: 'writer', method: 'POST', route: '/v1/cases', caseIds: caseId, status: '202', durationMs: expect.any(String), traceId },
      { at: expect.any(String), keyId: 'reader', method: 'GET', route: '/v1/cases/:id', caseIds: caseId, status: '200', durationMs: expect.any(String) },
      { at: expect.any(String), keyId: 'writer', method: 'GET', route: '/v1/cases/:id', caseIds: caseId, status: '403', durationMs: expect.any(String) },
    ]);
    expect(Date.parse(north[0]['at'])).toBeGreaterThan(Date.now() - 60_000);
    // South's attempt on north's case is in south's trail, not north's.
    expect((await auditOf('south')).filter((r) => r['caseIds'] === caseId)).toEqual([expect.objectContaining({ keyId: 'all', status: '404', route: '/v1/cases/:id' })]);

    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit' && l.caseIds?.includes(caseId));
    expect(logged.map((l) => [l.tenant, l.keyId, l.method, l.route, l.status])).toEqual([
      ['north', 'writer', 'POST', '/v1/cases', 202],
      ['north', 'reader', 'GET', '/v1/cases/:id', 200],
      ['south', 'all', 'GET', '/v1/cases/:id', 404],
      ['north', 'writer', 'GET', '/v1/cases/:id', 403],
    ]);
  });

  it('logs requests without a valid key, keeping them out of every tenant stream', async () => {
    const before = lines.length;
    await read('no-such-key-000000000000', neverIssued());
    const logged = lines.slice(before).map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit');
    expect(logged).toEqual([expect.objectContaining({ tenant: null, keyId: null, method: 'GET', route: '/v1/cases/:id', status: 401 })]);
  });

  it('caps each tenant stream (XADD MAXLEN ~)', async () => {
    const app = await startGateway({ LF_KEY_NAMESPACE: 'capped', LF_AUDIT_STREAM_MAX_LEN: '10' }, capture([]));
    try {
      for (let i = 0; i < 400; i++) await read(KEY.south, neverIssued(), app);
      await app.access.flush();
      // Approximate trimming removes whole stream nodes (100 entries by default), so the length stays near the cap.
      const length = await redis.xlen('capped:tenant:{south}:audit');
      expect(length).toBeGreaterThanOrEqual(10);
      expect(length).toBeLessThanOrEqual(110);
    } finally {
      await app.close();
    }
  });

  it('never holds PHI: a marker name and id reach no audit record and no log line', async () => {
    const MARKER = 'PHI-MARKER-Jane-Doe-MRN-90417';
    const before = lines.length;
    const accepted = await submit(KEY.northAll, { patientRef: MARKER, inputs: { tabular } });
    expect(accepted.statusCode).toBe(202);
    // The marker in invalid input, in an id position of the URL, and in a query string.
    expect((await submit(KEY.northAll, { patientRef: MARKER, inputs: { tabular: { ...tabular, ageYears: MARKER } } })).statusCode).toBe(400);
    expect((await read(KEY.northAll, MARKER)).statusCode).toBe(404);
    expect((await read(KEY.northAll, `${accepted.json().caseId}?note=${MARKER}`)).statusCode).toBe(200);
    expect((await read(KEY.south, MARKER)).statusCode).toBe(404);
    await gateway.access.flush();

    const newLines = lines.slice(before);
    expect(newLines.filter((l) => l.includes('"msg":"audit"')).length).toBeGreaterThanOrEqual(5);
    expect(newLines.join('\n')).not.toContain(MARKER);
    expect(newLines.join('\n')).not.toContain('Jane');
    for (const stream of await redis.keys('*:tenant:*:audit')) {
      const entries = JSON.stringify(await redis.xrange(stream, '-', '+'));
      expect(entries).not.toContain(MARKER);
    }
  });
});
