import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { modelManifestSchema, type ModelManifest } from '@lf/contracts';
import { ModelIntegrityError } from './model-integrity.error';

/** A verified model folder: the manifest and the ONNX bytes whose sha256 matched it. */
export interface ModelArtifact {
  manifest: ModelManifest;
  dir: string;
  bytes: Uint8Array;
}

/**
 * Reads `<dir>/manifest.json`, validates it, checks that it describes `modelName` at the folder's version,
 * and verifies the ONNX file's sha256 before anything executes it (same rule as libs/training's loader).
 */
export async function loadModelArtifact(dir: string, modelName: string): Promise<ModelArtifact> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new ModelIntegrityError(dir, `cannot read manifest.json (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
  }
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelIntegrityError(dir, `invalid manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const manifest = parsed.data;
  if (manifest.name !== modelName) throw new ModelIntegrityError(dir, `manifest names model '${manifest.name}', expected '${modelName}'`);
  if (manifest.version !== basename(dir)) throw new ModelIntegrityError(dir, `manifest version ${manifest.version} does not match its folder`);
  if (manifest.kind !== 'modality') throw new ModelIntegrityError(dir, `manifest kind is '${manifest.kind}', a modality worker needs 'modality'`);
  if (!manifest.file || !manifest.sha256) throw new ModelIntegrityError(dir, 'manifest has no file/sha256');
  if (manifest.inputs.length !== 1 || manifest.outputs.length < 1) {
    throw new ModelIntegrityError(dir, 'a modality model needs exactly one input and a logit output');
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, manifest.file));
  } catch (error) {
    throw new ModelIntegrityError(dir, `cannot read ${manifest.file} (${(error as NodeJS.ErrnoException).code})`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256) {
    throw new ModelIntegrityError(dir, `sha256 mismatch: manifest says ${manifest.sha256}, ${manifest.file} is ${actual}`);
  }
  // A plain Uint8Array view: onnxruntime checks `instanceof Uint8Array` (jest realms, see tools/jest).
  return { manifest, dir, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
