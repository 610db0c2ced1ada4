import { assertBinaryInputs } from '../validation/binary-inputs';

export interface ReliabilityBin {
  /** Bin edges: [lower, upper), except the last bin, which is closed: [lower, 1]. */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability of the predictions in the bin. */
  meanPrediction: number;
  /** Observed positive rate in the bin. */
  observedFrequency: number;
}

/**
 * Reliability diagram data over `bins` equal-width bins on [0, 1]. A prediction p goes to bin
 * min(floor(p * bins), bins - 1), i.e. bins are half-open [k/B, (k+1)/B) except the last, which also
 * takes p = 1. Only non-empty bins are returned (an empty bin has no mean to plot; `lower`/`upper` place
 * each bin on the axis), in increasing order.
 * Equal-width rather than equal-mass bins: the axis means the same thing for every model, which is what
 * a before/after calibration comparison needs.
 */
export function reliabilityCurve(probs: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const { n } = assertBinaryInputs('reliabilityCurve', probs, labels, { scoresAreProbabilities: true });
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`reliabilityCurve: bins must be a positive integer, got ${bins}`);
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.floor(probs[i] * bins));
    count[b]++;
    sumP[b] += probs[i];
    sumY[b] += labels[i];
  }
  const curve: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    curve.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      meanPrediction: sumP[b] / count[b],
      observedFrequency: sumY[b] / count[b],
    });
  }
  return curve;
}
