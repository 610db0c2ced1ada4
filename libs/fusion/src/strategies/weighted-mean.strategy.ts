import type { FusedRisk, ModalityEvidence } from '@lf/contracts';
import { logit } from '../calibration/logit';
import { assertFusionContext, fusedResult, priorResult, type FusionContext } from './fusion-context';
import { resolveModalityWeights, type ModalityWeightConfig } from './modality-weights';
import { readEvidence } from './read-evidence';

export type WeightedMeanConfig = ModalityWeightConfig;
export type WeightedMeanParams = WeightedMeanConfig & FusionContext;

/**
 * Weighted mean of calibrated probabilities: p = sum_m w_m p_m / sum_m w_m over present modalities.
 * The simplest robust baseline: a mean of calibrated probabilities stays in [0, 1], is monotone in each
 * input, and degrades gracefully (absent modalities drop out and the rest renormalise). It does not let
 * agreeing modalities reinforce each other; that is what log-odds pooling is for.
 *
 * Weights are normalised before multiplying, so one present modality gets weight exactly 1 and the
 * result is exactly its own calibrated probability.
 *
 * Contributions (signed, in log-odds relative to the prior, as the contract asks): the fused log-odds
 * shift logit(p) - logit(prior) is split in proportion to each modality's w_m (p_m - prior), which sum
 * to p - prior. When p equals the prior the ratio is replaced by its limit, the slope of logit at the
 * prior, 1 / (prior (1 - prior)).
 */
export function weightedMeanFusion(evidence: readonly ModalityEvidence[], params: WeightedMeanParams): FusedRisk {
  assertFusionContext('weightedMeanFusion', params);
  const { views, presentOrder, degraded } = readEvidence('weightedMeanFusion', evidence);
  if (presentOrder.length === 0) return priorResult('weighted-mean', views, params);

  const raw = resolveModalityWeights('weightedMeanFusion', views, presentOrder, params);
  let total = 0;
  for (const i of presentOrder) total += raw[i];
  const weights = new Float64Array(views.length);
  let p = 0;
  for (const i of presentOrder) {
    weights[i] = raw[i] / total;
    p += weights[i] * views[i].probability;
  }
  p = Math.min(1, Math.max(0, p));

  const prior = params.prior;
  const slope = Math.abs(p - prior) > 1e-12 ? (logit(p) - logit(prior)) / (p - prior) : 1 / (prior * (1 - prior));
  const contributions = new Float64Array(views.length);
  for (const i of presentOrder) contributions[i] = slope * weights[i] * (views[i].probability - prior);
  return fusedResult('weighted-mean', p, views, weights, contributions, degraded, params);
}
