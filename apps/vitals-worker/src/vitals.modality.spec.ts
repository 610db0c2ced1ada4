import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest, VitalsInput } from '@lf/contracts';
import { generateCohort } from '@lf/cohort';
import { createLogger } from '@lf/observability';
import { ModelRegistry, onnxRunnerFactory } from '@lf/modality-worker';
import { DEFAULT_VITALS_SPEC, fitVitalsStats, isPreprocessingError, vitalsTimeSteps } from '@lf/preprocessing';
import { vitalsModality } from './vitals.modality';

const manifest = (preprocessing: Record<string, unknown>): ModelManifest =>
  ({ name: 'vitals', version: '1.0.0', kind: 'modality', inputs: [], outputs: [], preprocessing, metrics: {} }) as unknown as ModelManifest;

describe('vitalsModality', () => {
  const inputs = [...generateCohort({ seed: 13, n: 30, naturalMissingness: false, imageSize: 16 })]
    .map((c) => c.request.inputs.vitals)
    .filter((i): i is VitalsInput => i !== undefined);
  const spec = { ...DEFAULT_VITALS_SPEC };
  const stats = fitVitalsStats(inputs, spec);

  it('turns an irregular series into the [T, 12] grid of the manifest spec', () => {
    for (const input of inputs.slice(0, 10)) {
      const t = vitalsModality.preprocess(JSON.parse(JSON.stringify(input)), manifest({ vitals: { spec, stats } }));
      expect(t.shape).toEqual([vitalsTimeSteps(spec), 12]);
      expect(t.tensor.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects an empty series as a PreprocessingError naming the field', () => {
    let error: unknown;
    try {
      vitalsModality.preprocess({ samples: [] }, manifest({ vitals: { spec, stats } }));
    } catch (e) {
      error = e;
    }
    expect(isPreprocessingError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('inputs.vitals.samples');
  });

  it('refuses a manifest without vitals spec and stats', () => {
    expect(() => vitalsModality.checkManifest?.(manifest({ vitals: { spec } }))).toThrow('preprocessing.vitals');
  });

  // The committed model (or another trained set: LF_TEST_MODELS_DIR=tmp/models-smoke).
  const modelDir = join(process.env['LF_TEST_MODELS_DIR'] ?? join(__dirname, '../../../models'), 'vitals');
  (existsSync(modelDir) ? it : it.skip)('scores cohort series with the committed model', async () => {
    const registry = new ModelRegistry({
      modelsDir: join(modelDir, '..'),
      modelName: 'vitals',
      createRunner: onnxRunnerFactory(),
      checkManifest: (m) => vitalsModality.checkManifest?.(m),
      batching: { maxBatchSize: 8, maxWaitMs: 1 },
      logger: createLogger({ app: 'test', level: 'error' }),
    });
    await registry.load();
    const logits = await Promise.all(inputs.map((i) => registry.withModel((m) => m.infer(vitalsModality.preprocess(i, m.manifest)))));
    expect(logits.every(Number.isFinite)).toBe(true);
    await registry.close();
  });
});
