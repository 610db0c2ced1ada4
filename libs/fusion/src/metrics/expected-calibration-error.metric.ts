import { reliabilityCurve } from './reliability-curve.metric';

/**
 * Expected calibration error: sum over bins of (bin count / n) * |mean prediction - observed rate|,
 * with the equal-width binning of `reliabilityCurve` (B = 10 by default; bin k is [k/B, (k+1)/B), the
 * last bin includes 1). Empty bins contribute nothing.
 *
 * Caveat worth knowing when reading reports: ECE is biased upwards on small samples (even a perfectly
 * calibrated model shows roughly sqrt(p(1-p)/n_bin) per bin), so compare models on the same split and n.
 */
export function expectedCalibrationError(probs: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): number {
  let ece = 0;
  for (const bin of reliabilityCurve(probs, labels, bins)) {
    ece += bin.count * Math.abs(bin.meanPrediction - bin.observedFrequency);
  }
  return ece / probs.length;
}
