import { OnnxAttributeType, type OnnxAttributeProto, type OnnxTensorProto } from './onnx-proto-types';

/*
 * AttributeProto constructors. ONNX distinguishes int from float attributes by `type`, which JS numbers
 * cannot express, so every attribute is built through one of these.
 */
export const onnxAttr = {
  int: (name: string, i: number): OnnxAttributeProto => ({ name, type: OnnxAttributeType.INT, i }),
  ints: (name: string, ints: readonly number[]): OnnxAttributeProto => ({
    name,
    type: OnnxAttributeType.INTS,
    ints: [...ints],
  }),
  float: (name: string, f: number): OnnxAttributeProto => ({ name, type: OnnxAttributeType.FLOAT, f }),
  string: (name: string, s: string): OnnxAttributeProto => ({
    name,
    type: OnnxAttributeType.STRING,
    s: new TextEncoder().encode(s),
  }),
  tensor: (name: string, t: OnnxTensorProto): OnnxAttributeProto => ({ name, type: OnnxAttributeType.TENSOR, t }),
};
