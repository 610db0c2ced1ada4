import { assertBinaryInputs } from '../validation/binary-inputs';
import { midranks } from './midranks';

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive
 * scores above a random negative, ties counting 1/2. Rank-based, O(n log n), and invariant to any
 * monotone transform of the scores (logits and probabilities give the same value).
 * Throws unless both classes are present, because the AUROC is undefined otherwise.
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { positives, negatives } = assertBinaryInputs('auroc', scores, labels, { requireBothClasses: true });
  const ranks = midranks(scores);
  let rankSum = 0;
  for (let i = 0; i < ranks.length; i++) if (labels[i] === 1) rankSum += ranks[i];
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
