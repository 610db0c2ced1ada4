import type { FusedRisk, ModalityEvidence } from '@lf/contracts';
import { sigmoid } from '../calibration/sigmoid';
import { assertFusionContext, fusedResult, lookup, priorResult, shares, type FusionContext } from './fusion-context';
import { readEvidence } from './read-evidence';

/**
 * A logistic model over calibrated per-modality log-odds z_m (0 when absent) and presence indicators:
 *   logit(p) = intercept + sum_m (logitCoef_m z_m + presenceCoef_m [m present]).
 * Plain records so they serialise into the fusion manifest; fitted by `fitStacking`.
 */
export interface StackingParams {
  intercept: number;
  logitCoef: Record<string, number>;
  presenceCoef: Record<string, number>;
}
export type StackingFusionParams = StackingParams & FusionContext;

/**
 * Stacking: unlike the fixed pooling rules it learns how much each modality's log-odds count given the
 * others (correlation) and what the *absence* of a modality says (missingness is informative here:
 * imaging is ordered for sicker patients, DESIGN.md 4), which is why presence indicators are features.
 *
 * A present modality the model has no coefficients for (registered after training) contributes 0 and
 * marks the result degraded, since that evidence did not inform it. If no present modality is known to
 * the model, the prior is returned (see `priorResult`), not sigmoid(intercept): the intercept is the
 * log-odds of a training row with everything dropped, which dropout augmentation never produces.
 *
 * contribution_m = logitCoef_m z_m + presenceCoef_m: signed log-odds relative to the model's intercept
 * (the stacking model's own baseline, rather than logit(prior)). weight_m = |logitCoef_m z_m| share over
 * the present modalities (equal shares when all are 0, e.g. every p_m = 0.5).
 */
export function stackingFusion(evidence: readonly ModalityEvidence[], params: StackingFusionParams): FusedRisk {
  assertFusionContext('stackingFusion', params);
  assertStackingParams(params);
  const read = readEvidence('stackingFusion', evidence);
  const { views } = read;
  const known = (m: string) => lookup(params.logitCoef, m) !== undefined || lookup(params.presenceCoef, m) !== undefined;
  const usable = read.presentOrder.filter((i) => known(views[i].modality));
  if (usable.length === 0) return priorResult('stacking', views, params);

  const contributions = new Float64Array(views.length);
  const magnitudes = new Float64Array(views.length);
  let eta = params.intercept;
  for (const i of usable) {
    const { modality, z } = views[i];
    const logitPart = (lookup(params.logitCoef, modality) ?? 0) * z;
    contributions[i] = logitPart + (lookup(params.presenceCoef, modality) ?? 0);
    magnitudes[i] = Math.abs(logitPart);
    eta += contributions[i];
  }
  const weights = shares(magnitudes, usable, views.length);
  const degraded = read.degraded || usable.length < read.presentOrder.length;
  return fusedResult('stacking', sigmoid(eta), views, weights, contributions, degraded, params);
}

export function assertStackingParams(params: StackingParams): void {
  if (!Number.isFinite(params.intercept)) throw new RangeError('stacking: intercept must be finite');
  for (const [table, record] of [['logitCoef', params.logitCoef], ['presenceCoef', params.presenceCoef]] as const) {
    for (const [m, c] of Object.entries(record ?? {})) {
      if (!Number.isFinite(c)) throw new RangeError(`stacking: ${table}["${m}"] must be finite (got ${c})`);
    }
  }
}
