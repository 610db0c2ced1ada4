/**
 * The whole worker against a real Redis (127.0.0.1:6379 unless LF_TEST_REDIS_URL): bootstrap, BullMQ
 * consumption, CaseStore Lua scripts, the fusion trigger, retries -> failed record, ops endpoints, SIGHUP
 * reload and graceful shutdown. Every run uses its own key namespace and queue names and deletes them after.
 * Set LF_SKIP_REDIS_TESTS=1 to skip where no Redis is available.
 */
import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { defaultJobOptions, JOB_NAMES, jobIds, QUEUES, type FinalizeCaseJob, type ScoreModalityJob } from '@lf/contracts';
import { expositionProblems, parseExposition } from '@lf/observability';
import { CaseStore, createKeyBuilder, createRedisConnection, waitUntilReady, type KeyBuilder, type RedisConnection } from '@lf/redis';
import { bootstrapModalityWorker, type RunningWorker } from '../src/bootstrap/bootstrap-modality-worker';
import type { ModelRunnerFactory } from '../src/model/model-runner';
import { onnxRunnerFactory } from '../src/model/onnx-model-runner';
import { testModality } from './support/test-modality';
import { tempModelsDir, writeModelVersion } from './support/write-model-version';

const REDIS_URL = process.env['LF_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const describeRedis = process.env['LF_SKIP_REDIS_TESTS'] === '1' ? describe.skip : describe;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

jest.setTimeout(30_000);

async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeRedis('modality worker on a real Redis', () => {
  const ns = `it-${randomBytes(4).toString('hex')}`;
  let keys: KeyBuilder;
  let redis: RedisConnection;
  let store: CaseStore;
  let fusion: Queue;
  const queues: Queue[] = [];
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    keys = createKeyBuilder(ns);
    redis = createRedisConnection(REDIS_URL, { role: 'producer', name: 'modality-worker-it' });
    try {
      await waitUntilReady(redis, 3000);
    } catch (error) {
      throw new Error(`no Redis at ${REDIS_URL} (${(error as Error).message}); start one or set LF_SKIP_REDIS_TESTS=1`);
    }
    store = new CaseStore(redis, keys);
    fusion = new Queue(QUEUES.fusion, { connection: redis, prefix: keys.queuePrefix(QUEUES.fusion) });
  });

  afterAll(async () => {
    for (const w of workers) await w.shutdown('test end');
    for (const q of [...queues, fusion]) await q?.close();
    if (redis) {
      for (const pattern of [`${ns}:*`, `{${ns}:q:*`]) {
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          cursor = next;
          if (found.length > 0) await redis.unlink(...found);
        } while (cursor !== '0');
      }
      await redis.quit();
    }
  });

  async function startWorker(suffix: string, extraEnv: Record<string, string> = {}, createRunner?: ModelRunnerFactory) {
    const queueName = `${ns}-${suffix}`;
    const modelsDir = tempModelsDir();
    writeModelVersion(modelsDir, { version: '1.0.0', weights: [1, 1, 1, 1] });
    const worker = await bootstrapModalityWorker(testModality, {
      env: {
        REDIS_URL,
        LF_KEY_NAMESPACE: ns,
        LF_MODALITY_REGISTRY: JSON.stringify([{ name: 'testmod', queue: queueName, model: 'testmod', enabled: true }]),
        LF_MODELS_DIR: modelsDir,
        LF_OPS_PORT: '0',
        LF_OPS_HOST: '127.0.0.1',
        LF_LOG_LEVEL: 'error',
        LF_MODEL_WATCH: 'false',
        LF_SHUTDOWN_TIMEOUT_MS: '5000',
        ...extraEnv,
      },
      handleSignals: true,
      exit: () => undefined,
      ...(createRunner ? { createRunner } : {}),
    });
    workers.push(worker);
    const queue = new Queue(queueName, { connection: redis, prefix: keys.queuePrefix(queueName) });
    queues.push(queue);
    return { worker, queue, modelsDir };
  }

  async function submit(queue: Queue, input: unknown, options: { attempts?: number; backoffMs?: number } = {}) {
    const caseId = `c${randomBytes(6).toString('hex')}`;
    const traceId = randomBytes(16).toString('hex');
    const registered = await store.register({
      caseId,
      tenant: 'it',
      expected: ['testmod'],
      strategy: 'weighted-mean',
      deadlineMs: 20_000,
      blobs: { testmod: Buffer.from(JSON.stringify(input)) },
      ttlSeconds: 120,
      traceId,
    });
    const payload: ScoreModalityJob = { caseId, modality: 'testmod', blobKey: keys.blob(caseId, 'testmod'), traceId, submittedAt: registered.submittedAt };
    const job = await queue.add(JOB_NAMES.scoreModality, payload, {
      ...defaultJobOptions,
      ...(options.attempts ? { attempts: options.attempts } : {}),
      backoff: { type: 'exponential', delay: options.backoffMs ?? 20 },
      jobId: jobIds.score(caseId, 'testmod'),
    });
    return { caseId, traceId, job };
  }

  const score = (caseId: string) => until(async () => (await store.get(caseId))?.scores['testmod']);

  it('scores a case, publishes an ok record and triggers fusion exactly once; serves health and metrics', async () => {
    const { worker, queue } = await startWorker('main');
    expect((await fetch(`${worker.ops.url}/health/ready`)).status).toBe(200);

    const { caseId, traceId } = await submit(queue, { values: [1, 2, 3, 4] });
    const record = await score(caseId);
    expect(record).toMatchObject({ modality: 'testmod', status: 'ok', logit: 10, modelId: 'testmod', modelVersion: '1.0.0' });
    expect(record.probability).toBeCloseTo(sigmoid(10), 6);

    const trigger = (await until(() => fusion.getJob(jobIds.finalize(caseId, 'all-replied'))))! as Job<FinalizeCaseJob>;
    expect(trigger.name).toBe(JOB_NAMES.finalizeCase);
    expect(trigger.data).toEqual({ caseId, cause: 'all-replied', traceId });
    expect(trigger.opts.attempts).toBe(defaultJobOptions.attempts);

    const metrics = await (await fetch(`${worker.ops.url}/metrics`)).text();
    expect(metrics).toMatch(/lf_scores_published_total\{modality="testmod",status="ok",app="testmod-worker"\} 1/);
    const sample = (family: string, name: string) => parseExposition(metrics).get(family)?.samples.find((s) => s.name === name);
    expect(sample('lf_model_inference_seconds', 'lf_model_inference_seconds_count')).toMatchObject({
      labels: { modality: 'testmod', model: 'testmod', model_version: '1.0.0', app: 'testmod-worker' },
      value: expect.any(Number),
    });
    expect(sample('lf_model_inference_seconds', 'lf_model_inference_seconds_count')!.value).toBeGreaterThanOrEqual(1);
    expect(metrics).toContain('lf_model_loaded_info{modality="testmod",model="testmod",model_version="1.0.0",app="testmod-worker"} 1');
    expect(sample('lf_modality_reply_seconds', 'lf_modality_reply_seconds_count')).toMatchObject({ labels: { modality: 'testmod', status: 'ok' }, value: 1 });
    expect(expositionProblems(metrics)).toEqual([]); // the naming scheme over the whole scrape

    // A redelivery of the same score job (new BullMQ job id) changes nothing and adds no second trigger.
    await queue.add(JOB_NAMES.scoreModality, (await queue.getJob(jobIds.score(caseId, 'testmod')))!.data, { jobId: `${caseId}-again` });
    await until(async () => (await queue.getJob(`${caseId}-again`))?.finishedOn);
    expect((await store.get(caseId))!.scores['testmod']).toEqual(record);
    expect((await fusion.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => j.data.caseId === caseId)).toHaveLength(1);

  });

  it('invalid input: an invalid record at once and a completed (not retried) job', async () => {
    const { queue } = await startWorker('invalid');
    const { caseId, job } = await submit(queue, { values: [1, 2, 3, 5000] });
    expect(await score(caseId)).toMatchObject({ status: 'invalid', error: 'impossible_value: inputs.testmod.values[3]: is above 1000' });
    const done = await until(async () => {
      const j = await queue.getJob(job.id!);
      return j?.finishedOn ? j : undefined;
    });
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(1);
    expect(done.returnvalue).toMatchObject({ status: 'invalid', outcome: 'all-replied' });
  });

  it('runtime failures are retried with backoff, then a failed record is published (fault injection)', async () => {
    const { queue } = await startWorker('faulty', { LF_FAULT_INJECT_TESTMOD: 'throw' });
    const { caseId, job } = await submit(queue, { values: [1, 1, 1, 1] }, { attempts: 3 });
    const record = await score(caseId);
    expect(record).toMatchObject({ status: 'failed', error: expect.stringContaining('injected inference fault') });
    const failed = await until(async () => {
      const j = await queue.getJob(job.id!);
      return j && (await j.getState()) === 'failed' ? j : undefined;
    });
    expect(failed.attemptsMade).toBe(3);
    expect(await fusion.getJob(jobIds.finalize(caseId, 'all-replied'))).toBeDefined();
  });

  it('SIGHUP hot-swaps to a new model version; later scores name it', async () => {
    const { worker, queue, modelsDir } = await startWorker('reload');
    writeModelVersion(modelsDir, { version: '1.1.0', weights: [2, 0, 0, 0] });
    process.emit('SIGHUP', 'SIGHUP');
    await until(async () => worker.registry.current?.version === '1.1.0');
    const { caseId } = await submit(queue, { values: [3, 1, 1, 1] });
    expect(await score(caseId)).toMatchObject({ status: 'ok', logit: 6, modelVersion: '1.1.0' });
  });

  it('fails fast at boot when the model cannot be loaded, and leaves nothing running', async () => {
    await expect(
      bootstrapModalityWorker(testModality, {
        env: { REDIS_URL, LF_KEY_NAMESPACE: ns, LF_MODELS_DIR: '/nonexistent-models', LF_OPS_PORT: '0', LF_LOG_LEVEL: 'error' },
        handleSignals: false,
      }),
    ).rejects.toThrow("no model 'testmod' under /nonexistent-models");
  });

  it('graceful shutdown finishes the in-flight job, then stops taking jobs', async () => {
    const onnx = onnxRunnerFactory();
    let slow = false;
    const slowRunner: ModelRunnerFactory = async (artifact) => {
      const runner = await onnx(artifact);
      return {
        run: async (input, shape) => {
          if (slow) await new Promise((r) => setTimeout(r, 400));
          return runner.run(input, shape);
        },
        release: () => runner.release(),
      };
    };
    const { worker, queue } = await startWorker('drain', {}, slowRunner);
    slow = true;
    const { caseId } = await submit(queue, { values: [1, 1, 1, 1] });
    await until(async () => (await queue.getActiveCount()) === 1);
    const stopping = worker.shutdown('test');
    // Draining: the ops server still answers, but no longer as ready (Kubernetes stops routing/expecting work).
    expect((await fetch(`${worker.ops.url}/health/ready`)).status).toBe(503);
    await stopping;
    expect((await store.get(caseId))!.scores['testmod']).toMatchObject({ status: 'ok' });
    const late = await submit(queue, { values: [1, 1, 1, 1] });
    await new Promise((r) => setTimeout(r, 300));
    expect(await (await queue.getJob(late.job.id!))!.getState()).toBe('waiting');
    await expect(fetch(`${worker.ops.url}/health/live`)).rejects.toThrow();
  });
});
