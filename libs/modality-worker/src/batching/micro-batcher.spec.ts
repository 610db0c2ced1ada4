import { MicroBatcher } from './micro-batcher';

function recordingBatcher(maxBatchSize: number, maxWaitMs: number, run?: (items: readonly number[]) => Promise<Array<number | Error>>) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    maxBatchSize,
    maxWaitMs,
    runBatch: async (items) => {
      batches.push([...items]);
      return run ? run(items) : items.map((x) => x * 10);
    },
  });
  return { batcher, batches };
}

describe('MicroBatcher', () => {
  it('runs items submitted together as one batch and returns each result to its submitter', async () => {
    const { batcher, batches } = recordingBatcher(32, 2);
    const results = await Promise.all([1, 2, 3, 4, 5].map((x) => batcher.submit(x)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('never exceeds maxBatchSize and flushes a full batch without waiting', async () => {
    const { batcher, batches } = recordingBatcher(32, 200);
    const items = Array.from({ length: 70 }, (_, i) => i);
    const pending = items.map((x) => batcher.submit(x));
    // 64 items went out at once (two full batches); the remaining 6 wait for the (long) window.
    await Promise.all(pending.slice(0, 64));
    expect(batches.map((b) => b.length)).toEqual([32, 32]);
    expect(batcher.inFlight).toBe(6);
    await new Promise((r) => setImmediate(r));
    expect(batches.map((b) => b.length)).toEqual([32, 32]);
    await Promise.all(pending);
    expect(batches.map((b) => b.length)).toEqual([32, 32, 6]);
  });

  it('starts a batch after maxWaitMs even if it is not full, and later items go to the next batch', async () => {
    const { batcher, batches } = recordingBatcher(32, 5);
    const first = [batcher.submit(1), batcher.submit(2)];
    await Promise.all(first);
    const second = [batcher.submit(3)];
    await Promise.all(second);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('keeps order within a batch (results by position)', async () => {
    const { batcher } = recordingBatcher(8, 1, async (items) => [...items].map((x) => x + 0.5));
    const inputs = [9, 3, 7, 1, 5];
    await expect(Promise.all(inputs.map((x) => batcher.submit(x)))).resolves.toEqual([9.5, 3.5, 7.5, 1.5, 5.5]);
  });

  it('an Error in one slot rejects only that item', async () => {
    const { batcher } = recordingBatcher(8, 1, async (items) => items.map((x) => (x === 2 ? new Error('bad item 2') : x)));
    const results = await Promise.allSettled([1, 2, 3].map((x) => batcher.submit(x)));
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: new Error('bad item 2') });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 3 });
  });

  it('a thrown error rejects every item of that batch, and only that batch', async () => {
    let calls = 0;
    const { batcher } = recordingBatcher(2, 1, async (items) => {
      calls++;
      if (calls === 1) throw new Error('onnx exploded');
      return [...items];
    });
    const results = await Promise.allSettled([1, 2, 3].map((x) => batcher.submit(x)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('onnx exploded');
  });

  it('rejects all items when the runner returns the wrong number of results', async () => {
    const { batcher } = recordingBatcher(4, 1, async () => [1]);
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow('returned 1 results for 2 items');
  });

  it('idle() resolves once queued and running batches are done', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { batcher } = recordingBatcher(4, 1, async (items) => {
      await gate;
      return [...items];
    });
    const job = batcher.submit(1);
    let idle = false;
    const waiting = batcher.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(idle).toBe(false);
    release();
    await job;
    await waiting;
    expect(idle).toBe(true);
    await expect(batcher.idle()).resolves.toBeUndefined();
  });
});
