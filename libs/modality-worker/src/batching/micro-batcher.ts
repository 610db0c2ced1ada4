/**
 * Collects items submitted within a short window (or until a batch is full) and runs them in one call.
 * With BullMQ concurrency N, up to N jobs reach inference at about the same time; one ONNX run over a
 * [B, ...] tensor costs little more than a run over [1, ...], so batching multiplies throughput.
 *
 * Guarantees: results go back to their own submitter (by position), a batch never exceeds maxBatchSize,
 * nothing waits longer than maxWaitMs before its batch starts, and one item's error (returned as an Error
 * in its slot) rejects only that item; a thrown error rejects every item of that batch.
 */
export interface MicroBatcherOptions<I, O> {
  maxBatchSize: number;
  /** How long the first item of a batch waits for company. 0 = the next macrotask. */
  maxWaitMs: number;
  /** Runs one batch; returns one result or Error per item, in order. */
  runBatch(items: readonly I[]): Promise<ReadonlyArray<O | Error>>;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: Error): void;
}

export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: MicroBatcherOptions<I, O>) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) throw new Error('maxBatchSize must be a positive integer');
    if (!(options.maxWaitMs >= 0)) throw new Error('maxWaitMs must be >= 0');
  }

  /** Items waiting for a batch plus items in running batches. */
  get inFlight(): number {
    return this.queue.length + this.running;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxBatchSize) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Resolves once nothing is queued or running (used before releasing a retired model's session). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      void this.run(batch);
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    this.running += batch.length;
    try {
      const results = await this.options.runBatch(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`batch runner returned ${results.length} results for ${batch.length} items`);
      batch.forEach((p, i) => {
        const r = results[i];
        if (r instanceof Error) p.reject(r);
        else p.resolve(r);
      });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(e);
    } finally {
      this.running -= batch.length;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
