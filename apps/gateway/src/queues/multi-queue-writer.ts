import { Job, type Queue } from 'bullmq';
import type { RedisConnection } from '@lf/redis';
import type { BulkJob } from './bulk-adder';

/** One job for one of the producer's queues. */
export interface QueuedJob {
  queue: Queue;
  job: BulkJob<unknown>;
}

/**
 * Adds jobs of several BullMQ queues that share one connection in one pipeline: one write and one round
 * trip for a case's three score jobs (and for a batch of cases), where `Queue.addBulk` needs one per queue.
 * Each job goes through BullMQ's own `Job.addJob` (the same script, keys and options as `addBulk`, which
 * builds its pipeline the same way), with the queue's default job options merged as `addBulk` does.
 *
 * On a Cluster each queue lives in its own slot (hash-tagged prefix) and a pipeline may not span slots, so
 * there it is one `addBulk` per queue, as before.
 */
export class MultiQueueWriter {
  constructor(private readonly connection: RedisConnection) {}

  async addBulk(items: readonly QueuedJob[]): Promise<void> {
    if (items.length === 0) return;
    if ('nodes' in this.connection) {
      const byQueue = new Map<Queue, Array<BulkJob<unknown>>>();
      for (const { queue, job } of items) {
        const jobs = byQueue.get(queue);
        if (jobs) jobs.push(job);
        else byQueue.set(queue, [job]);
      }
      await Promise.all([...byQueue].map(([queue, jobs]) => queue.addBulk(jobs)));
      return;
    }
    // Every queue's client is BullMQ's view of the same connection, with its scripts defined: awaiting each
    // also waits for that queue's initialisation, as addBulk does.
    const clients = await Promise.all([...new Set(items.map((i) => i.queue))].map((queue) => queue.client));
    const pipeline = clients[0].pipeline();
    for (const { queue, job } of items) {
      const opts = { ...queue.defaultJobOptions, ...job.opts, jobId: job.opts.jobId };
      void new Job(queue, job.name, job.data, opts, opts.jobId).addJob(pipeline, { parentKey: undefined, parentDependenciesKey: '' });
    }
    const replies = (await pipeline.exec()) ?? [];
    if (replies.length !== items.length) throw new Error(`enqueue: ${replies.length} replies for ${items.length} jobs`);
    for (const [err] of replies) if (err) throw err;
  }
}
