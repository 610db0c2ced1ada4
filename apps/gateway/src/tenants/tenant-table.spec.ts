import { timingSafeEqual } from 'node:crypto';
import type { TenantsFile } from '@lf/contracts';
import { TenantTable } from './tenant-table';
import { sha256Hex } from './tenants-file';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const webhooks = { allowedHosts: [], allowPrivateNetworks: false, allowHttp: false };
const file: TenantsFile = {
  tenants: [
    {
      id: 'north',
      keys: [
        { id: 'current', sha256: sha256Hex('north-current-key-0001'), scopes: ['cases:write', 'cases:read'] },
        { id: 'previous', sha256: sha256Hex('north-previous-key-0000'), scopes: ['cases:write', 'cases:read'], expiresAt: '2026-07-01T00:00:00Z' },
        { id: 'expired', sha256: sha256Hex('north-expired-key-0000'), scopes: ['cases:read'], expiresAt: '2026-06-15T11:59:59+00:00' },
      ],
      rateLimit: { requestsPerSecond: 5, burst: 10 },
      webhooks,
    },
    { id: 'south', keys: [{ id: 'reader', sha256: sha256Hex('south-reader-key-0001'), scopes: ['cases:read'] }], webhooks },
  ],
};

describe('TenantTable', () => {
  const table = TenantTable.from(file);

  it('maps each key to its tenant, key id and scopes; two keys of one tenant are valid at once', () => {
    expect(table.authenticate('north-current-key-0001', NOW)).toEqual({ ok: true, principal: { tenant: 'north', keyId: 'current', scopes: ['cases:write', 'cases:read'] } });
    expect(table.authenticate('north-previous-key-0000', NOW)).toEqual({ ok: true, principal: { tenant: 'north', keyId: 'previous', scopes: ['cases:write', 'cases:read'] } });
    expect(table.authenticate('south-reader-key-0001', NOW)).toEqual({ ok: true, principal: { tenant: 'south', keyId: 'reader', scopes: ['cases:read'] } });
  });

  it('rejects unknown keys, prefixes, extensions and case changes', () => {
    for (const key of ['', 'north-current-key-000', 'north-current-key-00011', 'NORTH-CURRENT-KEY-0001', sha256Hex('north-current-key-0001')]) {
      expect(table.authenticate(key, NOW)).toEqual({ ok: false, reason: 'unknown-key' });
    }
  });

  it('treats a key as expired from its expiresAt on', () => {
    expect(table.authenticate('north-expired-key-0000', NOW)).toEqual({ ok: false, reason: 'expired-key' });
    const expiry = Date.parse('2026-07-01T00:00:00Z');
    expect(table.authenticate('north-previous-key-0000', expiry - 1).ok).toBe(true);
    expect(table.authenticate('north-previous-key-0000', expiry)).toEqual({ ok: false, reason: 'expired-key' });
    expect(table.authenticate('north-current-key-0001', Date.parse('2999-01-01T00:00:00Z')).ok).toBe(true);
  });

  it('compares the presented digest with every configured digest, whichever matches (no early exit)', () => {
    const calls: Array<[number, number]> = [];
    const counting = TenantTable.from(file, (a, b) => {
      calls.push([a.length, b.length]);
      return timingSafeEqual(a, b);
    });
    for (const key of ['north-current-key-0001', 'south-reader-key-0001', 'no-such-key', 'x'.repeat(5000)]) {
      calls.length = 0;
      counting.authenticate(key, NOW);
      expect(calls).toHaveLength(4);
      // Always two 32-byte digests: the key's length never reaches the comparison.
      expect(calls.every(([a, b]) => a === 32 && b === 32)).toBe(true);
    }
  });

  it('exposes tenant policies and key names', () => {
    expect(table.tenant('north')?.rateLimit).toEqual({ requestsPerSecond: 5, burst: 10 });
    expect(table.tenant('south')?.rateLimit).toBeUndefined();
    expect(table.tenant('west')).toBeUndefined();
    expect(table.tenantIds).toEqual(['north', 'south']);
    expect(table.keyNames).toEqual(['north/current', 'north/previous', 'north/expired', 'south/reader']);
  });
});
