/**
 * CaseStore against a real, throwaway redis-server: pins the MUST invariants of DESIGN.md 3
 * (exactly-once finalization, late scores kept, one clock, TTLs) rather than the implementation.
 */
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import type { FinalizeCause } from '@lf/contracts';
import type { Redis } from 'ioredis';
import { CaseStore } from '../src/case-store';
import type { FenceOutcome, StoredResult } from '../src/case-store.types';
import { CaseStateError } from '../src/errors/case-state.error';
import { CorruptCaseDataError } from '../src/errors/corrupt-case-data.error';
import { createKeyBuilder } from '../src/keys';
import { luaScripts } from '../src/lua/scripts.generated';
import { createRedisConnection, waitUntilReady, type RedisConnection } from '../src/redis-connection';
import { registration, score, untilRedisTime } from './support/fixtures';

const keys = createKeyBuilder();
let server: RedisServerHandle;
let redis: Redis;
let store: CaseStore;
const extraConnections: RedisConnection[] = [];

async function connect(name: string): Promise<RedisConnection> {
  const connection = createRedisConnection(server.url, { role: 'producer', name });
  await waitUntilReady(connection);
  extraConnections.push(connection);
  return connection;
}

const result = (status: StoredResult['status'], probability = 0.4): StoredResult => ({
  status,
  fused: { strategy: 'weighted-mean', probability, riskBand: 'moderate', contributions: [], degraded: status !== 'complete' },
});

beforeAll(async () => {
  // Small stream nodes so that approximate (~) trimming of event streams is observable.
  server = await startRedisServer({ args: ['--stream-node-max-entries', '4'] });
  redis = (await connect('case-store-spec')) as Redis;
  store = new CaseStore(redis, keys);
});

afterAll(async () => {
  await Promise.all(extraConnections.map((c) => c.quit()));
  await server.stop();
});

describe('register', () => {
  it('creates a pending case with its blob, deadline entry and submitted event, timed by Redis', async () => {
    const reg = registration({ deadlineMs: 30_000 });
    const before = await store.now();
    const registered = await store.register(reg);
    const after = await store.now();

    expect(registered).toMatchObject({ caseId: reg.caseId, created: true });
    expect(registered.submittedAt).toBeGreaterThanOrEqual(before);
    expect(registered.submittedAt).toBeLessThanOrEqual(after);
    expect(registered.deadlineAt - registered.submittedAt).toBe(30_000);
    expect(await store.readBlob(keys.blob(reg.caseId, 'imaging'))).toEqual(reg.blobs['imaging']);
    expect(await store.readBlob(keys.blob(reg.caseId, 'vitals'))).toBeNull();
    expect(Number(await redis.zscore(keys.deadlines(), reg.caseId))).toBe(registered.deadlineAt);
    expect(await store.get(reg.caseId)).toEqual({
      caseId: reg.caseId,
      tenant: 'tenant-a',
      status: 'pending',
      expected: ['imaging', 'tabular', 'vitals'],
      strategy: 'weighted-mean',
      submittedAt: registered.submittedAt,
      deadlineAt: registered.deadlineAt,
      scores: {},
      late: {},
    });
    expect(await store.events(reg.caseId)).toEqual([{ id: expect.any(String), type: 'submitted', at: registered.submittedAt }]);
  });

  it('is idempotent: a repeated id overwrites nothing and reports the original times', async () => {
    const reg = registration();
    const first = await store.register(reg);
    const again = await store.register({ ...reg, tenant: 'tenant-b', deadlineMs: 5_000, blobs: { imaging: Buffer.from('other') } });
    expect(again).toEqual({ ...first, created: false });
    expect((await store.get(reg.caseId))?.tenant).toBe('tenant-a');
    expect(await store.readBlob(keys.blob(reg.caseId, 'imaging'))).toEqual(reg.blobs['imaging']);
    expect(await store.events(reg.caseId)).toHaveLength(1);
  });

  it('keeps the subject and basis of a case for its RiskAssessment, and neither when none was given', async () => {
    const withSubject = registration({ subject: 'urn:oid:1.2.3|MRN-77', basis: ['Observation/hr-1', 'Media/ct-1'] });
    await store.register(withSubject);
    expect(await store.get(withSubject.caseId)).toMatchObject({ subject: 'urn:oid:1.2.3|MRN-77', basis: ['Observation/hr-1', 'Media/ct-1'] });
    const plain = registration();
    await store.register(plain);
    const view = await store.get(plain.caseId);
    expect(view).not.toHaveProperty('subject');
    expect(view).not.toHaveProperty('basis');
  });

  it('rejects registrations that could not be finalized correctly', async () => {
    await expect(store.register(registration({ ttlSeconds: 10, deadlineMs: 10_000 }))).rejects.toThrow(/ttlSeconds \(10\) must exceed the deadline/);
    await expect(store.register(registration({ blobs: { notes: Buffer.from('x') } }))).rejects.toThrow(/blob for 'notes', which is not expected/);
    await expect(store.register(registration({ expected: ['imaging', 'imaging'] }))).rejects.toThrow(/lists a modality twice/);
    await expect(store.register(registration({ expected: [] }))).rejects.toThrow(/at least one modality/);
    await expect(store.register(registration({ caseId: 'a:b' }))).rejects.toThrow(/invalid case id 'a:b'/);
  });

  it('gives every key of the case the same expiry instant, submittedAt + ttl, and blobs never a later one', async () => {
    const reg = registration({ expected: ['imaging', 'tabular'], ttlSeconds: 120, deadlineMs: 100 });
    const { submittedAt, deadlineAt } = await store.register(reg);
    await store.recordScore(reg.caseId, score('imaging'));
    await untilRedisTime(store, deadlineAt);
    expect((await store.finalize(reg.caseId, 'deadline')).admitted).toBe(true);
    expect(await store.recordScore(reg.caseId, score('tabular'))).toBe('late');
    expect(await store.storeResult(reg.caseId, result('degraded'))).toBe(true);

    const caseKeys = [
      keys.case(reg.caseId),
      keys.scores(reg.caseId),
      keys.late(reg.caseId),
      keys.result(reg.caseId),
      keys.events(reg.caseId),
    ];
    const expiry = await Promise.all(caseKeys.map((k) => redis.call('PEXPIRETIME', k)));
    expect(expiry).toEqual(caseKeys.map(() => submittedAt + 120_000));
    // Blobs are SET just before the registration script (not through it), with the same TTL.
    const blobExpiry = Number(await redis.call('PEXPIRETIME', keys.blob(reg.caseId, 'imaging')));
    expect(blobExpiry).toBeLessThanOrEqual(submittedAt + 120_000);
    expect(blobExpiry).toBeGreaterThan(submittedAt + 120_000 - 1000);
  });

  it('deletes the inputs of modalities that replied and shortens (never lengthens) the others\' TTL to the grace period', async () => {
    const reg = registration({ expected: ['imaging', 'tabular'], ttlSeconds: 3600, deadlineMs: 100, blobs: { imaging: Buffer.from([1, 2]), tabular: Buffer.from('{}') } });
    const { deadlineAt } = await store.register(reg);
    expect(await redis.exists(keys.blob(reg.caseId, 'tabular'))).toBe(1);
    expect(await store.recordScore(reg.caseId, score('tabular'))).toBe('recorded');
    await untilRedisTime(store, deadlineAt);
    expect((await store.finalize(reg.caseId, 'deadline')).admitted).toBe(true);
    expect(await store.storeResult(reg.caseId, result('degraded'), { replied: ['tabular'], missing: ['imaging'], graceMs: 5_000 })).toBe(true);
    expect(await redis.exists(keys.blob(reg.caseId, 'tabular'))).toBe(0);
    const blobTtl = Number(await redis.call('PTTL', keys.blob(reg.caseId, 'imaging')));
    expect(blobTtl).toBeGreaterThan(0);
    expect(blobTtl).toBeLessThanOrEqual(5_000);
    expect(Number(await redis.call('PTTL', keys.case(reg.caseId)))).toBeGreaterThan(3_000_000);
    expect(await redis.zscore(keys.deadlines(), reg.caseId)).toBeNull();
    // A second store (a redone finalization) changes nothing, and a longer grace never extends the TTL.
    expect(await store.storeResult(reg.caseId, result('degraded'), { replied: [], missing: ['imaging'], graceMs: 600_000 })).toBe(false);
    expect(Number(await redis.call('PTTL', keys.blob(reg.caseId, 'imaging')))).toBeLessThanOrEqual(5_000);
  });
});

describe('recordScore', () => {
  it('reports recorded, then all-replied exactly when the last expected modality arrives', async () => {
    const reg = registration();
    await store.register(reg);
    expect(await store.recordScore(reg.caseId, score('imaging'))).toBe('recorded');
    expect(await store.recordScore(reg.caseId, score('vitals', { status: 'failed', probability: undefined, error: 'timeout' }))).toBe('recorded');
    expect(await store.recordScore(reg.caseId, score('tabular'))).toBe('all-replied');

    const view = await store.get(reg.caseId);
    expect(Object.keys(view?.scores ?? {}).sort()).toEqual(['imaging', 'tabular', 'vitals']);
    expect(view?.scores['vitals']).toEqual(score('vitals', { status: 'failed', probability: undefined, error: 'timeout' }));
    const events = await store.events(reg.caseId);
    expect(events.map((e) => [e.type, e.modality, e.detail])).toEqual([
      ['submitted', undefined, undefined],
      ['score', 'imaging', 'ok'],
      ['score', 'vitals', 'failed'],
      ['score', 'tabular', 'ok'],
    ]);
  });

  it('keeps the original on a duplicate; a redelivery after the set is complete still says all-replied', async () => {
    const reg = registration({ expected: ['imaging', 'tabular'] });
    await store.register(reg);
    await store.recordScore(reg.caseId, score('imaging', { probability: 0.1 }));
    expect(await store.recordScore(reg.caseId, score('imaging', { probability: 0.9 }))).toBe('duplicate');
    expect(await store.recordScore(reg.caseId, score('tabular'))).toBe('all-replied');
    // The worker crashed before enqueuing the trigger; its redelivered job must enqueue it.
    expect(await store.recordScore(reg.caseId, score('tabular', { probability: 0.8 }))).toBe('all-replied');

    const view = await store.get(reg.caseId);
    expect(view?.scores['imaging'].probability).toBe(0.1);
    expect(view?.scores['tabular'].probability).toBe(0.25);
    expect((await store.events(reg.caseId)).filter((e) => e.type === 'score')).toHaveLength(2);
  });

  it('rejects unknown cases and modalities the case does not expect', async () => {
    const reg = registration({ expected: ['tabular'] });
    await store.register(reg);
    expect(await store.recordScore('no-such-case', score('tabular'))).toBe('unknown-case');
    expect(await store.recordScore(reg.caseId, score('imaging'))).toBe('unexpected-modality');
    expect((await store.get(reg.caseId))?.scores).toEqual({});
  });

  it('records a score that arrives after the fence as late, with an event, and leaves the frozen scores alone', async () => {
    const reg = registration({ expected: ['imaging', 'tabular'], deadlineMs: 50 });
    const { deadlineAt } = await store.register(reg);
    await store.recordScore(reg.caseId, score('imaging'));
    await untilRedisTime(store, deadlineAt);
    const fence = await store.finalize(reg.caseId, 'deadline');
    expect(fence.admitted).toBe(true);

    expect(await store.recordScore(reg.caseId, score('tabular', { probability: 0.7 }))).toBe('late');
    expect(await store.recordScore(reg.caseId, score('tabular', { probability: 0.2 }))).toBe('duplicate');
    // A redelivered on-time score is a duplicate, not a late score.
    expect(await store.recordScore(reg.caseId, score('imaging'))).toBe('duplicate');

    const view = await store.get(reg.caseId);
    expect(view?.status).toBe('finalizing');
    expect(view?.scores).toEqual(fence.snapshot?.scores);
    expect(view?.late).toEqual({ tabular: score('tabular', { probability: 0.7 }) });
    const late = (await store.events(reg.caseId)).filter((e) => e.type === 'late-score');
    expect(late).toEqual([expect.objectContaining({ modality: 'tabular', detail: 'ok' })]);
  });
});

describe('finalize', () => {
  it("says not-due for a deadline trigger before the deadline, with the Redis times to re-delay by", async () => {
    const reg = registration({ deadlineMs: 20_000 });
    const { deadlineAt } = await store.register(reg);
    const outcome = await store.finalize(reg.caseId, 'deadline');
    expect(outcome).toEqual({ admitted: false, reason: 'not-due', now: expect.any(Number), deadlineAt });
    expect(deadlineAt - outcome.now).toBeGreaterThan(15_000);
    expect((await store.get(reg.caseId))?.status).toBe('pending');
  });

  it("says not-due for an all-replied trigger while replies are missing", async () => {
    const reg = registration({ expected: ['imaging', 'tabular'] });
    await store.register(reg);
    await store.recordScore(reg.caseId, score('imaging'));
    expect(await store.finalize(reg.caseId, 'all-replied')).toMatchObject({ admitted: false, reason: 'not-due' });
  });

  it('admits once and returns the frozen snapshot; later calls get it back with resultStored=false', async () => {
    const reg = registration({ expected: ['imaging', 'tabular'], strategy: 'log-odds', traceId: 'trace-42' });
    const registered = await store.register(reg);
    await store.recordScore(reg.caseId, score('imaging'));
    await store.recordScore(reg.caseId, score('tabular'));

    const first = await store.finalize(reg.caseId, 'all-replied');
    expect(first).toEqual({
      admitted: true,
      now: expect.any(Number),
      deadlineAt: registered.deadlineAt,
      snapshot: {
        caseId: reg.caseId,
        tenant: 'tenant-a',
        expected: ['imaging', 'tabular'],
        strategy: 'log-odds',
        submittedAt: registered.submittedAt,
        deadlineAt: registered.deadlineAt,
        finalizedAt: first.now,
        completedBy: 'all-replied',
        scores: { imaging: score('imaging'), tabular: score('tabular') },
        traceId: 'trace-42',
      },
    });
    const again = await store.finalize(reg.caseId, 'deadline');
    expect(again).toEqual({ ...first, admitted: false, reason: 'already-finalized', now: expect.any(Number), resultStored: false });
    expect((await store.events(reg.caseId)).filter((e) => e.type === 'finalized')).toEqual([
      expect.objectContaining({ at: first.now, detail: 'all-replied' }),
    ]);
  });

  it('reports unknown cases and refuses unknown causes', async () => {
    expect(await store.finalize('never-registered', 'deadline')).toEqual({ admitted: false, reason: 'unknown-case', now: expect.any(Number) });
    await expect(store.finalize('x', 'whenever' as FinalizeCause)).rejects.toThrow(/cause must be/);
  });

  it('admits exactly one finalizer per case under concurrency, mixing causes, connections and a racing last score', async () => {
    const CASES = 50;
    const CALLS_PER_CASE = 20;
    const stores = await Promise.all([0, 1, 2, 3, 4].map(async (i) => new CaseStore(await connect(`finalizer-${i}`), keys)));
    const regs = Array.from({ length: CASES }, () => registration({ expected: ['imaging', 'tabular', 'vitals'], deadlineMs: 100 }));
    const registered = await Promise.all(regs.map((r) => store.register(r)));
    await Promise.all(regs.flatMap((r) => [store.recordScore(r.caseId, score('imaging')), store.recordScore(r.caseId, score('tabular'))]));
    await untilRedisTime(store, Math.max(...registered.map((r) => r.deadlineAt)));

    // Per case: 20 fence calls (both causes, over 5 connections). Even cases: the last score is in first, so
    // both causes are eligible and the fences race each other. Odd cases: the last score is sent among the
    // fences, at a different position per case, so it races them too.
    const perCase = await Promise.all(
      regs.map(async (r, c) => {
        const scoreStore = stores[c % stores.length];
        let lastScore = c % 2 === 0 ? Promise.resolve(await scoreStore.recordScore(r.caseId, score('vitals'))) : undefined;
        const fences: Promise<FenceOutcome>[] = [];
        for (let i = 0; i < CALLS_PER_CASE; i++) {
          if (lastScore === undefined && i === c % CALLS_PER_CASE) lastScore = scoreStore.recordScore(r.caseId, score('vitals'));
          fences.push(stores[(c + i) % stores.length].finalize(r.caseId, i % 2 === 0 ? 'deadline' : 'all-replied'));
        }
        return { outcomes: await Promise.all(fences), scoreOutcome: await lastScore! };
      }),
    );

    const scoreOutcomes = new Set<string>();
    const winningCauses = new Set<string>();
    for (const [c, { outcomes, scoreOutcome }] of perCase.entries()) {
      const caseId = regs[c].caseId;
      const admitted = outcomes.filter((o) => o.admitted);
      expect(admitted).toHaveLength(1);
      for (const o of outcomes.filter((x) => !x.admitted)) expect(['already-finalized', 'not-due']).toContain(o.reason);
      const snapshot = admitted[0].snapshot!;
      const view = await store.get(caseId);
      // Frozen at the fence: the snapshot is exactly what the case's scores hash holds.
      expect(view?.scores).toEqual(snapshot.scores);
      // The last score landed in exactly one place, consistent with what its caller was told.
      expect(['all-replied', 'late']).toContain(scoreOutcome);
      expect('vitals' in view!.scores).toBe(scoreOutcome === 'all-replied');
      expect('vitals' in view!.late).toBe(scoreOutcome === 'late');
      expect((await store.events(caseId)).filter((e) => e.type === 'finalized')).toHaveLength(1);
      scoreOutcomes.add(scoreOutcome);
      winningCauses.add(snapshot.completedBy);
    }
    expect([...scoreOutcomes].sort()).toEqual(['all-replied', 'late']);
    expect(winningCauses.has('deadline')).toBe(true);
  });
});

describe('storeResult', () => {
  async function fencedCase() {
    const reg = registration({ expected: ['tabular'] });
    await store.register(reg);
    await store.recordScore(reg.caseId, score('tabular'));
    const fence = await store.finalize(reg.caseId, 'all-replied');
    return { caseId: reg.caseId, fence };
  }

  it('stores once, sets the final status and finalizedAt, and drops the deadline', async () => {
    const { caseId, fence } = await fencedCase();
    expect(await store.storeResult(caseId, result('complete', 0.4))).toBe(true);
    expect(await store.storeResult(caseId, result('degraded', 0.9))).toBe(false);

    const view = await store.get(caseId);
    expect(view).toMatchObject({ status: 'complete', finalizedAt: fence.snapshot?.finalizedAt, completedBy: 'all-replied', result: result('complete', 0.4) });
    expect(await redis.zscore(keys.deadlines(), caseId)).toBeNull();
    expect((await store.events(caseId)).filter((e) => e.type === 'result-stored')).toEqual([expect.objectContaining({ detail: 'complete' })]);
    expect(await store.finalize(caseId, 'all-replied')).toMatchObject({ admitted: false, reason: 'already-finalized', resultStored: true });
  });

  it('lets a second finalizer finish the work of one that crashed after the fence, exactly once', async () => {
    const { caseId, fence } = await fencedCase();
    // The admitted finalizer dies here. Its deadline entry stays, so the sweeper comes back to it:
    expect(await redis.zscore(keys.deadlines(), caseId)).not.toBeNull();
    const retry = await store.finalize(caseId, 'deadline');
    expect(retry).toMatchObject({ admitted: false, reason: 'already-finalized', resultStored: false, snapshot: fence.snapshot });
    expect(await store.storeResult(caseId, result('complete'))).toBe(true);
    // ... and the original one, if it was only slow, changes nothing.
    expect(await store.storeResult(caseId, result('complete'))).toBe(false);
    const types = (await store.events(caseId)).map((e) => e.type);
    expect(types.filter((t) => t === 'finalized')).toHaveLength(1);
    expect(types.filter((t) => t === 'result-stored')).toHaveLength(1);
  });

  it("adds one finalized stream entry carrying the case's summary: the hash's values and the replies before the fence", async () => {
    const reg = registration({ expected: ['imaging', 'tabular', 'vitals'], deadlineMs: 100 });
    const registered = await store.register(reg);
    await store.recordScore(reg.caseId, score('vitals', { status: 'failed', error: 'model failed' }));
    await store.recordScore(reg.caseId, score('tabular'));
    await untilRedisTime(store, registered.deadlineAt);
    expect((await store.finalize(reg.caseId, 'deadline')).admitted).toBe(true);
    expect(await store.recordScore(reg.caseId, score('imaging'))).toBe('late');
    const entriesBefore = await redis.xlen(keys.finalized());
    expect(await store.storeResult(reg.caseId, result('degraded'))).toBe(true);
    expect(await store.storeResult(reg.caseId, result('degraded'))).toBe(false);

    const entries = (await redis.xrange(keys.finalized(), '-', '+')).filter(([, f]) => f[1] === reg.caseId);
    expect(entries).toHaveLength(1);
    expect(await redis.xlen(keys.finalized())).toBe(entriesBefore + 1);
    const view = (await store.get(reg.caseId))!;
    const scoreAt = Object.fromEntries((await store.events(reg.caseId)).filter((e) => e.type === 'score').map((e) => [e.modality, e.at]));
    expect(entries[0][1]).toEqual([
      'caseId', reg.caseId,
      'status', 'degraded',
      'completedBy', 'deadline',
      'submittedAt', String(view.submittedAt),
      'deadlineAt', String(view.deadlineAt),
      'finalizedAt', String(view.finalizedAt),
      'expected', 'imaging,tabular,vitals',
      // In the order recorded; the late imaging score is not a reply.
      'replies', `vitals:failed:${scoreAt['vitals']},tabular:ok:${scoreAt['tabular']}`,
    ]);
  });

  it('writes an empty replies list for a case the deadline closed with no reply', async () => {
    const reg = registration({ expected: ['imaging'], deadlineMs: 50 });
    const registered = await store.register(reg);
    await untilRedisTime(store, registered.deadlineAt);
    const fence = await store.finalize(reg.caseId, 'deadline');
    expect(await store.storeResult(reg.caseId, result('failed'))).toBe(true);
    const [[, fields]] = (await redis.xrange(keys.finalized(), '-', '+')).filter(([, f]) => f[1] === reg.caseId);
    expect(fields).toEqual([
      'caseId', reg.caseId, 'status', 'failed', 'completedBy', 'deadline', 'submittedAt', String(registered.submittedAt),
      'deadlineAt', String(registered.deadlineAt), 'finalizedAt', String(fence.snapshot!.finalizedAt), 'expected', 'imaging', 'replies', '',
    ]);
  });

  it('stores the result of a case whose hash lost a summary field, with an entry of its caseId alone', async () => {
    const reg = registration({ expected: ['imaging'], deadlineMs: 50 });
    const registered = await store.register(reg);
    await untilRedisTime(store, registered.deadlineAt);
    await store.finalize(reg.caseId, 'deadline');
    await redis.hdel(keys.case(reg.caseId), 'submittedAt');
    expect(await store.storeResult(reg.caseId, result('failed'))).toBe(true);
    const [[, fields]] = (await redis.xrange(keys.finalized(), '-', '+')).filter(([, f]) => f[1] === reg.caseId);
    expect(fields).toEqual(['caseId', reg.caseId]);
  });

  it('refuses to store a result for a case that has not passed the fence, or does not exist', async () => {
    const reg = registration();
    await store.register(reg);
    const notFenced = store.storeResult(reg.caseId, result('complete'));
    await expect(notFenced).rejects.toBeInstanceOf(CaseStateError);
    await expect(notFenced).rejects.toMatchObject({ reason: 'not-fenced' });
    await expect(store.storeResult('gone', result('complete'))).rejects.toMatchObject({ reason: 'unknown-case' });
    expect(await redis.exists(keys.result(reg.caseId))).toBe(0);
  });
});

describe('deadlines', () => {
  it('lists due cases by the Redis clock, earliest first, never by the local one', async () => {
    // Registered first but due last.
    const second = registration({ deadlineMs: 300 });
    const first = registration({ deadlineMs: 100 });
    const a = await store.register(second);
    const b = await store.register(first);
    expect(b.deadlineAt).toBeLessThan(a.deadlineAt);
    expect(await store.dueDeadlines(1000)).not.toContain(first.caseId);

    const localClock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 3_600_000);
    try {
      expect(await store.dueDeadlines(1000)).not.toContain(first.caseId);
    } finally {
      localClock.mockRestore();
    }

    await untilRedisTime(store, a.deadlineAt);
    const due = await store.dueDeadlines(1000);
    expect(due.indexOf(first.caseId)).toBeGreaterThanOrEqual(0);
    expect(due.indexOf(first.caseId)).toBeLessThan(due.indexOf(second.caseId));
    expect(await store.dueDeadlines(1)).toHaveLength(1);

    await store.clearDeadline(second.caseId);
    expect(await store.dueDeadlines(1000)).not.toContain(second.caseId);
  });

  it('scans in one call: the Redis time, the due cases and the earliest deadline still ahead', async () => {
    await redis.del(keys.deadlines());
    const empty = await store.scanDeadlines(10);
    expect(empty).toEqual({ now: expect.any(Number), due: [], nextDeadlineAt: null });
    expect(Math.abs(empty.now - (await store.now()))).toBeLessThan(1000);

    const soon = await store.register(registration({ deadlineMs: 100 }));
    const later = await store.register(registration({ deadlineMs: 60_000 }));
    const before = await store.scanDeadlines(10);
    expect(before.due).toEqual([]);
    expect(before.nextDeadlineAt).toBe(soon.deadlineAt);

    await untilRedisTime(store, soon.deadlineAt);
    const after = await store.scanDeadlines(10);
    expect(after.due).toEqual([soon.caseId]);
    expect(after.now).toBeGreaterThanOrEqual(soon.deadlineAt);
    expect(after.nextDeadlineAt).toBe(later.deadlineAt);
    await expect(store.scanDeadlines(0)).rejects.toThrow(/limit must be an integer >= 1/);
  });
});

describe('robustness', () => {
  it('falls back to EVAL when the script cache was flushed (restart, failover)', async () => {
    const reg = registration({ expected: ['tabular'] });
    await store.register(reg);
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', luaScripts.recordScore.sha1)).toEqual([0]);
    expect(await store.recordScore(reg.caseId, score('tabular'))).toBe('all-replied');
    expect(await redis.script('EXISTS', luaScripts.recordScore.sha1)).toEqual([1]);
  });

  it('registers in one round trip, and still when the script cache was flushed: blobs once, case once', async () => {
    await redis.script('FLUSH');
    const reg = registration();
    expect(Object.keys(reg.blobs)).toEqual(['imaging']);
    const registered = await store.register(reg);
    expect(registered.created).toBe(true);
    expect(await redis.script('EXISTS', luaScripts.registerCase.sha1)).toEqual([1]);
    for (const [m, bytes] of Object.entries(reg.blobs)) expect(await redis.getBuffer(keys.blob(reg.caseId, m))).toEqual(Buffer.from(bytes));
    expect((await store.get(reg.caseId))!.status).toBe('pending');
    // A repeat after a flush: the SETs are NX and the script reports the existing case.
    await redis.script('FLUSH');
    expect(await store.register(reg)).toEqual({ ...registered, created: false });
  });

  it('reports corrupt data with the key and field instead of a bare JSON error', async () => {
    const reg = registration();
    await store.register(reg);
    await redis.hset(keys.scores(reg.caseId), 'imaging', '{not json');
    await expect(store.get(reg.caseId)).rejects.toThrow(CorruptCaseDataError);
    await expect(store.get(reg.caseId)).rejects.toThrow(`${keys.scores(reg.caseId)}#imaging: invalid JSON`);

    await redis.hdel(keys.scores(reg.caseId), 'imaging');
    await redis.hset(keys.case(reg.caseId), 'deadlineAt', 'soon');
    await expect(store.finalize(reg.caseId, 'all-replied')).rejects.toThrow(/#deadlineAt: expected an integer, got 'soon'/);
  });

  it('bounds each case event stream', async () => {
    const modalities = Array.from({ length: 60 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    const reg = registration({ expected: modalities, blobs: {} });
    const small = new CaseStore(redis, keys, { eventsMaxLen: 10 });
    await small.register(reg);
    for (const m of modalities) await small.recordScore(reg.caseId, score(m));
    const length = await redis.xlen(keys.events(reg.caseId));
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(20);
  });
});
