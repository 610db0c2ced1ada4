import * as tf from '@tensorflow/tfjs';
import { constantBias, seededKernel } from './seeded-initializers';

export interface TabularNetOptions {
  /** Number of (already standardized) input features. */
  features: number;
  seed: number;
  /** Hidden width. Default 16. */
  hidden?: number;
  /**
   * Dropout rate after the hidden layer, training only (exported as identity). Default 0: tfjs dropout
   * draws from Math.random unless seeded, and a seeded one repeats the same mask every batch, so it
   * costs reproducibility either way; enable it deliberately.
   */
  dropout?: number;
  outputBias?: number;
}

/** Tabular net: [N, F] -> Dense(hidden, relu) -> [Dropout] -> Dense(1) raw logit [N, 1]. */
export function buildTabularNet({
  features,
  seed,
  hidden = 16,
  dropout = 0,
  outputBias = 0,
}: TabularNetOptions): tf.LayersModel {
  const input = tf.input({ shape: [features], name: 'tabular' });
  let x = tf.layers
    .dense({
      name: 'tabular_hidden',
      units: hidden,
      activation: 'relu',
      kernelInitializer: seededKernel(seed, 0),
      biasInitializer: constantBias(),
    })
    .apply(input) as tf.SymbolicTensor;
  if (dropout > 0) x = tf.layers.dropout({ name: 'tabular_dropout', rate: dropout }).apply(x) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({
      name: 'tabular_logit',
      units: 1,
      kernelInitializer: seededKernel(seed, 1),
      biasInitializer: constantBias(outputBias),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit, name: 'tabular_net' });
}
