import type { ModelManifest } from '@lf/contracts';
import { MicroBatcher } from '../batching/micro-batcher';
import type { ModalityTensor } from '../modality-definition';
import type { WorkerMetrics } from '../worker-metrics';
import type { ModelArtifact } from './load-model-artifact';
import type { ModelRunner } from './model-runner';

export interface BatchingOptions {
  maxBatchSize: number;
  maxWaitMs: number;
}

/**
 * One model version being served: manifest + runner + its own micro-batcher. Because each version batches
 * separately, a batch never mixes versions and the version a score names is the one that computed it.
 * Leases count the jobs using this version, so a swapped-out version is released only after its last job.
 */
export class LoadedModel {
  readonly name: string;
  readonly version: string;
  readonly manifest: ModelManifest;
  readonly dir: string;
  private readonly batcher: MicroBatcher<ModalityTensor, number>;
  private readonly itemShape: ReadonlyArray<number | string>;
  private leases = 0;
  private leaseWaiters: Array<() => void> = [];
  private released = false;

  constructor(
    artifact: ModelArtifact,
    private readonly runner: ModelRunner,
    batching: BatchingOptions,
    private readonly metrics?: WorkerMetrics,
  ) {
    this.manifest = artifact.manifest;
    this.name = artifact.manifest.name;
    this.version = artifact.manifest.version;
    this.dir = artifact.dir;
    this.itemShape = artifact.manifest.inputs[0].shape.slice(1);
    this.batcher = new MicroBatcher({ ...batching, runBatch: (items) => this.runBatch(items) });
  }

  /** The raw logit for one preprocessed input (batched with concurrent callers). */
  infer(input: ModalityTensor): Promise<number> {
    if (this.released) return Promise.reject(new Error(`model ${this.name}@${this.version} was released`));
    return this.batcher.submit(input);
  }

  /** Marks one user; call the returned function when done. */
  lease(): () => void {
    this.leases++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.leases--;
      if (this.leases === 0) for (const resolve of this.leaseWaiters.splice(0)) resolve();
    };
  }

  get activeLeases(): number {
    return this.leases;
  }

  /**
   * Frees the runner once no job holds a lease and no batch is running, or after `timeoutMs` (a stuck job
   * must not pin a retired session forever; such a job then fails and is retried on the new version).
   */
  async release(timeoutMs = 60_000): Promise<void> {
    if (this.released) return;
    const drained = (async () => {
      if (this.leases > 0) await new Promise<void>((resolve) => this.leaseWaiters.push(resolve));
      await this.batcher.idle();
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.released = true;
    await this.runner.release();
  }

  private async runBatch(items: readonly ModalityTensor[]): Promise<Array<number | Error>> {
    const results: Array<number | Error> = new Array(items.length);
    // Items of one shape go in one run; with fixed-size inputs (all current models) that is the whole batch.
    const groups = new Map<string, number[]>();
    items.forEach((item, i) => {
      const problem = this.shapeProblem(item);
      if (problem) {
        results[i] = new Error(problem);
        return;
      }
      const key = item.shape.join('x');
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const indices of groups.values()) {
      const itemShape = items[indices[0]].shape;
      const size = items[indices[0]].tensor.length;
      const input = new Float32Array(size * indices.length);
      indices.forEach((idx, k) => input.set(items[idx].tensor, k * size));
      const modality = this.metrics?.modality ?? '';
      const stop = this.metrics?.modelInference.startTimer({ modality, model: this.name, model_version: this.version });
      const logits = await this.runner.run(input, [indices.length, ...itemShape]);
      stop?.();
      this.metrics?.inferenceBatchSize.observe({ modality, model: this.name }, indices.length);
      if (logits.length !== indices.length) throw new Error(`model returned ${logits.length} logits for a batch of ${indices.length}`);
      indices.forEach((idx, k) => {
        const logit = logits[k];
        results[idx] = Number.isFinite(logit) ? logit : new Error(`model returned a non-finite logit (${logit})`);
      });
    }
    return results;
  }

  private shapeProblem(item: ModalityTensor): string | undefined {
    const expected = this.itemShape;
    const matches = item.shape.length === expected.length && expected.every((d, i) => typeof d === 'string' || d === item.shape[i]);
    if (!matches) return `input shape [${item.shape.join(', ')}] does not fit model input [N, ${expected.join(', ')}]`;
    const size = item.shape.reduce((a, b) => a * b, 1);
    if (item.tensor.length !== size) return `tensor has ${item.tensor.length} values, shape [${item.shape.join(', ')}] needs ${size}`;
    return undefined;
  }
}
