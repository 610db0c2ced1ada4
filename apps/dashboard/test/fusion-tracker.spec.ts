/**
 * FusionTracker against a throwaway redis-server, with cases finalized through the real CaseStore: a case is
 * recorded from its `lf:finalized` entry alone (no HMGET of the case, no XRANGE of its events), and the record
 * equals what the legacy path (an entry with only `caseId`, as an older aggregator wrote it) builds from the
 * case hash and events. Entries without a usable summary still go the legacy way.
 */
import type { ScoreRecord } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { CaseStore, createKeyBuilder } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { Redis } from 'ioredis';
import type { FinalizedCase } from '../src/sampling/case-record';
import { FusionTracker } from '../src/sampling/fusion-tracker';

const keys = createKeyBuilder();
const logger = createLogger({ app: 'fusion-tracker-test', sink: () => undefined });
const LEGACY_KEY = 'lf:finalized-legacy';
const MIXED_KEY = 'lf:finalized-mixed';

function score(modality: string, status: ScoreRecord['status'] = 'ok'): ScoreRecord {
  return { modality, status, ...(status === 'ok' ? { probability: 0.3, logit: -0.8 } : { error: 'model failed' }), modelId: modality, modelVersion: '1.0.0', latencyMs: 3, qualityFlags: [] };
}

const fused = (degraded: boolean) => ({ strategy: 'stacking' as const, probability: 0.3, riskBand: 'low' as const, contributions: [], degraded });
const byId = (records: FinalizedCase[]) => [...records].sort((a, b) => a.caseId.localeCompare(b.caseId));

describe('FusionTracker (real Redis)', () => {
  let server: RedisServerHandle;
  let conn: Redis;
  let store: CaseStore;
  const ids = { complete: 'case-t1', degraded: 'case-t2', noReply: 'case-t3' };

  async function untilRedisTime(at: number): Promise<void> {
    while ((await store.now()) < at) await new Promise((r) => setTimeout(r, 10));
  }

  beforeAll(async () => {
    server = await startRedisServer();
    conn = new Redis(server.url, { maxRetriesPerRequest: null });
    store = new CaseStore(conn, keys);
    const register = (caseId: string, expected: string[], deadlineMs: number) =>
      store.register({ caseId, tenant: 'north', expected, strategy: 'stacking', deadlineMs, blobs: {}, ttlSeconds: 3600, traceId: `t-${caseId}` });

    // Every modality replied.
    await register(ids.complete, ['imaging', 'tabular'], 60_000);
    await store.recordScore(ids.complete, score('tabular'));
    expect(await store.recordScore(ids.complete, score('imaging'))).toBe('all-replied');
    expect((await store.finalize(ids.complete, 'all-replied')).admitted).toBe(true);
    expect(await store.storeResult(ids.complete, { fused: fused(false), status: 'complete' })).toBe(true);

    // Closed by its deadline with one ok and one failed reply; imaging arrives late (not a reply).
    const degraded = await register(ids.degraded, ['imaging', 'tabular', 'vitals'], 100);
    await store.recordScore(ids.degraded, score('vitals', 'failed'));
    await store.recordScore(ids.degraded, score('tabular'));
    await untilRedisTime(degraded.deadlineAt);
    expect((await store.finalize(ids.degraded, 'deadline')).admitted).toBe(true);
    expect(await store.recordScore(ids.degraded, score('imaging'))).toBe('late');
    expect(await store.storeResult(ids.degraded, { fused: fused(true), status: 'degraded' })).toBe(true);

    // Closed by its deadline with no reply at all.
    const noReply = await register(ids.noReply, ['imaging'], 50);
    await untilRedisTime(noReply.deadlineAt);
    expect((await store.finalize(ids.noReply, 'deadline')).admitted).toBe(true);
    expect(await store.storeResult(ids.noReply, { fused: fused(true), status: 'failed' })).toBe(true);

    // The same cases as an older aggregator announced them: `caseId` only.
    for (const caseId of Object.values(ids)) await conn.xadd(LEGACY_KEY, '*', 'caseId', caseId);
  });

  afterAll(async () => {
    conn?.disconnect();
    await server?.stop();
  });

  afterEach(() => jest.restoreAllMocks());

  /** One tick of a fresh tracker over `finalizedKey`, counting the per-case reads it issues. */
  async function track(finalizedKey: string): Promise<{ records: FinalizedCase[]; hmget: number; xrange: number; tracker: FusionTracker }> {
    const hmget = jest.spyOn(conn, 'hmget');
    // The stream itself is read with XRANGE inside a MULTI (not this method): this counts case event reads only.
    const xrange = jest.spyOn(conn, 'xrange');
    const tracker = new FusionTracker({ redis: conn, keys, finalizedKey, windowMs: 3600_000, sampleMs: 250, logger });
    const now = await store.now();
    await tracker.sample(now);
    const counts = { hmget: hmget.mock.calls.length, xrange: xrange.mock.calls.length };
    hmget.mockRestore();
    xrange.mockRestore();
    return { records: byId(tracker.finalizedBetween(0)), ...counts, tracker };
  }

  it('records each case from its finalized entry alone, equal to what the case hash and events give', async () => {
    const summary = await track(keys.finalized());
    const legacy = await track(LEGACY_KEY);

    expect({ hmget: summary.hmget, xrange: summary.xrange }).toEqual({ hmget: 0, xrange: 0 });
    expect({ hmget: legacy.hmget, xrange: legacy.xrange }).toEqual({ hmget: 3, xrange: 3 });
    expect(summary.records).toEqual(legacy.records);
    expect(summary.records.map((r) => r.caseId)).toEqual([ids.complete, ids.degraded, ids.noReply]);
    expect(summary.tracker.stats).toEqual({ watched: 0, discoveryGaps: 0, dropped: 0, gone: 0 });

    // And both agree with the case as the store reports it.
    const [complete, degraded, noReply] = summary.records;
    const view = (await store.get(ids.degraded))!;
    const scoreAt = Object.fromEntries((await store.events(ids.degraded)).filter((e) => e.type === 'score').map((e) => [e.modality, e.at]));
    expect(degraded).toEqual({
      caseId: ids.degraded,
      submittedAt: view.submittedAt,
      deadlineAt: view.deadlineAt,
      finalizedAt: view.finalizedAt,
      completedBy: 'deadline',
      status: 'degraded',
      expected: ['imaging', 'tabular', 'vitals'],
      replies: { vitals: { status: 'failed', at: scoreAt['vitals'] }, tabular: { status: 'ok', at: scoreAt['tabular'] } },
    });
    expect(complete).toMatchObject({ status: 'complete', completedBy: 'all-replied', expected: ['imaging', 'tabular'] });
    expect(Object.keys(complete.replies).sort()).toEqual(['imaging', 'tabular']);
    expect(noReply).toMatchObject({ status: 'failed', completedBy: 'deadline', replies: {} });
  });

  it('reads the case for an entry with only caseId or a summary that does not parse, and records a case once', async () => {
    const [[, summaryOf1]] = (await conn.xrange(keys.finalized(), '-', '+')).filter(([, f]) => f[1] === ids.complete);
    const [[, summaryOf3]] = (await conn.xrange(keys.finalized(), '-', '+')).filter(([, f]) => f[1] === ids.noReply);
    const broken = [...summaryOf3.slice(0, -2), 'replies', 'imaging:ok']; // not a 3-part reply
    await conn.xadd(MIXED_KEY, '*', ...summaryOf1);
    await conn.xadd(MIXED_KEY, '*', 'caseId', ids.degraded);
    await conn.xadd(MIXED_KEY, '*', ...broken);
    await conn.xadd(MIXED_KEY, '*', ...summaryOf1); // a repeat: recorded already

    const mixed = await track(MIXED_KEY);
    const legacy = await track(LEGACY_KEY);
    expect({ hmget: mixed.hmget, xrange: mixed.xrange }).toEqual({ hmget: 2, xrange: 2 });
    expect(mixed.records).toEqual(legacy.records);
  });
});
