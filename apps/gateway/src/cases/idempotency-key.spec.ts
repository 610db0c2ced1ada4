import { createHash } from 'node:crypto';
import { canonicalJson, parseIdempotencyKey, requestDigest } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it.each([
    [undefined, undefined],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"8e03978e-40d5"', '8e03978e-40d5'],
    ['  order-17  ', 'order-17'],
    ['k'.repeat(255), 'k'.repeat(255)],
  ])('accepts %j as %j', (value, key) => {
    expect(parseIdempotencyKey(value)).toEqual({ ok: true, key });
  });

  it.each([[''], ['""'], ['k'.repeat(256)], ['a b'], ['caf\u00e9'], ['a"b'], ['tab\there'], [['a', 'b']], [7]])('refuses %j', (value) => {
    expect(parseIdempotencyKey(value)).toMatchObject({ ok: false, message: expect.stringMatching(/visible ASCII/) });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('agrees with JSON.stringify on scalars', () => {
    for (const v of [0, -0, 1.5, 1e21, 'x"y', true, null]) expect(canonicalJson(v)).toBe(JSON.stringify(v));
  });
});

describe('requestDigest', () => {
  const dicom = Buffer.from('fake dicom bytes');
  const jsonBody = { patientRef: 'p', inputs: { imaging: { format: 'dicom', data: dicom.toString('base64') }, tabular: { ageYears: 70 } } };

  it('ignores key order', () => {
    const reordered = { inputs: { tabular: { ageYears: 70 }, imaging: { data: dicom.toString('base64'), format: 'dicom' } }, patientRef: 'p' };
    expect(requestDigest(reordered, { imaging: dicom })).toBe(requestDigest(jsonBody, { imaging: dicom }));
  });

  it('hashes a binary field by its bytes, so a multipart submission of the same file matches the JSON one', () => {
    const multipartBody = { patientRef: 'p', inputs: { imaging: { format: 'dicom' }, tabular: { ageYears: 70 } } };
    expect(requestDigest(multipartBody, { imaging: dicom })).toBe(requestDigest(jsonBody, { imaging: dicom }));
  });

  it('changes with any value, including the image bytes', () => {
    const base = requestDigest(jsonBody, { imaging: dicom });
    expect(requestDigest({ ...jsonBody, patientRef: 'q' }, { imaging: dicom })).not.toBe(base);
    expect(requestDigest(jsonBody, { imaging: Buffer.from('other bytes') })).not.toBe(base);
  });

  it('is the SHA-256 of the canonical JSON when there are no binaries', () => {
    const body = { b: [1, 2], a: 'x' };
    expect(requestDigest(body, {})).toBe(createHash('sha256').update('{"a":"x","b":[1,2]}').digest('hex'));
  });
});
