import { Queue } from 'bullmq';
import { QUEUES, type ModalityRegistryEntry } from '@lf/contracts';
import type { KeyBuilder, RedisConnection } from '@lf/redis';
import { BulkAdder } from './bulk-adder';
import type { CaseJobs } from './case-jobs';
import { MultiQueueWriter, type QueuedJob } from './multi-queue-writer';

/**
 * The gateway only produces: plain BullMQ `Queue` objects (never a Worker, never a module with a
 * @Processor), one per enabled registry queue plus the fusion queue, all on the gateway's fail-fast
 * producer connection. A passed ioredis instance is shared by BullMQ and never closed by it; the app
 * closes it after the queues. The jobs of concurrent submissions, for every queue, are coalesced and written
 * in one pipeline (BulkAdder + MultiQueueWriter).
 */
export class CaseProducer {
  private readonly queues = new Map<string, Queue>();
  private readonly adder: BulkAdder<QueuedJob>;

  constructor(connection: RedisConnection, registry: readonly ModalityRegistryEntry[], keys: KeyBuilder) {
    const names = new Set([...registry.filter((e) => e.enabled).map((e) => e.queue), QUEUES.fusion]);
    for (const name of names) {
      const queue = new Queue(name, { connection, prefix: keys.queuePrefix(name) });
      // Errors surface through the add promises; an unhandled 'error' event would crash the process.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    this.adder = new BulkAdder(new MultiQueueWriter(connection));
  }

  /** Enqueues a case's score jobs; resolves once Redis has them all. */
  async enqueue(jobs: CaseJobs): Promise<void> {
    await Promise.all(jobs.score.map(({ queue, job }) => this.adder.add({ queue: this.producerFor(queue), job })));
  }

  queue(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  async close(): Promise<void> {
    await this.adder.drain().catch(() => undefined);
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }

  private producerFor(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no producer for queue '${name}'`);
    return queue;
  }
}
