/**
 * Key rotation without a restart, on a real filesystem: rewrites, a Kubernetes-style `..data` symlink swap,
 * the poll alone, SIGHUP, and broken files that must never replace the last good table.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantsFile } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { TenantDirectory } from './tenant-directory';
import { sha256Hex, tenantsFromApiKeys, TenantsFileError } from './tenants-file';

const OLD = 'north-old-key-000000001';
const NEW = 'north-new-key-000000002';
const webhooks = { allowedHosts: [], allowPrivateNetworks: false, allowHttp: false };
const tenantsWith = (...keys: string[]): TenantsFile => ({
  tenants: [{ id: 'north', keys: keys.map((k, i) => ({ id: `key-${i + 1}`, sha256: sha256Hex(k), scopes: ['cases:read' as const] })), webhooks }],
});

let dir: string;
let lines: Array<Record<string, unknown>>;
let directory: TenantDirectory | undefined;
const logger = () => createLogger({ app: 'test', sink: (line) => lines.push(JSON.parse(line)) });
const valid = (d: TenantDirectory, key: string) => d.table.authenticate(key).ok;

/** Writes atomically (temp file + rename), as a careful operator or a config tool does. */
function writeAtomically(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lf-tenants-'));
  lines = [];
});

afterEach(() => {
  directory?.close();
  directory = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('TenantDirectory', () => {
  it('rotates: a new key is added (both valid), then the old one removed', () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, JSON.stringify(tenantsWith(OLD)));
    directory = TenantDirectory.open({ kind: 'file', path }, { logger: logger() });
    expect(valid(directory, OLD)).toBe(true);
    expect(valid(directory, NEW)).toBe(false);

    writeAtomically(path, JSON.stringify(tenantsWith(OLD, NEW)));
    expect(directory.reload('manual')).toBe('applied');
    expect([valid(directory, OLD), valid(directory, NEW)]).toEqual([true, true]);
    expect(lines.at(-1)).toMatchObject({ msg: 'tenants file reloaded', trigger: 'manual', keys: 2, keysAdded: ['north/key-2'], keysRemoved: [] });

    writeAtomically(path, JSON.stringify(tenantsWith(NEW)));
    expect(directory.reload('manual')).toBe('applied');
    expect([valid(directory, OLD), valid(directory, NEW)]).toEqual([false, true]);
  });

  it('keeps the last good table when the new file is broken, and reports each broken version once', () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, JSON.stringify(tenantsWith(OLD)));
    directory = TenantDirectory.open({ kind: 'file', path }, { logger: logger() });

    writeAtomically(path, '{"tenants": [ {"id": "north", "keys": [] } ]}');
    for (let i = 0; i < 3; i++) expect(directory.reload('poll')).toBe('rejected');
    expect(valid(directory, OLD)).toBe(true);
    const errors = lines.filter((l) => l['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'tenants file rejected; the last valid tenants and keys stay in force', trigger: 'poll', file: path });
    expect(errors[0]['problems']).toEqual(['$.tenants[0].keys: needs at least one key']);

    writeAtomically(path, 'not json');
    expect(directory.reload('poll')).toBe('rejected');
    rmSync(path);
    expect(directory.reload('poll')).toBe('rejected');
    expect(lines.filter((l) => l['level'] === 'error').map((l) => l['problems'])).toEqual([
      ['$.tenants[0].keys: needs at least one key'],
      ["not valid JSON: unexpected character 'o'"],
      ['the file does not exist'],
    ]);
    expect(valid(directory, OLD)).toBe(true);

    writeAtomically(path, JSON.stringify(tenantsWith(NEW)));
    expect(directory.reload('poll')).toBe('applied');
    expect([valid(directory, OLD), valid(directory, NEW)]).toEqual([false, true]);
  });

  it('re-reads on SIGHUP and says so even when nothing changed', () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, JSON.stringify(tenantsWith(OLD)));
    directory = TenantDirectory.open({ kind: 'file', path }, { logger: logger() });
    expect(directory.reload('poll')).toBe('unchanged');
    expect(lines).toHaveLength(0);
    expect(directory.reload('SIGHUP')).toBe('unchanged');
    expect(lines).toEqual([expect.objectContaining({ msg: 'tenants file re-read: unchanged', trigger: 'SIGHUP', tenants: 1 })]);
  });

  it('picks up a rewrite through fs.watch', async () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, JSON.stringify(tenantsWith(OLD)));
    directory = TenantDirectory.open({ kind: 'file', path }, { logger: logger(), pollMs: 3_600_000, debounceMs: 20 });
    directory.start();
    writeAtomically(path, JSON.stringify(tenantsWith(OLD, NEW)));
    await until(() => valid(directory!, NEW));
    expect(lines.at(-1)).toMatchObject({ msg: 'tenants file reloaded', trigger: 'watch' });
    // And again: a watch on the replaced file itself would now be watching a deleted inode.
    writeAtomically(path, JSON.stringify(tenantsWith(NEW)));
    await until(() => !valid(directory!, OLD));
  });

  it('picks up a Kubernetes Secret update (the ..data symlink swapped) through fs.watch', async () => {
    // What the kubelet writes: <mount>/..<timestamp>/tenants.json, <mount>/..data -> ..<timestamp>,
    // <mount>/tenants.json -> ..data/tenants.json; an update writes a new timestamped directory and
    // renames a new ..data symlink over the old one.
    mkdirSync(join(dir, '..2026_06_01'));
    writeFileSync(join(dir, '..2026_06_01', 'tenants.json'), JSON.stringify(tenantsWith(OLD)));
    symlinkSync('..2026_06_01', join(dir, '..data'));
    symlinkSync(join('..data', 'tenants.json'), join(dir, 'tenants.json'));
    const path = join(dir, 'tenants.json');
    directory = TenantDirectory.open({ kind: 'file', path }, { logger: logger(), pollMs: 3_600_000, debounceMs: 20 });
    directory.start();
    expect(valid(directory, OLD)).toBe(true);

    const update = (from: string, to: string, file: TenantsFile) => {
      mkdirSync(join(dir, to));
      writeFileSync(join(dir, to, 'tenants.json'), JSON.stringify(file));
      symlinkSync(to, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, from), { recursive: true });
    };
    update('..2026_06_01', '..2026_06_02', tenantsWith(OLD, NEW));
    await until(() => valid(directory!, NEW));
    // A second update: a watch on the file (its old target) would have died with the first one.
    update('..2026_06_02', '..2026_06_03', tenantsWith(NEW));
    await until(() => !valid(directory!, OLD));
    expect(valid(directory, NEW)).toBe(true);
  });

  it('falls back to polling when there is no watch', async () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, JSON.stringify(tenantsWith(OLD)));
    directory = TenantDirectory.open({ kind: 'file', path }, { logger: logger(), pollMs: 100, watch: false });
    directory.start();
    writeAtomically(path, JSON.stringify(tenantsWith(NEW)));
    await until(() => valid(directory!, NEW));
    expect(lines.at(-1)).toMatchObject({ msg: 'tenants file reloaded', trigger: 'poll' });
  });

  it('refuses to open a broken file (at boot there is no last good table)', () => {
    const path = join(dir, 'tenants.json');
    writeFileSync(path, '{"tenants": []}');
    expect(() => TenantDirectory.open({ kind: 'file', path }, { logger: logger() })).toThrow(TenantsFileError);
  });

  it('serves LF_API_KEYS as a fixed table', () => {
    directory = TenantDirectory.open({ kind: 'env', file: tenantsFromApiKeys(`north:${OLD}`) }, { logger: logger() });
    directory.start();
    expect(directory.watching).toBe(false);
    expect(valid(directory, OLD)).toBe(true);
    expect(directory.reload('SIGHUP')).toBe('unchanged');
    expect(lines[0]['msg']).toMatch(/LF_API_KEYS: nothing to re-read/);
  });
});
