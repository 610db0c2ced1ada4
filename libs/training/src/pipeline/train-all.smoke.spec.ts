import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMOKE_TRAINING } from '../config/training-config';
import { evaluateModels } from '../evaluation/evaluate-models';
import { loadModel, ModelIntegrityError } from '../runtime/load-model';
import { resolveModelDir } from '../runtime/resolve-model-dir';
import { trainAll } from './train-all';

// The whole pipeline at smoke size: cohort -> preprocessing -> tfjs training -> calibration -> ONNX export
// -> manifests and cards -> fusion fitting -> evaluation through onnxruntime. CI runs exactly this.
describe('training pipeline (smoke size)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'lf-smoke-models-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('trains, exports, and the artifacts load, verify and evaluate', async () => {
    const { dirs } = await trainAll({ ...SMOKE_TRAINING, outDir }, () => undefined);
    expect(dirs).toHaveLength(4);
    for (const name of ['imaging', 'tabular', 'vitals', 'fusion']) {
      const loaded = await loadModel(resolveModelDir(outDir, name));
      expect(loaded.manifest.version).toBe(SMOKE_TRAINING.version);
      expect(loaded.session).toBeDefined();
      expect(readFileSync(join(loaded.dir, 'MODEL_CARD.md'), 'utf8')).toContain('not for clinical use');
      if (name !== 'fusion') expect(loaded.manifest.calibration?.method).toBe('platt');
    }
    const report = await evaluateModels({ modelsRoot: outDir, seed: 99, n: 120 });
    expect(report.rows.filter((r) => r.model.startsWith('fusion:'))).toHaveLength(4 * 7);
    for (const row of report.rows) {
      expect(row.auroc).toBeGreaterThanOrEqual(0);
      expect(row.auroc).toBeLessThanOrEqual(1);
      expect(row.ece).toBeGreaterThanOrEqual(0);
    }
  }, 180_000);

  it('refuses a model whose bytes do not match the manifest sha256', async () => {
    const dir = resolveModelDir(outDir, 'tabular');
    const onnxPath = join(dir, 'model.onnx');
    const bytes = readFileSync(onnxPath);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(onnxPath, bytes);
    await expect(loadModel(dir)).rejects.toBeInstanceOf(ModelIntegrityError);
  });
});
