/**
 * The gateway as its own process (`node --require tsx/cjs apps/gateway/src/main.ts`, as npm start runs it):
 * boots from the environment, logs JSON without input values, exits 0 on SIGTERM, and refuses to start on
 * bad configuration with one message naming every bad variable (exit 78).
 */
import { spawnSync } from 'node:child_process';
import { freePort, launchApp, startRedisServer, WORKSPACE_ROOT, type RedisServerHandle } from '@lf/testing';

jest.setTimeout(60_000);

let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => server?.stop());

it('serves, logs JSON with the case id but no inputs, and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const app = await launchApp({
    name: 'gateway',
    entry: 'apps/gateway/src/main.ts',
    env: { REDIS_URL: server.url, LF_API_KEYS: 'north:north-key-0123456789', LF_GATEWAY_PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
  });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/cases`, {
      method: 'POST',
      headers: { authorization: 'Bearer north-key-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ patientRef: 'MRN-SECRET-777', inputs: { tabular: { ageYears: 93, sex: 'female' } } }),
    });
    expect(res.status).toBe(202);
    const { caseId } = (await res.json()) as { caseId: string };
    const submitted = await app.waitForOutput((l) => l.startsWith('{') && l.includes('"case submitted"') && l.includes(caseId));
    expect(JSON.parse(submitted)).toMatchObject({ msg: 'case submitted', caseId });
    expect(app.output.join('\n')).not.toContain('MRN-SECRET-777');
  } finally {
    expect(await app.stop()).toBe(0);
  }
  expect(app.output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
});

it('refuses to start on bad configuration, naming every problem', () => {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'apps/gateway/src/main.ts'], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', LF_GATEWAY_PORT: 'eighty', REDIS_URL: 'redis://:pw@' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(78);
  const output = result.stdout + result.stderr;
  for (const name of ['LF_GATEWAY_PORT', 'LF_API_KEYS', 'REDIS_URL']) expect(output).toContain(name);
});
