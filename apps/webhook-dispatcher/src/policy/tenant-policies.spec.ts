import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lf/observability';
import { registeredPolicies, TenantsFilePolicies } from './tenant-policies';

const logs: string[] = [];
const logger = createLogger({ app: 'test', sink: (line) => logs.push(line) });
const key = { id: 'k1', sha256: 'a'.repeat(64), scopes: ['cases:write'] };
const file = (tenants: unknown[]) => JSON.stringify({ tenants });
const registered = { allowedHosts: ['old.example.org'], allowHttp: false, allowPrivateNetworks: false };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lf-tenants-'));
  logs.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tenant policies', () => {
  it('without a tenants file, applies the policy stored at registration', async () => {
    expect(await registeredPolicies.policyFor('north', registered)).toBe(registered);
  });

  it("applies the tenants file's current policy, with defaults, and none for an unknown tenant", async () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, file([{ id: 'north', keys: [key], webhooks: { allowedHosts: ['hooks.north.example'] } }, { id: 'south', keys: [{ ...key, sha256: 'b'.repeat(64) }] }]));
    const policies = await TenantsFilePolicies.load(path, logger, 0);
    expect(await policies.policyFor('north')).toEqual({ allowedHosts: ['hooks.north.example'], allowHttp: false, allowPrivateNetworks: false });
    expect(await policies.policyFor('south')).toEqual({ allowedHosts: [], allowHttp: false, allowPrivateNetworks: false });
    expect(await policies.policyFor('west')).toBeUndefined();
  });

  it('picks up an edited file, and keeps the last good policies when an edit is invalid', async () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, file([{ id: 'north', keys: [key], webhooks: { allowedHosts: ['a.example'] } }]));
    const policies = await TenantsFilePolicies.load(path, logger, 0);
    writeFileSync(path, file([{ id: 'north', keys: [key], webhooks: { allowedHosts: ['b.example', 'c.example'] } }]));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect((await policies.policyFor('north'))!.allowedHosts).toEqual(['b.example', 'c.example']);

    writeFileSync(path, '{"tenants": [');
    utimesSync(path, new Date(), new Date(Date.now() + 10_000));
    expect((await policies.policyFor('north'))!.allowedHosts).toEqual(['b.example', 'c.example']);
    expect(logs.join('\n')).toContain('keeping the last good policies');
  });

  it('refuses to start on a missing or invalid file, saying where', async () => {
    await expect(TenantsFilePolicies.load(join(dir, 'missing.json'), logger)).rejects.toThrow(/LF_TENANTS_FILE .*missing\.json.*ENOENT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, file([{ id: 'north', keys: [] }]));
    await expect(TenantsFilePolicies.load(bad, logger)).rejects.toThrow(/tenants\.0\.keys: needs at least one key/);
  });
});
