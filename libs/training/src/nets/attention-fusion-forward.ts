import * as tf from '@tensorflow/tfjs';
import type { AttentionFusionParams } from './attention-fusion-params';

/** Penalty pushing an absent modality's score to -1e4, i.e. softmax weight exactly 0 in float32. */
export const ABSENT_SCORE_PENALTY = 1e4;

export type AttentionFusionOutput = {
  /** [N, 1] fused raw logit (calibration/threshold happen downstream). */
  fusedLogit: tf.Tensor2D;
  /** [N, M] attention weights, rows sum to 1, ~0 for absent modalities. */
  weights: tf.Tensor2D;
};

/**
 * Attention fusion over calibrated per-modality logits [N, M] and a 0/1 presence mask [N, M]:
 *   z = logits * mask;  F[n,m,:] = (z, |z|, 1)
 *   hidden[n,m,h] = tanh(sum_k F[n,m,k] W[m,k,h])
 *   score[n,m] = mask * sum_h hidden[n,m,h] q[m,h] + (mask - 1) * 1e4
 *   weights = softmax_m(score)
 *   fused = bias + sum_m weights * gamma * z + sum_m delta * mask
 * The score term is multiplied by the mask so an absent modality scores exactly -1e4. For present ones this
 * changes nothing; for a row with NO modality present the weights are then exactly uniform (instead of
 * depending on float32 rounding of s - 1e4, ulp ~1e-3, which would also break 1e-4 ONNX parity), and the
 * fused logit is just `bias` since z = 0. Absent entries of `calibratedLogits` must be finite (use 0):
 * NaN * 0 is NaN. This exact op sequence is mirrored by exportAttentionFusionToOnnx.
 */
export function attentionFusionForward(
  params: AttentionFusionParams,
  calibratedLogits: tf.Tensor2D,
  mask: tf.Tensor2D,
): AttentionFusionOutput {
  const m = params.numModalities;
  if (calibratedLogits.shape[1] !== m || mask.shape[1] !== m || mask.shape[0] !== calibratedLogits.shape[0]) {
    throw new Error(
      `attentionFusionForward: expected [N, ${m}] logits and mask, got ` +
        `[${calibratedLogits.shape.join(', ')}] and [${mask.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const z = tf.mul(calibratedLogits, mask);
    const features = tf.stack([z, tf.abs(z), tf.onesLike(z)], 2); // [N, M, 3]
    const hidden = tf.tanh(tf.sum(tf.mul(tf.expandDims(features, 3), params.W), 2)); // [N, M, H]
    const attention = tf.sum(tf.mul(hidden, params.q), 2); // [N, M]
    const score = tf.add(tf.mul(attention, mask), tf.mul(tf.sub(mask, 1), ABSENT_SCORE_PENALTY));
    const weights = tf.softmax(score, 1) as tf.Tensor2D;
    const attended = tf.sum(tf.mul(tf.mul(weights, params.gamma), z), 1, true);
    const presence = tf.sum(tf.mul(mask, params.delta), 1, true);
    const fusedLogit = tf.add(tf.add(attended, presence), params.bias) as tf.Tensor2D;
    return { fusedLogit, weights };
  });
}
