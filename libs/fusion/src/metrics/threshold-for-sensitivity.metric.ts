import { assertBinaryInputs } from '../validation/binary-inputs';

export interface OperatingPoint {
  /** Classify positive when probability >= threshold. */
  threshold: number;
  sensitivity: number;
  specificity: number;
  /** Positive predictive value; precision. */
  ppv: number;
  /** Negative predictive value; null when nothing is classified negative (JSON-safe, unlike NaN). */
  npv: number | null;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

/**
 * The highest threshold t (rule: positive iff p >= t) whose sensitivity reaches `target`, with the
 * specificity and PPV it buys. Highest, because among all thresholds meeting the sensitivity target it
 * flags the fewest patients, so it has the best specificity. That threshold is always one of the
 * positives' scores: the k-th highest positive score with k = ceil(target * positives).
 * Used to set the 'moderate' risk band on validation data (DESIGN.md 4: sensitivity 0.90).
 */
export function thresholdForSensitivity(probs: ArrayLike<number>, labels: ArrayLike<number>, target = 0.9): OperatingPoint {
  const { n, positives, negatives } = assertBinaryInputs('thresholdForSensitivity', probs, labels, {
    scoresAreProbabilities: true,
    requireBothClasses: true,
  });
  if (!(target > 0 && target <= 1)) throw new RangeError(`thresholdForSensitivity: target must be in (0, 1], got ${target}`);
  const positiveScores: number[] = [];
  for (let i = 0; i < n; i++) if (labels[i] === 1) positiveScores.push(probs[i]);
  positiveScores.sort((a, b) => b - a);
  // The small slack keeps 0.7 * 10 = 7.000000000000001 from demanding an 8th positive.
  const k = Math.min(positives, Math.max(1, Math.ceil(target * positives - 1e-9)));
  const threshold = positiveScores[k - 1];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    if (probs[i] >= threshold) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  const fn = positives - tp;
  const tn = negatives - fp;
  return {
    threshold,
    sensitivity: tp / positives,
    specificity: tn / negatives,
    ppv: tp / (tp + fp),
    npv: tn + fn > 0 ? tn / (tn + fn) : null,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
  };
}
