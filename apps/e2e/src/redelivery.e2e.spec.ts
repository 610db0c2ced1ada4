import { Queue } from 'bullmq';
import { generateCohort } from '@lf/cohort';
import { DEFAULT_MODALITY_REGISTRY, jobIds, type ScoreModalityJob } from '@lf/contracts';
import { createKeyBuilder, type CaseEvent } from '@lf/redis';
import { freePort, launchApp, type LaunchedApp } from '@lf/testing';
import { startSystemFixture, type SystemFixture } from './support/system-fixture';

// DESIGN.md 3 MUST: a redelivered job still gives one score per modality and one finalization per case.
// A tabular worker process dies by SIGKILL with a job in flight; BullMQ's stalled-job check (in the surviving
// process) hands the job over once the dead process's lock expires. Short locks keep that to a few seconds.
const LOCK_MS = 2000;
const STALLED_CHECK_MS = 500;
const MODALITIES = ['imaging', 'tabular', 'vitals'];
const GENEROUS_DEADLINE_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The audit trail of a case, counted: what the invariant is about. */
function tally(events: CaseEvent[]) {
  const scores: Record<string, number> = {};
  for (const e of events) if (e.type === 'score') scores[e.modality!] = (scores[e.modality!] ?? 0) + 1;
  const count = (type: CaseEvent['type']) => events.filter((e) => e.type === type).length;
  return { scores, finalized: count('finalized'), resultStored: count('result-stored'), lateScores: count('late-score') };
}

/** The `score published` log lines a worker process wrote for one job: one per time it processed the job to the end. */
function publishedLines(app: LaunchedApp, jobId: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of app.output) {
    if (!line.includes('score published') || !line.includes(jobId)) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed['msg'] === 'score published' && parsed['jobId'] === jobId) lines.push(parsed);
    } catch {
      // not a JSON log line
    }
  }
  return lines;
}

describe('redelivered jobs, end to end', () => {
  let fx: SystemFixture;
  let tabularQueue: Queue<ScoreModalityJob>;
  const extraProcesses: LaunchedApp[] = [];

  beforeAll(async () => {
    fx = await startSystemFixture({
      env: { 'tabular-worker': { LF_JOB_LOCK_MS: String(LOCK_MS), LF_STALLED_CHECK_MS: String(STALLED_CHECK_MS), LF_LOG_LEVEL: 'info' } },
    });
    const queue = DEFAULT_MODALITY_REGISTRY.find((e) => e.name === 'tabular')!.queue;
    tabularQueue = new Queue<ScoreModalityJob>(queue, { connection: fx.connection, prefix: createKeyBuilder().queuePrefix(queue) });
  }, 90_000);
  afterAll(async () => {
    for (const app of extraProcesses) app.signal('SIGKILL');
    await Promise.all(extraProcesses.map((app) => app.exited));
    await tabularQueue?.close();
    await fx?.stop();
  });

  /** Another process of the tabular worker, same settings as the system's (plus `env`), on its own ops port. */
  async function launchTabular(name: string, env: Record<string, string> = {}): Promise<LaunchedApp> {
    const spec = fx.system.specs['tabular-worker'];
    const port = await freePort();
    const app = await launchApp({ ...spec, name, env: { ...spec.env, LF_OPS_PORT: String(port), ...env }, readyUrl: `http://127.0.0.1:${port}/health/ready` });
    extraProcesses.push(app);
    return app;
  }

  async function submit(seed: number): Promise<string> {
    const [c] = [...generateCohort({ seed, n: 1, naturalMissingness: false })];
    const submitted = await fx.submit({ ...c.request, deadlineMs: GENEROUS_DEADLINE_MS });
    expect(submitted.status).toBe(202);
    return String(submitted.body['caseId']);
  }

  const scored = async (caseId: string, modalities: string[]) => {
    const { scores } = tally(await fx.store.events(caseId));
    return modalities.every((m) => scores[m] === 1);
  };

  /** Kills the faulty process, waits for the case, and checks the invariant on the audit trail. */
  async function killAndExpectOneScoreOneFinalization(doomed: LaunchedApp, caseId: string) {
    doomed.signal('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();
    const result = await fx.waitForFinal(caseId, 20_000);
    const recoveredInMs = Date.now() - killedAt;

    expect(result.status).toBe('complete');
    expect(result.result!.completedBy).toBe('all-replied');
    expect(result.result!.missing).toEqual([]);
    expect(result.result!.late).toEqual([]);
    for (const m of MODALITIES) expect(result.result!.modalities[m].status).toBe('ok');
    // Lock expiry plus at most two stalled checks, plus scoring and fusion; far inside the case's deadline.
    expect(recoveredInMs).toBeLessThan(LOCK_MS + 2 * STALLED_CHECK_MS + 5000);

    // BullMQ did redeliver it (one stall), and the survivor completed it.
    const job = await tabularQueue.getJob(jobIds.score(caseId, 'tabular'));
    expect(job?.stalledCounter).toBe(1);
    expect(await job?.getState()).toBe('completed');

    // Let anything duplicated land before counting.
    await sleep(1000);
    expect(tally(await fx.store.events(caseId))).toEqual({ scores: { imaging: 1, tabular: 1, vitals: 1 }, finalized: 1, resultStored: 1, lateScores: 0 });
    return { recoveredInMs };
  }

  it('a job in flight on a worker killed with SIGKILL is redelivered to the surviving process: one score, one finalization', async () => {
    await fx.system.apps['tabular-worker']!.stop();
    let survivorStarted = false;
    const doomed = await launchTabular('tabular-worker-doomed', { LF_FAULT_INJECT_TABULAR: 'hang' });
    try {
      const caseId = await submit(971);
      const jobId = jobIds.score(caseId, 'tabular');
      await waitFor('the other modalities to be scored', () => scored(caseId, ['imaging', 'vitals']));
      await waitFor('the tabular job to be in flight on the doomed process', async () => (await tabularQueue.getJobState(jobId)) === 'active');

      // A second process joins. While the doomed one is alive its lock is renewed: the job is not taken over.
      const survivor = await fx.system.start('tabular-worker');
      survivorStarted = true;
      await sleep(LOCK_MS + 2 * STALLED_CHECK_MS);
      expect(await tabularQueue.getJobState(jobId)).toBe('active');
      expect((await fx.get(caseId)).body.status).toBe('pending');
      expect(tally(await fx.store.events(caseId)).scores['tabular']).toBeUndefined();

      await killAndExpectOneScoreOneFinalization(doomed, caseId);
      expect(publishedLines(doomed, jobId)).toHaveLength(0);
      const published = publishedLines(survivor, jobId);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ outcome: 'all-replied', status: 'ok' });
    } finally {
      doomed.signal('SIGKILL');
      if (!survivorStarted) await fx.system.start('tabular-worker');
    }
  });

  it('a worker killed after recording its score but before the fusion trigger: the redelivery enqueues the trigger, no second score', async () => {
    await fx.system.apps['tabular-worker']!.stop();
    let survivorStarted = false;
    let doomed: LaunchedApp | undefined;
    try {
      // Tabular replies last, so its job is the one that must enqueue the fusion trigger.
      const caseId = await submit(972);
      const jobId = jobIds.score(caseId, 'tabular');
      await waitFor('the other modalities to be scored', () => scored(caseId, ['imaging', 'vitals']));
      doomed = await launchTabular('tabular-worker-doomed-after-record', { LF_FAULT_INJECT_TABULAR: 'hang-after-record' });
      await waitFor('the doomed process to record the tabular score', () => scored(caseId, ['tabular']));
      const recorded = (await fx.store.get(caseId))!.scores['tabular'];
      expect(recorded).toMatchObject({ status: 'ok' });

      const survivor = await fx.system.start('tabular-worker');
      survivorStarted = true;
      await sleep(LOCK_MS + 2 * STALLED_CHECK_MS);
      // Every score is in, yet no trigger was enqueued: without the redelivery only the deadline would end it.
      expect(await tabularQueue.getJobState(jobId)).toBe('active');
      expect((await fx.get(caseId)).body.status).toBe('pending');

      await killAndExpectOneScoreOneFinalization(doomed, caseId);
      // The first record stands (the redelivered job's own score was not written), and the survivor's run of
      // the job is what enqueued the trigger.
      expect((await fx.store.get(caseId))!.scores['tabular']).toEqual(recorded);
      expect(publishedLines(doomed, jobId)).toHaveLength(0);
      const published = publishedLines(survivor, jobId);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ outcome: 'all-replied', status: 'ok' });
    } finally {
      doomed?.signal('SIGKILL');
      if (!survivorStarted) await fx.system.start('tabular-worker');
    }
  });

  it('two healthy processes of one worker share its queue without processing any job twice', async () => {
    const first = fx.system.apps['tabular-worker']!;
    const second = await launchTabular('tabular-worker-2');
    try {
      const cases = [...generateCohort({ seed: 973, n: 30, naturalMissingness: false })];
      const ids = await Promise.all(cases.map(async (c) => String((await fx.submit({ ...c.request, deadlineMs: GENEROUS_DEADLINE_MS })).body['caseId'])));
      const results = await Promise.all(ids.map((id) => fx.waitForFinal(id, 30_000)));
      for (const r of results) expect(r.status).toBe('complete');
      await sleep(1000);

      const byProcess = { first: 0, second: 0 };
      for (const caseId of ids) {
        const jobId = jobIds.score(caseId, 'tabular');
        const runs = { first: publishedLines(first, jobId).length, second: publishedLines(second, jobId).length };
        expect(runs.first + runs.second).toBe(1);
        byProcess.first += runs.first;
        byProcess.second += runs.second;
        // No lock was lost under load: nothing was redelivered.
        expect((await tabularQueue.getJob(jobId))?.stalledCounter).toBe(0);
        expect(tally(await fx.store.events(caseId))).toEqual({ scores: { imaging: 1, tabular: 1, vitals: 1 }, finalized: 1, resultStored: 1, lateScores: 0 });
      }
      // Both processes took part (otherwise this would be the single-process case again).
      expect(byProcess.first).toBeGreaterThan(0);
      expect(byProcess.second).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  });
});
