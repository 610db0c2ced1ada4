import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest, TabularInput } from '@lf/contracts';
import { generateCohort } from '@lf/cohort';
import { createLogger } from '@lf/observability';
import { ModelRegistry, onnxRunnerFactory } from '@lf/modality-worker';
import { fitTabularStats, isPreprocessingError, TABULAR_FEATURES } from '@lf/preprocessing';
import { tabularModality } from './tabular.modality';

const manifest = (preprocessing: Record<string, unknown>): ModelManifest =>
  ({ name: 'tabular', version: '1.0.0', kind: 'modality', inputs: [], outputs: [], preprocessing, metrics: {} }) as unknown as ModelManifest;

describe('tabularModality', () => {
  const inputs = [...generateCohort({ seed: 12, n: 40, naturalMissingness: false, imageSize: 16 })]
    .map((c) => c.request.inputs.tabular)
    .filter((i): i is TabularInput => i !== undefined);
  const stats = fitTabularStats(inputs);

  it('turns EHR features into the [28] feature vector with the fitted stats', () => {
    for (const input of inputs.slice(0, 10)) {
      const t = tabularModality.preprocess(JSON.parse(JSON.stringify(input)), manifest({ tabular: stats }));
      expect(t.shape).toEqual([TABULAR_FEATURES.length]);
      expect(t.tensor.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects a lab in an unknown unit as a PreprocessingError naming the field', () => {
    let error: unknown;
    try {
      tabularModality.preprocess({ labs: { crp: { value: 5, unit: 'g/L' } } }, manifest({ tabular: stats }));
    } catch (e) {
      error = e;
    }
    expect(isPreprocessingError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('inputs.tabular.labs.crp.unit');
  });

  it('refuses a manifest without tabular stats', () => {
    expect(() => tabularModality.checkManifest?.(manifest({}))).toThrow('preprocessing.tabular');
  });

  // The committed model (or another trained set: LF_TEST_MODELS_DIR=tmp/models-smoke).
  const modelDir = join(process.env['LF_TEST_MODELS_DIR'] ?? join(__dirname, '../../../models'), 'tabular');
  (existsSync(modelDir) ? it : it.skip)('scores cohort rows with the committed model', async () => {
    const registry = new ModelRegistry({
      modelsDir: join(modelDir, '..'),
      modelName: 'tabular',
      createRunner: onnxRunnerFactory(),
      checkManifest: (m) => tabularModality.checkManifest?.(m),
      batching: { maxBatchSize: 8, maxWaitMs: 1 },
      logger: createLogger({ app: 'test', level: 'error' }),
    });
    await registry.load();
    const logits = await Promise.all(inputs.map((i) => registry.withModel((m) => m.infer(tabularModality.preprocess(i, m.manifest)))));
    expect(logits.every(Number.isFinite)).toBe(true);
    await registry.close();
  });
});
