import * as ort from 'onnxruntime-node';
import type { ModelManifest } from '@lf/contracts';
import { loadModelArtifact } from '@lf/model-artifacts';

export { ModelIntegrityError } from '@lf/model-artifacts';

export interface LoadedModel {
  manifest: ModelManifest;
  session?: ort.InferenceSession;
  dir: string;
}

/** The shared verification (manifest, folder version, sha256), then a session exactly as a worker would open it. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { manifest, bytes } = await loadModelArtifact(dir);
  if (!bytes) return { manifest, dir };
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  return { manifest, session, dir };
}
