import { generateCohort } from '@lf/cohort';
import { startSystemFixture, type SystemFixture } from './support/system-fixture';

const toMs = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Faults degrade a case, never block it (DESIGN.md 1 and 3).
describe('faults, end to end', () => {
  let fx: SystemFixture;
  beforeAll(async () => {
    fx = await startSystemFixture();
  }, 90_000);
  afterAll(() => fx?.stop());

  it('finalizes at the deadline when a worker is stopped, then records its score as late', async () => {
    const vitals = fx.system.apps['vitals-worker']!;
    vitals.signal('SIGSTOP');
    try {
      const [c] = [...generateCohort({ seed: 901, n: 1, naturalMissingness: false })];
      const submitted = await fx.submit({ ...c.request, deadlineMs: 1500 });
      expect(submitted.status).toBe(202);
      const caseId = String(submitted.body['caseId']);
      const result = await fx.waitForFinal(caseId, 10_000);
      expect(result.status).toBe('degraded');
      expect(result.result!.completedBy).toBe('deadline');
      expect(result.result!.missing).toEqual(['vitals']);
      expect(result.result!.modalities['vitals'].status).toBe('missing');
      expect(result.result!.modalities['vitals'].weight).toBe(0);
      const lateness = toMs(result.finalizedAt!) - (toMs(result.submittedAt) + 1500);
      expect(lateness).toBeGreaterThanOrEqual(0);
      expect(lateness).toBeLessThanOrEqual(100);
      vitals.signal('SIGCONT');
      const deadline = Date.now() + 10_000;
      let late: string[] = [];
      while (Date.now() < deadline && !late.includes('vitals')) {
        late = (await fx.get(caseId)).body.result?.late ?? [];
        await sleep(50);
      }
      expect(late).toEqual(['vitals']);
      const events = await fx.store.events(caseId);
      expect(events.filter((e) => e.type === 'late-score').map((e) => e.modality)).toEqual(['vitals']);
    } finally {
      vitals.signal('SIGCONT');
    }
  });

  it('publishes a failed record after the retries when a model throws, and finalizes without waiting for the deadline', async () => {
    await fx.system.apps['tabular-worker']!.stop();
    fx.system.specs['tabular-worker'].env['LF_FAULT_INJECT_TABULAR'] = 'throw';
    await fx.system.start('tabular-worker');
    try {
      const [c] = [...generateCohort({ seed: 902, n: 1, naturalMissingness: false })];
      const submitted = await fx.submit({ ...c.request, deadlineMs: 60_000 });
      const started = Date.now();
      const result = await fx.waitForFinal(String(submitted.body['caseId']), 30_000);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(result.result!.completedBy).toBe('all-replied');
      expect(result.status).toBe('degraded');
      expect(result.result!.modalities['tabular'].status).toBe('failed');
      expect(result.result!.modalities['tabular'].error).toBeTruthy();
      expect(result.result!.modalities['imaging'].status).toBe('ok');
    } finally {
      await fx.system.apps['tabular-worker']!.stop();
      delete fx.system.specs['tabular-worker'].env['LF_FAULT_INJECT_TABULAR'];
      await fx.system.start('tabular-worker');
    }
  });

  it('an invalid input gets an invalid record at once and the case is still fused from the rest', async () => {
    const [c] = [...generateCohort({ seed: 903, n: 1, naturalMissingness: false })];
    const samples = c.request.inputs.vitals!.samples.map((s) => ({ ...s, heartRate: 900 }));
    const submitted = await fx.submit({ ...c.request, inputs: { ...c.request.inputs, vitals: { samples } }, deadlineMs: 60_000 });
    const result = await fx.waitForFinal(String(submitted.body['caseId']), 15_000);
    expect(result.status).toBe('degraded');
    expect(result.result!.modalities['vitals'].status).toBe('invalid');
    expect(result.result!.modalities['vitals'].error).toMatch(/heartRate/);
  });

  it('finalizes on restart the cases whose deadlines passed while the aggregator was killed', async () => {
    const aggregator = fx.system.apps['fusion-aggregator']!;
    aggregator.signal('SIGKILL');
    await aggregator.exited;
    const cases = [...generateCohort({ seed: 904, n: 10, naturalMissingness: false })];
    const ids = await Promise.all(cases.map(async (c) => String((await fx.submit({ ...c.request, deadlineMs: 300 })).body['caseId'])));
    await sleep(1500);
    for (const id of ids) expect((await fx.get(id)).body.status).toBe('pending');
    const restartedAt = Date.now();
    await fx.system.start('fusion-aggregator');
    const results = await Promise.all(ids.map((id) => fx.waitForFinal(id, 15_000)));
    expect(Date.now() - restartedAt).toBeLessThan(15_000);
    for (const r of results) expect(['complete', 'degraded']).toContain(r.status);
    for (const id of ids) expect((await fx.store.events(id)).filter((e) => e.type === 'finalized')).toHaveLength(1);
  });
});

// DESIGN.md 2: retiring a modality is a configuration change, after which new cases neither enqueue it nor
// wait for it, and fusion re-weights the rest.
describe('a disabled modality, end to end', () => {
  let fx: SystemFixture;
  beforeAll(async () => {
    fx = await startSystemFixture({ env: { gateway: { LF_MODALITIES_DISABLED: 'vitals' } } });
  }, 90_000);
  afterAll(() => fx?.stop());

  it('is neither enqueued nor waited for, and the others are fused without it', async () => {
    const vitalsWorker = fx.system.apps['vitals-worker']!;
    vitalsWorker.signal('SIGSTOP');
    try {
      const [c] = [...generateCohort({ seed: 905, n: 1, naturalMissingness: false })];
      const submitted = await fx.submit({ ...c.request, deadlineMs: 20_000 });
      expect(submitted.status).toBe(202);
      const started = Date.now();
      const result = await fx.waitForFinal(String(submitted.body['caseId']), 10_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.status).toBe('complete');
      expect(result.result!.completedBy).toBe('all-replied');
      expect(Object.keys(result.result!.modalities).sort()).toEqual(['imaging', 'tabular']);
      const weights = Object.values(result.result!.modalities).map((m) => m.weight);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    } finally {
      vitalsWorker.signal('SIGCONT');
    }
  });
});
