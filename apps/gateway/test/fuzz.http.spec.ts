/**
 * Property test of the submission routes' input handling (issue 4: never a 500 for bad input): hundreds of
 * generated malformed requests (random JSON values, a valid case with fields replaced by wrong types, huge
 * numbers, deep nesting, truncated and non-JSON bodies, prototype-polluting keys, wrong media types, random
 * multipart framing, bad batch items) all get a 4xx problem+json, the process keeps serving, and nothing is
 * stored or queued. Which bodies are invalid is decided by the gateway's own planner, so the generators may
 * be as wild as they like without a hand-kept oracle.
 */
import * as fc from 'fast-check';
import { DEFAULT_MODALITY_REGISTRY } from '@lf/contracts';
import { planCase } from '../src/cases/case-plan';
import { auth, dicomBytes, json, queueCounts, startCaseTestEnv, tabular, vitals, type CaseTestEnv } from './support/case-fixtures';

jest.setTimeout(120_000);

let t: CaseTestEnv;
beforeAll(async () => {
  t = await startCaseTestEnv({ LF_MAX_BODY_BYTES: String(256 * 1024), LF_MAX_UPLOAD_BYTES: String(64 * 1024) });
});
afterAll(() => t?.close());

const VALID = { patientRef: 'MRN-FUZZ-1', deadlineMs: 1500, strategy: 'log-odds', inputs: { tabular, vitals, imaging: { format: 'dicom', data: dicomBytes(200).toString('base64') } } };
const defaults = { strategy: 'stacking' as const, deadlineMs: 2000 };
const isInvalid = (body: unknown) => !planCase(body, DEFAULT_MODALITY_REGISTRY, defaults).ok;

/** Every path of a JSON value, objects' keys and arrays' indices. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}
const VALID_PATHS = paths(VALID).filter((p) => p.length > 0);

function setAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = replacement;
  return copy;
}

interface Request {
  label: string;
  url: string;
  payload: string | Buffer;
  headers: Record<string, string>;
}

const jsonRequest = (label: string, payload: string, extra: Record<string, string> = {}): Request => ({ label, url: '/v1/cases', payload, headers: { ...json, ...extra } });
const weird = fc.oneof(fc.jsonValue(), fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER * 1024, 0.1 + 0.2, '', ' ', '\u0000', 'x'.repeat(5000), [], {}));

const malformedCase: fc.Arbitrary<Request> = fc.oneof(
  // any JSON value at all as the body
  fc.jsonValue().filter(isInvalid).map((v) => jsonRequest('random JSON value', JSON.stringify(v) ?? 'null')),
  // a valid case with one field replaced by something else (kept only when that makes it invalid)
  fc
    .tuple(fc.constantFrom(...VALID_PATHS), weird)
    .map(([path, value]) => setAt(VALID, path, value))
    .filter(isInvalid)
    .map((body) => jsonRequest('a field replaced', JSON.stringify(body))),
  // unknown keys and huge values in known places
  fc.record({ patientRef: weird, inputs: fc.dictionary(fc.constantFrom('tabular', 'vitals', 'imaging', 'notes', '__proto__', 'constructor'), weird), deadlineMs: weird }).filter(isInvalid).map((body) => jsonRequest('wild record', JSON.stringify(body))),
  // numbers JSON can spell but a double cannot hold
  fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890').map((n) => jsonRequest('huge number', `{"patientRef":"p","deadlineMs":${n},"inputs":{"tabular":{"ageYears":${n}}}}`)),
  // deep nesting, inside a known modality and in an ignored one
  // (with an Idempotency-Key too: the body digest walks the whole body)
  fc.tuple(fc.integer({ min: 33, max: 20_000 }), fc.constantFrom('tabular', 'notes'), fc.boolean()).map(([depth, modality, keyed]) =>
    jsonRequest('deep nesting', `{"patientRef":"p","inputs":{"${modality}":${'['.repeat(depth)}${']'.repeat(depth)},"vitals":${JSON.stringify(vitals)}}}`, keyed ? { 'idempotency-key': `deep-${depth}` } : {}),
  ),
  // the valid body cut short (every proper prefix of a JSON object is malformed JSON)
  fc.nat().map((n) => {
    const text = JSON.stringify(VALID);
    return jsonRequest('truncated', text.slice(0, n % text.length));
  }),
  // prototype-polluting keys
  fc.constantFrom('{"__proto__":{"patientRef":"p"}}', '{"patientRef":"p","inputs":{"__proto__":{"tabular":{}}}}', '{"constructor":{"prototype":{"x":1}}}').map((p) => jsonRequest('prototype keys', p)),
  // random bytes declared as JSON
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => jsonRequest('random bytes', Buffer.from(bytes).toString('latin1'))),
  // not JSON at all
  fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream', 'image/png', 'application/jsonx'), fc.string()).map(([type, body]) => ({
    label: `media type ${type}`,
    url: '/v1/cases',
    payload: body || 'x',
    headers: { 'content-type': type },
  })),
  // a valid body with a malformed Idempotency-Key
  fc.constantFrom('', ' ', 'a b', 'k'.repeat(300), '"unterminated', 'tab\tkey').map((key) => jsonRequest('bad Idempotency-Key', JSON.stringify(VALID), { 'idempotency-key': key })),
);

const BOUNDARY = 'fuzz-boundary';
const malformedMultipart: fc.Arbitrary<Request> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  fc
    .array(
      fc.record({
        name: fc.constantFrom('case', 'image', 'extra', ''),
        type: fc.constantFrom('application/json', 'application/dicom', 'text/plain', 'image/png', ''),
        filename: fc.boolean(),
        data: fc.oneof(fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.constant(dicomBytes(300))),
      }),
      { maxLength: 4 },
    )
    .map((parts) =>
      Buffer.concat([
        ...parts.flatMap((p) => [
          Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? '; filename="f"' : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
          p.data,
          Buffer.from('\r\n'),
        ]),
        Buffer.from(`--${BOUNDARY}--\r\n`),
      ]),
    )
    // at most one valid `case` + DICOM `image` pair could be accepted: keep only bodies the gateway must refuse
    .filter((body) => !(body.includes('name="case"') && body.includes('name="image"') && body.includes('DICM'))),
).map((payload) => ({ label: 'multipart', url: '/v1/cases', payload, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } }));

const malformedBatch: fc.Arbitrary<Request> = fc.oneof(
  fc.jsonValue().map((v) => ({ cases: v })),
  fc.array(fc.oneof(fc.jsonValue().filter(isInvalid), fc.constantFrom(...VALID_PATHS).map((p) => setAt(VALID, p, null)).filter(isInvalid)), { maxLength: 12 }).map((cases) => ({ cases })),
  fc.jsonValue(),
).map((body) => ({ label: 'batch', url: '/v1/cases:batch', payload: JSON.stringify(body) ?? 'null', headers: json }));

describe('malformed input never gets a 5xx, and changes nothing', () => {
  let before: Record<string, number>;
  let statuses: number[] = [];
  beforeAll(async () => {
    before = await queueCounts(t.gateway);
    statuses = [];
  });

  const check = async (request: Request) => {
    const res = await t.gateway.app.inject({ method: 'POST', url: request.url, headers: { ...auth(), ...request.headers }, payload: request.payload });
    statuses.push(res.statusCode);
    const context = `${request.label}: ${String(request.payload).slice(0, 200)}`;
    expect({ context, status: res.statusCode >= 400 && res.statusCode < 500 ? '4xx' : res.statusCode }).toEqual({ context, status: request.url.endsWith(':batch') && res.statusCode === 200 ? res.statusCode : '4xx' });
    expect(res.headers['content-type']).toMatch(/^application\/(problem\+)?json/);
    if (res.statusCode === 200) {
      for (const item of res.json().results as Array<{ status: number }>) expect({ context, item: item.status >= 400 && item.status < 500 }).toEqual({ context, item: true });
    }
    expect(res.body).not.toContain('MRN-FUZZ');
  };

  it('POST /v1/cases with malformed JSON, values and media types (300 generated requests)', async () => {
    await fc.assert(fc.asyncProperty(malformedCase, check), { numRuns: 300, seed: 4242 });
  });

  it('POST /v1/cases as malformed multipart (100 generated requests)', async () => {
    await fc.assert(fc.asyncProperty(malformedMultipart, check), { numRuns: 100, seed: 4243 });
  });

  it('POST /v1/cases:batch with malformed envelopes and items (100 generated requests)', async () => {
    await fc.assert(fc.asyncProperty(malformedBatch, check), { numRuns: 100, seed: 4244 });
  });

  it('stored and queued nothing, and the gateway still serves', async () => {
    expect(statuses.length).toBeGreaterThanOrEqual(500);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(await queueCounts(t.gateway)).toEqual(before);
    expect([...(await t.redis.keys('lf:case:*')), ...(await t.redis.keys('lf:blob:*')), ...(await t.redis.keys('lf:idem:*'))]).toEqual([]);
    expect((await t.gateway.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    const ok = await t.gateway.app.inject({ method: 'POST', url: '/v1/cases', headers: { ...auth(), ...json }, payload: JSON.stringify(VALID) });
    expect(ok.statusCode).toBe(202);
  });
});

describe('malformed URLs, query strings and headers on the case routes', () => {
  it.each([
    ['GET', '/v1/cases/%ZZ', {}, 400],
    ['GET', `/v1/cases/${'a'.repeat(5000)}`, {}, 414],
    ['GET', `/v1/cases/${'a'.repeat(5000)}/events`, {}, 414],
    ['GET', '/v1/cases/%00', {}, 404],
    ['GET', '/v1/cases/%00/events', {}, 404],
    ['GET', '/v1/cases/abc?wait=1s&wait=2s', {}, 400],
    ['GET', '/v1/cases/abc?wait=%00', {}, 400],
    ['GET', '/v1/cases/abc/events', { 'last-event-id': '-1' }, 400],
    ['PUT', '/v1/cases', {}, 404],
    ['DELETE', '/v1/cases/abc', {}, 404],
    ['POST', '/v1/cases%3Abatch', json, 404],
  ] as const)('%s %s -> %i problem+json', async (method, url, headers, status) => {
    const res = await t.gateway.app.inject({ method, url, headers: { ...auth(), ...headers }, payload: method === 'POST' ? '{}' : undefined });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
