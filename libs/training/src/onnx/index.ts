export * from './encode-onnx-model';
export * from './export-layers-model';
export * from './export-attention-fusion';
export * from './resolve-onnx-input';
export * from './sha256-hex';
export * from './tf-same-padding';
export type { OnnxDim } from './onnx-proto-types';
