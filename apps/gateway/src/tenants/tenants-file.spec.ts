import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCOPES, tenantsFileSchema } from '@lf/contracts';
import { TenantTable } from './tenant-table';
import { jsonPath, parseTenantsFile, sha256Hex, tenantsFromApiKeys, TenantsFileError } from './tenants-file';

const PATH = '/etc/lf/tenants.json';
const HASH = sha256Hex('north-key-0123456789');
interface DraftKey { id: string; sha256: string; scopes: string[]; expiresAt?: string; [extra: string]: unknown }
interface DraftTenant { id: string; keys: DraftKey[]; rateLimit?: Record<string, number>; [extra: string]: unknown }
interface Draft { tenants: DraftTenant[]; [extra: string]: unknown }
const valid = (): Draft => ({ tenants: [{ id: 'north', keys: [{ id: 'k1', sha256: HASH, scopes: ['cases:read'] }] }] });

function problemsOf(text: string): string[] {
  try {
    parseTenantsFile(text, PATH);
  } catch (err) {
    expect(err).toBeInstanceOf(TenantsFileError);
    expect((err as Error).message).toContain(`LF_TENANTS_FILE (${PATH}) is invalid`);
    return [...(err as TenantsFileError).problems];
  }
  throw new Error('expected the file to be rejected');
}

describe('parseTenantsFile', () => {
  it('accepts a valid file and applies the schema defaults', () => {
    const file = parseTenantsFile(JSON.stringify(valid()), PATH);
    expect(file.tenants[0]).toEqual({ ...valid().tenants[0], webhooks: { allowedHosts: [], allowPrivateNetworks: false, allowHttp: false } });
  });

  it.each([
    ['a bad hash', (f: Draft) => (f.tenants[0].keys[0].sha256 = 'ABC'), '$.tenants[0].keys[0].sha256: must be the 64-character lower-case hex SHA-256 of the key'],
    ['an unknown scope', (f: Draft) => (f.tenants[0].keys[0].scopes = ['cases:delete']), '$.tenants[0].keys[0].scopes[0]:'],
    ['no scopes', (f: Draft) => (f.tenants[0].keys[0].scopes = []), '$.tenants[0].keys[0].scopes: needs at least one scope'],
    ['a bad expiry', (f: Draft) => (f.tenants[0].keys[0].expiresAt = 'tomorrow'), '$.tenants[0].keys[0].expiresAt:'],
    ['a bad tenant id', (f: Draft) => (f.tenants[0].id = 'north pole'), '$.tenants[0].id: must be 1-64 characters'],
    ['no keys', (f: Draft) => (f.tenants[0].keys = []), '$.tenants[0].keys: needs at least one key'],
    ['a zero rate', (f: Draft) => (f.tenants[0].rateLimit = { requestsPerSecond: 0, burst: 1 }), '$.tenants[0].rateLimit.requestsPerSecond:'],
    ['a duplicate tenant', (f: Draft) => f.tenants.push({ ...f.tenants[0], keys: [{ ...f.tenants[0].keys[0], sha256: sha256Hex('x') }] }), "$.tenants[1].id: tenant 'north' is listed twice"],
    ['a key listed twice', (f: Draft) => f.tenants.push({ id: 'south', keys: f.tenants[0].keys }), '$.tenants[1].keys[0].sha256: the same key is configured twice'],
    ['a misspelt field', (f: Draft) => (f.tenants[0].keys[0].expiresAT = '2030-01-01T00:00:00Z'), '$.tenants[0].keys[0].expiresAT: unknown field (expected one of id, sha256, scopes, expiresAt)'],
    ['a misspelt policy field', (f: Draft) => (f.tenants[0].rateLimit = { rps: 1, burst: 1 }), '$.tenants[0].rateLimit.rps: unknown field'],
    ['an unknown top-level field', (f: Draft) => (f.tennants = []), '$.tennants: unknown field'],
    ['no tenants', (f: Draft) => (f.tenants = []), '$.tenants: needs at least one tenant'],
  ])('names the JSON path of %s', (_label, mutate, expected) => {
    const file = valid();
    mutate(file);
    expect(problemsOf(JSON.stringify(file)).join('\n')).toContain(expected);
  });

  it('reports JSON syntax errors by line and column, without quoting the file', () => {
    const text = '{\n  "tenants": [\n    { "id": "north", "keys": [ { "id": "k1", "sha256": "plain-secret-key-123" } ] ,}\n  ]\n}';
    const [problem] = problemsOf(text);
    expect(problem).toMatch(/^not valid JSON: .* \(line 3, column \d+\)$/);
    expect(problem).not.toContain('plain-secret-key-123');
    expect(problemsOf('')).toEqual(['not valid JSON: the file is empty']);
    expect(problemsOf('{"tenants": [')).toEqual(['not valid JSON: unexpected end of the file']);
    expect(problemsOf('{\n"a":\n tru}')[0]).not.toContain('tru');
  });

  it('never echoes a value, even a plain key pasted where its hash belongs', () => {
    const file = valid();
    file.tenants[0].keys[0].sha256 = 'plain-secret-key-0123456789';
    expect(problemsOf(JSON.stringify(file)).join('\n')).not.toContain('plain-secret');
  });

  it('caps the list of problems', () => {
    const file = { tenants: Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, keys: [] })) };
    const problems = problemsOf(JSON.stringify(file));
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('... and 10 more');
  });
});

describe('jsonPath', () => {
  it('formats indices, identifiers and odd keys', () => {
    expect(jsonPath(['tenants', 0, 'keys', 12, 'sha256'])).toBe('$.tenants[0].keys[12].sha256');
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['a b'])).toBe('$["a b"]');
  });
});

describe('tenantsFromApiKeys', () => {
  it('hashes the keys, grants every scope and names keys by position', () => {
    const file = tenantsFromApiKeys('north:north-key-0123456789,south:south-key-0123456789,north:north-key-rotated-99');
    expect(file.tenants.map((t) => t.id)).toEqual(['north', 'south']);
    expect(file.tenants[0].keys).toEqual([
      { id: 'env-1', sha256: sha256Hex('north-key-0123456789'), scopes: [...SCOPES] },
      { id: 'env-3', sha256: sha256Hex('north-key-rotated-99'), scopes: [...SCOPES] },
    ]);
    expect(JSON.stringify(file)).not.toContain('north-key-0123456789');
  });

  it('keeps the LF_API_KEYS error messages', () => {
    expect(() => tenantsFromApiKeys('north:short')).toThrow(/at least 16 characters/);
  });
});

describe('tenants.example.json', () => {
  it('is a valid tenants file', () => {
    const text = readFileSync(join(__dirname, '../../../../tenants.example.json'), 'utf8');
    const file = parseTenantsFile(text, 'tenants.example.json');
    expect(tenantsFileSchema.parse(file)).toEqual(file);
    expect(file.tenants.length).toBeGreaterThanOrEqual(2);
    // The keys the README names for trying it out.
    const table = TenantTable.from(file);
    const now = Date.parse('2026-08-01T00:00:00Z');
    expect(table.authenticate('lf-example-north-current-key-0001', now)).toMatchObject({ ok: true, principal: { tenant: 'north-general', scopes: ['cases:write', 'cases:read', 'webhooks:manage'] } });
    expect(table.authenticate('lf-example-north-readonly-key-0002', now)).toMatchObject({ ok: true, principal: { scopes: ['cases:read'] } });
    expect(table.authenticate('lf-example-north-previous-key-0000', now)).toEqual({ ok: false, reason: 'expired-key' });
    expect(table.authenticate('lf-example-south-key-0001', now)).toMatchObject({ ok: true, principal: { tenant: 'south-clinic' } });
    expect(table.authenticate('lf-example-sandbox-key-0001', now)).toMatchObject({ ok: true, principal: { tenant: 'local-sandbox', scopes: expect.arrayContaining(['webhooks:manage', 'dashboard:read']) } });
    expect(table.tenant('local-sandbox')!.webhooks).toEqual({ allowedHosts: ['127.0.0.1'], allowHttp: true, allowPrivateNetworks: true });
  });
});
