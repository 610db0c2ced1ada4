import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lf/observability';
import { DashboardKeyTable, parseKeyPairs, sha256Hex } from './dashboard-keys';

const logger = createLogger({ app: 'test', sink: () => undefined });

function tenantsFile(dir: string, keys: Array<{ id: string; key: string; scopes: string[]; expiresAt?: string }>): string {
  const path = join(dir, 'tenants.json');
  writeFileSync(path, JSON.stringify({ tenants: [{ id: 'north', keys: keys.map(({ key, ...k }) => ({ ...k, sha256: sha256Hex(key) })) }] }));
  return path;
}

describe('dashboard keys', () => {
  it('parses name:key pairs into digests and refuses duplicates', () => {
    const keys = parseKeyPairs('ops:key-number-one-000, oncall:key-number-two-000', 'LF_DASHBOARD_KEYS', 'dashboard');
    expect(keys).toEqual([
      { id: 'dashboard/ops', sha256: sha256Hex('key-number-one-000') },
      { id: 'dashboard/oncall', sha256: sha256Hex('key-number-two-000') },
    ]);
    expect(() => parseKeyPairs('a:key-number-one-000,b:key-number-one-000', 'LF_DASHBOARD_KEYS', 'dashboard')).toThrow('LF_DASHBOARD_KEYS: a key is configured twice (b)');
    expect(() => parseKeyPairs('nocolon', 'LF_DASHBOARD_KEYS', 'dashboard')).toThrow('entry 1 must look like name:key');
  });

  it('verifies static keys by digest and refuses unknown or short ones', () => {
    const table = new DashboardKeyTable({ static: parseKeyPairs('ops:key-number-one-000', 'LF_DASHBOARD_KEYS', 'dashboard') }, { logger });
    expect(table.verify('key-number-one-000')).toEqual({ keyId: 'dashboard/ops', digest: sha256Hex('key-number-one-000') });
    expect(table.verify('key-number-one-001')).toBeUndefined();
    expect(table.verify('short')).toBeUndefined();
  });

  it('accepts only tenants-file keys with dashboard:read that have not expired', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-dash-keys-'));
    const path = tenantsFile(dir, [
      { id: 'viewer', key: 'viewer-key-000000001', scopes: ['dashboard:read'] },
      { id: 'api', key: 'api-key-00000000000001', scopes: ['cases:read', 'cases:write'] },
      { id: 'old', key: 'old-viewer-key-000001', scopes: ['dashboard:read'], expiresAt: '2020-01-01T00:00:00Z' },
    ]);
    const table = new DashboardKeyTable({ static: [], tenantsFile: path }, { logger });
    expect(table.verify('viewer-key-000000001')?.keyId).toBe('north/viewer');
    expect(table.verify('api-key-00000000000001')).toBeUndefined();
    expect(table.verify('old-viewer-key-000001')).toBeUndefined();
  });

  it('re-reads the file when it changes: a removed key stops working, a broken file keeps the last good keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-dash-keys-'));
    let now = 1_000_000;
    const path = tenantsFile(dir, [{ id: 'viewer', key: 'viewer-key-000000001', scopes: ['dashboard:read'] }]);
    const table = new DashboardKeyTable({ static: [], tenantsFile: path }, { logger, now: () => now, statIntervalMs: 0 });
    const digest = sha256Hex('viewer-key-000000001');
    expect(table.verifyDigest(digest)).toBeDefined();

    tenantsFile(dir, [{ id: 'next', key: 'next-viewer-key-000001', scopes: ['dashboard:read'] }]);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    now += 10;
    expect(table.verifyDigest(digest)).toBeUndefined(); // a session opened with the removed key ends too
    expect(table.verify('next-viewer-key-000001')?.keyId).toBe('north/next');

    writeFileSync(path, '{ not json');
    utimesSync(path, new Date(), new Date(Date.now() + 10_000));
    now += 10;
    expect(table.verify('next-viewer-key-000001')?.keyId).toBe('north/next');
  });

  it('refuses to start with a broken tenants file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-dash-keys-'));
    const path = join(dir, 'tenants.json');
    writeFileSync(path, '[]');
    expect(() => new DashboardKeyTable({ static: [], tenantsFile: path }, { logger })).toThrow(/^LF_TENANTS_FILE \(.*\): /);
  });
});
