import type { FusedRisk, ModalityEvidence } from '@lf/contracts';
import { logit } from '../calibration/logit';
import { sigmoid } from '../calibration/sigmoid';
import { assertFusionContext, fusedResult, priorResult, type FusionContext } from './fusion-context';
import { resolveModalityWeights, type ModalityWeightConfig } from './modality-weights';
import { readEvidence } from './read-evidence';

export interface LogOddsConfig extends ModalityWeightConfig {
  /**
   * The pooling centre, if it must differ from the shared `FusionParams.prior` (it normally should not:
   * both are the training prevalence that the per-modality calibrations absorbed).
   */
  prior?: number;
  /**
   * Divide the weights by their sum over present modalities. Off by default, see below; turn it on when
   * the modalities are strongly correlated: pooling then becomes a weighted mean in log-odds space, and
   * a single present modality returns its own calibrated probability (up to the 1e-6 clamp).
   */
  renormalize?: boolean;
}
export type LogOddsParams = LogOddsConfig & FusionContext;

/**
 * Log-odds (logarithmic opinion) pooling around the prevalence prior:
 *   logit(p) = logit(prior) + sum_m w_m (logit(p_m) - logit(prior)),
 * with logit(p_m) the calibrated log-odds (clamped at 1e-6). Each calibrated p_m already contains the
 * prior once, so subtracting it leaves each modality's likelihood ratio; adding those is Bayes' rule
 * for conditionally independent evidence (w_m = 1), and w_m < 1 discounts the correlated part.
 *
 * Weights are NOT renormalised by default precisely because independent evidence adds up: two modalities
 * both doubling the odds should quadruple them, and a missing modality should leave the others' evidence
 * as strong as it was (its term is simply 0, i.e. no update from the prior), not inflate it.
 *
 * contribution_m = w_m (logit(p_m) - logit(prior)); they sum to logit(p) - logit(prior) exactly as the
 * contract describes. `weight` reports the normalised pooling weight w_m / sum of present w.
 */
export function logOddsFusion(evidence: readonly ModalityEvidence[], params: LogOddsParams): FusedRisk {
  assertFusionContext('logOddsFusion', params);
  const { views, presentOrder, degraded } = readEvidence('logOddsFusion', evidence);
  if (presentOrder.length === 0) return priorResult('log-odds', views, params);

  const raw = resolveModalityWeights('logOddsFusion', views, presentOrder, params);
  let total = 0;
  for (const i of presentOrder) total += raw[i];
  const priorLogit = logit(params.prior);
  const weights = new Float64Array(views.length);
  const contributions = new Float64Array(views.length);
  let eta = priorLogit;
  for (const i of presentOrder) {
    weights[i] = raw[i] / total;
    const w = params.renormalize ? weights[i] : raw[i];
    contributions[i] = w * (views[i].z - priorLogit);
    eta += contributions[i];
  }
  return fusedResult('log-odds', sigmoid(eta), views, weights, contributions, degraded, params);
}
