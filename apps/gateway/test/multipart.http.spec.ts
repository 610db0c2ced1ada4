/**
 * POST /v1/cases as multipart/form-data (a `case` JSON part + the DICOM file as an `image` part, as a PACS
 * router sends it) through the real app and Redis: the file's bytes land in the claim-check blob unchanged,
 * the same case sent as JSON with base64 is the same request for Idempotency-Key purposes, and every
 * malformed, missing, extra, mistyped or oversized part gets a 4xx naming the part, with nothing stored.
 */
import { decodeInputBlob } from '@lf/contracts';
import { auth, dicomBytes, json, keys, NORTH, queueCounts, startCaseTestEnv, tabular, type CaseTestEnv } from './support/case-fixtures';

jest.setTimeout(30_000);

const MAX_UPLOAD = 64 * 1024;
const MAX_CASE = 16 * 1024;
let t: CaseTestEnv;
beforeAll(async () => {
  t = await startCaseTestEnv({ LF_MAX_UPLOAD_BYTES: String(MAX_UPLOAD), LF_MAX_BODY_BYTES: String(MAX_CASE) });
});
afterAll(() => t?.close());

interface Part {
  name: string;
  data: Buffer | string;
  filename?: string;
  type?: string;
}

const BOUNDARY = '----lf-test-boundary-7MA4YWxkTrZu0gW';

function encode(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function send(payload: Buffer, headers: Record<string, string> = {}) {
  return t.gateway.app.inject({
    method: 'POST',
    url: '/v1/cases',
    headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    payload,
  });
}

const caseJson = (over: Record<string, unknown> = {}) => JSON.stringify({ patientRef: 'MRN-MULTI-1', inputs: { tabular }, ...over });
const casePart = (data = caseJson(), type: string | undefined = 'application/json', filename?: string): Part => ({ name: 'case', data, type, ...(filename ? { filename } : {}) });
const imagePart = (data: Buffer = dicomBytes(), type = 'application/dicom'): Part => ({ name: 'image', data, type, filename: 'slice.dcm' });

describe('multipart/form-data submission', () => {
  it('stores the DICOM part byte for byte and queues the imaging job', async () => {
    const file = dicomBytes(4000, 3);
    const res = await send(encode([casePart(), imagePart(file)]));
    expect(res.statusCode).toBe(202);
    const { caseId } = res.json();
    expect((await t.store.get(caseId))!.expected).toEqual(['imaging', 'tabular']);
    const blob = await t.store.readBlob(keys.blob(caseId, 'imaging'));
    expect(decodeInputBlob(blob!)).toEqual({ format: 'dicom', data: file });
    expect(blob!.includes(file.toString('base64').slice(0, 64))).toBe(false);
    const job = await t.gateway.producer.queue('imaging')!.getJob(`${caseId}-imaging`);
    expect(job?.data.blobKey).toBe(keys.blob(caseId, 'imaging'));
    expect(await t.redis.zscore(keys.deadlines(), caseId)).not.toBeNull();
  });

  it.each([
    ['a file part of application/octet-stream (curl -F case=@case.json)', casePart(caseJson(), 'application/octet-stream', 'case.json')],
    ['a field without a Content-Type (curl -F case=...)', casePart(caseJson(), undefined)],
    ['a part with inputs.imaging {"format": "dicom"}', casePart(caseJson({ inputs: { tabular, imaging: { format: 'dicom' } } }))],
  ])('accepts the case as %s', async (_label, part) => {
    const res = await send(encode([imagePart(), part]));
    expect(res.statusCode).toBe(202);
  });

  it('is the same request as the JSON form with the file in base64, for an Idempotency-Key', async () => {
    const file = dicomBytes(2048, 9);
    const body = { patientRef: 'MRN-MULTI-2', inputs: { tabular, imaging: { format: 'dicom', data: file.toString('base64') } } };
    const first = await t.gateway.app.inject({ method: 'POST', url: '/v1/cases', headers: { ...auth(), ...json, 'idempotency-key': 'pacs-17' }, payload: JSON.stringify(body) });
    expect(first.statusCode).toBe(202);
    const again = await send(encode([casePart(JSON.stringify({ patientRef: 'MRN-MULTI-2', inputs: { tabular } })), imagePart(file)]), { 'idempotency-key': 'pacs-17' });
    expect(again.statusCode).toBe(200);
    expect(again.json().caseId).toBe(first.json().caseId);
    const other = await send(encode([casePart(JSON.stringify({ patientRef: 'MRN-MULTI-2', inputs: { tabular } })), imagePart(dicomBytes(2048, 8))]), { 'idempotency-key': 'pacs-17' });
    expect(other.statusCode).toBe(409);
  });
});

describe('bad multipart requests', () => {
  const bigCase = caseJson({ padding: 'x'.repeat(MAX_CASE) });
  // Every row has all five columns: jest.each passes a `done` callback to a test taking more arguments than a row has.
  const cases: Array<[string, number, string | undefined, () => Buffer, Record<string, string>]> = [
    ['no image part', 400, 'image', () => encode([casePart()]), {}],
    ['no case part', 400, 'case', () => encode([imagePart()]), {}],
    ['an extra part', 400, 'notes', () => encode([casePart(), imagePart(), { name: 'notes', data: 'hello' }]), {}],
    ['two image parts', 400, 'image', () => encode([casePart(), imagePart(), imagePart()]), {}],
    ['an image that is not DICOM', 400, 'image', () => encode([casePart(), imagePart(Buffer.from('\x89PNG\r\n\x1a\n-not-dicom'))]), {}],
    ['an image part of type image/png', 415, 'image', () => encode([casePart(), imagePart(dicomBytes(), 'image/png')]), {}],
    ['an image sent as a field, not a file', 400, 'image', () => encode([casePart(), { name: 'image', data: 'DICM' }]), {}],
    ['a case part of type application/xml', 415, 'case', () => encode([casePart('<case/>', 'application/xml'), imagePart()]), {}],
    ['a case part that is not JSON', 400, 'case', () => encode([casePart('{"patientRef":', 'text/plain'), imagePart()]), {}],
    ['a case part declared JSON that is not', 400, 'case', () => encode([casePart('{"patientRef":'), imagePart()]), {}],
    ['a case part that is a JSON array', 400, 'case', () => encode([casePart('[1,2]'), imagePart()]), {}],
    ['base64 image data in the case part too', 400, 'inputs.imaging.data', () => encode([casePart(caseJson({ inputs: { imaging: { format: 'dicom', data: 'AAAA' } } })), imagePart()]), {}],
    ['another image format in the case part', 400, 'inputs.imaging.format', () => encode([casePart(caseJson({ inputs: { imaging: { format: 'png' } } })), imagePart()]), {}],
    ['an invalid field in the case', 400, 'inputs.tabular.ageYears', () => encode([casePart(caseJson({ inputs: { tabular: { ageYears: 'old' } } })), imagePart()]), {}],
    ['an image over LF_MAX_UPLOAD_BYTES', 413, 'image', () => encode([casePart(), imagePart(dicomBytes(MAX_UPLOAD + 1))]), {}],
    ['a case field over LF_MAX_BODY_BYTES', 413, 'case', () => encode([casePart(bigCase, 'text/plain'), imagePart()]), {}],
    ['a case file over LF_MAX_BODY_BYTES', 413, 'case', () => encode([casePart(bigCase, 'application/json', 'case.json'), imagePart()]), {}],
    ['a body cut short', 400, undefined, () => encode([casePart(), imagePart()]).subarray(0, 300), {}],
    ['a boundary that never appears', 400, undefined, () => encode([casePart(), imagePart()], 'other-boundary'), {}],
    ['no boundary parameter', 400, undefined, () => encode([casePart(), imagePart()]), { 'content-type': 'multipart/form-data' }],
  ];

  it.each(cases)('%s -> %i naming the part, nothing stored or queued', async (_label, status, path, payload, headers) => {
    const before = await queueCounts(t.gateway);
    const keysBefore = (await t.redis.keys('lf:case:*')).length;
    const res = await send(payload(), headers);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:lf:problem:/) });
    // A part-level refusal may leave body unread: the connection is not reused for another request.
    if (problem.type !== 'urn:lf:problem:invalid-body') expect(res.headers['connection']).toBe('close');
    if (path !== undefined) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(res.body).not.toContain('MRN-MULTI');
    expect(await queueCounts(t.gateway)).toEqual(before);
    expect((await t.redis.keys('lf:case:*')).length).toBe(keysBefore);
  });
});

describe('over a real socket', () => {
  it('accepts what fetch/FormData encodes, answers 413 with Connection: close past the limit, and keeps serving', async () => {
    const listening = await t.another({ LF_GATEWAY_PORT: '0', LF_MAX_UPLOAD_BYTES: String(MAX_UPLOAD), LF_MAX_BODY_BYTES: String(MAX_CASE) });
    const url = await listening.listen();
    const form = (file: Buffer) => {
      const data = new FormData();
      data.append('case', new Blob([caseJson()], { type: 'application/json' }), 'case.json');
      data.append('image', new Blob([new Uint8Array(file)], { type: 'application/dicom' }), 'slice.dcm');
      return data;
    };
    const ok = await fetch(`${url}/v1/cases`, { method: 'POST', headers: auth(NORTH), body: form(dicomBytes(10_000)) });
    expect(ok.status).toBe(202);
    const tooBig = await fetch(`${url}/v1/cases`, { method: 'POST', headers: auth(NORTH), body: form(dicomBytes(MAX_UPLOAD * 4)) });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { errors: Array<{ path: string }> }).errors[0].path).toBe('image');
    const after = await fetch(`${url}/v1/cases`, { method: 'POST', headers: auth(NORTH), body: form(dicomBytes(1000)) });
    expect(after.status).toBe(202);
  });
});
