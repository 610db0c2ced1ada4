import type * as tf from '@tensorflow/tfjs';
import type { ExportedValue } from './exported-value';
import type { OnnxGraphBuilder } from './onnx-graph-builder';

/** What a converter gets: one application of a tfjs layer, its already-exported inputs, its output shape. */
export interface LayerConversion {
  graph: OnnxGraphBuilder;
  layer: tf.layers.Layer;
  inputs: ExportedValue[];
  outputTfShape: ReadonlyArray<number | null>;
}

/** Emits the ONNX nodes for one layer application and returns its output value. */
export type LayerConverter = (conversion: LayerConversion) => ExportedValue;

/** Weights as plain data; getWeights() returns the live variables, so they are read, never disposed. */
export function readLayerWeights(layer: tf.layers.Layer): Array<{ shape: number[]; data: Float32Array }> {
  return layer.getWeights().map((w) => ({ shape: [...w.shape], data: w.dataSync() as Float32Array }));
}

/**
 * Permutes a row-major array (e.g. a conv kernel [kh,kw,in,out] -> [out,in,kh,kw]). Done in plain JS so
 * export allocates no tfjs tensors and cannot leak any.
 */
export function permuteData(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i] * inStrides[perm[i]];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}
