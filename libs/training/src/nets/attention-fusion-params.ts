import * as tf from '@tensorflow/tfjs';

/**
 * Trainable parameters of the attention fusion module, as tf.Variables so a custom loop can fit them
 * with `optimizer.minimize(loss, false, attentionFusionVariables(params))`. M modalities, H hidden units.
 */
export interface AttentionFusionParams {
  numModalities: number;
  hidden: number;
  /** [M, 3, H]: per-modality map from features (z, |z|, 1) to the hidden layer. */
  W: tf.Variable;
  /** [M, H]: per-modality score vector. */
  q: tf.Variable;
  /** [M]: per-modality scale of the attended logit. */
  gamma: tf.Variable;
  /** [M]: per-modality presence offset (presence is informative: missingness is not at random). */
  delta: tf.Variable;
  /** [1]: fused-logit intercept (prior log-odds). */
  bias: tf.Variable;
}

/**
 * Seeded initial parameters: small random W and q (so attention starts near uniform), gamma = 1 (the
 * fused logit starts as the attention-weighted mean of calibrated logits), delta = 0, bias = 0.
 */
export function createAttentionFusionParams(numModalities: number, hidden = 4, seed = 0): AttentionFusionParams {
  if (!Number.isInteger(numModalities) || numModalities < 1 || !Number.isInteger(hidden) || hidden < 1) {
    throw new Error(`createAttentionFusionParams: bad sizes M=${numModalities}, H=${hidden}`);
  }
  // tidy frees the initial-value tensors; variables are never disposed by tidy.
  const [W, q, gamma, delta, bias] = tf.tidy(() => [
    tf.variable(tf.truncatedNormal([numModalities, 3, hidden], 0, 0.5, 'float32', seed)),
    tf.variable(tf.truncatedNormal([numModalities, hidden], 0, 0.5, 'float32', seed + 1)),
    tf.variable(tf.ones([numModalities])),
    tf.variable(tf.zeros([numModalities])),
    tf.variable(tf.zeros([1])),
  ]) as tf.Variable[];
  return { numModalities, hidden, W, q, gamma, delta, bias };
}

/** The variables in a fixed order, for optimizer.minimize's varList. */
export function attentionFusionVariables(params: AttentionFusionParams): tf.Variable[] {
  return [params.W, params.q, params.gamma, params.delta, params.bias];
}

/** Frees the variables (they live outside tf.tidy). */
export function disposeAttentionFusionParams(params: AttentionFusionParams): void {
  attentionFusionVariables(params).forEach((v) => v.dispose());
}
