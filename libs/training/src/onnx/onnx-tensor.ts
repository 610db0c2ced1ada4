import { OnnxDataType, type OnnxTensorProto } from './onnx-proto-types';

/*
 * Initializers are written as raw_data (little-endian, as the ONNX spec requires regardless of host),
 * which is compact and bit-exact: the exported weights are the float32 values tfjs trained.
 */

/** A float32 TensorProto. Refuses NaN/Infinity: a diverged model must fail export, not ship. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(`Tensor "${name}": ${values.length} values do not fill dims [${dims.join(', ')}]`);
  }
  const raw = new Uint8Array(count * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`Tensor "${name}" has a non-finite value at index ${i}`);
    view.setFloat32(i * 4, v, true);
  }
  return { name, dims: [...dims], dataType: OnnxDataType.FLOAT, rawData: raw };
}

/** A 1-D int64 TensorProto (axes / shapes that opset 13+ takes as inputs instead of attributes). */
export function int64Tensor(name: string, values: readonly number[]): OnnxTensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => {
    if (!Number.isSafeInteger(v)) throw new Error(`Tensor "${name}": ${v} is not an integer`);
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return { name, dims: [values.length], dataType: OnnxDataType.INT64, rawData: raw };
}
