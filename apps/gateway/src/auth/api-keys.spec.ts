import { bearerToken, createApiKeyTable, parseApiKeys } from './api-keys';

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

describe('createApiKeyTable', () => {
  const table = createApiKeyTable(parseApiKeys('north:north-key-0123456789,south:south-key-0123456789,north:north-key-rotated-99'));

  it('maps each key to its tenant', () => {
    expect(table.tenantFor('north-key-0123456789')).toBe('north');
    expect(table.tenantFor('north-key-rotated-99')).toBe('north');
    expect(table.tenantFor('south-key-0123456789')).toBe('south');
    expect(table.tenants).toEqual(['north', 'south']);
  });

  it('rejects unknown keys, prefixes and extensions', () => {
    expect(table.tenantFor('')).toBeUndefined();
    expect(table.tenantFor('north-key-012345678')).toBeUndefined();
    expect(table.tenantFor('north-key-01234567890')).toBeUndefined();
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
