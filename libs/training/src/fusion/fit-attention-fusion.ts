import * as tf from '@tensorflow/tfjs';
import { attentionFusionForward, attentionFusionVariables, createAttentionFusionParams, type AttentionFusionParams } from "../nets";
import type { FusionRows } from './modality-dropout';

/**
 * Full-batch Adam on the log loss of the attention module over dropout-augmented validation rows.
 * Rows are few (thousands) and the module tiny, so full batches are fast and deterministic.
 */
export function fitAttentionFusion(rows: FusionRows, options: { epochs: number; seed: number; learningRate?: number }): AttentionFusionParams {
  const m = rows.modalities.length;
  const n = rows.labels.length;
  const params = createAttentionFusionParams(m, 4, options.seed);
  const optimizer = tf.train.adam(options.learningRate ?? 0.03);
  const z = tf.tensor2d(rows.z, [n, m]);
  const mask = tf.tensor2d(rows.mask, [n, m]);
  const y = tf.tensor2d(Float32Array.from(rows.labels), [n, 1]);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const loss = optimizer.minimize(() => {
      const { fusedLogit } = attentionFusionForward(params, z, mask);
      return tf.losses.sigmoidCrossEntropy(y, fusedLogit) as tf.Scalar;
    }, false, attentionFusionVariables(params));
    loss?.dispose();
  }
  tf.dispose([z, mask, y]);
  optimizer.dispose();
  return params;
}
