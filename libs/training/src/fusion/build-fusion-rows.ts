import { logit } from '@lf/fusion';
import type { FusionRows } from './modality-dropout';

export interface ModalityPredictions {
  modality: string;
  /** Case index in the split for each prediction. */
  caseIndex: ArrayLike<number>;
  /** Calibrated probabilities aligned with caseIndex. */
  probabilities: ArrayLike<number>;
}

/** Joins per-modality predictions on the case index into one fusion matrix (absent -> mask 0). */
export function buildFusionRows(labels: Uint8Array, predictions: ModalityPredictions[]): FusionRows {
  const m = predictions.length;
  const n = labels.length;
  const z = new Float32Array(n * m);
  const mask = new Float32Array(n * m);
  predictions.forEach((p, k) => {
    for (let i = 0; i < p.caseIndex.length; i++) {
      const row = p.caseIndex[i];
      z[row * m + k] = logit(p.probabilities[i]);
      mask[row * m + k] = 1;
    }
  });
  return { modalities: predictions.map((p) => p.modality), z, mask, labels };
}
