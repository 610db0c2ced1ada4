import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeInputBlob, encodeInputBlob, type ImagingInput, type ModelManifest } from '@lf/contracts';
import { generateCohort } from '@lf/cohort';
import { createLogger } from '@lf/observability';
import { ModelRegistry, onnxRunnerFactory } from '@lf/modality-worker';
import { DEFAULT_IMAGING_SPEC, isPreprocessingError } from '@lf/preprocessing';
import { imagingModality } from './imaging.modality';

const manifest = (preprocessing: Record<string, unknown>): ModelManifest =>
  ({ name: 'imaging', version: '1.0.0', kind: 'modality', inputs: [], outputs: [], preprocessing, metrics: {} }) as unknown as ModelManifest;

/** What an older gateway stored: the request's `inputs.imaging`, as JSON. */
const asBlob = (input: ImagingInput): unknown => JSON.parse(JSON.stringify(input));
/** What the gateway stores now: the image bytes decoded once, in the binary claim-check blob. */
const asBinaryBlob = (input: ImagingInput): unknown =>
  decodeInputBlob(encodeInputBlob(input, { field: 'data', bytes: Buffer.from(input.data, 'base64') }));

describe('imagingModality', () => {
  const inputs = [...generateCohort({ seed: 11, n: 6, imageSize: 64, imagingFormat: 'mixed', naturalMissingness: false })]
    .map((c) => c.request.inputs.imaging)
    .filter((i): i is ImagingInput => i !== undefined);

  it('turns DICOM/PNG/raw slices into the tensor the manifest spec describes', () => {
    const m = manifest({ imaging: DEFAULT_IMAGING_SPEC });
    for (const input of inputs) {
      const t = imagingModality.preprocess(asBlob(input), m);
      const channels = 1 + (DEFAULT_IMAGING_SPEC.bands?.length ?? 0);
      expect(t.shape).toEqual([channels, DEFAULT_IMAGING_SPEC.size, DEFAULT_IMAGING_SPEC.size]);
      expect(t.tensor).toHaveLength(channels * DEFAULT_IMAGING_SPEC.size ** 2);
      expect(Array.isArray(t.qualityFlags)).toBe(true);
    }
  });

  it('gives the same tensor from the binary blob as from base64 JSON, for every format', () => {
    const m = manifest({ imaging: DEFAULT_IMAGING_SPEC });
    expect(new Set(inputs.map((i) => i.format)).size).toBeGreaterThan(1);
    for (const input of inputs) {
      const fromBytes = imagingModality.preprocess(asBinaryBlob(input), m);
      const fromText = imagingModality.preprocess(asBlob(input), m);
      expect(fromBytes.qualityFlags).toEqual(fromText.qualityFlags);
      expect(Array.from(fromBytes.tensor)).toEqual(Array.from(fromText.tensor));
    }
  });

  it('rejects a malformed input as a PreprocessingError naming the field', () => {
    let error: unknown;
    try {
      imagingModality.preprocess({ format: 'tiff', data: 'AAAA' }, manifest({ imaging: DEFAULT_IMAGING_SPEC }));
    } catch (e) {
      error = e;
    }
    expect(isPreprocessingError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('inputs.imaging.format');
  });

  it('refuses a manifest without an imaging spec', () => {
    expect(() => imagingModality.checkManifest?.(manifest({}))).toThrow('preprocessing.imaging');
  });

  // The committed model (or another trained set: LF_TEST_MODELS_DIR=tmp/models-smoke).
  const modelDir = join(process.env['LF_TEST_MODELS_DIR'] ?? join(__dirname, '../../../models'), 'imaging');
  (existsSync(modelDir) ? it : it.skip)('scores cohort slices with the committed model', async () => {
    const registry = new ModelRegistry({
      modelsDir: join(modelDir, '..'),
      modelName: 'imaging',
      createRunner: onnxRunnerFactory(),
      checkManifest: (m) => imagingModality.checkManifest?.(m),
      batching: { maxBatchSize: 8, maxWaitMs: 1 },
      logger: createLogger({ app: 'test', level: 'error' }),
    });
    await registry.load();
    const logits = await Promise.all(inputs.map((i) => registry.withModel((m) => m.infer(imagingModality.preprocess(asBlob(i), m.manifest)))));
    expect(logits.every(Number.isFinite)).toBe(true);
    await registry.close();
  });
});
