import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger, createMetrics } from '@lf/observability';
import { createKeyBuilder } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { createAccessMetrics } from '../auth/access-metrics';
import { BackpressureMonitor, evaluateBackpressure, memoryRatioFromInfo } from './backpressure';

const silent = createLogger({ app: 'test', sink: () => undefined });

describe('evaluateBackpressure', () => {
  const thresholds = { maxBacklog: 100, maxQueueWaitMs: 1000, maxMemoryRatio: 0.8 };
  const idle = { oldestWaitMs: {}, draining: {} };

  it('sheds when any queue passes the backlog limit', () => {
    expect(evaluateBackpressure({ at: 0, backlog: { imaging: 100, tabular: 3 }, ...idle }, thresholds)).toEqual({ active: false, reasons: [] });
    expect(evaluateBackpressure({ at: 0, backlog: { imaging: 101, tabular: 3 }, ...idle }, thresholds)).toEqual({ active: true, reasons: ['queue imaging backlog 101 > 100'] });
  });

  it('sheds when Redis memory passes the ratio, and ignores memory without maxmemory', () => {
    expect(evaluateBackpressure({ at: 0, backlog: {}, ...idle, memoryRatio: 0.85 }, thresholds)).toEqual({ active: true, reasons: ['Redis memory 85.0% of maxmemory > 80.0%'] });
    expect(evaluateBackpressure({ at: 0, backlog: {}, ...idle, memoryRatio: 0.8 }, thresholds).active).toBe(false);
    expect(evaluateBackpressure({ at: 0, backlog: {}, ...idle }, thresholds).active).toBe(false);
  });

  it('sheds when the oldest waiting job of a draining queue has waited longer than maxQueueWaitMs, and never when that check is off', () => {
    const sample = { at: 0, backlog: { imaging: 40, tabular: 0 }, oldestWaitMs: { imaging: 1000, tabular: 0 }, draining: { imaging: true, tabular: false } };
    expect(evaluateBackpressure(sample, thresholds)).toEqual({ active: false, reasons: [] });
    const late = { ...sample, oldestWaitMs: { imaging: 1500.4, tabular: 0 } };
    expect(evaluateBackpressure(late, thresholds)).toEqual({ active: true, reasons: ['queue imaging oldest waiting job queued 1500 ms ago > 1000 ms'] });
    expect(evaluateBackpressure(late, { ...thresholds, maxQueueWaitMs: 0 }).active).toBe(false);
    // A queue nobody takes jobs from (its worker is down) is an outage of one modality, not an overload.
    expect(evaluateBackpressure({ ...late, draining: { imaging: false, tabular: false } }, thresholds).active).toBe(false);
  });
});

describe('memoryRatioFromInfo', () => {
  it('reads used_memory / maxmemory', () => {
    expect(memoryRatioFromInfo('# Memory\r\nused_memory:500\r\nused_memory_human:500B\r\nmaxmemory:1000\r\nmaxmemory_human:1000B\r\n')).toBe(0.5);
  });
  it('is undefined without a maxmemory', () => {
    expect(memoryRatioFromInfo('# Memory\r\nused_memory:500\r\nmaxmemory:0\r\n')).toBeUndefined();
    expect(memoryRatioFromInfo('')).toBeUndefined();
  });
});

describe('BackpressureMonitor against real queues', () => {
  const keys = createKeyBuilder('bp-test');
  let server: RedisServerHandle;
  let redis: Redis;
  let queues: Queue[];

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    queues = ['imaging', 'tabular'].map((name) => new Queue(name, { connection: redis, prefix: keys.queuePrefix(name) }));
  });

  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
    await server.stop();
  });

  afterEach(async () => {
    await redis.flushall();
    await redis.config('SET', 'maxmemory', '0');
  });

  const monitor = (maxBacklog: number, maxMemoryRatio = 0.9, maxQueueWaitMs = 0, now?: () => number) => {
    const metrics = createAccessMetrics(createMetrics('test', { defaultMetrics: false }));
    const m = new BackpressureMonitor({ queues, redis, thresholds: { maxBacklog, maxQueueWaitMs, maxMemoryRatio }, sampleMs: 50, logger: silent, metrics, ...(now ? { now } : {}) });
    return { m, metrics };
  };

  it('counts waiting, prioritized and delayed jobs, not active or completed ones, per queue', async () => {
    const [imaging, tabular] = queues;
    await imaging.addBulk([
      { name: 'score-modality', data: {} },
      { name: 'score-modality', data: {} },
      { name: 'score-modality', data: {} },
      { name: 'score-modality', data: {} },
      { name: 'score-modality', data: {}, opts: { priority: 5 } },
      { name: 'score-modality', data: {}, opts: { delay: 60_000 } },
    ]);
    await tabular.add('score-modality', {});
    // Two jobs leave the backlog: one is being worked on (active), one is done (completed).
    const worker = new Worker('imaging', null, { connection: redis, prefix: keys.queuePrefix('imaging'), autorun: false });
    try {
      await worker.getNextJob('token-1');
      const done = await worker.getNextJob('token-2');
      await done!.moveToCompleted('ok', 'token-2', false);
    } finally {
      await worker.close(true);
    }
    expect(await imaging.getJobCounts('active', 'completed')).toEqual({ active: 1, completed: 1 });

    const { m, metrics } = monitor(3);
    await m.sampleNow();
    expect(m.state).toMatchObject({ active: true, reasons: ['queue imaging backlog 4 > 3'], stale: false, sample: { backlog: { imaging: 4, tabular: 1 } } });
    const exposed = await metrics.queueBacklog.get();
    expect(exposed.values.map((v) => [v.labels['queue'], v.value])).toEqual([
      ['imaging', 4],
      ['tabular', 1],
    ]);
    expect((await metrics.backpressureState.get()).values.find((v) => v.labels['state'] === 'shedding')?.value).toBe(1);

    await imaging.drain(true);
    await m.sampleNow();
    expect(m.state).toMatchObject({ active: false, reasons: [], sample: { backlog: { imaging: 0, tabular: 1 } } });
    expect((await metrics.backpressureState.get()).values.find((v) => v.labels['state'] === 'accepting')?.value).toBe(1);
  });

  it('measures how long the oldest waiting job of each queue has waited, and sheds past maxQueueWaitMs only while the queue drains', async () => {
    const [imaging, tabular] = queues;
    let clock = Date.now();
    const { m, metrics } = monitor(1000, 0.9, 1000, () => clock);
    await m.sampleNow();
    expect(m.state).toMatchObject({ active: false, sample: { oldestWaitMs: { imaging: 0, tabular: 0 } } });

    const oldest = await imaging.add('score-modality', {});
    clock = oldest.timestamp + 400;
    await imaging.add('score-modality', {}, { timestamp: oldest.timestamp + 300 });
    await tabular.add('score-modality', {}, { timestamp: oldest.timestamp + 200 });
    await m.sampleNow();
    // The oldest job decides (the second was queued later), per queue.
    expect(m.state).toMatchObject({ active: false, sample: { oldestWaitMs: { imaging: 400, tabular: 200 } } });
    expect((await metrics.queueOldestWait.get()).values.map((v) => [v.labels['queue'], v.value])).toEqual([
      ['imaging', 0.4],
      ['tabular', 0.2],
    ]);

    // Nobody takes jobs (no worker): old jobs, but an outage of the modality, not an overload.
    clock = oldest.timestamp + 1500;
    await m.sampleNow();
    expect(m.state).toMatchObject({ active: false, sample: { oldestWaitMs: { imaging: 1500, tabular: 1300 }, draining: { imaging: false, tabular: false } } });

    // A worker takes the oldest job: the queue drains, and its next job has waited too long.
    const worker = new Worker('imaging', null, { connection: redis, prefix: keys.queuePrefix('imaging'), autorun: false });
    try {
      expect((await worker.getNextJob('token-1'))?.id).toBe(oldest.id);
    } finally {
      await worker.close(true);
    }
    await m.sampleNow();
    expect(m.state).toMatchObject({ active: true, reasons: ['queue imaging oldest waiting job queued 1200 ms ago > 1000 ms'], sample: { draining: { imaging: true, tabular: false } } });
    expect((await metrics.backpressureState.get()).values.find((v) => v.labels['state'] === 'shedding')?.value).toBe(1);
  });

  it('sheds on Redis memory only when maxmemory is set', async () => {
    const { m, metrics } = monitor(1000, 0.5);
    await m.sampleNow();
    expect(m.state.active).toBe(false);
    expect(m.state.sample?.memoryRatio).toBeUndefined();

    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    await redis.config('SET', 'maxmemory', String(Math.ceil(used * 1.5)));
    await m.sampleNow();
    expect(m.state.active).toBe(true);
    expect(m.state.reasons[0]).toMatch(/^Redis memory \d+\.\d% of maxmemory > 50\.0%$/);
    expect((await metrics.redisMemoryRatio.get()).values[0].value).toBeGreaterThan(0.5);
  });

  it('samples in the background and goes stale (not shedding) when Redis stops answering', async () => {
    let clock = Date.now();
    const failing = { name: 'imaging', getJobCounts: async () => ({ wait: 5 }), toKey: (type: string) => type } as const;
    const m = new BackpressureMonitor({ queues: [failing], redis, thresholds: { maxBacklog: 1, maxQueueWaitMs: 1000, maxMemoryRatio: 0.9 }, sampleMs: 50, logger: silent, now: () => clock });
    expect(m.state).toEqual({ active: false, reasons: [], stale: true });
    m.start();
    await new Promise((r) => setTimeout(r, 120));
    expect(m.state.active).toBe(true);
    await m.close();
    clock += 60_000;
    expect(m.state).toMatchObject({ active: false, stale: true });
  });
});
