/**
 * The gateway's HTTP contract against a real Redis (a throwaway redis-server per file) through Fastify's
 * in-process `inject`: auth, bad bodies (4xx, problem+json, nothing stored or enqueued), submission (case,
 * blobs, one job per expected modality, the delayed deadline trigger) and the case view.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { decodeInputBlob, QUEUES, type ScoreRecord } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { CaseStore, createKeyBuilder } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { UUID_V7_PATTERN } from '../src/case-id/uuid-v7';
import { gatewayConfigFromEnv } from '../src/config/gateway.config';
import { createGateway, type Gateway } from '../src/create-gateway';

jest.setTimeout(30_000);

const NORTH = 'north-key-0123456789';
const SOUTH = 'south-key-0123456789';
const MAX_BODY = 256 * 1024;
const silent = createLogger({ app: 'gateway-test', sink: () => undefined });
const keys = createKeyBuilder();

const tabular = { ageYears: 71, sex: 'female', labs: { crp: { value: 80, unit: 'mg/L' } } };
const vitals = { samples: [{ t: '2024-05-01T10:00:00Z', heartRate: 112, spo2: 91 }] };
const imaging = { format: 'raw', data: Buffer.alloc(8 * 8 * 2).toString('base64'), dtype: 'int16', width: 8, height: 8 };

let server: RedisServerHandle;
let redis: Redis;
let gateway: Gateway;
let store: CaseStore;

function env(extra: Record<string, string> = {}) {
  return { LF_API_KEYS: `north:${NORTH},south:${SOUTH}`, REDIS_URL: server.url, LF_MAX_BODY_BYTES: String(MAX_BODY), ...extra };
}

const auth = (key = NORTH) => ({ authorization: `Bearer ${key}` });
const json = { 'content-type': 'application/json' };

function post(body: unknown, headers: Record<string, string> = { ...auth(), ...json }, app = gateway) {
  return app.app.inject({ method: 'POST', url: '/v1/cases', headers, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

function get(id: string, key = NORTH) {
  return gateway.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: auth(key) });
}

async function queueCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['imaging', 'tabular', 'vitals', QUEUES.fusion]) {
    const counts = await gateway.producer.queue(name)!.getJobCounts('wait', 'delayed', 'active', 'prioritized');
    out[name] = Object.values(counts).reduce((a, b) => a + b, 0);
  }
  return out;
}

/** Keys other than the per-tenant bookkeeping (rate-limit state, audit trail), which every request touches. */
async function dataKeyCount(): Promise<number> {
  return (await redis.keys('*')).filter((k) => !k.startsWith('lf:tenant:')).length;
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  gateway = await createGateway(gatewayConfigFromEnv(env()), { logger: silent });
  store = new CaseStore(redis, keys);
});

afterAll(async () => {
  await gateway?.close();
  redis?.disconnect();
  await server?.stop();
});

describe('authentication', () => {
  it.each([
    ['no header', {}],
    ['an unknown key', auth('not-a-valid-key-at-all')],
    ['another scheme', { authorization: `Basic ${NORTH}` }],
  ])('answers 401 problem+json for %s', async (_label, headers) => {
    const res = await post({ patientRef: 'p', inputs: { tabular } }, { ...headers, ...json });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ type: 'urn:lf:problem:unauthorized', status: 401 });
  });

  it('guards reads too, but not health', async () => {
    expect((await gateway.app.inject({ method: 'GET', url: '/v1/cases/abc' })).statusCode).toBe(401);
    expect((await gateway.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});

describe('bad bodies', () => {
  const cases: Array<[string, number, string | undefined, () => ReturnType<typeof post>]> = [
    ['no inputs', 400, 'inputs', () => post({ patientRef: 'p', inputs: {} })],
    ['missing inputs object', 400, 'inputs', () => post({ patientRef: 'p' })],
    ['a wrong type', 400, 'inputs.tabular.ageYears', () => post({ patientRef: 'p', inputs: { tabular: { ageYears: 'old' } } })],
    ['an unknown strategy', 400, 'strategy', () => post({ patientRef: 'p', inputs: { tabular }, strategy: 'vote' })],
    ['an array body', 400, '(body)', () => post([1, 2])],
    ['corrupt base64 (truncated)', 400, 'inputs.imaging.data', () => post({ patientRef: 'p', inputs: { imaging: { ...imaging, data: imaging.data.slice(0, -3) } } })],
    ['non-base64 characters', 400, 'inputs.imaging.data', () => post({ patientRef: 'p', inputs: { imaging: { ...imaging, data: 'AAAA$$$$' } } })],
    ['malformed JSON', 400, undefined, () => post('{"patientRef": "p", "inputs": {')],
    ['an empty JSON body', 400, undefined, () => post('')],
    ['text/plain', 415, undefined, () => post('hello', { ...auth(), 'content-type': 'text/plain' })],
    ['XML', 415, undefined, () => post('<case/>', { ...auth(), 'content-type': 'application/xml' })],
    ['an oversized body', 413, undefined, () => post({ patientRef: 'p', inputs: { imaging: { ...imaging, data: 'A'.repeat(MAX_BODY + 4) } } })],
  ];

  it.each(cases)('%s -> %i with a JSON problem, nothing stored or enqueued', async (_label, status, path, send) => {
    const before = await queueCounts();
    const keysBefore = await dataKeyCount();
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:lf:problem:/), title: expect.any(String) });
    if (path !== undefined) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await queueCounts()).toEqual(before);
    expect(await dataKeyCount()).toBe(keysBefore);
  });

  it('keeps serving after bad input', async () => {
    expect((await post({ patientRef: 'p', inputs: { tabular } })).statusCode).toBe(202);
    expect((await gateway.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });
});

describe('POST /v1/cases', () => {
  it('answers 202 pending with a UUIDv7 and a Location', async () => {
    const res = await post({ patientRef: 'MRN-42', inputs: { tabular, vitals } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toEqual({ caseId: expect.stringMatching(UUID_V7_PATTERN), status: 'pending' });
    expect(res.headers['location']).toBe(`/v1/cases/${body.caseId}`);
  });

  it('registers the case and its deadline, stores blobs and enqueues one job per modality', async () => {
    const res = await post({ patientRef: 'MRN-42', inputs: { imaging, vitals }, deadlineMs: 1500, strategy: 'log-odds' });
    const { caseId } = res.json();

    const view = await store.get(caseId);
    expect(view).toMatchObject({ tenant: 'north', status: 'pending', expected: ['imaging', 'vitals'], strategy: 'log-odds' });
    expect(view!.deadlineAt - view!.submittedAt).toBe(1500);

    const blob = await store.readBlob(keys.blob(caseId, 'imaging'));
    expect(decodeInputBlob(blob!)).toEqual({ ...imaging, data: Buffer.from(imaging.data, 'base64'), rescaleSlope: 1, rescaleIntercept: 0 });
    expect(await redis.exists(keys.blob(caseId, 'tabular'))).toBe(0);

    for (const modality of ['imaging', 'vitals']) {
      const job = await gateway.producer.queue(modality)!.getJob(`${caseId}-${modality}`);
      expect(job?.name).toBe('score-modality');
      expect(job?.data).toEqual({ caseId, modality, blobKey: keys.blob(caseId, modality), traceId: expect.stringMatching(/^[0-9a-f]{32}$/), submittedAt: view!.submittedAt });
      expect(job?.opts.attempts).toBeGreaterThanOrEqual(1);
    }
    expect(await gateway.producer.queue('tabular')!.getJob(`${caseId}-tabular`)).toBeUndefined();

    // The deadline is an entry of the deadlines index (the aggregator's sweeper), not a job.
    expect(Number(await redis.zscore(keys.deadlines(), caseId))).toBe(view!.deadlineAt);
    expect(await gateway.producer.queue(QUEUES.fusion)!.getJob(`${caseId}-deadline`)).toBeUndefined();
    expect((await gateway.producer.queue(QUEUES.fusion)!.getJobCounts('delayed')).delayed).toBe(0);
  });

  it('continues a W3C trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await post({ patientRef: 'p', inputs: { tabular } }, { ...auth(), ...json, traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const job = await gateway.producer.queue('tabular')!.getJob(`${res.json().caseId}-tabular`);
    expect(job?.data.traceId).toBe(traceId);
  });

  it('issues time-ordered ids', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post({ patientRef: 'p', inputs: { tabular } })).json().caseId);
    expect([...ids].sort()).toEqual(ids);
  });

  it('ignores (and reports) the input of a disabled modality: no job, no wait', async () => {
    const other = await createGateway(gatewayConfigFromEnv(env({ LF_MODALITIES_DISABLED: 'imaging' })), { logger: silent });
    try {
      const res = await post({ patientRef: 'p', inputs: { imaging, tabular } }, { ...auth(), ...json }, other);
      expect(res.statusCode).toBe(202);
      const { caseId, ignored } = res.json();
      expect(ignored).toEqual(['imaging']);
      expect((await store.get(caseId))!.expected).toEqual(['tabular']);
      expect(await gateway.producer.queue('imaging')!.getJob(`${caseId}-imaging`)).toBeUndefined();
      expect(await redis.exists(keys.blob(caseId, 'imaging'))).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('GET /v1/cases/:id', () => {
  it('shows a pending case', async () => {
    const { caseId } = (await post({ patientRef: 'p', inputs: { tabular } })).json();
    const res = await get(caseId);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ caseId, status: 'pending', submittedAt: expect.any(String), deadlineAt: expect.any(String) });
  });

  it('answers 404 for an unknown id, a malformed id, and another tenant\'s case', async () => {
    const { caseId } = (await post({ patientRef: 'p', inputs: { tabular } })).json();
    expect((await get('01900000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('not:a:case')).statusCode).toBe(404);
    const foreign = await get(caseId, SOUTH);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ type: 'urn:lf:problem:not-found', status: 404 });
  });

  it('shows the stored result once the case is finalized', async () => {
    const { caseId } = (await post({ patientRef: 'p', inputs: { tabular, vitals } })).json();
    const record = (modality: string, probability: number): ScoreRecord => ({
      modality,
      status: 'ok',
      probability,
      logit: 0,
      modelId: modality,
      modelVersion: '1.2.3',
      latencyMs: 7,
      qualityFlags: [],
    });
    await store.recordScore(caseId, record('tabular', 0.2));
    await store.recordScore(caseId, record('vitals', 0.6));
    const fence = await store.finalize(caseId, 'all-replied');
    expect(fence.admitted).toBe(true);
    expect((await get(caseId)).json().status).toBe('pending');
    await store.storeResult(caseId, {
      status: 'complete',
      fused: {
        strategy: 'stacking',
        probability: 0.4,
        riskBand: 'moderate',
        degraded: false,
        contributions: [
          { modality: 'tabular', status: 'ok', weight: 0.3, contribution: -0.4 },
          { modality: 'vitals', status: 'ok', weight: 0.7, contribution: 0.3 },
        ],
      },
    });
    const body = (await get(caseId)).json();
    expect(body).toMatchObject({
      caseId,
      status: 'complete',
      finalizedAt: expect.any(String),
      result: {
        probability: 0.4,
        riskBand: 'moderate',
        strategy: 'stacking',
        completedBy: 'all-replied',
        modalities: {
          tabular: { status: 'ok', probability: 0.2, weight: 0.3, modelVersion: '1.2.3', latencyMs: 7 },
          vitals: { status: 'ok', probability: 0.6, weight: 0.7, modelVersion: '1.2.3', latencyMs: 7 },
        },
        missing: [],
        late: [],
      },
    });
  });
});

describe('producer only', () => {
  it('holds named fail-fast connections (stores, queues) and never a blocking consumer', async () => {
    await post({ patientRef: 'p', inputs: { tabular } });
    const clients = (await redis.client('LIST')) as string;
    const others = clients.split('\n').filter((line) => line.includes(' name=gateway'));
    expect(others.length).toBeGreaterThan(0);
    for (const line of others) {
      expect(line).toMatch(/ name=gateway:(producer|queues) /);
      expect(line).not.toMatch(/ cmd=(bzpopmin|brpoplpush|blmove|bzpopmax|xread)/);
    }
  });

  it('imports nothing that declares a BullMQ processor', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) files.push(path);
      }
    };
    walk(join(__dirname, '../src'));
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      expect({ file, bad: /from '(@nestjs\/bullmq|@lf\/modality-worker)'|\bWorker\b.*from 'bullmq'|@Processor\(/.test(source) }).toEqual({ file, bad: false });
    }
  });
});

describe('operations', () => {
  it('exposes Prometheus metrics', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/lf_cases_submitted_total\{tenant="north",app="gateway"\} \d+/);
    expect(res.body).toMatch(/lf_requests_rejected_total\{reason="invalid-body"/);
  });

  it('is not ready while Redis hangs, and recovers', async () => {
    await server.kill('SIGSTOP');
    try {
      expect((await gateway.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    } finally {
      await server.kill('SIGCONT');
    }
    expect((await gateway.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });

  // Last: the restarted server has an empty data set.
  it('fails fast with 503 problems (not 500, not a hang) while Redis is down, and recovers', async () => {
    await server.kill('SIGKILL');
    const started = Date.now();
    const submit = await post({ patientRef: 'p', inputs: { tabular } });
    expect(submit.statusCode).toBe(503);
    expect(submit.headers['retry-after']).toBe('1');
    expect(submit.json()).toMatchObject({ type: 'urn:lf:problem:service-unavailable', status: 503 });
    expect((await get('01900000-0000-7000-8000-000000000000')).statusCode).toBe(503);
    expect((await gateway.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);

    await server.restart();
    for (let i = 0; i < 100 && (await gateway.app.inject({ method: 'GET', url: '/health/ready' })).statusCode !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await post({ patientRef: 'p', inputs: { tabular } })).statusCode).toBe(202);
  });
});
