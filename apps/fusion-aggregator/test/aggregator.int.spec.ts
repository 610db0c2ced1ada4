/**
 * The aggregator against a real Redis (a throwaway redis-server per file), two replicas in this process:
 * exactly-once finalization under duplicated triggers and concurrent sweepers, a deadline job released
 * early going back to delayed, the sweeper finalizing a case whose deadline job never existed, crash
 * recovery of a fenced case without a result, and fused probabilities equal to libs/fusion's.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, jobIds, QUEUES, type DeliverWebhookJob, type FinalizeCaseJob, type FusionStrategyName, type ScoreRecord } from '@lf/contracts';
import { fuse } from '@lf/fusion';
import { createLogger } from '@lf/observability';
import { CaseStore, createKeyBuilder, WebhookStore } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { bootstrapAggregator, type RunningAggregator } from '../src/bootstrap-aggregator';
import { aggregatorConfigFromEnv } from '../src/config/aggregator.config';
import { buildEvidence } from '../src/finalize/evidence';

jest.setTimeout(30_000);

const FIXTURE_MODELS = `${__dirname}/fixtures/models`;
const silent = createLogger({ app: 'aggregator-test', sink: () => undefined });
const keys = createKeyBuilder();

let server: RedisServerHandle;
let redis: Redis;
let store: CaseStore;
let fusionQueue: Queue<FinalizeCaseJob>;
let replicas: RunningAggregator[] = [];

const config = (extra: Record<string, string> = {}) =>
  aggregatorConfigFromEnv({
    REDIS_URL: server.url,
    LF_MODELS_DIR: FIXTURE_MODELS,
    LF_AGGREGATOR_OPS_PORT: '0',
    LF_OPS_HOST: '127.0.0.1',
    LF_SWEEP_INTERVAL_MS: '50',
    LF_FINALIZE_RECOVERY_MS: '300',
    LF_SHUTDOWN_TIMEOUT_MS: '2000',
    ...extra,
  });

let seq = 0;
function newCaseId(): string {
  seq += 1;
  return `01900000-0000-7000-8000-${String(Date.now() % 1e6).padStart(6, '0')}${String(seq).padStart(6, '0')}`;
}

async function registerCase(opts: { expected?: string[]; deadlineMs?: number; strategy?: FusionStrategyName } = {}) {
  const caseId = newCaseId();
  const registered = await store.register({
    caseId,
    tenant: 'north',
    expected: opts.expected ?? ['tabular', 'vitals'],
    strategy: opts.strategy ?? 'stacking',
    deadlineMs: opts.deadlineMs ?? 60_000,
    blobs: {},
    ttlSeconds: 3600,
    traceId: 'trace',
  });
  return registered;
}

const record = (modality: string, probability: number, over: Partial<ScoreRecord> = {}): ScoreRecord => ({
  modality,
  status: 'ok',
  probability,
  logit: Math.log(probability / (1 - probability)),
  modelId: modality,
  modelVersion: '0.0.0-smoke',
  latencyMs: 5,
  qualityFlags: [],
  ...over,
});

function trigger(caseId: string, cause: 'all-replied' | 'deadline', opts: { jobId?: string; delay?: number } = {}) {
  return fusionQueue.add(JOB_NAMES.finalizeCase, { caseId, cause, traceId: 'trace' }, { jobId: opts.jobId ?? jobIds.finalize(caseId, cause), delay: opts.delay ?? 0 });
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

const finalizedEvents = async (caseId: string) => (await store.events(caseId)).filter((e) => e.type === 'finalized').length;
const storedEvents = async (caseId: string) => (await store.events(caseId)).filter((e) => e.type === 'result-stored').length;

async function totalFinalized(): Promise<number> {
  let total = 0;
  for (const r of replicas) for (const v of (await r.metrics.casesFinalized.get()).values) total += v.value;
  return total;
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  store = new CaseStore(redis, keys);
  fusionQueue = new Queue(QUEUES.fusion, { connection: new Redis(server.url), prefix: keys.queuePrefix(QUEUES.fusion) });
});

afterEach(async () => {
  await Promise.all(replicas.map((r) => r.shutdown('test')));
  replicas = [];
});

afterAll(async () => {
  await fusionQueue?.close();
  (fusionQueue?.opts.connection as Redis | undefined)?.disconnect();
  redis?.disconnect();
  await server?.stop();
});

async function start(n: number, extra: Record<string, string> = {}, startSweeper = true): Promise<RunningAggregator[]> {
  for (let i = 0; i < n; i++) replicas.push(await bootstrapAggregator(config(extra), { logger: silent, startSweeper }));
  return replicas;
}

describe('finalization', () => {
  it('fuses an all-replied case with libs/fusion, stores it complete, drops its deadline entry and lists it as finalized', async () => {
    await start(1);
    const { caseId } = await registerCase({ deadlineMs: 30_000 });
    const scores = { tabular: record('tabular', 0.3), vitals: record('vitals', 0.8) };
    await store.recordScore(caseId, scores.tabular);
    expect(await store.recordScore(caseId, scores.vitals)).toBe('all-replied');
    await trigger(caseId, 'all-replied');

    const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId));
    const expected = await fuse('stacking', buildEvidence(['tabular', 'vitals'], scores), replicas[0].bundle.params);
    expect(view!.result).toEqual({ status: 'complete', fused: expected });
    expect(view!.completedBy).toBe('all-replied');
    expect(await redis.zscore(keys.deadlines(), caseId)).toBeNull();
    // The finalized entry carries the case's summary (what the dashboard would read from the case otherwise).
    const finalized = (await redis.xrange(keys.finalized(), '-', '+')).map(([, fields]) => fields);
    const scoreAt = Object.fromEntries((await store.events(caseId)).filter((e) => e.type === 'score').map((e) => [e.modality, e.at]));
    expect(finalized.filter((f) => f[1] === caseId)).toEqual([
      [
        'caseId', caseId,
        'status', 'complete',
        'completedBy', 'all-replied',
        'submittedAt', String(view!.submittedAt),
        'deadlineAt', String(view!.deadlineAt),
        'finalizedAt', String(view!.finalizedAt),
        'expected', 'tabular,vitals',
        'replies', `tabular:ok:${scoreAt['tabular']},vitals:ok:${scoreAt['vitals']}`,
      ],
    ]);
  });

  it('fuses attention through the ONNX module', async () => {
    await start(1);
    const { caseId } = await registerCase({ strategy: 'attention', expected: ['imaging', 'tabular', 'vitals'] });
    const scores = { imaging: record('imaging', 0.6), tabular: record('tabular', 0.2), vitals: record('vitals', 0.4) };
    for (const r of Object.values(scores)) await store.recordScore(caseId, r);
    await trigger(caseId, 'all-replied');
    const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId));
    expect(view!.result!.fused.strategy).toBe('attention');
    const expected = await fuse('attention', buildEvidence(['imaging', 'tabular', 'vitals'], scores), replicas[0].bundle.params, {
      attention: replicas[0].bundle.attention!,
    });
    expect(view!.result!.fused.probability).toBeCloseTo(expected.probability, 9);
  });

  it('finalizes exactly once with two replicas, duplicated triggers and concurrent sweepers', async () => {
    await start(2, { LF_SWEEP_INTERVAL_MS: '10' });
    const cases = await Promise.all(Array.from({ length: 40 }, () => registerCase({ deadlineMs: 300 })));
    // Half the cases get all their scores (and many all-replied triggers), the others only one score.
    await Promise.all(
      cases.map(async ({ caseId }, i) => {
        await store.recordScore(caseId, record('tabular', 0.4));
        if (i % 2 === 0) await store.recordScore(caseId, record('vitals', 0.6));
      }),
    );
    const triggers = cases.flatMap(({ caseId }, i) => {
      const jobs = [trigger(caseId, 'deadline', { delay: 300 })];
      for (let d = 0; d < 4; d++) jobs.push(trigger(caseId, i % 2 === 0 ? 'all-replied' : 'deadline', { jobId: `${caseId}-dup${d}` }));
      return jobs;
    });
    await Promise.all(triggers);
    // Direct calls from both replicas race the jobs and the sweepers.
    await Promise.all(cases.flatMap(({ caseId }) => replicas.map((r) => r.finalizer.finalize(caseId, 'deadline', 'sweeper'))));

    for (const { caseId } of cases) await waitFor(async () => (await store.get(caseId))?.result);
    await new Promise((r) => setTimeout(r, 500)); // let every trigger run
    for (const [i, { caseId }] of cases.entries()) {
      expect(await finalizedEvents(caseId)).toBe(1);
      expect(await storedEvents(caseId)).toBe(1);
      expect((await store.get(caseId))!.result!.status).toBe(i % 2 === 0 ? 'complete' : 'degraded');
    }
    expect(await totalFinalized()).toBe(cases.length);
  });
});

describe('deadlines', () => {
  it('moves a deadline job that fires early back to delayed, then finalizes at the deadline', async () => {
    await start(1, {}, false);
    const { caseId, deadlineAt } = await registerCase({ deadlineMs: 800 });
    await store.recordScore(caseId, record('tabular', 0.5));
    await trigger(caseId, 'deadline', { delay: 0 });

    const job = await waitFor(async () => {
      const j = await fusionQueue.getJob(jobIds.finalize(caseId, 'deadline'));
      return j && (await j.isDelayed()) && j;
    });
    expect(job.attemptsMade).toBe(0);
    expect((await store.get(caseId))!.status).toBe('pending');

    const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId), 5000);
    expect(view!.completedBy).toBe('deadline');
    expect(view!.result!.status).toBe('degraded');
    expect(view!.finalizedAt! - deadlineAt).toBeGreaterThanOrEqual(0);
    expect(view!.finalizedAt! - deadlineAt).toBeLessThan(300);
  });

  it('finalizes deadline cases within 100 ms of their deadline (Redis clock), jobs and sweeper together', async () => {
    await start(1, { LF_SWEEP_INTERVAL_MS: '250' });
    const cases = [];
    for (let i = 0; i < 20; i++) {
      const registered = await registerCase({ deadlineMs: 300 + i * 23 });
      await trigger(registered.caseId, 'deadline', { delay: registered.deadlineAt - registered.submittedAt });
      cases.push(registered);
      await new Promise((r) => setTimeout(r, 7));
    }
    const lags: number[] = [];
    for (const { caseId, deadlineAt } of cases) {
      const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId));
      lags.push(view!.finalizedAt! - deadlineAt);
    }
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lags)).toBeLessThan(100);
  });

  it('finalizes deadline cases within 100 ms of their deadline by the sweeper alone, also one registered with a shorter deadline than those pending', async () => {
    await start(1, { LF_SWEEP_INTERVAL_MS: aggregatorConfigFromEnv({ REDIS_URL: server.url }).sweep.intervalMs.toString() });
    const cases = [await registerCase({ deadlineMs: 1500 })];
    await new Promise((r) => setTimeout(r, 100)); // the sweeper now sleeps towards the 1.5 s deadline
    for (let i = 0; i < 12; i++) {
      cases.push(await registerCase({ deadlineMs: 200 + ((i * 37) % 300) }));
      await new Promise((r) => setTimeout(r, 13));
    }
    const lags: number[] = [];
    for (const { caseId, deadlineAt } of cases) {
      const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId));
      expect(view!.completedBy).toBe('deadline');
      lags.push(view!.finalizedAt! - deadlineAt);
    }
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lags)).toBeLessThan(100);
    expect(await fusionQueue.getJobCounts('delayed', 'wait')).toEqual({ delayed: 0, wait: 0 });
  });

  it('the sweeper finalizes a past-deadline case that has no deadline job', async () => {
    const { caseId, deadlineAt } = await registerCase({ deadlineMs: 100 });
    await new Promise((r) => setTimeout(r, 150));
    await start(1);
    const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId));
    expect(view).toMatchObject({ completedBy: 'deadline', result: { status: 'failed' } });
    expect(view!.finalizedAt!).toBeGreaterThanOrEqual(deadlineAt);
    expect(await redis.zscore(keys.deadlines(), caseId)).toBeNull();
  });

  it('redoes a finalization that crashed after the fence (result missing) once the grace period passes', async () => {
    const { caseId } = await registerCase({ deadlineMs: 50 });
    await store.recordScore(caseId, record('vitals', 0.9));
    await new Promise((r) => setTimeout(r, 60));
    const fence = await store.finalize(caseId, 'deadline'); // a finalizer that dies right here
    expect(fence.admitted).toBe(true);

    await start(1);
    const view = await waitFor(async () => (await store.get(caseId))?.result && store.get(caseId));
    expect(view!.result!.status).toBe('degraded');
    expect(await finalizedEvents(caseId)).toBe(1);
    expect(await storedEvents(caseId)).toBe(1);
    // The attempt is counted when finalize returns, a few Redis round trips (webhooks, deadline job) after the result is visible.
    const recovered = async () => (await replicas[0].metrics.finalizeOutcomes.get()).values.find((v) => v.labels.outcome === 'recovered')?.value;
    expect(await waitFor(recovered)).toBe(1);
  });
});

describe('operations', () => {
  it('serves health and metrics on the ops port', async () => {
    const [aggregator] = await start(1);
    expect((await fetch(`${aggregator.ops.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${aggregator.ops.url}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${aggregator.ops.url}/metrics`)).text();
    expect(metrics).toContain('lf_finalize_attempts_total');
    await aggregator.shutdown('test');
    replicas = [];
  });
});

describe('webhooks', () => {
  it('enqueues one delivery per webhook of the tenant after storing the result, once, whatever the duplicate triggers', async () => {
    const webhooks = new WebhookStore(redis, keys);
    const policy = { allowedHosts: ['hooks.example.org'], allowHttp: false, allowPrivateNetworks: false };
    const ids: string[] = [];
    for (const path of ['a', 'b']) {
      const outcome = await webhooks.register('north', { url: `https://hooks.example.org/${path}`, policy });
      if (outcome.outcome !== 'registered') throw new Error(outcome.outcome);
      ids.push(outcome.webhook.id);
    }
    await webhooks.register('south', { url: 'https://hooks.example.org/south', policy });
    const deliveries = new Queue<DeliverWebhookJob>(QUEUES.webhooks, { connection: redis, prefix: keys.queuePrefix(QUEUES.webhooks) });
    try {
      await start(1, { LF_WEBHOOK_ATTEMPTS: '5', LF_WEBHOOK_BACKOFF_MS: '250' });
      const { caseId } = await registerCase();
      await store.recordScore(caseId, record('tabular', 0.3));
      await store.recordScore(caseId, record('vitals', 0.6));
      await trigger(caseId, 'all-replied');
      await waitFor(async () => (await store.get(caseId))?.result);
      // Duplicate triggers (a redelivered job, the sweeper) re-run the idempotent step.
      await trigger(caseId, 'all-replied', { jobId: `${caseId}-dup` });
      await replicas[0].finalizer.finalize(caseId, 'deadline', 'sweeper');
      await waitFor(async () => (await fusionQueue.getJob(`${caseId}-dup`))?.finishedOn);

      const jobs = await deliveries.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      const mine = jobs.filter((j) => j.data.caseId === caseId);
      expect(mine.map((j) => j.id).sort()).toEqual(ids.map((id) => `${caseId}-${id}`).sort());
      for (const job of mine) {
        expect(job.name).toBe(JOB_NAMES.deliverWebhook);
        expect(Object.keys(job.data).sort()).toEqual(['caseId', 'eventId', 'tenant', 'traceId', 'webhookId']);
        expect(job.data).toMatchObject({ caseId, tenant: 'north', eventId: `evt_${caseId}_finalized` });
        expect(job.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 250 } });
      }
      expect(jobs.filter((j) => j.data.tenant === 'south')).toEqual([]);
    } finally {
      await deliveries.close();
    }
  });
});
