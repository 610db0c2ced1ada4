import { ApiError } from './api-error';
import { LateFusionClient } from './late-fusion-client';

type Call = { url: string; method: string; headers: Record<string, string>; body?: unknown };

/** A scripted fetch: answers in order, records what the client sent. */
function scripted(answers: Array<() => Response>) {
  const calls: Call[] = [];
  const fetchImpl = (async (url: string, init: RequestInit = {}) => {
    calls.push({ url, method: init.method ?? 'GET', headers: { ...(init.headers as Record<string, string>) }, body: init.body });
    const next = answers.shift();
    if (!next) throw new Error('no more scripted answers');
    return next();
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });
const body = { patientRef: 'p', inputs: { tabular: { ageYears: 70 } } };

describe('LateFusionClient', () => {
  it('submits with a bearer key and a generated Idempotency-Key that it reuses when it retries a 503', async () => {
    const { calls, fetchImpl } = scripted([
      json(503, { type: 'urn:lf:problem:service-unavailable', title: 'Service Unavailable', status: 503 }, { 'retry-after': '0' }),
      json(202, { caseId: 'c1', status: 'pending' }),
    ]);
    const client = new LateFusionClient({ baseUrl: 'http://gw/', apiKey: 'k-123', fetch: fetchImpl });
    await expect(client.submitCase(body)).resolves.toEqual({ caseId: 'c1', status: 'pending' });
    expect(calls).toHaveLength(2);
    expect(calls[0].url).toBe('http://gw/v1/cases');
    expect(calls[0].headers['authorization']).toBe('Bearer k-123');
    expect(calls[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[1].headers['idempotency-key']).toBe(calls[0].headers['idempotency-key']);
  });

  it('does not retry a 400, and reports the failing fields', async () => {
    const { calls, fetchImpl } = scripted([
      json(400, { type: 'urn:lf:problem:invalid-body', title: 'Bad Request', status: 400, errors: [{ path: 'inputs', pointer: '/inputs', message: 'Required' }] }),
    ]);
    const client = new LateFusionClient({ baseUrl: 'http://gw', apiKey: 'k', fetch: fetchImpl });
    const error = await client.submitCase(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('inputs: Required');
    expect(calls).toHaveLength(1);
  });

  it('gives up after maxRetries of 429, exposing Retry-After', async () => {
    const limited = json(429, { type: 'urn:lf:problem:rate-limited', title: 'Too Many Requests', status: 429 }, { 'retry-after': '0' });
    const { calls, fetchImpl } = scripted([limited, limited, limited]);
    const client = new LateFusionClient({ baseUrl: 'http://gw', apiKey: 'k', fetch: fetchImpl, maxRetries: 2 });
    const error = (await client.getCase('c1').catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.retryAfterMs, calls.length]).toEqual([429, 0, 3]);
  });

  it('long-polls with ?wait and stops at a final status', async () => {
    const { calls, fetchImpl } = scripted([json(200, { caseId: 'c1', status: 'pending' }), json(200, { caseId: 'c1', status: 'complete' })]);
    const client = new LateFusionClient({ baseUrl: 'http://gw', apiKey: 'k', fetch: fetchImpl });
    await expect(client.waitForResult('c1', { timeoutMs: 60_000, pollWaitMs: 5000 })).resolves.toMatchObject({ status: 'complete' });
    expect(calls.map((c) => c.url)).toEqual(['http://gw/v1/cases/c1?wait=5000ms', 'http://gw/v1/cases/c1?wait=5000ms']);
  });

  it('streams case events from server-sent events', async () => {
    const sse = 'id: 1-0\nevent: submitted\ndata: {"at":1}\n\nid: 2-0\nevent: finalized\ndata: {"detail":"all-replied"}\n\n';
    const { calls, fetchImpl } = scripted([() => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } })]);
    const client = new LateFusionClient({ baseUrl: 'http://gw', apiKey: 'k', fetch: fetchImpl });
    const events = [];
    for await (const event of client.events('c1', { lastEventId: '0-0' })) events.push(event);
    expect(events).toEqual([
      { id: '1-0', type: 'submitted', data: { at: 1 } },
      { id: '2-0', type: 'finalized', data: { detail: 'all-replied' } },
    ]);
    expect(calls[0].headers['last-event-id']).toBe('0-0');
  });

  it('refuses a batch over 100 cases before sending anything', async () => {
    const { calls, fetchImpl } = scripted([]);
    const client = new LateFusionClient({ baseUrl: 'http://gw', apiKey: 'k', fetch: fetchImpl });
    await expect(client.submitBatch(Array.from({ length: 101 }, () => ({ body })))).rejects.toThrow('at most 100');
    expect(calls).toHaveLength(0);
  });
});
