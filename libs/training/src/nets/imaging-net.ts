import * as tf from '@tensorflow/tfjs';
import { constantBias, seededKernel } from './seeded-initializers';

export interface ImagingNetOptions {
  /** Square image side in pixels (preprocessing output). */
  size: number;
  /** Input channels: windowed intensity plus tissue-band fractions (see ImagingSpec.bands). Default 1. */
  channels?: number;
  seed: number;
  /** Initial output bias, e.g. the training prevalence's log-odds. Default 0. */
  outputBias?: number;
}

/**
 * Imaging net: [N, size, size, C] (NHWC; the ONNX model takes NCHW [N, C, size, size], the layout
 * preprocessing produces) -> one raw logit [N, 1]. Three stride-2 3x3 convs and global average pooling:
 * about 4k parameters, the most the pure-JS CPU backend trains in reasonable time. The input's own
 * global average (the slice's tissue-band fractions) is concatenated to the pooled conv features, a
 * wide-and-deep shortcut: the opacity burden is a global quantity, and the shortcut lets the small CNN
 * add local patterns instead of having to rediscover a mean.
 */
export function buildImagingNet({ size, channels = 1, seed, outputBias = 0 }: ImagingNetOptions): tf.LayersModel {
  const input = tf.input({ shape: [size, size, channels], name: 'image' });
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
  const pooledConv = tf.layers.globalAveragePooling2d({ name: 'imaging_gap' }).apply(x) as tf.SymbolicTensor;
  const pooledInput = tf.layers.globalAveragePooling2d({ name: 'imaging_input_gap' }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.concatenate({ name: 'imaging_features' }).apply([pooledConv, pooledInput]) as tf.SymbolicTensor;
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
