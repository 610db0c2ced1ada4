import fc from 'fast-check';
import { isStrictBase64 } from './strict-base64';

describe('isStrictBase64', () => {
  it.each(['AAAA', 'AAE=', 'AQ==', 'AAE', 'AQ', Buffer.from('any bytes \x00\xff').toString('base64')])('accepts %s', (s) => {
    expect(isStrictBase64(s)).toBe(true);
  });
  it.each(['', 'A', 'AAAAA', 'AA AA', 'AA\nAA', 'AA-_', '%%%%', 'AB', 'AQ=', 'AQ===', '=AAA', 'AA=A'])('rejects %j', (s) => {
    expect(isStrictBase64(s)).toBe(false);
  });
  it.each(['====', 'AAAAA===', 'AAA==', 'AB==', 'AAB=', 'AA$A'])('rejects %j (padding, trailing bits, alphabet)', (s) => {
    expect(isStrictBase64(s)).toBe(false);
  });

  it('accepts exactly the strings that round-trip through a strict decoder, padded or not', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/]{1,12}={0,3}$/), (s) => {
        const unpadded = s.replace(/=+$/, '');
        const padded = unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
        const canonical = unpadded.length % 4 !== 1 && Buffer.from(padded, 'base64').toString('base64') === padded;
        const paddingOk = s === unpadded || s === padded;
        expect(isStrictBase64(s)).toBe(canonical && paddingOk);
      }),
    );
  });

  it('round-trips random payloads', () => {
    for (let n = 1; n < 200; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256));
      const encoded = bytes.toString('base64');
      expect(isStrictBase64(encoded)).toBe(true);
      expect(isStrictBase64(encoded.replace(/=+$/, ''))).toBe(true);
      expect(isStrictBase64(encoded.slice(0, -1) + '*')).toBe(false);
    }
  });
});
