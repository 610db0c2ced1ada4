import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelArtifact } from './load-model-artifact';
import { ModelIntegrityError } from './model-integrity.error';

describe('loadModelArtifact', () => {
  const root = mkdtempSync(join(tmpdir(), 'lf-artifact-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (version: string, bytes: Buffer, manifestOverrides: Record<string, unknown> = {}) => {
    const dir = join(root, 'tabular', version);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const manifest = {
      name: 'tabular',
      version,
      kind: 'modality',
      modality: 'tabular',
      file: 'model.onnx',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      inputs: [{ name: 'features', shape: ['N', 3], dtype: 'float32' }],
      outputs: [{ name: 'logit', shape: ['N', 1], dtype: 'float32' }],
      metrics: {},
      training: { seed: 1, cohort: { trainSeed: 1, validationSeed: 2, nTrain: 1, nValidation: 1 }, smoke: true, createdWith: 'test' },
      ...manifestOverrides,
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  };

  it('returns the manifest and the bytes whose sha256 matched', async () => {
    const dir = write('1.0.0', Buffer.from('onnx bytes'));
    const artifact = await loadModelArtifact(dir, { name: 'tabular', kind: 'modality' });
    expect(Buffer.from(artifact.bytes!).toString()).toBe('onnx bytes');
  });

  it('refuses a file that does not match its sha256, another model, another kind, or a misplaced version', async () => {
    const tampered = write('1.0.1', Buffer.from('original'));
    writeFileSync(join(tampered, 'model.onnx'), 'tampered');
    await expect(loadModelArtifact(tampered)).rejects.toThrow(/sha256 mismatch/);
    const ok = write('1.0.2', Buffer.from('x'));
    await expect(loadModelArtifact(ok, { name: 'imaging' })).rejects.toThrow(/expected 'imaging'/);
    await expect(loadModelArtifact(ok, { kind: 'fusion' })).rejects.toThrow(/expected 'fusion'/);
    const misplaced = write('1.0.3', Buffer.from('y'), { version: '9.9.9' });
    await expect(loadModelArtifact(misplaced)).rejects.toBeInstanceOf(ModelIntegrityError);
    await expect(loadModelArtifact(join(root, 'missing'))).rejects.toThrow(/cannot read manifest.json/);
  });
});
