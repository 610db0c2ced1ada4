import * as tf from '@tensorflow/tfjs';
import { constantBias, seededKernel } from './seeded-initializers';

export interface ImagingNetOptions {
  /** Square image side in pixels (preprocessing output). */
  size: number;
  seed: number;
  /** Initial output bias, e.g. the training prevalence's log-odds. Default 0. */
  outputBias?: number;
}

/**
 * Imaging net: [N, size, size, 1] (NHWC; with one channel the same bytes as the ONNX model's NCHW
 * [N, 1, size, size]) -> one raw logit [N, 1]. Three stride-2 3x3 convs and global average pooling:
 * about 4k parameters, the most the pure-JS CPU backend trains in reasonable time.
 */
export function buildImagingNet({ size, seed, outputBias = 0 }: ImagingNetOptions): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 1], name: 'image' });
  let x: tf.SymbolicTensor = input;
  [8, 16, 16].forEach((filters, i) => {
    x = tf.layers
      .conv2d({
        name: `imaging_conv${i + 1}`,
        filters,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seededKernel(seed, i),
        biasInitializer: constantBias(),
      })
      .apply(x) as tf.SymbolicTensor;
  });
  const pooled = tf.layers.globalAveragePooling2d({ name: 'imaging_gap' }).apply(x) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({
      name: 'imaging_logit',
      units: 1,
      kernelInitializer: seededKernel(seed, 3),
      biasInitializer: constantBias(outputBias),
    })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit, name: 'imaging_net' });
}
