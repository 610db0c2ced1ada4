/**
 * Probabilities are clamped to [eps, 1 - eps] before taking log-odds. A calibrated model can emit exactly
 * 0 or 1 (isotonic calibration does, float32 sigmoid saturates), and one infinite log-odds would veto every
 * other modality in log-odds pooling or stacking. 1e-6 caps a single modality's evidence at about
 * +/-13.8 nats, far beyond anything a calibrated clinical model should claim.
 */
export const PROBABILITY_EPSILON = 1e-6;

export function clampProbability(p: number, eps: number = PROBABILITY_EPSILON): number {
  return Math.min(1 - eps, Math.max(eps, p));
}

export function logit(p: number, eps: number = PROBABILITY_EPSILON): number {
  if (Number.isNaN(p)) throw new RangeError('logit: probability is NaN');
  const q = clampProbability(p, eps);
  return Math.log(q / (1 - q));
}
