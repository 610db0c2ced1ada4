export * from './config/training-config';
export * from './pipeline/train-all';
export * from './evaluation/evaluate-models';
export * from './evaluation/binary-metrics';
export * from './runtime/load-model';
export * from './runtime/resolve-model-dir';
