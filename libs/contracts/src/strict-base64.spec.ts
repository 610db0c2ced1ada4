import { isStrictBase64 } from './strict-base64';

describe('isStrictBase64', () => {
  it.each(['AAAA', 'AAE=', 'AQ==', 'AAE', 'AQ', Buffer.from('any bytes \x00\xff').toString('base64')])('accepts %s', (s) => {
    expect(isStrictBase64(s)).toBe(true);
  });
  it.each(['', 'A', 'AAAAA', 'AA AA', 'AA\nAA', 'AA-_', '%%%%', 'AB', 'AQ=', 'AQ===', '=AAA', 'AA=A'])('rejects %j', (s) => {
    expect(isStrictBase64(s)).toBe(false);
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
