import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { modelManifestSchema, type ModelManifest } from '@lf/contracts';

export interface LoadedModel {
  manifest: ModelManifest;
  session?: ort.InferenceSession;
  dir: string;
}

export class ModelIntegrityError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`${dir}: ${reason}`);
    this.name = 'ModelIntegrityError';
  }
}

/** Reads and validates a manifest, checks the ONNX file's sha256 against it, then opens a session. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const parsed = modelManifestSchema.safeParse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  if (!parsed.success) throw new ModelIntegrityError(dir, `invalid manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const manifest = parsed.data;
  if (!manifest.file) return { manifest, dir };
  const bytes = readFileSync(join(dir, manifest.file));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256) throw new ModelIntegrityError(dir, `sha256 mismatch: manifest says ${manifest.sha256}, ${manifest.file} is ${actual}`);
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  return { manifest, session, dir };
}
