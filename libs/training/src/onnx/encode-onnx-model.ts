import { onnxModelProtoType } from './onnx-proto-schema';
import type { OnnxGraphProto } from './onnx-proto-types';

/** IR 8 / opset 17: supported by every onnxruntime since 1.14, and opset 13+ semantics (axes as inputs). */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET_VERSION = 17;
export const DEFAULT_PRODUCER_NAME = 'late-fusion-training';

export interface OnnxModelMeta {
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  modelVersion?: number;
  /** Free-form key/value pairs stored in ModelProto.metadata_props (e.g. modality order). */
  metadata?: Record<string, string>;
}

/**
 * Serializes a graph to ONNX ModelProto bytes. The result is a fresh plain Uint8Array (not a pooled Node
 * Buffer): callers hash and write it, and onnxruntime's `instanceof Uint8Array` check must hold even under
 * jest's separate realm. Same graph in, same bytes out (keys are written in sorted metadata order).
 */
export function encodeOnnxModel(graph: OnnxGraphProto, meta: OnnxModelMeta = {}): Uint8Array {
  const model = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET_VERSION }],
    producerName: meta.producerName ?? DEFAULT_PRODUCER_NAME,
    ...(meta.producerVersion ? { producerVersion: meta.producerVersion } : {}),
    ...(meta.docString ? { docString: meta.docString } : {}),
    ...(meta.modelVersion !== undefined ? { modelVersion: meta.modelVersion } : {}),
    graph,
    metadataProps: Object.keys(meta.metadata ?? {})
      .sort()
      .map((key) => ({ key, value: (meta.metadata ?? {})[key] })),
  };
  const problem = onnxModelProtoType.verify(model);
  if (problem) throw new Error(`Invalid ONNX model object: ${problem}`);
  return new Uint8Array(onnxModelProtoType.encode(model).finish());
}
