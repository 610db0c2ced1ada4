import { applyIsotonic, fitIsotonic, type IsotonicParams } from './isotonic.calibration';
import { logit } from './logit';
import { fitPlatt } from './platt.calibration';
import { sigmoid } from './sigmoid';
import { fitTemperature } from './temperature.calibration';

/**
 * A fitted calibration as it is stored in a model manifest and applied in the worker.
 * Every variant maps a model's raw logit to a calibrated probability.
 */
export type Calibration =
  | { method: 'platt'; a: number; b: number }
  | { method: 'temperature'; t: number }
  | ({ method: 'isotonic' } & IsotonicParams);

export type CalibrationMethod = Calibration['method'];

export function calibrate(calibration: Calibration, rawLogit: number): number {
  // Isotonic maps straight to a probability; going through its clamped log-odds would move 0 and 1 by eps.
  if (calibration.method === 'isotonic') return applyIsotonic(calibration, rawLogit);
  return sigmoid(calibratedLogit(calibration, rawLogit));
}

/**
 * The calibrated log-odds. Platt and temperature are affine in the logit, so this is exact and unclamped;
 * isotonic returns a probability (possibly exactly 0 or 1), so its log-odds are clamped via `logit`.
 */
export function calibratedLogit(calibration: Calibration, rawLogit: number): number {
  switch (calibration.method) {
    case 'platt':
      return calibration.a * rawLogit + calibration.b;
    case 'temperature':
      return rawLogit / calibration.t;
    case 'isotonic':
      return logit(applyIsotonic(calibration, rawLogit));
  }
}

export interface FitCalibrationOptions {
  sampleWeights?: ArrayLike<number>;
}

/** Fits the named method on validation (raw logit, label) pairs; the one entry point the trainer needs. */
export function fitCalibration(
  method: CalibrationMethod,
  rawLogits: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: FitCalibrationOptions = {},
): Calibration {
  switch (method) {
    case 'platt':
      return { method, ...fitPlatt(rawLogits, labels, options) };
    case 'temperature':
      return { method, ...fitTemperature(rawLogits, labels, options) };
    case 'isotonic':
      return { method, ...fitIsotonic(rawLogits, labels, options) };
  }
}
