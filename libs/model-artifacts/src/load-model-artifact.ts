import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { modelManifestSchema, type ModelManifest } from '@lf/contracts';
import { ModelIntegrityError } from './model-integrity.error';

/** A verified model folder: the manifest and, when it names one, the ONNX bytes whose sha256 matched it. */
export interface ModelArtifact {
  manifest: ModelManifest;
  dir: string;
  bytes?: Uint8Array;
}

export interface ArtifactExpectations {
  /** The model name the caller serves (a worker must never load another modality's model). */
  name?: string;
  kind?: ModelManifest['kind'];
  /** The manifest's version must equal its folder's name (models/<name>/<version>/). Default true. */
  versionMatchesFolder?: boolean;
}

/**
 * The one place a model folder is trusted: reads and validates `<dir>/manifest.json`, checks what the caller
 * expects of it, and verifies the ONNX file's sha256 before anything executes it. Used by the modality
 * workers, the fusion aggregator and the evaluation tooling alike.
 */
export async function loadModelArtifact(dir: string, expect: ArtifactExpectations = {}): Promise<ModelArtifact> {
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
  if (expect.name !== undefined && manifest.name !== expect.name) {
    throw new ModelIntegrityError(dir, `manifest names model '${manifest.name}', expected '${expect.name}'`);
  }
  if ((expect.versionMatchesFolder ?? true) && manifest.version !== basename(dir)) {
    throw new ModelIntegrityError(dir, `manifest version ${manifest.version} does not match its folder`);
  }
  if (expect.kind !== undefined && manifest.kind !== expect.kind) {
    throw new ModelIntegrityError(dir, `manifest kind is '${manifest.kind}', expected '${expect.kind}'`);
  }
  if (!manifest.file) return { manifest, dir };
  if (!manifest.sha256) throw new ModelIntegrityError(dir, 'manifest names a file but no sha256');

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
