export * from './model-integrity.error';
export * from './load-model-artifact';
export * from './attention-onnx-runner';
export * from './model-versions';
