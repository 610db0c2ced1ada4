import * as tf from '@tensorflow/tfjs';

/** tfjs does not export the Initializer class type from its main entry point. */
export type LayerInitializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * Seeded Glorot-uniform kernels and constant biases. Each layer gets its own seed derived from the net
 * seed and the layer's position, so the same (seed, architecture) always builds bit-identical weights
 * while layers do not share a random stream.
 */
export function seededKernel(seed: number, layerIndex: number): LayerInitializer {
  return tf.initializers.glorotUniform({ seed: (Math.imul(seed | 0, 7919) + layerIndex * 104729) >>> 0 });
}

/** Constant bias; the output layer can start at the training prior's log-odds instead of 0. */
export function constantBias(value = 0): LayerInitializer {
  return value === 0 ? tf.initializers.zeros() : tf.initializers.constant({ value });
}
