import { bearerToken, parseApiKeys } from './api-keys';

describe('parseApiKeys', () => {
  it('parses tenant:key pairs (keys may contain ":")', () => {
    expect(parseApiKeys(' a:0123456789abcdef , b:key:with:colons:123 ')).toEqual([
      { tenant: 'a', key: '0123456789abcdef' },
      { tenant: 'b', key: 'key:with:colons:123' },
    ]);
  });

  it.each([
    ['', /at least one/],
    ['nocolon', /tenant:key/],
    [':0123456789abcdef', /tenant:key/],
    ['a b:0123456789abcdef', /tenant must match/],
    ['a:short', /at least 16/],
    ['a:0123456789abcdef,b:0123456789abcdef', /configured twice/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseApiKeys(spec)).toThrow(message);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
    [['Bearer a'], undefined],
  ])('%j -> %j', (header, expected) => {
    expect(bearerToken(header as string | string[] | undefined)).toBe(expected);
  });
});
