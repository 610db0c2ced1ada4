import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest } from '@lf/contracts';

export interface ModelArtifacts {
  manifest: ModelManifest;
  onnx?: Uint8Array;
  modelCard: string;
  calibrationSvg?: string;
}

/** Writes `<root>/<name>/<version>/{model.onnx,manifest.json,MODEL_CARD.md,calibration.svg}`; returns the folder. */
export function writeModelArtifacts(root: string, artifacts: ModelArtifacts): string {
  const dir = join(root, artifacts.manifest.name, artifacts.manifest.version);
  mkdirSync(dir, { recursive: true });
  if (artifacts.onnx && artifacts.manifest.file) writeFileSync(join(dir, artifacts.manifest.file), artifacts.onnx);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(artifacts.manifest, null, 2) + '\n');
  writeFileSync(join(dir, 'MODEL_CARD.md'), artifacts.modelCard);
  if (artifacts.calibrationSvg) writeFileSync(join(dir, 'calibration.svg'), artifacts.calibrationSvg);
  return dir;
}
