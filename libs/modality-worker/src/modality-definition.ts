import type { ModalityName, ModelManifest } from '@lf/contracts';

/** One input made model-ready: `shape` is the per-item shape, without the batch dimension. */
export interface ModalityTensor {
  tensor: Float32Array;
  shape: readonly number[];
  qualityFlags: string[];
}

/**
 * Everything modality-specific about a worker. The host (this lib) does the rest: queue, model registry,
 * micro-batching, calibration, score publishing, health, shutdown.
 */
export interface ModalityDefinition {
  /** Modality name as in the registry and the job payload (`imaging`). The app is `<name>-worker`. */
  name: ModalityName;
  /** Model served under models/<modelName>/<version>/ (the modality registry entry may override it). */
  modelName: string;
  /** Ops (health/metrics) port when neither LF_<APP>_OPS_PORT nor LF_OPS_PORT is set. */
  defaultOpsPort: number;
  /**
   * The stored modality input (parsed JSON, untrusted) -> tensor, using the preprocessing parameters of the
   * manifest of the model that will run it (so a hot-swapped model always sees its own stats). Throws
   * PreprocessingError for bad input: the host publishes an `invalid` record and does not retry.
   */
  preprocess(input: unknown, manifest: ModelManifest): ModalityTensor;
  /**
   * Rejects a manifest this preprocessing cannot serve (e.g. no fitted stats), by throwing. Runs before a
   * version is loaded, so a bad version never becomes current.
   */
  checkManifest?(manifest: ModelManifest): void;
}
