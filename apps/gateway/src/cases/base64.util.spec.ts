import fc from 'fast-check';
import { base64Problem } from './base64.util';

describe('base64Problem', () => {
  it('accepts whatever Buffer encodes, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const encoded = Buffer.from(bytes).toString('base64');
        expect(base64Problem(encoded)).toBeUndefined();
        expect(base64Problem(encoded.replace(/=+$/, ''))).toBeUndefined();
      }),
    );
  });

  it('flags exactly the strings that do not round-trip through a strict decoder', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/]{1,12}={0,3}$/), (s) => {
        const unpadded = s.replace(/=+$/, '');
        const padded = unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
        const canonical = unpadded.length % 4 !== 1 && Buffer.from(padded, 'base64').toString('base64') === padded;
        const paddingOk = s === unpadded || s === padded;
        expect(base64Problem(s) === undefined).toBe(canonical && paddingOk);
      }),
    );
  });

  it('can skip the alphabet scan when the caller has matched it already', () => {
    expect(base64Problem('AA$A', { alphabetChecked: true })).toBeUndefined();
    expect(base64Problem('AAAAA', { alphabetChecked: true })).toBe('length');
    expect(base64Problem('AB==', { alphabetChecked: true })).toBe('padding');
  });

  it.each([
    ['', 'empty'],
    ['====', 'padding'],
    ['AAAAA', 'length'],
    ['AAAAA===', 'padding'],
    ['AA=', 'padding'],
    ['AAA==', 'padding'],
    ['AB==', 'padding'],
    ['AAB=', 'padding'],
    ['AA\nAA', 'alphabet'],
    ['AA-_', 'alphabet'],
    ['AA==', undefined],
    ['AAA=', undefined],
    ['AAAA', undefined],
  ])('%j -> %j', (s, expected) => {
    expect(base64Problem(s)).toBe(expected);
  });
});
