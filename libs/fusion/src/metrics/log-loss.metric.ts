import { clampProbability } from '../calibration/logit';
import { assertBinaryInputs } from '../validation/binary-inputs';

/**
 * Mean negative log-likelihood (cross-entropy) of probabilities. Probabilities are clamped with the same
 * epsilon as `logit`, so one confident mistake costs about 13.8 nats rather than Infinity.
 */
export function logLoss(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { n } = assertBinaryInputs('logLoss', probs, labels, { scoresAreProbabilities: true });
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = clampProbability(probs[i]);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / n;
}
