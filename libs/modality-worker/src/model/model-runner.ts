import type { ModelArtifact } from './load-model-artifact';

/** The one thing inference needs from a runtime; onnxruntime in production, fakes in unit tests. */
export interface ModelRunner {
  /** Runs one batch. `input` is row-major with `shape = [n, ...itemShape]`; returns the n raw logits. */
  run(input: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  /** Frees native resources; called once no batch can still use this runner. */
  release(): Promise<void>;
}

export type ModelRunnerFactory = (artifact: ModelArtifact) => Promise<ModelRunner>;
