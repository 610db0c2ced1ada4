import { loadModelArtifact as loadVerifiedArtifact, ModelIntegrityError, type ModelArtifact as VerifiedArtifact } from '@lf/model-artifacts';

/** A verified modality model folder: the manifest and the ONNX bytes whose sha256 matched it. */
export type ModelArtifact = Required<VerifiedArtifact>;

/**
 * A modality worker's model: the shared verification (manifest, name, folder version, sha256) plus what a
 * modality model must have: kind 'modality', an ONNX file, one input and a logit output.
 */
export async function loadModelArtifact(dir: string, modelName: string): Promise<ModelArtifact> {
  const artifact = await loadVerifiedArtifact(dir, { name: modelName, kind: 'modality' });
  if (!artifact.bytes) throw new ModelIntegrityError(dir, 'manifest has no file/sha256');
  if (artifact.manifest.inputs.length !== 1 || artifact.manifest.outputs.length < 1) {
    throw new ModelIntegrityError(dir, 'a modality model needs exactly one input and a logit output');
  }
  return { manifest: artifact.manifest, dir: artifact.dir, bytes: artifact.bytes };
}
