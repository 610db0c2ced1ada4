export * from './config/training-config';
export * from './pipeline/train-all';
export * from './evaluation/evaluate-models';
export * from './evaluation/binary-metrics';
export * from './runtime/load-model';
export * from './runtime/resolve-model-dir';
// The exporter and artifact writer, for tooling that builds a model outside the training pipeline
// (e.g. the e2e test's fourth-modality fixture model).
export { exportLayersModelToOnnx, sha256Hex, type LayersExportOptions } from './onnx';
export { writeModelArtifacts, type ModelArtifacts } from './artifacts/write-model-artifacts';
