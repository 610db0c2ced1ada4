import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { defaultJobOptions } from '@lf/contracts';
import { createKeyBuilder } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import type { BulkJob } from './bulk-adder';
import { MultiQueueWriter } from './multi-queue-writer';

/** Against a real Redis: the writer's jobs are the jobs Queue.addBulk would have made, in one round trip. */
describe('MultiQueueWriter', () => {
  const keys = createKeyBuilder('mqw-test');
  let server: RedisServerHandle;
  let redis: Redis;
  let queues: Record<'imaging' | 'tabular', Queue>;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    queues = {
      imaging: new Queue('imaging', { connection: redis, prefix: keys.queuePrefix('imaging') }),
      tabular: new Queue('tabular', { connection: redis, prefix: keys.queuePrefix('tabular'), defaultJobOptions: { priority: 0, removeOnFail: 7 } }),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
    await server.stop();
  });

  afterEach(() => redis.flushall());

  const job = (id: string, data: Record<string, unknown> = { caseId: id }): BulkJob<unknown> => ({ name: 'score-modality', data, opts: { ...defaultJobOptions, jobId: id } });
  const stored = async (queue: Queue, id: string) => {
    const j = await queue.getJob(id);
    return j && { name: j.name, data: j.data, opts: j.opts, state: await j.getState() };
  };

  it('adds the jobs of several queues in one pipeline, each as addBulk would', async () => {
    const writer = new MultiQueueWriter(redis);
    await Promise.all(Object.values(queues).map((q) => q.waitUntilReady()));
    const pipelines = jest.spyOn(redis, 'pipeline');
    await writer.addBulk([
      { queue: queues.imaging, job: job('c1-imaging') },
      { queue: queues.tabular, job: job('c1-tabular') },
      { queue: queues.imaging, job: job('c2-imaging') },
    ]);
    expect(pipelines).toHaveBeenCalledTimes(1);
    pipelines.mockRestore();
    expect(await queues.imaging.getWaitingCount()).toBe(2);
    expect(await queues.tabular.getWaitingCount()).toBe(1);

    // The same jobs through BullMQ's own addBulk, under other ids: same name, data, options (the queue's
    // defaults merged under the job's own) and state.
    await queues.imaging.addBulk([job('ref-imaging', { caseId: 'c1-imaging' })]);
    await queues.tabular.addBulk([job('ref-tabular', { caseId: 'c1-tabular' })]);
    const strip = (j: Awaited<ReturnType<typeof stored>>) => j && { ...j, opts: { ...j.opts, jobId: undefined } };
    expect(strip(await stored(queues.imaging, 'c1-imaging'))).toEqual(strip(await stored(queues.imaging, 'ref-imaging')));
    expect(strip(await stored(queues.tabular, 'c1-tabular'))).toEqual(strip(await stored(queues.tabular, 'ref-tabular')));
    expect((await stored(queues.tabular, 'c1-tabular'))?.opts).toMatchObject({ attempts: defaultJobOptions.attempts, removeOnFail: defaultJobOptions.removeOnFail });
  });

  it('adds a job id that is already queued only once', async () => {
    const writer = new MultiQueueWriter(redis);
    await writer.addBulk([{ queue: queues.imaging, job: job('c3-imaging') }]);
    await writer.addBulk([{ queue: queues.imaging, job: job('c3-imaging', { caseId: 'other' }) }]);
    expect(await queues.imaging.getWaitingCount()).toBe(1);
    expect((await stored(queues.imaging, 'c3-imaging'))?.data).toEqual({ caseId: 'c3-imaging' });
  });

  it('rejects when Redis rejects a job, and does nothing for no jobs', async () => {
    const writer = new MultiQueueWriter(redis);
    await expect(writer.addBulk([])).resolves.toBeUndefined();
    await redis.set(`${keys.queuePrefix('imaging')}:imaging:wait`, 'not a list');
    await expect(writer.addBulk([{ queue: queues.imaging, job: job('c4-imaging') }])).rejects.toThrow(/WRONGTYPE/);
  });
});
