/*
 * Plain-object shapes of the onnx.proto messages we write (camelCase, as protobufjs expects).
 * Kept separate from the descriptor so graph-building code is typed without touching protobufjs.
 */

/** TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used here. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export interface OnnxAttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensorProto;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: OnnxAttributeProto[];
}

/** A dimension is a fixed size (number) or a symbolic name such as 'N' for a dynamic batch. */
export type OnnxDim = number | string;

export interface OnnxValueInfoProto {
  name: string;
  type: {
    tensorType: {
      elemType: number;
      shape: { dim: Array<{ dimValue: number } | { dimParam: string }> };
    };
  };
}

export interface OnnxGraphProto {
  name: string;
  docString?: string;
  node: OnnxNodeProto[];
  initializer: OnnxTensorProto[];
  input: OnnxValueInfoProto[];
  output: OnnxValueInfoProto[];
}
