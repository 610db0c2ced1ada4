import { assertBinaryInputs } from '../validation/binary-inputs';

/**
 * Area under the precision-recall curve as average precision: AP = sum_k (R_k - R_{k-1}) P_k over
 * the distinct score thresholds, from the highest down (scikit-learn's average_precision_score).
 * Step-wise, no linear interpolation, because interpolating precision between operating points is
 * optimistic. Tied scores form one threshold. More informative than AUROC at 10-15 % prevalence, where
 * a chance-level model has AP = prevalence, not 0.5. Needs at least one positive.
 */
export function auprc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { n, positives } = assertBinaryInputs('auprc', scores, labels);
  if (positives === 0) throw new RangeError('auprc: needs at least one positive label');
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[j] - scores[i]);
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let k = 0; k < n; ) {
    const threshold = scores[order[k]];
    for (; k < n && scores[order[k]] === threshold; k++) {
      if (labels[order[k]] === 1) tp++;
      else fp++;
    }
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
  }
  return ap;
}
