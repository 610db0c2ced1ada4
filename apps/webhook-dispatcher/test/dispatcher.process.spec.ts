/**
 * The dispatcher as its own process, as `npm start` runs it: ready on its ops port, SIGTERM exits 0; bad
 * configuration exits 78 naming every variable; an unusable tenants file stops the boot, naming the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launchApp, startRedisServer, WORKSPACE_ROOT, type RedisServerHandle } from '@lf/testing';

jest.setTimeout(60_000);

let server: RedisServerHandle;
let dir: string;
beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'lf-dispatcher-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--require', 'tsx/cjs', 'apps/webhook-dispatcher/src/main.ts'], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

it('becomes ready with a tenants file, serves metrics, and exits 0 on SIGTERM', async () => {
  const tenants = join(dir, 'tenants.json');
  writeFileSync(tenants, JSON.stringify({ tenants: [{ id: 'north', keys: [{ id: 'k', sha256: 'a'.repeat(64), scopes: ['webhooks:manage'] }] }] }));
  const port = await freePort();
  const app = await launchApp({
    name: 'webhook-dispatcher',
    entry: 'apps/webhook-dispatcher/src/main.ts',
    env: { REDIS_URL: server.url, LF_WEBHOOK_DISPATCHER_OPS_PORT: String(port), LF_TENANTS_FILE: tenants },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
  });
  try {
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('lf_webhook_deliveries_total');
    expect(await app.waitForOutput((l) => l.includes('webhook dispatcher started'))).toContain('webhook dispatcher started');
  } finally {
    expect(await app.stop()).toBe(0);
  }
});

it('refuses to start on bad configuration, naming every problem', () => {
  const result = run({ LF_WEBHOOK_TIMEOUT_MS: 'soon', LF_WEBHOOK_DISPATCHER_OPS_PORT: '-1' });
  expect(result.status).toBe(78);
  for (const name of ['LF_WEBHOOK_TIMEOUT_MS', 'LF_WEBHOOK_DISPATCHER_OPS_PORT']) expect(result.stdout + result.stderr).toContain(name);
});

it('refuses to start with an invalid tenants file, naming it', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"tenants": []}');
  const result = run({ REDIS_URL: server.url, LF_WEBHOOK_DISPATCHER_OPS_PORT: String(await freePort()), LF_TENANTS_FILE: bad });
  expect(result.status).toBe(1);
  expect(result.stdout + result.stderr).toMatch(/LF_TENANTS_FILE .*bad\.json.* is invalid: tenants: needs at least one tenant/);
});
