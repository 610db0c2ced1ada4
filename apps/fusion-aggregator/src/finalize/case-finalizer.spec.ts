import type { FusedRisk, ScoreRecord } from '@lf/contracts';
import { createLogger, createMetrics } from '@lf/observability';
import type { CaseSnapshot, FenceOutcome, StoredResult } from '@lf/redis';
import { createAggregatorMetrics } from '../aggregator-metrics';
import { FusionEngine } from '../fusion/fusion-engine';
import { CaseFinalizer } from './case-finalizer';

const params = { prior: 0.1, riskBands: { moderate: 0.05, high: 0.2 }, logOdds: { weights: { tabular: 1, vitals: 1 } } };
const engine = new FusionEngine({ params, strategies: new Set(['log-odds'] as const), defaultStrategy: 'log-odds' });

const ok = (modality: string, probability: number): ScoreRecord => ({
  modality,
  status: 'ok',
  probability,
  logit: 0,
  modelId: modality,
  modelVersion: '1.0.0',
  latencyMs: 1,
  qualityFlags: [],
});

const snapshot = (over: Partial<CaseSnapshot> = {}): CaseSnapshot => ({
  caseId: 'c1',
  tenant: 't',
  expected: ['tabular', 'vitals'],
  strategy: 'log-odds',
  submittedAt: 1000,
  deadlineAt: 3000,
  finalizedAt: 1200,
  completedBy: 'all-replied',
  scores: { tabular: ok('tabular', 0.2), vitals: ok('vitals', 0.7) },
  traceId: 'trace',
  ...over,
});

function setup(fence: FenceOutcome, storeReturns = true) {
  const stored: StoredResult[] = [];
  const cleared: string[] = [];
  /** storeResult's clearDeadline option, per call. */
  const clearedWithResult: boolean[] = [];
  const store = {
    finalize: jest.fn(async () => fence),
    storeResult: jest.fn(async (_id: string, result: StoredResult, _inputs?: unknown, options?: { clearDeadline: boolean }) => {
      stored.push(result);
      clearedWithResult.push(options?.clearDeadline ?? true);
      return storeReturns;
    }),
    clearDeadline: jest.fn(async (id: string) => {
      cleared.push(id);
    }),
  };
  const metrics = createAggregatorMetrics(createMetrics('test', { defaultMetrics: false }));
  const finalizer = new CaseFinalizer({
    store,
    fusion: engine,
    metrics,
    logger: createLogger({ app: 'test', sink: () => undefined }),
    recoveryGraceMs: 1000,
  });
  return { finalizer, store, stored, cleared, clearedWithResult, metrics };
}

describe('CaseFinalizer', () => {
  it('fuses and stores the admitted snapshot, counting it once', async () => {
    const { finalizer, stored, cleared, clearedWithResult, metrics } = setup({ admitted: true, now: 1200, deadlineAt: 3000, snapshot: snapshot() });
    expect(await finalizer.finalize('c1', 'all-replied', 'job')).toEqual({ outcome: 'finalized', status: 'complete', completedBy: 'all-replied' });
    expect(stored).toHaveLength(1);
    const expected: FusedRisk = await engine.fuse('log-odds', [
      { modality: 'tabular', status: 'ok', probability: 0.2, logit: 0 },
      { modality: 'vitals', status: 'ok', probability: 0.7, logit: 0 },
    ]);
    expect(stored[0]).toEqual({ status: 'complete', fused: expected });
    // A trigger job: the deadline entry goes with the result, in one round trip.
    expect(clearedWithResult).toEqual([true]);
    expect(cleared).toEqual([]);
    expect((await metrics.casesFinalized.get()).values).toEqual([{ labels: { cause: 'all-replied', status: 'complete' }, value: 1 }]);
    const latency = await metrics.caseLatency.get();
    expect(latency.values.find((v) => v.metricName === 'lf_case_latency_seconds_sum')!.value).toBeCloseTo(0.2);
  });

  it('stores a degraded result when a modality is missing, and failed when none is usable', async () => {
    const degraded = setup({ admitted: true, now: 3000, snapshot: snapshot({ completedBy: 'deadline', scores: { vitals: ok('vitals', 0.7) } }) });
    expect(await degraded.finalizer.finalize('c1', 'deadline', 'sweeper')).toMatchObject({ status: 'degraded' });
    const failed = setup({ admitted: true, now: 3000, snapshot: snapshot({ completedBy: 'deadline', scores: {} }) });
    expect(await failed.finalizer.finalize('c1', 'deadline', 'sweeper')).toMatchObject({ status: 'failed' });
    expect(failed.stored[0].fused.probability).toBe(0.1);
  });

  it('counts finalizations by cause and status, deadline slack on both sides of the deadline, and modality replies', async () => {
    const value = async (metric: { get(): Promise<{ values: Array<{ labels: object; value: number; metricName?: string }> }> }, labels: object, metricName?: string) =>
      (await metric.get()).values.find((v) => (!metricName || v.metricName === metricName) && JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;
    // All replied 1.8 s before the deadline (3000 - 1200 ms).
    const early = setup({ admitted: true, now: 1200, deadlineAt: 3000, snapshot: snapshot() });
    await early.finalizer.finalize('c1', 'all-replied', 'job');
    expect(await value(early.metrics.deadlineSlack, { cause: 'all-replied' }, 'lf_case_deadline_slack_seconds_sum')).toBeCloseTo(-1.8);
    expect(await value(early.metrics.deadlineSlack, { le: -1, cause: 'all-replied' }, 'lf_case_deadline_slack_seconds_bucket')).toBe(1);
    expect(await value(early.metrics.deadlineSlack, { le: -2.5, cause: 'all-replied' }, 'lf_case_deadline_slack_seconds_bucket')).toBe(0);
    expect(await value(early.metrics.modalityReplies, { modality: 'tabular', reply: 'ok' })).toBe(1);

    // Closed by its deadline, 0.4 s after it, with vitals missing: degraded.
    const late = setup({ admitted: true, now: 3400, snapshot: snapshot({ completedBy: 'deadline', finalizedAt: 3400, scores: { tabular: ok('tabular', 0.2) } }) });
    await late.finalizer.finalize('c1', 'deadline', 'job');
    expect(await value(late.metrics.casesFinalized, { cause: 'deadline', status: 'degraded' })).toBe(1);
    expect(await value(late.metrics.caseLatency, { cause: 'deadline' }, 'lf_case_latency_seconds_sum')).toBeCloseTo(2.4);
    expect(await value(late.metrics.deadlineSlack, { cause: 'deadline' }, 'lf_case_deadline_slack_seconds_sum')).toBeCloseTo(0.4);
    expect(await value(late.metrics.deadlineSlack, { le: 0.25, cause: 'deadline' }, 'lf_case_deadline_slack_seconds_bucket')).toBe(0);
    expect(await value(late.metrics.deadlineSlack, { le: 0.5, cause: 'deadline' }, 'lf_case_deadline_slack_seconds_bucket')).toBe(1);
    expect(await value(late.metrics.modalityReplies, { modality: 'vitals', reply: 'missing' })).toBe(1);
    expect(await value(late.metrics.modalityReplies, { modality: 'tabular', reply: 'ok' })).toBe(1);
  });

  it('does nothing more for a case whose result is stored (a duplicate trigger)', async () => {
    const { finalizer, stored, cleared } = setup({ admitted: false, reason: 'already-finalized', now: 5000, snapshot: snapshot(), resultStored: true });
    expect(await finalizer.finalize('c1', 'all-replied', 'job')).toEqual({ outcome: 'duplicate' });
    expect(stored).toEqual([]);
    expect(cleared).toEqual([]);
  });

  it('clears a stale deadline entry when the sweeper finds the case done', async () => {
    const { finalizer, cleared } = setup({ admitted: false, reason: 'already-finalized', now: 5000, snapshot: snapshot(), resultStored: true });
    await finalizer.finalize('c1', 'deadline', 'sweeper');
    expect(cleared).toEqual(['c1']);
  });

  it('leaves a fresh fence to its finalizer, and redoes one that is older than the grace period', async () => {
    const fresh = setup({ admitted: false, reason: 'already-finalized', now: 1500, snapshot: snapshot(), resultStored: false });
    expect(await fresh.finalizer.finalize('c1', 'deadline', 'sweeper')).toEqual({ outcome: 'in-progress' });
    expect(fresh.stored).toEqual([]);

    const stale = setup({ admitted: false, reason: 'already-finalized', now: 2300, snapshot: snapshot(), resultStored: false });
    expect(await stale.finalizer.finalize('c1', 'deadline', 'sweeper')).toEqual({ outcome: 'recovered', status: 'complete', completedBy: 'all-replied' });
    expect(stale.stored).toHaveLength(1);
  });

  it('does not count a redo that lost the race to store', async () => {
    const { finalizer, metrics, cleared } = setup({ admitted: false, reason: 'already-finalized', now: 9000, snapshot: snapshot(), resultStored: false }, false);
    expect(await finalizer.finalize('c1', 'deadline', 'sweeper')).toEqual({ outcome: 'duplicate' });
    expect((await metrics.casesFinalized.get()).values).toEqual([]);
    expect(cleared).toEqual([]); // the winner clears it; until then the next sweep looks again
  });

  it('reports how long until a not-yet-due deadline', async () => {
    const { finalizer } = setup({ admitted: false, reason: 'not-due', now: 2000, deadlineAt: 2750 });
    expect(await finalizer.finalize('c1', 'deadline', 'job')).toEqual({ outcome: 'not-due', remainingMs: 750 });
  });

  it('drops the deadline entry of an unknown (expired) case', async () => {
    const { finalizer, cleared } = setup({ admitted: false, reason: 'unknown-case', now: 1 });
    expect(await finalizer.finalize('gone', 'deadline', 'sweeper')).toEqual({ outcome: 'unknown-case' });
    expect(cleared).toEqual(['gone']);
  });
});

describe('CaseFinalizer webhook step', () => {
  function withWebhooks(fence: FenceOutcome, options: { storeReturns?: boolean; fail?: boolean } = {}) {
    const calls: Array<{ caseId: string; tenant: string; traceId: string }> = [];
    const order: string[] = [];
    const finalizer = new CaseFinalizer({
      store: {
        finalize: jest.fn(async () => fence),
        storeResult: jest.fn(async () => {
          order.push('store');
          return options.storeReturns ?? true;
        }),
        clearDeadline: jest.fn(async () => {
          order.push('clearDeadline');
        }),
      },
      fusion: engine,
      metrics: createAggregatorMetrics(createMetrics('test', { defaultMetrics: false })),
      logger: createLogger({ app: 'test', sink: () => undefined }),
      recoveryGraceMs: 1000,
      webhooks: {
        caseFinalized: async (c) => {
          order.push('webhooks');
          if (options.fail) throw new Error('Redis is down');
          calls.push(c);
          return 1;
        },
      },
    });
    return { finalizer, calls, order };
  }

  it("enqueues the tenant's deliveries after the result is stored", async () => {
    const { finalizer, calls, order } = withWebhooks({ admitted: true, now: 1200, deadlineAt: 3000, snapshot: snapshot() });
    await finalizer.finalize('c1', 'all-replied', 'job');
    expect(calls).toEqual([{ caseId: 'c1', tenant: 't', traceId: 'trace' }]);
    expect(order).toEqual(['store', 'webhooks']);
  });

  it('keeps a swept case in the deadlines index until its deliveries are enqueued, so a failed enqueue is retried by the next sweep', async () => {
    const ok = withWebhooks({ admitted: true, now: 3400, deadlineAt: 3000, snapshot: snapshot({ completedBy: 'deadline' }) });
    await ok.finalizer.finalize('c1', 'deadline', 'sweeper');
    expect(ok.order).toEqual(['store', 'webhooks', 'clearDeadline']);

    const failing = withWebhooks({ admitted: true, now: 3400, deadlineAt: 3000, snapshot: snapshot({ completedBy: 'deadline' }) }, { fail: true });
    await expect(failing.finalizer.finalize('c1', 'deadline', 'sweeper')).rejects.toThrow('Redis is down');
    expect(failing.order).toEqual(['store', 'webhooks']);

    const retried = withWebhooks({ admitted: false, reason: 'already-finalized', now: 5400, snapshot: snapshot({ completedBy: 'deadline' }), resultStored: true });
    expect(await retried.finalizer.finalize('c1', 'deadline', 'sweeper')).toEqual({ outcome: 'duplicate' });
    expect(retried.order).toEqual(['webhooks', 'clearDeadline']);
  });

  it('re-runs the (idempotent) step when a trigger finds the result stored: repairs a crash between the two', async () => {
    const { finalizer, calls } = withWebhooks({ admitted: false, reason: 'already-finalized', now: 5000, snapshot: snapshot(), resultStored: true });
    expect(await finalizer.finalize('c1', 'all-replied', 'job')).toEqual({ outcome: 'duplicate' });
    expect(calls).toEqual([{ caseId: 'c1', tenant: 't', traceId: 'trace' }]);
  });

  it('leaves it to the winner when a redo loses the race to store, and skips cases not finalized', async () => {
    const lost = withWebhooks({ admitted: false, reason: 'already-finalized', now: 9000, snapshot: snapshot(), resultStored: false }, { storeReturns: false });
    await lost.finalizer.finalize('c1', 'deadline', 'sweeper');
    expect(lost.calls).toEqual([]);
    const inProgress = withWebhooks({ admitted: false, reason: 'already-finalized', now: 1500, snapshot: snapshot(), resultStored: false });
    await inProgress.finalizer.finalize('c1', 'deadline', 'sweeper');
    const notDue = withWebhooks({ admitted: false, reason: 'not-due', now: 2000, deadlineAt: 2750 });
    await notDue.finalizer.finalize('c1', 'deadline', 'job');
    expect([...inProgress.calls, ...notDue.calls]).toEqual([]);
  });

  it('fails the trigger when enqueueing fails (so it is retried), keeping the deadline job as a second chance', async () => {
    const { finalizer, order } = withWebhooks({ admitted: true, now: 1200, deadlineAt: 3000, snapshot: snapshot() }, { fail: true });
    await expect(finalizer.finalize('c1', 'all-replied', 'job')).rejects.toThrow('Redis is down');
    expect(order).toEqual(['store', 'webhooks']);
  });
});
