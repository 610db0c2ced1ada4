import type { FusedRisk, ModalityEvidence } from '@lf/contracts';
import { sigmoid } from '../calibration/sigmoid';
import { assertFusionContext, fusedResult, priorResult, shares, type FusionContext } from './fusion-context';
import { readEvidence } from './read-evidence';

export interface AttentionInput {
  /** Calibrated log-odds per modality in `modalities` order; 0 where masked. */
  calibratedLogits: Float32Array;
  /** 1 = present, 0 = absent. */
  mask: Float32Array;
  modalities: string[];
}

export interface AttentionOutput {
  fusedLogit: number;
  /** Attention weight per modality, in `modalities` order. */
  weights: number[];
}

/**
 * The attention module itself (an ONNX session in the aggregator, a tfjs model in training) lives
 * outside this lib, which must not import either; the strategy only prepares inputs and interprets outputs.
 */
export type AttentionRunner = (input: AttentionInput) => Promise<AttentionOutput>;

export interface AttentionConfig {
  /** The model's input order; fixed when it was trained/exported. */
  modalities: string[];
}
export type AttentionParams = AttentionConfig & FusionContext;

/**
 * Attention fusion: a small learned module weights modalities from their calibrated logits (their
 * magnitude is the confidence) and the presence mask, and returns the fused logit.
 *
 * The runner's weights are re-masked and renormalised over present modalities: a softmax with a -inf
 * mask already gives absent modalities 0, but float32 export or a finite "-1e9" mask can leave crumbs,
 * and the contract promises exact zeros and present weights summing to 1.
 * contribution_m = weight_m * z_m. Modalities the model was not trained on are ignored (weight 0) and
 * mark the result degraded; with no usable modality the runner is not called and the prior is returned.
 */
export async function attentionFusion(
  evidence: readonly ModalityEvidence[],
  params: AttentionParams,
  runner: AttentionRunner,
): Promise<FusedRisk> {
  assertFusionContext('attentionFusion', params);
  const { modalities } = params;
  if (new Set(modalities).size !== modalities.length) throw new RangeError('attentionFusion: modalities contain duplicates');
  const read = readEvidence('attentionFusion', evidence);
  const { views } = read;
  const slotOf = (m: string) => modalities.indexOf(m);
  const usable = read.presentOrder.filter((i) => slotOf(views[i].modality) >= 0);
  if (usable.length === 0) return priorResult('attention', views, params);

  const calibratedLogits = new Float32Array(modalities.length);
  const mask = new Float32Array(modalities.length);
  for (const i of usable) {
    const slot = slotOf(views[i].modality);
    calibratedLogits[slot] = views[i].z;
    mask[slot] = 1;
  }
  const output = await runner({ calibratedLogits, mask, modalities: [...modalities] });
  if (!Number.isFinite(output.fusedLogit)) throw new RangeError(`attentionFusion: runner returned a non-finite fused logit`);
  if (output.weights.length !== modalities.length) {
    throw new RangeError(`attentionFusion: runner returned ${output.weights.length} weights for ${modalities.length} modalities`);
  }
  const modelWeights = new Float64Array(views.length);
  for (const i of usable) {
    const w = output.weights[slotOf(views[i].modality)];
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`attentionFusion: runner returned an invalid weight (${w})`);
    modelWeights[i] = w;
  }
  const weights = shares(modelWeights, usable, views.length);
  const contributions = new Float64Array(views.length);
  for (const i of usable) contributions[i] = weights[i] * views[i].z;
  const degraded = read.degraded || usable.length < read.presentOrder.length;
  return fusedResult('attention', sigmoid(output.fusedLogit), views, weights, contributions, degraded, params);
}
