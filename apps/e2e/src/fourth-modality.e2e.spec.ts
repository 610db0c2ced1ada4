import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import * as ort from 'onnxruntime-node';
import { generateCohort } from '@lf/cohort';
import { DEFAULT_MODALITY_REGISTRY, jobIds, type ModalityRegistryEntry } from '@lf/contracts';
import { calibrate, type FusionParams } from '@lf/fusion';
import { createKeyBuilder } from '@lf/redis';
import { freePort, launchApp, SYSTEM_APPS, WORKSPACE_ROOT, type LaunchedApp } from '@lf/testing';
import { loadModel, resolveModelDir } from '@lf/training';
import { NOTES_FEATURE_COUNT, NOTES_INPUT_NAME, type NotesInput } from './fixtures/notes-worker/notes-features';
import { notesNetLogit, writeNotesModel } from './fixtures/notes-worker/notes-model';
import { API_KEY, startSystemFixture, type CaseResponse, type SystemFixture } from './support/system-fixture';

/*
 * DESIGN.md 2, "Modalities are data, not code paths": a fourth modality is a new worker app, a model and a
 * registry entry. Here that is all there is: the worker is apps/e2e/src/fixtures/notes-worker (a
 * ModalityDefinition on libs/modality-worker, its own process), the model is exported in beforeAll with
 * libs/training's ONNX exporter into models/notes/1.0.0 next to the committed ones, and the registry entry is
 * LF_MODALITY_REGISTRY. The gateway and the aggregator run unchanged from apps/.
 *
 * Fusion: the committed fusion bundle was fitted on imaging/tabular/vitals. For a case in which notes is present,
 * the learned strategies (stacking, the default, and attention) fall back to log-odds pooling with the unknown
 * modality at the default weight (libs/fusion `effectiveStrategy`); weighted-mean and log-odds take it directly.
 */
const NOTES = 'notes';
const REGISTRY: ModalityRegistryEntry[] = [...DEFAULT_MODALITY_REGISTRY, { name: NOTES, queue: NOTES, model: NOTES, enabled: true }];
const REGISTRY_ENV = { LF_MODALITY_REGISTRY: JSON.stringify(REGISTRY) };
const ALL_FOUR = ['imaging', 'tabular', 'vitals', NOTES];

const NOTES_HIGH: NotesInput = { features: [1.4, 0.9, 0.7, 1.2, -0.8, 0.6, 0.2, 0.9] };
const NOTES_LOW: NotesInput = { features: [-1.3, -0.8, -0.5, -1.1, 0.9, -0.7, -0.1, -0.6] };

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('a fourth modality (notes): a worker, a model and a registry entry, no gateway or aggregator change', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'lf-models-notes-'));
  let fx: SystemFixture;
  let notesWorker: LaunchedApp;
  let notesSession: ort.InferenceSession;
  let notesCalibration: NonNullable<Awaited<ReturnType<typeof loadModel>>['manifest']['calibration']>;
  let fusion: FusionParams;

  /** The notes model's calibrated probability for one input, run by onnxruntime from the sha256-checked folder. */
  const notesModelProbability = async (input: NotesInput): Promise<number> => {
    const out = await notesSession.run({ [NOTES_INPUT_NAME]: new ort.Tensor('float32', Float32Array.from(input.features), [1, NOTES_FEATURE_COUNT]) });
    return calibrate(notesCalibration, (out['logit'].data as Float32Array)[0]);
  };

  const submitTo = async (gatewayUrl: string, body: unknown) => {
    const response = await fetch(`${gatewayUrl}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** A synthetic case with imaging, tabular and vitals, plus `notes` if given. */
  const cohortCase = (seed: number, notes?: NotesInput) => {
    const { request } = [...generateCohort({ seed, n: 1, naturalMissingness: false })][0];
    return notes ? { ...request, inputs: { ...request.inputs, notes } } : request;
  };

  /** Submits and waits; `elapsedMs` is submit-to-final as the client sees it. */
  const run = async (body: unknown, gatewayUrl = fx.system.gatewayUrl): Promise<{ caseId: string; final: CaseResponse; elapsedMs: number }> => {
    const started = Date.now();
    const submitted = await submitTo(gatewayUrl, body);
    expect(submitted.status).toBe(202);
    const caseId = String(submitted.body['caseId']);
    const final = await fx.waitForFinal(caseId, 15_000);
    return { caseId, final, elapsedMs: Date.now() - started };
  };

  beforeAll(async () => {
    // The committed models (symlinked) plus the new one, written like `npm run train` writes its models.
    for (const name of ['imaging', 'tabular', 'vitals', 'fusion']) symlinkSync(join(WORKSPACE_ROOT, 'models', name), join(modelsDir, name), 'dir');
    const notesModel = await writeNotesModel(modelsDir);
    expect(notesModel.dir).toBe(join(modelsDir, NOTES, '1.0.0'));

    const loaded = await loadModel(resolveModelDir(modelsDir, NOTES)); // manifest schema + sha256, like a worker
    notesSession = loaded.session!;
    notesCalibration = loaded.manifest.calibration!;
    const fusionManifest = JSON.parse(readFileSync(join(resolveModelDir(modelsDir, 'fusion'), 'manifest.json'), 'utf8'));
    fusion = fusionManifest.fusion.params as FusionParams;

    // One registry for every app, as a deployment would set it (the aggregator does not read it: it waits for
    // the modalities the gateway recorded on the case).
    fx = await startSystemFixture({ modelsDir, env: Object.fromEntries(SYSTEM_APPS.map((app) => [app, { ...REGISTRY_ENV }])) });
    const port = await freePort();
    notesWorker = await launchApp(
      {
        name: 'notes-worker',
        entry: 'apps/e2e/src/fixtures/notes-worker/main.ts',
        env: { ...fx.system.specs['tabular-worker'].env, ...REGISTRY_ENV, LF_OPS_PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
      },
      { readyTimeoutMs: 60_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await notesWorker?.stop();
    await fx?.stop();
    await notesSession?.release();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('the notes model is a real ONNX model whose probability depends on its input', async () => {
    const [high, low] = [await notesModelProbability(NOTES_HIGH), await notesModelProbability(NOTES_LOW)];
    // onnxruntime agrees with the net's closed form (float32 vs float64), and the two inputs score far apart.
    expect(high).toBeCloseTo(calibrate(notesCalibration, notesNetLogit(NOTES_HIGH.features)), 5);
    expect(low).toBeCloseTo(calibrate(notesCalibration, notesNetLogit(NOTES_LOW.features)), 5);
    expect(high - low).toBeGreaterThan(0.3);
  });

  it('a case with all four inputs, default strategy: complete, notes scored by its worker, fused over all four (stacking -> log-odds fallback)', async () => {
    const { final, elapsedMs } = await run({ ...cohortCase(1101, NOTES_HIGH), deadlineMs: 20_000 });
    expect(elapsedMs).toBeLessThan(10_000);
    expect(final.status).toBe('complete');
    const result = final.result!;
    expect(result.completedBy).toBe('all-replied');
    expect(result.missing).toEqual([]);
    expect(Object.keys(result.modalities)).toEqual(ALL_FOUR);
    for (const name of ALL_FOUR) expect(result.modalities[name].status).toBe('ok');
    expect(result.modalities[NOTES].modelVersion).toBe('1.0.0');
    expect(Math.abs(result.modalities[NOTES].probability! - (await notesModelProbability(NOTES_HIGH)))).toBeLessThan(1e-6);

    // The default strategy (stacking) has no coefficient for notes; the documented fallback is log-odds pooling,
    // notes at the default weight (the smallest validated one). Recomputed here by hand from the manifest.
    expect(result.strategy).toBe('log-odds');
    const table = fusion.logOdds!.weights;
    const raw = ALL_FOUR.map((m) => table[m] ?? Math.min(...Object.values(table)));
    expect(table[NOTES]).toBeUndefined();
    for (const [i, m] of ALL_FOUR.entries()) expect(result.modalities[m].weight).toBeCloseTo(raw[i] / sum(raw), 12);
    expect(result.modalities[NOTES].weight).toBeGreaterThan(0);
    const prior = fusion.logOdds!.prior ?? fusion.prior;
    const eta = logit(prior) + sum(ALL_FOUR.map((m, i) => raw[i] * (logit(result.modalities[m].probability!) - logit(prior))));
    expect(Math.abs(result.probability - sigmoid(eta))).toBeLessThan(1e-9);
  });

  it('weighted-mean: complete, notes weighted with the default weight and renormalised over all four', async () => {
    const { final } = await run({ ...cohortCase(1102, NOTES_LOW), deadlineMs: 20_000, strategy: 'weighted-mean' });
    expect(final.status).toBe('complete');
    const result = final.result!;
    expect(result.strategy).toBe('weighted-mean');
    expect(Object.keys(result.modalities)).toEqual(ALL_FOUR);
    // A different notes input, a different notes score: the worker runs the model on the case's own input.
    expect(Math.abs(result.modalities[NOTES].probability! - (await notesModelProbability(NOTES_LOW)))).toBeLessThan(1e-6);

    const table = fusion.weightedMean!.weights;
    const raw = ALL_FOUR.map((m) => table[m] ?? Math.min(...Object.values(table)));
    const weights = raw.map((w) => w / sum(raw));
    for (const [i, m] of ALL_FOUR.entries()) expect(result.modalities[m].weight).toBeCloseTo(weights[i], 12);
    const expected = sum(ALL_FOUR.map((m, i) => weights[i] * result.modalities[m].probability!));
    expect(Math.abs(result.probability - expected)).toBeLessThan(1e-9);
  });

  it('a case with only a notes input is accepted and fused from notes alone', async () => {
    const { final } = await run({ patientRef: 'notes-only', inputs: { notes: NOTES_HIGH }, deadlineMs: 20_000 });
    expect(final.status).toBe('complete');
    expect(Object.keys(final.result!.modalities)).toEqual([NOTES]);
    expect(final.result!.modalities[NOTES].weight).toBe(1);
    expect(Math.abs(final.result!.modalities[NOTES].probability! - (await notesModelProbability(NOTES_HIGH)))).toBeLessThan(1e-6);
  });

  it('a case without notes is fused from the other three as soon as they reply (notes worker stopped)', async () => {
    notesWorker.signal('SIGSTOP');
    try {
      const { final, elapsedMs } = await run({ ...cohortCase(1103), deadlineMs: 20_000 });
      expect(elapsedMs).toBeLessThan(5_000);
      expect(final.status).toBe('complete');
      expect(final.result!.completedBy).toBe('all-replied');
      expect(Object.keys(final.result!.modalities)).toEqual(['imaging', 'tabular', 'vitals']);
      expect(final.result!.strategy).toBe('stacking'); // no fallback: stacking knows all three
      expect(sum(Object.values(final.result!.modalities).map((m) => m.weight))).toBeCloseTo(1, 9);
    } finally {
      notesWorker.signal('SIGCONT');
    }
  });

  it('with notes disabled (LF_MODALITIES_DISABLED=notes), new cases neither enqueue notes nor wait for it', async () => {
    // A gateway restarted with the new configuration (a second process here, same Redis, same workers).
    const port = await freePort();
    const spec = fx.system.specs.gateway;
    const disabledGateway = await launchApp({
      ...spec,
      name: 'gateway-notes-disabled',
      env: { ...spec.env, LF_GATEWAY_PORT: String(port), LF_MODALITIES_DISABLED: NOTES },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
    });
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const notesQueue = new Queue(NOTES, { connection: fx.connection, prefix: createKeyBuilder().queuePrefix(NOTES) });
    notesWorker.signal('SIGSTOP'); // were notes enqueued and awaited, the case would sit until its deadline
    try {
      const jobsBefore = await notesQueue.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
      const { caseId, final, elapsedMs } = await run({ ...cohortCase(1104, NOTES_HIGH), deadlineMs: 20_000 }, gatewayUrl);
      expect(elapsedMs).toBeLessThan(5_000);
      expect(final.status).toBe('complete');
      expect(final.result!.completedBy).toBe('all-replied');
      expect(Object.keys(final.result!.modalities)).toEqual(['imaging', 'tabular', 'vitals']);
      expect(final.result!.strategy).toBe('stacking');
      expect(await notesQueue.getJob(jobIds.score(caseId, NOTES))).toBeUndefined();
      expect(await notesQueue.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized')).toBe(jobsBefore);

      // Nothing left to score: a notes-only case is refused, naming the ignored input.
      const notesOnly = await submitTo(gatewayUrl, { patientRef: 'notes-only', inputs: { notes: NOTES_HIGH } });
      expect(notesOnly.status).toBe(400);
      expect(JSON.stringify(notesOnly.body)).toContain('ignored: notes');
    } finally {
      notesWorker.signal('SIGCONT');
      await notesQueue.close();
      await disabledGateway.stop();
    }
  });
});
