/**
 * POST /v1/cases:batch through the real app and Redis: up to 100 cases, each with its own outcome at its
 * index (one bad item never fails the others), per-item and header-derived Idempotency-Keys, its own body
 * limit, and the whole batch's jobs flushed together rather than one Redis round trip per job.
 */
import { auth, json, queueCounts, startCaseTestEnv, tabular, vitals, type CaseTestEnv } from './support/case-fixtures';
import { MultiQueueWriter } from '../src/queues/multi-queue-writer';

jest.setTimeout(30_000);

const MAX_BODY = 16 * 1024;
const MAX_BATCH = 256 * 1024;
let t: CaseTestEnv;
beforeAll(async () => {
  t = await startCaseTestEnv({ LF_MAX_BODY_BYTES: String(MAX_BODY), LF_MAX_BATCH_BODY_BYTES: String(MAX_BATCH) });
});
afterAll(() => t?.close());

const valid = (patientRef = 'MRN-B-1', extra: Record<string, unknown> = {}) => ({ patientRef, inputs: { tabular }, ...extra });

function batch(payload: unknown, headers: Record<string, string> = {}) {
  return t.gateway.app.inject({
    method: 'POST',
    url: '/v1/cases:batch',
    headers: { ...auth(), ...json, ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

interface Result {
  index: number;
  status: number;
  caseId?: string;
  caseStatus?: string;
  problem?: { type: string; errors?: Array<{ path: string }> };
}

describe('POST /v1/cases:batch', () => {
  it('gives every item its own outcome, in order, and answers 200', async () => {
    const before = await queueCounts(t.gateway);
    const res = await batch({
      cases: [
        valid('MRN-B-1'),
        { patientRef: 'MRN-B-2', inputs: { tabular: { ageYears: 'old' } } },
        valid('MRN-B-3', { idempotencyKey: 'same-twice' }),
        valid('MRN-B-3', { idempotencyKey: 'same-twice' }),
        valid('MRN-B-4', { idempotencyKey: 'conflicting' }),
        valid('MRN-B-5', { idempotencyKey: 'conflicting' }),
        'not a case',
        valid('MRN-B-6', { idempotencyKey: 'has spaces in it' }),
        { patientRef: 'MRN-B-7', inputs: { vitals } },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as { results: Result[] };
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results[0]).toEqual({ index: 0, status: 202, caseId: expect.any(String), caseStatus: 'pending' });
    expect(results[1]).toMatchObject({ status: 400, problem: { type: 'urn:lf:problem:invalid-body', errors: [{ path: 'inputs.tabular.ageYears' }] } });
    expect([results[2].status, results[3].status].sort()).toEqual([200, 202]);
    expect(results[2].caseId).toBe(results[3].caseId);
    expect([results[4].status, results[5].status].sort()).toEqual([202, 409]);
    expect(results.find((r) => r.status === 409)!.problem).toMatchObject({ type: 'urn:lf:problem:idempotency-key-conflict' });
    expect(results[6]).toMatchObject({ status: 400, problem: { errors: [{ path: '(body)' }] } });
    expect(results[7]).toMatchObject({ status: 400, problem: { errors: [{ path: 'idempotencyKey' }] } });
    expect(results[8]).toMatchObject({ status: 202, caseStatus: 'pending' });
    expect(res.body).not.toContain('MRN-B');

    const created = results.filter((r) => r.status === 202);
    expect(created).toHaveLength(4);
    const after = await queueCounts(t.gateway);
    expect(after['tabular'] - before['tabular']).toBe(3);
    expect(after['vitals'] - before['vitals']).toBe(1);
    expect(after['fusion'] - before['fusion']).toBe(0); // deadlines are in the deadlines index, not jobs
    for (const r of created) expect((await t.store.get(r.caseId!))?.tenant).toBe('north');
  });

  it('makes a retried batch idempotent item by item with an Idempotency-Key header', async () => {
    const payload = { cases: [valid('MRN-R-1'), valid('MRN-R-2'), { patientRef: 'x', inputs: {} }] };
    const first = (await batch(payload, { 'idempotency-key': 'nightly-2026-11-26' })).json().results as Result[];
    expect(first.map((r) => r.status)).toEqual([202, 202, 400]);
    const before = await queueCounts(t.gateway);
    const again = (await batch(payload, { 'idempotency-key': 'nightly-2026-11-26' })).json().results as Result[];
    expect(again.map((r) => r.status)).toEqual([200, 200, 400]);
    expect(again.map((r) => r.caseId)).toEqual(first.map((r) => r.caseId));
    expect(await queueCounts(t.gateway)).toEqual(before);
  });

  it('takes 100 cases, queues them in a few pipelines, not one per job', async () => {
    const addBulk = jest.spyOn(MultiQueueWriter.prototype, 'addBulk');
    try {
      const res = await batch({ cases: Array.from({ length: 100 }, (_, i) => valid(`MRN-${i}`)) });
      expect(res.statusCode).toBe(200);
      const results = res.json().results as Result[];
      expect(results.every((r) => r.status === 202)).toBe(true);
      expect(new Set(results.map((r) => r.caseId)).size).toBe(100);
      const tabularJobs = addBulk.mock.calls.flatMap(([items]) => items.filter((i) => i.queue.name === 'tabular'));
      expect(tabularJobs).toHaveLength(100);
      expect(addBulk.mock.calls.length).toBeLessThanOrEqual(5);
    } finally {
      addBulk.mockRestore();
    }
  });

  it('has its own body limit, above the single-case one', async () => {
    const padded = (i: number) => valid(`MRN-P-${i}`, { inputs: { tabular, vitals: { samples: Array.from({ length: 20 }, (_, s) => ({ t: `2024-05-01T10:${String(s).padStart(2, '0')}:00Z`, heartRate: 80 + s })) } } });
    const big = { cases: Array.from({ length: 40 }, (_, i) => padded(i)) };
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_BODY);
    expect((await batch(big)).statusCode).toBe(200);
    const single = await t.gateway.app.inject({ method: 'POST', url: '/v1/cases', headers: { ...auth(), ...json }, payload: JSON.stringify({ ...valid(), pad: 'x'.repeat(MAX_BODY) }) });
    expect(single.statusCode).toBe(413);
    const tooBig = await batch({ cases: [valid('MRN-X', { pad: 'x'.repeat(MAX_BATCH) })] });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toMatchObject({ type: 'urn:lf:problem:body-too-large', detail: `the limit is ${MAX_BATCH} bytes` });
  });
});

describe('bad batch envelopes', () => {
  it.each([
    ['an array body', [valid()], '(body)'],
    ['no cases', { items: [valid()] }, 'cases'],
    ['an empty batch', { cases: [] }, 'cases'],
    ['101 cases', { cases: Array.from({ length: 101 }, () => valid()) }, 'cases'],
    ['cases as an object', { cases: { 0: valid() } }, 'cases'],
  ])('refuses %s as a whole: 400 naming the field, nothing stored', async (_label, payload, path) => {
    const before = await queueCounts(t.gateway);
    const res = await batch(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'urn:lf:problem:invalid-batch', errors: [{ path }] });
    expect(await queueCounts(t.gateway)).toEqual(before);
  });

  it('answers 415 for anything but JSON, 400 for malformed JSON', async () => {
    expect((await batch('cases', { 'content-type': 'text/plain' })).statusCode).toBe(415);
    const multipart = await batch('--b\r\n', { 'content-type': 'multipart/form-data; boundary=b' });
    expect(multipart.statusCode).toBe(415);
    expect((await batch('{"cases": [')).statusCode).toBe(400);
  });
});
