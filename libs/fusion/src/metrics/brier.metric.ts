import { assertBinaryInputs } from '../validation/binary-inputs';

/**
 * Brier score: mean squared difference between predicted probability and outcome. A proper scoring
 * rule (rewards both discrimination and calibration); 0 is perfect, prevalence * (1 - prevalence) is
 * what always predicting the prevalence scores.
 */
export function brier(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { n } = assertBinaryInputs('brier', probs, labels, { scoresAreProbabilities: true });
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (probs[i] - labels[i]) ** 2;
  return sum / n;
}
