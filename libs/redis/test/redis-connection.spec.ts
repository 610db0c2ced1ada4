import { freePort, startRedisSentinel, startRedisServer, type RedisServerHandle } from '@lf/testing';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { createKeyBuilder } from '../src/keys';
import { createRedisConnection, waitUntilReady, type RedisConnection } from '../src/redis-connection';

const opened: RedisConnection[] = [];
function open(...args: Parameters<typeof createRedisConnection>): RedisConnection {
  const connection = createRedisConnection(...args);
  connection.on('error', () => undefined); // expected while servers are down
  opened.push(connection);
  return connection;
}

let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const c of opened) if (c.status !== 'end') c.disconnect();
  await server.stop();
});

describe('createRedisConnection options', () => {
  it('gives workers maxRetriesPerRequest null and producers fail-fast settings; never a keyPrefix', () => {
    const worker = open('redis://127.0.0.1:1/3', { role: 'worker', name: 'w', lazyConnect: true }) as Redis;
    const producer = open('redis://127.0.0.1:1', { role: 'producer', name: 'p', lazyConnect: true }) as Redis;
    expect(worker.options).toMatchObject({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'w', db: 3 });
    expect(producer.options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: 'p' });
    expect(worker.options.keyPrefix || undefined).toBeUndefined();
    expect(producer.options.keyPrefix || undefined).toBeUndefined();
  });

  it('turns on TLS for rediss:// and the sentinel form', () => {
    const tls = open('rediss://:pw@cache.example.com:6380', { role: 'producer', name: 'p', lazyConnect: true }) as Redis;
    expect(tls.options).toMatchObject({ host: 'cache.example.com', port: 6380, password: 'pw', tls: { servername: 'cache.example.com' } });
    const sentinel = open('rediss-sentinel://:pw@s1:26379,s2/main?sentinelPassword=sp&db=2', { role: 'worker', name: 'w', lazyConnect: true }) as Redis;
    expect(sentinel.options).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }],
      name: 'main',
      db: 2,
      password: 'pw',
      sentinelPassword: 'sp',
      enableTLSForSentinelMode: true,
      maxRetriesPerRequest: null,
      connectionName: 'w',
    });
  });

  it('builds an ioredis Cluster for redis-cluster://, with the role settings', () => {
    const cluster = open('redis-cluster://n1:7000,n2:7001', { role: 'producer', name: 'p', lazyConnect: true }) as Cluster;
    expect(cluster).toBeInstanceOf(Cluster);
    expect(cluster.options).toMatchObject({ enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1, connectionName: 'p' } });
    const worker = open('redis-cluster://n1:7000', { role: 'worker', name: 'w', lazyConnect: true }) as Cluster;
    expect(worker.options).toMatchObject({ enableOfflineQueue: true, redisOptions: { maxRetriesPerRequest: null } });
  });

  it('rejects bad URLs and names with a clear message', () => {
    expect(() => createRedisConnection('redis:/x', { role: 'worker', name: 'w' })).toThrow(/invalid Redis URL/);
    expect(() => createRedisConnection('redis://x', { role: 'worker', name: 'has space' })).toThrow(/connection name/);
  });
});

describe('createRedisConnection against real servers', () => {
  it('sets the client name, visible in CLIENT LIST', async () => {
    const producer = open(server.url, { role: 'producer', name: 'gateway:producer' });
    await waitUntilReady(producer);
    expect(await producer.client('GETNAME')).toBe('gateway:producer');
  });

  it('a producer fails fast while Redis is down; a worker queues the command and completes it once Redis is back', async () => {
    const port = await freePort();
    const producer = open(`redis://127.0.0.1:${port}`, { role: 'producer', name: 'p' });
    const worker = open(`redis://127.0.0.1:${port}`, { role: 'worker', name: 'w' });

    const started = Date.now();
    await expect(producer.set('k', 'v')).rejects.toThrow(/enableOfflineQueue/);
    expect(Date.now() - started).toBeLessThan(3000); // queued, it would wait for Redis for ever (loose: CI is shared)
    await expect(waitUntilReady(producer, 200)).rejects.toThrow(/not ready within 200 ms.*ECONNREFUSED/);

    const pending = worker.set('k', 'from-worker');
    const late = await startRedisServer({ port });
    try {
      await expect(pending).resolves.toBe('OK');
      await waitUntilReady(producer, 5_000);
      expect(await producer.get('k')).toBe('from-worker');
    } finally {
      producer.disconnect();
      worker.disconnect();
      await late.stop();
    }
  });

  it('connects through Redis Sentinel to the master', async () => {
    const sentinel = await startRedisSentinel({ masterPort: server.port, masterName: 'lf' });
    try {
      const connection = open(sentinel.sentinelUrl, { role: 'worker', name: 'via-sentinel' });
      await waitUntilReady(connection);
      await connection.set('via-sentinel', '1');
      const direct = new Redis(server.url);
      expect(await direct.get('via-sentinel')).toBe('1');
      direct.disconnect();
      connection.disconnect();
    } finally {
      await sentinel.stop();
    }
  });

  it('is accepted by BullMQ: a producer Queue and a worker Worker on a hash-tagged prefix', async () => {
    const keys = createKeyBuilder();
    const prefix = keys.queuePrefix('conn-spec');
    const producer = open(server.url, { role: 'producer', name: 'spec:producer' });
    const workerConnection = open(server.url, { role: 'worker', name: 'spec:worker' });
    await waitUntilReady(producer);
    const queue = new Queue('conn-spec', { connection: producer, prefix });
    const events = new QueueEvents('conn-spec', { connection: open(server.url, { role: 'worker', name: 'spec:events' }), prefix });
    const worker = new Worker('conn-spec', async (job) => `done ${job.data.n}`, { connection: workerConnection, prefix });
    try {
      await events.waitUntilReady();
      const job = await queue.add('x', { n: 7 }, { jobId: 'case1-imaging' });
      expect(await job.waitUntilFinished(events, 5_000)).toBe('done 7');
      expect(await producer.exists(`${prefix}:conn-spec:case1-imaging`)).toBe(1);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});
