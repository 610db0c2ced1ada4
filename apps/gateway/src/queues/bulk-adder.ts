/**
 * Coalesces `add` calls for one BullMQ queue into `addBulk` (one MULTI round trip for many jobs).
 *
 * Jobs added in the same event-loop turn (concurrent requests whose case registrations came back in one
 * Redis reply) are flushed together at `setImmediate`, so batching adds no timer latency; a batch is also
 * flushed as soon as it reaches `maxBatch`. Each caller's promise settles with its batch.
 */
export interface BulkJob<T> {
  name: string;
  data: T;
  opts: Record<string, unknown> & { jobId: string };
}

export interface BulkQueue<T> {
  addBulk(jobs: BulkJob<T>[]): Promise<unknown>;
}

interface Pending<T> {
  job: BulkJob<T>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class BulkAdder<T> {
  private pending: Pending<T>[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: BulkQueue<T>,
    private readonly maxBatch = 200,
  ) {}

  add(job: BulkJob<T>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when every batch handed to Redis so far has settled (shutdown). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const done = this.queue.addBulk(batch.map((p) => p.job)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}
