// Public API of @lf/modality-worker: the shared host for modality worker apps (DESIGN.md 2). An app is a
// ModalityDefinition plus `bootstrapModalityWorker(definition)`; the machinery (model registry with hot swap,
// micro-batching, calibration, score publishing, health, graceful shutdown) lives here.

export type { ModalityDefinition, ModalityTensor } from './modality-definition';
export { parseModalityInput } from './input/parse-modality-input';
export { bootstrapModalityWorker, type BootstrapOptions, type RunningWorker } from './bootstrap/bootstrap-modality-worker';
export { workerConfigFromEnv, workerEnvNames, type WorkerConfig } from './config/worker-config';

export { MicroBatcher, type MicroBatcherOptions } from './batching/micro-batcher';
export { ModelRegistry, type ModelRegistryOptions, type ReloadResult } from './model/model-registry';
export { LoadedModel, type BatchingOptions } from './model/loaded-model';
export { loadModelArtifact, type ModelArtifact } from './model/load-model-artifact';
export { ModelIntegrityError } from '@lf/model-artifacts';
export { compareModelVersions, resolveModelVersion, isModelVersion } from '@lf/model-artifacts';
export type { ModelRunner, ModelRunnerFactory } from './model/model-runner';
export { onnxRunnerFactory, type OnnxRunnerOptions } from './model/onnx-model-runner';
export { watchModelFolder, type WatchModelFolderOptions } from './model/watch-model-folder';

export { calibratedProbability, UNCALIBRATED_FLAG } from './scoring/calibrated-probability';
export { okRecord, invalidRecord, failedRecord, errorText, type ModelRef } from './scoring/score-records';
export {
  ScoreModalityHandler,
  type ScoreJob,
  type ScoreJobResult,
  type ModelProvider,
  type ScoreModalityHandlerDeps,
} from './processing/score-modality.handler';
export type { WorkerCaseStore } from './processing/worker-case-store';
export { QueueFusionTrigger, type FusionTrigger } from './processing/fusion-trigger';
export { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';
export {
  FAULT_INJECTION_MODES,
  InjectedFaultError,
  faultInjectionEnvName,
  applyFaultInjection,
  type FaultInjectionMode,
} from './faults/fault-injection';
