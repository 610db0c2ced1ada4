// Pure fusion maths (DESIGN.md 4): calibration, evaluation metrics and the four fusion strategies.
// Domain lib: no Redis, no Nest, no onnxruntime/tfjs (the attention model is injected as a runner).

export { sigmoid } from './calibration/sigmoid';
export { logit, clampProbability, PROBABILITY_EPSILON } from './calibration/logit';
export { fitPlatt, applyPlatt, DEFAULT_PLATT_L2, type PlattParams, type PlattOptions } from './calibration/platt.calibration';
export {
  fitTemperature,
  applyTemperature,
  type TemperatureParams,
  type TemperatureOptions,
} from './calibration/temperature.calibration';
export { fitIsotonic, applyIsotonic, type IsotonicParams, type IsotonicOptions } from './calibration/isotonic.calibration';
export {
  calibrate,
  calibratedLogit,
  fitCalibration,
  type Calibration,
  type CalibrationMethod,
  type FitCalibrationOptions,
} from './calibration/calibration';
export { calibrationSchema } from './calibration/calibration.schema';

export { auroc } from './metrics/auroc.metric';
export { aurocConfidenceInterval, type AurocInterval, type AurocIntervalOptions } from './metrics/auroc-confidence-interval.metric';
export { auprc } from './metrics/auprc.metric';
export { brier } from './metrics/brier.metric';
export { logLoss } from './metrics/log-loss.metric';
export { reliabilityCurve, type ReliabilityBin } from './metrics/reliability-curve.metric';
export { expectedCalibrationError } from './metrics/expected-calibration-error.metric';
export { thresholdForSensitivity, type OperatingPoint } from './metrics/threshold-for-sensitivity.metric';

export { riskBand, type RiskBandThresholds } from './strategies/risk-band';
export type { FusionContext } from './strategies/fusion-context';
export { weightsFromAuroc, type ModalityWeightConfig } from './strategies/modality-weights';
export { weightedMeanFusion, type WeightedMeanConfig, type WeightedMeanParams } from './strategies/weighted-mean.strategy';
export { logOddsFusion, type LogOddsConfig, type LogOddsParams } from './strategies/log-odds.strategy';
export { stackingFusion, type StackingParams, type StackingFusionParams } from './strategies/stacking.strategy';
export { fitStacking, type StackingRow, type FitStackingOptions } from './strategies/fit-stacking';
export {
  attentionFusion,
  type AttentionRunner,
  type AttentionInput,
  type AttentionOutput,
  type AttentionConfig,
  type AttentionParams,
} from './strategies/attention.strategy';
export { fuse, effectiveStrategy, modalitiesUnknownToStrategy, type FusionParams, type FusionRunners } from './fuse';
export { fusionParamsSchema } from './fusion-params.schema';

export { mulberry32 } from './math/mulberry32';
