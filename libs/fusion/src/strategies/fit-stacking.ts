import type { ModalityEvidence } from '@lf/contracts';
import { fitLogisticRegression } from '../math/logistic-regression';
import { mulberry32 } from '../math/mulberry32';
import { assertSampleWeights } from '../validation/binary-inputs';
import { readEvidence } from './read-evidence';
import type { StackingParams } from './stacking.strategy';

export interface StackingRow {
  /** One evidence item per expected modality, as the aggregator will see it (calibrated probabilities). */
  evidence: ModalityEvidence[];
  label: 0 | 1;
}

export interface FitStackingOptions {
  /** The modalities the model gets coefficients for; evidence for others is ignored. */
  modalities: string[];
  /** L2 on all coefficients (not the intercept), relative to the mean weighted loss. */
  l2: number;
  /** Per-row weights, e.g. class weights for the ~10-15 % prevalence. */
  sampleWeights?: ArrayLike<number>;
  /** Probability that each present modality is dropped in an augmented copy, in [0, 1). */
  dropoutRate: number;
  seed: number;
  /** Augmented copies per training row (default 5). */
  replicas?: number;
}

/**
 * Fits the stacking model by penalised logistic regression (damped Newton/IRLS) on features
 * [z_m, present_m] per modality, with modality-dropout augmentation.
 *
 * Why dropout: in training data the common pattern is "everything present", so without augmentation
 * the model learns coefficients that assume the other modalities are there and over- or under-shoots
 * when one is missing at runtime. Each row is copied `replicas` times; in each copy every present
 * modality is independently dropped (z = 0, present = 0) with probability `dropoutRate`. If that would
 * drop every present modality, one of them, chosen uniformly, is kept: an all-absent row teaches
 * nothing (the strategy answers the prior then) and would only pull on the intercept. Copies carry
 * 1/replicas of the row's weight so augmentation does not change the effective sample size the L2
 * is balanced against. Rows whose real evidence is already partly missing keep that missingness, so
 * genuine (informative) missingness is still learned through the presence coefficients.
 * Deterministic for a given seed.
 */
export function fitStacking(rows: readonly StackingRow[], options: FitStackingOptions): StackingParams {
  const { modalities, dropoutRate, seed } = options;
  const replicas = options.replicas ?? 5;
  if (rows.length === 0) throw new RangeError('fitStacking: needs at least one row');
  if (modalities.length === 0) throw new RangeError('fitStacking: needs at least one modality');
  if (new Set(modalities).size !== modalities.length) throw new RangeError('fitStacking: modalities contain duplicates');
  if (!(dropoutRate >= 0 && dropoutRate < 1)) throw new RangeError(`fitStacking: dropoutRate must be in [0, 1), got ${dropoutRate}`);
  if (!Number.isInteger(replicas) || replicas < 1) throw new RangeError(`fitStacking: replicas must be a positive integer`);
  if (!Number.isInteger(seed)) throw new RangeError(`fitStacking: seed must be an integer`);
  if (options.sampleWeights !== undefined) assertSampleWeights('fitStacking', options.sampleWeights, rows.length);
  let positives = 0;
  for (const [i, row] of rows.entries()) {
    if (row.label !== 0 && row.label !== 1) throw new RangeError(`fitStacking: label of row ${i} must be 0 or 1`);
    positives += row.label;
  }
  if (positives === 0 || positives === rows.length) {
    throw new RangeError('fitStacking: needs at least one positive and one negative row');
  }

  const random = mulberry32(seed);
  const k = modalities.length;
  const d = 2 * k; // per modality: [z, present]
  const nAug = rows.length * replicas;
  const features = new Float64Array(nAug * d);
  const labels = new Uint8Array(nAug);
  const weights = new Float64Array(nAug);
  const z = new Float64Array(k);
  const present = new Uint8Array(k);
  const kept = new Uint8Array(k);

  let r = 0;
  for (const [rowIndex, row] of rows.entries()) {
    const { views } = readEvidence(`fitStacking (row ${rowIndex})`, row.evidence);
    z.fill(0);
    present.fill(0);
    for (const v of views) {
      const m = modalities.indexOf(v.modality);
      if (m >= 0 && v.present) {
        z[m] = v.z;
        present[m] = 1;
      }
    }
    const presentCount = present.reduce((a, b) => a + b, 0);
    const rowWeight = (options.sampleWeights ? options.sampleWeights[rowIndex] : 1) / replicas;
    for (let copy = 0; copy < replicas; copy++, r++) {
      let keptCount = 0;
      for (let m = 0; m < k; m++) {
        // Draw for every modality, present or not, so the random stream does not depend on missingness.
        const drop = random() < dropoutRate;
        kept[m] = present[m] && !drop ? 1 : 0;
        keptCount += kept[m];
      }
      if (presentCount > 0 && keptCount === 0) {
        let pick = Math.floor(random() * presentCount);
        for (let m = 0; m < k; m++) if (present[m] && pick-- === 0) kept[m] = 1;
      }
      for (let m = 0; m < k; m++) {
        features[r * d + 2 * m] = kept[m] ? z[m] : 0;
        features[r * d + 2 * m + 1] = kept[m];
      }
      labels[r] = row.label;
      weights[r] = rowWeight;
    }
  }

  const fit = fitLogisticRegression(features, d, labels, { l2: options.l2, sampleWeights: weights });
  const logitCoef: Record<string, number> = {};
  const presenceCoef: Record<string, number> = {};
  modalities.forEach((m, i) => {
    logitCoef[m] = fit.coefficients[2 * i];
    presenceCoef[m] = fit.coefficients[2 * i + 1];
  });
  return { intercept: fit.intercept, logitCoef, presenceCoef };
}
