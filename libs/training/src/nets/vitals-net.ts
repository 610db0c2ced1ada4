import * as tf from '@tensorflow/tfjs';
import { constantBias, seededKernel } from './seeded-initializers';

export interface VitalsNetOptions {
  /** Time steps per series (preprocessing resamples/pads to this). */
  steps: number;
  /** Vital-sign channels. */
  channels: number;
  seed: number;
  outputBias?: number;
}

/**
 * Vitals net: [N, T, C] -> Conv1D(16, k5, same, relu) -> Conv1D(16, k3, stride 2, same, relu)
 * -> concat(global average, global max) -> Dense(8, relu) -> Dense(1) raw logit [N, 1].
 * The max-pool branch lets a short deterioration episode count even when the average washes it out.
 */
export function buildVitalsNet({ steps, channels, seed, outputBias = 0 }: VitalsNetOptions): tf.LayersModel {
  const input = tf.input({ shape: [steps, channels], name: 'vitals' });
  const conv1 = tf.layers
    .conv1d({
      name: 'vitals_conv1',
      filters: 16,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: seededKernel(seed, 0),
      biasInitializer: constantBias(),
    })
    .apply(input) as tf.SymbolicTensor;
  const conv2 = tf.layers
    .conv1d({
      name: 'vitals_conv2',
      filters: 16,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: seededKernel(seed, 1),
      biasInitializer: constantBias(),
    })
    .apply(conv1) as tf.SymbolicTensor;
  const avg = tf.layers.globalAveragePooling1d({ name: 'vitals_gap' }).apply(conv2) as tf.SymbolicTensor;
  const max = tf.layers.globalMaxPooling1d({ name: 'vitals_gmp' }).apply(conv2) as tf.SymbolicTensor;
  const pooled = tf.layers.concatenate({ name: 'vitals_pool_concat' }).apply([avg, max]) as tf.SymbolicTensor;
  const hidden = tf.layers
    .dense({
      name: 'vitals_hidden',
      units: 8,
      activation: 'relu',
      kernelInitializer: seededKernel(seed, 2),
      biasInitializer: constantBias(),
    })
    .apply(pooled) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({
      name: 'vitals_logit',
      units: 1,
      kernelInitializer: seededKernel(seed, 3),
      biasInitializer: constantBias(outputBias),
    })
    .apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit, name: 'vitals_net' });
}
