import { BulkAdder, type BulkJob } from './bulk-adder';

const job = (id: string): BulkJob<{ id: string }> => ({ name: 'j', data: { id }, opts: { jobId: id } });

function fakeQueue(fail = false) {
  const batches: string[][] = [];
  return {
    batches,
    async addBulk(jobs: BulkJob<{ id: string }>[]) {
      batches.push(jobs.map((j) => j.opts.jobId));
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('redis down');
      return jobs;
    },
  };
}

describe('BulkAdder', () => {
  it('sends jobs added in the same turn as one addBulk', async () => {
    const queue = fakeQueue();
    const adder = new BulkAdder(queue);
    await Promise.all(['a', 'b', 'c'].map((id) => adder.add(job(id))));
    await adder.add(job('d'));
    expect(queue.batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('flushes at maxBatch without waiting for the turn to end', async () => {
    const queue = fakeQueue();
    const adder = new BulkAdder(queue, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => adder.add(job(id))));
    expect(queue.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('rejects every caller of a failed batch', async () => {
    const adder = new BulkAdder(fakeQueue(true));
    const results = await Promise.allSettled([adder.add(job('a')), adder.add(job('b'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('drain waits for batches in flight', async () => {
    const queue = fakeQueue();
    const adder = new BulkAdder(queue);
    let settled = false;
    void adder.add(job('a')).then(() => (settled = true));
    await adder.drain();
    expect(settled).toBe(true);
    expect(queue.batches).toEqual([['a']]);
  });
});
