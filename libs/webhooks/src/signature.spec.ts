import { createHmac } from 'node:crypto';
import { parseSignatureHeader, signPayload, verifySignature } from './signature';

const SECRET = 'whsec_test-secret';
const BODY = '{"id":"evt_1","type":"case.finalized"}';
const T = 1_764_144_000;
const NOW = T * 1000;

describe('signPayload', () => {
  it('is HMAC-SHA256 over "<t>.<body>" keyed by the secret string, hex-encoded', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signPayload(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
    // A fixed vector, so a change of scheme cannot go unnoticed.
    expect(signPayload('whsec_abc', '{}', 1)).toBe(`t=1,v1=${createHmac('sha256', 'whsec_abc').update('1.{}').digest('hex')}`);
  });

  it('signs with every secret, current first (rotation)', () => {
    const header = signPayload(['new', 'old'], BODY, T);
    const parsed = parseSignatureHeader(header)!;
    expect(parsed.timestamp).toBe(T);
    expect(parsed.v1).toEqual([
      createHmac('sha256', 'new').update(`${T}.${BODY}`).digest('hex'),
      createHmac('sha256', 'old').update(`${T}.${BODY}`).digest('hex'),
    ]);
  });

  it('signs Buffers and strings of the same bytes alike', () => {
    expect(signPayload(SECRET, Buffer.from(BODY), T)).toBe(signPayload(SECRET, BODY, T));
  });

  it('refuses no secret, an empty secret or a bad timestamp', () => {
    expect(() => signPayload([], BODY, T)).toThrow(/secret/);
    expect(() => signPayload('', BODY, T)).toThrow(/secret/);
    expect(() => signPayload(SECRET, BODY, -1)).toThrow(/timestamp/);
    expect(() => signPayload(SECRET, BODY, 1.5)).toThrow(/timestamp/);
  });
});

describe('verifySignature', () => {
  const header = signPayload(SECRET, BODY, T);

  it('accepts an authentic delivery within the tolerance', () => {
    expect(verifySignature(SECRET, header, BODY, { now: NOW })).toEqual({ ok: true, timestamp: T });
    expect(verifySignature(SECRET, header, Buffer.from(BODY), { now: NOW + 299_000 }).ok).toBe(true);
    expect(verifySignature(SECRET, header, BODY, { now: NOW - 299_000 }).ok).toBe(true);
  });

  it('rejects a tampered body, a wrong secret and a forged signature', () => {
    expect(verifySignature(SECRET, header, BODY.replace('evt_1', 'evt_2'), { now: NOW })).toEqual({ ok: false, reason: 'no-matching-signature' });
    expect(verifySignature(SECRET, header, `${BODY} `, { now: NOW }).ok).toBe(false);
    expect(verifySignature('whsec_other', header, BODY, { now: NOW })).toEqual({ ok: false, reason: 'no-matching-signature' });
    expect(verifySignature(SECRET, `t=${T},v1=${'0'.repeat(64)}`, BODY, { now: NOW }).ok).toBe(false);
  });

  it('rejects a replay outside the window, and a timestamp moved to look fresh', () => {
    expect(verifySignature(SECRET, header, BODY, { now: NOW + 301_000 })).toEqual({ ok: false, reason: 'timestamp-outside-tolerance' });
    expect(verifySignature(SECRET, header, BODY, { now: NOW - 301_000 }).ok).toBe(false);
    expect(verifySignature(SECRET, header, BODY, { now: NOW + 30_000, toleranceSeconds: 10 }).ok).toBe(false);
    const moved = header.replace(`t=${T}`, `t=${T + 3600}`);
    expect(verifySignature(SECRET, moved, BODY, { now: (T + 3600) * 1000 })).toEqual({ ok: false, reason: 'no-matching-signature' });
  });

  it('accepts any of several v1 values and any of several secrets (rotation on either side)', () => {
    const rotating = signPayload(['whsec_new', SECRET], BODY, T);
    expect(verifySignature(SECRET, rotating, BODY, { now: NOW }).ok).toBe(true);
    expect(verifySignature('whsec_new', rotating, BODY, { now: NOW }).ok).toBe(true);
    expect(verifySignature(['whsec_unrelated', SECRET], header, BODY, { now: NOW }).ok).toBe(true);
    expect(verifySignature(['whsec_unrelated'], rotating, BODY, { now: NOW }).ok).toBe(false);
  });

  it('ignores unknown schemes and stray whitespace', () => {
    const v1 = header.split(',')[1];
    expect(verifySignature(SECRET, `t=${T}, v0=abc , ${v1} ,v2=zz`, BODY, { now: NOW }).ok).toBe(true);
  });

  it.each([
    ['', 'missing-header'],
    [undefined, 'missing-header'],
    ['garbage', 'malformed-header'],
    [`v1=${'a'.repeat(64)}`, 'malformed-header'],
    [`t=${T}`, 'malformed-header'],
    [`t=${T},t=${T},v1=${'a'.repeat(64)}`, 'malformed-header'],
    [`t=12abc,v1=${'a'.repeat(64)}`, 'malformed-header'],
    [`t=${T},v1=xyz`, 'no-matching-signature'],
    [`t=${T},v1=${'a'.repeat(63)}`, 'no-matching-signature'],
  ])('rejects header %p as %s', (h, reason) => {
    expect(verifySignature(SECRET, h as string | undefined, BODY, { now: NOW })).toEqual({ ok: false, reason });
  });
});
