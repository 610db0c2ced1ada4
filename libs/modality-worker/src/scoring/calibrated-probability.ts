import type { ManifestCalibration } from '@lf/contracts';
import { calibrate, sigmoid } from '@lf/fusion';

export const UNCALIBRATED_FLAG = 'uncalibrated';

/**
 * The calibration fitted on the validation split, from the manifest of the model that produced the logit
 * (Platt: p = sigmoid(a * logit + b); temperature and isotonic via the same @lf/fusion code the trainer used).
 * A manifest without calibration gives the plain sigmoid, flagged, so fusion can tell.
 */
export function calibratedProbability(calibration: ManifestCalibration | undefined, rawLogit: number): { probability: number; flags: string[] } {
  if (!calibration) return { probability: sigmoid(rawLogit), flags: [UNCALIBRATED_FLAG] };
  return { probability: calibrate(calibration, rawLogit), flags: [] };
}
