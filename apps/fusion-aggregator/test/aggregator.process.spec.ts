/**
 * The aggregator as its own process: SIGKILL with deadlines passing while it is down, then a restart that
 * finalizes those cases (exactly once); SIGTERM exits 0; bad configuration exits 78 naming the variables.
 */
import { spawnSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, jobIds, QUEUES } from '@lf/contracts';
import { CaseStore, createKeyBuilder } from '@lf/redis';
import { freePort, launchApp, startRedisServer, WORKSPACE_ROOT, type AppSpec, type RedisServerHandle } from '@lf/testing';

jest.setTimeout(60_000);

const keys = createKeyBuilder();
let server: RedisServerHandle;
let redis: Redis;
let store: CaseStore;
let queue: Queue;
let spec: AppSpec;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  store = new CaseStore(redis, keys);
  queue = new Queue(QUEUES.fusion, { connection: new Redis(server.url), prefix: keys.queuePrefix(QUEUES.fusion) });
  const port = await freePort();
  spec = {
    name: 'fusion-aggregator',
    entry: 'apps/fusion-aggregator/src/main.ts',
    env: { REDIS_URL: server.url, LF_MODELS_DIR: 'apps/fusion-aggregator/test/fixtures/models', LF_AGGREGATOR_OPS_PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
  };
});

afterAll(async () => {
  await queue?.close();
  (queue?.opts.connection as Redis | undefined)?.disconnect();
  redis?.disconnect();
  await server?.stop();
});

it('finalizes, after a SIGKILL and a restart, the cases whose deadlines passed while it was down', async () => {
  const first = await launchApp(spec);
  first.signal('SIGKILL');
  await first.exited;

  const cases = [];
  for (let i = 0; i < 10; i++) {
    const caseId = `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    const reg = await store.register({ caseId, tenant: 't', expected: ['tabular', 'vitals'], strategy: 'log-odds', deadlineMs: 200, blobs: {}, ttlSeconds: 3600, traceId: 't' });
    // Half keep their delayed job, half lost it: both must be finalized.
    if (i % 2 === 0) await queue.add(JOB_NAMES.finalizeCase, { caseId, cause: 'deadline', traceId: 't' }, { jobId: jobIds.finalize(caseId, 'deadline'), delay: 200 });
    cases.push(reg);
  }
  await new Promise((r) => setTimeout(r, 400));

  const second = await launchApp(spec);
  try {
    for (const { caseId, deadlineAt } of cases) {
      let view = await store.get(caseId);
      for (let t = 0; t < 100 && !view?.result; t++) {
        await new Promise((r) => setTimeout(r, 50));
        view = await store.get(caseId);
      }
      expect(view).toMatchObject({ completedBy: 'deadline', result: { status: 'failed' } });
      expect(view!.finalizedAt!).toBeGreaterThanOrEqual(deadlineAt);
      expect((await store.events(caseId)).filter((e) => e.type === 'finalized')).toHaveLength(1);
    }
  } finally {
    expect(await second.stop()).toBe(0);
  }
});

it('refuses to start on bad configuration, naming every problem', () => {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'apps/fusion-aggregator/src/main.ts'], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', LF_SWEEP_INTERVAL_MS: 'often', LF_AGGREGATOR_OPS_PORT: '-1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(78);
  for (const name of ['LF_SWEEP_INTERVAL_MS', 'LF_AGGREGATOR_OPS_PORT']) expect(result.stdout + result.stderr).toContain(name);
});
