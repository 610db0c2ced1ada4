/**
 * Idempotency-Key on POST /v1/cases through the real Nest/Fastify app and a real Redis: a retry with the
 * same key and body gets the original case (200, no new jobs), also after it finished; a different body is
 * a 409 naming the conflict; keys are per tenant; and a retry after a crash between storing and enqueueing
 * completes the submission instead of duplicating it.
 */
import { QUEUES } from '@lf/contracts';
import { IdempotencyStore } from '@lf/redis';
import { requestDigest } from '../src/cases/idempotency-key';
import { auth, finish, json, keys, NORTH, queueCounts, SOUTH, startCaseTestEnv, tabular, vitals, type CaseTestEnv } from './support/case-fixtures';

jest.setTimeout(30_000);

let t: CaseTestEnv;
beforeAll(async () => {
  t = await startCaseTestEnv();
});
afterAll(() => t?.close());

let n = 0;
const freshKey = () => `key-${Date.now()}-${n++}`;
const body = (patientRef = 'MRN-42') => ({ patientRef, inputs: { tabular, vitals }, deadlineMs: 60_000 });

function post(payload: unknown, key?: string, apiKey = NORTH) {
  return t.gateway.app.inject({
    method: 'POST',
    url: '/v1/cases',
    headers: { ...auth(apiKey), ...json, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

/** Every key of every case and blob, sorted. */
async function caseKeys(): Promise<string[]> {
  return [...(await t.redis.keys('lf:case:*')), ...(await t.redis.keys('lf:blob:*')), ...(await t.redis.keys('lf:idem:*'))].sort();
}

async function jobsOf(caseId: string) {
  const ids: string[] = [];
  for (const [queue, suffix] of [['tabular', 'tabular'], ['vitals', 'vitals'], ['imaging', 'imaging'], [QUEUES.fusion, 'deadline']]) {
    if (await t.gateway.producer.queue(queue)!.getJob(`${caseId}-${suffix}`)) ids.push(suffix);
  }
  return ids;
}

describe('Idempotency-Key', () => {
  it('answers a retry with the same key and body with the original case: 200, same id, no new jobs', async () => {
    const key = freshKey();
    const first = await post(body(), key);
    expect(first.statusCode).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const { caseId } = first.json();
    const before = await queueCounts(t.gateway);
    const casesBefore = await caseKeys();

    const again = await post(body(), key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ caseId, status: 'pending' });
    expect(again.headers['location']).toBe(`/v1/cases/${caseId}`);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await queueCounts(t.gateway)).toEqual(before);
    expect(await caseKeys()).toEqual(casesBefore);
  });

  it('treats key order and whitespace as the same body, and accepts the key as a quoted string', async () => {
    const key = freshKey();
    const { caseId } = (await post(body(), key)).json();
    const reordered = `{ "deadlineMs": 60000,\n "inputs": { "vitals": ${JSON.stringify(vitals)}, "tabular": ${JSON.stringify(tabular)} },  "patientRef": "MRN-42" }`;
    const again = await post(reordered, `"${key}"`);
    expect([again.statusCode, again.json().caseId]).toEqual([200, caseId]);
  });

  it('returns the original case after it finished, with its status now', async () => {
    const key = freshKey();
    const { caseId } = (await post(body(), key)).json();
    await finish(t.store, caseId, ['tabular', 'vitals']);
    const before = await queueCounts(t.gateway);
    const again = await post(body(), key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ caseId, status: 'complete' });
    expect(await queueCounts(t.gateway)).toEqual(before);
  });

  it('refuses the same key with a different body: 409 naming the header and the original case, nothing stored', async () => {
    const key = freshKey();
    const { caseId } = (await post(body('MRN-1'), key)).json();
    const before = await queueCounts(t.gateway);
    const casesBefore = await caseKeys();
    const res = await post(body('MRN-2'), key);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:lf:problem:idempotency-key-conflict',
      status: 409,
      caseId,
      errors: [{ path: 'Idempotency-Key', message: expect.stringContaining('different request body') }],
    });
    expect(res.body).not.toContain('MRN-2');
    expect(await queueCounts(t.gateway)).toEqual(before);
    expect(await caseKeys()).toEqual(casesBefore);
  });

  it('scopes keys per tenant: the same key from another tenant is another case', async () => {
    const key = freshKey();
    const north = (await post(body(), key, NORTH)).json().caseId;
    const south = await post(body(), key, SOUTH);
    expect(south.statusCode).toBe(202);
    expect(south.json().caseId).not.toBe(north);
  });

  it('does not claim a key for an invalid body', async () => {
    const key = freshKey();
    expect((await post({ patientRef: 'p', inputs: { tabular: { ageYears: 'old' } } }, key)).statusCode).toBe(400);
    expect((await post(body(), key)).statusCode).toBe(202);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['with a control character', 'abc\u0001'],
  ])('answers 400 naming the header for a key that is %s', async (_label, key) => {
    const res = await post(body(), key);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'urn:lf:problem:invalid-parameter', errors: [{ path: 'Idempotency-Key' }] });
  });

  it('gives concurrent retries with one key one case and one set of jobs', async () => {
    const key = freshKey();
    const replies = await Promise.all(Array.from({ length: 12 }, () => post(body(), key)));
    const ids = new Set(replies.map((r) => r.json().caseId));
    expect(ids.size).toBe(1);
    expect(replies.every((r) => r.statusCode === 202 || r.statusCode === 200)).toBe(true);
    const [caseId] = ids;
    expect(await jobsOf(caseId)).toEqual(['tabular', 'vitals']);
    const tabularJobs = (await t.gateway.producer.queue('tabular')!.getJobs(['wait', 'delayed', 'active'])).filter((j) => j.data.caseId === caseId);
    expect(tabularJobs).toHaveLength(1);
  });
});

describe('a retry after a crash between storing and enqueueing', () => {
  const idem = () => new IdempotencyStore(t.redis, keys);

  it('enqueues the jobs of a case that was registered but never enqueued (the enqueue failed: 503)', async () => {
    const key = freshKey();
    const enqueue = jest.spyOn(t.gateway.producer, 'enqueue').mockRejectedValueOnce(new Error('connection lost'));
    let failed;
    try {
      failed = await post(body(), key);
    } finally {
      enqueue.mockRestore();
    }
    expect(failed.statusCode).toBe(503);
    const record = await t.redis.hgetall(idem().recordKey('north', key));
    expect(record).toMatchObject({ state: 'reserved' });
    const caseId = record['caseId'];
    expect((await t.store.get(caseId))?.status).toBe('pending');
    expect(await jobsOf(caseId)).toEqual([]);

    const retry = await post(body(), key);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ caseId, status: 'pending' });
    expect(await jobsOf(caseId)).toEqual(['tabular', 'vitals']);
    expect(await t.redis.hget(idem().recordKey('north', key), 'state')).toBe('enqueued');
    // The deadline was indexed at registration; no job carries it (jobsOf would list a 'deadline' job).
    expect(Number(await t.redis.zscore(keys.deadlines(), caseId))).toBe((await t.store.get(caseId))!.deadlineAt);
  });

  it('registers and enqueues under the recorded id when the process died after claiming the key', async () => {
    const key = freshKey();
    const caseId = '01900000-0000-7000-8000-00000000c0de';
    await idem().claim({ tenant: 'north', key, caseId, bodyHash: requestDigest(body(), {}), ttlMs: 60_000 });
    expect(await t.store.get(caseId)).toBeNull();

    const retry = await post(body(), key);
    expect(retry.statusCode).toBe(202);
    expect(retry.json().caseId).toBe(caseId);
    expect(await t.store.get(caseId)).toMatchObject({ tenant: 'north', expected: ['tabular', 'vitals'], status: 'pending' });
    expect(await jobsOf(caseId)).toEqual(['tabular', 'vitals']);
  });

  it('re-queues only the modalities that have not scored, and nothing once the case is final', async () => {
    const key = freshKey();
    const caseId = '01900000-0000-7000-8000-00000000beef';
    await idem().claim({ tenant: 'north', key, caseId, bodyHash: requestDigest(body(), {}), ttlMs: 60_000 });
    await t.store.register({ caseId, tenant: 'north', expected: ['tabular', 'vitals'], strategy: 'stacking', deadlineMs: 60_000, blobs: {}, ttlSeconds: 3600, traceId: 't' });
    // The tabular job ran, recorded its score and was removed by BullMQ; the vitals job was never queued.
    await t.store.recordScore(caseId, { modality: 'tabular', status: 'ok', probability: 0.2, logit: 0, modelId: 'tabular', modelVersion: '1', latencyMs: 1, qualityFlags: [] });

    const retry = await post(body(), key);
    expect(retry.statusCode).toBe(200);
    expect(await jobsOf(caseId)).toEqual(['vitals']);

    const finalKey = freshKey();
    const finalId = '01900000-0000-7000-8000-00000000f1aa';
    await idem().claim({ tenant: 'north', key: finalKey, caseId: finalId, bodyHash: requestDigest(body(), {}), ttlMs: 60_000 });
    await t.store.register({ caseId: finalId, tenant: 'north', expected: ['tabular'], strategy: 'stacking', deadlineMs: 60_000, blobs: {}, ttlSeconds: 3600, traceId: 't' });
    await finish(t.store, finalId, ['tabular']);
    const late = await post(body(), finalKey);
    expect(late.json()).toEqual({ caseId: finalId, status: 'complete' });
    expect(await jobsOf(finalId)).toEqual([]);
  });
});
