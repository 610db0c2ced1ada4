import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelManifest } from '@lf/contracts';
import { linearOnnxModel } from './linear-onnx-model';

export const TEST_FEATURES = 4;

export interface TestModelSpec {
  name?: string;
  version: string;
  weights?: number[];
  bias?: number;
  /** Default Platt a=1, b=0 (identity); null = no calibration in the manifest. */
  calibration?: ModelManifest['calibration'] | null;
  /** Write a manifest whose sha256 does not match the ONNX file. */
  corruptSha?: boolean;
}

export function tempModelsDir(): string {
  return mkdtempSync(join(tmpdir(), 'lf-models-'));
}

export function testManifest(spec: TestModelSpec, sha256: string): ModelManifest {
  return {
    name: spec.name ?? 'testmod',
    version: spec.version,
    kind: 'modality',
    modality: spec.name ?? 'testmod',
    file: 'model.onnx',
    sha256,
    inputs: [{ name: 'x', shape: ['N', TEST_FEATURES], dtype: 'float32' }],
    outputs: [{ name: 'logit', shape: ['N', 1], dtype: 'float32' }],
    ...(spec.calibration === undefined ? { calibration: { method: 'platt', a: 1, b: 0 } } : spec.calibration ? { calibration: spec.calibration } : {}),
    metrics: {},
    training: { seed: 1, cohort: { trainSeed: 1, validationSeed: 2, nTrain: 1, nValidation: 1 }, smoke: true, createdWith: 'modality-worker tests' },
  };
}

/**
 * Writes models/<name>/<version>/ the way a deployment should: into a hidden folder first, then one rename,
 * so a watcher never sees a half-written version.
 */
export function writeModelVersion(modelsDir: string, spec: TestModelSpec): string {
  const name = spec.name ?? 'testmod';
  const onnx = linearOnnxModel(spec.weights ?? [1, 0, 0, 0], spec.bias ?? 0);
  const sha = createHash('sha256').update(onnx).digest('hex');
  const staging = join(modelsDir, name, `.incoming-${spec.version}`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'model.onnx'), onnx);
  const manifest = testManifest(spec, spec.corruptSha ? sha.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sha);
  writeFileSync(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const dir = join(modelsDir, name, spec.version);
  renameSync(staging, dir);
  return dir;
}
