/**
 * The tenants file as the gateway process sees it: a broken file stops the boot (exit 78) with a message
 * naming the file and the JSON path of the problem; SIGHUP re-reads it while the process runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launchApp, startRedisServer, WORKSPACE_ROOT, type RedisServerHandle } from '@lf/testing';
import { sha256Hex } from '../src/tenants/tenants-file';

jest.setTimeout(60_000);

let server: RedisServerHandle;
let dir: string;
beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'lf-tenants-process-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tenants = (...keys: string[]) => ({
  tenants: [{ id: 'north', keys: keys.map((k, i) => ({ id: `key-${i + 1}`, sha256: sha256Hex(k), scopes: ['cases:read'] })) }],
});

it('refuses to start on a broken tenants file, naming the file and the JSON path', () => {
  const path = join(dir, 'broken.json');
  writeFileSync(path, JSON.stringify({ tenants: [{ id: 'north', keys: [{ id: 'k', sha256: 'plain-key-pasted-here-123', scopes: ['cases:read'] }] }] }));
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'apps/gateway/src/main.ts'], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', REDIS_URL: server.url, LF_TENANTS_FILE: path },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(78);
  const output = result.stdout + result.stderr;
  expect(output).toContain(`LF_TENANTS_FILE (${path}) is invalid`);
  expect(output).toContain('$.tenants[0].keys[0].sha256: must be the 64-character lower-case hex SHA-256 of the key');
  expect(output).not.toContain('plain-key-pasted-here-123');
});

it('re-reads the tenants file on SIGHUP', async () => {
  const path = join(dir, 'tenants.json');
  const OLD = 'process-old-key-00000001';
  const NEW = 'process-new-key-00000002';
  writeFileSync(path, JSON.stringify(tenants(OLD)));
  const port = await freePort();
  const app = await launchApp({
    name: 'gateway',
    entry: 'apps/gateway/src/main.ts',
    // Polling effectively off, so the reload below can only come from the watch or the signal.
    env: { REDIS_URL: server.url, LF_TENANTS_FILE: path, LF_TENANTS_POLL_MS: '3600000', LF_GATEWAY_PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
  });
  const status = async (key: string) => (await fetch(`http://127.0.0.1:${port}/v1/cases/nope`, { headers: { authorization: `Bearer ${key}` } })).status;
  const logged = (msg: string) => app.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === msg);
  try {
    await app.waitForOutput((l) => l.includes('"gateway listening"'));
    expect(logged('gateway listening')[0]).toMatchObject({ tenants: ['north'], tenantsFrom: path });
    expect([await status(OLD), await status(NEW)]).toEqual([404, 401]);

    app.signal('SIGHUP');
    for (let i = 0; i < 50 && logged('tenants file re-read: unchanged').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(logged('tenants file re-read: unchanged')).toEqual([expect.objectContaining({ trigger: 'SIGHUP', file: path })]);

    writeFileSync(`${path}.tmp`, JSON.stringify(tenants(NEW)));
    renameSync(`${path}.tmp`, path);
    app.signal('SIGHUP');
    for (let i = 0; i < 50 && (await status(NEW)) !== 404; i++) await new Promise((r) => setTimeout(r, 50));
    expect([await status(OLD), await status(NEW)]).toEqual([401, 404]);
    // The directory watch and the signal race for it; either way the change is applied exactly once.
    await app.waitForOutput((l) => l.includes('"tenants file reloaded"'));
    expect(logged('tenants file reloaded')).toEqual([expect.objectContaining({ trigger: expect.stringMatching(/^(watch|SIGHUP)$/), file: path, keys: 1 })]);
  } finally {
    expect(await app.stop()).toBe(0);
  }
});
