import { UnrecoverableError } from 'bullmq';
import { encodeInputBlob, JOB_NAMES, type ScoreModalityJob } from '@lf/contracts';
import { createMetrics } from '@lf/observability';
import { captureLogger } from '../../test/support/capture-logger';
import { blobKey, FakeCaseStore } from '../../test/support/fake-case-store';
import { FakeModels } from '../../test/support/fake-models';
import { testModality } from '../../test/support/test-modality';
import type { FaultInjectionMode } from '../faults/fault-injection';
import { createWorkerMetrics } from '../worker-metrics';
import { QueueFusionTrigger, type FusionTrigger } from './fusion-trigger';
import { ScoreModalityHandler, type ScoreJob } from './score-modality.handler';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const PATIENT = 'MRN-SECRET-4711';

function setup(options: { faultInjection?: FaultInjectionMode; store?: FakeCaseStore } = {}) {
  const store = options.store ?? new FakeCaseStore();
  const models = new FakeModels();
  const triggers: Array<{ caseId: string; traceId: string }> = [];
  const fusion: FusionTrigger = { allReplied: async (caseId, traceId) => void triggers.push({ caseId, traceId }) };
  const { logger, lines } = captureLogger();
  const metrics = createWorkerMetrics(createMetrics('test', { defaultMetrics: false }), 'testmod');
  const handler = new ScoreModalityHandler({
    wallClock: () => 1500,
    definition: testModality,
    queue: 'testmod',
    store,
    models,
    fusion,
    logger,
    metrics,
    ...(options.faultInjection ? { faultInjection: options.faultInjection } : {}),
  });
  return { store, models, triggers, lines, metrics, handler };
}

function job(caseId: string, attemptsMade = 0, attempts = 3, modality = 'testmod'): ScoreJob {
  const data: ScoreModalityJob = { caseId, modality, blobKey: blobKey(caseId, modality), traceId: `trace-${caseId}`, submittedAt: 0 };
  return { id: `${caseId}-${modality}`, name: JOB_NAMES.scoreModality, data, attemptsMade, opts: { attempts } };
}

describe('ScoreModalityHandler', () => {
  it('ok: publishes a calibrated record naming the model version', async () => {
    const { store, handler, triggers } = setup();
    store.addCase('c1', ['testmod', 'vitals'], { testmod: { values: [1, 2, 0, 0.5] } });
    const result = await handler.handle(job('c1'));
    expect(result).toEqual({ status: 'ok', outcome: 'recorded', modelVersion: '1.0.0' });
    const record = store.cases.get('c1')!.scores['testmod'];
    expect(record).toMatchObject({ modality: 'testmod', status: 'ok', logit: 3.5, modelId: 'testmod', modelVersion: '1.0.0', qualityFlags: ['has_zero'] });
    expect(record.probability).toBeCloseTo(sigmoid(0.5 * 3.5 - 1), 12);
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    expect(triggers).toEqual([]);
  });

  it('all-replied: the last modality to reply enqueues exactly one fusion trigger', async () => {
    const { store, handler, triggers } = setup();
    store.addCase('c2', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    await expect(handler.handle(job('c2'))).resolves.toMatchObject({ outcome: 'all-replied' });
    expect(triggers).toEqual([{ caseId: 'c2', traceId: 'trace-c2' }]);
  });

  it('a redelivered job does not change the score; while the case is pending it re-enqueues the trigger', async () => {
    const { store, handler, triggers } = setup();
    store.addCase('c3', ['testmod', 'vitals'], { testmod: { values: [1, 1, 1, 1] } });
    await handler.handle(job('c3'));
    const first = store.cases.get('c3')!.scores['testmod'];
    await expect(handler.handle(job('c3', 1))).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(store.cases.get('c3')!.scores['testmod']).toBe(first);
    expect(triggers).toHaveLength(0);

    // Every modality in, case not yet finalized: the first trigger may have been lost in a crash.
    store.cases.get('c3')!.scores['vitals'] = { ...first, modality: 'vitals' };
    await expect(handler.handle(job('c3', 1))).resolves.toMatchObject({ outcome: 'all-replied' });
    expect(triggers).toHaveLength(1); // same job id as any earlier trigger: BullMQ drops a repeat

    store.cases.get('c3')!.status = 'complete';
    await expect(handler.handle(job('c3', 1))).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(triggers).toHaveLength(1);
  });

  it('PreprocessingError: publishes invalid at once, completes without retry, and does not run the model', async () => {
    const { store, models, handler } = setup();
    store.addCase('c4', ['testmod'], { testmod: { values: [1, 2, 5000, 4], patientRef: PATIENT } });
    const result = await handler.handle(job('c4'));
    expect(result).toMatchObject({ status: 'invalid', outcome: 'all-replied' });
    expect(store.cases.get('c4')!.scores['testmod']).toMatchObject({
      status: 'invalid',
      error: 'impossible_value: inputs.testmod.values[2]: is above 1000',
      modelVersion: '1.0.0',
    });
    expect(models.inferCalls).toBe(0);
  });

  it('a missing (expired) blob is invalid: input expired or missing', async () => {
    const { store, handler } = setup();
    store.addCase('c5', ['testmod']);
    await expect(handler.handle(job('c5'))).resolves.toMatchObject({ status: 'invalid' });
    expect(store.cases.get('c5')!.scores['testmod']).toMatchObject({ status: 'invalid', error: 'input expired or missing' });
  });

  it('a blob that is not JSON is invalid, and the record does not quote it', async () => {
    const { store, handler, lines } = setup();
    store.addCase('c6', ['testmod'], { testmod: `{"patientRef": "${PATIENT}", oops` });
    await handler.handle(job('c6'));
    const record = store.cases.get('c6')!.scores['testmod'];
    expect(record).toMatchObject({ status: 'invalid', error: 'stored input is unreadable: not valid JSON' });
    expect(JSON.stringify(record) + lines.join('\n')).not.toContain(PATIENT);
  });

  it('reads the binary claim-check blob the gateway writes, its binary field as bytes', async () => {
    const { store, handler } = setup();
    const preprocess = jest.spyOn(testModality, 'preprocess');
    try {
      store.addCase('c6b', ['testmod']);
      const bytes = Uint8Array.from([9, 8, 7]);
      store.blobs.set(blobKey('c6b', 'testmod'), encodeInputBlob({ values: [1, 1, 1, 1], data: 'not-stored' }, { field: 'data', bytes }));
      await expect(handler.handle(job('c6b'))).resolves.toMatchObject({ status: 'ok' });
      expect(preprocess.mock.calls[0][0]).toEqual({ values: [1, 1, 1, 1], data: Buffer.from(bytes) });
      expect(store.cases.get('c6b')!.scores['testmod']).toMatchObject({ status: 'ok', logit: 4 });
    } finally {
      preprocess.mockRestore();
    }
  });

  it('runtime error before the last attempt: rethrows, publishes nothing', async () => {
    const { store, models, handler, metrics } = setup();
    store.addCase('c7', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    models.infer = async () => {
      throw new Error('onnxruntime: bad alloc');
    };
    await expect(handler.handle(job('c7', 0, 3))).rejects.toThrow('bad alloc');
    await expect(handler.handle(job('c7', 1, 3))).rejects.toThrow('bad alloc');
    expect(store.recordCalls).toHaveLength(0);
    expect(await metrics.registry.getSingleMetricAsString('lf_jobs_processed_total')).toContain('status="retry",app="test"} 2');
  });

  it('runtime error on the last attempt: publishes failed with the error text, then rethrows', async () => {
    const { store, models, handler, triggers } = setup();
    store.addCase('c8', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    models.infer = async () => {
      throw new Error('onnxruntime: bad alloc');
    };
    await expect(handler.handle(job('c8', 2, 3))).rejects.toThrow('bad alloc');
    expect(store.cases.get('c8')!.scores['testmod']).toMatchObject({ status: 'failed', error: 'Error: onnxruntime: bad alloc', modelVersion: '1.0.0' });
    expect(triggers).toEqual([{ caseId: 'c8', traceId: 'trace-c8' }]);
  });

  it('a job without attempts option gets one attempt, so its first failure is final', async () => {
    const { store, models, handler } = setup();
    store.addCase('c9', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    models.infer = async () => {
      throw new Error('boom');
    };
    const once: ScoreJob = { ...job('c9'), opts: {} };
    await expect(handler.handle(once)).rejects.toThrow('boom');
    expect(store.cases.get('c9')!.scores['testmod']?.status).toBe('failed');
  });

  it('a Redis failure while publishing is retried like any runtime error', async () => {
    const { store, handler } = setup();
    store.addCase('c10', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    store.failNextRecord = new Error('Connection is closed.');
    await expect(handler.handle(job('c10', 0, 3))).rejects.toThrow('Connection is closed.');
    await expect(handler.handle(job('c10', 1, 3))).resolves.toMatchObject({ status: 'ok' });
  });

  it('fault injection (test-only): throw makes every attempt fail and ends in a failed record', async () => {
    const { store, handler } = setup({ faultInjection: 'throw' });
    store.addCase('c11', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    for (const attemptsMade of [0, 1, 2]) await expect(handler.handle(job('c11', attemptsMade, 3))).rejects.toThrow('injected inference fault');
    expect(store.cases.get('c11')!.scores['testmod']).toMatchObject({ status: 'failed', error: expect.stringContaining('LF_FAULT_INJECT_TESTMOD=throw') });
  });

  it('fault injection throw-once: the retry succeeds', async () => {
    const { store, handler } = setup({ faultInjection: 'throw-once' });
    store.addCase('c12', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    await expect(handler.handle(job('c12', 0, 3))).rejects.toThrow('injected');
    await expect(handler.handle(job('c12', 1, 3))).resolves.toMatchObject({ status: 'ok' });
  });

  /** Resolves 'pending' if the promise has not settled after `ms`. */
  const settledWithin = (promise: Promise<unknown>, ms: number) =>
    Promise.race([promise.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), ms))]);

  it('fault injection hang: the job stays in flight before inference, nothing is published', async () => {
    const { store, models, handler, triggers } = setup({ faultInjection: 'hang' });
    store.addCase('c18', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    expect(await settledWithin(handler.handle(job('c18')), 50)).toBe('pending');
    expect(models.inferCalls).toBe(0);
    expect(store.recordCalls).toHaveLength(0);
    expect(triggers).toHaveLength(0);
    // An invalid input is still answered at once (the hang sits where the model would run).
    store.addCase('c19', ['testmod'], { testmod: 'not json' });
    expect(await settledWithin(handler.handle(job('c19')), 50)).toBe('resolved');
  });

  it('fault injection hang-after-record: the score is recorded but no trigger is enqueued; a redelivery enqueues it', async () => {
    const store = new FakeCaseStore();
    const doomed = setup({ faultInjection: 'hang-after-record', store });
    store.addCase('c20', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    expect(await settledWithin(doomed.handler.handle(job('c20')), 50)).toBe('pending');
    const recorded = store.cases.get('c20')!.scores['testmod'];
    expect(recorded).toMatchObject({ status: 'ok' });
    expect(doomed.triggers).toHaveLength(0);

    // The same job redelivered to a healthy process: the score stands, the lost trigger is enqueued.
    const survivor = setup({ store });
    await expect(survivor.handler.handle(job('c20'))).resolves.toMatchObject({ outcome: 'all-replied' });
    expect(store.cases.get('c20')!.scores['testmod']).toBe(recorded);
    expect(survivor.triggers).toEqual([{ caseId: 'c20', traceId: 'trace-c20' }]);
  });

  it('a job for another modality is unrecoverable and publishes nothing', async () => {
    const { store, handler } = setup();
    store.addCase('c13', ['imaging'], { imaging: { values: [1, 1, 1, 1] } });
    await expect(handler.handle(job('c13', 0, 3, 'imaging'))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(store.recordCalls).toHaveLength(0);
  });

  it('the failed-event safety net publishes for stalled jobs, but not twice for ones the processor handled', async () => {
    const { store, models, handler } = setup();
    store.addCase('c14', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    models.infer = async () => {
      throw new Error('boom');
    };
    await expect(handler.handle(job('c14', 2, 3))).rejects.toThrow();
    await handler.onFinalFailure(job('c14', 3, 3), new Error('boom'));
    expect(store.recordCalls).toHaveLength(1);

    store.addCase('c15', ['testmod']);
    await handler.onFinalFailure(job('c15', 1, 1), new Error('job stalled more than allowable limit'));
    expect(store.cases.get('c15')!.scores['testmod']).toMatchObject({ status: 'failed', error: 'Error: job stalled more than allowable limit' });
  });

  it('late and unknown cases are reported, not retried', async () => {
    const { store, handler, lines } = setup();
    store.addCase('c16', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    store.cases.get('c16')!.status = 'degraded';
    await expect(handler.handle(job('c16'))).resolves.toMatchObject({ outcome: 'late' });
    expect(store.cases.get('c16')!.late['testmod']).toBeDefined();
    store.blobs.set(blobKey('gone', 'testmod'), Buffer.from(JSON.stringify({ values: [1, 1, 1, 1] })));
    await expect(handler.handle(job('gone'))).resolves.toMatchObject({ outcome: 'unknown-case' });
    expect(lines.some((l) => l.includes('"outcome":"unknown-case"') && l.includes('"level":"warn"'))).toBe(true);
  });

  it('metrics: late scores by outcome, reply latency of the replies the case counts, inference by modality and model version', async () => {
    const { store, handler, metrics } = setup();
    const value = async (metric: { get(): Promise<{ values: Array<{ labels: object; value: number; metricName?: string }> }> }, labels: object, metricName?: string) =>
      (await metric.get()).values.find((v) => (!metricName || v.metricName === metricName) && JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;

    store.addCase('m1', ['testmod', 'vitals'], { testmod: { values: [1, 1, 1, 1] } });
    await handler.handle(job('m1'));
    expect(await value(metrics.modalityReply, { modality: 'testmod', status: 'ok' }, 'lf_modality_reply_seconds_count')).toBe(1);
    // job() submits at 0 and the wall clock says 1500 ms.
    expect(await value(metrics.modalityReply, { modality: 'testmod', status: 'ok' }, 'lf_modality_reply_seconds_sum')).toBeCloseTo(1.5);
    expect(await value(metrics.scoreOutcomes, { modality: 'testmod', outcome: 'late' })).toBe(0);

    store.addCase('m2', ['testmod'], { testmod: { values: [1, 1, 1, 1] } });
    store.cases.get('m2')!.status = 'degraded';
    await expect(handler.handle(job('m2'))).resolves.toMatchObject({ outcome: 'late' });
    expect(await value(metrics.scoreOutcomes, { modality: 'testmod', outcome: 'late' })).toBe(1);
    expect(await value(metrics.scoresPublished, { modality: 'testmod', status: 'ok' })).toBe(2);
    // A late score is not a reply the case counted: no reply latency for it.
    expect(await value(metrics.modalityReply, { modality: 'testmod', status: 'ok' }, 'lf_modality_reply_seconds_count')).toBe(1);
    expect(await value(metrics.jobsProcessed, { queue: 'testmod', status: 'ok' })).toBe(2);
  });

  it('every log line carries caseId and traceId and never the input or patient reference', async () => {
    const { store, handler, lines } = setup();
    store.addCase('c17', ['testmod'], { testmod: { values: [123.25, 2, 3, 4], patientRef: PATIENT } });
    await handler.handle(job('c17'));
    store.addCase('c18', ['testmod'], { testmod: { values: [1, 2, 3000, 4], patientRef: PATIENT } });
    await handler.handle(job('c18'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(parsed.caseId).toMatch(/^c1[78]$/);
      expect(parsed.traceId).toBe(`trace-${parsed.caseId}`);
    }
    const all = lines.join('\n');
    expect(all).not.toContain(PATIENT);
    expect(all).not.toContain('123.25');
  });
});

describe('QueueFusionTrigger', () => {
  it("adds finalize-case with a deterministic '<caseId>-all-replied' job id and the retry policy", async () => {
    const add = jest.fn().mockResolvedValue(undefined);
    const trigger = new QueueFusionTrigger({ add } as never, { attempts: 5, removeOnComplete: { count: 10, age: 60 } });
    await trigger.allReplied('01J0CASE', 'trace-1');
    expect(add).toHaveBeenCalledTimes(1);
    expect(add).toHaveBeenCalledWith(
      JOB_NAMES.finalizeCase,
      { caseId: '01J0CASE', cause: 'all-replied', traceId: 'trace-1' },
      { attempts: 5, removeOnComplete: { count: 10, age: 60 }, jobId: '01J0CASE-all-replied' },
    );
  });
});
