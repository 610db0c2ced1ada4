/**
 * The dashboard API against a throwaway redis-server with real BullMQ queues put into known states: jobs
 * completed (with known sleeps), failed, delayed, left waiting; workers connected or not; cases registered,
 * scored and finalized through the real CaseStore (the aggregator's steps: fence, store result; by a
 * trigger job or, at the deadline, as its sweeper does), one left overdue. Counts, rates and percentiles are checked against the jobs and cases
 * that were actually run (their BullMQ timestamps and case hashes), not against constants.
 */
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, QUEUES, type ScoreRecord } from '@lf/contracts';
import { createLogger, expositionProblems } from '@lf/observability';
import { CaseStore, createKeyBuilder } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { dashboardConfigFromEnv } from '../src/config/dashboard.config';
import { createDashboard, type Dashboard } from '../src/create-dashboard';
import type { Overview } from '../src/sampling/dashboard-sampler';

const KEY = 'dashboard-api-test-key-0001';
const PHI = 'PHI-MARKER-patientRef-4711';
const keys = createKeyBuilder();
const logger = createLogger({ app: 'dashboard-test', sink: () => undefined });

/** Nearest rank, written out independently of the code under test. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

function score(modality: string, status: ScoreRecord['status'] = 'ok'): ScoreRecord {
  return { modality, status, ...(status === 'ok' ? { probability: 0.3, logit: -0.8 } : { error: 'model failed' }), modelId: modality, modelVersion: '1.0.0', latencyMs: 3, qualityFlags: [] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('dashboard API (real Redis, real BullMQ queues)', () => {
  let redis: RedisServerHandle;
  let conn: Redis;
  let dashboard: Dashboard;
  let store: CaseStore;
  const queues: Record<string, Queue> = {};
  const workers: Worker[] = [];
  const connections: Redis[] = [];
  const own = () => {
    const c = conn.duplicate();
    connections.push(c);
    return c;
  };
  let tabularWorker: Worker;
  let imagingCompleted: Job[];
  let oldestWaitingAddedAt: number;
  const finalizedIds: string[] = [];

  const inject = (url: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) => dashboard.app.inject({ method: 'GET', url, headers });
  const overview = async (): Promise<Overview> => (await inject('/api/overview')).json() as Overview;
  const queueOf = (o: Overview, name: string) => o.queues.find((q) => q.name === name)!;

  beforeAll(async () => {
    redis = await startRedisServer({ args: ['--maxmemory', '256mb'] });
    conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    store = new CaseStore(conn, keys);
    for (const name of ['imaging', 'tabular', 'vitals', QUEUES.fusion, QUEUES.webhooks]) queues[name] = new Queue(name, { connection: conn, prefix: keys.queuePrefix(name) });

    const config = dashboardConfigFromEnv({
      REDIS_URL: redis.url,
      LF_DASHBOARD_KEYS: `ops:${KEY}`,
      LF_DASHBOARD_PORT: '0',
      LF_DASHBOARD_SAMPLE_MS: '250',
      LF_DASHBOARD_HISTORY_POINT_SECONDS: '1',
      LF_DASHBOARD_MAX_DEADLINE_SLACK_MS: '300',
      LF_LOG_LEVEL: 'error',
    });
    // Created before anything happens: everything below is found incrementally, tick by tick.
    dashboard = await createDashboard(config, { logger, manualSampling: true });

    // --- imaging: 4 completed (known processing sleeps, one late score), 2 failed, then 3 waiting and 2 delayed with no worker.
    const imaging = queues['imaging'];
    const plan = [
      { id: 'c1-imaging', sleep: 20 },
      { id: 'c2-imaging', sleep: 40 },
      { id: 'c3-imaging', sleep: 60, late: true },
      { id: 'c4-imaging', sleep: 80 },
      { id: 'c5-imaging', sleep: 5, fail: true },
      { id: 'c6-imaging', sleep: 5, fail: true },
    ];
    for (const p of plan) await imaging.add(JOB_NAMES.scoreModality, { ...p, patientRef: PHI }, { jobId: p.id });
    const imagingWorker = new Worker(
      'imaging',
      async (job) => {
        await sleep(job.data.sleep);
        if (job.data.fail) throw new Error('model exploded');
        return { status: 'ok', outcome: job.data.late ? 'late' : 'recorded', modelVersion: '1.0.0' };
      },
      { connection: own(), prefix: keys.queuePrefix('imaging'), concurrency: 1 },
    );
    await until('imaging jobs finished', async () => {
      const c = await imaging.getJobCounts('completed', 'failed');
      return c['completed'] === 4 && c['failed'] === 2;
    });
    await imagingWorker.close();
    imagingCompleted = await Promise.all(plan.slice(0, 4).map((p) => Job.fromId(imaging, p.id) as Promise<Job>));
    oldestWaitingAddedAt = Date.now();
    for (let i = 1; i <= 3; i++) await imaging.add(JOB_NAMES.scoreModality, { patientRef: PHI }, { jobId: `w${i}-imaging` });
    for (let i = 1; i <= 2; i++) await imaging.add(JOB_NAMES.scoreModality, { patientRef: PHI }, { jobId: `d${i}-imaging`, delay: 60_000 });

    // --- tabular: a named worker stays connected to an empty queue.
    tabularWorker = new Worker('tabular', async () => ({ status: 'ok', outcome: 'recorded' }), { connection: own(), prefix: keys.queuePrefix('tabular'), name: 'tabular-worker-1' });
    await tabularWorker.waitUntilReady();
    workers.push(tabularWorker);

    // --- fusion: cases through the real CaseStore, finalized the way the aggregator does.
    const fusion = queues[QUEUES.fusion];
    // Registration puts the case in the deadlines index: the aggregator's sweeper is its deadline clock.
    const register = async (caseId: string, expected: string[], deadlineMs: number) => {
      await store.register({ caseId, tenant: 'north', expected, strategy: 'stacking', deadlineMs, blobs: {}, ttlSeconds: 3600, traceId: `t-${caseId}` });
    };
    // What the aggregator does with a trigger (and its sweeper at a deadline): the fence, then the result.
    const finalize = async (caseId: string, cause: 'all-replied' | 'deadline', status: 'complete' | 'degraded') => {
      const fence = await store.finalize(caseId, cause);
      if (!fence.admitted) return fence.reason;
      await store.storeResult(caseId, { fused: { strategy: 'stacking', probability: 0.3, riskBand: 'low', contributions: [], degraded: status !== 'complete' }, status });
      finalizedIds.push(caseId);
      return 'finalized';
    };
    const fusionWorker = new Worker(
      QUEUES.fusion,
      async (job) => {
        const { caseId, status } = job.data as { caseId: string; status: 'complete' | 'degraded' };
        return finalize(caseId, 'all-replied', status);
      },
      { connection: own(), prefix: keys.queuePrefix(QUEUES.fusion), concurrency: 4 },
    );
    workers.push(fusionWorker);
    const allReplied = async (caseId: string, status: 'complete' | 'degraded') => {
      await fusion.add(JOB_NAMES.finalizeCase, { caseId, cause: 'all-replied', traceId: 't', status }, { jobId: `${caseId}-all-replied` });
    };

    for (let i = 1; i <= 4; i++) {
      const id = `case-a${i}`;
      await register(id, ['imaging', 'tabular'], 5000);
      await store.recordScore(id, score('tabular'));
      await sleep(5 * i);
      await store.recordScore(id, score('imaging'));
      await allReplied(id, 'complete');
    }
    await register('case-b1', ['imaging', 'tabular', 'vitals'], 5000);
    await store.recordScore('case-b1', score('imaging'));
    await store.recordScore('case-b1', score('tabular', 'failed'));
    await store.recordScore('case-b1', score('vitals'));
    await allReplied('case-b1', 'degraded');
    for (const id of ['case-d1', 'case-d2']) {
      await register(id, ['imaging', 'tabular'], 300);
      await store.recordScore(id, score('tabular'));
    }
    await register('case-p1', ['imaging'], 150); // no sweeper finalizes it: overdue
    await register('case-q1', ['imaging'], 60_000); // pending, deadline far away
    await until('deadlines of case-d1 and case-d2', async () => (await store.dueDeadlines(10)).includes('case-d2'));
    for (const id of ['case-d1', 'case-d2']) expect(await finalize(id, 'deadline', 'degraded')).toBe('finalized');
    await until('cases finalized', async () => finalizedIds.length === 7);
    expect(await store.recordScore('case-d1', score('imaging'))).toBe('late');
    await sleep(500); // case-p1 is now > 300 ms past its deadline

    await dashboard.sampler.tick();
    await dashboard.sampler.tick();
  }, 60_000);

  afterAll(async () => {
    await dashboard?.close();
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(Object.values(queues).map((q) => q.close()));
    for (const c of connections) c.disconnect();
    conn?.disconnect();
    await redis?.stop();
  });

  it('counts each queue state and the workers connected', async () => {
    const o = await overview();
    const imaging = queueOf(o, 'imaging');
    expect(imaging.counts).toEqual({ waiting: 3, active: 0, delayed: 2, failed: 2, completed: 4, prioritized: 0, paused: 0, waitingChildren: 0 });
    expect(imaging.completedPerMinute).toBe(4);
    expect(imaging.failedPerMinute).toBe(2);
    expect(imaging.lateScoresPerMinute).toBe(1);
    expect(imaging.workers).toBe(0);
    expect(queueOf(o, 'tabular').workers).toBe(1);
    expect(queueOf(o, 'fusion').workers).toBe(1);
    expect(queueOf(o, 'vitals').workers).toBe(0);
  });

  it('computes wait and processing percentiles from the completed jobs that ran', async () => {
    const imaging = queueOf(await overview(), 'imaging');
    const waits = imagingCompleted.map((j) => j.processedOn! - j.timestamp);
    const processing = imagingCompleted.map((j) => j.finishedOn! - j.processedOn!);
    expect(imaging.sample).toEqual({ jobs: 4, windowSeconds: 300, truncated: false });
    expect(imaging.waitMs).toEqual({ n: 4, p50: nearestRank(waits, 50), p95: nearestRank(waits, 95), p99: nearestRank(waits, 99), max: Math.max(...waits) });
    expect(imaging.processingMs).toEqual({ n: 4, p50: nearestRank(processing, 50), p95: nearestRank(processing, 95), p99: nearestRank(processing, 99), max: Math.max(...processing) });
    // the processor slept 20/40/60/80 ms, one job at a time
    expect(imaging.processingMs!.p50).toBeGreaterThanOrEqual(40);
    expect(imaging.processingMs!.p95).toBeGreaterThanOrEqual(80);
  });

  it('turns a queue with waiting jobs and no worker red, and reports the age of its oldest waiting job', async () => {
    const o = await overview();
    const imaging = queueOf(o, 'imaging');
    const maxAge = (Date.now() - oldestWaitingAddedAt) / 1000 + 0.05;
    expect(imaging.oldestWaitingSeconds).toBeGreaterThan(0);
    expect(imaging.oldestWaitingSeconds).toBeLessThanOrEqual(maxAge);
    expect(imaging.health.level).toBe('critical');
    expect(imaging.health.reasons).toContain('3 waiting and 0 workers connected (min 1)');
    expect(queueOf(o, 'tabular').health).toEqual({ level: 'ok', reasons: [] });
    expect(queueOf(o, 'vitals').health).toEqual({ level: 'warn', reasons: ['0 workers connected (min 1)'] });
    // deadlines are not jobs: case-q1 is pending with nothing on the fusion queue
    expect(queueOf(o, 'fusion').counts.delayed).toBe(0);
    expect(queueOf(o, 'fusion').health).toEqual({ level: 'ok', reasons: [] });
    expect(o.overall).toBe('critical');
  });

  it('computes the fusion panel from the cases that were finalized', async () => {
    const f = (await overview()).fusion;
    expect(f.finalized).toBe(7);
    expect(f.finalizedPerMinute).toBe(7);
    expect(f.byCause).toEqual({ 'all-replied': 5, deadline: 2 });
    expect(f.deadlineShare).toBeCloseTo(2 / 7, 10);
    expect(f.byStatus).toEqual({ complete: 4, degraded: 3, failed: 0 });
    expect(f.degradedShare).toBeCloseTo(3 / 7, 10);
    expect(f.lateScoresPerMinute).toBe(1); // from the imaging job that returned 'late'
    expect(f.pendingCases).toBe(2);
    expect(f.overdueCases).toBe(1);
    expect(f.health.level).toBe('critical');
    expect(f.health.reasons[0]).toMatch(/^1 case pending more than 300 ms past the deadline/);

    const views = await Promise.all(finalizedIds.map((id) => store.get(id)));
    const slack = views.map((v) => v!.finalizedAt! - v!.deadlineAt);
    expect(f.deadlineSlackMs).toEqual({ n: 7, p50: nearestRank(slack, 50), p95: nearestRank(slack, 95), p99: nearestRank(slack, 99), max: Math.max(...slack) });
    const deadlineSlack = views.filter((v) => v!.completedBy === 'deadline').map((v) => v!.finalizedAt! - v!.deadlineAt);
    expect(f.deadlineCauseSlackMs!.p99).toBe(nearestRank(deadlineSlack, 99));
    expect(Math.min(...deadlineSlack)).toBeGreaterThanOrEqual(0);

    expect(f.modalities['imaging']).toMatchObject({ expected: 7, replied: 5, ok: 5, replyRate: 5 / 7 });
    expect(f.modalities['tabular']).toMatchObject({ expected: 7, replied: 7, ok: 6, replyRate: 1, okRate: 6 / 7 });
    expect(f.modalities['vitals']).toMatchObject({ expected: 1, replied: 1, ok: 1 });
    const imagingLatencies: number[] = [];
    for (const v of views) {
      const event = (await store.events(v!.caseId)).find((e) => e.type === 'score' && e.modality === 'imaging');
      if (event) imagingLatencies.push(event.at - v!.submittedAt);
    }
    expect(f.modalities['imaging'].latencyMs).toMatchObject({ n: 5, p50: nearestRank(imagingLatencies, 50), p95: nearestRank(imagingLatencies, 95) });
    expect(f.recent.map((r) => r.caseId).sort()).toEqual([...finalizedIds].sort());
    expect(f.recent.find((r) => r.caseId === 'case-d1')).toMatchObject({ completedBy: 'deadline', status: 'degraded', missing: ['imaging'] });
    expect(f.tracking).toMatchObject({ watched: 0, discoveryGaps: 0, dropped: 0 }); // pending cases are counted from the deadlines index
  });

  it('reports Redis memory, eviction policy (a warning unless noeviction) and persistence', async () => {
    expect((await overview()).redis.health).toEqual({ level: 'warn', reasons: [expect.stringMatching(/^no persistence/)] });
    await conn.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await dashboard.sampler.tick();
    await conn.config('SET', 'maxmemory-policy', 'noeviction');
    const r = (await overview()).redis;
    expect(r.maxMemoryBytes).toBe(256 * 1024 * 1024);
    expect(r.memoryRatio).toBeCloseTo(r.usedMemoryBytes / r.maxMemoryBytes, 10);
    expect(r.evictionPolicy).toBe('allkeys-lru');
    expect(r.persistence).toMatchObject({ aofEnabled: false, rdbEnabled: false });
    expect(r.connectedClients).toBeGreaterThanOrEqual(4);
    expect(r.health.level).toBe('warn');
    expect(r.health.reasons.some((x) => x.startsWith('maxmemory-policy is allkeys-lru'))).toBe(true);
    expect(r.health.reasons.some((x) => x.startsWith('no persistence'))).toBe(true);
  });

  it('returns the thresholds with the overview', async () => {
    expect((await overview()).thresholds).toEqual({ maxBacklog: 1000, maxOldestWaitSeconds: 30, minWorkers: 1, maxFailedPerMinute: 10, maxDegradedShare: 0.2, maxDeadlineSlackMs: 300, maxMemoryRatio: 0.8 });
  });

  it('counts later completions incrementally, once each', async () => {
    await tabularWorker.pause();
    const tabular = queues['tabular'];
    await dashboard.sampler.tick();
    expect(queueOf(await overview(), 'tabular').completedPerMinute).toBe(0);
    for (let i = 1; i <= 3; i++) await tabular.add(JOB_NAMES.scoreModality, {}, { jobId: `t${i}-tabular` });
    tabularWorker.resume();
    await until('tabular jobs completed', async () => (await tabular.getJobCounts('completed'))['completed'] === 3);
    await dashboard.sampler.tick();
    await dashboard.sampler.tick();
    const q = queueOf(await overview(), 'tabular');
    expect(q.completedPerMinute).toBe(3);
    expect(q.sample.jobs).toBe(3);
  });

  it('keeps history points for the charts and validates the minutes parameter', async () => {
    await sleep(1100);
    await dashboard.sampler.tick();
    const response = await inject('/api/history?minutes=5');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { minutes: number; pointMs: number; points: Array<{ t: number; queues: Record<string, { waiting: number }> }> };
    expect(body.minutes).toBe(5);
    expect(body.pointMs).toBe(1000);
    expect(body.points.length).toBeGreaterThanOrEqual(2);
    expect(body.points.at(-1)!.queues['imaging'].waiting).toBe(3);
    for (const bad of ['abc', '0', '61', '1.5']) {
      const r = await inject(`/api/history?minutes=${bad}`);
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json().errors[0].path).toBe('minutes');
    }
  });

  it('lists jobs read-only, with attempts, times and failedReason but never job data', async () => {
    const response = await inject('/api/jobs?queue=imaging&state=failed');
    expect(response.statusCode).toBe(200);
    const page = response.json();
    expect(page.total).toBe(2);
    expect(page.jobs.map((j: { id: string }) => j.id).sort()).toEqual(['c5-imaging', 'c6-imaging']);
    expect(page.jobs[0]).toMatchObject({ name: 'score-modality', state: 'failed', attemptsMade: 1, failedReason: 'model exploded' });
    expect(Object.keys(page.jobs[0]).sort()).toEqual(['attemptsMade', 'attemptsStarted', 'createdAt', 'delayMs', 'failedReason', 'finishedAt', 'id', 'name', 'processedAt', 'state'].sort());
    const delayed = (await inject('/api/jobs?queue=imaging&state=delayed')).json();
    expect(delayed.jobs.map((j: { delayMs: number }) => j.delayMs)).toEqual([60_000, 60_000]);
    const waiting = (await inject('/api/jobs?queue=imaging&state=waiting&count=2')).json();
    expect(waiting).toMatchObject({ total: 3, start: 0 });
    expect(waiting.jobs.map((j: { id: string }) => j.id)).toEqual(['w3-imaging', 'w2-imaging']);

    for (const url of ['/api/jobs?queue=imaging&state=completed', '/api/jobs?queue=imaging&state=waiting', '/api/overview', '/api/history']) {
      const text = (await inject(url)).body;
      expect(text).not.toContain(PHI);
      expect(text).not.toContain('patientRef');
    }
    const bad = await inject('/api/jobs?queue=nope&state=everything&count=1000');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['count', 'queue', 'state']);
  });

  it('requires a key for the API and the page; health and metrics are open', async () => {
    const denied = await inject('/api/overview', {});
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(denied.json().type).toBe('urn:lf:problem:unauthorized');
    expect((await inject('/api/overview', { authorization: 'Bearer not-a-valid-key-000000' })).statusCode).toBe(401);
    const page = await inject('/', {});
    expect(page.statusCode).toBe(303);
    expect(page.headers['location']).toBe('/login');
    expect((await inject('/health/live', {})).statusCode).toBe(200);
    expect((await inject('/health/ready', {})).json()).toEqual({ status: 'ready' });
    const metrics = await inject('/metrics', {});
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('lf_queue_jobs{queue="imaging",state="waiting",app="dashboard"} 3');
    expect(metrics.body).toContain('lf_dashboard_health_info{panel="queue:imaging",level="critical",app="dashboard"} 1');
    expect(metrics.body).toContain('lf_overdue_cases{app="dashboard"} 1');
    // The tabular worker stays connected; nobody consumes imaging (the "no workers" alert's input).
    expect(metrics.body).toContain('lf_queue_workers{queue="tabular",app="dashboard"} 1');
    expect(metrics.body).toContain('lf_queue_workers{queue="imaging",app="dashboard"} 0');
    expect(metrics.body).toMatch(/lf_redis_connected_clients\{app="dashboard"\} [1-9]/);
    // Redis commands since the dashboard started: moves with the commands the next sample itself sends.
    const commands = (text: string) => Number(/lf_redis_commands_processed_total\{app="dashboard"\} (\d+)/.exec(text)![1]);
    await dashboard.sampler.tick();
    const after = (await inject('/metrics', {})).body;
    expect(commands(after)).toBeGreaterThan(commands(metrics.body));
    expect(expositionProblems(after)).toEqual([]); // the naming scheme over the dashboard's whole registry
    expect((await inject('/assets/uplot.js', {})).statusCode).toBe(200);
  });

  it('signs a browser in with an HttpOnly SameSite=Strict cookie, and out again', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const refused = await dashboard.app.inject({ method: 'POST', url: '/login', headers: form, payload: 'key=wrong-key-000000000000' });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers['location']).toBe('/login?failed=1');
    expect(refused.headers['set-cookie']).toBeUndefined();

    const login = await dashboard.app.inject({ method: 'POST', url: '/login', headers: form, payload: `key=${encodeURIComponent(KEY)}` });
    expect(login.statusCode).toBe(303);
    expect(login.headers['location']).toBe('/');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^lf_dashboard_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(KEY);
    const cookie = { cookie: setCookie.split(';')[0] };

    const page = await inject('/', cookie);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script[^>]+src="https?:/); // no CDN: every script is served by the app
    expect((await inject('/api/overview', cookie)).statusCode).toBe(200);

    const logout = await dashboard.app.inject({ method: 'POST', url: '/logout', headers: cookie });
    expect(logout.statusCode).toBe(303);
    expect(String(logout.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await inject('/api/overview', cookie)).statusCode).toBe(401);
  });

  it('says so when the finalized stream was trimmed before the dashboard read it (cases possibly missed)', async () => {
    const before = (await overview()).fusion;
    await store.register({ caseId: 'case-g1', tenant: 'north', expected: ['imaging'], strategy: 'stacking', deadlineMs: 60_000, blobs: {}, ttlSeconds: 3600, traceId: 't' });
    expect(await store.recordScore('case-g1', score('imaging'))).toBe('all-replied');
    expect((await store.finalize('case-g1', 'all-replied')).admitted).toBe(true);
    await store.storeResult('case-g1', { fused: { strategy: 'stacking', probability: 0.3, riskBand: 'low', contributions: [], degraded: false }, status: 'complete' });
    await conn.xtrim(keys.finalized(), 'MAXLEN', 0);
    await dashboard.sampler.tick();
    const after = (await overview()).fusion;
    expect(after.tracking.discoveryGaps).toBe(before.tracking.discoveryGaps + 1);
    expect(after.byCause).toEqual(before.byCause); // case-g1 was never seen
  });

  it('streams overviews and history points as server-sent events', async () => {
    const url = await dashboard.listen();
    const abort = new AbortController();
    const response = await fetch(`${url}/api/stream`, { headers: { authorization: `Bearer ${KEY}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events: Array<{ event: string; data: unknown }> = [];
    const readEvents = async (n: number) => {
      while (events.length < n) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    };
    await readEvents(1);
    expect(events[0].event).toBe('overview');
    expect((events[0].data as Overview).at).toBe(dashboard.sampler.overview!.at);
    await sleep(1000);
    await dashboard.sampler.tick();
    await readEvents(3);
    expect(events.slice(1).map((e) => e.event)).toEqual(['overview', 'point']);
    abort.abort();
  });
});
