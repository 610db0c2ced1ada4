import fc from 'fast-check';
import { decodeStrictBase64, decodeStrictBase64Bytes, isStrictBase64, withDecodedBase64 } from './strict-base64';

/** The definition: a strict decoder's round trip (the previous implementation, slow on 175 kB images). */
function canonicalByRoundTrip(s: string): boolean {
  const unpadded = s.replace(/=+$/, '');
  const padded = unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || unpadded.length === 0 || unpadded.length % 4 === 1) return false;
  return (s === unpadded || s === padded) && Buffer.from(padded, 'base64').toString('base64') === padded;
}

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

  it('agrees with the round-trip definition on texts full of what a lenient decoder skips or accepts', () => {
    const hostile = fc.constantFrom(...'AQBgw+/09zZ=-_ %\n\r\t.$\u00e9');
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 0, maxLength: 14 }).map((chars) => chars.join('')), (s) => {
        expect(isStrictBase64(s)).toBe(canonicalByRoundTrip(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('decodes to the bytes Node decodes, and remembers only the last text', () => {
    const bytes = Buffer.from(Array.from({ length: 131_074 }, (_, i) => (i * 131) % 256));
    const text = bytes.toString('base64');
    const decoded = decodeStrictBase64(text);
    expect(decoded?.equals(bytes)).toBe(true);
    expect(decodeStrictBase64(text)).toBe(decoded); // the same text again: the same buffer, not a second decode
    expect(decodeStrictBase64(text.slice(0, -4) + 'AA-A')).toBeUndefined();
    expect(decodeStrictBase64('AQ==')?.equals(Buffer.from([1]))).toBe(true);
    expect(decodeStrictBase64(text)).not.toBe(decoded);
    expect(decodeStrictBase64(text)?.equals(bytes)).toBe(true);
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

describe('decodeStrictBase64Bytes', () => {
  const fromText = (s: string) => decodeStrictBase64Bytes(Buffer.from(s, 'latin1'));

  it('agrees with decodeStrictBase64 on texts full of what a lenient decoder skips or accepts', () => {
    const hostile = fc.constantFrom(...'AQBgw+/09zZ=-_ %\n\r\t.$\u00e9');
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 0, maxLength: 14 }).map((chars) => chars.join('')), (s) => {
        const expected = decodeStrictBase64(s);
        const actual = fromText(s);
        expect(actual === undefined ? undefined : actual.toString('hex')).toBe(expected === undefined ? undefined : expected.toString('hex'));
      }),
      { numRuns: 20_000 },
    );
  });

  it('decodes texts longer than one 64 kB step, and rejects one bad character in any step', () => {
    for (const n of [49_151, 49_152, 49_153, 131_072, 131_074, 200_001]) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + n) % 256));
      const text = bytes.toString('base64');
      expect(fromText(text)?.equals(bytes)).toBe(true);
      expect(fromText(text.replace(/=+$/, ''))?.equals(bytes)).toBe(true);
      for (const at of [0, 65_535, 65_536, 65_537, text.length - 5]) {
        for (const bad of [' ', '-', '=', '*']) {
          const broken = text.slice(0, at) + bad + text.slice(at + 1);
          expect({ n, at, bad, ok: fromText(broken) !== undefined }).toEqual({ n, at, bad, ok: decodeStrictBase64(broken) !== undefined });
        }
      }
    }
  });

  it('reads a view into a larger buffer (a slice of a request body) without copying it first', () => {
    const body = Buffer.from('{"data":"AQID"}');
    expect(decodeStrictBase64Bytes(body.subarray(9, 13))?.equals(Buffer.from([1, 2, 3]))).toBe(true);
  });
});

describe('withDecodedBase64', () => {
  it('lets a stand-in text decode to the given bytes inside the callback only, and restores the outer one', () => {
    const bytes = Buffer.from([9, 8, 7]);
    expect(decodeStrictBase64('!stand-in!')).toBeUndefined();
    const inside = withDecodedBase64(new Map([['!stand-in!', bytes]]), () => [decodeStrictBase64('!stand-in!'), isStrictBase64('!stand-in!'), decodeStrictBase64('AQ==')?.[0]]);
    expect(inside).toEqual([bytes, true, 1]);
    expect(decodeStrictBase64('!stand-in!')).toBeUndefined();
    expect(() => withDecodedBase64(new Map([['!stand-in!', bytes]]), () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(isStrictBase64('!stand-in!')).toBe(false);
  });
});
