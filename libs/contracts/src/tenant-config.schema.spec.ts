import { tenantsFileSchema } from './tenant-config.schema';

const hash = (c: string) => c.repeat(64);
const tenant = (id: string, sha256: string) => ({ id, keys: [{ id: 'k1', sha256, scopes: ['cases:write', 'cases:read'] }] });

describe('tenantsFileSchema', () => {
  it('accepts tenants with hashed keys and fills the webhook policy defaults', () => {
    const parsed = tenantsFileSchema.parse({ tenants: [tenant('north', hash('a')), tenant('south', hash('b'))] });
    expect(parsed.tenants[0].webhooks).toEqual({ allowedHosts: [], allowPrivateNetworks: false, allowHttp: false });
  });

  it('names the path of each problem: a plain key instead of a hash, a duplicate tenant, a reused key, an unknown scope', () => {
    const issues = (file: unknown) => tenantsFileSchema.safeParse(file).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ tenants: [tenant('north', 'my-secret-key')] })).toEqual(['tenants.0.keys.0.sha256: must be the 64-character lower-case hex SHA-256 of the key']);
    expect(issues({ tenants: [tenant('north', hash('a')), tenant('north', hash('b'))] })).toEqual(["tenants.1.id: tenant 'north' is listed twice"]);
    expect(issues({ tenants: [tenant('north', hash('a')), tenant('south', hash('a'))] })).toEqual(['tenants.1.keys.0.sha256: the same key is configured twice']);
    expect(issues({ tenants: [{ id: 'north', keys: [{ id: 'k', sha256: hash('c'), scopes: ['root'] }] }] })[0]).toMatch(/^tenants\.0\.keys\.0\.scopes\.0: /);
  });
});
