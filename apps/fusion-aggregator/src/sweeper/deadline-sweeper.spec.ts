import { createLogger, createMetrics } from '@lf/observability';
import { createAggregatorMetrics } from '../aggregator-metrics';
import type { FinalizeResult } from '../finalize/case-finalizer';
import { DeadlineSweeper } from './deadline-sweeper';

function setup(due: string[][], outcome: (id: string) => FinalizeResult | Error, intervalMs = 20) {
  const calls: string[] = [];
  const metrics = createAggregatorMetrics(createMetrics('test', { defaultMetrics: false }));
  let sweep = 0;
  const sweeper = new DeadlineSweeper({
    store: { scanDeadlines: async () => ({ now: 1000, due: due[Math.min(sweep++, due.length - 1)], nextDeadlineAt: null }) },
    finalizer: {
      finalize: async (id, cause, source) => {
        calls.push(`${id}:${cause}:${source}`);
        const r = outcome(id);
        if (r instanceof Error) throw r;
        return r;
      },
    },
    metrics,
    logger: createLogger({ app: 'test', sink: () => undefined }),
    intervalMs,
    batchSize: 2,
  });
  return { sweeper, calls, metrics };
}

describe('DeadlineSweeper', () => {
  it('finalizes every due case with cause deadline, and survives one failing', async () => {
    const { sweeper, calls, metrics } = setup([['a', 'b']], (id) => (id === 'a' ? new Error('redis blip') : { outcome: 'finalized', status: 'failed', completedBy: 'deadline' }));
    expect(await sweeper.sweepOnce()).toEqual({ due: 2, settled: 1, next: null });
    expect(calls).toEqual(['a:deadline:sweeper', 'b:deadline:sweeper']);
    expect((await metrics.sweepErrors.get()).values[0].value).toBe(1);
    expect((await metrics.dueDeadlines.get()).values[0].value).toBe(2);
  });

  it('does not count fences held by a live finalizer as progress', async () => {
    const { sweeper } = setup([['a', 'b']], () => ({ outcome: 'in-progress' }));
    expect(await sweeper.sweepOnce()).toEqual({ due: 2, settled: 0, next: null });
  });

  it('sweeps again at once after a full batch with progress, not on the interval; stop waits', async () => {
    // An interval far longer than the test: 'c' can only come from the immediate second sweep. (A 10 ms
    // wait against a 20 ms interval was flaky on a loaded CI machine.)
    const { sweeper, calls } = setup([['a', 'b'], ['c'], []], () => ({ outcome: 'duplicate' }), 60_000);
    sweeper.start();
    try {
      for (let waited = 0; calls.length < 3 && waited < 2000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      expect(calls.map((c) => c.split(':')[0])).toEqual(['a', 'b', 'c']);
    } finally {
      await sweeper.stop();
    }
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.length).toBe(after);
  });
});

describe('DeadlineSweeper.nextDelay', () => {
  const opts = { intervalMs: 250, batchSize: 100, minWakeMs: 5 };
  it('sleeps until the next deadline, within [minWakeMs, intervalMs]', () => {
    expect(DeadlineSweeper.nextDelay({ due: 0, settled: 0, next: { deadlineAt: 1040, now: 1000 } }, opts)).toBe(41);
    expect(DeadlineSweeper.nextDelay({ due: 0, settled: 0, next: { deadlineAt: 1001, now: 1000 } }, opts)).toBe(5);
    expect(DeadlineSweeper.nextDelay({ due: 0, settled: 0, next: { deadlineAt: 9000, now: 1000 } }, opts)).toBe(250);
    expect(DeadlineSweeper.nextDelay({ due: 0, settled: 0, next: null }, opts)).toBe(250);
  });
  it('keeps going through a backlog, but does not spin on fences held by others', () => {
    expect(DeadlineSweeper.nextDelay({ due: 100, settled: 3, next: { deadlineAt: 900, now: 1000 } }, opts)).toBe(0);
    expect(DeadlineSweeper.nextDelay({ due: 4, settled: 0, next: { deadlineAt: 900, now: 1000 } }, opts)).toBe(250);
  });
  it('backs off after a failed sweep', () => {
    expect(DeadlineSweeper.nextDelay(undefined, opts)).toBe(250);
  });
});
