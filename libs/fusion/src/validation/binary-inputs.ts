/**
 * Shared input checks for everything that takes (scores, labels[, weights]): metrics and calibration fits.
 * They throw early with the calling function's name, because a NaN score or a label of 2 otherwise
 * surfaces much later as a silently wrong AUROC or a calibration that never converges.
 */
export interface BinaryInputRules {
  /** AUROC, DeLong, calibration fits: undefined with a single class, so say so instead of returning NaN. */
  requireBothClasses?: boolean;
  /** Probabilities (Brier, ECE, thresholds) must lie in [0, 1]; logits need only be finite. */
  scoresAreProbabilities?: boolean;
  sampleWeights?: ArrayLike<number>;
}

export interface BinaryInputSummary {
  n: number;
  positives: number;
  negatives: number;
}

export function assertBinaryInputs(
  caller: string,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rules: BinaryInputRules = {},
): BinaryInputSummary {
  const n = scores.length;
  if (labels.length !== n) {
    throw new RangeError(`${caller}: scores and labels differ in length (${n} vs ${labels.length})`);
  }
  if (n === 0) throw new RangeError(`${caller}: needs at least one observation`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) throw new RangeError(`${caller}: score at index ${i} is not a finite number (${s})`);
    if (rules.scoresAreProbabilities && (s < 0 || s > 1)) {
      throw new RangeError(`${caller}: probability at index ${i} is outside [0, 1] (${s})`);
    }
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`${caller}: label at index ${i} must be 0 or 1 (got ${y})`);
    positives += y;
  }
  const negatives = n - positives;
  if (rules.requireBothClasses && (positives === 0 || negatives === 0)) {
    throw new RangeError(
      `${caller}: needs at least one positive and one negative label (got ${positives} positive, ${negatives} negative)`,
    );
  }
  if (rules.sampleWeights !== undefined) assertSampleWeights(caller, rules.sampleWeights, n);
  return { n, positives, negatives };
}

export function assertSampleWeights(caller: string, weights: ArrayLike<number>, n: number): void {
  if (weights.length !== n) {
    throw new RangeError(`${caller}: sampleWeights has length ${weights.length}, expected ${n}`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w < 0) {
      throw new RangeError(`${caller}: sample weight at index ${i} must be finite and >= 0 (got ${w})`);
    }
    total += w;
  }
  if (!(total > 0)) throw new RangeError(`${caller}: sample weights sum to 0`);
}
