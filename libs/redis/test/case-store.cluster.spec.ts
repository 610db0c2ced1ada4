/**
 * The whole case lifecycle on Redis Cluster, through `redis-cluster://`: the server rejects any script or
 * MULTI whose keys span slots (CROSSSLOT), so this proves the one-hash-tag-per-case layout for real.
 */
import { startSingleNodeRedisCluster, type RedisClusterHandle } from '@lf/testing';
import { Cluster, Redis } from 'ioredis';
import { CaseStore } from '../src/case-store';
import { createKeyBuilder } from '../src/keys';
import { createRedisConnection, waitUntilReady, type RedisConnection } from '../src/redis-connection';
import { registration, score, untilRedisTime } from './support/fixtures';

let cluster: RedisClusterHandle;
let connection: RedisConnection;

beforeAll(async () => {
  cluster = await startSingleNodeRedisCluster();
  connection = createRedisConnection(cluster.clusterUrl, { role: 'producer', name: 'cluster-spec' });
  await waitUntilReady(connection);
}, 15_000);

afterAll(async () => {
  await connection.quit();
  await cluster.stop();
});

it('connects as a cluster client, and the server does enforce CROSSSLOT', async () => {
  expect(connection).toBeInstanceOf(Cluster);
  // The cluster client (auto-pipelining) refuses a cross-slot script before sending it; a plain
  // connection to the node shows that the server refuses it too.
  await expect(connection.eval('return 1', 2, '{a}:x', '{b}:y')).rejects.toThrow(/same slot|CROSSSLOT/);
  const plain = new Redis(cluster.url);
  try {
    await expect(plain.eval('return 1', 2, '{a}:x', '{b}:y')).rejects.toThrow(/CROSSSLOT/);
  } finally {
    plain.disconnect();
  }
});

it('runs register -> scores -> fence -> late score -> result -> read on a cluster', async () => {
  const keys = createKeyBuilder();
  const store = new CaseStore(connection, keys);
  const reg = registration({ expected: ['imaging', 'tabular', 'vitals'], deadlineMs: 100 });

  const { deadlineAt } = await store.register(reg);
  expect(await store.readBlob(keys.blob(reg.caseId, 'imaging'))).toEqual(reg.blobs['imaging']);
  expect(await store.recordScore(reg.caseId, score('imaging'))).toBe('recorded');
  expect(await store.recordScore(reg.caseId, score('tabular'))).toBe('recorded');
  await untilRedisTime(store, deadlineAt);
  expect(await store.dueDeadlines(10)).toContain(reg.caseId);

  const fence = await store.finalize(reg.caseId, 'deadline');
  expect(fence).toMatchObject({ admitted: true, snapshot: { completedBy: 'deadline' } });
  expect(await store.finalize(reg.caseId, 'deadline')).toMatchObject({ admitted: false, reason: 'already-finalized' });
  expect(await store.recordScore(reg.caseId, score('vitals'))).toBe('late');
  const fused = { strategy: 'weighted-mean' as const, probability: 0.3, riskBand: 'moderate' as const, contributions: [], degraded: true };
  expect(await store.storeResult(reg.caseId, { status: 'degraded', fused })).toBe(true);

  const view = await store.get(reg.caseId);
  expect(view).toMatchObject({ status: 'degraded', completedBy: 'deadline', late: { vitals: score('vitals') }, result: { status: 'degraded' } });
  expect((await store.events(reg.caseId)).map((e) => e.type)).toEqual([
    'submitted',
    'score',
    'score',
    'finalized',
    'late-score',
    'result-stored',
  ]);
  expect(await store.dueDeadlines(10)).not.toContain(reg.caseId);
  // The finalized stream (another slot) got the case's summary from the script's reply.
  const [entry] = (await connection.xrange(keys.finalized(), '-', '+')).filter(([, f]) => f[1] === reg.caseId);
  expect(entry[1]).toEqual(expect.arrayContaining(['status', 'degraded', 'completedBy', 'deadline', 'finalizedAt', String(view!.finalizedAt), 'expected', 'imaging,tabular,vitals']));
  expect(entry[1][entry[1].indexOf('replies') + 1]).toMatch(/^imaging:ok:\d+,tabular:ok:\d+$/);
});
