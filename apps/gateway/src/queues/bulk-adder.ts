/**
 * Coalesces `add` calls into one `addBulk` (one pipeline round trip for many jobs; CaseProducer feeds it
 * the jobs of every queue, MultiQueueWriter writes them).
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

/** Where a batch goes: anything with an `addBulk` of the items (a BullMQ Queue, a MultiQueueWriter). */
export interface BulkSink<I> {
  addBulk(items: I[]): Promise<unknown>;
}

interface Pending<I> {
  item: I;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class BulkAdder<I> {
  private pending: Pending<I>[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sink: BulkSink<I>,
    private readonly maxBatch = 200,
  ) {}

  add(item: I): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
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
    const done = this.sink.addBulk(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}
