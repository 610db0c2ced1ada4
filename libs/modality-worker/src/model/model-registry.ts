import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { WorkerMetrics } from '../worker-metrics';
import { loadModelArtifact, type ModelArtifact } from './load-model-artifact';
import { ModelIntegrityError } from '@lf/model-artifacts';
import { LoadedModel, type BatchingOptions } from './loaded-model';
import type { ModelRunner, ModelRunnerFactory } from './model-runner';
import { resolveModelVersion } from '@lf/model-artifacts';
import { watchModelFolder, type WatchModelFolderOptions } from './watch-model-folder';

export interface ModelRegistryOptions {
  modelsDir: string;
  modelName: string;
  /** Serve exactly this version (LF_<NAME>_MODEL_VERSION); otherwise the highest present. */
  pinnedVersion?: string;
  createRunner: ModelRunnerFactory;
  /** The modality's own manifest check (ModalityDefinition.checkManifest). */
  checkManifest?: (manifest: ModelManifest) => void;
  batching: BatchingOptions;
  logger: Logger;
  metrics?: WorkerMetrics;
  /** Upper bound on waiting for a retired version's last job before its session is released. */
  releaseTimeoutMs?: number;
}

export type ReloadResult =
  | { status: 'swapped'; from: string; to: string }
  | { status: 'unchanged'; version: string }
  | { status: 'failed'; error: Error };

/**
 * Serves one model and swaps versions without dropping jobs. A reload loads and verifies the new version
 * completely (manifest, sha256, session) before one assignment makes it current; jobs that already hold the
 * old version (a lease) finish on it, and the old session is released after the last of them. A version that
 * fails to load changes nothing: the current one keeps serving.
 */
export class ModelRegistry {
  private model: LoadedModel | undefined;
  private reloading: Promise<ReloadResult> | undefined;
  private reloadAgain = false;
  private failedSignature: string | undefined;
  private stopWatching: (() => void) | undefined;
  private retiring = new Set<Promise<void>>();

  constructor(private readonly options: ModelRegistryOptions) {}

  /** The version new jobs get; undefined before the first load. */
  get current(): LoadedModel | undefined {
    return this.model;
  }

  get loaded(): boolean {
    return this.model !== undefined;
  }

  /** Initial load; throws (fail fast at boot) when the model cannot be served. */
  async load(): Promise<LoadedModel> {
    const { dir } = resolveModelVersion(this.options.modelsDir, this.options.modelName, this.options.pinnedVersion);
    const model = await this.loadVersion(dir);
    this.install(model);
    return model;
  }

  /**
   * Runs `fn` with the current version, holding a lease so that version stays alive until `fn` settles even
   * if a swap happens meanwhile.
   */
  async withModel<T>(fn: (model: LoadedModel) => Promise<T>): Promise<T> {
    const model = this.model;
    if (!model) throw new Error(`model '${this.options.modelName}' is not loaded`);
    const release = model.lease();
    try {
      return await fn(model);
    } finally {
      release();
    }
  }

  /**
   * Loads the version that should be served now and swaps if it differs from the current one. Concurrent calls
   * share one reload (plus one re-run if asked again meanwhile). `force` retries a version that failed before
   * (SIGHUP); watch/poll triggers skip a folder whose files have not changed since it failed.
   */
  reload(options: { force?: boolean } = {}): Promise<ReloadResult> {
    if (options.force) this.failedSignature = undefined;
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      let result: ReloadResult;
      do {
        this.reloadAgain = false;
        result = await this.reloadOnce();
      } while (this.reloadAgain);
      return result;
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /** Reload on changes under models/<name>/ (fs.watch + poll); no-op when a version is pinned. */
  watch(options: WatchModelFolderOptions): void {
    if (this.options.pinnedVersion || this.stopWatching) return;
    this.stopWatching = watchModelFolder(
      join(this.options.modelsDir, this.options.modelName),
      (cause) => {
        void this.reload().then((r) => {
          if (r.status !== 'unchanged') this.options.logger.debug('model folder change handled', { cause, result: r.status });
        });
      },
      { ...options, onError: (error) => this.options.logger.warn('model folder watch failed; relying on polling', { err: error }) },
    );
  }

  /** Stops watching and releases every session once its jobs are done (shutdown). */
  async close(): Promise<void> {
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.reloading?.catch(() => undefined);
    const model = this.model;
    this.model = undefined;
    await Promise.all([...this.retiring, model?.release(this.options.releaseTimeoutMs)]);
  }

  private async reloadOnce(): Promise<ReloadResult> {
    const { modelName } = this.options;
    const log = this.options.logger;
    const current = this.model;
    let dir: string;
    let signature: string;
    try {
      ({ dir } = resolveModelVersion(this.options.modelsDir, modelName, this.options.pinnedVersion));
      signature = await folderSignature(dir);
      if (current && dir === current.dir && (await manifestSha(dir)) === current.manifest.sha256) {
        this.reloaded('unchanged');
        return { status: 'unchanged', version: current.version };
      }
    } catch (error) {
      return this.failed(error as Error, undefined);
    }
    if (signature === this.failedSignature) return { status: 'failed', error: new Error(`${dir} failed to load before and has not changed`) };

    let next: LoadedModel;
    try {
      next = await this.loadVersion(dir);
    } catch (error) {
      return this.failed(error as Error, signature);
    }
    this.failedSignature = undefined;
    this.install(next);
    this.reloaded('swapped');
    log.info('model swapped', { model: modelName, from: current?.version ?? null, to: next.version });
    return { status: 'swapped', from: current?.version ?? '', to: next.version };
  }

  private reloaded(outcome: 'swapped' | 'unchanged' | 'failed'): void {
    const metrics = this.options.metrics;
    metrics?.modelReloads.inc({ modality: metrics.modality, model: this.options.modelName, outcome });
  }

  private failed(error: Error, signature: string | undefined): ReloadResult {
    this.failedSignature = signature;
    this.reloaded('failed');
    this.options.logger.error('model reload failed; still serving the current version', {
      model: this.options.modelName,
      version: this.model?.version ?? null,
      err: error,
    });
    return { status: 'failed', error };
  }

  private async loadVersion(dir: string): Promise<LoadedModel> {
    const artifact = await loadModelArtifact(dir, this.options.modelName);
    try {
      this.options.checkManifest?.(artifact.manifest);
    } catch (error) {
      throw new ModelIntegrityError(dir, `manifest rejected by the modality: ${(error as Error).message}`);
    }
    const runner = await this.options.createRunner(artifact);
    try {
      await warmUp(runner, artifact);
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw new ModelIntegrityError(dir, `warm-up inference failed: ${(error as Error).message}`);
    }
    return new LoadedModel(artifact, runner, this.options.batching, this.options.metrics);
  }

  /** The swap itself: one assignment, so a job sees either the old or the new version, never a mixture. */
  private install(next: LoadedModel): void {
    const previous = this.model;
    this.model = next;
    const metrics = this.options.metrics;
    metrics?.modelLoaded.set({ modality: metrics.modality, model: next.name, model_version: next.version }, 1);
    if (!previous) return;
    metrics?.modelLoaded.remove({ modality: metrics.modality, model: previous.name, model_version: previous.version });
    const retiring = previous
      .release(this.options.releaseTimeoutMs)
      .then(() => this.options.logger.info('retired model version released', { model: previous.name, version: previous.version }))
      .catch((error) => this.options.logger.warn('releasing a retired model version failed', { version: previous.version, err: error }))
      .finally(() => this.retiring.delete(retiring));
    this.retiring.add(retiring);
  }
}

/**
 * One inference on zeros before a version may serve: a graph that loads but cannot run (wrong input rank,
 * unsupported op) is rejected here instead of failing jobs after the swap. Skipped for symbolic item dims.
 */
async function warmUp(runner: ModelRunner, artifact: ModelArtifact): Promise<void> {
  const itemShape = artifact.manifest.inputs[0].shape.slice(1);
  if (!itemShape.every((d): d is number => typeof d === 'number')) return;
  const logits = await runner.run(new Float32Array(itemShape.reduce((a, b) => a * b, 1)), [1, ...itemShape]);
  if (logits.length !== 1) throw new Error(`expected 1 logit for a batch of 1, got ${logits.length}`);
}

/** Changes whenever any file of the version folder is rewritten (cheap: two stats). */
async function folderSignature(dir: string): Promise<string> {
  const manifestPath = join(dir, 'manifest.json');
  const m = await stat(manifestPath);
  let file = 'model.onnx';
  try {
    file = (JSON.parse(await readFile(manifestPath, 'utf8')) as { file?: string }).file ?? file;
  } catch {
    // an unreadable manifest fails the load with a clear message; the signature only needs to be stable
  }
  const f = await stat(join(dir, file)).catch(() => undefined);
  return `${dir}|${m.mtimeMs}|${m.size}|${f?.mtimeMs ?? 0}|${f?.size ?? 0}`;
}

async function manifestSha(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { sha256?: string }).sha256;
  } catch {
    return undefined;
  }
}
