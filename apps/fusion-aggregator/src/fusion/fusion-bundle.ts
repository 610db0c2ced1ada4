import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FUSION_STRATEGIES, type FusionStrategyName, type ModelManifest } from '@lf/contracts';
import { fusionParamsSchema, type AttentionRunner, type FusionParams } from '@lf/fusion';
import { attentionOnnxRunner, loadModelArtifact, ModelIntegrityError, resolveModelVersion, type ModelArtifact } from '@lf/model-artifacts';

/**
 * The fusion bundle: `models/fusion/<version>/manifest.json` (kind 'fusion') whose `fusion.params` are
 * the FusionParams of every strategy and whose `model.onnx` is the attention module
 * (inputs calibrated_logits/mask [N, M], outputs fused_logit [N, 1] / weights [N, M]).
 * The ONNX file's sha256 is checked against the manifest before a session is created, like every model.
 */
export interface FusionBundle {
  version: string;
  dir: string;
  params: FusionParams;
  /** The trained default (`fusion.defaultStrategy`); used when a case asks for a strategy this bundle lacks. */
  defaultStrategy: FusionStrategyName;
  /** Present when the manifest names an ONNX file (the attention module). */
  attention?: AttentionRunner;
  /** Strategies this bundle can run (params section present, and the session for attention). */
  strategies: ReadonlySet<FusionStrategyName>;
  close(): Promise<void>;
}

export class FusionBundleError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`fusion bundle ${dir}: ${reason}`);
    this.name = 'FusionBundleError';
  }
}

/** The bundle folder: `pinnedVersion`, else the highest version under `<modelsDir>/fusion` (shared rule for every model). */
export function resolveFusionBundleDir(modelsDir: string, pinnedVersion?: string): string {
  try {
    return resolveModelVersion(modelsDir, 'fusion', pinnedVersion).dir;
  } catch (error) {
    throw new FusionBundleError(join(modelsDir, 'fusion'), (error as Error).message);
  }
}

/** The strategies `params` (and an attention runner) can serve. */
export function availableStrategies(params: FusionParams, hasAttentionRunner: boolean): Set<FusionStrategyName> {
  const out = new Set<FusionStrategyName>();
  if (params.weightedMean) out.add('weighted-mean');
  if (params.logOdds) out.add('log-odds');
  if (params.stacking) out.add('stacking');
  if (params.attention && hasAttentionRunner) out.add('attention');
  return out;
}

export async function loadFusionBundle(dir: string): Promise<FusionBundle> {
  const fail = (reason: string): never => {
    throw new FusionBundleError(dir, reason);
  };
  // Manifest validation, folder version and the sha256 check are the shared rule for every model.
  let artifact: ModelArtifact;
  try {
    artifact = await loadModelArtifact(dir, { kind: 'fusion' });
  } catch (error) {
    return fail(error instanceof ModelIntegrityError ? error.reason : (error as Error).message);
  }
  const manifest: ModelManifest = artifact.manifest;

  const section = manifest.fusion ?? {};
  const params = fusionParamsSchema.safeParse(section['params']);
  if (!params.success) return fail(`fusion.params: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const declaredDefault = section['defaultStrategy'];
  if (declaredDefault !== undefined && !(FUSION_STRATEGIES as readonly unknown[]).includes(declaredDefault)) {
    fail(`fusion.defaultStrategy must be one of ${FUSION_STRATEGIES.join(', ')}`);
  }

  let session: ort.InferenceSession | undefined;
  if (artifact.bytes) {
    session = await ort.InferenceSession.create(artifact.bytes, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    for (const name of ['calibrated_logits', 'mask']) if (!session.inputNames.includes(name)) fail(`${manifest.file} has no input '${name}'`);
    for (const name of ['fused_logit', 'weights']) if (!session.outputNames.includes(name)) fail(`${manifest.file} has no output '${name}'`);
  }

  const attention = session ? attentionOnnxRunner(session) : undefined;
  const strategies = availableStrategies(params.data, attention !== undefined);
  const defaultStrategy = (declaredDefault as FusionStrategyName | undefined) ?? [...strategies][0];
  if (defaultStrategy === undefined) fail('fusion.params configures no strategy');
  if (!strategies.has(defaultStrategy)) fail(`fusion.defaultStrategy '${defaultStrategy}' is not configured in fusion.params`);

  return {
    version: manifest.version,
    dir,
    params: params.data,
    defaultStrategy,
    ...(attention ? { attention } : {}),
    strategies,
    close: async () => {
      await session?.release();
    },
  };
}
